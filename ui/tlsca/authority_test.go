package tlsca

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"shouhou/appliance/store"
)

// clock is a test clock a test moves by hand.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

var testHosts = Hosts{Names: []string{"desk.store.lan", "shouhou", "localhost"},
	IPs: []net.IP{net.ParseIP("192.0.2.10"), net.ParseIP("127.0.0.1")}}

// mustStore opens a real store in dir, closed at the end of the test.
func mustStore(tb testing.TB, dir string) *store.DB {
	tb.Helper()
	db, err := store.Open(dir, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatalf("store.Open: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func mustOpen(tb testing.TB, o Options) *Authority {
	tb.Helper()
	if o.Hosts == nil {
		o.Hosts = func() Hosts { return testHosts }
	}
	a, err := Open(o)
	if err != nil {
		tb.Fatalf("Open: %v", err)
	}
	return a
}

// serveTLS serves a on a loopback listener and returns its address.
func serveTLS(tb testing.TB, a *Authority) string {
	tb.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", a.TLSConfig())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { c.(*tls.Conn).Handshake(); c.Close() }()
		}
	}()
	return ln.Addr().String()
}

// handshake dials addr trusting only caPEM, naming serverName, checking
// validity at now (nil: the real time).
func handshake(addr, serverName string, caPEM []byte, now func() time.Time) (*x509.Certificate, error) {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	c, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: pool, ServerName: serverName, Time: now})
	if err != nil {
		return nil, err
	}
	defer c.Close()
	return c.ConnectionState().PeerCertificates[0], nil
}

func TestFirstBootCertificateVerifies(t *testing.T) {
	a := mustOpen(t, Options{Store: mustStore(t, t.TempDir())})
	leaf, err := a.Certificate()
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range testHosts.Names {
		if err := leaf.Leaf.VerifyHostname(n); err != nil {
			t.Errorf("SAN: %v", err)
		}
	}
	for _, ip := range testHosts.IPs {
		if err := leaf.Leaf.VerifyHostname(ip.String()); err != nil {
			t.Errorf("SAN: %v", err)
		}
	}
	if !a.CA().IsCA || a.CA().MaxPathLen != 0 || !a.CA().MaxPathLenZero {
		t.Errorf("CA constraints: IsCA %v, MaxPathLen %d", a.CA().IsCA, a.CA().MaxPathLen)
	}
	addr := serveTLS(t, a)
	tests := []struct {
		name, server string
		ca           []byte
		ok           bool
	}{
		{"configured name", "desk.store.lan", a.CAPEM(), true},
		{"configured address", "192.0.2.10", a.CAPEM(), true},
		{"loopback", "127.0.0.1", a.CAPEM(), true},
		{"a name not on the certificate", "evil.example", a.CAPEM(), false},
		{"another box's CA", "desk.store.lan", mustOpen(t, Options{Store: mustStore(t, t.TempDir())}).CAPEM(), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := handshake(addr, tc.server, tc.ca, nil)
			if (err == nil) != tc.ok {
				t.Errorf("handshake as %s: err %v, want ok %v", tc.server, err, tc.ok)
			}
		})
	}
}

func TestKeptInTheStoreAndRestored(t *testing.T) {
	dir := t.TempDir()
	db := mustStore(t, dir)
	a := mustOpen(t, Options{Store: db})
	first, _ := a.Certificate()
	if b := mustOpen(t, Options{Store: db}); b.CAFingerprint() != a.CAFingerprint() {
		t.Errorf("reopened CA %s, want the stored %s", b.CAFingerprint(), a.CAFingerprint())
	} else if again, _ := b.Certificate(); again.Leaf.SerialNumber.Cmp(first.Leaf.SerialNumber) != 0 {
		t.Errorf("reopened server certificate %v, want the stored %v", again.Leaf.SerialNumber, first.Leaf.SerialNumber)
	}
	var backup bytes.Buffer
	if err := db.Backup(&backup); err != nil {
		t.Fatal(err)
	}
	restored := filepath.Join(t.TempDir(), "restored")
	if err := store.Restore(&backup, restored, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
		t.Fatal(err)
	}
	r := mustOpen(t, Options{Store: mustStore(t, restored)})
	if r.CAFingerprint() != a.CAFingerprint() {
		t.Errorf("restored CA %s, want %s (staff PCs trust that one)", r.CAFingerprint(), a.CAFingerprint())
	}
}

func TestRenewsBeforeExpiry(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	db := mustStore(t, t.TempDir())
	a := mustOpen(t, Options{Store: db, Now: clk.Now, LeafLife: 90 * 24 * time.Hour})
	first, _ := a.Certificate()
	clk.add(55 * 24 * time.Hour) // 35 of 90 days left: more than a third
	if c, _ := a.Certificate(); c.Leaf.SerialNumber.Cmp(first.Leaf.SerialNumber) != 0 {
		t.Fatalf("renewed at day 55 of 90, want the first certificate until a third is left")
	}
	clk.add(6 * 24 * time.Hour) // 29 days left
	renewed, err := a.Certificate()
	if err != nil {
		t.Fatal(err)
	}
	if renewed.Leaf.SerialNumber.Cmp(first.Leaf.SerialNumber) == 0 || !renewed.Leaf.NotAfter.After(first.Leaf.NotAfter) {
		t.Fatalf("at day 61 of 90: not after %v, want a new certificate past %v", renewed.Leaf.NotAfter, first.Leaf.NotAfter)
	}
	served, err := handshake(serveTLS(t, a), "desk.store.lan", a.CAPEM(), clk.Now)
	if err != nil {
		t.Fatalf("handshake at day 61 trusting the CA: %v", err)
	}
	if served.SerialNumber.Cmp(renewed.Leaf.SerialNumber) != 0 {
		t.Errorf("served %v at day 61, want the renewed %v", served.SerialNumber, renewed.Leaf.SerialNumber)
	}
	if b := mustOpen(t, Options{Store: db, Now: clk.Now}); mustCert(t, b).Leaf.SerialNumber.Cmp(renewed.Leaf.SerialNumber) != 0 {
		t.Errorf("the renewed certificate was not kept in the store")
	}
	clk.add(100 * 24 * time.Hour) // past the first certificate's end: renewed again, still trusted
	if _, err := handshake(serveTLS(t, a), "desk.store.lan", a.CAPEM(), clk.Now); err != nil {
		t.Errorf("handshake at day 161: %v", err)
	}
}

func TestNewHostGetsNewCertificate(t *testing.T) {
	clk := &clock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	hosts := testHosts
	var mu sync.Mutex
	a := mustOpen(t, Options{Store: mustStore(t, t.TempDir()), Now: clk.Now, Hosts: func() Hosts { mu.Lock(); defer mu.Unlock(); return hosts }})
	mu.Lock()
	hosts = hosts.Join(Hosts{IPs: []net.IP{net.ParseIP("198.51.100.7")}})
	mu.Unlock()
	clk.add(2 * time.Minute)
	if err := mustCert(t, a).Leaf.VerifyHostname("198.51.100.7"); err != nil {
		t.Errorf("after the box got a new address: %v", err)
	}
}

func mustCert(tb testing.TB, a *Authority) *tls.Certificate {
	tb.Helper()
	c, err := a.Certificate()
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

// storeCert writes a certificate for name, signed by a CA of its own, into
// dir as the store's own certificate, and returns its serial.
func storeCert(tb testing.TB, dir, name string, mod time.Time) string {
	tb.Helper()
	caPEM, caKeyPEM, err := newCA("store CA", time.Now(), time.Hour*24)
	if err != nil {
		tb.Fatal(err)
	}
	ca, err := parsePair(caPEM, caKeyPEM)
	if err != nil {
		tb.Fatal(err)
	}
	certPEM, keyPEM, err := newLeaf(ca.Leaf, ca.PrivateKey, Hosts{Names: []string{name}}, time.Now(), time.Hour*24)
	if err != nil {
		tb.Fatal(err)
	}
	for f, b := range map[string][]byte{StoreCertFile: certPEM, StoreKeyFile: keyPEM} {
		p := filepath.Join(dir, f)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			tb.Fatal(err)
		}
		os.Chtimes(p, mod, mod)
	}
	c, _ := FirstCertificate(certPEM)
	return c.SerialNumber.String()
}

func TestStoreCertificateHotReload(t *testing.T) {
	conf := t.TempDir()
	a := mustOpen(t, Options{Store: mustStore(t, t.TempDir()), ConfDir: conf})
	own := mustCert(t, a).Leaf.SerialNumber.String()
	addr := serveTLS(t, a)
	served := func() string {
		t.Helper()
		c, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		return c.ConnectionState().PeerCertificates[0].SerialNumber.String()
	}
	if got := served(); got != own {
		t.Fatalf("with no store certificate: served %s, want the box's own %s", got, own)
	}
	base := time.Now().Add(-time.Hour)
	first := storeCert(t, conf, "service.store.example", base)
	if got := served(); got != first {
		t.Errorf("after dropping the store's certificate: served %s, want %s", got, first)
	}
	second := storeCert(t, conf, "service.store.example", base.Add(time.Minute))
	if got := served(); got != second {
		t.Errorf("after replacing it: served %s, want %s", got, second)
	}
	os.WriteFile(filepath.Join(conf, StoreKeyFile), []byte("not a key"), 0o600)
	if got := served(); got != second {
		t.Errorf("after a broken key file: served %s, want the one before, %s", got, second)
	}
	os.Remove(filepath.Join(conf, StoreCertFile))
	os.Remove(filepath.Join(conf, StoreKeyFile))
	if got := served(); got != own {
		t.Errorf("after removing the files: served %s, want the box's own %s", got, own)
	}
}

func TestFingerprintForm(t *testing.T) {
	fp := Fingerprint([]byte("x"))
	if len(fp) != 32*3-1 || fp[2] != ':' || fp != "2D:71:16:42:B7:26:B0:44:01:62:7C:A9:FB:AC:32:F5:C8:53:0F:B1:90:3C:C4:DB:02:25:87:17:92:1A:48:81" {
		t.Errorf("Fingerprint(x) = %s", fp)
	}
}
