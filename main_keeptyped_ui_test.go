package main

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"shouhou/drivers/reader/vpcdtest"
)

// typedJS is an expression that is "" while the fields named in want
// (selector → value) hold those values and, when focus is not "", the
// field focus has the focus with its selection from start to end;
// otherwise it says what differs.
func typedJS(want map[string]string, focus string, start, end int) string {
	return fmt.Sprintf(`(() => { const want = %s, bad = [];
		for (const [sel, v] of Object.entries(want)) { const e = document.querySelector(sel); if (!e || e.value !== v) bad.push(sel + ' = ' + (e ? JSON.stringify(e.value) : 'missing') + ', want ' + JSON.stringify(v)); }
		const f = %q;
		if (f) { const a = document.activeElement; if (a !== document.querySelector(f)) bad.push('focus on ' + (a && (a.id || a.tagName)) + ', want ' + f);
			else if (a.selectionStart !== %d || a.selectionEnd !== %d) bad.push('selection ' + a.selectionStart + '-' + a.selectionEnd + ', want %d-%d'); }
		return bad.join('; '); })()`, jsObject(want), focus, start, end, start, end)
}

// jsObject writes m as a JavaScript object literal.
func jsObject(m map[string]string) string {
	s := "{"
	for k, v := range m {
		s += fmt.Sprintf("%q: %q, ", k, v)
	}
	return s + "}"
}

// TestTypedTextSurvivesRedrawsInChromium: what a clerk has typed into the
// kiosk's customer panel (a phone to look up, a receipt number, the till
// lines a scan brought up), with the focus and the caret, outlives the
// panel's redraws for the same customer: a ticket event pushed by
// another desk's intake, and a re-swipe of the same card. A swipe of
// another customer's card starts with the fields empty. With nobody
// logged in, a level the customer picked in their own view's survey
// outlives the redraw on a ticket event. The subtests run in order, each
// on the screen the last left. On the staff
// screen, the reason typed into an open ticket's dialog outlives the
// dialog's redraw on another desk's ticket event, focused or not, so does
// a move's result shown in it, and a
// job id typed to reprint outlives the print queue's redraw on a print
// event.
func TestTypedTextSurvivesRedrawsInChromium(t *testing.T) {
	vpcdtest.Start(t)
	ctx := browser(t)
	m := runMainAt(t, deskConf(t), filepath.Join(t.TempDir(), "data"), "127.0.0.1:0")
	defer m.Close()
	base := "http://" + m.Addr()
	clerk := dialStaff(t, m.Addr(), "clerk", "1111")
	var own struct {
		Purchases []struct {
			Serial string `json:"serial"`
		} `json:"purchases"`
	}
	clerk.mustCall("customer.lookup", map[string]string{"phone": "13800130001"}, &own)
	if len(own.Purchases) == 0 || own.Purchases[0].Serial == "" {
		t.Fatalf("王秀英 has no purchase with a serial in the demo data: %+v", own)
	}
	serial := own.Purchases[0].Serial
	// intake takes a consultation in for 王秀英 from the test's own
	// websocket, as another desk would: every screen gets its ticket event.
	n := 0
	intake := func(fault string) string {
		n++
		var in struct {
			Ticket storedTicket `json:"ticket"`
		}
		clerk.mustCall("ticket.intake", map[string]any{"key": fmt.Sprint("keeptyped-", n), "kind": "consultation", "card": "SC-000001", "fault": fault}, &in)
		return in.Ticket.Number
	}

	kiosk := newTab(t, ctx, "kiosk", base+"/kiosk?desk=desk1")
	kiosk.run("PIN login", chromedp.WaitVisible(chromedp.CSS("#pinpad")),
		chromedp.Click(chromedp.CSS(`[data-k="1"]`)), chromedp.Click(chromedp.CSS(`[data-k="1"]`)), chromedp.Click(chromedp.CSS(`[data-k="1"]`)),
		chromedp.Click(chromedp.CSS(`[data-k="1"]`)), chromedp.Click(chromedp.CSS(`[data-k="OK"]`)), chromedp.WaitVisible(chromedp.CSS("#lookup")))
	card := kiosk.swipeFor("04DE3001", "王秀英")
	kiosk.closeDialog()
	kiosk.run("scan a serial, the line comes up", chromedp.SendKeys(chromedp.CSS("#receiptscan"), serial+kb.Enter))
	kiosk.waitJS("the till line", `document.querySelectorAll('#receiptlines [data-tillline]').length === 1`)
	kiosk.run("type half a receipt number, then half a phone", chromedp.SendKeys(chromedp.CSS("#receiptscan"), "R-12"),
		chromedp.SendKeys(chromedp.CSS("#phone"), "1380013"))
	kiosk.eval("the caret after 138", `(document.querySelector('#phone').setSelectionRange(3, 5), '')`)
	want := map[string]string{"#phone": "1380013", "#receiptscan": "R-12"}
	kept := func(step string) {
		t.Helper()
		if bad := kiosk.eval(step, typedJS(want, "#phone", 3, 5)); bad != "" {
			t.Errorf("%s: %s", step, bad)
		}
		if got := kiosk.eval(step+": the till line", `String(document.querySelectorAll('#receiptlines [data-tillline]').length)`); got != "1" {
			t.Errorf("%s: %s till lines on the panel, want the 1 scanned", step, got)
		}
	}
	kept("typed")

	t.Run("a ticket event from another desk", func(t *testing.T) {
		kiosk.t = t
		kiosk.eval("mark the panel", `(window.oldPanel = document.querySelector('#panel'), '')`)
		number := intake("另一台服务台受理的咨询")
		kiosk.waitJS("the panel redrawn with the new ticket", fmt.Sprintf(`document.querySelector('#panel') !== window.oldPanel && !!document.querySelector('#panel [data-ticket=%q]')`, number))
		kept("after the ticket event")
	})
	t.Run("a re-swipe of the same card", func(t *testing.T) {
		kiosk.t = t
		card.Remove()
		kiosk.eval("mark the panel", `(window.oldPanel = document.querySelector('#panel'), '')`)
		card = kiosk.swipeFor("04DE3001", "王秀英")
		kiosk.waitJS("the panel redrawn", `document.querySelector('#panel') !== window.oldPanel`)
		kept("after the re-swipe")
	})
	t.Run("another customer starts empty", func(t *testing.T) {
		kiosk.t = t
		card.Remove()
		other := kiosk.swipeFor("04DE3002", "李娜")
		defer other.Remove()
		empty := map[string]string{"#phone": "", "#receiptscan": ""}
		if bad := kiosk.eval("李娜's panel", typedJS(empty, "", 0, 0)); bad != "" {
			t.Errorf("李娜's panel: %s", bad)
		}
		if got := kiosk.eval("till lines", `document.querySelector('#receiptlines').textContent.trim()`); got != "" {
			t.Errorf("李娜's panel shows the till lines scanned for 王秀英: %q", got)
		}
	})

	t.Run("the customer's own survey", func(t *testing.T) {
		kiosk.t = t
		number := intake("咨询退货政策")
		clerk.mustCall("ticket.move", map[string]string{"number": number, "to": "closed", "reason": "已答复"}, nil)
		kiosk.closeDialog()
		kiosk.tap("log out", "#logout")
		kiosk.run("logged out", chromedp.WaitVisible(chromedp.CSS("#pinpad")))
		own := kiosk.lay("04DE3001")
		defer own.Remove()
		form := fmt.Sprintf(`form.survey[data-number=%q]`, number)
		kiosk.run("the survey of the closed ticket", chromedp.WaitVisible(chromedp.CSS(form)))
		kiosk.eval("pick 一般 for the attitude", fmt.Sprintf(`(document.querySelector('%s input[name=attitude][value="2"]').click(), window.oldOwn = document.querySelector('#own'), '')`, form))
		intake("顾客自助屏时另一台服务台的咨询")
		kiosk.waitJS("the own view redrawn", fmt.Sprintf(`document.querySelector('#own') !== window.oldOwn && !!document.querySelector('%s')`, form))
		if got := kiosk.eval("the pick", fmt.Sprintf(`String(document.querySelector('%s input[name=attitude]:checked')?.value)`, form)); got != "2" {
			t.Errorf("the attitude picked in the survey after a ticket event = %s, want 2 (一般)", got)
		}
		own.Remove()
		kiosk.run("welcome again", chromedp.WaitVisible(chromedp.CSS("#pinpad")))
		kiosk.run("the clerk's PIN", chromedp.Click(chromedp.CSS(`[data-k="1"]`)), chromedp.Click(chromedp.CSS(`[data-k="1"]`)), chromedp.Click(chromedp.CSS(`[data-k="1"]`)),
			chromedp.Click(chromedp.CSS(`[data-k="1"]`)), chromedp.Click(chromedp.CSS(`[data-k="OK"]`)), chromedp.WaitVisible(chromedp.CSS("#lookup")))
	})

	t.Run("the ticket dialog on the staff screen", func(t *testing.T) {
		kiosk.t = t
		number := intake("咨询保修期")
		staff := newTab(t, ctx, "staff", base+"/staff") // the kiosk's cookie logs it in
		staff.openRow("the ticket", fmt.Sprintf(`#boardbody tr[data-ticket=%q]`, number), "#ticketdetail #reason")
		staff.run("type a reason", chromedp.SendKeys(chromedp.CSS("#reason"), "顾客来电"))
		staff.eval("the caret after 顾客", `(document.querySelector('#reason').setSelectionRange(2, 2), '')`)
		reason := map[string]string{"#reason": "顾客来电"}
		for _, c := range []struct {
			name, focus string
			start, end  int
		}{{"focused", "#reason", 2, 2}, {"after the clerk looked away", "", 0, 0}} {
			if c.focus == "" {
				staff.eval("blur", `(document.activeElement.blur(), '')`)
			}
			// The staff page leaves a dialog it drew in the last 1.5 s alone (staff.js refreshDetail).
			staff.waitJS("the dialog shown a while", `Date.now() - Number(document.querySelector('#ticketdetail').dataset.shown) > 1600`)
			staff.eval("mark the dialog", `(window.oldDetail = document.querySelector('#ticketdetail'), '')`)
			intake("又一台服务台的咨询 " + c.name)
			staff.waitJS(c.name+": the dialog redrawn", `!!document.querySelector('#ticketdetail') && document.querySelector('#ticketdetail') !== window.oldDetail`)
			if bad := staff.eval(c.name, typedJS(reason, c.focus, c.start, c.end)); bad != "" {
				t.Errorf("the dialog's reason, %s: %s", c.name, bad)
			}
		}

		// A move made in the dialog says it is done, and that stays through
		// the redraw another desk's change makes after it.
		staff.eval("mark the dialog", `(window.oldDetail = document.querySelector('#ticketdetail'), '')`)
		staff.tap("a move with the reason typed", "#ticketdetail [data-move]")
		staff.waitJS("the move done", `(d => !!d && d !== window.oldDetail && !!d.querySelector('#actionok'))(document.querySelector('#ticketdetail'))`)
		staff.waitJS("the dialog shown a while", `Date.now() - Number(document.querySelector('#ticketdetail').dataset.shown) > 1600`)
		staff.eval("mark the dialog", `(window.oldDetail = document.querySelector('#ticketdetail'), '')`)
		intake("另一台服务台刚受理的咨询")
		staff.waitJS("another desk's change drawn", `!!document.querySelector('#ticketdetail') && document.querySelector('#ticketdetail') !== window.oldDetail`)
		if got := staff.eval("the move's result", `(document.querySelector('#ticketdetail #actionok') || {}).textContent || ''`); got == "" {
			t.Error("the dialog's redraw after another desk's change dropped the move's result (#actionok)")
		}

		// The print queue redraws on every print event: a job id half
		// typed to reprint stays, focused, with its caret.
		staff.closeDialog()
		staff.run("the print queue", chromedp.Click(chromedp.CSS(`a[href="#print"]`)), chromedp.WaitVisible(chromedp.CSS("form[data-reprint] input[name=id]")))
		staff.run("type a job id", chromedp.SendKeys(chromedp.CSS("form[data-reprint] input[name=id]"), "job-12"))
		staff.eval("mark the queue", `(window.oldPrinter = document.querySelector('#printbody .printer'), '')`)
		clerk.mustCall("ticket.print", map[string]string{"number": number, "form": "intake", "key": "keeptyped-print"}, nil)
		staff.waitJS("the queue redrawn", `!!document.querySelector('#printbody .printer') && document.querySelector('#printbody .printer') !== window.oldPrinter`)
		if bad := staff.eval("the reprint field", typedJS(map[string]string{"form[data-reprint] input[name=id]": "job-12"}, "form[data-reprint] input[name=id]", 6, 6)); bad != "" {
			t.Errorf("the print queue's reprint field after a print event: %s", bad)
		}
	})
}
