package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shouhou/drivers/reader/vpcdtest"
)

// viewports are the screen sizes every screen is shot at: the desk's
// kiosk, a staff PC's full-HD screen, a 10-inch tablet upright.
var viewports = []struct{ w, h int64 }{{1280, 800}, {1920, 1080}, {768, 1024}}

// shotsDir is where the screenshots go: $SHOUHOU_SHOTS, or the test's own
// temporary directory (never the repository).
func shotsDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("SHOUHOU_SHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// shoot saves the screen at every viewport as dir/NAME-WxH.png and fails
// the test when a main container is wider than its box or the page
// scrolls sideways (screenCheck, main_hostile_ui_test.go); it leaves the
// tab at 1280×800.
func (tb *tab) shoot(dir, name string) {
	tb.t.Helper()
	for _, v := range viewports {
		tb.run(fmt.Sprintf("%s at %dx%d", name, v.w, v.h), chromedp.EmulateViewport(v.w, v.h), chromedp.Sleep(150*time.Millisecond))
		if bad := tb.eval(name+": overflow check", screenCheck); bad != "" {
			tb.t.Errorf("%s at %dx%d: %s", name, v.w, v.h, bad)
		}
		ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
		png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
		cancel()
		if err != nil {
			tb.t.Fatalf("screenshot %s: %v", name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("%s-%dx%d.png", name, v.w, v.h)), png, 0o644); err != nil {
			tb.t.Fatal(err)
		}
	}
	tb.run("back to 1280x800", chromedp.EmulateViewport(1280, 800))
}

// TestIdleKioskLookupInChromium: at the idle kiosk the desk's hours and
// today's queue show; a slip's barcode (decoded from the printed bytes)
// scanned as keystrokes fills the number and asks for the phone's last
// four digits, never showing the ticket by itself; wrong digits are
// refused; the right ones show the stored ticket's status in big type
// with nothing of the customer; the view returns to idle after its time
// and at once when a card is laid.
func TestIdleKioskLookupInChromium(t *testing.T) {
	vpcdtest.Start(t)
	ctx := browser(t)
	data := filepath.Join(t.TempDir(), "data")
	m := runMainAt(t, deskConf(t), data, "127.0.0.1:0")
	defer m.Close()
	base, shots, prints := "http://"+m.Addr(), shotsDir(t), filepath.Join(filepath.Dir(data), "prints")
	clerk := dialStaff(t, m.Addr(), "clerk", "1111")
	var in struct {
		Ticket storedTicket `json:"ticket"`
	}
	clerk.mustCall("ticket.intake", map[string]any{"kind": "repair", "phone": "13800130020", "purchase_id": "demo-p20", "fault": "屏幕不亮",
		"problem": "quality", "condition": map[string]any{"packaging": true, "receipt": true}}, &in)
	number := in.Ticket.Number
	var detail struct {
		Customer struct {
			Name   string   `json:"name"`
			Phones []string `json:"phones"`
		} `json:"customer"`
	}
	clerk.mustCall("ticket.get", map[string]string{"number": number}, &detail)
	var today struct {
		Open, Close string
		Queue       int
	}
	clerk.mustCall("desk.today", nil, &today)

	kiosk := newTab(t, ctx, "kiosk", base+"/kiosk?desk=desk1&status_s=3")
	t.Run("idle screen: hours and queue", func(t *testing.T) {
		kiosk.t = t
		kiosk.waitJS("queue shown", `document.querySelector('#queuelen') !== null`)
		if q := kiosk.text("#queuelen"); q != fmt.Sprint(today.Queue) || today.Queue < 1 {
			t.Errorf("queue on the idle screen = %q, want desk.today's %d (with the intake)", q, today.Queue)
		}
		if h := kiosk.text("#hours"); !strings.Contains(h, today.Open+"–"+today.Close) {
			t.Errorf("hours = %q, want %s–%s from store.toml", h, today.Open, today.Close)
		}
		kiosk.shoot(shots, "kiosk-idle")
	})
	t.Run("a scanned slip asks for the last four digits", func(t *testing.T) {
		kiosk.t = t
		slip := slipText(t, prints, number)
		scanned := ""
		for _, l := range strings.Split(slip, "\n") {
			if ticketNumber.MatchString(l) {
				scanned = l
			}
		}
		if scanned != number {
			t.Fatalf("the printed slip's codes carry %q, want the ticket number %s:\n%s", scanned, number, slip)
		}
		// The ops the kiosk calls from here on, to see that the scan alone
		// looks nothing up: under chromedp the scan's Enter reaches the
		// digits field the scan focused, and a lookup it sent with no
		// digits was refused so late that its refusal wiped the digits
		// typed next.
		kiosk.eval("watch the ops", `(() => { const c = window.kiosk.conn, call = c.call.bind(c); window.ops = [];
			c.call = (op, args) => (window.ops.push(op), call(op, args)); return ''; })()`)
		kiosk.run("scan", chromedp.KeyEvent(scanned+"\r"))
		kiosk.waitJS("number filled", fmt.Sprintf(`document.querySelector('#slipnumber').value === %q && document.activeElement.id === 'sliplast4'`, number))
		if kiosk.eval("no status yet", `document.querySelector('#slipstatus') ? 'shown' : ''`) != "" {
			t.Fatal("a scan alone showed the ticket")
		}
		if ops := kiosk.eval("ops after the scan", `window.ops.join(' ')`); strings.Contains(ops, "ticket.status") {
			t.Errorf("the scan alone sent %s, want nothing looked up before the digits", ops)
		}
		kiosk.run("wrong digits", chromedp.SendKeys(chromedp.CSS("#sliplast4"), "9999\r"))
		kiosk.waitJS("refused", `document.querySelector('#sliperr').textContent.includes('不符')`)
	})
	t.Run("the right digits show the status and nothing else", func(t *testing.T) {
		kiosk.t = t
		last4 := detail.Customer.Phones[0][len(detail.Customer.Phones[0])-4:]
		kiosk.run("digits", chromedp.SendKeys(chromedp.CSS("#sliplast4"), last4+"\r"), chromedp.WaitVisible(chromedp.CSS("#slipstatus")))
		stored := clerk.ticket(number)
		if got := kiosk.text("#stnumber"); got != number {
			t.Errorf("status shows %q, want %s", got, number)
		}
		if got, want := kiosk.eval("status pill", `document.querySelector('#ststatus').className`), "st-"+stored.Status; !strings.Contains(got, want) {
			t.Errorf("status pill %q, want the stored status %s", got, want)
		}
		page := kiosk.eval("page text", `document.body.textContent`)
		for _, secret := range append([]string{detail.Customer.Name, "屏幕不亮", "13800130020"}, detail.Customer.Phones...) {
			if strings.Contains(page, secret) {
				t.Errorf("the status screen shows %q", secret)
			}
		}
		if kiosk.text("#stnext") == "" || kiosk.text("#stdue") == "" {
			t.Errorf("status screen lacks what happens next or the due date")
		}
		kiosk.shoot(shots, "kiosk-status")
		kiosk.waitJS("back to idle after status_s", `document.querySelector('#slipform') !== null && !document.querySelector('#slipstatus')`)
	})
	t.Run("a card ends the status at once", func(t *testing.T) {
		kiosk.t = t
		last4 := detail.Customer.Phones[0][len(detail.Customer.Phones[0])-4:]
		kiosk.run("look up again", chromedp.SendKeys(chromedp.CSS("#slipnumber"), number), chromedp.SendKeys(chromedp.CSS("#sliplast4"), last4+"\r"),
			chromedp.WaitVisible(chromedp.CSS("#slipstatus")))
		card := swipe(t, "04DE3001")
		kiosk.waitJS("the card's owner, not the slip", `document.querySelector('#own') !== null && !document.querySelector('#slipstatus')`)
		card.Remove()
		kiosk.run("idle", chromedp.WaitVisible(chromedp.CSS("#slipform")))
	})
}

// TestStaffSearchInChromium: the search box on the staff screens opens the
// one ticket a number (typed, or scanned with its Enter) or a serial
// finds, lists the several a phone finds (as many as the store holds),
// says when nothing matches, and "/" puts the cursor in it; the kiosk's
// staff view has the same box.
func TestStaffSearchInChromium(t *testing.T) {
	ctx := browser(t)
	m := runMainAt(t, "", filepath.Join(t.TempDir(), "data"), "127.0.0.1:0")
	defer m.Close()
	base, shots := "http://"+m.Addr(), shotsDir(t)
	clerk := dialStaff(t, m.Addr(), "clerk", "1111")
	var numbers []string
	for range 2 {
		var in struct {
			Ticket storedTicket `json:"ticket"`
		}
		clerk.mustCall("ticket.intake", map[string]any{"kind": "repair", "phone": "13800130020", "purchase_id": "demo-p20", "fault": "屏幕不亮",
			"problem": "quality", "condition": map[string]any{"packaging": true, "receipt": true}}, &in)
		numbers = append(numbers, in.Ticket.Number)
	}
	var byPhone []storedTicket
	clerk.mustCall("ticket.search", map[string]string{"q": "13800130020"}, &byPhone)
	if len(byPhone) < 2 {
		t.Fatalf("ticket.search by phone found %d tickets, want the two intakes", len(byPhone))
	}

	staff := newTab(t, ctx, "staff", base+"/staff")
	staff.run("log in", chromedp.WaitVisible(chromedp.CSS("#login")), chromedp.SendKeys(chromedp.CSS("#staffid"), "clerk"),
		chromedp.SendKeys(chromedp.CSS("#pin"), "1111"), chromedp.Click(chromedp.CSS("#login button")), chromedp.WaitVisible(chromedp.CSS("#searchq")))
	t.Run("a number opens its ticket", func(t *testing.T) {
		staff.t = t
		staff.run("scan into the box", chromedp.SendKeys(chromedp.CSS("#searchq"), numbers[1]+"\r"))
		staff.waitJS("detail", fmt.Sprintf(`document.querySelector('#ticketdetail')?.dataset.number === %q`, numbers[1]))
		if got := clerk.ticket(numbers[1]); got.Number != numbers[1] || got.Status == "" {
			t.Errorf("stored ticket = %+v", got)
		}
		staff.closeDialog()
	})
	t.Run("a phone lists every ticket found", func(t *testing.T) {
		staff.t = t
		staff.run("slash focuses the box", chromedp.Click(chromedp.CSS("main h1")), chromedp.KeyEvent("/"))
		staff.waitJS("focused", `document.activeElement.id === 'searchq'`)
		staff.run("phone", chromedp.KeyEvent("13800130020\r"))
		staff.waitJS("list", fmt.Sprintf(`document.querySelectorAll('#searchlist [data-ticket]').length === %d`, len(byPhone)))
		staff.shoot(shots, "staff-search")
		staff.run("open one", chromedp.Click(chromedp.CSS(fmt.Sprintf(`#searchlist [data-ticket=%q]`, numbers[0]))))
		staff.waitJS("detail", fmt.Sprintf(`document.querySelector('#ticketdetail')?.dataset.number === %q && document.querySelector('#searchlist').classList.contains('hidden')`, numbers[0]))
		staff.closeDialog()
	})
	t.Run("nothing found is said", func(t *testing.T) {
		staff.t = t
		staff.eval("clear the box", `document.querySelector('#searchq').value = ''`)
		staff.run("query", chromedp.SendKeys(chromedp.CSS("#searchq"), "没有这个人\r"))
		staff.waitJS("none", `document.querySelector('#searchnone')?.textContent.includes('没有这个人')`)
		staff.shoot(shots, "staff-board")
	})
	t.Run("the kiosk's staff view has the box", func(t *testing.T) {
		kiosk := newTab(t, ctx, "kiosk", base+"/kiosk?desk=desk1", chromedp.WithNewBrowserContext())
		kiosk.run("idle: no search box", chromedp.WaitVisible(chromedp.CSS("#pinpad")))
		if kiosk.eval("hidden", `document.querySelector('#search').classList.contains('hidden') ? '' : 'shown'`) != "" {
			t.Error("the idle kiosk shows the staff search box")
		}
		kiosk.run("PIN", chromedp.SendKeys(chromedp.CSS("#pin"), "1111\r"), chromedp.WaitVisible(chromedp.CSS("#searchq")),
			chromedp.SendKeys(chromedp.CSS("#searchq"), numbers[0]+"\r"))
		kiosk.waitJS("detail", fmt.Sprintf(`document.querySelector('#ticketdetail')?.dataset.number === %q`, numbers[0]))
		kiosk.closeDialog()
		kiosk.shoot(shots, "kiosk-staff")
	})
}

// TestTabCountsInChromium: the supervisor's tabs count their queue,
// approvals, today's calls and print problems as the server does, and
// follow an approval and a closed call made elsewhere without a reload.
func TestTabCountsInChromium(t *testing.T) {
	ctx := browser(t)
	m := runMainAt(t, "", filepath.Join(t.TempDir(), "data"), "127.0.0.1:0")
	defer m.Close()
	boss := dialStaff(t, m.Addr(), "boss", "3333")
	var approvals, mine []storedTicket
	boss.mustCall("tickets.list", map[string]string{"status": "approval"}, &approvals)
	boss.mustCall("tickets.list", map[string]string{"technician": "boss"}, &mine)
	var calls []struct {
		Number string `json:"number"`
		Call   string `json:"call"`
	}
	boss.mustCall("calls.list", nil, &calls)
	var queue []struct {
		State string `json:"state"`
		Jobs  []struct {
			LastError string `json:"last_error"`
		} `json:"jobs"`
	}
	boss.mustCall("print.queue", map[string]any{}, &queue)
	problems := 0
	for _, p := range queue {
		if slices.Contains([]string{"paper_out", "cover_open", "offline", "absent", "error"}, p.State) {
			problems++
		}
		for _, j := range p.Jobs {
			if j.LastError != "" {
				problems++
			}
		}
	}
	if len(approvals) == 0 || len(calls) == 0 {
		t.Fatalf("the demo data has %d approvals and %d calls due, want some of each", len(approvals), len(calls))
	}

	staff := newTab(t, ctx, "staff", "http://"+m.Addr()+"/staff")
	staff.run("log in", chromedp.WaitVisible(chromedp.CSS("#login")), chromedp.SendKeys(chromedp.CSS("#staffid"), "boss"),
		chromedp.SendKeys(chromedp.CSS("#pin"), "3333"), chromedp.Click(chromedp.CSS("#login button")))
	count := func(tab string) string {
		return fmt.Sprintf(`document.querySelector('[data-count=%q]')?.textContent`, tab)
	}
	for tab, want := range map[string]int{"mine": len(mine), "approvals": len(approvals), "calls": len(calls), "print": problems} {
		staff.waitJS(tab+" count", fmt.Sprintf(`%s === '%d'`, count(tab), want))
	}
	staff.shoot(shotsDir(t), "staff-tabs")

	boss.mustCall("ticket.approve", map[string]string{"number": approvals[0].Number, "reason": "同意"}, nil)
	staff.waitJS("approvals after an approval", fmt.Sprintf(`%s === '%d'`, count("approvals"), len(approvals)-1))
	boss.mustCall("call.close", map[string]string{"number": calls[0].Number, "kind": calls[0].Call, "outcome": "reached"}, nil)
	var after []struct{}
	boss.mustCall("calls.list", nil, &after)
	if len(after) == len(calls) {
		t.Fatalf("calls.list after closing a call still has %d", len(after))
	}
	staff.waitJS("calls after a closed call", fmt.Sprintf(`%s === '%d'`, count("calls"), len(after)))
}
