package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
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

// TestServeForwardsToHeadOffice runs the appliance with a [chain] section
// against a real nats-server and expects a desk change on the stream.
func TestServeForwardsToHeadOffice(t *testing.T) {
	n := chaintest.StartNATS(t, chaintest.NATSOptions{Users: []chaintest.NATSUser{{User: "SH01", Password: "s3cret"}}})
	m := runChainMain(t, n)
	err := m.db.Update(func(tx *store.Txn) error { return tx.PutCustomer(&appliance.Customer{ID: "c1", Name: "王芳"}) })
	if err != nil {
		t.Fatal(err)
	}
	// serve may write events of its own meanwhile (the config log's
	// audit entry), so find the customer's.
	head := customerEvent(t, m.db, "c1")
	deadline := time.Now().Add(30 * time.Second)
	for s := m.uplink.Status(); s.Acked < head; s = m.uplink.Status() {
		if time.Now().After(deadline) {
			t.Fatalf("status %+v after 30 s, want %d acked", s, head)
		}
		time.Sleep(20 * time.Millisecond)
	}
	nc, err := nats.Connect(n.URL(), nats.UserInfo("SH01", "s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, chain.StreamEvents)
	if err != nil {
		t.Fatal(err)
	}
	msg, err := st.GetMsg(ctx, head) // a new stream: stream seq n is event n
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(msg.Data), `"kind":"customer","id":"c1"`) || msg.Header.Get(jetstream.MsgIDHeader) != chain.MsgID("SH01", head) {
		t.Errorf("stream message %d %s (id %q), want customer c1 as event %d", head, msg.Data, msg.Header.Get(jetstream.MsgIDHeader), head)
	}

	// Head office lists a card of branch b2; this box's reader refuses it.
	if err := uplink.EnsureBlacklistStream(ctx, js, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	seq, err := uplink.PublishBlacklist(ctx, js, &chain.BlacklistEntry{Card: "SC-000009", UIDs: []string{"04AABBCC"},
		Branch: "b2", Status: chain.BlacklistLost, Seq: 7})
	if err != nil {
		t.Fatal(err)
	}
	for s := m.blacklist.Status(); s.Applied < seq; s = m.blacklist.Status() {
		if time.Now().After(deadline) {
			t.Fatalf("blacklist status %+v, want seq %d applied", s, seq)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := m.cards.Resolve("04AABBCC", "desk1"); appliance.ErrorCode(err) != appliance.EUNAUTHORIZED ||
		!strings.Contains(appliance.ErrorMessage(err), "branch b2") {
		t.Errorf("Resolve of a card lost at b2 = %v, want refused naming b2", err)
	}
}

// customerEvent returns the outbox seq of the event of customer id.
func customerEvent(t *testing.T, db *store.DB, id string) uint64 {
	t.Helper()
	evs, err := db.OutboxFrom(1, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range evs {
		if ev.Kind == chain.KindCustomer && ev.ID == id {
			return ev.Seq
		}
	}
	t.Fatalf("no outbox event of customer %s in %d events", id, len(evs))
	return 0
}

// runChainMain runs serve in-process with store.toml's [chain] naming
// branch SH01 (password s3cret) on n; it stops at the test's end.
func runChainMain(t *testing.T, n *chaintest.NATS) *Main {
	t.Helper()
	return runBranchMain(t, "branch = \"SH01\"\nurl = \""+n.URL()+"\"\nuser = \"SH01\"\npassword_file = \"nats.pass\"\n")
}

// runBranchMain runs serve in-process with chain as store.toml's [chain]
// section (a password_file there is nats.pass, holding s3cret).
func runBranchMain(t *testing.T, chainSection string) *Main {
	t.Helper()
	tmp := t.TempDir()
	confDir := filepath.Join(tmp, "conf")
	if code, out := runCmd("config", "init", confDir); code != 0 {
		t.Fatalf("config init = %d %q", code, out)
	}
	storeFile := filepath.Join(confDir, "store.toml")
	orig, err := os.ReadFile(storeFile)
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(orig), "[chain]")
	if i < 0 {
		t.Fatal("store.toml from config init has no [chain] section")
	}
	withChain := string(orig[:i]) + "[chain]\n" + chainSection
	if err := os.WriteFile(storeFile, []byte(withChain), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(confDir, "nats.pass"), []byte("s3cret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	m := NewMain(slog.New(slog.NewTextHandler(io.Discard, nil)))
	m.DataDir, m.ConfDir, m.Listen, m.ListenTLS, m.MemLimit = filepath.Join(tmp, "data"), confDir, "127.0.0.1:0", "", 0
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	if m.uplink == nil || m.pruneDone == nil {
		t.Fatal("no uplink or no outbox pruner started with a [chain] branch")
	}
	return m
}
