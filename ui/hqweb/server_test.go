package hqweb

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/reports"
)

// hostile is text a branch's data may hold: markup, an attribute break and
// a formula.
const hostile = `<script>alert(1)</script>"><img src=x onerror=alert(2)>`

// tableSource is a Source of fixed tables, holding hostile text, that
// checks the month as drivers/hqreports does.
type tableSource struct{}

func (tableSource) Month() string { return "2026-11" }

func (tableSource) Tables(_ context.Context, name, month string) ([]reports.Table, error) {
	if _, err := time.Parse("2006-01", month); err != nil && name == "kpi" {
		return nil, appliance.FieldError("month", "月份应为 YYYY-MM：%q / a month is written YYYY-MM: %q", month, month)
	}
	if _, ok := report(name); !ok {
		return nil, appliance.FieldError("report", "没有报表 %q / no report %q", name, name)
	}
	return []reports.Table{{Name: "hq-" + name, Title: "表 / Table " + month, Columns: []string{"门店 branch", "值 value"},
		Rows: [][]string{{"north", "1"}, {hostile, "=HYPERLINK(\"x\")"}}}}, nil
}

const token = "s3cret-令牌"

// mustServer serves tableSource behind the login on a loopback port.
func mustServer(t *testing.T) *httptest.Server {
	t.Helper()
	s, err := New(tableSource{}, Options{Token: token, Logger: slog.New(slog.DiscardHandler), FailDelay: 50 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(ts.Close)
	return ts
}

// client does not follow redirects, so a test sees them.
func client(t *testing.T) *http.Client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func do(t *testing.T, c *http.Client, req *http.Request) (*http.Response, string) {
	t.Helper()
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res, string(b)
}

func get(t *testing.T, c *http.Client, u string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest("GET", u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return do(t, c, req)
}

// loginRequest is the login form posted as a browser on the page's own
// origin posts it.
func loginRequest(t *testing.T, base, tok string) *http.Request {
	t.Helper()
	req, err := http.NewRequest("POST", base+"/login", strings.NewReader(url.Values{"token": {tok}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	return req
}

// mustLogin logs c in.
func mustLogin(t *testing.T, c *http.Client, base string) {
	t.Helper()
	res, _ := do(t, c, loginRequest(t, base, token))
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("login with the token = %d, want 303", res.StatusCode)
	}
}

func TestLoginRequired(t *testing.T) {
	ts := mustServer(t)
	for _, tc := range []struct {
		name, path string
		status     int
		location   string
	}{
		{"a page", "/r/kpi", http.StatusSeeOther, "/login"},
		{"the start", "/", http.StatusSeeOther, "/login"},
		{"a CSV", "/csv/kpi/hq-kpi?month=2026-11", http.StatusUnauthorized, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := get(t, client(t), ts.URL+tc.path)
			if res.StatusCode != tc.status || res.Header.Get("Location") != tc.location || strings.Contains(body, "north") {
				t.Errorf("GET %s without a session = %d to %q, want %d to %q and no report", tc.path, res.StatusCode,
					res.Header.Get("Location"), tc.status, tc.location)
			}
		})
	}
}

func TestLogin(t *testing.T) {
	ts := mustServer(t)
	for _, tc := range []struct {
		name, token string
		status      int
	}{
		{"wrong", "s3cret", http.StatusUnauthorized},
		{"empty", "", http.StatusUnauthorized},
		{"longer", token + "x", http.StatusUnauthorized},
		{"right", token, http.StatusSeeOther},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := client(t)
			res, _ := do(t, c, loginRequest(t, ts.URL, tc.token))
			cookies := res.Cookies()
			if res.StatusCode != tc.status {
				t.Fatalf("login with %q = %d, want %d", tc.token, res.StatusCode, tc.status)
			}
			if tc.status != http.StatusSeeOther {
				if len(cookies) != 0 {
					t.Errorf("a refused login set cookies %v", cookies)
				}
				if res, _ := get(t, c, ts.URL+"/r/kpi"); res.StatusCode != http.StatusSeeOther {
					t.Errorf("after a refused login GET /r/kpi = %d, want 303 to the login", res.StatusCode)
				}
				return
			}
			if len(cookies) != 1 || !cookies[0].HttpOnly || cookies[0].SameSite != http.SameSiteStrictMode || strings.Contains(cookies[0].Value, token) {
				t.Fatalf("login set %+v, want one HttpOnly SameSite=Strict cookie without the token", cookies)
			}
			if res, body := get(t, c, ts.URL+"/r/kpi"); res.StatusCode != http.StatusOK || !strings.Contains(body, "north") {
				t.Errorf("after login GET /r/kpi = %d, want 200 with the report", res.StatusCode)
			}
		})
	}
}

// TestWrongTokensWait: wrong tokens are answered one at a time, each after
// the delay.
func TestWrongTokensWait(t *testing.T) {
	ts := mustServer(t)
	start := time.Now()
	done := make(chan int, 4)
	for range 4 {
		go func() {
			res, err := client(t).Do(loginRequest(t, ts.URL, "guess"))
			if err != nil {
				done <- 0
				return
			}
			res.Body.Close()
			done <- res.StatusCode
		}()
	}
	for range 4 {
		if code := <-done; code != http.StatusUnauthorized {
			t.Errorf("a wrong token = %d, want 401", code)
		}
	}
	if d := time.Since(start); d < 200*time.Millisecond {
		t.Errorf("4 wrong tokens answered in %v, want one at a time, 50 ms each", d)
	}
	mustLogin(t, client(t), ts.URL)
}

// TestForgedSession: a cookie this server did not sign, or signed long
// ago, is no session.
func TestForgedSession(t *testing.T) {
	ts := mustServer(t)
	old, err := New(tableSource{}, Options{Token: token, Now: func() time.Time { return time.Now().Add(-13 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	other, err := New(tableSource{}, Options{Token: "another"})
	if err != nil {
		t.Fatal(err)
	}
	for name, v := range map[string]string{"expired": old.newSession(), "another token": other.newSession(),
		"garbage": "1.abc", "empty": ""} {
		t.Run(name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", ts.URL+"/r/kpi", nil)
			req.AddCookie(&http.Cookie{Name: cookieName, Value: v})
			if res, _ := do(t, client(t), req); res.StatusCode != http.StatusSeeOther {
				t.Errorf("GET /r/kpi with a %s session = %d, want 303 to the login", name, res.StatusCode)
			}
		})
	}
}

// TestCrossOriginPost: another site's form cannot log in or out.
func TestCrossOriginPost(t *testing.T) {
	ts := mustServer(t)
	for _, path := range []string{"/login", "/logout"} {
		req := loginRequest(t, ts.URL, token)
		req.URL.Path = path
		req.Header.Set("Origin", "http://evil.example")
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		if res, _ := do(t, client(t), req); res.StatusCode != http.StatusForbidden || len(res.Cookies()) != 0 {
			t.Errorf("cross-site POST %s = %d, cookies %v; want 403 and none", path, res.StatusCode, res.Cookies())
		}
	}
}

// TestPageEscapes checks that hostile text from a branch is text on the
// page, and the page's security headers.
func TestPageEscapes(t *testing.T) {
	ts := mustServer(t)
	c := client(t)
	mustLogin(t, c, ts.URL)
	res, body := get(t, c, ts.URL+"/r/kpi?month="+url.QueryEscape(`2026-11"><b>x`))
	if res.StatusCode != http.StatusBadRequest || strings.Contains(body, `"><b>x`) || !strings.Contains(body, "YYYY-MM") {
		t.Errorf("a hostile month = %d, want 400 with the message escaped:\n%s", res.StatusCode, body)
	}
	res, body = get(t, c, ts.URL+"/r/kpi?month=2026-11")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /r/kpi = %d", res.StatusCode)
	}
	for _, bad := range []string{"<script>alert", "<img src=x"} {
		if strings.Contains(body, bad) {
			t.Errorf("the page holds %q as markup:\n%s", bad, body)
		}
	}
	if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img src=x onerror=alert(2)&gt;") {
		t.Errorf("the page does not show the hostile text escaped:\n%s", body)
	}
	if !strings.Contains(body, `href="/csv/kpi/hq-kpi?month=2026-11"`) {
		t.Errorf("the page has no CSV link for its table:\n%s", body)
	}
	for h, want := range map[string]string{"Content-Security-Policy": csp, "X-Frame-Options": "DENY",
		"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
		t.Errorf("the CSP %q should allow no script", csp)
	}
}

// TestCSV checks a download is the table as reports.WriteCSV writes it.
func TestCSV(t *testing.T) {
	ts := mustServer(t)
	c := client(t)
	mustLogin(t, c, ts.URL)
	tables, _ := tableSource{}.Tables(context.Background(), "cards", "2026-11")
	var want bytes.Buffer
	if err := reports.WriteCSV(&want, tables[0]); err != nil {
		t.Fatal(err)
	}
	res, body := get(t, c, ts.URL+"/csv/cards/hq-cards")
	if res.StatusCode != http.StatusOK || body != want.String() {
		t.Fatalf("GET /csv/cards/hq-cards = %d %q, want %q", res.StatusCode, body, want.String())
	}
	if !strings.Contains(body, `'=HYPERLINK`) {
		t.Errorf("the CSV does not defuse a formula: %q", body)
	}
	if cd := res.Header.Get("Content-Disposition"); cd != `attachment; filename="hq-cards.csv"` {
		t.Errorf("Content-Disposition = %q", cd)
	}
	res, _ = get(t, c, ts.URL+"/csv/kpi/hq-kpi?month=2026-10")
	if cd := res.Header.Get("Content-Disposition"); res.StatusCode != http.StatusOK || cd != `attachment; filename="hq-kpi-2026-10.csv"` {
		t.Errorf("GET /csv/kpi/hq-kpi = %d, Content-Disposition %q", res.StatusCode, cd)
	}
	for _, path := range []string{"/csv/cards/nope", "/csv/nope/hq-cards"} {
		if res, _ := get(t, c, ts.URL+path); res.StatusCode != http.StatusNotFound {
			t.Errorf("GET %s = %d, want 404", path, res.StatusCode)
		}
	}
}
