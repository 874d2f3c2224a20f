package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"shouhou/appliance/store"
	"shouhou/drivers/reader/vpcdtest"
	"shouhou/ui/tlsca"
)

// httpsConf writes a config dir whose devices.toml names the box
// desk.store.lan and 192.0.2.10 for its certificate.
func httpsConf(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(tb.TempDir(), "conf")
	if code, out := runCmd("config", "init", dir); code != 0 {
		tb.Fatalf("config init = %d %q", code, out)
	}
	p := filepath.Join(dir, "devices.toml")
	b, err := os.ReadFile(p)
	if err != nil {
		tb.Fatal(err)
	}
	s := strings.Replace(string(b), "names = []\naddresses = []", `names = ["desk.store.lan"]`+"\n"+`addresses = ["192.0.2.10"]`, 1)
	if s == string(b) {
		tb.Fatal("devices.toml has no empty [https] lists to fill")
	}
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// runTLSMain runs the appliance with the demo data on loopback, plain and HTTPS.
func runTLSMain(tb testing.TB, confDir, dataDir, listen string) *Main {
	tb.Helper()
	m := runMainAt(tb, confDir, dataDir, listen)
	tb.Cleanup(func() { m.Close() })
	return m
}

// exportCA runs `ca export -data DIR -o FILE` and returns the certificate
// and the fingerprint the command printed.
func exportCA(tb testing.TB, data, wantHow string) (*x509.Certificate, []byte) {
	tb.Helper()
	out := filepath.Join(tb.TempDir(), "ca.pem")
	code, said := runCmd("ca", "export", "-data", data, "-o", out)
	if code != 0 || !strings.Contains(said, wantHow) {
		tb.Fatalf("ca export = %d %q, want %q", code, said, wantHow)
	}
	pemBytes, err := os.ReadFile(out)
	if err != nil {
		tb.Fatal(err)
	}
	cert, err := tlsca.FirstCertificate(pemBytes)
	if err != nil {
		tb.Fatal(err)
	}
	if fp := tlsca.Fingerprint(cert.Raw); !strings.Contains(said, "SHA-256 fingerprint: "+fp) {
		tb.Errorf("ca export said %q, want the fingerprint %s", said, fp)
	}
	return cert, pemBytes
}

// trusting is an HTTPS client that trusts only caPEM and names serverName,
// dialing addr whatever the URL's host.
func trusting(caPEM []byte, serverName, addr string) *http.Client {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	return &http.Client{Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: serverName},
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestHTTPSFromTheBoxCA(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	m := runTLSMain(t, httpsConf(t), data, "127.0.0.1:0")
	ca, caPEM := exportCA(t, data, "online")
	if !ca.IsCA {
		t.Fatalf("ca export gave a certificate that is not a CA: %v", ca.Subject)
	}
	_, port, _ := net.SplitHostPort(m.AddrTLS())

	resp, err := trusting(caPEM, "desk.store.lan", m.AddrTLS()).Get("https://desk.store.lan:" + port + "/healthz")
	if err != nil {
		t.Fatalf("GET /healthz over HTTPS trusting only the box's CA: %v", err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Strict-Transport-Security"), "max-age=") {
		t.Errorf("GET /healthz = %d, HSTS %q; want 200 and HSTS", resp.StatusCode, resp.Header.Get("Strict-Transport-Security"))
	}
	leaf := resp.TLS.PeerCertificates[0]
	for _, want := range []string{"desk.store.lan", "192.0.2.10", "localhost", "127.0.0.1"} {
		if err := leaf.VerifyHostname(want); err != nil {
			t.Errorf("server certificate SANs %v %v: %v", leaf.DNSNames, leaf.IPAddresses, err)
		}
	}
	if host, _ := os.Hostname(); host != "" {
		if err := leaf.VerifyHostname(host); err != nil {
			t.Errorf("the box's host name: %v", err)
		}
	}
	if _, err := http.Get("https://" + m.AddrTLS() + "/healthz"); err == nil {
		t.Errorf("a client trusting only the system's CAs accepted the box's certificate")
	}

	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	evil := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "desk.store.lan"},
		NetDial: func(network, _ string) (net.Conn, error) { return net.Dial(network, m.AddrTLS()) }}
	if ws, resp, err := evil.Dial("wss://desk.store.lan:"+port+"/ws", http.Header{"Origin": {"https://evil.example"}}); err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
		if ws != nil {
			ws.Close()
		}
		t.Errorf("wss with another site's Origin = %v %v, want 403", resp, err)
	}
	c := wsOverTLS(t, caPEM, "desk.store.lan:"+port, m.AddrTLS(), "https://desk.store.lan:"+port)
	ck := postSession(t, trusting(caPEM, "desk.store.lan", m.AddrTLS()), "https://desk.store.lan:"+port, c.login("admin", "4444").Nonce)
	if !ck.Secure || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
		t.Errorf("session cookie over HTTPS: Secure %v HttpOnly %v SameSite %v; want all three (Strict)", ck.Secure, ck.HttpOnly, ck.SameSite)
	}

	bak := filepath.Join(tmp, "online.bak")
	if code, out := runCmd("backup", "-data", data, "-o", bak); code != 0 {
		t.Fatalf("backup = %d %q", code, out)
	}
	if err := m.Close(); err != nil {
		t.Fatal(err)
	}
	if off, _ := exportCA(t, data, "offline"); !off.Equal(ca) {
		t.Errorf("offline ca export gave another CA")
	}
	restored := filepath.Join(tmp, "restored")
	if code, out := runCmd("restore", "-i", bak, "-data", restored); code != 0 {
		t.Fatalf("restore = %d %q", code, out)
	}
	if back, _ := exportCA(t, restored, "offline"); !back.Equal(ca) {
		t.Errorf("the restored box has another CA: staff PCs would have to trust it again")
	}
}

// tlsWS is a websocket over TLS to the appliance.
type tlsWS struct {
	t  *testing.T
	ws *websocket.Conn
}

// wsOverTLS dials wss://host/ws at addr trusting only caPEM, with origin.
func wsOverTLS(t *testing.T, caPEM []byte, host, addr, origin string) *tlsWS {
	t.Helper()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(caPEM)
	name, _, _ := net.SplitHostPort(host)
	d := websocket.Dialer{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: name},
		NetDial: func(network, _ string) (net.Conn, error) { return net.Dial(network, addr) }}
	ws, resp, err := d.Dial("wss://"+host+"/ws", http.Header{"Origin": {origin}})
	if err != nil {
		t.Fatalf("wss dial with Origin %s: %v (%v)", origin, err, resp)
	}
	t.Cleanup(func() { ws.Close() })
	return &tlsWS{t: t, ws: ws}
}

// loginReply is what a login answers.
type loginReply struct {
	Nonce string `json:"nonce"`
	Key   string `json:"key"`
}

// login logs staff in with pin.
func (c *tlsWS) login(staff, pin string) loginReply {
	c.t.Helper()
	if err := c.ws.WriteJSON(map[string]any{"id": "1", "op": "login", "args": map[string]string{"staff": staff, "pin": pin}}); err != nil {
		c.t.Fatal(err)
	}
	for {
		var f struct {
			ID     string
			OK     bool
			Result loginReply
		}
		c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		if err := c.ws.ReadJSON(&f); err != nil {
			c.t.Fatalf("login: %v", err)
		}
		if f.ID == "1" {
			if !f.OK {
				c.t.Fatalf("login %s refused", staff)
			}
			return f.Result
		}
	}
}

// postSession trades a nonce for the session cookie at base.
func postSession(t *testing.T, client *http.Client, base, nonce string) *http.Cookie {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/session", strings.NewReader(`{"nonce":"`+nonce+`"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Origin", base)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("POST /session: %v", err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == "shouhou_session" {
			return ck
		}
	}
	t.Fatalf("POST /session = %d, no cookie", resp.StatusCode)
	return nil
}

// addLoopbackAddr gives the test's private network namespace another
// address on lo, one that is not a loopback address: a "LAN" client.
func addLoopbackAddr(t *testing.T, cidr string) {
	t.Helper()
	if !vpcdtest.Isolated() {
		t.Skip("needs the private network namespace of vpcdtest.Main (root, unshare, ip)")
	}
	if out, err := exec.Command("ip", "addr", "add", cidr, "dev", "lo").CombinedOutput(); err != nil && !strings.Contains(string(out), "File exists") {
		t.Fatalf("ip addr add %s dev lo: %v: %s", cidr, err, out)
	}
}

func TestPlainHTTPRedirectsTheLAN(t *testing.T) {
	addLoopbackAddr(t, "192.0.2.1/32")
	m := runTLSMain(t, "", filepath.Join(t.TempDir(), "data"), ":0")
	_, port, _ := net.SplitHostPort(m.Addr())
	_, tlsPort, _ := net.SplitHostPort(m.AddrTLS())
	from := func(src string) *http.Client {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(src)}}
		return &http.Client{Transport: &http.Transport{DialContext: d.DialContext},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	tests := []struct {
		name, src, method, url string
		code                   int
		location               string
	}{
		{"the kiosk on the box", "127.0.0.1", "GET", "http://127.0.0.1:" + port + "/kiosk?desk=desk1", 200, ""},
		{"a LAN browser", "192.0.2.1", "GET", "http://192.0.2.1:" + port + "/staff?x=1", 308, "https://192.0.2.1:" + tlsPort + "/staff?x=1"},
		{"a LAN browser by name", "192.0.2.1", "GET", "http://192.0.2.1:" + port + "/", 308, "https://192.0.2.1:" + tlsPort + "/"},
		{"a LAN login post", "192.0.2.1", "POST", "http://192.0.2.1:" + port + "/session", 308, "https://192.0.2.1:" + tlsPort + "/session"},
		{"a LAN websocket", "192.0.2.1", "GET", "http://192.0.2.1:" + port + "/ws", 308, "https://192.0.2.1:" + tlsPort + "/ws"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, tc.url, strings.NewReader(`{"nonce":"x"}`))
			resp, err := from(tc.src).Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.code || resp.Header.Get("Location") != tc.location {
				t.Errorf("%s %s from %s = %d Location %q, want %d %q", tc.method, tc.url, tc.src, resp.StatusCode, resp.Header.Get("Location"), tc.code, tc.location)
			}
			if tc.code == 308 && bytes.Contains(body, []byte("售后")) {
				t.Errorf("the redirect carried the page: %q", body)
			}
		})
	}
}

// recorder is a TCP proxy that keeps every byte both ways, what the
// clients sent apart (websocket frames from a client are masked: unmask
// reads them as a sniffer would).
type recorder struct {
	ln   net.Listener
	mu   sync.Mutex // guards buf and sent
	buf  bytes.Buffer
	sent []*bytes.Buffer // per connection, client to server
}

// record proxies a fresh loopback port to target.
func record(t *testing.T, target string) *recorder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &recorder{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go r.pipe(c, target)
		}
	}()
	return r
}

func (r *recorder) pipe(c net.Conn, target string) {
	defer c.Close()
	up, err := net.Dial("tcp", target)
	if err != nil {
		return
	}
	defer up.Close()
	sent := &bytes.Buffer{}
	r.mu.Lock()
	r.sent = append(r.sent, sent)
	r.mu.Unlock()
	done := make(chan struct{}, 2)
	cp := func(dst, src net.Conn, also io.Writer) {
		io.Copy(io.MultiWriter(dst, r, also), src)
		done <- struct{}{}
	}
	go cp(up, c, lockedWriter{&r.mu, sent})
	go cp(c, up, io.Discard)
	<-done
}

// lockedWriter writes to w under mu.
type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// unmasked returns what the clients sent with every websocket frame
// after an HTTP upgrade unmasked, as a sniffer on a plain LAN reads it.
func (r *recorder) unmasked() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []byte
	for _, s := range r.sent {
		b := s.Bytes()
		head, frames, ok := bytes.Cut(b, []byte("\r\n\r\n"))
		out = append(out, head...)
		if !ok || !bytes.Contains(head, []byte("Upgrade: websocket")) {
			out = append(out, frames...)
			continue
		}
		out = append(out, unmaskFrames(frames)...)
	}
	return out
}

// unmaskFrames decodes client websocket frames (RFC 6455 5.2) into their payloads.
func unmaskFrames(b []byte) []byte {
	var out []byte
	for len(b) >= 6 {
		n, off := int(b[1]&0x7f), 2
		switch n {
		case 126:
			n, off = int(b[2])<<8|int(b[3]), 4
		case 127:
			return out // no test frame is that long
		}
		if b[1]&0x80 == 0 || len(b) < off+4+n {
			return out
		}
		mask, payload := b[off:off+4], b[off+4:off+4+n]
		for i := range payload {
			out = append(out, payload[i]^mask[i%4])
		}
		b = b[off+4+n:]
	}
	return out
}

func (r *recorder) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.buf.Write(p)
}

func (r *recorder) bytes() []byte {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]byte(nil), r.buf.Bytes()...)
}

// TestSniffedLoginShowsNothing logs in with a PIN through a recording
// proxy in front of the HTTPS listener: the bytes on the wire hold neither
// the PIN nor the cookie nor the device key. The same login through the
// plain listener shows all three (the recorder sees what it should).
func TestSniffedLoginShowsNothing(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	m := runTLSMain(t, "", data, "127.0.0.1:0")
	_, caPEM := exportCA(t, data, "online")

	tlsRec := record(t, m.AddrTLS())
	_, port, _ := net.SplitHostPort(tlsRec.ln.Addr().String())
	base := "https://localhost:" + port
	ws := wsOverTLS(t, caPEM, "localhost:"+port, tlsRec.ln.Addr().String(), base)
	lr := ws.login("admin", "4444")
	ck := postSession(t, trusting(caPEM, "localhost", tlsRec.ln.Addr().String()), base, lr.Nonce)

	plainRec := record(t, m.Addr())
	plainWS, _, err := websocket.DefaultDialer.Dial("ws://"+plainRec.ln.Addr().String()+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer plainWS.Close()
	plain := &tlsWS{t: t, ws: plainWS}
	plr := plain.login("admin", "4444")
	pck := postSession(t, &http.Client{}, "http://"+plainRec.ln.Addr().String(), plr.Nonce)

	time.Sleep(100 * time.Millisecond) // the proxies' last copies
	seen := tlsRec.bytes()
	if len(seen) < 1000 {
		t.Fatalf("recorded %d bytes over TLS, want the whole exchange", len(seen))
	}
	seen = append(seen, tlsRec.unmasked()...)
	for what, secret := range map[string]string{"PIN": `"pin":"4444"`, "PIN digits": "4444", "cookie": ck.Value, "device key": lr.Key,
		"nonce": lr.Nonce, "the upgrade": "Upgrade: websocket", "the cookie's name": "shouhou_session"} {
		if bytes.Contains(seen, []byte(secret)) {
			t.Errorf("the %s crossed the wire in the clear over HTTPS", what)
		}
	}
	clear := append(plainRec.bytes(), plainRec.unmasked()...)
	for what, secret := range map[string]string{"PIN": `"pin":"4444"`, "cookie": pck.Value, "device key": plr.Key} {
		if !bytes.Contains(clear, []byte(secret)) {
			t.Errorf("the recorder missed the %s on the plain listener: it would miss it over TLS too", what)
		}
	}
	if !regexp.MustCompile(`^\x16\x03[\x01-\x03]`).Match(seen) {
		t.Errorf("the HTTPS exchange does not start with a TLS handshake: % x", seen[:8])
	}
}

func TestCAExportCommand(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	runTLSMain(t, "", data, "127.0.0.1:0")
	code, out := runCmd("ca", "export", "-data", data)
	if code != 0 || !strings.HasPrefix(out, "-----BEGIN CERTIFICATE-----\n") || !strings.Contains(out, "SHA-256 fingerprint: ") {
		t.Errorf("ca export to standard output = %d %q, want the PEM then the fingerprint", code, out)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	db, err := store.Open(empty, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"no subcommand", []string{"ca"}, 2, "usage: shouhou ca export"},
		{"unknown subcommand", []string{"ca", "import"}, 2, "usage: shouhou ca export"},
		{"missing data dir", []string{"ca", "export", "-data", filepath.Join(t.TempDir(), "none")}, 1, "data directory"},
		{"a store that never served", []string{"ca", "export", "-data", empty}, 1, "no CA yet"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out := runCmd(tc.args...)
			if code != tc.wantCode || !strings.Contains(out, tc.wantOut) {
				t.Errorf("%v = %d %q, want %d and %q", tc.args, code, out, tc.wantCode, tc.wantOut)
			}
		})
	}
}

// writeStoreCert writes a server certificate for desk.store.lan from a CA
// of the store's own (another tlsca authority, on a store of its own) into
// confDir as tls-cert.pem and tls-key.pem, and returns that CA's PEM.
func writeStoreCert(t *testing.T, confDir string) []byte {
	t.Helper()
	db, err := store.Open(t.TempDir(), store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a, err := tlsca.Open(tlsca.Options{Store: db, Hosts: func() tlsca.Hosts { return tlsca.Hosts{Names: []string{"desk.store.lan"}} }})
	if err != nil {
		t.Fatal(err)
	}
	c, err := a.Certificate()
	if err != nil {
		t.Fatal(err)
	}
	key, err := x509.MarshalPKCS8PrivateKey(c.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	var chain bytes.Buffer
	pem.Encode(&chain, &pem.Block{Type: "CERTIFICATE", Bytes: c.Certificate[0]})
	// The key first, then the certificate: a reader never sees a new
	// certificate with the old key.
	if err := os.WriteFile(filepath.Join(confDir, tlsca.StoreKeyFile), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(confDir, tlsca.StoreCertFile), chain.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return a.CAPEM()
}

func TestStoreCertificateReplacesTheBoxOnes(t *testing.T) {
	confDir := httpsConf(t)
	data := filepath.Join(t.TempDir(), "data")
	m := runTLSMain(t, confDir, data, "127.0.0.1:0")
	_, boxCA := exportCA(t, data, "online")
	_, port, _ := net.SplitHostPort(m.AddrTLS())
	url := "https://desk.store.lan:" + port + "/healthz"
	get := func(ca []byte) error {
		resp, err := trusting(ca, "desk.store.lan", m.AddrTLS()).Get(url)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	if err := get(boxCA); err != nil {
		t.Fatalf("before the store's certificate, trusting the box's CA: %v", err)
	}
	storeCA := writeStoreCert(t, confDir)
	if err := get(storeCA); err != nil {
		t.Errorf("after dropping the store's certificate, trusting the store's CA: %v", err)
	}
	if err := get(boxCA); err == nil {
		t.Errorf("after dropping the store's certificate the box's own is still served")
	}
	os.Remove(filepath.Join(confDir, tlsca.StoreCertFile))
	os.Remove(filepath.Join(confDir, tlsca.StoreKeyFile))
	if err := get(boxCA); err != nil {
		t.Errorf("after removing the store's certificate, trusting the box's CA: %v", err)
	}
}
