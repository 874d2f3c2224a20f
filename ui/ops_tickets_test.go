package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/reports"
	"shouhou/appliance/tickets"
	"shouhou/drivers/printer"
	"shouhou/forms"
)

// jammedPrinter is a print target that refuses every connection, so its
// jobs stay queued (retried a minute later).
const jammedPrinter = "jammed"

// workflowRig is a rig with the ticket workflow and a print queue whose
// receipt1 (desk1's printer) writes each job into prints as a .bin file.
type workflowRig struct {
	*testRig
	queue  *printer.Queue
	prints string
}

func mustWorkflowRig(t *testing.T) *workflowRig {
	t.Helper()
	w := &workflowRig{prints: t.TempDir()}
	w.testRig = MustRig(t, func(o *Options) {
		cfg := o.Config()
		o.Tickets = tickets.New(o.Store, tickets.Options{Rules: func() tickets.Rules { return TicketRules(cfg) },
			Bus: o.Bus, Charger: CardCharger{Cards: o.Cards}, Logger: o.Logger})
		q, err := printer.NewQueue(o.Store, []printer.Target{
			{ID: "receipt1", Name: "desk", Device: "dir:" + w.prints, Columns: forms.Columns80},
			{ID: jammedPrinter, Name: "jammed", Device: "tcp://127.0.0.1:1", Columns: forms.Columns58}},
			&printer.QueueOpts{IdlePoll: -1, MinBackoff: time.Minute, Logger: o.Logger})
		if err != nil {
			t.Fatalf("printer.NewQueue: %v", err)
		}
		w.queue = q
		o.Printers = dirQueue{q}
		o.PaperText = printer.Text
	})
	return w
}

// deskClerk is the clerk logged in at desk1's kiosk.
func (w *workflowRig) deskClerk(t *testing.T) *client {
	t.Helper()
	c := w.dial(t, "desk1", "")
	w.MustLogin(t, c, "clerk", "1111")
	return c
}

// mustOK fails the test unless op succeeds, and decodes its result into out.
func mustOK(t *testing.T, c *client, op string, args, out any) {
	t.Helper()
	r := c.call(op, args)
	if !r.OK {
		t.Fatalf("%s %v: %+v", op, args, r.Error)
	}
	if out != nil {
		if err := json.Unmarshal(r.Result, out); err != nil {
			t.Fatalf("%s result %s: %v", op, r.Result, err)
		}
	}
}

// wantRefused fails unless op is refused with code on field.
func wantRefused(t *testing.T, c *client, op string, args any, code, field string) {
	t.Helper()
	r := c.call(op, args)
	if r.OK || r.Error.Code != code || r.Error.Field != field {
		t.Errorf("%s %v = ok %v %+v, want %s on %q", op, args, r.OK, r.Error, code, field)
	}
}

// jobDoc waits for job id to print and returns the document it carried.
func (w *workflowRig) jobDoc(t *testing.T, id string) forms.Document {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		j, err := w.queue.Job(id)
		if err != nil {
			t.Fatalf("Job(%s): %v", id, err)
		}
		if j.Status == appliance.PrintDone {
			var d forms.Document
			if err := json.Unmarshal(j.Data, &d); err != nil {
				t.Fatalf("job %s document: %v", id, err)
			}
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s after 10 s (%s)", id, j.Status, j.LastError)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cuts counts the document's cuts (one per part of the form).
func cuts(d forms.Document) int {
	n := 0
	for _, b := range d.Blocks {
		if b.Kind == forms.KindCut {
			n++
		}
	}
	return n
}

type ticketReply struct {
	Ticket     appliance.Ticket `json:"ticket"`
	PrintJob   string           `json:"print_job"`
	Printer    string           `json:"printer"`
	PrintError string           `json:"print_error"`
	Replayed   bool             `json:"replayed"`
}

// repairArgs is the intake of demo customer 20's smartwatch, bought 700
// days ago: out of warranty, a paid repair.
func repairArgs(key string) map[string]any {
	return map[string]any{"kind": "repair", "phone": "13800130020", "purchase_id": "demo-p20", "fault": "屏幕不亮",
		"problem": "quality", "condition": map[string]any{"packaging": true, "accessories": true, "receipt": true}, "key": key}
}

func kpiTickets(t *testing.T, c *client, day string) int {
	t.Helper()
	var k reports.KPIs
	mustOK(t, c, "report.get", map[string]string{"kind": "kpi", "from": day, "to": day}, &k)
	return k.Tickets
}

// A paid repair over the wire: preview, intake (slip printed), assign,
// diagnose, quote, answer, conclude, card charge (receipt printed),
// pickup (delivery slip printed); the KPIs count the intake.
func TestRepairOverTheWire(t *testing.T) {
	w := mustWorkflowRig(t)
	defer w.queue.Close()
	clerk, tech, boss := w.deskClerk(t), w.asRole(t, appliance.RoleTechnician), w.asRole(t, appliance.RoleSupervisor)
	watcher := w.asRole(t, appliance.RoleClerk)
	watcher.call("subscribe", map[string]any{"events": []string{"ticket.updated"}})
	today := w.srv.opts.Now().In(w.srv.config().Store.Location).Format(reports.DayFormat)
	before := kpiTickets(t, boss, today)

	var pre struct {
		Ticket        appliance.Ticket `json:"ticket"`
		NeedsApproval bool             `json:"needs_approval"`
	}
	mustOK(t, clerk, "ticket.preview", repairArgs(""), &pre)
	if pre.Ticket.Number != "" || len(pre.Ticket.Decision) == 0 || pre.NeedsApproval {
		t.Fatalf("preview = number %q decision %s needs_approval %v", pre.Ticket.Number, pre.Ticket.Decision, pre.NeedsApproval)
	}
	var in ticketReply
	mustOK(t, clerk, "ticket.intake", repairArgs("intake-1"), &in)
	tk := in.Ticket
	if tk.Number == "" || !bytes.Equal(tk.Decision, pre.Ticket.Decision) || tk.Outcome != pre.Ticket.Outcome {
		t.Fatalf("intake = %s decision %s outcome %s, want the preview's %s %s", tk.Number, tk.Decision, tk.Outcome, pre.Ticket.Decision, pre.Ticket.Outcome)
	}
	if in.PrintJob == "" || in.Printer != "receipt1" || in.PrintError != "" {
		t.Fatalf("intake printed job %q on %q (%q), want a job on receipt1", in.PrintJob, in.Printer, in.PrintError)
	}
	if d := w.jobDoc(t, in.PrintJob); d.Name != "tracking" || cuts(d) != 2 || d.Columns != forms.Columns80 {
		t.Errorf("intake slip = %s, %d cuts, %d columns; want the two-part tracking card at 80 mm", d.Name, cuts(d), d.Columns)
	}
	slip, err := os.ReadFile(waitForBin(t, w.prints))
	if err != nil || !bytes.HasPrefix(slip, []byte{0x1b, '@'}) || !bytes.Contains(slip, []byte(tk.Number)) {
		t.Errorf("printed file: %v, %d bytes; want ESC @ and the ticket number %s", err, len(slip), tk.Number)
	}

	var again ticketReply
	mustOK(t, clerk, "ticket.intake", repairArgs("intake-1"), &again)
	if again.Ticket.Number != tk.Number || !again.Replayed || again.PrintJob != "" {
		t.Errorf("intake retried with its key = %s replayed %v job %q, want %s replayed, nothing printed", again.Ticket.Number, again.Replayed, again.PrintJob, tk.Number)
	}
	changed := repairArgs("intake-1")
	changed["fault"] = "另一个故障"
	wantRefused(t, clerk, "ticket.intake", changed, "conflict", "key")
	var p1, p2 printed
	mustOK(t, clerk, "ticket.print", map[string]string{"number": tk.Number, "form": "intake", "key": "print-1"}, &p1)
	mustOK(t, clerk, "ticket.print", map[string]string{"number": tk.Number, "form": "intake", "key": "print-1"}, &p2)
	if p1.Job == "" || p2.Job != p1.Job {
		t.Errorf("ticket.print retried with its key = jobs %q then %q, want one job", p1.Job, p2.Job)
	}
	wantRefused(t, clerk, "ticket.print", map[string]string{"number": tk.Number, "form": "repair", "key": "print-1"}, "conflict", "key")

	n := tk.Number
	var res ticketReply
	mustOK(t, clerk, "ticket.assign", map[string]string{"number": n, "technician": "tech"}, nil)
	var board []TicketSummary
	mustOK(t, clerk, "tickets.list", map[string]any{"technician": "tech"}, &board)
	if i := slices.IndexFunc(board, func(s TicketSummary) bool { return s.Number == n }); i < 0 ||
		board[i].TechnicianName != "李强" || board[i].CustomerName == "" || board[i].Phone == "" {
		t.Errorf("tickets.list after assign = %+v, want %s with technician 李强 and the customer's name and phone", board, n)
	}
	var detail struct {
		Names map[string]string `json:"names"`
	}
	mustOK(t, clerk, "ticket.get", map[string]string{"number": n}, &detail)
	if detail.Names["tech"] != "李强" {
		t.Errorf("ticket.get names = %v, want tech: 李强 (the technician by name)", detail.Names)
	}
	mustOK(t, tech, "ticket.diagnose", map[string]any{"number": n, "parts": []map[string]any{{"id": "E-BAT-01", "qty": 1}},
		"labour": []string{"inspect"}, "note": "电池鼓包"}, &res)
	if len(res.Ticket.Parts) != 1 || tickets.Owed(&res.Ticket) != 8900+2000 {
		t.Fatalf("diagnose = parts %v owed %d", res.Ticket.Parts, tickets.Owed(&res.Ticket))
	}
	var ev tickets.Event
	json.Unmarshal(watcher.event("ticket.updated"), &ev)
	if ev.Ticket == nil || ev.Ticket.Number != n {
		t.Errorf("another session's ticket.updated = %+v, want %s", ev, n)
	}
	wantRefused(t, tech, "ticket.settle", map[string]string{"number": n, "outcome": "return", "note": "x"}, CodeForbidden, "")
	wantRefused(t, tech, "ticket.charge", map[string]string{"number": n, "method": "cash"}, CodeForbidden, "")
	mustOK(t, clerk, "ticket.quote", map[string]string{"number": n}, nil)
	mustOK(t, clerk, "ticket.answer_quote", map[string]any{"number": n, "accepted": true}, nil)
	mustOK(t, tech, "ticket.conclude", map[string]string{"number": n, "result": "repaired", "conclusion": "更换电池"}, &res)
	if res.Ticket.Status != appliance.StatusReady {
		t.Fatalf("after conclude: %s, want ready", res.Ticket.Status)
	}
	mustOK(t, clerk, "ticket.charge", map[string]string{"number": n, "method": "card", "key": "charge-1"}, &res)
	if res.Ticket.Payment != "card" || res.PrintJob == "" {
		t.Fatalf("charge = payment %q job %q (%q), want card and a receipt", res.Ticket.Payment, res.PrintJob, res.PrintError)
	}
	var retried ticketReply
	mustOK(t, clerk, "ticket.charge", map[string]string{"number": n, "method": "card", "key": "charge-1"}, &retried)
	if !retried.Replayed || retried.PrintJob != "" || retried.Ticket.PaymentRef != res.Ticket.PaymentRef {
		t.Errorf("charge retried with its key = replayed %v job %q ref %q, want the first charge (%q), nothing printed",
			retried.Replayed, retried.PrintJob, retried.Ticket.PaymentRef, res.Ticket.PaymentRef)
	}
	if d := w.jobDoc(t, res.PrintJob); d.Name != "card_receipt" {
		t.Errorf("charge printed %s, want card_receipt", d.Name)
	}
	mustOK(t, clerk, "ticket.pickup", map[string]string{"number": n, "key": "pickup-1"}, &res)
	if res.Ticket.Status != appliance.StatusClosed || res.PrintJob == "" || res.Printer != "receipt1" {
		t.Fatalf("pickup = %s job %q on %q (%q), want closed with a slip on receipt1", res.Ticket.Status, res.PrintJob, res.Printer, res.PrintError)
	}
	retried = ticketReply{}
	mustOK(t, clerk, "ticket.pickup", map[string]string{"number": n, "key": "pickup-1"}, &retried)
	if !retried.Replayed || retried.PrintJob != "" || retried.Ticket.Status != appliance.StatusClosed {
		t.Errorf("pickup retried with its key = replayed %v job %q status %s, want the first pickup, nothing printed", retried.Replayed, retried.PrintJob, retried.Ticket.Status)
	}
	if d := w.jobDoc(t, res.PrintJob); d.Name != "delivery" || cuts(d) != 2 {
		t.Errorf("pickup printed %s with %d cuts, want the two-part delivery slip", d.Name, cuts(d))
	}

	if got := kpiTickets(t, boss, today); got != before+1 {
		t.Errorf("report.get kpi tickets = %d, want %d (the intake counted)", got, before+1)
	}
	wantRefused(t, clerk, "report.get", map[string]string{"kind": "kpi", "from": today}, CodeForbidden, "")
	wantRefused(t, boss, "report.get", map[string]string{"kind": "weekly", "from": today}, "invalid", "kind")
	wantRefused(t, boss, "report.get", map[string]string{"kind": "kpi", "from": "23.11.2026"}, "invalid", "from")
	var closing []reports.Closing
	mustOK(t, boss, "report.get", map[string]string{"kind": "closing", "from": today}, &closing)
	if len(closing) != 1 || closing[0].Frozen {
		t.Errorf("report.get closing = %d days, frozen %v; want today, not frozen", len(closing), len(closing) == 1 && closing[0].Frozen)
	}
}

// waitForBin waits for a .bin file in dir.
func waitForBin(t *testing.T, dir string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m, _ := filepath.Glob(filepath.Join(dir, "*.bin")); len(m) > 0 {
			return m[0]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no .bin file in %s", dir)
	return ""
}

func TestTicketPrintAndRefusals(t *testing.T) {
	w := mustWorkflowRig(t)
	defer w.queue.Close()
	clerk, tech := w.deskClerk(t), w.asRole(t, appliance.RoleTechnician)
	var in ticketReply
	mustOK(t, clerk, "ticket.intake", repairArgs(""), &in)
	n := in.Ticket.Number

	var p printed
	mustOK(t, tech, "ticket.print", map[string]string{"number": n, "form": "repair"}, &p)
	if p.Job == "" || p.Printer != "receipt1" {
		t.Fatalf("ticket.print repair by a technician = %+v, want a job on receipt1 (the first desk's)", p)
	}
	if d := w.jobDoc(t, p.Job); d.Name != "repair" {
		t.Errorf("printed %s, want repair", d.Name)
	}
	wantRefused(t, clerk, "ticket.print", map[string]string{"number": n, "form": "card_receipt"}, "invalid", "form")
	wantRefused(t, clerk, "ticket.print", map[string]string{"number": n, "form": "nope"}, "invalid", "form")
	wantRefused(t, clerk, "ticket.print", map[string]string{"number": "T20000101-0001", "form": "intake"}, "not_found", "")
	wantRefused(t, clerk, "ticket.answer_quote", map[string]string{"number": n}, "invalid", "accepted")

	var fees struct {
		Parts []struct {
			ID       string `json:"id"`
			Name     string `json:"name"`
			PriceFen int64  `json:"price_fen"`
		} `json:"parts"`
		Labour []struct {
			ID     string `json:"id"`
			FeeFen int64  `json:"fee_fen"`
		} `json:"labour"`
	}
	mustOK(t, tech, "fees.list", nil, &fees)
	if len(fees.Parts) == 0 || fees.Parts[0].ID == "" || fees.Parts[0].PriceFen <= 0 || len(fees.Labour) == 0 || fees.Labour[0].FeeFen <= 0 {
		t.Errorf("fees.list = %+v", fees)
	}
}

func TestCardMoneyPrintsReceipt(t *testing.T) {
	w := mustWorkflowRig(t)
	defer w.queue.Close()
	clerk := w.deskClerk(t)
	args := map[string]any{"key": "topup-receipt", "card": "SC-000001", "amount_fen": 1000}
	var first, second struct {
		Card     appliance.Card `json:"card"`
		PrintJob string         `json:"print_job"`
		Replayed bool           `json:"replayed"`
	}
	mustOK(t, clerk, "card.topup", args, &first)
	mustOK(t, clerk, "card.topup", args, &second)
	if first.Card.BalanceFen != 6000 || first.PrintJob == "" {
		t.Fatalf("topup = balance %d job %q, want 6000 and a receipt", first.Card.BalanceFen, first.PrintJob)
	}
	if !second.Replayed || second.PrintJob != "" {
		t.Errorf("replayed topup = replayed %v job %q, want no second receipt", second.Replayed, second.PrintJob)
	}
	if d := w.jobDoc(t, first.PrintJob); d.Name != "card_receipt" || hasDrawer(d) {
		t.Errorf("topup printed %s (drawer %v), want card_receipt without a drawer kick", d.Name, hasDrawer(d))
	}
	var cancel struct {
		Entries  []appliance.LedgerEntry `json:"entries"`
		PrintJob string                  `json:"print_job"`
	}
	boss := w.dial(t, "desk1", "")
	w.MustLogin(t, boss, "boss", "3333")
	mustOK(t, boss, "card.cancel", map[string]any{"key": "cancel-receipt", "card": "SC-000001"}, &cancel)
	if d := w.jobDoc(t, cancel.PrintJob); d.Name != "card_receipt" || !hasDrawer(d) {
		t.Errorf("cash payout printed %s (drawer %v), want card_receipt kicking the drawer", d.Name, hasDrawer(d))
	}
}

func hasDrawer(d forms.Document) bool {
	for _, b := range d.Blocks {
		if b.Kind == forms.KindDrawer {
			return true
		}
	}
	return false
}

type queueState struct {
	Printer string                `json:"printer"`
	State   string                `json:"state"`
	Jobs    []*appliance.PrintJob `json:"jobs"`
}

func TestPrintMove(t *testing.T) {
	w := mustWorkflowRig(t)
	defer w.queue.Close()
	clerk := w.deskClerk(t)
	doc := forms.New("test", forms.Columns58).Line("移动测试 / move test")
	id, err := w.queue.Enqueue(context.Background(), "clerk", "test", doc, jammedPrinter, 1)
	if err != nil {
		t.Fatal(err)
	}
	var qs []queueState
	mustOK(t, clerk, "print.queue", map[string]string{"printer": jammedPrinter}, &qs)
	if len(qs) != 1 || qs[0].Printer != jammedPrinter || len(qs[0].Jobs) != 1 || qs[0].Jobs[0].ID != id || qs[0].Jobs[0].Data != nil {
		t.Fatalf("print.queue jammed = %+v, want its one job without the document", qs)
	}
	mustOK(t, clerk, "print.queue", nil, &qs)
	if len(qs) != 2 {
		t.Errorf("print.queue {} = %d printers, want 2", len(qs))
	}
	var st []struct {
		Printer string `json:"printer"`
	}
	mustOK(t, clerk, "printer.status", nil, &st)
	if len(st) != 2 || st[0].Printer == "" {
		t.Errorf("printer.status = %+v, want both printers' ids", st)
	}

	wantRefused(t, clerk, "print.move", map[string]string{"id": id, "printer": "nope"}, "not_found", "printer")
	deadline := time.Now().Add(10 * time.Second)
	for {
		r := clerk.call("print.move", map[string]string{"id": id, "printer": "receipt1"})
		if r.OK {
			break
		}
		if r.Error.Code != "conflict" || time.Now().After(deadline) { // conflict: a send is under way
			t.Fatalf("print.move = %+v", r.Error)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if d := w.jobDoc(t, id); d.Name != "test" {
		t.Errorf("moved job printed %s", d.Name)
	}
	if !strings.HasSuffix(waitForBin(t, w.prints), ".bin") {
		t.Error("no slip on receipt1 after the move")
	}
	wantRefused(t, clerk, "print.move", map[string]string{"id": id, "printer": jammedPrinter}, "conflict", "")
	wantRefused(t, w.asRole(t, appliance.RoleTechnician), "print.move", map[string]string{"id": id, "printer": "receipt1"}, CodeForbidden, "")
}

// Two screens of the same clerk sending the same intake key at once make
// one ticket.
func TestIntakeKeyConcurrent(t *testing.T) {
	w := mustWorkflowRig(t)
	defer w.queue.Close()
	a, b := w.deskClerk(t), w.asRole(t, appliance.RoleClerk)
	replies := make(chan reply, 2)
	for _, c := range []*client{a, b} {
		go func() { replies <- c.call("ticket.intake", repairArgs("same-key")) }()
	}
	var numbers []string
	replayed := 0
	for range 2 {
		r := <-replies
		if !r.OK {
			t.Fatalf("ticket.intake = %+v", r.Error)
		}
		var res ticketReply
		json.Unmarshal(r.Result, &res)
		numbers = append(numbers, res.Ticket.Number)
		if res.Replayed {
			replayed++
		}
	}
	if numbers[0] == "" || numbers[0] != numbers[1] || replayed != 1 {
		t.Errorf("two intakes with one key = %v (%d replayed), want one ticket, replayed once", numbers, replayed)
	}
}

// TestNoDueOnTheWire: a ticket whose kind has no deadline of its own
// (storage, out-of-stock) carries no "due" on the wire, in ticket.get,
// the intake's reply and tickets.list (never the zero time 0001-01-01),
// and the board lists it after the tickets that have one.
func TestNoDueOnTheWire(t *testing.T) {
	w := mustWorkflowRig(t)
	defer w.queue.Close()
	clerk := w.deskClerk(t)
	var dated ticketReply
	mustOK(t, clerk, "ticket.intake", repairArgs("nodue-repair"), &dated)
	tests := []struct {
		name string
		args map[string]any
	}{
		{"storage", map[string]any{"kind": "storage", "phone": "13800130020", "fault": "顾客外出，暂存一周", "condition": map[string]any{}, "key": "nodue-storage"}},
		{"out of stock", map[string]any{"kind": "out_of_stock", "phone": "13800130020", "fault": "要一台同款电水壶", "condition": map[string]any{}, "key": "nodue-oos"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := clerk.call("ticket.intake", tc.args)
			if !r.OK {
				t.Fatalf("ticket.intake %v: %+v", tc.args, r.Error)
			}
			var in struct {
				Ticket map[string]json.RawMessage `json:"ticket"`
			}
			if err := json.Unmarshal(r.Result, &in); err != nil {
				t.Fatal(err)
			}
			if due, ok := in.Ticket["due"]; ok {
				t.Errorf("ticket.intake ticket due = %s, want no due", due)
			}
			var number string
			json.Unmarshal(in.Ticket["number"], &number)
			g := clerk.call("ticket.get", map[string]string{"number": number})
			var d struct {
				Ticket map[string]json.RawMessage `json:"ticket"`
			}
			if !g.OK || json.Unmarshal(g.Result, &d) != nil {
				t.Fatalf("ticket.get %s: %+v", number, g.Error)
			}
			if due, ok := d.Ticket["due"]; ok || strings.Contains(string(g.Result), "0001-01-01") {
				t.Errorf("ticket.get %s due = %s, want no due (reply %s)", number, due, g.Result)
			}
		})
	}
	l := clerk.call("tickets.list", map[string]any{})
	var board []map[string]json.RawMessage
	if !l.OK || json.Unmarshal(l.Result, &board) != nil {
		t.Fatalf("tickets.list: %+v", l.Error)
	}
	undated := 0
	for i, row := range board {
		_, has := row["due"]
		if !has {
			undated++
		} else if undated > 0 {
			t.Errorf("tickets.list row %d %s has a due after %d rows without one, want the undated last", i, row["number"], undated)
		}
	}
	if undated < len(tests) || strings.Contains(string(l.Result), "0001-01-01") {
		t.Errorf("tickets.list: %d rows without due, want at least %d, none with the zero time (%s)", undated, len(tests), l.Result)
	}
	var dd ticketDetail
	mustOK(t, clerk, "ticket.get", map[string]string{"number": dated.Ticket.Number}, &dd)
	if dd.Ticket.Due.IsZero() {
		t.Errorf("a repair's due = zero, want its SLA deadline")
	}
}

// A return brought to the desk prices no parcel; the same return mailed
// in gets the shipping of seed 000 淘宝售后服务卡 (the store pays within 7
// days of a quality problem), once.
func TestMailedInShipping(t *testing.T) {
	w := mustWorkflowRig(t)
	defer w.queue.Close()
	clerk := w.deskClerk(t)
	shanghai, err := time.LoadLocation("Asia/Shanghai") // the default calendar's zone
	if err != nil {
		t.Fatal(err)
	}
	bought := time.Now().In(shanghai).AddDate(0, 0, -3).Format(time.DateOnly)
	tests := []struct {
		name      string
		mailed    bool
		wantFees  int // shipping fees in the requested outcome
		wantPayer string
	}{
		{"at the desk", false, 0, ""},
		{"by post", true, 1, "store"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			args := map[string]any{"kind": "return", "phone": "13800130020", "fault": "通电无反应", "problem": "quality", "request": "return",
				"purchase":  map[string]any{"product_code": "K-100", "name": "电水壶", "category": "home_goods", "purchased": bought, "price_fen": 19900},
				"condition": map[string]any{"unused": true, "packaging": true, "accessories": true, "warranty_card": true, "tags": true, "receipt": true}}
			if tc.mailed {
				args["mailed_in"] = true
			}
			var p previewResult
			mustOK(t, clerk, "ticket.preview", args, &p)
			var d struct {
				Outcomes []struct {
					Kind      string   `json:"kind"`
					Requested bool     `json:"requested"`
					Shipping  string   `json:"shipping"`
					Rules     []string `json:"rules"`
					Fees      []struct {
						Name string `json:"name"`
					} `json:"fees"`
				} `json:"outcomes"`
			}
			if err := json.Unmarshal(p.Ticket.Decision, &d); err != nil {
				t.Fatalf("decision %s: %v", p.Ticket.Decision, err)
			}
			found := false
			for _, o := range d.Outcomes {
				if !o.Requested {
					continue
				}
				found = true
				n := 0
				for _, f := range o.Fees {
					if f.Name == "shipping" {
						n++
					}
				}
				if n != tc.wantFees || o.Shipping != tc.wantPayer {
					t.Errorf("%s: %d shipping fees paid by %q, want %d by %q (%s)", o.Kind, n, o.Shipping, tc.wantFees, tc.wantPayer, p.Ticket.Decision)
				}
				if slices.Contains(o.Rules, "shipping-payer") != tc.mailed {
					t.Errorf("%s cites the shipping rule = %v, want %v", o.Kind, !tc.mailed, tc.mailed)
				}
			}
			if !found {
				t.Fatalf("no requested outcome in %s", p.Ticket.Decision)
			}
		})
	}
}
