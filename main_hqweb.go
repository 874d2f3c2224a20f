package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"shouhou/appliance/reports"
	"shouhou/conf"
	"shouhou/drivers/hqreports"
	"shouhou/drivers/hqstore"
	"shouhou/ui"
	"shouhou/ui/hqweb"
)

// hqWeb is head office's reports server as the flags set it up, before
// the store is open.
type hqWeb struct {
	listen string
	token  string
	opts   reports.Options
}

// newHQWeb reads the token file and the chain's config.
func newHQWeb(f hqFlags) (*hqWeb, error) {
	b, err := os.ReadFile(f.tokenFile)
	if err != nil {
		return nil, fmt.Errorf("-token-file: %w", err)
	}
	token := strings.TrimSpace(string(b))
	if len(token) < 12 {
		return nil, fmt.Errorf("-token-file %s: 口令至少 12 个字符 / the token must be at least 12 characters", f.tokenFile)
	}
	w := &hqWeb{listen: f.listen, token: token}
	if f.confDir != "" {
		snap, err := conf.Load(f.confDir)
		if err != nil {
			return nil, err
		}
		w.opts = ui.ReportOptions(snap)
	} else {
		loc, err := time.LoadLocation("Asia/Shanghai")
		if err != nil {
			return nil, fmt.Errorf("hq: time zone: %w", err)
		}
		w.opts = reports.Options{Location: loc}
	}
	return w, nil
}

// start listens and serves the reports over db until the returned stop
// is called (or ctx ends).
func (w *hqWeb) start(ctx context.Context, db *hqstore.DB, log *slog.Logger) (stop func(), err error) {
	srv, err := hqweb.New(hqreports.New(db, w.opts), hqweb.Options{Token: w.token, Logger: log})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", w.listen)
	if err != nil {
		return nil, fmt.Errorf("hq: -listen: %w", err)
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 5 * time.Minute, IdleTimeout: 2 * time.Minute, ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("hq: reports server / 总部报表服务出错", "err", err)
		}
	}()
	log.Info("hq: serving reports / 总部报表服务已启动", "addr", ln.Addr().String())
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = hs.Shutdown(sctx)
		<-done
	}, nil
}
