package hqstore

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/chain"
	"shouhou/appliance/store"
	"shouhou/drivers/chaintest"
	"shouhou/drivers/uplink"
)

// commitClock is an Applier that notes when PostgreSQL committed each
// ticket event (the moment Apply returns); the rest is the DB's.
type commitClock struct {
	*DB

	mu        sync.Mutex
	committed map[string]time.Time // ticket number → commit time
	all       chan struct{}        // closed when want tickets are in
	want      int
}

// Apply applies ev and notes the commit of a ticket's event.
func (c *commitClock) Apply(ctx context.Context, ev chain.Event) (bool, error) {
	applied, err := c.DB.Apply(ctx, ev)
	if err != nil || !applied || ev.Kind != chain.KindTicket {
		return applied, err
	}
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, seen := c.committed[ev.ID]; !seen {
		c.committed[ev.ID] = now
		if len(c.committed) == c.want {
			close(c.all)
		}
	}
	return applied, nil
}

// BenchmarkChainForward is the whole chain at once: one box's store
// writing b.N tickets, its forwarder publishing to a real nats-server,
// head office's Consumer applying them into a real PostgreSQL. It reports
// the box's local write rate, the events/s from the first write to the
// last PostgreSQL commit, and each ticket's lag from its local commit to
// its PostgreSQL commit (p50, p99). "burst" writes as fast as the box
// can, so the lag is mostly the backlog; "paced" writes 50 a second, a
// busy desk's rate at most, so the lag is the path's own.
//
//	go test -run '^$' -bench ChainForward -benchtime 500x ./drivers/hqstore
func BenchmarkChainForward(b *testing.B) {
	b.Run("burst", func(b *testing.B) { chainForward(b, 0) })
	b.Run("paced", func(b *testing.B) { chainForward(b, 20*time.Millisecond) })
}

// chainForward runs BenchmarkChainForward with a write every every (0:
// back to back).
func chainForward(b *testing.B, every time.Duration) {
	n := chaintest.StartNATS(b, chaintest.NATSOptions{})
	pg := chaintest.StartPostgres(b)
	hq, err := Open(context.Background(), pg.DSN(""))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(hq.Close)
	box, err := store.Open(b.TempDir(), store.Options{Logger: quiet, Branch: "SH01"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { box.Close() }) // after the forwarder (cleanups run last first)
	f, err := uplink.New(box, uplink.Options{URL: n.URL(), Branch: "SH01", Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	clock := &commitClock{DB: hq, committed: map[string]time.Time{}, all: make(chan struct{}), want: b.N}
	clock.want++ // the warm-up ticket
	c, err := NewConsumer(clock, ConsumerOptions{URL: n.URL(), Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, run := range []func(context.Context) error{f.Run, c.Run} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(ctx); err != nil {
				b.Errorf("Run: %v", err)
			}
		}()
	}
	b.Cleanup(func() { cancel(); wg.Wait() })

	// Warm up: the stream, the consumer and both connections made, so
	// the figures are the steady path's, not the start's.
	if err := box.Update(func(tx *store.Txn) error {
		return tx.PutTicket(&appliance.Ticket{Number: "T20261203-WARM", Kind: appliance.KindRepair, Status: appliance.StatusOpen, CustomerID: "c1"})
	}); err != nil {
		b.Fatal(err)
	}
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(10 * time.Millisecond) {
		clock.mu.Lock()
		_, in := clock.committed["T20261203-WARM"]
		clock.mu.Unlock()
		if in {
			break
		}
		if time.Now().After(deadline) {
			b.Fatalf("the warm-up ticket is not at head office after a minute: forwarder %+v, consumer %+v", f.Status(), c.Stats())
		}
	}
	written := make([]time.Time, b.N)
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		if every > 0 {
			time.Sleep(time.Until(start.Add(time.Duration(i) * every)))
		}
		err := box.Update(func(tx *store.Txn) error {
			return tx.PutTicket(&appliance.Ticket{Number: ticketNo(i), Kind: appliance.KindRepair,
				Status: appliance.StatusOpen, CustomerID: "c1"})
		})
		if err != nil {
			b.Fatal(err)
		}
		written[i] = time.Now()
	}
	local := time.Since(start)
	select {
	case <-clock.all:
	case <-time.After(5*time.Minute + time.Duration(b.N)*time.Millisecond):
		b.Fatalf("head office has %d of %d tickets after the wait; forwarder %+v, consumer %+v", len(clock.committed), b.N, f.Status(), c.Stats())
	}
	b.StopTimer()
	clock.mu.Lock()
	defer clock.mu.Unlock()
	lags := make([]time.Duration, b.N)
	var last time.Time
	for i := range b.N {
		at := clock.committed[ticketNo(i)]
		lags[i] = at.Sub(written[i])
		if at.After(last) {
			last = at
		}
	}
	slices.Sort(lags)
	b.ReportMetric(float64(b.N)/local.Seconds(), "box-writes/s")
	b.ReportMetric(float64(b.N)/last.Sub(start).Seconds(), "hq-events/s")
	b.ReportMetric(float64(lags[b.N/2].Microseconds())/1000, "lag-p50-ms")
	b.ReportMetric(float64(lags[b.N*99/100].Microseconds())/1000, "lag-p99-ms")
	b.ReportMetric(0, "ns/op")
}

func ticketNo(i int) string { return fmt.Sprintf("T20261203-%05d", i) }
