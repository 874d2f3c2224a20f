package cards

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"
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
	for b.Loop() {
		if _, err := f.Write(buf); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "fsyncs/s")
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
			lat := make([][]time.Duration, clients)
			b.ResetTimer()
			var wg sync.WaitGroup
			per := (b.N + clients - 1) / clients
			for c := 0; c < clients; c++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < per; i++ {
						a := MoneyArgs{Key: fmt.Sprintf("%d-%d", c, i), Card: cards[(c+i)%len(cards)], AmountFen: 100}
						op := f.svc.TopUp
						if i%2 == 1 {
							op = f.svc.Charge
						}
						start := time.Now()
						if _, err := op(ctx, appliance.Actor{ID: "bench", Role: appliance.RoleClerk}, a); err != nil {
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
			slices.Sort(all)
			b.ReportMetric(float64(len(all))/b.Elapsed().Seconds(), "ops/s")
			b.ReportMetric(float64(all[len(all)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(all[len(all)*99/100].Microseconds()), "p99-µs")
		})
	}
}
