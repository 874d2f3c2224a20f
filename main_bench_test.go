package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

const (
	serveChildEnv     = "SHOUHOU_SERVE_CHILD_DATA"
	serveChildDemoEnv = "SHOUHOU_SERVE_CHILD_DEMO"
	serveChildConfEnv = "SHOUHOU_SERVE_CHILD_CONF"
	// serveChildHeapEnv names a file the serve child writes a heap
	// profile to each time its heap reaches a new peak (checked every
	// 250 ms), for reading what the peak was made of:
	// `go tool pprof -top -inuse_space FILE`.
	serveChildHeapEnv = "SHOUHOU_SERVE_CHILD_HEAP_PROFILE"
)

// profilePeakHeap writes a heap profile to file whenever the heap in use
// passes its highest so far, until ctx ends.
func profilePeakHeap(ctx context.Context, file string) {
	var peak uint64
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		if m.HeapInuse <= peak+peak/20 { // 5% higher at least: a profile costs
			continue
		}
		peak = m.HeapInuse
		if f, err := os.Create(file); err == nil {
			pprof.WriteHeapProfile(f)
			f.Close()
		}
	}
}

// TestServeChild is the child of the tests and benchmarks that run the
// real `shouhou serve` in a process of its own (serveChild): on the given
// data directory, with -demo when asked and -conf when a config directory
// is given, until it is killed or stopped with SIGTERM.
func TestServeChild(t *testing.T) {
	data := os.Getenv(serveChildEnv)
	if data == "" {
		t.Skip("the child of BenchmarkServeRSS, TestVerifyMemoryBounded, TestKill9KeyedRequestsOnce and TestChainFaults")
	}
	// Both listeners on free ports: two children may serve at once
	// (TestTwoBranchesAndHeadOffice's branch boxes).
	args := []string{"serve", "-data", data, "-listen", "127.0.0.1:0", "-listen-tls", "127.0.0.1:0"}
	if os.Getenv(serveChildDemoEnv) != "" {
		args = append(args, "-demo")
	}
	if dir := os.Getenv(serveChildConfEnv); dir != "" {
		args = append(args, "-conf", dir)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if file := os.Getenv(serveChildHeapEnv); file != "" {
		go profilePeakHeap(ctx, file)
	}
	if code := run(ctx, args, os.Stdout, os.Stderr); code != 0 {
		t.Fatalf("serve exited %d", code)
	}
}

// serveChild is the command that runs TestServeChild on data (with the
// demo data set when demo is true); the caller starts it.
func serveChild(data string, demo bool) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestServeChild$")
	cmd.Env = append(os.Environ(), serveChildEnv+"="+data)
	if demo {
		cmd.Env = append(cmd.Env, serveChildDemoEnv+"=1")
	}
	return cmd
}

// BenchmarkServeRSS starts `serve` in its own process on an empty store and
// on one holding 100,000 tickets and customers, and reports its resident
// memory once idle, and how long it took to be ready.
func BenchmarkServeRSS(b *testing.B) {
	for _, n := range []int{0, 100_000} {
		b.Run(fmt.Sprintf("tickets=%d", n), func(b *testing.B) {
			data := filepath.Join(b.TempDir(), "data")
			fillStore(b, data, n)
			var m serveFigures
			for b.Loop() {
				m = measureServe(b, data)
			}
			b.ReportMetric(m.rss, "idle-rss-MiB")
			b.ReportMetric(m.anon, "anon-MiB")
			b.ReportMetric(m.file, "file-MiB")
			b.ReportMetric(m.readyMs, "ready-ms")
		})
	}
}

// fillStore writes n customers each with a ticket, 1,000 to a transaction
// (raise deskStoreGen when it changes).
func fillStore(b testing.TB, dir string, n int) {
	db, err := store.Open(dir, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	day := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	for i := 0; i < n; i += 1000 {
		err := db.Update(func(tx *store.Txn) error {
			for j := i; j < min(i+1000, n); j++ {
				number, err := tx.NextTicketNumber(day.AddDate(0, 0, j/5000))
				if err != nil {
					return err
				}
				c := &appliance.Customer{ID: fmt.Sprintf("c%07d", j), Name: "顾客", Phones: []string{fmt.Sprintf("139%08d", j)}}
				// Overdue as the ticket scheduler leaves a ticket past its
				// due time, so that a server started on the store does not
				// begin by marking most of it (at 1M, some 600,000 ticket
				// rewrites that would swamp what a benchmark measures).
				t := &appliance.Ticket{Number: number, Kind: appliance.KindRepair, Status: appliance.TicketStatuses[j%8],
					CustomerID: c.ID, Fault: "屏幕不亮，开机无反应", Due: day.AddDate(0, 0, j%30), Overdue: true}
				if err := tx.PutCustomer(c); err != nil {
					return err
				}
				if err := tx.PutTicket(t); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

var servingLine = regexp.MustCompile(`shouhou serving`)

// serveFigures are what measureServe reads of the serve process.
type serveFigures struct {
	rss, anon, file float64 // MiB: VmRSS, RssAnon (heap), RssFile (mapped files)
	readyMs         float64 // start to "shouhou serving"
}

// measureServe runs the serve child until it logs that it serves, lets it
// idle for two seconds, reads its memory and stops it.
func measureServe(b *testing.B, data string) serveFigures {
	cmd := serveChild(data, false)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer cmd.Wait()
	defer cmd.Process.Signal(syscall.SIGTERM)
	var f serveFigures
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if servingLine.MatchString(sc.Text()) {
			f.readyMs = float64(time.Since(start).Microseconds()) / 1000
			break
		}
	}
	go io.Copy(io.Discard, stderr)
	time.Sleep(2 * time.Second)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		b.Fatal(err)
	}
	fields := map[string]*float64{"VmRSS:": &f.rss, "RssAnon:": &f.anon, "RssFile:": &f.file}
	for _, line := range strings.Split(string(status), "\n") {
		for name, dst := range fields {
			if rest, ok := strings.CutPrefix(line, name); ok {
				kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
				*dst = kb / 1024
			}
		}
	}
	if f.rss == 0 {
		b.Fatal("no VmRSS")
	}
	return f
}
