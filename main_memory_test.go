package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/appliance/store/benchcache"
)

// deskStoreGen is the version of deskStore's generator (fillStore and
// fillCards): raise it when one of them changes, so no cached store of
// the old shape is used (package benchcache).
const deskStoreGen = 2

// deskStore generates what a busy store's box holds after years: n
// tickets, n customers, each customer with a service card (chip UID
// "04" + 12 hex digits of its index) of one top-up.
func deskStore(tb testing.TB, dir string, n int) {
	tb.Helper()
	fillStore(tb, dir, n)
	fillCards(tb, dir, n)
}

// deskUID is the chip UID deskStore binds to customer i's card.
func deskUID(i int) string { return fmt.Sprintf("04%012X", i) }

// fillCards issues a card with one top-up to each of fillStore's first n
// customers, 500 to a transaction.
func fillCards(tb testing.TB, dir string, n int) {
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
				c := &appliance.Card{Number: fmt.Sprintf("SC-%07d", j+1), UIDs: []string{deskUID(j)},
					CustomerID: fmt.Sprintf("c%07d", j), Status: appliance.CardActive, Issued: at}
				e := &appliance.LedgerEntry{Card: c.Number, Seq: 1, Kind: appliance.LedgerTopup, AmountFen: 10000,
					BalanceFen: 10000, Operator: "0007", Key: fmt.Sprintf("fill-%d", j), Time: at}
				if err := tx.AppendLedger(e); err != nil {
					return err
				}
				c.BalanceFen, c.LedgerCount, c.LedgerHead = e.BalanceFen, e.Seq, e.Hash
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

// memoryCgroup makes a memory cgroup limited to limit bytes for one
// child process (cgroup v2's memory.max, or v1's memory.limit_in_bytes
// where only v1's memory controller is mounted, as on this VM) and
// returns its directory, or "" with the reason when this machine has
// neither or does not let us write one.
func memoryCgroup(tb testing.TB, limit int64) (dir, why string) {
	tb.Helper()
	name := fmt.Sprintf("shouhou-test-%d-%d", os.Getpid(), time.Now().UnixNano())
	for _, c := range []struct{ root, file string }{
		{"/sys/fs/cgroup", "memory.max"},
		{"/sys/fs/cgroup/unified", "memory.max"},
		{"/sys/fs/cgroup/memory", "memory.limit_in_bytes"},
	} {
		if _, err := os.Stat(filepath.Join(c.root, c.file)); err != nil && c.file == "memory.max" {
			continue // v2 without the memory controller at this root
		}
		if _, err := os.Stat(filepath.Join(c.root, "cgroup.procs")); err != nil {
			continue
		}
		d := filepath.Join(c.root, name)
		if err := os.Mkdir(d, 0o755); err != nil {
			why = err.Error()
			continue
		}
		if err := os.WriteFile(filepath.Join(d, c.file), []byte(strconv.FormatInt(limit, 10)), 0o644); err != nil {
			os.Remove(d)
			why = err.Error()
			continue
		}
		tb.Cleanup(func() {
			for range 50 { // the child's pages are uncharged as it exits
				if os.Remove(d) == nil {
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
		})
		return d, ""
	}
	if why == "" {
		why = "no writable memory cgroup (v1 or v2) on this machine"
	}
	return "", why
}

// cgroupFigures reads what a memory cgroup saw: its peak usage in MiB
// and how often the limit was hit (v1: failcnt; v2: the events' max).
func cgroupFigures(dir string) (peakMiB float64, hits int) {
	read := func(name string) string {
		b, _ := os.ReadFile(filepath.Join(dir, name))
		return strings.TrimSpace(string(b))
	}
	if v := read("memory.max_usage_in_bytes"); v != "" { // v1
		b, _ := strconv.ParseFloat(v, 64)
		hits, _ = strconv.Atoi(read("memory.failcnt"))
		return b / (1 << 20), hits
	}
	b, _ := strconv.ParseFloat(read("memory.peak"), 64)
	for _, line := range strings.Split(read("memory.events"), "\n") {
		if v, ok := strings.CutPrefix(line, "max "); ok {
			hits, _ = strconv.Atoi(v)
		}
	}
	return b / (1 << 20), hits
}

// loadFigures are what a served desk load gave.
type loadFigures struct {
	ops        int
	opsPerSec  float64
	p50, p99   time.Duration
	peakMiB    float64 // the server's VmHWM
	anonMiB    float64 // its RssAnon at the end
	verifyOK   bool
	verifySecs float64
	// verifyRefused says the memory budget refused the online verify.
	verifyRefused bool
	cgPeakMiB     float64 // the cgroup's peak (page cache included), 0 without one
	cgHits        int
	// refused counts the heavy ops the memory budget refused
	// ("内存紧张", ui.MemoryBudget): the clear refusal the budget is
	// for, not a failure.
	refused int
}

// memoryShort starts the memory budget's refusal (ui.MemoryBudget.Admit).
const memoryShort = "内存紧张"

// memoryRefusal reports whether err is the memory budget's refusal of an op.
func memoryRefusal(err error) bool {
	var oe *opError
	return errors.As(err, &oe) && oe.Code == "unavailable" && strings.Contains(oe.Message, memoryShort)
}

// deskLoad is one client's share of the desk's day: look a ticket up by
// number, a customer by phone, search tickets by phone and by a phrase,
// top a card up, take in an out-of-stock registration, list the board.
// Each op is sent with the rate limit waited out.
func deskLoad(c *wsClient, rng *rand.Rand, n int, client, i int) error {
	j := rng.IntN(n)
	phone := fmt.Sprintf("139%08d", j)
	switch i % 8 {
	case 0, 1:
		day := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC).AddDate(0, 0, j/5000)
		return send(c, "ticket.get", map[string]any{"number": fmt.Sprintf("T%s-%04d", day.Format("20060102"), j%5000+1)}, nil)
	case 2:
		return send(c, "customer.lookup", map[string]any{"phone": phone}, nil)
	case 3:
		return send(c, "ticket.search", map[string]any{"q": phone, "limit": 20}, nil)
	case 4:
		return send(c, "ticket.search", map[string]any{"q": "屏幕不亮", "limit": 20}, nil)
	case 5:
		return send(c, "card.topup", map[string]any{"key": fmt.Sprintf("load-%d-%d", client, i),
			"card": fmt.Sprintf("SC-%07d", j+1), "amount_fen": 100}, nil)
	case 6:
		return send(c, "ticket.intake", map[string]any{"kind": "out_of_stock", "phone": phone,
			"fault": "缺货登记 负载", "key": fmt.Sprintf("load-in-%d-%d", client, i)}, nil)
	default:
		return send(c, "tickets.list", map[string]any{"limit": 50}, nil)
	}
}

// deskOpsPerSecond is the pace of one desk load client.
const deskOpsPerSecond = 15

// inCgroup returns cmd run inside memory cgroup cg (made by
// memoryCgroup): it joins the cgroup before exec, so every page it
// touches is charged there.
func inCgroup(cmd *exec.Cmd, cg string) *exec.Cmd {
	w := exec.Command("/bin/sh", append([]string{"-c", `echo $$ > "$0/cgroup.procs" && exec "$@"`, cg, cmd.Path}, cmd.Args[1:]...)...)
	w.Env = cmd.Env
	return w
}

// limitedChild runs cmd inside a new memory cgroup of limit bytes when
// limit > 0 and the machine has one, and returns the command to start and
// the cgroup ("" for none).
func limitedChild(tb testing.TB, cmd *exec.Cmd, limit int64) (*exec.Cmd, string) {
	tb.Helper()
	if limit <= 0 {
		return cmd, ""
	}
	cg, why := memoryCgroup(tb, limit)
	if cg == "" {
		tb.Logf("the child runs without a memory limit: %s", why)
		return cmd, ""
	}
	return inCgroup(cmd, cg), cg
}

// budgetConf writes a config directory (config init's defaults) whose
// store.toml gives the memory budget mib, and returns it.
func budgetConf(tb testing.TB, mib int) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "conf")
	if code, out := runCmd("config", "init", dir); code != 0 {
		tb.Fatalf("config init = %d %q", code, out)
	}
	replaceInConf(tb, dir, "store.toml", "memory_budget_mib = 192", fmt.Sprintf("memory_budget_mib = %d", mib))
	return dir
}

// loadRun is one serveUnderLoad: how many clients for how long, in how
// much memory.
type loadRun struct {
	clients int
	d       time.Duration
	// cgLimit is the memory cgroup's limit in bytes (0: none); budgetMiB
	// the server's memory budget (0: the default config's).
	cgLimit   int64
	budgetMiB int
	// dropCache starts the server cold (coldStart), so that every page
	// it reads is charged to its cgroup and its VmHWM is bounded by the
	// limit.
	dropCache bool
	// noVerify leaves out the online verify half-way through the load.
	noVerify bool
}

// serveUnderLoad starts serve on data (inside a memory cgroup when the
// run has a limit and the machine has one), runs the run's clients' desk
// loads, asks for an online verify half-way, and reads the server's peak
// memory.
func serveUnderLoad(tb testing.TB, data string, n int, run loadRun) loadFigures {
	tb.Helper()
	clients, d := run.clients, run.d
	cmd := serveChild(data, false)
	if run.budgetMiB > 0 {
		cmd.Env = append(cmd.Env, serveChildConfEnv+"="+budgetConf(tb, run.budgetMiB))
	}
	if run.dropCache {
		cmd = coldStart(tb, cmd)
	}
	cmd, cg := limitedChild(tb, cmd, run.cgLimit)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	exited := make(chan error, 1)
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		<-exited
	}()
	sc := bufio.NewScanner(stderr)
	addr := ""
	for sc.Scan() {
		if m := servingAddr.FindStringSubmatch(sc.Text()); m != nil {
			addr = m[1]
			break
		}
	}
	go func() {
		io.Copy(io.Discard, stderr)
		exited <- cmd.Wait()
	}()
	if addr == "" {
		tb.Fatalf("serve did not start: %v", sc.Err())
	}
	ws := make([]*wsClient, clients)
	for k := range ws { // logged in before the clock starts: a PIN check is slow under -race
		ws[k] = dialStaff(tb, addr, "clerk", "1111")
	}
	var (
		mu      sync.Mutex
		lat     []time.Duration
		wg      sync.WaitGroup
		stop    = time.Now().Add(d)
		fails   []error
		refused int
	)
	for k, c := range ws {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(k), 7))
			next := time.Now()
			for i := 0; time.Now().Before(stop); i++ {
				// Paced under the server's per-connection rate limit
				// (20/s), so the latency is the server's, not the
				// limiter's.
				time.Sleep(time.Until(next))
				next = next.Add(time.Second / deskOpsPerSecond)
				t0 := time.Now()
				err := deskLoad(c, rng, n, k, i)
				mu.Lock()
				lat = append(lat, time.Since(t0))
				switch {
				case memoryRefusal(err):
					refused++
				case err != nil && len(fails) < 5:
					fails = append(fails, err)
				}
				mu.Unlock()
				if err != nil && !errors.As(err, new(*opError)) {
					return // the connection is gone
				}
			}
		}()
	}
	var f loadFigures
	if !run.noVerify {
		time.Sleep(d / 2)
		var out strings.Builder
		t0 := time.Now()
		f.verifyOK, err = store.VerifyVia(data, &out)
		f.verifySecs = time.Since(t0).Seconds()
		switch {
		case err != nil && strings.Contains(err.Error(), memoryShort):
			f.verifyRefused = true // the budget's clear refusal, which is what it is for
		case err != nil || !f.verifyOK:
			tb.Errorf("online verify under load = %v, %v\n%s", f.verifyOK, err, out.String())
		}
	}
	wg.Wait()
	select {
	case err := <-exited:
		exited <- err
		tb.Fatalf("serve exited under load (killed by the memory limit?): %v", err)
	default:
	}
	pid := strconv.Itoa(cmd.Process.Pid)
	f.peakMiB, f.anonMiB = procKB(tb, pid, "VmHWM:"), procKB(tb, pid, "RssAnon:")
	if cg != "" {
		f.cgPeakMiB, f.cgHits = cgroupFigures(cg)
	}
	for _, err := range fails {
		tb.Errorf("an op under load failed: %v", err)
	}
	slices.Sort(lat)
	f.ops, f.refused = len(lat), refused
	f.opsPerSec = float64(len(lat)) / d.Seconds()
	if len(lat) > 0 {
		f.p50, f.p99 = lat[len(lat)/2], lat[len(lat)*99/100]
	}
	return f
}

// TestServeUnderLoadInMemoryLimit runs the desk load on a small generated
// store against a server in a 640 MB memory cgroup (the unit's
// MemoryMax), with an online verify in the middle: the server must
// neither be killed nor fail an op nor the verify. BenchmarkServeLoadRSS
// does the same at 10k, 100k and 1M and records the figures.
func TestServeUnderLoadInMemoryLimit(t *testing.T) {
	const n = 2_000
	data := filepath.Join(t.TempDir(), "data")
	deskStore(t, data, n)
	f := serveUnderLoad(t, data, n, loadRun{clients: 4, d: 6 * time.Second, cgLimit: 640 << 20})
	if f.ops < 50 {
		t.Errorf("only %d ops in 6 s of desk load", f.ops)
	}
	t.Logf("desk load on %d tickets/customers/cards: %d ops (%.0f/s, %d refused for memory), p50 %v p99 %v; server peak RSS %.0f MiB (anon at the end %.0f); online verify %.2f s; cgroup peak %.0f MiB, limit hit %d times",
		n, f.ops, f.opsPerSec, f.refused, f.p50, f.p99, f.peakMiB, f.anonMiB, f.verifySecs, f.cgPeakMiB, f.cgHits)
}

// BenchmarkServeLoadRSS serves the desk load (8 clients, 30 s, an online
// verify half-way) from a store of n tickets, n customers and n cards
// (built once into the benchmark cache: package benchcache), once inside
// a 640 MB memory cgroup (the unit's MemoryMax) with the default budget,
// and inside a 128 MB one with a 96 MiB budget, once as the store's
// pages are in the page cache and once ("-cold") with the cache dropped
// first, so that the server's VmHWM counts only what it read in (and
// that once more without the online verify, "-cold-noverify"); it
// reports the server's peak resident memory and what the cgroup saw. Run one size at
// a time: -bench 'ServeLoadRSS/tickets=1000000/'
// (tickets=10000/ also matches 100000 and 1000000: anchor it,
// 'ServeLoadRSS/tickets=10000/' is a prefix of the others).
func BenchmarkServeLoadRSS(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		for _, run := range []loadRun{
			{clients: 8, d: 30 * time.Second, cgLimit: 640 << 20},
			{clients: 8, d: 30 * time.Second, cgLimit: 128 << 20, budgetMiB: 96},
			{clients: 8, d: 30 * time.Second, cgLimit: 128 << 20, budgetMiB: 96, dropCache: true, noVerify: true},
			{clients: 8, d: 30 * time.Second, cgLimit: 128 << 20, budgetMiB: 96, dropCache: true},
		} {
			name := fmt.Sprintf("tickets=%d/cgroup=%dM", n, run.cgLimit>>20)
			if run.dropCache {
				name += "-cold"
			}
			if run.noVerify {
				name += "-noverify"
			}
			b.Run(name, func(b *testing.B) {
				data := benchcache.Store(b, "desk", n, deskStoreGen, deskStore)
				var f loadFigures
				for b.Loop() {
					f = serveUnderLoad(b, data, n, run)
				}
				b.ReportMetric(f.peakMiB, "server-peak-MiB")
				b.ReportMetric(f.anonMiB, "server-anon-MiB")
				b.ReportMetric(f.cgPeakMiB, "cgroup-peak-MiB")
				b.ReportMetric(float64(f.cgHits), "cgroup-limit-hits")
				b.ReportMetric(f.opsPerSec, "ops/s")
				b.ReportMetric(float64(f.refused), "refused-for-memory")
				b.ReportMetric(float64(f.p99.Microseconds())/1000, "p99-ms")
				b.ReportMetric(f.verifySecs, "online-verify-s")
				if f.verifyRefused {
					b.ReportMetric(1, "online-verify-refused-for-memory")
				}
			})
		}
	}
}
