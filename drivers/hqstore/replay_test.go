package hqstore

import (
	"context"
	"fmt"
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

// eventsStream creates the events stream as the forwarder would.
func eventsStream(t *testing.T, url string) {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err = js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{Name: chain.StreamEvents,
		Subjects: []string{chain.SubjectEvents + ">"}, Storage: jetstream.FileStorage, Duplicates: uplink.DuplicateWindow})
	if err != nil {
		t.Fatal(err)
	}
}

// TestReplayFillsGap: the stream carries b1's events 1..5 and 8..10 but
// not 6 and 7; head office sees the gap, asks b1's box once, the box
// republishes and the gap closes. A branch whose box does not answer is
// asked no more than once per ReplayEvery.
func TestReplayFillsGap(t *testing.T) {
	n := chaintest.StartNATS(t, chaintest.NATSOptions{})
	hq, _ := openDB(t)
	box, err := store.Open(t.TempDir(), store.Options{Logger: quiet, Branch: "b1"})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { box.Close() })
	for i := range 10 {
		err := box.Update(func(tx *store.Txn) error {
			return tx.PutTicket(&appliance.Ticket{Number: fmt.Sprintf("T20261203-%04d", i), Kind: appliance.KindRepair,
				Status: appliance.StatusOpen, CustomerID: "c1"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if h := head(t, box); h != 10 {
		t.Fatalf("outbox head %d, want 10", h)
	}
	r, err := uplink.NewReplayResponder(box, uplink.ReplayOptions{URL: n.URL(), Branch: "b1", Logger: quiet, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	run(t, r.Run)
	for deadline := time.Now().Add(10 * time.Second); !r.Ready(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the replay responder is not ready after 10 s")
		}
	}

	eventsStream(t, n.URL())
	evs, err := box.OutboxFrom(1, 0)
	if err != nil || len(evs) != 10 {
		t.Fatalf("OutboxFrom: %d events, %v", len(evs), err)
	}
	for _, ev := range evs {
		if ev.Seq != 6 && ev.Seq != 7 {
			publish(t, n.URL(), ev, ev.MsgID())
		}
	}
	// b9 has a gap too, and no box to answer.
	for _, seq := range []uint64{1, 3} {
		ev := ticketEvent("b9", seq, "T1", `{"v": 1}`)
		publish(t, n.URL(), ev, ev.MsgID())
	}

	c, err := NewConsumer(hq, ConsumerOptions{URL: n.URL(), Logger: quiet, Timeout: time.Second, ReplayEvery: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	run(t, c.Run)
	waitEvents(t, hq, "b1", 10)
	checkBranch(t, hq, box, "b1")
	if gaps, err := hq.Gaps(context.Background(), "b9"); err != nil || len(gaps) != 1 {
		t.Errorf("b9's gaps are %v, %v; want one", gaps, err)
	}
	time.Sleep(time.Second) // room for a request too many
	if s := c.Stats(); s.ReplayRequests != 2 || s.Applied != 12 || s.Duplicates != 0 {
		t.Errorf("stats %+v, want 2 replay requests (b1, b9) and 12 events applied once", s)
	}
	if got := r.Answered(); got != 1 {
		t.Errorf("b1's box answered %d replay requests, want 1", got)
	}
}
