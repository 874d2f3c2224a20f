package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"shouhou/ui/tlsca"
)

// TestStaffOverHTTPSInChromium loads the staff page over HTTPS in
// Chromium trusting the box's CA by its SPKI hash, logs an admin in, checks
// the cookie's flags and the CA's fingerprint on screen, logs a clerk's
// terminal out from the terminals list (its connection closes), and is
// itself logged out from another admin terminal (back at the login).
func TestStaffOverHTTPSInChromium(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	m := runTLSMain(t, "", data, "127.0.0.1:0")
	ca, _ := exportCA(t, data, "online")
	ctx := browser(t, chromedp.Flag("ignore-certificate-errors-spki-list", tlsca.SPKIHash(ca)))
	fp := tlsca.Fingerprint(ca.Raw)

	admin := newTab(t, ctx, "admin", "https://"+m.AddrTLS()+"/staff")
	admin.waitJS("the CA's fingerprint by the login", fmt.Sprintf(`document.querySelector('#cafp')?.textContent === %q`, fp))
	admin.waitJS("the CA download link", `document.querySelector('#calink')?.getAttribute('href') === '/ca.crt'`)
	admin.run("log in", chromedp.SendKeys(chromedp.CSS("#staffid"), "admin"), chromedp.SendKeys(chromedp.CSS("#pin"), "4444"),
		chromedp.Click(chromedp.CSS("#login button")), chromedp.WaitVisible(chromedp.CSS(`a[href="#config"]`)))
	admin.waitJS("the device key kept by the page", `(localStorage.getItem('shouhou_key') || '').length === 32`)
	var cookies []*network.Cookie
	admin.run("read the cookies", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdpGetCookies(ctx, tg)
		cookies = res
		return err
	}))
	found := false
	for _, c := range cookies {
		if c.Name == "shouhou_session" {
			found = true
			if !c.Secure || !c.HTTPOnly || c.SameSite != network.CookieSameSiteStrict {
				t.Errorf("the session cookie in Chromium: Secure %v HttpOnly %v SameSite %q; want Secure, HttpOnly, Strict", c.Secure, c.HTTPOnly, c.SameSite)
			}
		}
	}
	if !found {
		t.Fatalf("no session cookie in Chromium after the login: %v", cookies)
	}

	clerk := dialStaff(t, m.Addr(), "clerk", "1111")
	admin.run("the terminals", chromedp.Click(chromedp.CSS(`a[href="#config"]`)), chromedp.WaitVisible(chromedp.CSS("#terminals")))
	admin.waitJS("the clerk's terminal listed", `[...document.querySelectorAll('#terminals tr[data-session]')].some((r) => r.textContent.includes('(受理员'))`)
	admin.waitJS("log out that terminal", `(() => { const r = [...document.querySelectorAll('#terminals tr[data-session]')].find((r) => r.textContent.includes('(受理员'));
		r.querySelector('[data-revoke]').click(); return true; })()`)
	if err := readUntilClosed(clerk.ws); err == nil || !websocket.IsCloseError(err, 4001) {
		t.Errorf("the clerk's connection after the revoke: %v, want closed with 4001", err)
	}
	admin.waitJS("the clerk's terminal gone from the list", `![...document.querySelectorAll('#terminals tr[data-session]')].some((r) => r.textContent.includes('(受理员'))`)

	other := dialStaff(t, m.Addr(), "admin", "4444")
	var list struct {
		Sessions []struct {
			ID      string
			Agent   string
			Current bool
		}
	}
	other.mustCall("session.list", nil, &list)
	revoked := false
	for _, s := range list.Sessions {
		if !s.Current && strings.Contains(s.Agent, "Chrome") {
			other.mustCall("session.revoke", map[string]string{"id": s.ID}, nil)
			revoked = true
		}
	}
	if !revoked {
		t.Fatalf("the browser's session is not in the list: %+v", list.Sessions)
	}
	admin.waitJS("the browser back at the login", `!!document.querySelector('#login #pin') && !document.querySelector('a[href="#config"]')`)
	admin.run("reload", chromedp.Reload(), chromedp.WaitVisible(chromedp.CSS("#login")))

	kiosk := newTab(t, ctx, "kiosk", "http://"+m.Addr()+"/kiosk?desk=desk1")
	kiosk.waitJS("the CA's fingerprint on the kiosk's idle screen", fmt.Sprintf(`document.querySelector('#cafp')?.textContent.includes(%q)`, fp))
}

// cdpGetCookies reads the browser's cookies for the tab's page.
func cdpGetCookies(ctx context.Context, tg *chromedp.Target) ([]*network.Cookie, error) {
	res, err := cdp.Call(ctx, tg, network.GetCookies, network.GetCookiesParams{})
	if err != nil {
		return nil, err
	}
	return res.Cookies, nil
}

// readUntilClosed reads frames until the connection ends and returns why.
func readUntilClosed(ws *websocket.Conn) error {
	ws.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		if _, _, err := ws.ReadMessage(); err != nil {
			var ne interface{ Timeout() bool }
			if errors.As(err, &ne) && ne.Timeout() {
				return errors.New("still open after 10 s")
			}
			return err
		}
	}
}
