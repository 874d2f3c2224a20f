package uplink

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/chain"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
	"shouhou/drivers/chaintest"
)

var chainUsers = chaintest.NATSOptions{Users: []chaintest.NATSUser{{User: "SH01", Password: "s3cret"}, {User: "HQ", Password: "hq-s3cret"}}}

// headOffice connects to url as head office and returns its JetStream.
func headOffice(t *testing.T, url string) jetstream.JetStream {
	t.Helper()
	nc, err := nats.Connect(url, nats.UserInfo("HQ", "hq-s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := EnsureBlacklistStream(ctx, js, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	return js
}

// mustPublish publishes e as head office and returns its stream seq.
func mustPublish(t *testing.T, js jetstream.JetStream, e chain.BlacklistEntry) uint64 {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	seq, err := PublishBlacklist(ctx, js, &e)
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

// runFollower starts a BlacklistFollower on db and stops it when the test
// ends or when the returned stop is called.
func runFollower(t *testing.T, db *store.DB, url string) (*BlacklistFollower, func()) {
	t.Helper()
	f, err := NewBlacklistFollower(db, FollowerOptions{URL: url, Branch: "SH01", User: "SH01", Password: "s3cret",
		Logger: quiet, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return f, runUntilStopped(t, f.Run)
}

// waitApplied waits until the follower has applied stream seq want.
func waitApplied(t *testing.T, f *BlacklistFollower, want uint64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := f.Status()
		if s.Applied == want {
			return
		}
		if s.Applied > want || time.Now().After(deadline) {
			t.Fatalf("the follower's status is %+v, want seq %d applied", s, want)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cardService starts the box's card service on db.
func cardService(t *testing.T, db *store.DB) *cards.Service {
	t.Helper()
	svc := cards.New(db, cards.Options{Policy: func() *policy.Tables { return &policy.Tables{} }, Logger: quiet})
	t.Cleanup(svc.Close)
	return svc
}

// wantSwipe swipes uid and checks the answer: refused naming branch (and
// what it reported), or for branch "" not refused.
func wantSwipe(t *testing.T, svc *cards.Service, uid, branch, reported string) {
	t.Helper()
	_, err := svc.Resolve(uid, "desk1")
	msg := appliance.ErrorMessage(err)
	switch {
	case branch == "" && appliance.ErrorCode(err) == appliance.EUNAUTHORIZED:
		t.Errorf("Resolve(%s) = %v, want it let through", uid, err)
	case branch != "" && (appliance.ErrorCode(err) != appliance.EUNAUTHORIZED ||
		!strings.Contains(msg, "branch "+branch) || !strings.Contains(msg, reported)):
		t.Errorf("Resolve(%s) = %v, want refused: %s at branch %s", uid, err, reported, branch)
	}
}

// TestBlacklistFollower: a card lost at b2 is refused at this box (SH01)
// once head office publishes it, still refused with head office down,
// let through once cleared, and a restarted box goes on from its seq.
func TestBlacklistFollower(t *testing.T) {
	n := chaintest.StartNATS(t, chainUsers)
	hq := headOffice(t, n.URL())
	dir := t.TempDir()
	db := mustOpen(t, dir)
	svc := cardService(t, db)
	f, stop := runFollower(t, db, n.URL())

	lost := chain.BlacklistEntry{Card: "SC-000009", UIDs: []string{"04AABBCC"}, Branch: "b2", Status: chain.BlacklistLost,
		Time: time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC), Seq: 12}
	seq := mustPublish(t, hq, lost)
	if again := mustPublish(t, hq, lost); again != seq {
		t.Errorf("the same entry published again is stream seq %d, want %d (Nats-Msg-Id %s)", again, seq, BlacklistMsgID(&lost))
	}
	waitApplied(t, f, seq)
	wantSwipe(t, svc, "04aabbcc", "b2", "reported lost")
	if s := f.Status(); !s.Connected || s.LastError != "" {
		t.Errorf("status %+v, want connected without error", s)
	}

	if err := n.Kill(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for f.Status().Connected && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if s := f.Status(); s.Connected || s.Applied != seq {
		t.Errorf("with head office down the status is %+v, want disconnected with seq %d applied", s, seq)
	}
	wantSwipe(t, svc, "04AABBCC", "b2", "reported lost")

	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	found := lost
	found.Status, found.Seq = chain.BlacklistCleared, 13
	seq = mustPublish(t, hq, found)
	waitApplied(t, f, seq)
	wantSwipe(t, svc, "04AABBCC", "", "")

	// The box stops; head office lists a card, clears it, lists it again.
	stop()
	svc.Close()
	db.Close()
	other := chain.BlacklistEntry{Card: "SC-000010", UIDs: []string{"04DDEEFF"}, Branch: "b3", Status: chain.BlacklistCancelled, Seq: 4}
	mustPublish(t, hq, other)
	other.Status, other.Seq = chain.BlacklistCleared, 5
	mustPublish(t, hq, other)
	other.Status, other.Seq = chain.BlacklistReplaced, 6
	last := mustPublish(t, hq, other)

	db = mustOpen(t, dir)
	// A mark no entry makes: reading the stream again from its start
	// would overwrite it with the cleared entry of seq 13.
	marked := lost
	marked.Seq = 999
	if err := db.Update(func(tx *store.Txn) error { return tx.PutBlacklisted(&marked) }); err != nil {
		t.Fatal(err)
	}
	svc = cardService(t, db)
	f, _ = runFollower(t, db, n.URL())
	waitApplied(t, f, last)
	wantSwipe(t, svc, "04DDEEFF", "b3", "replaced")
	err := db.View(func(tx *store.Txn) error {
		e, _, err := tx.Blacklisted("b2", "SC-000009")
		if err == nil && e.Seq != 999 {
			t.Errorf("after the restart b2's SC-000009 holds entry seq %d, want the mark 999: the box read the stream from its start", e.Seq)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestBlacklistFollowerBootsOffline: a box that boots while head office
// is down refuses what its store already lists and catches up later.
func TestBlacklistFollowerBootsOffline(t *testing.T) {
	n := chaintest.StartNATS(t, chainUsers)
	hq := headOffice(t, n.URL())
	lost := chain.BlacklistEntry{Card: "SC-000001", UIDs: []string{"04112233"}, Branch: "b2", Status: chain.BlacklistLost, Seq: 1}
	seq := mustPublish(t, hq, lost)
	if err := n.Kill(); err != nil {
		t.Fatal(err)
	}
	db := mustOpen(t, t.TempDir())
	svc := cardService(t, db)
	f, _ := runFollower(t, db, n.URL())
	wantSwipe(t, svc, "04112233", "", "") // not heard of yet
	if s := f.Status(); s.Connected || s.Applied != 0 {
		t.Errorf("with no server the status is %+v, want disconnected, nothing applied", s)
	}
	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	waitApplied(t, f, seq)
	wantSwipe(t, svc, "04112233", "b2", "reported lost")
}

func TestPublishBlacklistRefuses(t *testing.T) {
	tests := []struct {
		name string
		e    chain.BlacklistEntry
	}{
		{"no branch", chain.BlacklistEntry{Card: "SC-000001", Status: chain.BlacklistLost}},
		{"branch with a dot", chain.BlacklistEntry{Card: "SC-000001", Branch: "b.2", Status: chain.BlacklistLost}},
		{"no card", chain.BlacklistEntry{Branch: "b2", Status: chain.BlacklistLost}},
		{"no status", chain.BlacklistEntry{Card: "SC-000001", Branch: "b2"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := PublishBlacklist(context.Background(), nil, &tt.e); err == nil {
				t.Errorf("PublishBlacklist(%+v) = nil error", tt.e)
			}
		})
	}
}
