package main

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/drivers/chaintest"
)

// statusLines runs `shouhou status -data dir` and returns its exit code
// and its "key: value" lines.
func statusLines(t *testing.T, dir string) (int, map[string]string, string) {
	t.Helper()
	code, out := runCmd("status", "-data", dir)
	kv := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			kv[k] = v
		}
	}
	return code, kv, out
}

// waitStatus polls shouhou status until ok holds of its lines, for up to 30 s.
func waitStatus(t *testing.T, dir, want string, ok func(kv map[string]string) bool) map[string]string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		// A server just started may not listen on its admin socket yet.
		code, kv, out := statusLines(t, dir)
		if code == 0 && ok(kv) {
			return kv
		}
		if time.Now().After(deadline) {
			t.Fatalf("shouhou status after 30 s = %d:\n%s\nwant %s", code, out, want)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func num(t *testing.T, kv map[string]string, key string) uint64 {
	t.Helper()
	n, err := strconv.ParseUint(kv[key], 10, 64)
	if err != nil {
		t.Fatalf("status %s: %q is not a number", key, kv[key])
	}
	return n
}

// TestStatusShowsChainLag runs serve with [chain] against a real
// nats-server: after writes `shouhou status` shows the lag back at 0,
// and with nats-server killed the lag grows by the events written.
func TestStatusShowsChainLag(t *testing.T) {
	n := chaintest.StartNATS(t, chaintest.NATSOptions{Users: []chaintest.NATSUser{{User: "SH01", Password: "s3cret"}}})
	m := runChainMain(t, n)
	put := func(from, count int) {
		t.Helper()
		err := m.db.Update(func(tx *store.Txn) error {
			for i := from; i < from+count; i++ {
				if err := tx.PutCustomer(&appliance.Customer{ID: fmt.Sprintf("c%d", i), Name: "王芳"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	put(0, 3)
	head := customerEvent(t, m.db, "c2")
	kv := waitStatus(t, m.DataDir, "lag 0, connected, head >= "+strconv.FormatUint(head, 10), func(kv map[string]string) bool {
		return kv["lag"] == "0" && kv["connected"] == "true" && num(t, kv, "head") >= head
	})
	for key, want := range map[string]string{"store": m.DataDir, "format": strconv.Itoa(store.SchemaVersion), "chain": "on",
		"branch": "SH01", "last error": "none", "blacklist connected": "true"} {
		if kv[key] != want {
			t.Errorf("status %s = %q, want %q", key, kv[key], want)
		}
	}
	if a, h := num(t, kv, "acked"), num(t, kv, "head"); a != h {
		t.Errorf("status acked %d, head %d with lag 0", a, h)
	}

	if err := n.Kill(); err != nil {
		t.Fatal(err)
	}
	put(10, 5)
	kv = waitStatus(t, m.DataDir, "lag >= 5, not connected, a last error", func(kv map[string]string) bool {
		return num(t, kv, "lag") >= 5 && kv["connected"] == "false" && kv["last error"] != "none"
	})
	if h, a, l := num(t, kv, "head"), num(t, kv, "acked"), num(t, kv, "lag"); h-a != l {
		t.Errorf("status head %d acked %d lag %d: lag is not head - acked", h, a, l)
	}
}

// TestStatusWithoutChain: a box outside a chain says "chain: off", and
// status fails when no server holds the directory.
func TestStatusWithoutChain(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	if code, _, out := statusLines(t, data); code == 0 || !strings.Contains(out, "no server holds") {
		t.Errorf("status with no server = %d %q, want a failure naming no server", code, out)
	}
	m := MustRunMain(t, data)
	kv := waitStatus(t, m.DataDir, "a store line", func(kv map[string]string) bool { return kv["store"] != "" })
	if kv["chain"] != "off" || kv["store"] != data {
		t.Errorf("status outside a chain = %v, want chain: off", kv)
	}
}
