package cards

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"syscall"
	"testing"
	"time"

	"shouhou/appliance"
)

// BenchmarkRawFsync measures this machine's physical limit: one small
// write plus fsync on the disk the store uses, one after another.
func BenchmarkRawFsync(b *testing.B) {
	f, err := os.Create(filepath.Join(b.TempDir(), "fsync"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	buf := make([]byte, 512)
	var lat []time.Duration
	for b.Loop() {
		start := time.Now()
		writeSync(b, f, buf)
		lat = append(lat, time.Since(start))
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "fsyncs/s")
	reportLatency(b, lat)
}

// writeSync writes buf to f and waits for it to be on the disk.
func writeSync(b *testing.B, f *os.File, buf []byte) {
	if _, err := f.Write(buf); err != nil {
		b.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		b.Fatal(err)
	}
}

// reportLatency reports the median and 99th percentile of lat.
func reportLatency(b *testing.B, lat []time.Duration) {
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDurableOps measures durable card operations (top-up or charge,
// each acknowledged after its group commit) with 1, 8 and 64 concurrent
// clients on 64 cards: operations per second and per-operation latency.
func BenchmarkDurableOps(b *testing.B) {
	for _, clients := range []int{1, 8, 64} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			f := MustService(b, testPolicy())
			ctx := context.Background()
			var cards []string
			for i := 0; i < 64; i++ {
				id := fmt.Sprintf("b%d", i)
				mustUpdateCust(b, f.db, id)
				res, err := f.svc.Issue(ctx, supervisor, IssueArgs{Key: "issue-" + id, CustomerID: id, DepositFen: 1_000_000})
				if err != nil {
					b.Fatal(err)
				}
				cards = append(cards, res.Card.Number)
			}
			moneyClients(b, f, clients, func(c, i int) MoneyArgs {
				return MoneyArgs{Key: fmt.Sprintf("%d-%d", c, i), Card: cards[(c+i)%len(cards)], AmountFen: 100}
			})
		})
	}
}

// moneyClients runs b.N top-ups and charges (alternately) from clients
// concurrent clients, client c's i-th operation being arg(c, i), and
// reports the process's CPU per operation, operations per second and the
// latencies; it returns the operations per second (0 if none ran).
func moneyClients(b *testing.B, f *fixture, clients int, arg func(c, i int) MoneyArgs) float64 {
	ctx := context.Background()
	actor := appliance.Actor{ID: "bench", Role: appliance.RoleClerk}
	lat := make([][]time.Duration, clients)
	b.ResetTimer()
	cpu := cpuTime(b)
	var wg sync.WaitGroup
	per := (b.N + clients - 1) / clients
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < per; i++ {
				op := f.svc.TopUp
				if i%2 == 1 {
					op = f.svc.Charge
				}
				start := time.Now()
				if _, err := op(ctx, actor, arg(c, i)); err != nil {
					b.Error(err)
					return
				}
				lat[c] = append(lat[c], time.Since(start))
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	all := slices.Concat(lat...)
	if len(all) == 0 {
		return 0
	}
	// CPU per operation (the whole process: the writer, Badger's flushes
	// and compactions, the clients) holds better than ops/s on a box whose
	// other users take turns at the cores.
	ops := float64(len(all)) / b.Elapsed().Seconds()
	b.ReportMetric(float64((cpuTime(b)-cpu).Microseconds())/float64(len(all)), "cpu-µs/op")
	b.ReportMetric(ops, "ops/s")
	reportLatency(b, all)
	return ops
}
