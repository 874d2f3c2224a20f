package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"shouhou/drivers/printer/escpostest"
	"shouhou/forms"
)

// wsClient is a test's own websocket to the server, for setting up and
// checking what the screens did (no browser, so no Origin and no cookie).
type wsClient struct {
	t  testing.TB
	ws *websocket.Conn
	id int
}

// dialStaff opens a websocket to addr and logs staff in with pin.
func dialStaff(t testing.TB, addr, staff, pin string) *wsClient {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", nil)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { ws.Close() })
	c := &wsClient{t: t, ws: ws}
	c.mustCall("login", map[string]string{"staff": staff, "pin": pin}, nil)
	return c
}

// call sends op and decodes its result into out (unless nil); a refusal
// is returned as an error with the server's code and message.
func (c *wsClient) call(op string, args, out any) error {
	c.t.Helper()
	c.id++
	id := fmt.Sprint(c.id)
	if err := c.ws.WriteJSON(map[string]any{"id": id, "op": op, "args": args}); err != nil {
		return err
	}
	for {
		var f struct {
			ID     string          `json:"id"`
			OK     bool            `json:"ok"`
			Result json.RawMessage `json:"result"`
			Error  *opError
		}
		c.ws.SetReadDeadline(time.Now().Add(10 * time.Second))
		if err := c.ws.ReadJSON(&f); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		if f.ID != id {
			continue // an event, or another reply
		}
		if !f.OK {
			f.Error.Op = op
			return f.Error
		}
		if out == nil {
			return nil
		}
		return json.Unmarshal(f.Result, out)
	}
}

// opError is a refusal: the server's code, message and the field named.
type opError struct {
	Op                   string
	Code, Message, Field string
}

func (e *opError) Error() string { return fmt.Sprintf("%s: %s: %s", e.Op, e.Code, e.Message) }

func (c *wsClient) mustCall(op string, args, out any) {
	c.t.Helper()
	if err := c.call(op, args, out); err != nil {
		c.t.Fatal(err)
	}
}

// storedTicket is the part of a stored ticket the browser tests check.
type storedTicket struct {
	Number  string `json:"number"`
	Kind    string `json:"kind"`
	Status  string `json:"status"`
	Payment string `json:"payment"`
	PaidFen int64  `json:"paid_fen"`
	Result  string `json:"result"`
	// ComplaintReason is a complaint's reason code.
	ComplaintReason string `json:"complaint_reason"`
	Survey          *struct {
		Attitude   int `json:"attitude"`
		Skill      int `json:"skill"`
		Timeliness int `json:"timeliness"`
		FollowUp   int `json:"follow_up"`
	} `json:"survey"`
}

// ticket reads a ticket as the server stores it.
func (c *wsClient) ticket(number string) storedTicket {
	c.t.Helper()
	var d struct {
		Ticket storedTicket `json:"ticket"`
	}
	c.mustCall("ticket.get", map[string]string{"number": number}, &d)
	return d.Ticket
}

// slipText waits until a job the printer's directory sink wrote decodes
// (as ESC/POS, through escpostest) to text containing want, and returns
// that text; it fails the test after 10 s.
func slipText(t testing.TB, dir, want string) string {
	t.Helper()
	return slipMatching(t, dir, fmt.Sprintf("%q", want), func(text string) bool { return strings.Contains(text, want) })
}

// slipMatching is slipText for the first slip whose text match accepts;
// what says what it looks for in the failure.
func slipMatching(t testing.TB, dir, what string, match func(string) bool) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	var seen []string
	for {
		seen = seen[:0]
		bins, _ := filepath.Glob(filepath.Join(dir, "*.bin"))
		for _, bin := range bins {
			b, err := os.ReadFile(bin)
			if err != nil {
				continue
			}
			res, err := escpostest.Decode(b)
			if err != nil {
				seen = append(seen, fmt.Sprintf("%s: %v", filepath.Base(bin), err))
				continue
			}
			var lines []string
			for _, bl := range res.Blocks {
				if bl.Kind == forms.KindText || bl.Kind == forms.KindBarcode || bl.Kind == forms.KindQR {
					lines = append(lines, bl.Text)
				}
			}
			text := strings.Join(lines, "\n")
			if match(text) {
				return text
			}
			seen = append(seen, filepath.Base(bin))
		}
		if time.Now().After(deadline) {
			t.Fatalf("no slip in %s mentions %s after 10 s; jobs there: %v", dir, what, seen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// openRow taps the board row sel (tap) and waits for the ticket's dialog
// to show ready. The board redraws on every ticket event (a debounced
// reload), so a row found a moment ago may be gone by the time a CDP
// click reaches it ("Could not find node"). It taps once: a row is wired
// as it is drawn, so the tap cannot be lost, while tapping again on every
// frame until the dialog showed (as before) could send a ticket.get per
// frame on a slow box, and the late answers redraw the dialog under the
// next step.
func (tb *tab) openRow(step, sel, ready string) {
	tb.t.Helper()
	tb.tap(step, sel)
	tb.waitJS(step+": its dialog", fmt.Sprintf(`!!document.querySelector(%q)?.checkVisibility()`, ready))
}

// tap clicks sel once, looked up and clicked in one evaluation (tapJS),
// for a node the screen redraws on events: the board's rows and the
// kiosk's panel on ticket events (the kiosk's header buttons with every
// redraw of its screen), the call list, the print queue on print events.
// A CDP click looks the node up, then asks for its box, then sends the
// mouse events; a redraw in between fails it with "Could not find node".
func (tb *tab) tap(step, sel string) {
	tb.t.Helper()
	tb.waitJS(step, tapJS(sel))
}

// tapJS is an expression that clicks the first element matching sel
// when a finger could touch it, as a CDP click would (it scrolls it into
// view and sends the mouse to its middle): shown, and on top in the
// middle of its part in the window, not under a dialog or another
// element (a row taller than the window, of long typed text, is touched
// where it shows). It is true once clicked.
func tapJS(sel string) string {
	return fmt.Sprintf(`(e => { if (!e || !e.checkVisibility()) return false; e.scrollIntoView({ block: 'center', inline: 'nearest' });
		const r = e.getBoundingClientRect(), x = (Math.max(r.left, 0) + Math.min(r.right, innerWidth)) / 2, y = (Math.max(r.top, 0) + Math.min(r.bottom, innerHeight)) / 2;
		const at = document.elementFromPoint(x, y);
		return !!at && e.contains(at) && (e.click(), true); })(document.querySelector(%q))`, sel)
}

// closeDialog closes what a step before left open on the tab (a receipt's
// Done), as the clerk would.
func (tb *tab) closeDialog() {
	tb.t.Helper()
	tb.waitJS("dialog closed", `(document.querySelector('#modal:not(.hidden) [data-close]')?.click(), document.querySelector('#modal').classList.contains('hidden'))`)
}

var ticketNumber = regexp.MustCompile(`^T\d{8}-\d{4}$`)

// clickAll clicks each selector in turn.
func clickAll(sels ...string) []chromedp.Action[chromedp.Void] {
	var out []chromedp.Action[chromedp.Void]
	for _, s := range sels {
		out = append(out, chromedp.Click(chromedp.CSS(s)))
	}
	return out
}

// testIntakeReturn takes in a quality return of 王秀英's earphones (bought
// two days ago) at the kiosk: kind, purchase, condition and fault, the
// decision, confirm; the ticket number is shown and the return form's
// slip reaches the printer's directory sink with the number on it.
func testIntakeReturn(t *testing.T, kiosk *tab, prints string) {
	card := kiosk.swipeFor("04DE3001", "王秀英")
	defer card.Remove()
	kiosk.closeDialog()
	kiosk.tap("start the intake", "#intakebtn")
	kiosk.run("the kinds", chromedp.WaitVisible(chromedp.CSS(`[data-kind="return"]`)))
	kiosk.run("kind: return", chromedp.Click(chromedp.CSS(`[data-kind="return"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-purchase="demo-p01"]`)))
	kiosk.run("the earphones", chromedp.Click(chromedp.CSS(`[data-purchase="demo-p01"]`)), chromedp.WaitVisible(chromedp.CSS("#fault")))
	kiosk.run("fault, then the decision", chromedp.SetValue(chromedp.CSS("#fault"), "耳机左耳无声音"),
		chromedp.Click(chromedp.CSS(`[data-problem="quality"]`)), chromedp.WaitVisible(chromedp.CSS("#preview")),
		chromedp.Click(chromedp.CSS("#preview")), chromedp.WaitVisible(chromedp.CSS("#decision")))
	if out := kiosk.text(`#decision [data-outcome="return"]`); !strings.Contains(out, "¥399.00") {
		t.Errorf("return outcome = %q, want the price paid, ¥399.00, refunded", out)
	}
	kiosk.waitJS("the return is what was asked", `!!document.querySelector('#decision [data-outcome="return"].requested')`)
	if ap := kiosk.text("#approval"); !strings.Contains(ap, "无需审批") {
		t.Errorf("approval = %q, want none needed for a quality return on day 2", ap)
	}
	if b := kiosk.eval("confirm in sight", `(() => { const r = document.querySelector('#confirm').getBoundingClientRect(); return r.bottom > innerHeight ? r.bottom + 'px of ' + innerHeight + 'px' : ''; })()`); b != "" {
		t.Errorf("the confirm button ends at %s: below the fold of a 1280×800 screen", b)
	}
	kiosk.words("the intake's decision", "zh")
	kiosk.run("confirm", chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#ticketno")))
	number := kiosk.text("#ticketno")
	if !ticketNumber.MatchString(number) {
		t.Fatalf("ticket number shown = %q, want T########-####", number)
	}
	if note := kiosk.text("#printnote"); !strings.Contains(note, "受理单正在打印") && !strings.Contains(note, "受理单已打印") {
		t.Errorf("print note = %q, want the intake slip printing", note)
	}
	slip := slipText(t, prints, number)
	for _, want := range []string{"退换货登记表", "蓝牙耳机 X3 黑色"} {
		if !strings.Contains(slip, want) {
			t.Errorf("the slip of %s lacks %q:\n%s", number, want, slip)
		}
	}
	kiosk.run("done", chromedp.Click(chromedp.CSS("#intakedone")), chromedp.WaitVisible(chromedp.CSS("#panel")))
	kiosk.waitJS("the new ticket on the panel", fmt.Sprintf(`!!document.querySelector('#panel [data-ticket=%q]')`, number))
}

// testIntakeComplaint takes a complaint in at the kiosk: the reason is
// picked from the configured list (complaint.reasons), the customer's
// words written beside it; without a reason the screen asks for one.
func testIntakeComplaint(t *testing.T, kiosk *tab, addr string) {
	card := kiosk.swipeFor("04DE3001", "王秀英")
	defer card.Remove()
	kiosk.closeDialog()
	kiosk.tap("start the intake", "#intakebtn")
	kiosk.run("the kinds", chromedp.WaitVisible(chromedp.CSS(`[data-kind="complaint"]`)))
	kiosk.run("kind: complaint, no product", chromedp.Click(chromedp.CSS(`[data-kind="complaint"]`)), chromedp.WaitVisible(chromedp.CSS("#nopurchase")),
		chromedp.Click(chromedp.CSS("#nopurchase")), chromedp.WaitVisible(chromedp.CSS(`#reasons [data-reason="service"]`)))
	if n := kiosk.text("#reasons"); !strings.Contains(n, "服务态度") || !strings.Contains(n, "其他") {
		t.Errorf("reasons offered = %q, want the configured list", n)
	}
	kiosk.run("no reason picked", chromedp.SetValue(chromedp.CSS("#fault"), "送货员态度差"), chromedp.Click(chromedp.CSS("#preview")))
	kiosk.waitJS("asked for a reason", `document.querySelector('#intakeerr')?.textContent.includes('投诉原因')`)
	kiosk.run("pick service, then the decision", chromedp.Click(chromedp.CSS(`[data-reason="service"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-reason="service"].chosen`)), chromedp.Click(chromedp.CSS("#preview")),
		chromedp.WaitVisible(chromedp.CSS("#confirm")))
	if b := kiosk.eval("confirm in sight", `(() => { const r = document.querySelector('#confirm').getBoundingClientRect(); return r.bottom > innerHeight ? r.bottom + 'px of ' + innerHeight + 'px' : ''; })()`); b != "" {
		t.Errorf("the confirm button ends at %s: below the fold of a 1280×800 screen", b)
	}
	kiosk.words("the intake's decision", "zh")
	kiosk.run("confirm", chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#ticketno")))
	number := kiosk.text("#ticketno")
	if tk := dialStaff(t, addr, "clerk", "1111").ticket(number); tk.ComplaintReason != "service" {
		t.Errorf("complaint %s stored with reason %q, want service", number, tk.ComplaintReason)
	}
	kiosk.run("done", chromedp.Click(chromedp.CSS("#intakedone")), chromedp.WaitVisible(chromedp.CSS("#panel")))
}

// testRepairPickupSurvey follows a paid repair: taken in (over the
// websocket) and assigned, then in a technician's own browser diagnosed,
// quoted, accepted and concluded until it is ready; the clerk picks it up
// at the kiosk, charging the fee in cash, and the customer answers the
// survey there. The stored ticket must be closed, paid and surveyed.
func testRepairPickupSurvey(t *testing.T, ctx context.Context, kiosk *tab, base, addr string) {
	clerk := dialStaff(t, addr, "clerk", "1111")
	var in struct {
		Ticket storedTicket `json:"ticket"`
	}
	clerk.mustCall("ticket.intake", map[string]any{"key": "ui-test-repair", "kind": "repair", "card": "SC-000001", "purchase_id": "demo-p01",
		"fault": "耳机进水后无法充电", "problem": "customer_damage", "request": "repair",
		"condition": map[string]bool{"packaging": true, "accessories": true, "warranty_card": true, "receipt": true}}, &in)
	number := in.Ticket.Number
	if in.Ticket.Status != "open" {
		t.Fatalf("intake of a paid repair: status %q, want open", in.Ticket.Status)
	}
	// Assigned in the clerk's staff page (the kiosk's browser, its cookie):
	// the technician is picked from technicians.list, not typed.
	desk := newTab(t, ctx, "desk staff", base+"/staff")
	row := fmt.Sprintf(`#boardbody tr[data-ticket=%q]`, number)
	desk.openRow("the ticket on the board", row, `[data-act="assign"]`)
	desk.run("assign", chromedp.Click(chromedp.CSS(`[data-act="assign"]`)), chromedp.WaitVisible(chromedp.CSS(`#af select[name="technician"]`)))
	desk.waitJS("the technicians offered", `document.querySelector('#af select[name="technician"]').value === 'tech'`)
	desk.run("confirm", chromedp.Click(chromedp.CSS("#afsubmit")))
	desk.waitJS("in repair", `document.querySelector('#tkstatus')?.textContent.includes('维修中')`)

	tech := newTab(t, ctx, "technician", base+"/staff", chromedp.WithNewBrowserContext())
	tech.run("log in", chromedp.WaitVisible(chromedp.CSS("#login")), chromedp.SendKeys(chromedp.CSS("#staffid"), "tech"),
		chromedp.SendKeys(chromedp.CSS("#pin"), "2222"), chromedp.Click(chromedp.CSS("#login button")), chromedp.WaitVisible(chromedp.CSS(`a[href="#mine"]`)))
	// The queue is drawn on hashchange, after the click: until then the
	// board shows, with the same row.
	tech.run("my queue", chromedp.Click(chromedp.CSS(`a[href="#mine"]`)), chromedp.WaitVisible(chromedp.CSS(`#tabs a.on[href="#mine"]`)),
		chromedp.WaitVisible(chromedp.CSS(row)))
	tech.openRow("my queue: the ticket", row, `[data-act="diagnose"]`)
	tech.run("diagnose: inspection", chromedp.Click(chromedp.CSS(`[data-act="diagnose"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-labour="inspect"]`)),
		chromedp.Click(chromedp.CSS(`[data-labour="inspect"]`)), chromedp.Click(chromedp.CSS("#afsubmit")))
	tech.waitJS("fee priced", `document.querySelector('#tkfees')?.textContent.includes('¥20.00')`)
	tech.run("tell the quote", chromedp.WaitVisible(chromedp.CSS(`[data-act="quote"]`)), chromedp.Click(chromedp.CSS(`[data-act="quote"]`)))
	tech.waitJS("quoted", `!!document.querySelector('#tkquote') && !!document.querySelector('[data-act="accept"]')`)
	tech.run("the customer accepts", chromedp.Click(chromedp.CSS(`[data-act="accept"]`)))
	tech.waitJS("accepted", `document.querySelector('#tkquote')?.textContent.includes('已同意')`)
	tech.run("conclude", chromedp.Click(chromedp.CSS(`[data-act="conclude"]`)), chromedp.WaitVisible(chromedp.CSS(`#af textarea[name="conclusion"]`)),
		chromedp.SetValue(chromedp.CSS(`#af textarea[name="conclusion"]`), "清洁主板，更换充电口，测试正常"), chromedp.Click(chromedp.CSS("#afsubmit")))
	tech.waitJS("ready for pickup", `document.querySelector('#tkstatus')?.textContent.includes('待取件')`)

	card := kiosk.swipeFor("04DE3001", "王秀英")
	defer card.Remove()
	kiosk.closeDialog()
	kiosk.tap("pickup", fmt.Sprintf(`[data-pickup=%q]`, number))
	kiosk.run("the pickup", chromedp.WaitVisible(chromedp.CSS("#pickupbox")))
	if due := kiosk.text("#due"); due != "¥20.00" {
		t.Errorf("fee due at pickup = %q, want ¥20.00", due)
	}
	kiosk.run("cash, then pickup", chromedp.Click(chromedp.CSS("#paycash")), chromedp.WaitVisible(chromedp.CSS("#surveybox")))
	kiosk.run("the customer's survey", append(clickAll(`[data-item="attitude"][data-level="4"]`, `[data-item="skill"][data-level="4"]`,
		`[data-item="timeliness"][data-level="3"]`, `[data-item="follow_up"][data-level="4"]`, "#surveysubmit"),
		chromedp.WaitVisible(chromedp.CSS("#surveythanks")))...)

	got := clerk.ticket(number)
	if got.Status != "closed" || got.Payment != "cash" || got.PaidFen != 2000 || got.Result != "repaired" {
		t.Errorf("stored ticket = status %q, payment %q, paid %d, result %q; want closed, cash, 2000, repaired", got.Status, got.Payment, got.PaidFen, got.Result)
	}
	if s := got.Survey; s == nil || s.Attitude != 4 || s.Skill != 4 || s.Timeliness != 3 || s.FollowUp != 4 {
		t.Errorf("stored survey = %+v, want 4/4/3/4", s)
	}
}

// intakeKinds are the intakes testIntakeEachKind takes in at the kiosk,
// besides the return and the complaint taken in before it: each with the
// purchase it is about ("" for none) and what the details step needs.
var intakeKinds = []struct {
	kind, purchase, fault string
	decided               bool // a policy decision: the problem is picked
	contractEnd           bool // a maintenance contract's end date
}{
	{"exchange", "demo-p01", "耳机右耳杂音，要求换货", true, false},
	{"repair", "demo-p01", "耳机充电盒指示灯不亮", true, false},
	{"onsite", "", "空调外机滴水，需上门检查", true, false},
	{"consultation", "", "咨询耳机保修期多长", false, false},
	{"storage", "demo-p01", "暂存已购耳机，明天来取", false, false},
	{"delivery", "", "送货上门：耳机一副", false, false},
	{"out_of_stock", "", "缺货登记：蓝牙耳机 X3 白色", false, false},
	{"maintenance", "", "空调一年保养合同", false, true},
}

// testIntakeEachKind takes in one ticket of every kind in intakeKinds at
// the kiosk for 王秀英's card, through the intake steps as a clerk taps
// them; each ends with its number on screen, its intake slip decoded from
// the printer's bytes, and the stored ticket of that kind. It returns the
// numbers.
func testIntakeEachKind(t *testing.T, kiosk *tab, addr, prints string) []string {
	clerk := dialStaff(t, addr, "clerk", "1111")
	contractEnd := time.Now().AddDate(1, 0, 0).Format(time.DateOnly)
	var numbers []string
	for _, k := range intakeKinds {
		card := kiosk.swipeFor("04DE3001", "王秀英")
		kiosk.closeDialog()
		kiosk.tap(k.kind+": start", "#intakebtn")
		kiosk.run(k.kind+": the kind", chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-kind=%q]`, k.kind))),
			chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-kind=%q]`, k.kind))))
		if k.purchase != "" {
			kiosk.run(k.kind+": the purchase", chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`[data-purchase=%q]`, k.purchase))),
				chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-purchase=%q]`, k.purchase))))
		} else {
			kiosk.run(k.kind+": no product", chromedp.WaitVisible(chromedp.CSS("#nopurchase")), chromedp.Click(chromedp.CSS("#nopurchase")))
		}
		kiosk.run(k.kind+": details", chromedp.WaitVisible(chromedp.CSS("#fault")), chromedp.SetValue(chromedp.CSS("#fault"), k.fault))
		if k.decided {
			kiosk.run(k.kind+": a quality problem", chromedp.Click(chromedp.CSS(`[data-problem="quality"]`)), chromedp.WaitVisible(chromedp.CSS("#fault")))
		}
		if k.contractEnd {
			kiosk.run(k.kind+": the contract's end", chromedp.SetValue(chromedp.CSS("#contract_end"), contractEnd))
		}
		kiosk.run(k.kind+": the decision", chromedp.Click(chromedp.CSS("#preview")), chromedp.WaitVisible(chromedp.CSS("#confirm")))
		kiosk.run(k.kind+": confirm", chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#ticketno")))
		n := kiosk.text("#ticketno")
		if !ticketNumber.MatchString(n) {
			t.Fatalf("%s: ticket number on screen = %q", k.kind, n)
		}
		if note := kiosk.text("#printnote"); !strings.Contains(note, "打印") || strings.Contains(note, "未") {
			t.Fatalf("%s: the done screen says %q, want the intake slip printing", k.kind, note)
		}
		if slip := slipText(t, prints, n); !strings.Contains(slip, n) {
			t.Errorf("%s: no intake slip with %s in %s", k.kind, n, prints)
		}
		if st := clerk.ticket(n); st.Kind != k.kind || (st.Status != "open" && st.Status != "approval") {
			t.Errorf("%s: stored ticket %s is a %s, %s; want a %s, open or waiting for approval", k.kind, n, st.Kind, st.Status, k.kind)
		}
		numbers = append(numbers, n)
		kiosk.run(k.kind+": done", chromedp.Click(chromedp.CSS("#intakedone")))
		card.Remove() // the next swipeFor lays it again a second later
	}
	return numbers
}

// testDayClose closes the day from the supervisor's reports tab at base:
// the frozen closing counts a ticket of each kind of intakeKinds taken in
// (taken are their numbers) and the ¥20.00 top-up, and its slip (日结单)
// comes out of the printer with the same intake count.
func testDayClose(t *testing.T, ctx context.Context, base, addr, prints string, taken []string) {
	boss := newTab(t, ctx, "supervisor", base+"/staff", chromedp.WithNewBrowserContext())
	boss.staffLogin("boss", "3333")
	boss.run("the closing", chromedp.Click(chromedp.CSS(`a[href="#reports"]`)), chromedp.WaitVisible(chromedp.CSS("#rv-closing")),
		chromedp.Click(chromedp.CSS("#rv-closing")), chromedp.WaitVisible(chromedp.CSS("#closeday")))
	boss.run("close the day", chromedp.Click(chromedp.CSS("#closeday")), chromedp.WaitVisible(chromedp.CSS("#confirmclose")),
		chromedp.Click(chromedp.CSS("#confirmclose")))
	boss.waitJS("frozen", `document.querySelector('#closingstate')?.textContent.includes('已日结') && !!document.querySelector('#closedok')`)
	boss.shoot(shotsDir(t), "staff-day-closed")
	sup := dialStaff(t, addr, "boss", "3333")
	var days []struct {
		Day     string `json:"day"`
		Opened  int    `json:"opened"`
		Tickets []struct {
			Kind   string `json:"kind"`
			Opened int    `json:"opened"`
		} `json:"tickets"`
		CardInFen int64 `json:"card_in_fen"`
	}
	today := time.Now().In(shanghai(t)).Format(time.DateOnly)
	sup.mustCall("report.get", map[string]string{"kind": "closing", "from": today, "to": today}, &days)
	if len(days) != 1 {
		t.Fatalf("report.get closing %s = %d days, want 1", today, len(days))
	}
	c := days[0]
	opened := map[string]int{}
	for _, r := range c.Tickets {
		opened[r.Kind] = r.Opened
	}
	for _, k := range intakeKinds[:len(taken)] {
		if opened[k.kind] < 1 {
			t.Errorf("the closing of %s counts %d %s tickets taken in, want the one taken in today (%v)", c.Day, opened[k.kind], k.kind, c.Tickets)
		}
	}
	if c.Opened < len(taken) || c.CardInFen < 2000 {
		t.Errorf("the closing: %d opened, %d fen put on cards; want at least the %d taken in and the ¥20.00 top-up", c.Opened, c.CardInFen, len(taken))
	}
	// The demo's month may have printed closings of its own: this day's
	// is the 日结单 with the frozen count.
	openedLine := regexp.MustCompile(`新受理 +` + fmt.Sprint(c.Opened) + `\b`)
	slipMatching(t, prints, fmt.Sprintf("a 日结单 saying 新受理 %d", c.Opened), func(text string) bool {
		return strings.Contains(text, "日结单") && openedLine.MatchString(text)
	})
}

// shanghai is the demo store's time zone (store.toml).
func shanghai(t testing.TB) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}
