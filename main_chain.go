package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"shouhou/conf"
	"shouhou/drivers/uplink"
)

// startUplink starts the chain forwarder, the blacklist follower, the
// replay responder and the outbox pruner (drivers/uplink) when store.toml
// names a [chain] branch; they run until bg ends, and m.uplinkDone,
// m.blacklistDone, m.replayDone and m.pruneDone are closed when they have
// stopped. The section is read once: a change takes effect when the
// appliance restarts.
func (m *Main) startUplink(bg context.Context) error {
	c := m.Config().Store.Chain
	if !c.On() {
		return nil
	}
	pass, err := m.chainPassword(c)
	if err != nil {
		return err
	}
	f, err := uplink.New(m.db, uplink.Options{URL: c.URL, Branch: c.Branch, User: c.User, Password: pass, Logger: m.Logger})
	if err != nil {
		return err
	}
	// The forwarder has a context of its own: Close stops it last, after
	// every other writer, once it has sent what they wrote (drainUplink).
	fctx, stop := context.WithCancel(context.Background())
	m.uplink, m.uplinkDone, m.stopUplink = f, make(chan struct{}), stop
	go func() {
		defer close(m.uplinkDone)
		if err := f.Run(fctx); err != nil {
			m.Logger.Error("chain uplink stopped / 连锁上传已停止", "err", err)
		}
	}()
	m.Logger.Info("chain uplink", "branch", c.Branch, "url", c.URL)
	b, err := uplink.NewBlacklistFollower(m.db, uplink.FollowerOptions{URL: c.URL, Branch: c.Branch, User: c.User, Password: pass, Logger: m.Logger})
	if err != nil {
		return err
	}
	m.blacklist, m.blacklistDone = b, make(chan struct{})
	go func() {
		defer close(m.blacklistDone)
		if err := b.Run(bg); err != nil {
			m.Logger.Error("chain blacklist stopped / 连锁黑名单同步已停止", "err", err)
		}
	}()
	r, err := uplink.NewReplayResponder(m.db, uplink.ReplayOptions{URL: c.URL, Branch: c.Branch, User: c.User, Password: pass, Logger: m.Logger})
	if err != nil {
		return err
	}
	m.replayDone = make(chan struct{})
	go func() {
		defer close(m.replayDone)
		if err := r.Run(bg); err != nil {
			m.Logger.Error("chain replay responder stopped / 连锁重发应答已停止", "err", err)
		}
	}()
	// The pruner deletes only what the forwarder has acked, and keeps
	// that for outbox_keep_days for head office's replays.
	p, err := uplink.NewOutboxPruner(m.db, uplink.PrunerOptions{Keep: c.OutboxKeep(), Logger: m.Logger})
	if err != nil {
		return err
	}
	m.pruneDone = make(chan struct{})
	go func() {
		defer close(m.pruneDone)
		if err := p.Run(bg); err != nil {
			m.Logger.Error("chain outbox pruner stopped / 发件箱清理已停止", "err", err)
		}
	}()
	return nil
}

// chainPassword reads [chain] password_file (relative to the config
// directory), trimmed of its line end; "" without a file.
func (m *Main) chainPassword(c conf.Chain) (string, error) {
	if c.PasswordFile == "" {
		return "", nil
	}
	path := c.PasswordFile
	if !filepath.IsAbs(path) && m.ConfDir != "" {
		path = filepath.Join(m.ConfDir, path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("store.toml [chain] password_file: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// drainUplink stops the forwarder after giving it up to wait to send
// what the appliance wrote last (its lag back to 0), so a clean shutdown
// leaves nothing for the next start to forward; with head office out of
// reach it stops at once, and the outbox keeps the rest.
func (m *Main) drainUplink(wait time.Duration) {
	if m.uplink == nil {
		return
	}
	for deadline := time.Now().Add(wait); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if st := m.uplink.Status(); st.Lag == 0 || !st.Connected {
			break
		}
	}
	m.stopUplink()
	<-m.uplinkDone
	m.uplink, m.uplinkDone, m.stopUplink = nil, nil, nil
}
