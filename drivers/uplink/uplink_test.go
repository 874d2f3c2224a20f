package uplink

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
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// mustOpen opens a store in dir, closed when the test ends.
func mustOpen(t *testing.T, dir string) *store.DB {
	t.Helper()
	db, err := store.Open(dir, store.Options{Logger: quiet, Branch: "SH01"})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// writeTickets writes tickets from..to-1, one Update each, and fails the
// test when an Update fails or takes long (the desk must not wait for NATS).
func writeTickets(t *testing.T, db *store.DB, from, to int) {
	t.Helper()
	for i := from; i < to; i++ {
		start := time.Now()
		err := db.Update(func(tx *store.Txn) error {
			return tx.PutTicket(&appliance.Ticket{Number: fmt.Sprintf("T20261203-%04d", i), Kind: appliance.KindRepair,
				Status: appliance.StatusOpen, CustomerID: "c1"})
		})
		if err != nil {
			t.Fatalf("Update of ticket %d: %v", i, err)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Fatalf("Update of ticket %d took %v: the desk waited for the uplink", i, d)
		}
	}
}

// runForwarder starts a Forwarder on db and stops it when the test ends
// or when the returned stop is called.
func runForwarder(t *testing.T, db *store.DB, url string) (*Forwarder, func()) {
	t.Helper()
	f, err := New(db, Options{URL: url, Branch: "SH01", User: "SH01", Password: "s3cret", Logger: quiet, Batch: 16, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return f, runUntilStopped(t, f.Run)
}

// runUntilStopped runs run in a goroutine until the test ends or the
// returned stop is called (as often as wanted); an error from run fails
// the test.
func runUntilStopped(t *testing.T, run func(context.Context) error) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		if err := run(ctx); err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	var once sync.Once
	stop = func() { once.Do(func() { cancel(); wg.Wait() }) }
	t.Cleanup(stop)
	return stop
}

// waitAcked waits until the forwarder has the whole outbox acked.
func waitAcked(t *testing.T, f *Forwarder, want uint64) Status {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := f.Status()
		if s.Acked == want && s.Head == want && s.Lag == 0 {
			return s
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 30 s the status is %+v, want %d acked", s, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// streamEvents reads every message of the events stream and checks that
// they are events 1..want of SH01, in order, each once, with its MsgID.
func checkStream(t *testing.T, url string, want int) {
	t.Helper()
	nc, err := nats.Connect(url, nats.UserInfo("SH01", "s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, chain.StreamEvents)
	if err != nil {
		t.Fatalf("stream %s: %v", chain.StreamEvents, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if info.State.Msgs != uint64(want) {
		t.Errorf("the stream holds %d messages, want %d (one per event, no duplicates)", info.State.Msgs, want)
	}
	if info.Config.Duplicates != DuplicateWindow {
		t.Errorf("duplicate window %v, want %v", info.Config.Duplicates, DuplicateWindow)
	}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq; seq++ {
		m, err := st.GetMsg(ctx, seq)
		if err != nil {
			t.Fatalf("GetMsg(%d): %v", seq, err)
		}
		var ev chain.Event
		if err := json.Unmarshal(m.Data, &ev); err != nil {
			t.Fatalf("message %d: %v", seq, err)
		}
		wantID := chain.MsgID("SH01", seq)
		if ev.Seq != seq || ev.Branch != "SH01" || m.Header.Get(jetstream.MsgIDHeader) != wantID ||
			m.Subject != chain.Subject("SH01") || ev.Kind != chain.KindTicket {
			t.Fatalf("stream message %d = event %d of %q (kind %s) on %s with id %q; want event %d of SH01 on %s with id %q",
				seq, ev.Seq, ev.Branch, ev.Kind, m.Subject, m.Header.Get(jetstream.MsgIDHeader), seq, chain.Subject("SH01"), wantID)
		}
	}
}

var users = chaintest.NATSOptions{Users: []chaintest.NATSUser{{User: "SH01", Password: "s3cret"}}}

func TestForwardsInOrder(t *testing.T) {
	n := chaintest.StartNATS(t, users)
	db := mustOpen(t, t.TempDir())
	writeTickets(t, db, 0, 40) // some written before the forwarder starts
	f, _ := runForwarder(t, db, n.URL())
	writeTickets(t, db, 40, 100)
	s := waitAcked(t, f, 100)
	if !s.Connected || s.LastError != "" {
		t.Errorf("status %+v, want connected without error", s)
	}
	checkStream(t, n.URL(), 100)
}

func TestServerKilledMidway(t *testing.T) {
	n := chaintest.StartNATS(t, users)
	db := mustOpen(t, t.TempDir())
	f, _ := runForwarder(t, db, n.URL())
	done := make(chan struct{})
	go func() { // the desk goes on writing whatever happens upstream
		defer close(done)
		writeTickets(t, db, 0, 150)
	}()
	for f.Status().Acked < 30 {
		time.Sleep(time.Millisecond)
	}
	if err := n.Kill(); err != nil {
		t.Fatal(err)
	}
	<-done
	writeTickets(t, db, 150, 200) // all of these while the server is down
	time.Sleep(1500 * time.Millisecond)
	s := f.Status()
	if s.Connected || s.LastError == "" || s.Lag == 0 || s.Head != 200 {
		t.Errorf("with the server down the status is %+v, want disconnected, an error and a lag", s)
	}
	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	waitAcked(t, f, 200)
	checkStream(t, n.URL(), 200)
}

// TestStartsWhileServerDown: a box that boots while head office is down
// serves its desk and sends everything once the server is up.
func TestStartsWhileServerDown(t *testing.T) {
	n := chaintest.StartNATS(t, users)
	if err := n.Kill(); err != nil {
		t.Fatal(err)
	}
	db := mustOpen(t, t.TempDir())
	f, _ := runForwarder(t, db, n.URL())
	writeTickets(t, db, 0, 20)
	if s := f.Status(); s.Connected || s.Acked != 0 || s.Lag != 20 {
		t.Errorf("with no server the status is %+v, want disconnected, nothing acked, lag 20", s)
	}
	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	waitAcked(t, f, 20)
	checkStream(t, n.URL(), 20)
}

func TestRestartedForwarderResumes(t *testing.T) {
	n := chaintest.StartNATS(t, users)
	dir := t.TempDir()
	db := mustOpen(t, dir)
	f, stop := runForwarder(t, db, n.URL())
	writeTickets(t, db, 0, 50)
	waitAcked(t, f, 50)
	stop()
	writeTickets(t, db, 50, 80)
	f2, _ := runForwarder(t, db, n.URL())
	waitAcked(t, f2, 80)
	checkStream(t, n.URL(), 80)
}

// TestRepublishedTailIsDropped plays a forwarder that died after the
// stream stored a batch but before the ack was recorded: the next one
// publishes the batch again and the stream keeps one copy.
func TestRepublishedTailIsDropped(t *testing.T) {
	n := chaintest.StartNATS(t, users)
	db := mustOpen(t, t.TempDir())
	writeTickets(t, db, 0, 30)
	f, stop := runForwarder(t, db, n.URL())
	waitAcked(t, f, 30)
	stop()
	dir2 := t.TempDir()
	db2 := mustOpen(t, dir2) // the same 30 events, never acked
	writeTickets(t, db2, 0, 30)
	f2, _ := runForwarder(t, db2, n.URL())
	waitAcked(t, f2, 30)
	checkStream(t, n.URL(), 30)
}

func TestNewRefuses(t *testing.T) {
	tests := []struct {
		name string
		o    Options
	}{
		{"no branch", Options{URL: "nats://127.0.0.1:4222"}},
		{"branch with a dot", Options{URL: "nats://127.0.0.1:4222", Branch: "SH.01"}},
		{"no URL", Options{Branch: "SH01"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(nil, tt.o); err == nil {
				t.Errorf("New(%+v) = nil error", tt.o)
			}
		})
	}
}
