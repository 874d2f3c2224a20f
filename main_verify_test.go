package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/appliance/store/benchcache"
)

const verifyChildEnv = "SHOUHOU_VERIFY_CHILD_DATA"

// TestVerifyChild is the child of the verify memory measurements:
// `shouhou verify -data DIR` offline, then its own peak resident memory
// from /proc/self/status, as "VmHWM: N kB".
func TestVerifyChild(t *testing.T) {
	data := os.Getenv(verifyChildEnv)
	if data == "" {
		t.Skip("the child of TestVerifyMemoryBounded and BenchmarkVerifyRSS")
	}
	code := run(context.Background(), []string{"verify", "-data", data}, os.Stdout, os.Stderr)
	for _, name := range []string{"RssAnon:", "RssFile:", "VmHWM:"} { // VmHWM last: verifyOfflinePeak reads it
		fmt.Printf("%s %.0f kB\n", name, procKB(t, "self", name)*1024)
	}
	if code != 0 {
		t.Fatalf("verify exited %d", code)
	}
}

// procKB reads one "Name: N kB" line of /proc/PID/status, in MiB.
func procKB(tb testing.TB, pid, name string) float64 {
	tb.Helper()
	status, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		tb.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, name); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				tb.Fatalf("%s in /proc/%s/status: %v", name, pid, err)
			}
			return kb / 1024
		}
	}
	tb.Fatalf("no %s in /proc/%s/status", name, pid)
	return 0
}

// verifyFigures are what one measured verify gave.
type verifyFigures struct {
	out     string  // the report
	peakMiB float64 // VmHWM of the process that verified
	// anonMiB and fileMiB split its resident memory at the end: heap and
	// Badger's caches, and the store's tables as Badger maps them (clean
	// file pages the kernel may drop at any time).
	anonMiB, fileMiB float64
	secs             float64
	// cgPeakMiB and cgHits are what the cgroup saw (verifyOfflineIn).
	cgPeakMiB float64
	cgHits    int
}

// verifyOfflinePeak runs the offline verify in a child process.
func verifyOfflinePeak(tb testing.TB, data string) verifyFigures {
	tb.Helper()
	return verifyOfflineIn(tb, data, 0, false)
}

// verifyOfflineIn runs the offline verify in a child process inside a
// memory cgroup of limit bytes (none when 0 or the machine has none); a
// child the limit kills fails tb. A cold child starts with the page cache
// dropped (coldStart).
func verifyOfflineIn(tb testing.TB, data string, limit int64, cold bool) verifyFigures {
	tb.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestVerifyChild$")
	cmd.Env = append(os.Environ(), verifyChildEnv+"="+data)
	if cold {
		cmd = coldStart(tb, cmd)
	}
	cmd, cg := limitedChild(tb, cmd, limit)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	f := verifyFigures{out: string(out), secs: time.Since(start).Seconds()}
	if err != nil {
		tb.Fatalf("verify child: %v\n%s", err, out)
	}
	for name, dst := range map[string]*float64{"VmHWM: ": &f.peakMiB, "RssAnon: ": &f.anonMiB, "RssFile: ": &f.fileMiB} {
		i := strings.LastIndex(f.out, name)
		if i < 0 {
			tb.Fatalf("verify child printed no %s:\n%s", name, out)
		}
		kb, err := strconv.ParseFloat(strings.Fields(f.out[i+len(name):])[0], 64)
		if err != nil {
			tb.Fatal(err)
		}
		*dst = kb / 1024
	}
	if cg != "" {
		f.cgPeakMiB, f.cgHits = cgroupFigures(cg)
	}
	return f
}

// coldStart makes cmd start cold: it runs a private copy of its binary
// (the test binary's own pages are mapped by this process, so they would
// stay cached and be charged elsewhere), and the page cache is written back
// and dropped (root only). What the child then reads, of the store and of
// its binary, is charged to its cgroup, and its VmHWM counts only that.
func coldStart(tb testing.TB, cmd *exec.Cmd) *exec.Cmd {
	tb.Helper()
	bin, err := os.ReadFile(cmd.Path)
	if err != nil {
		tb.Fatal(err)
	}
	own := filepath.Join(tb.TempDir(), filepath.Base(cmd.Path))
	if err := os.WriteFile(own, bin, 0o755); err != nil {
		tb.Fatal(err)
	}
	cmd.Path, cmd.Args[0] = own, own
	syscall.Sync() // dirty pages (a store just generated, the copy) are not dropped
	if err := os.WriteFile("/proc/sys/vm/drop_caches", []byte("1"), 0o200); err != nil {
		tb.Logf("page cache not dropped: %v", err)
	}
	return cmd
}

// verifyOnlinePeak starts serve (TestServeChild) on data, asks it for an
// online verify through its admin socket, and returns the server's peak
// resident memory, start-up included.
func verifyOnlinePeak(tb testing.TB, data string) verifyFigures {
	tb.Helper()
	cmd := serveChild(data, false)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Signal(syscall.SIGTERM)
	sc := bufio.NewScanner(stderr)
	var log strings.Builder
	for sc.Scan() && !servingLine.MatchString(sc.Text()) {
		log.WriteString(sc.Text() + "\n")
	}
	if sc.Err() != nil || !servingLine.MatchString(sc.Text()) {
		tb.Fatalf("the serve child did not start:\n%s", &log)
	}
	go io.Copy(io.Discard, stderr)
	var out bytes.Buffer
	start := time.Now()
	ok, err := store.VerifyVia(data, &out)
	// The admin socket starts beside the listener, maybe just after the
	// "serving" line.
	for deadline := start.Add(5 * time.Second); errors.Is(err, store.ErrNoServer) && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		start = time.Now()
		ok, err = store.VerifyVia(data, &out)
	}
	f := verifyFigures{out: out.String(), secs: time.Since(start).Seconds()}
	if err != nil || !ok {
		tb.Fatalf("online verify = %v, %v\n%s", ok, err, &out)
	}
	pid := strconv.Itoa(cmd.Process.Pid)
	f.peakMiB, f.anonMiB, f.fileMiB = procKB(tb, pid, "VmHWM:"), procKB(tb, pid, "RssAnon:"), procKB(tb, pid, "RssFile:")
	return f
}

// fillLedger issues cards to the first n customers of fillStore, each
// with three top-ups, in the ledger's own transactions' shape.
func fillLedger(tb testing.TB, dir string, n int) {
	tb.Helper()
	db, err := store.Open(dir, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for i := 0; i < n; i += 500 {
		err := db.Update(func(tx *store.Txn) error {
			for j := i; j < min(i+500, n); j++ {
				c := &appliance.Card{Number: fmt.Sprintf("SC-%06d", j+1), CustomerID: fmt.Sprintf("c%07d", j), Status: appliance.CardActive, Issued: at}
				for s := int64(1); s <= 3; s++ {
					e := &appliance.LedgerEntry{Card: c.Number, Seq: s, Kind: appliance.LedgerTopup, AmountFen: 1000,
						BalanceFen: 1000 * s, Operator: "0007", Key: fmt.Sprintf("fill-%d-%d", j, s), Time: at, PrevHash: c.LedgerHead}
					if err := tx.AppendLedger(e); err != nil {
						return err
					}
					c.BalanceFen, c.LedgerCount, c.LedgerHead = e.BalanceFen, e.Seq, e.Hash
				}
				if err := tx.PutCard(c); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// verifyStore generates a store of n tickets and customers, a tenth of
// them with a card of three ledger entries.
func verifyStore(tb testing.TB, n int) string {
	tb.Helper()
	data := filepath.Join(tb.TempDir(), "data")
	fillStore(tb, data, n)
	fillLedger(tb, data, n/10)
	return data
}

// verifyRSSLimit is the peak RSS TestVerifyMemoryBounded allows: 512 MiB,
// twice that under the race detector, whose shadow memory grows with
// every byte the serve child allocates (measured at 20k tickets: online
// ~140–225 MiB plain, ~710–790 MiB with -race).
func verifyRSSLimit() float64 {
	if raceDetector {
		return 1024
	}
	return 512
}

// TestVerifyMemoryBounded verifies a generated store of 20,000 tickets
// offline (a child process) and online (inside a serve child) and records
// the peak resident memory of each (VmHWM); BenchmarkVerifyRSS does the
// same at 100k and 1M. The bound is generous (the race detector of
// `make test` multiplies memory): the figures are in the log and in
// docs/benchmarks.md.
func TestVerifyMemoryBounded(t *testing.T) {
	const n = 20_000
	data := verifyStore(t, n)
	for _, tc := range []struct {
		name    string
		measure func(testing.TB, string) verifyFigures
	}{{"offline", verifyOfflinePeak}, {"online", verifyOnlinePeak}} {
		f := tc.measure(t, data)
		if !strings.Contains(f.out, "OK: every invariant holds") || !strings.Contains(f.out, fmt.Sprintf("ticket     %d", n)) || !strings.Contains(f.out, fmt.Sprintf("ledger     %d", 3*n/10)) {
			t.Errorf("%s verify of %d tickets said:\n%s", tc.name, n, f.out)
		}
		t.Logf("%s verify of %d tickets, %d customers, %d cards, %d ledger entries: peak RSS (VmHWM) %.1f MiB (at the end: anon %.1f, file %.1f), %.2f s",
			tc.name, n, n, n/10, 3*n/10, f.peakMiB, f.anonMiB, f.fileMiB, f.secs)
		if limit := verifyRSSLimit(); f.peakMiB > limit {
			t.Errorf("%s verify of %d tickets peaked at %.0f MiB RSS, want well under %.0f", tc.name, n, f.peakMiB, limit)
		}
	}
}

// BenchmarkVerifyRSS measures the peak resident memory and the time of
// verify, offline and online, over generated stores of 10k, 100k and 1M
// tickets, customers and cards (deskStore, built once into the benchmark
// cache: package benchcache; the first 1M build takes the better part of an
// hour, so run it alone, -bench 'VerifyRSS/tickets=1000000').
func BenchmarkVerifyRSS(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("tickets=%d", n), func(b *testing.B) {
			data := benchcache.Store(b, "desk", n, deskStoreGen, deskStore)
			var off, on, small verifyFigures
			for b.Loop() {
				off, on = verifyOfflinePeak(b, data), verifyOnlinePeak(b, data)
				// Once more inside 128 MB, started cold so that reading
				// the store is charged to the cgroup too (root only;
				// without it the figure is the process's own memory but
				// for pages already cached).
				small = verifyOfflineIn(b, data, 128<<20, true)
			}
			b.ReportMetric(small.cgPeakMiB, "offline-128M-cgroup-peak-MiB")
			b.ReportMetric(small.peakMiB, "offline-128M-peak-MiB")
			b.ReportMetric(float64(small.cgHits), "offline-128M-cgroup-limit-hits")
			b.ReportMetric(small.secs, "offline-128M-s")
			b.ReportMetric(off.peakMiB, "offline-peak-MiB")
			b.ReportMetric(off.anonMiB, "offline-anon-MiB")
			b.ReportMetric(off.fileMiB, "offline-file-MiB")
			b.ReportMetric(off.secs, "offline-s")
			b.ReportMetric(on.peakMiB, "online-server-peak-MiB")
			b.ReportMetric(on.anonMiB, "online-server-anon-MiB")
			b.ReportMetric(on.secs, "online-s")
		})
	}
}
