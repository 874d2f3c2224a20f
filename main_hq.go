package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"shouhou/drivers/hqstore"
)

// hqFlags are the hq subcommand's settings.
type hqFlags struct {
	nats, user, passwordFile string
	pg, durable              string
	// listen, tokenFile and confDir are the reports' web server: its
	// address, the file holding its login token, and the chain's config
	// (report options) — "" for the defaults in Asia/Shanghai.
	listen, tokenFile, confDir string
}

// runHQ runs head office's consumer: every branch's events from NATS into
// PostgreSQL, until SIGTERM or Ctrl-C.
func runHQ(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var f hqFlags
	fs := newFlagSet("hq", stderr)
	fs.StringVar(&f.nats, "nats", "nats://127.0.0.1:4222", "NATS server URL (comma-separated for a cluster)")
	fs.StringVar(&f.user, "nats-user", "", "NATS user (empty for no login)")
	fs.StringVar(&f.passwordFile, "nats-password-file", "", "file holding the NATS user's password")
	fs.StringVar(&f.pg, "pg", "", "PostgreSQL connection string, postgres://user@host:5432/db")
	fs.StringVar(&f.durable, "durable", hqstore.DefaultDurable, "JetStream durable consumer name")
	fs.StringVar(&f.listen, "listen", "", "address to serve head office's reports on, e.g. :8090 (empty: no reports server)")
	fs.StringVar(&f.tokenFile, "token-file", "", "file holding the reports' login token (required with -listen)")
	fs.StringVar(&f.confDir, "conf", "", "the chain's config directory, for the reports' time zone, targets and warranty")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if f.pg == "" || fs.NArg() > 0 {
		fs.Usage()
		return exitError(2)
	}
	if f.listen != "" && f.tokenFile == "" {
		fmt.Fprintln(stderr, "shouhou hq: -listen 需要 -token-file / -listen needs -token-file")
		return exitError(2)
	}
	var web *hqWeb
	if f.listen != "" {
		var err error
		if web, err = newHQWeb(f); err != nil {
			return err
		}
	}
	var password string
	if f.passwordFile != "" {
		b, err := os.ReadFile(f.passwordFile)
		if err != nil {
			return fmt.Errorf("-nats-password-file: %w", err)
		}
		password = strings.TrimSpace(string(b))
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	db, err := openHQStore(ctx, f.pg, log)
	if err != nil {
		if ctx.Err() != nil { // stopped while waiting for PostgreSQL
			return nil
		}
		return err
	}
	defer db.Close()
	c, err := hqstore.NewConsumer(db, hqstore.ConsumerOptions{URL: f.nats, User: f.user, Password: password,
		Durable: f.durable, Logger: log})
	if err != nil {
		return err
	}
	if web != nil {
		stopWeb, err := web.start(ctx, db, log)
		if err != nil {
			return err
		}
		defer stopWeb()
	}
	log.Info("hq: consuming branch events / 总部开始接收各门店事件", "nats", f.nats, "durable", f.durable)
	if err := c.Run(ctx); err != nil {
		return err
	}
	s := c.Stats()
	log.Info("hq: shutting down / 总部停止接收", "applied", s.Applied, "duplicates", s.Duplicates, "rejected", s.Rejected)
	return nil
}

// openHQStore opens head office's store, waiting for PostgreSQL while it
// is not up yet (head office and its database started together), until
// ctx ends.
func openHQStore(ctx context.Context, dsn string, log *slog.Logger) (*hqstore.DB, error) {
	backoff := 250 * time.Millisecond
	for {
		db, err := hqstore.Open(ctx, dsn)
		if err == nil {
			return db, nil
		}
		if ctx.Err() != nil {
			return nil, fmt.Errorf("hq: %w", errors.Join(err, ctx.Err()))
		}
		log.Warn("hq: cannot open the PostgreSQL store, retrying / 无法连接总部数据库，重试中", "err", err)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, fmt.Errorf("hq: %w", err)
		case <-t.C:
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}
