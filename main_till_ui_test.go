package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"shouhou/appliance"
	"shouhou/appliance/purchases"
)

// TestReceiptScanInChromium: the till pushes a sale; at the kiosk the
// clerk finds the customer by phone and types the receipt number as a
// keyboard-wedge scanner does (the characters, then Enter); the receipt's
// lines come up; tapping the television starts the intake with its date,
// price paid, category and serial filled in and locked, and the decision
// (a quality return refunding the price paid) is shown; the ticket made
// is about that till purchase, now the customer's. Then a supervisor
// corrects the other line's price at the intake, with a reason.
func TestReceiptScanInChromium(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	m := runMainAt(t, tillConf(t, ""), filepath.Join(dir, "data"), "127.0.0.1:0")
	defer func() { m.Close() }()
	sold := time.Now().In(m.Config().Store.Location).AddDate(0, 0, -2)
	code, body := push(t, m.Addr(), tillToken, `{"receipt":"R-SCAN-0001","sold":"`+sold.Format(time.RFC3339)+`","lines":[
		{"line":1,"sku":"HDMI","name":"高清线","category":"electronics","price_fen":3990},
		{"line":2,"sku":"TV55","name":"液晶电视机","spec":"55英寸","category":"数码家电","serial":"SN-TV-7788","price_fen":359900}]}`)
	if code != 200 {
		t.Fatalf("push = %d %s", code, body)
	}

	kiosk := newTab(t, ctx, "kiosk", "http://"+m.Addr()+"/kiosk?desk=desk1")
	kiosk.run("PIN login", chromedp.WaitVisible(chromedp.CSS("#pinpad")),
		chromedp.Click(chromedp.CSS(`[data-k="1"]`)), chromedp.Click(chromedp.CSS(`[data-k="1"]`)), chromedp.Click(chromedp.CSS(`[data-k="1"]`)),
		chromedp.Click(chromedp.CSS(`[data-k="1"]`)), chromedp.Click(chromedp.CSS(`[data-k="OK"]`)), chromedp.WaitVisible(chromedp.CSS("#lookup")))
	kiosk.run("the customer by phone", chromedp.SendKeys(chromedp.CSS("#phone"), "13800130001"), chromedp.Click(chromedp.CSS("#lookup button")))
	kiosk.waitJS("customer panel", `document.querySelector('#custname')?.textContent === '王秀英' && !document.querySelector('#panel .loading')`)
	kiosk.closeDialog()

	kiosk.run("scan the receipt", chromedp.SendKeys(chromedp.CSS("#receiptscan"), "R-SCAN-0001"+kb.Enter))
	kiosk.waitJS("the receipt's two lines", `document.querySelectorAll('#receiptlines [data-tillline]').length === 2`)
	if lines := kiosk.text("#receiptlines"); !strings.Contains(lines, "高清线") || !strings.Contains(lines, "液晶电视机 55英寸") || !strings.Contains(lines, "¥3599.00") {
		t.Errorf("receipt lines = %q", lines)
	}
	kiosk.run("tap the television", chromedp.Click(chromedp.CSS(`[data-tillline="1"]`)), chromedp.WaitVisible(chromedp.CSS(`[data-kind="return"]`)))
	kiosk.run("kind: return", chromedp.Click(chromedp.CSS(`[data-kind="return"]`)), chromedp.WaitVisible(chromedp.CSS("#tillpurchase")))
	want := map[string]string{"purchased": sold.Format("2006-01-02"), "price": "3599.00", "category": "electronics", "serial": "SN-TV-7788"}
	for field, v := range want {
		kiosk.waitJS("locked "+field, `(() => { const i = document.querySelector('#tillfields [name="`+field+`"]'); return i.value === '`+v+`' && i.disabled; })()`)
	}
	if kiosk.waitJS("a clerk cannot correct", `!document.querySelector('#correct')`); t.Failed() {
		return
	}
	kiosk.run("fault, then the decision", chromedp.SetValue(chromedp.CSS("#fault"), "屏幕有坏点"),
		chromedp.Click(chromedp.CSS(`[data-problem="quality"]`)), chromedp.WaitVisible(chromedp.CSS("#preview")),
		chromedp.Click(chromedp.CSS("#preview")), chromedp.WaitVisible(chromedp.CSS("#decision")))
	if out := kiosk.text(`#decision [data-outcome="return"]`); !strings.Contains(out, "¥3599.00") {
		t.Errorf("return outcome = %q, want the price paid at the till, ¥3599.00, refunded", out)
	}
	kiosk.run("confirm", chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#ticketno")))
	number := kiosk.text("#ticketno")

	clerk := dialStaff(t, m.Addr(), "clerk", "1111")
	var got struct {
		Ticket appliance.Ticket `json:"ticket"`
	}
	clerk.mustCall("ticket.get", map[string]string{"number": number}, &got)
	if tk := got.Ticket; tk.PurchaseID != "till/R-SCAN-0001/2" || tk.CustomerID != "demo-01" || tk.Outcome != "return" {
		t.Errorf("ticket %s = purchase %q customer %q outcome %q, want the till's line 2 for demo-01, a return", number, tk.PurchaseID, tk.CustomerID, tk.Outcome)
	}
	var f purchases.Found
	clerk.mustCall("purchase.find", map[string]string{"code": "SN-TV-7788"}, &f)
	if len(f.Purchases) != 1 || f.Purchases[0].CustomerID != "demo-01" || f.Purchases[0].PriceFen != 359900 {
		t.Errorf("the till purchase after the intake = %+v, want it the customer's, as the till said", f.Purchases)
	}

	// A supervisor corrects the cable's price paid at the intake, with a reason.
	kiosk.run("done", chromedp.Click(chromedp.CSS("#intakedone")), chromedp.WaitVisible(chromedp.CSS("#panel")))
	kiosk.tap("log out", "#logout")
	kiosk.run("logged out", chromedp.WaitVisible(chromedp.CSS("#pinpad")))
	kiosk.run("the supervisor's PIN", chromedp.Click(chromedp.CSS(`[data-k="3"]`)), chromedp.Click(chromedp.CSS(`[data-k="3"]`)),
		chromedp.Click(chromedp.CSS(`[data-k="3"]`)), chromedp.Click(chromedp.CSS(`[data-k="3"]`)), chromedp.Click(chromedp.CSS(`[data-k="OK"]`)),
		chromedp.WaitVisible(chromedp.CSS("#lookup")), chromedp.SendKeys(chromedp.CSS("#phone"), "13800130001"), chromedp.Click(chromedp.CSS("#lookup button")))
	kiosk.waitJS("customer panel", `!!document.querySelector('#receiptscan')`)
	kiosk.run("scan again, tap the cable", chromedp.SendKeys(chromedp.CSS("#receiptscan"), "R-SCAN-0001"+kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(`[data-tillline="0"]`)), chromedp.Click(chromedp.CSS(`[data-tillline="0"]`)),
		chromedp.WaitVisible(chromedp.CSS(`[data-kind="repair"]`)), chromedp.Click(chromedp.CSS(`[data-kind="repair"]`)),
		chromedp.WaitVisible(chromedp.CSS("#correct")), chromedp.Click(chromedp.CSS("#correct")))
	kiosk.waitJS("unlocked", `!document.querySelector('#tillfields [name="price"]').disabled`)
	kiosk.run("correct the price", chromedp.SetValue(chromedp.CSS(`#tillfields [name="price"]`), "29.90"),
		chromedp.SendKeys(chromedp.CSS(`#tillfields [name="reason"]`), "收银员多收了十元"), chromedp.Click(chromedp.CSS("#savecorrect")))
	kiosk.waitJS("locked again with the corrected price", `(() => { const i = document.querySelector('#tillfields [name="price"]'); `+
		`return i && i.disabled && i.value === '29.90' && document.querySelector('#tillpurchase').textContent.includes('主管已更正'); })()`)
	clerk.mustCall("purchase.find", map[string]string{"code": "R-SCAN-0001"}, &f)
	if p := f.Purchases[0]; p.PriceFen != 2990 || !p.Corrected {
		t.Errorf("the corrected cable = %+v, want 2990 fen, corrected", p)
	}
}
