package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/chromedp/chromedp"
)

// flowTicket is the part of a stored ticket the repair and stock flows check.
type flowTicket struct {
	Status     string `json:"status"`
	Vendor     string `json:"vendor"`
	Result     string `json:"result"`
	Settlement *struct {
		Outcome string `json:"outcome"`
		Note    string `json:"note"`
	} `json:"settlement"`
	StockConfirmed string `json:"stock_confirmed"`
	Notices        []struct {
		Kind, Outcome, Operator string
	} `json:"notices"`
}

func (c *wsClient) flowTicket(number string) flowTicket {
	c.t.Helper()
	var d struct {
		Ticket flowTicket `json:"ticket"`
	}
	c.mustCall("ticket.get", map[string]string{"number": number}, &d)
	return d.Ticket
}

// staffLogin logs staff in on a tab at the staff login.
func (tb *tab) staffLogin(id, pin string) {
	tb.t.Helper()
	tb.run("log in as "+id, chromedp.WaitVisible(chromedp.CSS("#login")), chromedp.SendKeys(chromedp.CSS("#staffid"), id),
		chromedp.SendKeys(chromedp.CSS("#pin"), pin), chromedp.Click(chromedp.CSS("#login button")), chromedp.WaitVisible(chromedp.CSS("#searchq")))
}

// openBySearch opens a ticket through the search box.
func (tb *tab) openBySearch(number string) {
	tb.t.Helper()
	tb.eval("clear the search box", `(document.querySelector('#searchq').value = '', '')`)
	tb.run("search "+number, chromedp.SendKeys(chromedp.CSS("#searchq"), number+"\r"))
	tb.waitJS("detail of "+number, fmt.Sprintf(`document.querySelector('#ticketdetail')?.dataset.number === %q`, number))
}

// action clicks a ticket action, fills its form (selector → text typed)
// and confirms; it waits for the redrawn detail saying it was done.
func (tb *tab) action(act string, fill map[string]string) {
	tb.t.Helper()
	tb.run(act, chromedp.Click(chromedp.CSS(fmt.Sprintf(`[data-act=%q]`, act))), chromedp.WaitVisible(chromedp.CSS("#af")))
	for sel, text := range fill {
		tb.run(act+": "+sel, chromedp.SendKeys(chromedp.CSS("#af "+sel), text))
	}
	tb.confirm(act)
}

// confirm submits the open action form and waits for the detail redrawn
// after it. Waiting for #actionok alone is not enough: the detail of the
// action before still shows its own, so the wait returned at once, the
// step went on (closed the dialog, read the ticket) while the call was
// under way, and the redraw then opened the detail again over the next
// screen (the call list's "context deadline exceeded").
func (tb *tab) confirm(act string) {
	tb.t.Helper()
	shown := tb.eval(act+": detail shown", `document.querySelector('#ticketdetail')?.dataset.shown || ''`)
	tb.run(act+": confirm", chromedp.Click(chromedp.CSS("#afsubmit")))
	tb.waitJS(act+": done", fmt.Sprintf(`(d => !!d && d.dataset.shown !== %q && !!d.querySelector('#actionok'))(document.querySelector('#ticketdetail'))`, shown))
}

// TestRepairAndStockFlowsInChromium drives in the staff screens what was
// tested only over the wire: a repair sent to the maker and back,
// concluded unrepairable and settled by the supervisor; an out-of-stock
// registration confirmed by the customer, its stock arrived, and the
// pickup call on the call list closed with its outcome. Each step ends in
// a check of the stored ticket.
func TestRepairAndStockFlowsInChromium(t *testing.T) {
	ctx := browser(t)
	m := runMainAt(t, "", filepath.Join(t.TempDir(), "data"), "127.0.0.1:0")
	// Closed after the tabs' cleanups (registered later, run first), so a
	// failed step's screenshots show the screens as they were, not the
	// "connection lost" that closing the server first puts on every tab.
	t.Cleanup(func() { m.Close() })
	base, shots := "http://"+m.Addr(), shotsDir(t)
	clerk := dialStaff(t, m.Addr(), "clerk", "1111")
	var repair, stock struct {
		Ticket storedTicket `json:"ticket"`
	}
	clerk.mustCall("ticket.intake", map[string]any{"kind": "repair", "phone": "13800130020", "purchase_id": "demo-p20", "fault": "屏幕不亮",
		"problem": "quality", "condition": map[string]any{"packaging": true, "receipt": true}}, &repair)
	clerk.mustCall("ticket.assign", map[string]string{"number": repair.Ticket.Number, "technician": "tech"}, nil)
	clerk.mustCall("ticket.intake", map[string]any{"kind": "out_of_stock", "phone": "13800130020", "fault": "同款白色 M码"}, &stock)
	rn, sn := repair.Ticket.Number, stock.Ticket.Number

	boss := newTab(t, ctx, "supervisor", base+"/staff")
	boss.staffLogin("boss", "3333")
	t.Run("send to the maker and back", func(t *testing.T) {
		boss.t = t
		boss.openBySearch(rn)
		boss.action("vendor_send", map[string]string{"input[name=vendor]": "华强售后中心", "textarea[name=note]": "屏幕返厂"})
		if tk := clerk.flowTicket(rn); tk.Status != "at_vendor" || tk.Vendor != "华强售后中心" {
			t.Fatalf("after the send: %s at %q, want at_vendor at 华强售后中心", tk.Status, tk.Vendor)
		}
		boss.shoot(shots, "staff-ticket-at-vendor")
		boss.action("vendor_back", map[string]string{"textarea[name=note]": "厂家检测：屏幕排线损坏"})
		if tk := clerk.flowTicket(rn); tk.Status != "in_repair" {
			t.Fatalf("after the return: %s, want in_repair", tk.Status)
		}
	})
	t.Run("unrepairable, settled by the supervisor", func(t *testing.T) {
		boss.t = t
		boss.run("unrepairable", chromedp.Click(chromedp.CSS(`[data-act="conclude"]`)), chromedp.WaitVisible(chromedp.CSS("#af")),
			chromedp.Click(chromedp.CSS(`#af input[value="unrepairable"]`)))
		boss.run("conclusion", chromedp.SendKeys(chromedp.CSS("#af textarea[name=conclusion]"), "主板损坏，无配件"))
		boss.confirm("conclusion")
		if tk := clerk.flowTicket(rn); tk.Status != "approval" || tk.Result != "unrepairable" {
			t.Fatalf("after the conclusion: %s, %s; want approval, unrepairable", tk.Status, tk.Result)
		}
		boss.run("settle", chromedp.Click(chromedp.CSS(`[data-act="settle"]`)), chromedp.WaitVisible(chromedp.CSS("#af")))
		outcome := boss.eval("outcome picked", `document.querySelector('#af input[name=outcome]:checked').value`)
		boss.run("settlement", chromedp.SendKeys(chromedp.CSS("#af textarea[name=note]"), "同意换新"))
		boss.confirm("settlement")
		tk := clerk.flowTicket(rn)
		if tk.Settlement == nil || tk.Settlement.Outcome != outcome || tk.Settlement.Note != "同意换新" || tk.Status == "approval" {
			t.Errorf("after the settlement: %s, %+v; want out of approval, settled %s with the note", tk.Status, tk.Settlement, outcome)
		}
		boss.closeDialog()
	})

	desk := newTab(t, ctx, "clerk", base+"/staff", chromedp.WithNewBrowserContext())
	desk.staffLogin("clerk", "1111")
	t.Run("out of stock: confirmed, arrived, called", func(t *testing.T) {
		desk.t = t
		desk.openBySearch(sn)
		desk.action("stock_confirm", map[string]string{"textarea[name=note]": "顾客同意调货"})
		tk := clerk.flowTicket(sn)
		if tk.StockConfirmed == "" || !slices.ContainsFunc(tk.Notices, func(n struct{ Kind, Outcome, Operator string }) bool {
			return n.Kind == "stock_callback" && n.Outcome == "reached" && n.Operator == "clerk"
		}) {
			t.Fatalf("after the confirmation: confirmed %q, notices %+v; want the callback recorded", tk.StockConfirmed, tk.Notices)
		}
		desk.action("stock_arrived", map[string]string{"textarea[name=note]": "已从总仓调到"})
		if tk := clerk.flowTicket(sn); tk.Status != "ready" {
			t.Fatalf("after the arrival: %s, want ready", tk.Status)
		}
		desk.closeDialog()
		desk.run("call list", chromedp.Click(chromedp.CSS(`a[href="#calls"]`)), chromedp.WaitVisible(chromedp.CSS(fmt.Sprintf(`tr[data-call=%q]`, sn))))
		desk.shoot(shots, "staff-calls")
		desk.tap("reached", fmt.Sprintf(`tr[data-call=%q] [data-outcome="reached"]`, sn))
		desk.waitJS("call gone", fmt.Sprintf(`document.querySelector('#callsbody') && !document.querySelector('tr[data-call=%q]')`, sn))
		tk = clerk.flowTicket(sn)
		if !slices.ContainsFunc(tk.Notices, func(n struct{ Kind, Outcome, Operator string }) bool {
			return n.Kind == "pickup" && n.Outcome == "reached" && n.Operator == "clerk"
		}) {
			t.Errorf("after the call: notices %+v, want the pickup call reached by the clerk", tk.Notices)
		}
	})
}
