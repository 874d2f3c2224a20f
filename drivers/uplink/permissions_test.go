package uplink

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"shouhou/appliance/chain"
	"shouhou/drivers/chaintest"
)

// branchPermissions is branch SH01's NATS permissions as docs/chain.md
// gives them: publish its own events subject and the JetStream API calls
// its forwarder and blacklist follower make, nothing else.
const branchPermissions = `{
  publish: [ "shouhou.events.SH01", "$JS.API.INFO", "$JS.API.STREAM.INFO.SHOUHOU_EVENTS",
             "$JS.API.STREAM.INFO.SHOUHOU_BLACKLIST", "$JS.API.CONSUMER.CREATE.SHOUHOU_BLACKLIST",
             "$JS.API.CONSUMER.CREATE.SHOUHOU_BLACKLIST.>", "$JS.API.CONSUMER.MSG.NEXT.SHOUHOU_BLACKLIST.>",
             "$JS.API.CONSUMER.DELETE.SHOUHOU_BLACKLIST.>" ]
  subscribe: [ "_INBOX.>" ]
}`

// TestBranchPermissions runs a branch's forwarder and blacklist follower
// as a user with only docs/chain.md's permissions, against streams head
// office made: its events reach the stream, head office's blacklist
// reaches its store, and it cannot publish as another branch.
func TestBranchPermissions(t *testing.T) {
	n := chaintest.StartNATS(t, chaintest.NATSOptions{Users: []chaintest.NATSUser{
		{User: "SH01", Password: "s3cret", Permissions: branchPermissions}, {User: "HQ", Password: "hq-s3cret"}}})
	hq := headOffice(t, n.URL()) // makes the blacklist stream
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := hq.CreateStream(ctx, jetstream.StreamConfig{Name: chain.StreamEvents, Subjects: []string{chain.SubjectEvents + ">"},
		Storage: jetstream.FileStorage, Duplicates: DuplicateWindow}); err != nil {
		t.Fatal(err)
	}

	db := mustOpen(t, t.TempDir())
	f, _ := runForwarder(t, db, n.URL())
	writeTickets(t, db, 1, 6)
	if s := waitAcked(t, f, 5); s.LastError != "" {
		t.Errorf("forwarder status %+v, want no error", s)
	}
	b, _ := runFollower(t, db, n.URL())
	waitApplied(t, b, mustPublish(t, hq, chain.BlacklistEntry{Card: "SC-000009", UIDs: []string{"04AABBCC"},
		Branch: "b2", Status: chain.BlacklistLost, Seq: 1}))

	nc, err := nats.Connect(n.URL(), nats.UserInfo("SH01", "s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	pctx, pcancel := context.WithTimeout(ctx, 2*time.Second)
	defer pcancel()
	if _, err := js.Publish(pctx, chain.Subject("SH02"), []byte(`{}`)); err == nil {
		t.Error("branch SH01 published on SH02's subject, want refused")
	}
	st, err := hq.Stream(ctx, chain.StreamEvents)
	if err != nil {
		t.Fatal(err)
	}
	info, err := st.Info(ctx, jetstream.WithSubjectFilter(chain.SubjectEvents+">"))
	if err != nil {
		t.Fatal(err)
	}
	for subj := range info.State.Subjects {
		if !strings.HasSuffix(subj, ".SH01") {
			t.Errorf("stream holds subject %s, want only SH01's", subj)
		}
	}
}

// TestBranchPermissionsMissing: a branch user that may not fetch from the
// blacklist stream shows the server's refusal as the follower's last
// error, not a quiet follower that never applies anything.
func TestBranchPermissionsMissing(t *testing.T) {
	short := strings.Replace(branchPermissions, `"$JS.API.CONSUMER.MSG.NEXT.SHOUHOU_BLACKLIST.>",`, "", 1)
	if short == branchPermissions {
		t.Fatal("branchPermissions has no MSG.NEXT entry to take out")
	}
	n := chaintest.StartNATS(t, chaintest.NATSOptions{Users: []chaintest.NATSUser{
		{User: "SH01", Password: "s3cret", Permissions: short}, {User: "HQ", Password: "hq-s3cret"}}})
	headOffice(t, n.URL())
	b, _ := runFollower(t, mustOpen(t, t.TempDir()), n.URL())
	deadline := time.Now().Add(20 * time.Second)
	for s := b.Status(); !strings.Contains(strings.ToLower(s.LastError), "permissions violation"); s = b.Status() {
		if time.Now().After(deadline) {
			t.Fatalf("follower status %+v after 20 s, want the permissions violation as its last error", s)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
