package main

import (
	"context"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// screenCheck is evaluated on a screen with hostile values on it: it
// names what went wrong, or is "". A payload that ran set window.__pwned;
// one that became markup left an element with its attributes; a value
// that does not wrap makes a container wider than its box.
const screenCheck = `(() => {
  const bad = [];
  if (window.__pwned !== undefined) bad.push('a payload ran: window.__pwned = ' + window.__pwned);
  const el = document.querySelector('img[src="x"], svg[onload], [onerror], [onmouseover], script:not([src])');
  if (el) bad.push('markup from data: ' + el.outerHTML.slice(0, 120));
  for (const c of document.querySelectorAll('body, main, #modalbox, main > section, .ticketdetail, #panel, table.board')) {
    if (c.offsetParent === null && c !== document.body) continue;
    if (c.scrollWidth > c.clientWidth + 1) bad.push((c.id || c.className || c.tagName) + ' is ' + c.scrollWidth + 'px wide in ' + c.clientWidth + 'px');
  }
  if (document.documentElement.scrollWidth > window.innerWidth) bad.push('the page scrolls sideways: ' + document.documentElement.scrollWidth + 'px');
  return bad.join('; ');
})()`

// safe fails the test when the screen shown ran a payload, holds markup
// from data or is wider than the window; shows lists the tags that must
// be on it as text first.
func (tb *tab) safe(screen string, shows ...string) {
	tb.t.Helper()
	if len(shows) > 0 {
		tb.waitJS(screen+" shows the hostile values as text",
			fmt.Sprintf(`%s.every((s) => document.body.textContent.includes(s)) && document.body.textContent.includes(%q)`, hostileTags(shows...), xss[0]))
	}
	if bad := tb.eval(screen+": check", screenCheck); bad != "" {
		tb.screenshot()
		tb.t.Errorf("%s: %s", screen, bad)
	}
}

// eval evaluates expr on the tab and returns its string result.
func (tb *tab) eval(step, expr string, opts ...chromedp.EvaluateOption) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr, opts...))
	if err != nil {
		tb.t.Fatalf("%s: %s: %v", tb.name, step, err)
	}
	return s
}

// TestHostileStringsInChromium puts hostile strings into every typed field
// through the real ops (setUpHostile), then opens every staff and kiosk
// screen that shows them: no payload runs, nothing becomes markup, nothing
// is wider than the window; the printed slips hold the text with no
// command or control character from it; the CSV of every report has no
// cell that starts a formula; the audit screen finds the failed login.
func TestHostileStringsInChromium(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	m := runMainAt(t, hostileConf(t, filepath.Join(dir, "conf")), filepath.Join(dir, "data"), "127.0.0.1:0")
	defer func() { m.Close() }()
	base := "http://" + m.Addr()
	today := m.storeNow()
	hc := setUpHostile(t, m.Addr(), today)

	t.Run("printed slips", func(t *testing.T) {
		checkSlips(t, filepath.Join(dir, "prints"), "HNAME~", "HFAULT~", "HFORM~", "onerror=window.__pwned=1>")
	})

	staff := newTab(t, ctx, "staff", base+"/staff")
	staff.run("log in as the supervisor", chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#staffid"), "boss"), chromedp.SendKeys(chromedp.CSS("#pin"), "3333"),
		chromedp.Click(chromedp.CSS("#login button")), chromedp.WaitVisible(chromedp.CSS(`a[href="#audit"]`)))
	t.Run("staff screens", func(t *testing.T) {
		staff.t = t
		staff.run("board", chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`tr[data-ticket=%q]`, hc.repair))))
		staff.safe("board", "FAULT", "COMPLAINT")
		for _, tk := range []struct {
			number string
			shows  []string
		}{
			{hc.repair, []string{"NAME", "PROD", "FAULT", "CONCL", "VENDOR", "VSEND", "VBACK"}},
			{hc.complaint, []string{"NAME", "COMPLAINT"}},
			{hc.ret, []string{"RET", "INSIST", "REJECT"}},
			{hc.settled, []string{"FAULT2", "UNREP", "SETTLE"}},
		} {
			// By number (the filter's number field): a rejected return is no
			// longer on the board.
			staff.eval("open "+tk.number, fmt.Sprintf(`(document.querySelector('#filter input[name="number"]').value = %q, `+
				`document.querySelector('#filter').requestSubmit(), '')`, tk.number))
			staff.run("open "+tk.number, chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`#ticketdetail[data-number=%q]`, tk.number))))
			staff.safe("ticket "+tk.number, tk.shows...)
			staff.closeDialog()
		}
		// The repair's tracking card on screen: hostile values in its inputs.
		staff.eval("open "+hc.repair, fmt.Sprintf(`(document.querySelector('#filter input[name="number"]').value = %q, `+
			`document.querySelector('#filter').requestSubmit(), '')`, hc.repair))
		staff.run("its forms", chromedp.WaitVisible(chromedp.CSS("#formsbtn")), chromedp.Click(chromedp.CSS("#formsbtn")),
			chromedp.WaitVisible(chromedp.CSS(`#formlist [data-form="tracking"]`)), chromedp.Click(chromedp.CSS(`#formlist [data-form="tracking"]`)),
			chromedp.WaitVisible(chromedp.CSS("#formfields")))
		staff.waitJS("the form's fields hold the hostile values", `[...document.querySelectorAll('#formscreen [data-field]')].some((i) => i.value.includes('HNAME~') && i.value.includes('onerror='))`)
		staff.safe("tracking card form")
		staff.run("back to the ticket", chromedp.Click(chromedp.CSS("#formback")), chromedp.WaitVisible(chromedp.CSS("#ticketdetail")))
		staff.closeDialog()
		// The tab is drawn on hashchange, after the click: the board's own
		// #boardbody is on screen until then, and the tabs are drawn anew.
		staff.run("approvals", chromedp.Click(chromedp.CSS(`a[href="#approvals"]`)), chromedp.WaitVisible(chromedp.CSS(`#tabs a.on[href="#approvals"]`)),
			chromedp.WaitVisible(chromedp.CSS("#boardbody table, #boardbody .empty")))
		staff.safe("approvals")
		staff.run("calls", chromedp.Click(chromedp.CSS(`a[href="#calls"]`)), chromedp.WaitVisible(chromedp.CSS("#calls, #nocalls")))
		staff.safe("calls")
		staff.run("the card's ledger", chromedp.Click(chromedp.CSS(`a[href="#cards"]`)), chromedp.WaitVisible(chromedp.CSS("#cardform")),
			chromedp.SendKeys(chromedp.CSS("#cardphone"), hc.phone), chromedp.Click(chromedp.CSS("#cardform button")), chromedp.WaitVisible(chromedp.CSS("#ledgerbalance")))
		staff.safe("cards")
		staff.run("printing", chromedp.Click(chromedp.CSS(`a[href="#print"]`)), chromedp.WaitVisible(chromedp.CSS("#readers")))
		staff.safe("printing")
		staff.run("complaints report", chromedp.Click(chromedp.CSS(`a[href="#reports"]`)), chromedp.WaitVisible(chromedp.CSS("#rv-complaints")),
			chromedp.Click(chromedp.CSS("#rv-complaints")), chromedp.WaitVisible(chromedp.CSS("#complaintreasons")))
		staff.safe("complaints report", "REASON")
		staff.run("daily reports", chromedp.Click(chromedp.CSS("#rv-daily")), chromedp.WaitVisible(chromedp.CSS("#techdaily")))
		staff.safe("daily reports")
	})
	t.Run("CSV of every report", func(t *testing.T) {
		staff.t = t
		checkCSVs(t, staff, today.Format("2006-01-02"))
	})
	t.Run("audit screen finds the failed login", func(t *testing.T) {
		staff.t = t
		staff.run("audit", chromedp.Click(chromedp.CSS(`a[href="#audit"]`)), chromedp.WaitVisible(chromedp.CSS("#audittable")),
			chromedp.SetValue(chromedp.CSS(`#auditfilter input[name="action"]`), "session.login_failed"),
			chromedp.Click(chromedp.CSS("#auditgo")))
		staff.waitJS("only failed logins", `[...document.querySelectorAll('#audittable tbody tr')].every((r) => r.dataset.action === 'session.login_failed') && `+
			`document.querySelectorAll('#audittable tbody tr').length > 0`)
		staff.safe("audit", "LOGIN")
		if got := staff.text("#audittable tbody tr"); !strings.Contains(got, "anonymous") || !strings.Contains(got, "127.0.0.1") {
			t.Errorf("failed login row = %q, want the operator anonymous and the address", got)
		}
		staff.run("the repair's entries", chromedp.SetValue(chromedp.CSS(`#auditfilter input[name="action"]`), "ticket.create"),
			chromedp.SetValue(chromedp.CSS(`#auditfilter input[name="record"]`), "ticket/"+hc.repair), chromedp.Click(chromedp.CSS("#auditgo")),
			chromedp.WaitVisible(chromedp.CSS(`#audittable tr[data-action="ticket.create"] details`)),
			chromedp.Click(chromedp.CSS(`#audittable tr[data-action="ticket.create"] details summary`)))
		staff.waitJS("its record, as text", `document.querySelector('#audittable pre.auditjson')?.textContent.includes('HFAULT~')`)
		staff.safe("audit entry", "FAULT")
	})

	kiosk := newTab(t, ctx, "kiosk", base+"/kiosk?desk=desk1", chromedp.WithNewBrowserContext())
	t.Run("kiosk screens", func(t *testing.T) {
		kiosk.t = t
		kiosk.run("PIN", chromedp.WaitVisible(chromedp.CSS("#pinpad")), chromedp.SetValue(chromedp.CSS("#pin"), "1111"),
			chromedp.Click(chromedp.CSS(`[data-k="OK"]`)), chromedp.WaitVisible(chromedp.CSS("#lookup")))
		kiosk.run("find the customer", chromedp.SendKeys(chromedp.CSS("#phone"), hc.phone), chromedp.Click(chromedp.CSS("#lookup button")),
			chromedp.WaitVisible(chromedp.CSS("#panel")))
		kiosk.safe("customer panel", "NAME", "ADDR", "PROD", "SER", "FAULT")
		kiosk.openRow("ticket", fmt.Sprintf(`#panel tr[data-ticket=%q]`, hc.repair), "#ticketdetail")
		kiosk.safe("kiosk ticket", "NAME", "FAULT", "CONCL")
		kiosk.closeDialog()
		kiosk.tap("pickup", fmt.Sprintf(`[data-pickup=%q]`, hc.repair))
		kiosk.run("the pickup", chromedp.WaitVisible(chromedp.CSS("#pickupbox")))
		kiosk.safe("pickup", "PROD", "CONCL")
		kiosk.closeDialog()
		kiosk.run("intake", chromedp.Click(chromedp.CSS("#intakebtn")), chromedp.WaitVisible(chromedp.CSS(`[data-kind="repair"]`)))
		kiosk.safe("intake", "NAME")
		kiosk.run("intake purchases", chromedp.Click(chromedp.CSS(`[data-kind="repair"]`)), chromedp.WaitVisible(chromedp.CSS("#newpurchase")))
		kiosk.safe("intake purchases", "PROD", "SER")
		// What a clerk can type: valid UTF-8 without NUL; a textarea keeps
		// "\n" for "\r\n".
		typed := strings.NewReplacer("\x00", "", "\r\n", "\n").Replace(strings.ToValidUTF8(hostile("TYPED"), ""))
		kiosk.run("the hostile purchase", chromedp.Click(chromedp.CSS(".purchases [data-purchase]")), chromedp.WaitVisible(chromedp.CSS("#fault")),
			chromedp.SetValue(chromedp.CSS("#fault"), typed), chromedp.Click(chromedp.CSS(`[data-problem="quality"]`)), chromedp.WaitVisible(chromedp.CSS("#preview")))
		kiosk.waitJS("the typed fault kept", `document.querySelector('#fault').value.startsWith('HTYPED~')`)
		kiosk.safe("intake details", "NAME")
		kiosk.run("the decision", chromedp.Click(chromedp.CSS("#preview")), chromedp.WaitVisible(chromedp.CSS("#confirm")))
		kiosk.safe("intake decision", "NAME")
		kiosk.run("back to the details", chromedp.Click(chromedp.CSS(`[data-back="details"]`)), chromedp.WaitVisible(chromedp.CSS("#fault")))
		kiosk.waitJS("the typed fault as typed", fmt.Sprintf(`document.querySelector('#fault').value === %q`, typed))
		kiosk.run("leave the intake", chromedp.Click(chromedp.CSS("#intakecancel")), chromedp.WaitVisible(chromedp.CSS("#panel")))
		kiosk.tap("board", "#tabboard")
		kiosk.run("the board", chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`tr[data-ticket=%q]`, hc.repair))))
		kiosk.safe("kiosk board", "FAULT")
		kiosk.tap("calls", "#tabcalls")
		kiosk.run("the calls", chromedp.WaitVisible(chromedp.CSS("#calls, #nocalls")))
		kiosk.safe("kiosk calls")
	})
	t.Run("customer's own screen", func(t *testing.T) {
		kiosk.t = t
		kiosk.tap("log out", "#logout")
		kiosk.run("logged out", chromedp.WaitVisible(chromedp.CSS("#pinpad")))
		clerk := dialStaff(t, m.Addr(), "clerk", "1111")
		clerk.mustCall("demo.present", map[string]string{"uid": "04DE30FE"}, nil)
		kiosk.run("own panel", chromedp.WaitVisible(chromedp.CSS("#own")))
		kiosk.safe("own panel", "FAULT")
		clerk.mustCall("demo.remove", nil, nil)
	})
}

// checkCSVs fetches every report's CSV as the logged-in supervisor's
// browser does (the session cookie and the page's device key): UTF-8 after a BOM, and no cell that starts a formula
// unless it is a plain number; the complaint reasons hold the hostile
// reason, defused.
func checkCSVs(t *testing.T, staff *tab, day string) {
	t.Helper()
	seen := false
	for _, kind := range []string{"kpi", "closing", "complaints", "daily"} {
		raw := latin1Bytes(staff.eval("fetch "+kind+".csv", fmt.Sprintf(
			`fetch('/reports/%s.csv?from=%s&to=%s&key=' + encodeURIComponent(localStorage.getItem('shouhou_key') || '')).then((r) => r.arrayBuffer()).then((b) => Array.from(new Uint8Array(b), (x) => String.fromCharCode(x)).join(''))`,
			kind, day, day), chromedp.EvalAwaitPromise))
		if !strings.HasPrefix(raw, "\ufeff") {
			t.Errorf("%s.csv does not start with the BOM: %q", kind, raw[:min(len(raw), 12)])
		}
		r := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\ufeff")))
		r.FieldsPerRecord = -1
		recs, err := r.ReadAll()
		if err != nil {
			t.Fatalf("%s.csv: %v", kind, err)
		}
		for _, rec := range recs {
			for _, cell := range rec {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) && !csvNumber.MatchString(cell) {
					t.Errorf("%s.csv: cell %q starts a formula", kind, cell[:min(len(cell), 40)])
				}
				if strings.Contains(cell, "HREASON~") {
					seen = true
				}
			}
		}
	}
	if !seen {
		t.Error("no CSV holds the hostile complaint reason: the check saw none of the typed text")
	}
}

// csvNumber is a plain number, which a numeric column may start with "-".
var csvNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?%?$`)

// latin1Bytes turns a string of char codes 0–255 back into its bytes.
func latin1Bytes(s string) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		b = append(b, byte(r))
	}
	return string(b)
}
