package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"shouhou/appliance/store"
)

// serverStatus is what the running server tells of itself: the admin
// socket's "status" answer (shouhou status) and the staff screen's
// chain.status (ui.Options.Chain, its Chain part).
type serverStatus struct {
	// DataDir is the data directory and Format its data format.
	DataDir string `json:"data_dir"`
	Format  int    `json:"format"`
	// Chain is nil outside a chain.
	Chain *chainStatus `json:"chain"`
}

// chainStatus is the chain uplink's and blacklist follower's state.
type chainStatus struct {
	// Branch is this box's branch id.
	Branch string `json:"branch"`
	// Connected is whether the forwarder's NATS connection is up.
	Connected bool `json:"connected"`
	// Head is the outbox's last seq, Acked the last head office's stream
	// acknowledged, Lag the events not yet acknowledged (Head - Acked).
	Head  uint64 `json:"head"`
	Acked uint64 `json:"acked"`
	Lag   uint64 `json:"lag"`
	// LastError is the forwarder's last failure ("" if none since).
	LastError string `json:"last_error"`
	// Blacklist is the blacklist follower's state.
	Blacklist blacklistStatus `json:"blacklist"`
}

// blacklistStatus is the blacklist follower's state.
type blacklistStatus struct {
	// Connected is whether the follower's NATS connection is up.
	Connected bool `json:"connected"`
	// Applied is the stream seq of the last entry applied.
	Applied uint64 `json:"applied"`
	// LastError is the follower's last failure ("" if none since).
	LastError string `json:"last_error"`
}

// chainStatus returns the uplink's state, nil when the box is not in a
// chain (no [chain] branch, so no uplink started).
func (m *Main) chainStatus() *chainStatus {
	if m.uplink == nil {
		return nil
	}
	u := m.uplink.Status()
	c := &chainStatus{Branch: m.db.Branch(), Connected: u.Connected, Head: u.Head, Acked: u.Acked, Lag: u.Lag, LastError: u.LastError}
	if m.blacklist != nil {
		b := m.blacklist.Status()
		c.Blacklist = blacklistStatus{Connected: b.Connected, Applied: b.Applied, LastError: b.LastError}
	}
	return c
}

// adminStatus answers "status": "OK" and the serverStatus as JSON.
func (m *Main) adminStatus(args string, body io.Reader, w io.Writer) {
	out, err := json.Marshal(serverStatus{DataDir: m.db.Dir(), Format: m.db.Format(), Chain: m.chainStatus()})
	if err != nil {
		fmt.Fprintf(w, "ERR %s\n", oneLine(err.Error()))
		return
	}
	fmt.Fprintf(w, "OK\n%s\n", out)
}

// runStatus is `shouhou status [-data DIR]`: asks the server holding DIR
// over DATA/admin.sock for its store and chain state and prints one
// "key: value" line each. It fails (exit 1) when no server holds DIR.
func runStatus(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("status", stderr)
	data := fs.String("data", "./var/data", "data `DIR`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	rc, err := store.AdminVia(*data, "status", nil)
	if errors.Is(err, store.ErrNoServer) {
		return fmt.Errorf("%s: 没有运行中的服务器 / %w", *data, err)
	}
	if err != nil {
		return err
	}
	defer rc.Close()
	var s serverStatus
	if err := json.NewDecoder(rc).Decode(&s); err != nil {
		return fmt.Errorf("status: the server's answer: %w", err)
	}
	printStatus(stdout, &s)
	return nil
}

// printStatus writes s as "key: value" lines.
func printStatus(w io.Writer, s *serverStatus) {
	fmt.Fprintf(w, "store: %s\nformat: %d\n", s.DataDir, s.Format)
	c := s.Chain
	if c == nil {
		fmt.Fprintln(w, "chain: off")
		return
	}
	fmt.Fprintf(w, "chain: on\nbranch: %s\nconnected: %t\nhead: %d\nacked: %d\nlag: %d\nlast error: %s\n",
		c.Branch, c.Connected, c.Head, c.Acked, c.Lag, orNone(c.LastError))
	b := c.Blacklist
	fmt.Fprintf(w, "blacklist connected: %t\nblacklist applied: %d\nblacklist last error: %s\n",
		b.Connected, b.Applied, orNone(b.LastError))
}

// orNone is s, or "none" when empty.
func orNone(s string) string {
	if s == "" {
		return "none"
	}
	return s
}
