package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/chain"
	"shouhou/appliance/reports"
	"shouhou/drivers/chaintest"
	"shouhou/drivers/hqstore"
)

// freeAddr is a loopback address no one listens on (now).
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// hqEvents are a branch's records with hostile text: a card whose
// balance is not its ledger's, numbered as markup, and a closing whose
// closer is markup.
func hqEvents(t *testing.T) []chain.Event {
	t.Helper()
	at := time.Date(2026, 11, 5, 10, 0, 0, 0, time.UTC)
	e := &appliance.LedgerEntry{Card: "<script>x</script>", Seq: 1, Kind: appliance.LedgerTopup, AmountFen: 300, BalanceFen: 300, Time: at}
	e.Hash = e.ComputeHash()
	entry, _ := json.Marshal(e)
	card, _ := json.Marshal(&appliance.Card{Number: "<script>x</script>", Status: appliance.CardActive, BalanceFen: 500,
		LedgerCount: 1, LedgerHead: e.Hash})
	closing, _ := json.Marshal(&reports.Closing{Day: "2026-11-05", Opened: 3, Frozen: true, ClosedBy: `<img src=x onerror=alert(1)>`})
	return []chain.Event{
		{Branch: "SH01", Seq: 1, Time: at, Kind: chain.KindCard, ID: "<script>x</script>", Data: card},
		{Branch: "SH01", Seq: 2, Time: at, Kind: chain.KindLedger, ID: "<script>x</script>#1", Data: entry},
		{Branch: "SH01", Seq: 3, Time: at, Kind: chain.KindClosing, ID: "20261105", Data: closing},
	}
}

// TestHQServesReports runs `shouhou hq -listen` as a process of its own
// against a real nats-server and PostgreSQL and reads its reports as a
// browser would: the login first, then the pages with the branch's
// hostile text escaped, and a CSV.
func TestHQServesReports(t *testing.T) {
	n := chaintest.StartNATS(t, chaintest.NATSOptions{})
	pg := chaintest.StartPostgres(t)
	tokenFile := t.TempDir() + "/hq.token"
	const token = "head-office-令牌-0123"
	if err := os.WriteFile(tokenFile, []byte(token+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	hq, err := hqstore.Open(context.Background(), pg.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	defer hq.Close()
	for _, ev := range hqEvents(t) {
		if _, err := hq.Apply(context.Background(), ev); err != nil {
			t.Fatal(err)
		}
	}
	addr := freeAddr(t)
	base := "http://" + addr
	var out bytes.Buffer
	cmd := exec.Command(os.Args[0], "-test.run=^TestHQChild$", "-test.v")
	cmd.Env = append(os.Environ(), hqChildEnv+"="+strings.Join([]string{"-nats", n.URL(), "-pg", pg.DSN(""),
		"-listen", addr, "-token-file", tokenFile}, "\t"))
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-exited
		}
	})
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	deadline := time.Now().Add(60 * time.Second)
	for {
		res, err := c.Get(base + "/login")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("hq serves no login page after 60 s (%v)", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	fetch := func(method, path, form, cookie string) (*http.Response, string) {
		t.Helper()
		req, err := http.NewRequest(method, base+path, strings.NewReader(form))
		if err != nil {
			t.Fatal(err)
		}
		if method == "POST" {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("Origin", base)
		}
		if cookie != "" {
			req.Header.Set("Cookie", cookie)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	if res, _ := fetch("GET", "/r/reconcile", "", ""); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login" {
		t.Errorf("GET /r/reconcile without a session = %d to %q, want 303 to /login", res.StatusCode, res.Header.Get("Location"))
	}
	if res, _ := fetch("GET", "/csv/reconcile/hq-reconcile", "", ""); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("GET a CSV without a session = %d, want 401", res.StatusCode)
	}
	if res, _ := fetch("POST", "/login", url.Values{"token": {"head-office"}}.Encode(), ""); res.StatusCode != http.StatusUnauthorized || len(res.Cookies()) != 0 {
		t.Errorf("login with a wrong token = %d with cookies %v, want 401 and none", res.StatusCode, res.Cookies())
	}
	res, _ := fetch("POST", "/login", url.Values{"token": {token}}.Encode(), "")
	if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) != 1 {
		t.Fatalf("login with the token = %d with cookies %v, want 303 and a session", res.StatusCode, res.Cookies())
	}
	session := res.Cookies()[0].Name + "=" + res.Cookies()[0].Value
	for _, tc := range []struct {
		path, want, escaped, raw string
	}{
		{"/r/reconcile", "不平 mismatch", "&lt;script&gt;x&lt;/script&gt;", "<script>x"},
		{"/r/cards", "5.00", "卡 &lt;script&gt;x&lt;/script&gt; 余额 500", "<script>x"},
		{"/r/closings?month=2026-11", "2026-11-05", "&lt;img src=x onerror=alert(1)&gt;", "<img src=x"},
		{"/r/branches", "SH01", "SH01", "<script"},
		{"/r/kpi?month=2026-11", "合计 total", "SH01", "<script"},
	} {
		res, body := fetch("GET", tc.path, "", session)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, tc.want) || !strings.Contains(body, tc.escaped) || strings.Contains(body, tc.raw) {
			t.Errorf("GET %s = %d, want 200 with %q and %q escaped, never %q raw:\n%s", tc.path, res.StatusCode, tc.want, tc.escaped, tc.raw, body)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("GET %s has CSP %q", tc.path, csp)
		}
	}
	res, body := fetch("GET", "/csv/reconcile/hq-reconcile-mismatches", "", session)
	if want := reports.BOM + "门店 branch,卡号 card,卡余额 balance,流水合计 ledger sum,卡记笔数 card's count,总部笔数 entries held,状态 status,说明 problems\n" +
		"SH01,<script>x</script>,5.00,3.00,1,1,不平 mismatch,card <script>x</script>: balance 500 but its ledger sums to 300\n"; res.StatusCode != http.StatusOK || body != want {
		t.Errorf("GET the mismatches' CSV = %d %q, want %q", res.StatusCode, body, want)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("hq after SIGTERM: %v\n%s", err, out.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("hq did not stop within 15 s of SIGTERM:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "serving reports") {
		t.Errorf("hq's log does not say it served reports:\n%s", out.String())
	}
}

// TestHQWebFlags: -listen needs a token file holding a token.
func TestHQWebFlags(t *testing.T) {
	short := t.TempDir() + "/short"
	if err := os.WriteFile(short, []byte("abc\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no token file", []string{"hq", "-pg", "postgres://x", "-listen", "127.0.0.1:0"}, 2, "-token-file"},
		{"a short token", []string{"hq", "-pg", "postgres://x", "-listen", "127.0.0.1:0", "-token-file", short}, 1, "12"},
		{"a missing token file", []string{"hq", "-pg", "postgres://x", "-listen", "127.0.0.1:0", "-token-file", short + "x"}, 1, "-token-file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out bytes.Buffer
			if code := run(context.Background(), tc.args, &out, &out); code != tc.code || !strings.Contains(out.String(), tc.want) {
				t.Errorf("%v = %d %q, want %d mentioning %q", tc.args, code, out.String(), tc.code, tc.want)
			}
		})
	}
}
