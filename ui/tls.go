package ui

import (
	"net"
	"net/http"
	"strings"
)

// CertAuthority is the box's CA as the screens offer it to staff PCs
// (*tlsca.Authority in main): its certificate in PEM and the SHA-256
// fingerprint people compare before trusting it.
type CertAuthority interface {
	CAPEM() []byte
	CAFingerprint() string
}

// hstsMaxAge is how long a browser that reached the box over HTTPS with a
// trusted certificate keeps to HTTPS for it: half a year.
const hstsMaxAge = "max-age=15552000"

// HSTS wraps the HTTPS listener's handler: every answer tells the browser
// to reach this host over HTTPS only. Not for localhost or a loopback
// address, whose plain listener is the kiosk's.
func HSTS(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !loopbackHost(r.Host) {
			w.Header().Set("Strict-Transport-Security", hstsMaxAge)
		}
		h.ServeHTTP(w, r)
	})
}

// loopbackHost reports whether a Host header names the box itself.
func loopbackHost(host string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// getCA answers GET /ca.crt: the box's CA certificate (PEM), to install
// once on each staff PC; its fingerprint is on the staff and kiosk screens.
func (s *Server) getCA(w http.ResponseWriter, r *http.Request) {
	if s.opts.CA == nil {
		http.Error(w, "本机未启用 HTTPS / this box serves no HTTPS", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/x-x509-ca-cert")
	w.Header().Set("Content-Disposition", `attachment; filename="shouhou-ca.crt"`)
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(s.opts.CA.CAPEM())
}

// caFingerprint is the CA's fingerprint for the screens ("" without HTTPS).
func (s *Server) caFingerprint() string {
	if s.opts.CA == nil {
		return ""
	}
	return s.opts.CA.CAFingerprint()
}
