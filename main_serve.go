package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/demo"
	"shouhou/appliance/policy"
	"shouhou/appliance/purchases"
	"shouhou/appliance/store"
	"shouhou/conf"
	"shouhou/drivers/uplink"
	"shouhou/ui"
	"shouhou/ui/tlsca"
)

// Main is the running appliance: what serve opens, in the order it opens
// it, and closes in reverse (model: wtf cmd/wtfd Main).
type Main struct {
	// ConfDir overrides the embedded default config file by file ("" for none).
	ConfDir string
	// DataDir is the store directory.
	DataDir string
	// Listen is the plain HTTP address, e.g. ":8080": loopback clients
	// (the kiosk) are served, others redirected to HTTPS.
	Listen string
	// ListenTLS is the HTTPS address, e.g. ":8443" ("" for none).
	ListenTLS string
	// Demo loads the demo data set and uses the virtual devices.
	Demo bool
	// MemLimit is the memory budget in bytes (ui.MemoryBudget): the Go
	// memory limit, and what heavy work is admitted within. MemFromConfig
	// takes it from store.toml's memory_budget_mib, again on each reload;
	// 0 sets no budget (in-process tests, many servers in one process).
	// GOMEMLIMIT in the environment keeps the Go limit the operator gave;
	// the budget then only admits.
	MemLimit int64
	// Logger is the process log.
	Logger *slog.Logger
	// Now is the clock.
	Now func() time.Time

	config    *conf.Watcher  // nil when running on the embedded defaults only
	fixed     *conf.Snapshot // the embedded defaults, when config is nil
	db        *store.DB
	cards     *cards.Service
	purchases *purchases.Service // the till's purchases (main_till.go)
	inbox     chan struct{}      // closed when the watched import folder stops
	bus       *appliance.Bus
	printers  *printers // the print queue (main_printer.go)
	// memory is the memory budget (nil for none: MemLimit 0).
	memory *ui.MemoryBudget
	// uplink forwards the outbox to head office (main_chain.go); nil
	// outside a chain. uplinkDone is closed when it has stopped.
	uplink     *uplink.Forwarder
	uplinkDone chan struct{}
	stopUplink context.CancelFunc // ends the forwarder (drainUplink)
	// blacklist applies head office's card blacklist to the store
	// (main_chain.go); nil outside a chain. blacklistDone is closed when
	// it has stopped.
	blacklist     *uplink.BlacklistFollower
	blacklistDone chan struct{}
	// replayDone is closed when the replay responder (main_chain.go),
	// which answers head office's replay requests, has stopped; nil
	// outside a chain.
	replayDone chan struct{}
	pruneDone  chan struct{} // closed when the outbox pruner (main_chain.go) has stopped; nil outside a chain
	// foreign charges other branches' cards for the desk (main_chain.go,
	// [chain] cross_branch_charge); nil when that is off. crossDone is
	// closed when it, the card directory writer and the charge responder
	// have stopped.
	foreign   *uplink.ChargeClient
	crossDone chan struct{}
	readers   *readers // the card readers (main_reader.go)
	ui        *ui.Server
	tls       *tlsca.Authority // the box's CA and certificate (main_tls.go); nil without HTTPS
	ln        net.Listener
	tlsLn     net.Listener
	http      *http.Server
	https     *http.Server
	stopBg    context.CancelFunc
	bgDone    chan struct{} // one value per HTTP server that ended
	adminErr  chan error
	// schedDone is closed when the ticket scheduler has stopped (newUI).
	schedDone chan struct{}
}

// NewMain returns a Main with the documented defaults.
func NewMain(logger *slog.Logger) *Main {
	return &Main{DataDir: "./var/data", Listen: ":8080", ListenTLS: ":8443", MemLimit: MemFromConfig, Logger: logger, Now: time.Now}
}

// ParseFlags reads serve's flags into m.
func (m *Main) ParseFlags(args []string, stderr io.Writer) error {
	fs := newFlagSet("serve", stderr)
	fs.StringVar(&m.ConfDir, "conf", m.ConfDir, "config `DIR` overriding the embedded defaults file by file")
	fs.StringVar(&m.DataDir, "data", m.DataDir, "data `DIR` (Badger)")
	fs.StringVar(&m.Listen, "listen", m.Listen, "plain HTTP listen `ADDR` (serves the box's own kiosk; redirects the LAN to HTTPS)")
	fs.StringVar(&m.ListenTLS, "listen-tls", m.ListenTLS, "HTTPS listen `ADDR` for the store LAN (\"\" for none)")
	fs.BoolVar(&m.Demo, "demo", m.Demo, "load the demo data set and use the virtual printer and reader")
	fs.Int64Var(&m.MemLimit, "memlimit", m.MemLimit, "memory budget and Go memory limit in `bytes` (-1: store.toml memory_budget_mib; 0: none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return nil
}

// MemFromConfig is Main.MemLimit's default: the budget store.toml gives.
const MemFromConfig = -1

// openMemoryBudget makes the memory budget MemLimit asks for.
func (m *Main) openMemoryBudget() {
	limit := m.MemLimit
	switch {
	case limit == 0:
		return
	case limit == MemFromConfig:
		limit = m.Config().Store.MemoryBudget()
	}
	goLimit := os.Getenv("GOMEMLIMIT") == ""
	m.memory = ui.NewMemoryBudget(limit, goLimit)
	m.Logger.Info("memory budget / 内存预算", "MiB", limit>>20, "go_limit", goLimit)
}

// Run opens everything and starts serving; it returns once the appliance
// is up. Call Close to stop it.
func (m *Main) Run(ctx context.Context) (err error) {
	if err := os.MkdirAll(m.DataDir, 0o750); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	m.bus = appliance.NewBus(m.Now)
	if err := m.openConfig(); err != nil {
		return err
	}
	m.openMemoryBudget()
	m.db, err = store.Open(m.DataDir, store.Options{Logger: m.Logger, Now: m.storeNow, Branch: m.Config().Store.Chain.Branch,
		AdmitVerify: func() error { return m.memory.Admit("在线校验", "an online verify") }, MemoryBudget: m.memory.Limit()})
	if err != nil {
		return err
	}
	m.cards = cards.New(m.db, cards.Options{Policy: func() *policy.Tables { return m.Config().Policy },
		Bus: m.bus, Now: m.storeNow, Logger: m.Logger})
	m.purchases = newPurchases(m.db, m.Config, m.bus, m.storeNow)
	if m.Demo {
		loaded, err := demo.Load(ctx, m.db, demo.Options{Rules: ui.TicketRules(m.Config()), Now: m.storeNow(), Logger: m.Logger,
			Clerk: m.staffWith(conf.RoleClerk), Supervisor: m.staffWith(conf.RoleSupervisor)})
		if err != nil {
			return err
		}
		if err := m.loadDemoReceipt(ctx); err != nil {
			return err
		}
		m.Logger.Info("demo data", "loaded", loaded)
	}
	if err := m.startPrinters(); err != nil {
		return err
	}
	bg, stop := context.WithCancel(context.Background())
	m.stopBg, m.adminErr = stop, make(chan error, 1)
	go func() { m.adminErr <- m.db.ServeAdminWith(bg, m.Logger, m.adminHandlers()) }()
	m.startInbox(bg)
	if err := m.startUplink(bg); err != nil {
		return err
	}
	if m.config != nil {
		go m.config.Run(bg)
	}

	if err := m.openTLS(); err != nil {
		return err
	}
	if err := m.openReaders(); err != nil {
		return err
	}
	m.ui = m.newUI(bg)
	m.startReaders()

	if err := m.listen(); err != nil {
		return err
	}
	m.Logger.Info("shouhou serving", "version", version, "addr", m.ln.Addr().String(), "https", m.AddrTLS(),
		"data", m.DataDir, "demo", m.Demo, "config", m.Config().Version)
	return nil
}

// openConfig loads the config: the embedded defaults, overridden file by
// file from ConfDir and hot-reloaded from there when ConfDir is set. A
// reload or a refused edit is published on the bus for the screens.
func (m *Main) openConfig() error {
	if err := m.loadConfig(); err != nil {
		return err
	}
	for _, w := range m.Config().Warnings {
		m.Logger.Warn("config", "warning", w)
	}
	return nil
}

func (m *Main) loadConfig() error {
	if m.ConfDir == "" {
		snap, err := conf.Load("")
		if err != nil {
			return fmt.Errorf("embedded config: %w", err)
		}
		m.fixed = snap
		return nil
	}
	w, err := conf.NewWatcher(m.ConfDir, m.Logger)
	if err != nil {
		return err
	}
	w.OnReload = func(old, cur *conf.Snapshot) {
		m.Logger.Info("config reloaded", "version", cur.Version, "was", old.Version)
		if m.MemLimit == MemFromConfig {
			m.memory.Set(cur.Store.MemoryBudget())
		}
		m.bus.Publish("config.reloaded", "", map[string]any{"version": cur.Version, "loaded_at": cur.LoadedAt, "warnings": cur.Warnings})
	}
	w.OnError = func(err error) {
		m.Logger.Warn("config refused; the previous config stays", "err", err)
		m.bus.Publish("config.error", "", map[string]any{"message": err.Error()})
	}
	m.config = w
	return nil
}

// Config returns the config snapshot in force.
func (m *Main) Config() *conf.Snapshot {
	if m.config != nil {
		return m.config.Current()
	}
	return m.fixed
}

// staffWith returns the id of the first member of staff.toml with role, or "".
func (m *Main) staffWith(role string) string {
	for _, s := range m.Config().Staff {
		if s.Role == role {
			return s.ID
		}
	}
	return ""
}

// storeNow is the clock in the store's time zone from the config in force,
// so a ticket's number carries the store's date, not the box's.
func (m *Main) storeNow() time.Time { return m.Now().In(m.Config().Store.Location) }

// Addr returns the address the HTTP server listens on (useful with ":0").
func (m *Main) Addr() string { return m.ln.Addr().String() }

// Close stops accepting, lets in-flight requests finish, and closes the
// store last, in reverse order of opening. It is safe to call twice.
func (m *Main) Close() error {
	var errs []error
	errs = append(errs, m.shutdownHTTP(10*time.Second))
	m.stopReaders()
	if m.ui != nil {
		errs = append(errs, m.ui.Close())
		m.ui = nil
	}
	if m.stopBg != nil {
		m.stopBg()
		errs = append(errs, <-m.adminErr)
		if m.inbox != nil {
			<-m.inbox
		}
		if m.blacklistDone != nil {
			<-m.blacklistDone
			m.blacklist, m.blacklistDone = nil, nil
		}
		if m.replayDone != nil {
			<-m.replayDone
			m.replayDone = nil
		}
		if m.pruneDone != nil {
			<-m.pruneDone
			m.pruneDone = nil
		}
		if m.crossDone != nil {
			<-m.crossDone
			m.foreign, m.crossDone = nil, nil
		}
		m.stopBg = nil
	}
	if m.schedDone != nil {
		<-m.schedDone
		m.schedDone = nil
	}
	if m.printers != nil {
		errs = append(errs, m.printers.close())
		m.printers = nil
	}
	if m.cards != nil {
		m.cards.Close() // answers what is queued before the store closes
		m.cards = nil
	}
	m.drainUplink(3 * time.Second) // the last writer has stopped: send what they wrote
	if m.db != nil {
		errs = append(errs, m.db.Close())
		m.db = nil
	}
	return errors.Join(errs...)
}

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	m := NewMain(slog.New(slog.NewTextHandler(stderr, nil)))
	if err := m.ParseFlags(args, stderr); err != nil {
		return err
	}
	if abs, err := filepath.Abs(m.DataDir); err == nil {
		m.DataDir = abs
	}
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	<-ctx.Done()
	m.Logger.Info("shutting down")
	return m.Close()
}
