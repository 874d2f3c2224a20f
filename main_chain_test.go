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
)

// TestServeForwardsToHeadOffice runs the appliance with a [chain] section
// against a real nats-server and expects a desk change on the stream.
func TestServeForwardsToHeadOffice(t *testing.T) {
	n := chaintest.StartNATS(t, chaintest.NATSOptions{Users: []chaintest.NATSUser{{User: "SH01", Password: "s3cret"}}})
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
	withChain := string(orig[:i]) + "[chain]\nbranch = \"SH01\"\nurl = \"" + n.URL() + "\"\nuser = \"SH01\"\npassword_file = \"nats.pass\"\n"
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
	defer m.Close()
	if m.uplink == nil {
		t.Fatal("no uplink started with a [chain] branch")
	}
	err = m.db.Update(func(tx *store.Txn) error { return tx.PutCustomer(&appliance.Customer{ID: "c1", Name: "王芳"}) })
	if err != nil {
		t.Fatal(err)
	}
	head, _ := m.db.OutboxHead()
	deadline := time.Now().Add(20 * time.Second)
	for s := m.uplink.Status(); s.Acked < head; s = m.uplink.Status() {
		if time.Now().After(deadline) {
			t.Fatalf("status %+v after 20 s, want %d acked", s, head)
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
	msg, err := st.GetLastMsgForSubject(ctx, chain.Subject("SH01"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(msg.Data), `"kind":"customer","id":"c1"`) || msg.Header.Get(jetstream.MsgIDHeader) != chain.MsgID("SH01", head) {
		t.Errorf("last message %s (id %q), want customer c1 as event %d", msg.Data, msg.Header.Get(jetstream.MsgIDHeader), head)
	}
}
