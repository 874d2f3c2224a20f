package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
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
	if c.CrossBranchCharge {
		return m.startCrossBranch(bg, c, pass)
	}
	return nil
}

// startCrossBranch starts what lets a card be used at another branch
// ([chain] cross_branch_charge): the card directory writer, the charge
// responder for this box's cards and the client the desk asks other
// branches with (m.foreign). They run until bg ends; m.crossDone is
// closed when all three have stopped (the responder after the charges
// it had begun, before the card service closes).
func (m *Main) startCrossBranch(bg context.Context, c conf.Chain, pass string) error {
	o := uplink.ChargeOptions{URL: c.URL, Branch: c.Branch, User: c.User, Password: pass, Logger: m.Logger}
	d, err := uplink.NewCardDirectory(m.db, uplink.DirectoryOptions{URL: c.URL, Branch: c.Branch, User: c.User, Password: pass, Logger: m.Logger})
	if err != nil {
		return err
	}
	r, err := uplink.NewChargeResponder(m.db, m.cards, o)
	if err != nil {
		return err
	}
	cl, err := uplink.NewChargeClient(o)
	if err != nil {
		return err
	}
	m.foreign, m.crossDone = cl, make(chan struct{})
	var wg sync.WaitGroup
	for name, run := range map[string]func(context.Context) error{"card directory / 卡目录": d.Run,
		"charge responder / 跨店扣款应答": r.Run, "charge client / 跨店扣款": cl.Run} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := run(bg); err != nil {
				m.Logger.Error("chain "+name+" stopped / 已停止", "err", err)
			}
		}()
	}
	go func() {
		wg.Wait()
		close(m.crossDone)
	}()
	m.Logger.Info("chain cross-branch charge on / 跨店扣款已开启", "branch", c.Branch)
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
