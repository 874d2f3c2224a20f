package uplink

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"

	"shouhou/appliance/chain"
	"shouhou/drivers/chaintest"
)

// TestOutboxPruner: running beside the forwarder, the pruner deletes the
// events the stream acked that are older than the keep time, keeps the
// old ones not yet acked until they are, and keeps the young; the store
// verifies after, and a replay from a pruned seq answers which seqs are
// gone instead of saying nothing.
func TestOutboxPruner(t *testing.T) {
	n := chaintest.StartNATS(t, chaintest.NATSOptions{})
	db := mustOpen(t, t.TempDir())
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	db.SetClock(func() time.Time { return now.AddDate(0, 0, -10) })

	// 1..4 written ten days ago and acked; 5..7 as old, not yet acked.
	writeTickets(t, db, 0, 4)
	_, stop := runForwarder(t, db, n.URL())
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if acked, _ := db.OutboxAcked(); acked == 4 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the forwarder has not acked 4 events after 30 s")
		}
	}
	stop()
	writeTickets(t, db, 4, 7)

	p, err := NewOutboxPruner(db, PrunerOptions{Keep: 7 * 24 * time.Hour, Every: 20 * time.Millisecond,
		Now: func() time.Time { return now }, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	runUntilStopped(t, p.Run)
	waitOldest(t, db, 5)
	time.Sleep(100 * time.Millisecond) // a few more prunes: the unacked stay
	waitOldest(t, db, 5)

	// Once acked they go too; a young event stays however often it runs.
	f, _ := runForwarder(t, db, n.URL())
	waitAcked(t, f, 7)
	waitOldest(t, db, 8)
	db.SetClock(func() time.Time { return now.AddDate(0, 0, -1) })
	writeTickets(t, db, 7, 8)
	waitAcked(t, f, 8)
	time.Sleep(100 * time.Millisecond)
	waitOldest(t, db, 8)
	r, err := db.Verify()
	if err != nil || !r.OK() {
		t.Fatalf("Verify after the prune: %v\n%s", err, r)
	}

	// Head office asks for everything again: the reply names the pruned.
	rr, err := NewReplayResponder(db, ReplayOptions{URL: n.URL(), Branch: "SH01", User: "SH01", Password: "s3cret",
		Logger: quiet, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	runUntilStopped(t, rr.Run)
	for deadline := time.Now().Add(10 * time.Second); !rr.Ready(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the responder is not ready after 10 s")
		}
	}
	nc, err := nats.Connect(n.URL(), nats.UserInfo("SH01", "s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	body, _ := json.Marshal(chain.ReplayRequest{Branch: "SH01", From: 1, To: 8})
	m, err := nc.Request(chain.SubjectReplay+"SH01", body, 20*time.Second)
	if err != nil {
		t.Fatalf("replay request: %v", err)
	}
	var got chain.ReplayReply
	if err := json.Unmarshal(m.Data, &got); err != nil {
		t.Fatal(err)
	}
	if got.Oldest != 8 || got.Republished != 1 || !strings.Contains(got.Error, "events 1 to 7 were pruned") {
		t.Errorf("replay from 1 after the prune: %+v; want oldest 8, 1 republished and events 1 to 7 named as pruned", got)
	}
}

// TestNewOutboxPrunerNeedsKeep: no keep time is refused, not taken as
// "prune everything acked".
func TestNewOutboxPrunerNeedsKeep(t *testing.T) {
	for _, keep := range []time.Duration{0, -time.Hour} {
		if _, err := NewOutboxPruner(mustOpen(t, t.TempDir()), PrunerOptions{Keep: keep}); err == nil {
			t.Errorf("NewOutboxPruner with keep %v: no error", keep)
		}
	}
}

// waitOldest waits up to 10 s for the outbox's oldest kept seq to be want.
func waitOldest(t *testing.T, db interface{ OutboxOldest() (uint64, error) }, want uint64) {
	t.Helper()
	var got uint64
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if got, err = db.OutboxOldest(); err == nil && got == want {
			return
		}
	}
	t.Fatalf("the oldest event kept is %d (%v), want %d", got, err, want)
}
