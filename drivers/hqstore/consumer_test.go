package hqstore

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"shouhou/appliance"
	"shouhou/appliance/chain"
	"shouhou/appliance/store"
	"shouhou/drivers/chaintest"
	"shouhou/drivers/uplink"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// branchBox opens a branch's store in a temporary directory and runs its
// forwarder to url until the test ends.
func branchBox(t *testing.T, branch, url string) *store.DB {
	t.Helper()
	db, err := store.Open(t.TempDir(), store.Options{Logger: quiet, Branch: branch})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	f, err := uplink.New(db, uplink.Options{URL: url, Branch: branch, Logger: quiet, Batch: 16, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	run(t, f.Run)
	t.Cleanup(func() { db.Close() }) // after the forwarder has stopped
	return db
}

// run runs f in a goroutine until the returned stop is called or the test
// ends.
func run(t *testing.T, f func(context.Context) error) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := f(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); wg.Wait() }) }
	t.Cleanup(stop)
	return stop
}

// runConsumer runs a Consumer from url into db.
func runConsumer(t *testing.T, db *DB, url string) (*Consumer, func()) {
	t.Helper()
	c, err := NewConsumer(db, ConsumerOptions{URL: url, Logger: quiet, Batch: 20, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c, run(t, c.Run)
}

// writeDesk makes tickets from..to-1 and customers for them on a branch,
// then changes every third ticket and deletes every fifth customer, so
// the current state is not simply the first version of each record.
func writeDesk(t *testing.T, db *store.DB, branch string, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		err := db.Update(func(tx *store.Txn) error {
			cid := fmt.Sprintf("%s-c%d", branch, i)
			if err := tx.PutCustomer(&appliance.Customer{ID: cid, Name: "顾客", Phones: []string{fmt.Sprintf("139%08d", i)}}); err != nil {
				return err
			}
			return tx.PutTicket(&appliance.Ticket{Number: fmt.Sprintf("T20261203-%04d", i), Kind: appliance.KindRepair,
				Status: appliance.StatusOpen, CustomerID: cid})
		})
		if err != nil {
			t.Fatalf("%s: write %d: %v", branch, i, err)
		}
	}
	for i := from; i < to; i++ {
		err := db.Update(func(tx *store.Txn) error {
			switch {
			case i%3 == 0:
				return tx.PutTicket(&appliance.Ticket{Number: fmt.Sprintf("T20261203-%04d", i), Kind: appliance.KindRepair,
					Status: appliance.StatusClosed, CustomerID: fmt.Sprintf("%s-c%d", branch, i), Fault: "换屏"})
			case i%5 == 0:
				return tx.DeleteCustomer(fmt.Sprintf("%s-c%d", branch, i))
			}
			return nil
		})
		if err != nil {
			t.Fatalf("%s: change %d: %v", branch, i, err)
		}
	}
}

// head is a branch store's outbox head.
func head(t *testing.T, db *store.DB) uint64 {
	t.Helper()
	h, err := db.OutboxHead()
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// waitEvents waits until head office has recorded want events of branch.
func waitEvents(t *testing.T, hq *DB, branch string, want uint64) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var n uint64
		err := hq.Pool().QueryRow(context.Background(), `SELECT count(*) FROM events WHERE branch = $1`, branch).Scan(&n)
		if err == nil && n == want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s head office has %d events of %s (%v), want %d", n, branch, err, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkBranch compares head office with a branch store's whole outbox:
// every event once, no gaps, last_seq the head, and each record's current
// row holding the data and seq of its last event (none after a delete).
func checkBranch(t *testing.T, hq *DB, box *store.DB, branch string) {
	t.Helper()
	ctx := context.Background()
	h := head(t, box)
	type last struct {
		data string
		seq  uint64
	}
	want := map[string]map[string]last{} // table → id → last event
	for from := uint64(1); from <= h; {
		evs, err := box.OutboxFrom(from, 0)
		if err != nil || len(evs) == 0 {
			t.Fatalf("OutboxFrom(%d): %d events, %v", from, len(evs), err)
		}
		for _, ev := range evs {
			table := tables[ev.Kind]
			if want[table] == nil {
				want[table] = map[string]last{}
			}
			want[table][ev.ID] = last{string(ev.Data), ev.Seq}
			from = ev.Seq + 1
		}
	}
	if n := count(t, hq, `SELECT count(*) FROM events WHERE branch = $1`, branch); uint64(n) != h {
		t.Errorf("%s: %d events at head office, outbox head %d", branch, n, h)
	}
	if gaps, err := hq.Gaps(ctx, branch); err != nil || len(gaps) != 0 {
		t.Errorf("%s: Gaps = %v, %v; want none", branch, gaps, err)
	}
	if last, err := hq.LastSeq(ctx, branch); err != nil || last != h {
		t.Errorf("%s: LastSeq = %d, %v; want %d", branch, last, err, h)
	}
	for table, ids := range want {
		rows := 0
		for id, l := range ids {
			if l.data == "null" {
				if _, _, ok := row(t, hq, table, branch, id); ok {
					t.Errorf("%s: %s %s was deleted at seq %d but head office still has it", branch, table, id, l.seq)
				}
				continue
			}
			rows++
			if count(t, hq, `SELECT count(*) FROM `+table+` WHERE branch = $1 AND id = $2 AND data = $3::jsonb AND seq = $4`,
				branch, id, l.data, int64(l.seq)) != 1 {
				data, seq, _ := row(t, hq, table, branch, id)
				t.Errorf("%s: %s %s at head office is %s (seq %d), want %s (seq %d)", branch, table, id, data, seq, l.data, l.seq)
			}
		}
		if n := count(t, hq, `SELECT count(*) FROM `+table+` WHERE branch = $1`, branch); n != rows {
			t.Errorf("%s: head office has %d %s rows, want %d", branch, n, table, rows)
		}
	}
}

func TestConsumerTwoBranches(t *testing.T) {
	n := chaintest.StartNATS(t, chaintest.NATSOptions{})
	hq, _ := openDB(t)
	b1 := branchBox(t, "b1", n.URL())
	b2 := branchBox(t, "b2", n.URL())
	writeDesk(t, b1, "b1", 0, 20) // before head office runs
	c, _ := runConsumer(t, hq, n.URL())
	var wg sync.WaitGroup
	for _, b := range []struct {
		db   *store.DB
		name string
	}{{b1, "b1"}, {b2, "b2"}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			writeDesk(t, b.db, b.name, 20, 50)
		}()
	}
	wg.Wait()
	waitEvents(t, hq, "b1", head(t, b1))
	waitEvents(t, hq, "b2", head(t, b2))
	checkBranch(t, hq, b1, "b1")
	checkBranch(t, hq, b2, "b2")
	if n := count(t, hq, `SELECT count(*) FROM tickets`); n != 50+30 {
		t.Errorf("%d tickets at head office, want 80", n)
	}
	s := c.Stats()
	if s.Applied != head(t, b1)+head(t, b2) || s.Duplicates != 0 || s.Rejected != 0 || s.LastError != "" || !s.Connected {
		t.Errorf("stats %+v, want %d applied and nothing else", s, head(t, b1)+head(t, b2))
	}
}

// TestPostgresKilled: PostgreSQL killed -9 while events flow, more written
// while it is down, a consumer restart on top: every event arrives once.
func TestPostgresKilled(t *testing.T) {
	n := chaintest.StartNATS(t, chaintest.NATSOptions{})
	hq, pg := openDB(t)
	b1 := branchBox(t, "b1", n.URL())
	b2 := branchBox(t, "b2", n.URL())
	c, stop := runConsumer(t, hq, n.URL())
	done := make(chan struct{})
	go func() {
		defer close(done)
		writeDesk(t, b1, "b1", 0, 60)
	}()
	waitStats(t, c, func(s Stats) bool { return s.Applied >= 20 })
	if err := pg.Kill(); err != nil {
		t.Fatal(err)
	}
	<-done
	writeDesk(t, b2, "b2", 0, 30) // all while PostgreSQL is down
	time.Sleep(time.Second)
	if s := c.Stats(); s.LastError == "" {
		t.Errorf("with PostgreSQL down the stats are %+v, want an error", s)
	}
	if err := pg.Start(); err != nil {
		t.Fatal(err)
	}
	waitEvents(t, hq, "b1", head(t, b1))
	waitEvents(t, hq, "b2", head(t, b2))
	if s := c.Stats(); s.LastError != "" {
		t.Errorf("after PostgreSQL came back the stats are %+v, want no error", s)
	}

	// Head office's consumer stops and starts again: it goes on from its
	// durable consumer's place.
	stop()
	writeDesk(t, b1, "b1", 60, 80)
	runConsumer(t, hq, n.URL())
	waitEvents(t, hq, "b1", head(t, b1))
	time.Sleep(500 * time.Millisecond) // room for a stray redelivery to show
	checkBranch(t, hq, b1, "b1")
	checkBranch(t, hq, b2, "b2")
}

// publish puts ev on the events stream with msgID as its message id.
func publish(t *testing.T, url string, ev chain.Event, msgID string) {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	body, err := json.Marshal(ev)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := js.Publish(ctx, chain.Subject(ev.Branch), body, jetstream.WithMsgID(msgID)); err != nil {
		t.Fatalf("publish %s: %v", ev.MsgID(), err)
	}
}

// waitStats waits until the consumer's stats satisfy ok.
func waitStats(t *testing.T, c *Consumer, ok func(Stats) bool) Stats {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := c.Stats()
		if ok(s) {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s the stats are %+v", s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestRepublishedAndOlder: an event published again (past the stream's
// duplicate window, so under a new message id) is not applied twice, and
// an event older than a record's row does not overwrite it.
func TestRepublishedAndOlder(t *testing.T) {
	n := chaintest.StartNATS(t, chaintest.NATSOptions{})
	hq, _ := openDB(t)
	b1 := branchBox(t, "b1", n.URL())
	writeDesk(t, b1, "b1", 0, 6)
	c, _ := runConsumer(t, hq, n.URL())
	h := head(t, b1)
	waitEvents(t, hq, "b1", h)
	evs, err := b1.OutboxFrom(1, 1)
	if err != nil || len(evs) != 1 {
		t.Fatalf("OutboxFrom: %v, %v", evs, err)
	}
	again := evs[0]
	again.Data = json.RawMessage(`{"changed": "on the way"}`)
	publish(t, n.URL(), again, again.MsgID()+"-again")
	waitStats(t, c, func(s Stats) bool { return s.Duplicates == 1 })

	// Events 2 and 1 of a new record, newer first.
	newer := chain.Event{Branch: "b9", Seq: 2, Time: time.Now(), Kind: chain.KindTicket, ID: "T9", Data: json.RawMessage(`{"v": 2}`)}
	older := chain.Event{Branch: "b9", Seq: 1, Time: time.Now(), Kind: chain.KindTicket, ID: "T9", Data: json.RawMessage(`{"v": 1}`)}
	publish(t, n.URL(), newer, newer.MsgID())
	publish(t, n.URL(), older, older.MsgID())
	s := waitStats(t, c, func(s Stats) bool { return s.Applied == h+2 })
	if s.Duplicates != 1 || s.Rejected != 0 {
		t.Errorf("stats %+v, want one duplicate and nothing rejected", s)
	}
	checkBranch(t, hq, b1, "b1")
	if data, seq, _ := row(t, hq, "tickets", "b9", "T9"); data != `{"v": 2}` || seq != 2 {
		t.Errorf("ticket T9 is %s at seq %d, want the newer {\"v\": 2} at seq 2", data, seq)
	}
}

// TestBadMessages: a message that is not an event, or one PostgreSQL
// cannot hold, is dropped and does not stop the events behind it.
func TestBadMessages(t *testing.T) {
	n := chaintest.StartNATS(t, chaintest.NATSOptions{})
	hq, _ := openDB(t)
	c, _ := runConsumer(t, hq, n.URL())
	waitStats(t, c, func(s Stats) bool { return s.Connected })
	nc, err := nats.Connect(n.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, body := range []string{
		`not json`,
		`{"branch": "b1", "seq": 1, "kind": "ticket", "id": "T1", "data": {"s": "\u0000"}}`, // jsonb refuses NUL
		`{"branch": "b1", "seq": 2, "kind": "ticket", "id": "T2", "data": {"ok": true}}`,
	} {
		for { // the consumer creates the stream
			if _, err = js.Publish(ctx, chain.Subject("b1"), []byte(body)); err == nil {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	s := waitStats(t, c, func(s Stats) bool { return s.Applied == 1 })
	if s.Rejected != 2 {
		t.Errorf("stats %+v, want 2 rejected", s)
	}
	if _, _, ok := row(t, hq, "tickets", "b1", "T2"); !ok {
		t.Error("ticket T2 behind the bad messages is missing")
	}
}
