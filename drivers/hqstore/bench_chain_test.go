package hqstore

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"shouhou/appliance"
	"shouhou/appliance/chain"
	"shouhou/appliance/demo"
	"shouhou/appliance/store"
	"shouhou/conf"
	"shouhou/drivers/chaintest"
	"shouhou/drivers/uplink"
	"shouhou/ui"
)

// The benchmarks of this file are issue 15's blacklist propagation and
// head office ingest figures (docs/benchmarks.md "Chain: blacklist
// propagation and 50-branch ingest"). They start their own nats-server
// and PostgreSQL and are not run by make test:
//
//	go test -run '^$' -bench BlacklistPropagation -benchtime 200x ./drivers/hqstore
//	go test -run '^$' -bench Ingest50Branches -benchtime 10000x ./drivers/hqstore

// benchRun runs each of runs in a goroutine until the benchmark ends.
func benchRun(b *testing.B, runs ...func(context.Context) error) {
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, run := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(ctx); err != nil {
				b.Errorf("Run: %v", err)
			}
		}()
	}
	b.Cleanup(func() { cancel(); wg.Wait() })
}

// benchBox opens a branch store, closed when the benchmark ends (after
// the runs benchRun started later, as cleanups run last first).
func benchBox(b *testing.B, branch string) *store.DB {
	db, err := store.Open(b.TempDir(), store.Options{Logger: quiet, Branch: branch})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// waitFor polls ok every 5 ms until it holds, failing the benchmark with
// what() after d.
func waitFor(b *testing.B, d time.Duration, ok func() bool, what func() string) {
	b.Helper()
	for deadline := time.Now().Add(d); !ok(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			b.Fatalf("after %v: %s", d, what())
		}
	}
}

// percentile is the p-th percentile (0–100) of sorted ds, in ms.
func percentile(ds []time.Duration, p int) float64 {
	return float64(ds[min(len(ds)-1, len(ds)*p/100)].Microseconds()) / 1000
}

// blacklistClock is b2's store as its blacklist follower sees it: each
// Update the follower makes (one entry and its stream seq) is the store's
// own, and the moment it committed is noted under the stream seq.
type blacklistClock struct {
	*store.DB

	mu      sync.Mutex
	applied map[uint64]time.Time // blacklist stream seq → commit on b2
}

// Update runs fn in the store and notes when the entry it applied
// committed.
func (c *blacklistClock) Update(fn func(*store.Txn) error) error {
	var seq uint64
	err := c.DB.Update(func(tx *store.Txn) error {
		if err := fn(tx); err != nil {
			return err
		}
		var err error
		seq, err = tx.BlacklistSeq()
		return err
	})
	if err == nil {
		now := time.Now()
		c.mu.Lock()
		c.applied[seq] = now
		c.mu.Unlock()
	}
	return err
}

// count is how many entries b2 has applied.
func (c *blacklistClock) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.applied)
}

// blacklistSeqs reads the whole blacklist stream: each entry's card and
// the b1 event seq it came from, by stream seq.
func blacklistSeqs(b *testing.B, url string) map[uint64]chain.BlacklistEntry {
	nc, err := nats.Connect(url)
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cons, err := js.OrderedConsumer(ctx, chain.StreamBlacklist, jetstream.OrderedConsumerConfig{})
	if err != nil {
		b.Fatal(err)
	}
	st, err := js.Stream(ctx, chain.StreamBlacklist)
	if err != nil {
		b.Fatal(err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		b.Fatal(err)
	}
	out := map[uint64]chain.BlacklistEntry{}
	for uint64(len(out)) < info.State.Msgs {
		m, err := cons.Next(jetstream.FetchMaxWait(10 * time.Second))
		if err != nil {
			b.Fatalf("read the blacklist stream (%d of %d): %v", len(out), info.State.Msgs, err)
		}
		md, err := m.Metadata()
		if err != nil {
			b.Fatal(err)
		}
		var e chain.BlacklistEntry
		if err := json.Unmarshal(m.Data(), &e); err != nil {
			b.Fatal(err)
		}
		out[md.Sequence.Stream] = e
	}
	return out
}

// BenchmarkBlacklistPropagation is a lost card's whole way through the
// chain: b1's store commits the card as lost, b1's forwarder publishes
// the event to a real nats-server, head office's Consumer records it in
// a real PostgreSQL and publishes the blacklist entry, and b2's
// BlacklistFollower commits the entry in b2's store. b.N cards (issued
// and at head office before the clock starts) are reported lost; each
// one's time is from b1's commit to b2's commit of its entry (p50, p99),
// beside b1's local write rate in the same run (b.N over the time b1's
// writes took). "paced" reports a card lost every 20 ms, so each change
// travels alone; "burst" reports them back to back, so the later ones
// wait behind the earlier.
//
//	go test -run '^$' -bench BlacklistPropagation -benchtime 200x ./drivers/hqstore
func BenchmarkBlacklistPropagation(b *testing.B) {
	b.Run("paced", func(b *testing.B) { blacklistPropagation(b, 20*time.Millisecond) })
	b.Run("burst", func(b *testing.B) { blacklistPropagation(b, 0) })
}

// benchCard is card i of b1 in BenchmarkBlacklistPropagation.
func benchCard(i int, status appliance.CardStatus) appliance.Card {
	return appliance.Card{Number: fmt.Sprintf("SC-%06d", i), UIDs: []string{fmt.Sprintf("04%08X", i)},
		CustomerID: fmt.Sprintf("b1-c%d", i), Status: status, BalanceFen: 5000,
		Issued: time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC), Updated: time.Now()}
}

// blacklistPropagation runs BenchmarkBlacklistPropagation with a card
// reported lost every every (0: back to back).
func blacklistPropagation(b *testing.B, every time.Duration) {
	n := chaintest.StartNATS(b, chaintest.NATSOptions{})
	pg := chaintest.StartPostgres(b)
	hq, err := Open(context.Background(), pg.DSN(""))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(hq.Close)
	b1 := benchBox(b, "b1")
	b2 := &blacklistClock{DB: benchBox(b, "b2"), applied: map[uint64]time.Time{}}
	f, err := uplink.New(b1, uplink.Options{URL: n.URL(), Branch: "b1", Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	c, err := NewConsumer(hq, ConsumerOptions{URL: n.URL(), Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	follower, err := uplink.NewBlacklistFollower(b2, uplink.FollowerOptions{URL: n.URL(), Branch: "b2", Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	benchRun(b, f.Run, c.Run, follower.Run)

	// b1 issues the cards (and one to warm up with) and head office has
	// them before the clock starts.
	err = b1.Update(func(tx *store.Txn) error {
		for i := range b.N + 1 {
			card := benchCard(i, appliance.CardActive)
			if err := tx.PutCard(&card); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	issued, _ := b1.OutboxHead()
	waitFor(b, 2*time.Minute, func() bool { return c.Stats().Applied >= issued },
		func() string { return fmt.Sprintf("head office has not the %d cards: consumer %+v", issued, c.Stats()) })
	// Warm up: the last card lost all the way to b2, so the blacklist
	// stream and every connection exist before the clock starts.
	warm := benchCard(b.N, appliance.CardLost)
	if err := b1.Update(func(tx *store.Txn) error { return tx.PutCard(&warm) }); err != nil {
		b.Fatal(err)
	}
	waitFor(b, time.Minute, func() bool { return b2.count() == 1 },
		func() string {
			return fmt.Sprintf("b2 has no warm-up entry: follower %+v, consumer %+v", follower.Status(), c.Stats())
		})

	written := make(map[uint64]time.Time, b.N) // b1 event seq → b1's commit
	var writing time.Duration
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		if every > 0 {
			time.Sleep(time.Until(start.Add(time.Duration(i) * every)))
		}
		card := benchCard(i, appliance.CardLost)
		t0 := time.Now()
		if err := b1.Update(func(tx *store.Txn) error { return tx.PutCard(&card) }); err != nil {
			b.Fatal(err)
		}
		at := time.Now()
		writing += at.Sub(t0)
		seq, err := b1.OutboxHead() // no other writer: the card's event
		if err != nil {
			b.Fatal(err)
		}
		written[seq] = at
	}
	waitFor(b, 5*time.Minute, func() bool { return b2.count() == b.N+1 },
		func() string {
			return fmt.Sprintf("b2 has %d of %d entries: forwarder %+v, consumer %+v, follower %+v",
				b2.count(), b.N+1, f.Status(), c.Stats(), follower.Status())
		})
	b.StopTimer()

	entries := blacklistSeqs(b, n.URL())
	b2.mu.Lock()
	defer b2.mu.Unlock()
	var lags []time.Duration
	for streamSeq, e := range entries {
		w, ok := written[e.Seq]
		if !ok {
			continue // the warm-up card
		}
		if e.Branch != "b1" || e.Status != string(appliance.CardLost) {
			b.Fatalf("entry %d is %+v, want a b1 card lost", streamSeq, e)
		}
		lags = append(lags, b2.applied[streamSeq].Sub(w))
	}
	if len(lags) != b.N {
		b.Fatalf("%d of the %d cards have an entry at b2", len(lags), b.N)
	}
	slices.Sort(lags)
	b.ReportMetric(float64(b.N)/writing.Seconds(), "b1-writes/s")
	b.ReportMetric(percentile(lags, 50), "b1-to-b2-p50-ms")
	b.ReportMetric(percentile(lags, 99), "b1-to-b2-p99-ms")
	b.ReportMetric(percentile(lags, 100), "b1-to-b2-max-ms")
	b.ReportMetric(0, "ns/op")
}

// ingestClock is head office's DB counting the events it records and
// noting when the want-th was committed.
type ingestClock struct {
	*DB

	applied  atomic.Int64
	want     atomic.Int64
	finished atomic.Pointer[time.Time]
}

// Apply applies ev and counts it once recorded.
func (c *ingestClock) Apply(ctx context.Context, ev chain.Event) (bool, error) {
	applied, err := c.DB.Apply(ctx, ev)
	if err == nil && applied && c.applied.Add(1) == c.want.Load() {
		now := time.Now()
		c.finished.Store(&now)
	}
	return applied, err
}

// desk is a month of one store's desk work as the chain carries it: the
// outbox events demo.Load writes (customers, cards, tickets through
// their workflow, ledger entries, closings, audit entries), read back as
// the forwarder would send them.
func desk(b *testing.B) []chain.Event {
	now := time.Now()
	snap, err := conf.LoadAt("", now)
	if err != nil {
		b.Fatal(err)
	}
	db := benchBox(b, "tpl")
	if _, err := demo.Load(context.Background(), db, demo.Options{Rules: ui.TicketRules(snap), Now: now}); err != nil {
		b.Fatal(err)
	}
	var evs []chain.Event
	for from := uint64(1); ; {
		page, err := db.OutboxFrom(from, 0)
		if err != nil {
			b.Fatal(err)
		}
		if len(page) == 0 {
			kinds := map[string]int{}
			for _, ev := range evs {
				kinds[ev.Kind]++
			}
			b.Logf("the desk month: %d events, by kind %v", len(evs), kinds)
			return evs
		}
		evs = append(evs, page...)
		from = page[len(page)-1].Seq + 1
	}
}

// ingestBranches is how many branches BenchmarkIngest50Branches has.
const ingestBranches = 50

// BenchmarkIngest50Branches is head office taking in 50 branches at
// once: one Consumer on a real PostgreSQL reading a real nats-server's
// events stream, which 50 branches fill with b.N events between them.
// Branch B00 is a real box: its store writes intakes (a customer and a
// ticket in one transaction) back to back and its forwarder sends the
// events; its local write rate is measured in the same run, beside head
// office's. Branches B01–B49 are simulated: each publishes, on its own
// NATS connection, one event at a time with its message id and waits for
// the stream's ack, as the forwarder does, from a month of real desk
// events (the outbox demo.Load writes, each branch's with its own branch
// id); they do not read a Badger outbox. The events/s is head office's:
// every branch's events over the time from the start to the last
// PostgreSQL commit.
//
//	go test -run '^$' -bench Ingest50Branches -benchtime 10000x ./drivers/hqstore
func BenchmarkIngest50Branches(b *testing.B) {
	tpl := desk(b)
	perBranch := (b.N + ingestBranches - 1) / ingestBranches
	if perBranch > len(tpl) {
		// Every figure is of the events actually sent, so a larger b.N
		// (make bench's default benchtime) sends the whole month only.
		b.Logf("%d events a branch asked for, the desk month has %d: sending %d", perBranch, len(tpl), len(tpl))
		perBranch = len(tpl)
	}
	n := chaintest.StartNATS(b, chaintest.NATSOptions{})
	pg := chaintest.StartPostgres(b)
	hq, err := Open(context.Background(), pg.DSN(""))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(hq.Close)
	box := benchBox(b, "B00")
	f, err := uplink.New(box, uplink.Options{URL: n.URL(), Branch: "B00", Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	clock := &ingestClock{DB: hq}
	c, err := NewConsumer(clock, ConsumerOptions{URL: n.URL(), Logger: quiet})
	if err != nil {
		b.Fatal(err)
	}
	benchRun(b, f.Run, c.Run)
	intake := func(i int) error {
		return box.Update(func(tx *store.Txn) error {
			cid := fmt.Sprintf("B00-c%05d", i)
			if err := tx.PutCustomer(&appliance.Customer{ID: cid, Name: "王女士", Phones: []string{fmt.Sprintf("139%08d", i)}}); err != nil {
				return err
			}
			return tx.PutTicket(&appliance.Ticket{Number: fmt.Sprintf("T20261203-%04d", i), Kind: appliance.KindRepair,
				Status: appliance.StatusOpen, CustomerID: cid, Fault: "屏幕碎裂，开机无显示", Request: "repair",
				Due: time.Now().Add(72 * time.Hour)})
		})
	}
	// Warm up: the stream, the consumer and every connection exist
	// before the clock starts.
	if err := intake(0); err != nil {
		b.Fatal(err)
	}
	waitFor(b, time.Minute, func() bool { return clock.applied.Load() == 2 },
		func() string { return fmt.Sprintf("the warm-up is not at head office: consumer %+v", c.Stats()) })
	// B00 makes perBranch events (rounded up to whole intakes, two events
	// each) like every other branch.
	intakes := (perBranch + 1) / 2
	total := int64((ingestBranches-1)*perBranch + 2*intakes)
	clock.want.Store(2 + total)
	conns := make([]jetstream.JetStream, ingestBranches)
	for i := 1; i < ingestBranches; i++ {
		nc, err := nats.Connect(n.URL(), nats.Name(fmt.Sprintf("bench B%02d", i)))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(nc.Close)
		conns[i], _ = jetstream.New(nc)
	}

	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for i := 1; i < ingestBranches; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			branch := fmt.Sprintf("B%02d", i)
			for _, ev := range tpl[:perBranch] {
				ev.Branch = branch
				body, err := json.Marshal(&ev)
				if err != nil {
					b.Error(err)
					return
				}
				ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
				_, err = conns[i].Publish(ctx, chain.Subject(branch), body, jetstream.WithMsgID(ev.MsgID()),
					jetstream.WithExpectStream(chain.StreamEvents))
				cancel()
				if err != nil {
					b.Errorf("%s: publish %d: %v", branch, ev.Seq, err)
					return
				}
			}
		}()
	}
	boxStart := time.Now()
	for i := 1; i <= intakes; i++ {
		if err := intake(i); err != nil {
			b.Fatal(err)
		}
	}
	boxTook := time.Since(boxStart)
	wg.Wait()
	published := time.Since(start)
	waitFor(b, 10*time.Minute, func() bool { return clock.finished.Load() != nil },
		func() string {
			return fmt.Sprintf("head office has %d of %d events; consumer %+v, forwarder %+v",
				clock.applied.Load()-2, total, c.Stats(), f.Status())
		})
	b.StopTimer()
	if s := c.Stats(); s.Rejected != 0 {
		b.Fatalf("head office rejected %d events: %+v", s.Rejected, s)
	}
	b.ReportMetric(float64(intakes)/boxTook.Seconds(), "box-writes/s")
	b.ReportMetric(float64(2*intakes)/boxTook.Seconds(), "box-events/s")
	b.ReportMetric(float64((ingestBranches-1)*perBranch)/published.Seconds(), "sim-published/s")
	b.ReportMetric(float64(total)/clock.finished.Load().Sub(start).Seconds(), "hq-events/s")
	b.ReportMetric(0, "ns/op")
}
