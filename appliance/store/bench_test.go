package store

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

// LoadTickets writes n customers, each with one ticket, in transactions of
// batch records, for benchmarks. Ticket numbers spread over n/5000 days.
func LoadTickets(tb testing.TB, db *DB, n, batch int) {
	tb.Helper()
	for i := 0; i < n; i += batch {
		mustUpdate(tb, db, func(tx *Txn) error {
			for j := i; j < min(i+batch, n); j++ {
				c := &appliance.Customer{ID: fmt.Sprintf("c%07d", j), Name: "顾客" + strconv.Itoa(j),
					Phones: []string{benchPhone(j)}, Address: "北京市朝阳区建国路88号"}
				number, err := tx.NextTicketNumber(day.AddDate(0, 0, j/5000))
				if err != nil {
					return err
				}
				t := &appliance.Ticket{Number: number, Kind: appliance.KindRepair, Status: appliance.TicketStatuses[j%8],
					CustomerID: c.ID, Fault: "屏幕不亮，开机无反应，已尝试充电", Due: day.AddDate(0, 0, j%30),
					Condition: appliance.Condition{Packaging: true, Accessories: true, WarrantyCard: true}}
				if err := tx.PutCustomer(c); err != nil {
					return err
				}
				if err := tx.PutTicket(t); err != nil {
					return err
				}
			}
			return nil
		})
	}
}

func benchPhone(i int) string { return fmt.Sprintf("139%08d", i) }

func benchTicket(i int) string {
	return fmt.Sprintf("T%s-%04d", day.AddDate(0, 0, i/5000).Format("20060102"), i%5000+1)
}

// percentiles returns p50 and p99 of ds.
func percentiles(ds []time.Duration) (p50, p99 time.Duration) {
	slices.Sort(ds)
	return ds[len(ds)/2], ds[len(ds)*99/100]
}

// BenchmarkLookup100k measures index lookup plus record fetch at 100,000
// tickets and customers: by phone and by ticket number.
func BenchmarkLookup100k(b *testing.B) {
	db := MustOpen(b)
	const n = 100_000
	LoadTickets(b, db, n, 1000)
	lookups := []struct {
		name string
		get  func(tx *Txn, i int) error
	}{
		{"phone", func(tx *Txn, i int) error { _, err := tx.CustomerByPhone(benchPhone(i)); return err }},
		{"ticket", func(tx *Txn, i int) error { _, err := tx.Ticket(benchTicket(i)); return err }},
	}
	for _, l := range lookups {
		b.Run(l.name, func(b *testing.B) {
			ds := make([]time.Duration, 0, b.N)
			for i := 0; b.Loop(); i++ {
				k := (i * 7919) % n
				start := time.Now()
				if err := db.View(func(tx *Txn) error { return l.get(tx, k) }); err != nil {
					b.Fatal(err)
				}
				ds = append(ds, time.Since(start))
			}
			p50, p99 := percentiles(ds)
			b.ReportMetric(float64(p50.Microseconds()), "p50-µs")
			b.ReportMetric(float64(p99.Microseconds()), "p99-µs")
		})
	}
}

// BenchmarkTicketWrite measures one durable ticket intake (counter, record,
// three indexes, audit) in its own transaction: the fsync-bound path.
func BenchmarkTicketWrite(b *testing.B) {
	db := MustOpen(b)
	ds := make([]time.Duration, 0, b.N)
	for i := 0; b.Loop(); i++ {
		start := time.Now()
		mustUpdate(b, db, func(tx *Txn) error {
			n, err := tx.NextTicketNumber(day.AddDate(0, 0, i/9000))
			if err != nil {
				return err
			}
			t := &appliance.Ticket{Number: n, Status: appliance.StatusOpen, CustomerID: "c1", Due: day}
			if err := tx.PutTicket(t); err != nil {
				return err
			}
			return tx.Audit("bench", "ticket.create", "ticket/"+n, "", nil, t)
		})
		ds = append(ds, time.Since(start))
	}
	p50, p99 := percentiles(ds)
	b.ReportMetric(float64(p50.Microseconds()), "p50-µs")
	b.ReportMetric(float64(p99.Microseconds()), "p99-µs")
}

const optionChildEnv = "SHOUHOU_OPTION_CHILD"

// optionResult is what TestOptionSetChild measures in its own process.
type optionResult struct {
	LoadSeconds float64 `json:"load_s"`
	LoadPeakMiB float64 `json:"load_peak_mib"`
	OpenMillis  float64 `json:"open_ms"`
	OpenRSSMiB  float64 `json:"open_rss_mib"`
	DiskMiB     float64 `json:"disk_mib"`
}

// TestOptionSetChild is the child of BenchmarkOptionSets: it loads 100,000
// tickets with one option set, closes, reopens and reports the figures.
func TestOptionSetChild(t *testing.T) {
	set := os.Getenv(optionChildEnv)
	if set == "" {
		t.Skip("the child of BenchmarkOptionSets")
	}
	dir := t.TempDir()
	o := Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if set == "badger-defaults" {
		o.Tune = func(badger.Options) badger.Options {
			return badger.DefaultOptions(dir).WithSyncWrites(true).WithLogger(nil)
		}
	}
	var r optionResult
	db, err := Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	LoadTickets(t, db, 100_000, 1000)
	r.LoadSeconds = time.Since(start).Seconds()
	r.LoadPeakMiB = procStatusMiB(t, "VmHWM")
	db.Close()
	start = time.Now()
	db, err = Open(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	r.OpenMillis = float64(time.Since(start).Microseconds()) / 1000
	r.OpenRSSMiB = procStatusMiB(t, "VmRSS")
	db.Close()
	r.DiskMiB = float64(dirSize(t, dir)) / (1 << 20)
	json.NewEncoder(os.Stdout).Encode(r)
}

// BenchmarkOptionSets compares the appliance option set with Badger's
// defaults (both with SyncWrites) on 100,000 tickets, each in a fresh
// process so the memory figures are the process's own.
func BenchmarkOptionSets(b *testing.B) {
	for _, set := range []string{"appliance", "badger-defaults"} {
		b.Run(set, func(b *testing.B) {
			var r optionResult
			for b.Loop() {
				cmd := exec.Command(os.Args[0], "-test.run=^TestOptionSetChild$", "-test.v")
				cmd.Env = append(os.Environ(), optionChildEnv+"="+set)
				out, err := cmd.Output()
				if err != nil {
					b.Fatalf("child: %v\n%s", err, out)
				}
				for _, line := range strings.Split(string(out), "\n") {
					if strings.HasPrefix(line, "{") {
						if err := json.Unmarshal([]byte(line), &r); err != nil {
							b.Fatal(err)
						}
					}
				}
			}
			b.ReportMetric(r.LoadSeconds, "load-s")
			b.ReportMetric(r.LoadPeakMiB, "load-peak-MiB")
			b.ReportMetric(r.OpenMillis, "open-ms")
			b.ReportMetric(r.OpenRSSMiB, "open-rss-MiB")
			b.ReportMetric(r.DiskMiB, "disk-MiB")
		})
	}
}

// procStatusMiB reads a memory field of /proc/self/status in MiB.
func procStatusMiB(tb testing.TB, field string) float64 {
	tb.Helper()
	f, err := os.Open("/proc/self/status")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				tb.Fatal(err)
			}
			return kb / 1024
		}
	}
	tb.Fatalf("no %s in /proc/self/status", field)
	return 0
}

func dirSize(tb testing.TB, dir string) int64 {
	var n int64
	filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return nil
	})
	return n
}

// BenchmarkBackfillTicketTouch measures the format 2 migration's backfill
// (the ticket.touch entry of every ticket, 1,000 per transaction) over
// 100,000 tickets: the extra time of the first start after the upgrade.
func BenchmarkBackfillTicketTouch(b *testing.B) {
	db := MustOpen(b)
	const n = 100_000
	LoadTickets(b, db, n, 1000)
	b.ResetTimer()
	for b.Loop() {
		if err := backfillTicketTouch(db); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/n, "µs/ticket")
}

// BenchmarkBackfillTicketReport measures the format 4 migration's backfill
// (the ticket.report entry of every ticket, 1,000 per transaction) over
// 100,000 tickets: the extra time of the first start after the upgrade.
func BenchmarkBackfillTicketReport(b *testing.B) {
	db := MustOpen(b)
	const n = 100_000
	LoadTickets(b, db, n, 1000)
	b.ResetTimer()
	for b.Loop() {
		if err := backfillTicketReport(db); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N)/n, "µs/ticket")
}
