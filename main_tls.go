package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"time"

	"shouhou/appliance/store"
	"shouhou/ui"
	"shouhou/ui/tlsca"
)

// openTLS opens the box's CA (made on first boot, kept in the store) for
// the HTTPS listener. The certificate covers the box's own names and
// addresses and devices.toml's [https] ones, read again as they change.
func (m *Main) openTLS() error {
	if m.ListenTLS == "" {
		return nil
	}
	a, err := tlsca.Open(tlsca.Options{Store: m.db, Hosts: m.tlsHosts, ConfDir: m.ConfDir, Now: m.Now, Logger: m.Logger})
	if err != nil {
		return err
	}
	m.tls = a
	return nil
}

// tlsHosts are the names and addresses the server certificate must cover now.
func (m *Main) tlsHosts() tlsca.Hosts {
	h := tlsca.LocalHosts()
	cfg := m.Config().Devices.HTTPS
	h.Names = append(h.Names, cfg.Names...)
	for _, a := range cfg.Addresses {
		h.IPs = append(h.IPs, net.ParseIP(a))
	}
	return h
}

// listen opens the plain listener (loopback clients: the kiosk on the box;
// everyone else is redirected) and the HTTPS one, and serves both.
func (m *Main) listen() error {
	var err error
	if m.ln, err = net.Listen("tcp", m.Listen); err != nil {
		return fmt.Errorf("listen %s: %w", m.Listen, err)
	}
	plain := http.Handler(m.ui)
	if m.tls != nil {
		if m.tlsLn, err = net.Listen("tcp", m.ListenTLS); err != nil {
			m.ln.Close()
			return fmt.Errorf("listen %s: %w", m.ListenTLS, err)
		}
		plain = loopbackOrRedirect(m.ui, tlsPort(m.tlsLn))
	} else {
		m.Logger.Warn("no HTTPS listener (-listen-tls \"\"): PINs and cookies cross the LAN in the clear")
	}
	m.http = &http.Server{Handler: plain, ReadHeaderTimeout: 10 * time.Second, ErrorLog: slog.NewLogLogger(m.Logger.Handler(), slog.LevelInfo)}
	m.bgDone = make(chan struct{}, 2)
	go m.serveOn(m.http, m.ln, false)
	if m.tls != nil {
		m.https = &http.Server{Handler: ui.HSTS(m.ui), ReadHeaderTimeout: 10 * time.Second, TLSConfig: m.tls.TLSConfig(),
			ErrorLog: slog.NewLogLogger(m.Logger.Handler(), slog.LevelInfo)}
		go m.serveOn(m.https, m.tlsLn, true)
	}
	return nil
}

// serveOn serves srv on ln until it is shut down.
func (m *Main) serveOn(srv *http.Server, ln net.Listener, useTLS bool) {
	defer func() { m.bgDone <- struct{}{} }()
	var err error
	if useTLS {
		err = srv.ServeTLS(ln, "", "")
	} else {
		err = srv.Serve(ln)
	}
	if !errors.Is(err, http.ErrServerClosed) {
		m.Logger.Error("http server", "tls", useTLS, "err", err)
	}
}

// tlsPort is the port the HTTPS listener took.
func tlsPort(ln net.Listener) string {
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}

// loopbackOrRedirect serves h to clients on the box itself and sends every
// other client to the same URL over HTTPS on port (308: the method and
// body stay), so nothing but a redirect crosses the LAN in the clear.
func loopbackOrRedirect(h http.Handler, port string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); err == nil && ip != nil && ip.IsLoopback() {
			h.ServeHTTP(w, r)
			return
		}
		name := r.Host
		if hn, _, err := net.SplitHostPort(r.Host); err == nil {
			name = hn
		}
		if name == "" {
			name = "localhost"
		}
		u := url.URL{Scheme: "https", Host: net.JoinHostPort(name, port), Path: r.URL.Path, RawQuery: r.URL.RawQuery}
		http.Redirect(w, r, u.String(), http.StatusPermanentRedirect)
	})
}

// AddrTLS returns the address the HTTPS server listens on ("" without one).
func (m *Main) AddrTLS() string {
	if m.tlsLn == nil {
		return ""
	}
	return m.tlsLn.Addr().String()
}

// shutdownHTTP stops both listeners, letting in-flight requests finish.
func (m *Main) shutdownHTTP(timeout time.Duration) error {
	var errs []error
	for _, srv := range []*http.Server{m.http, m.https} {
		if srv == nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		errs = append(errs, srv.Shutdown(ctx))
		cancel()
		<-m.bgDone
	}
	m.http, m.https = nil, nil
	return errors.Join(errs...)
}

var (
	_ tlsca.Store      = (*store.DB)(nil)
	_ ui.CertAuthority = (*tlsca.Authority)(nil)
)
