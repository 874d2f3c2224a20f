package build

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testReconnectingPage opens the packaged start page in headless Chromium,
// as the kiosk does: with the appliance up it must go on to the desk's
// page with the desk's id, with it down it must stay on its own
// "reconnecting" page and keep trying (never Chromium's error page).
func testReconnectingPage(t *testing.T, root string) {
	page := filepath.Join(root, "usr/share/shouhou/kiosk/reconnecting.html")
	up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/healthz":
			fmt.Fprint(w, `{"status":"ok"}`)
		case "/":
			fmt.Fprintf(w, "<p>DESK PAGE %s</p>", r.URL.Query().Get("desk"))
		default:
			http.NotFound(w, r)
		}
	}))
	defer up.Close()
	down := closedAddr(t)

	for _, tc := range []struct {
		name, base    string
		want, notWant []string
	}{
		{"up", up.URL, []string{"DESK PAGE desk-2"}, []string{"reconnecting"}},
		{"down", "http://" + down, []string{"reconnecting", "attempt"}, []string{"DESK PAGE"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dom := dumpDOM(t, "file://"+page+"?base="+tc.base+"&desk=desk-2")
			for _, w := range tc.want {
				if !strings.Contains(dom, w) {
					t.Errorf("kiosk start page with the appliance %s shows no %q:\n%s", tc.name, w, dom)
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(dom, w) {
					t.Errorf("kiosk start page with the appliance %s shows %q:\n%s", tc.name, w, dom)
				}
			}
		})
	}
}

// dumpDOM loads url in headless Chromium, lets 8 s of page time pass
// (virtual time: the page's polling runs without waiting for real), and
// returns the DOM it ends on. A run that prints no DOM at all, which
// Chromium did once in a clean-clone CI run on a loaded box (exit 0 after
// 0.6 s), is run again, twice at most: it says nothing of the page.
func dumpDOM(tb testing.TB, url string) string {
	tb.Helper()
	for try := 1; ; try++ {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		cmd := exec.CommandContext(ctx, "chromium", "--headless=new", "--no-sandbox", "--disable-gpu",
			"--user-data-dir="+tb.TempDir(), "--virtual-time-budget=8000", "--dump-dom", url)
		out, err := cmd.Output()
		cancel()
		if err != nil {
			tb.Fatalf("chromium --dump-dom %s: %v\n%s", url, err, stderrOf(err))
		}
		if strings.TrimSpace(string(out)) != "" || try == 3 {
			return string(out)
		}
		tb.Logf("chromium --dump-dom %s printed no DOM (try %d); again", url, try)
	}
}

// closedAddr returns a loopback address nothing listens on.
func closedAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
