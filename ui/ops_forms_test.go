package ui

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"shouhou/appliance"
	"shouhou/drivers/printer/escpostest"
	"shouhou/forms"
)

// formView as the wire carries it.
type formViewReply struct {
	Form   forms.ScreenForm  `json:"form"`
	Parts  []forms.Label     `json:"parts"`
	Values map[string]string `json:"values"`
	Locked []string          `json:"locked"`
}

// printedText waits for job id to print and returns the text of the .bin
// file it left in the rig's printer directory (the highest numbered one),
// decoded from ESC/POS: one line per text block, a row as label and value.
func (w *workflowRig) printedText(t *testing.T, id string) string {
	t.Helper()
	w.jobDoc(t, id)
	bins, _ := filepath.Glob(filepath.Join(w.prints, "*.bin"))
	if len(bins) == 0 {
		t.Fatalf("job %s printed, no .bin in %s", id, w.prints)
	}
	slices.Sort(bins)
	b, err := os.ReadFile(bins[len(bins)-1])
	if err != nil {
		t.Fatal(err)
	}
	res, err := escpostest.Decode(b)
	if err != nil {
		t.Fatalf("Decode(%s): %v", bins[len(bins)-1], err)
	}
	var lines []string
	for _, bl := range res.Blocks {
		lines = append(lines, strings.TrimSpace(bl.Text+" "+bl.Value))
	}
	return strings.Join(lines, "\n")
}

func TestFormsList(t *testing.T) {
	w := mustWorkflowRig(t)
	defer w.queue.Close()
	var list []formEntry
	mustOK(t, w.asRole(t, appliance.RoleTechnician), "forms.list", nil, &list)
	byName := map[string]formEntry{}
	for _, e := range list {
		byName[e.Name] = e
	}
	tests := []struct {
		name         string
		ticket, card bool
		parts        int
	}{
		{"tracking", true, false, 2},
		{"repair", true, false, 2},
		{"storage", true, false, 0},
		{"card_receipt", false, true, 0},
		{"tech_daily", false, false, 0},
	}
	for _, tc := range tests {
		e, ok := byName[tc.name]
		if !ok || e.Ticket != tc.ticket || e.Card != tc.card || len(e.Parts) != tc.parts || e.Title.Zh == "" {
			t.Errorf("forms.list %s = %+v (listed %v), want ticket %v card %v, %d parts", tc.name, e, ok, tc.ticket, tc.card, tc.parts)
		}
	}
	if _, ok := byName["closing"]; ok || len(list) != len(forms.All())-1 {
		t.Errorf("forms.list = %d forms (closing listed: %v), want every form but the closing", len(list), ok)
	}
}

// A tracking card on the screen: pre-filled from the ticket, edited,
// printed with the edit; a missing required value, a changed ticket number
// and a part the form lacks are refused naming the field; part 2 alone is
// the customer's copy.
// notOnPaper is the first text line of a preview (printer.Text) that the
// printed slip's decoded text lacks, or "": barcode, QR and cut markers
// and the print time (a minute may pass between the two) aside.
func notOnPaper(preview, printed string) string {
	clock := regexp.MustCompile(`\d{1,2}:\d{2}`)
	for _, line := range strings.Split(preview, "\n") {
		l := strings.TrimSpace(line)
		if l == "" || strings.HasPrefix(l, "[") || strings.HasPrefix(l, "~") || strings.HasPrefix(l, "-") || strings.HasPrefix(l, "(") || clock.MatchString(l) {
			continue
		}
		if !strings.Contains(printed, l) {
			return l
		}
	}
	return ""
}

func TestFormGetAndPrint(t *testing.T) {
	w := mustWorkflowRig(t)
	defer w.queue.Close()
	clerk := w.deskClerk(t)
	var in ticketReply
	mustOK(t, clerk, "ticket.intake", repairArgs(""), &in)
	n := in.Ticket.Number
	w.jobDoc(t, in.PrintJob)
	var detail ticketDetail
	mustOK(t, clerk, "ticket.get", map[string]string{"number": n}, &detail)

	var v formViewReply
	mustOK(t, clerk, "form.get", map[string]string{"name": "tracking", "number": n}, &v)
	if v.Form.Name != "tracking" || len(v.Parts) != 2 || v.Values["number"] != n ||
		v.Values["customer_name"] != detail.Customer.Name || v.Values["customer_name"] == "" || v.Values["clerk"] != "clerk" {
		t.Fatalf("form.get tracking = %s, %d parts, number %q, customer %q, clerk %q; want %s, 2 parts, the ticket's number and customer %q, clerk",
			v.Form.Name, len(v.Parts), v.Values["number"], v.Values["customer_name"], v.Values["clerk"], n, detail.Customer.Name)
	}
	if !slices.Equal(v.Locked, []string{"number"}) {
		t.Errorf("form.get tracking locked = %v, want [number]", v.Locked)
	}
	fields := 0
	for _, s := range v.Form.Sections {
		for _, f := range s.Fields {
			fields++
			if _, ok := v.Values[f.ID]; !ok {
				t.Errorf("form.get tracking: no value for field %s", f.ID)
			}
			if f.ID == "address" && f.Required {
				t.Errorf("address is required on the screen; want it left for the pen when empty")
			}
		}
	}
	if fields != len(v.Values) || fields < 10 {
		t.Errorf("form.get tracking = %d fields, %d values", fields, len(v.Values))
	}

	values := v.Values
	values["notes"] = "请带充电器 EDITED-42"
	var paper paperPreview
	mustOK(t, clerk, "form.preview", map[string]any{"name": "tracking", "number": n, "values": values}, &paper)
	var p formPrinted
	mustOK(t, clerk, "form.print", map[string]any{"name": "tracking", "number": n, "values": values}, &p)
	if p.Job == "" || p.Printer != "receipt1" || p.PrintError != "" {
		t.Fatalf("form.print = %+v, want a job on receipt1", p)
	}
	text := w.printedText(t, p.Job)
	if paper.Printer != "receipt1" || paper.Columns != forms.Columns80 {
		t.Errorf("form.preview on %q at %d columns, want receipt1's 80 mm paper (%d)", paper.Printer, paper.Columns, forms.Columns80)
	}
	if missing := notOnPaper(paper.Text, text); missing != "" {
		t.Errorf("the preview's line %q is not on the printed slip:\n%s", missing, text)
	}
	for _, line := range strings.Split(paper.Text, "\n") {
		if forms.Width(line) > paper.Columns {
			t.Errorf("preview line %q is %d columns, wider than the paper's %d", line, forms.Width(line), paper.Columns)
		}
	}
	for _, want := range []string{"请带充电器 EDITED-42", n, detail.Customer.Name, "第一联", "第二联"} {
		if !strings.Contains(text, want) {
			t.Errorf("printed tracking card lacks %q:\n%s", want, text)
		}
	}

	mustOK(t, clerk, "form.print", map[string]any{"name": "tracking", "number": n, "values": values, "parts": []int{2}}, &p)
	text = w.printedText(t, p.Job)
	if !strings.Contains(text, "第二联") || strings.Contains(text, "第一联") || !strings.Contains(text, "EDITED-42") {
		t.Errorf("parts [2] printed:\n%s\nwant the customer copy (第二联) alone", text)
	}

	refusals := []struct {
		name   string
		change func(map[string]any)
		field  string
	}{
		{"required value missing", func(a map[string]any) { a["values"] = with(values, "customer_name", "") }, "customer_name"},
		{"phone not a phone", func(a map[string]any) { a["values"] = with(values, "phone", "12345") }, "phone"},
		{"ticket number changed", func(a map[string]any) { a["values"] = with(values, "number", "T20000101-0001") }, "number"},
		{"field the form lacks", func(a map[string]any) { a["values"] = with(values, "nope", "x") }, "nope"},
		{"part the form lacks", func(a map[string]any) { a["parts"] = []int{3} }, "parts"},
		{"part twice", func(a map[string]any) { a["parts"] = []int{2, 2} }, "parts"},
		{"no number", func(a map[string]any) { delete(a, "number") }, "number"},
		{"unknown form", func(a map[string]any) { a["name"] = "nope" }, "name"},
		{"closing", func(a map[string]any) { a["name"] = "closing" }, "name"},
		{"report with a number", func(a map[string]any) { a["name"] = "tech_daily" }, "number"},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			args := map[string]any{"name": "tracking", "number": n, "values": values}
			tc.change(args)
			r := clerk.call("form.print", args)
			if r.OK || r.Error.Code != "invalid" || r.Error.Field != tc.field {
				t.Fatalf("form.print %s = ok %v %+v, want invalid on %q", tc.name, r.OK, r.Error, tc.field)
			}
			if tc.field == "customer_name" && !strings.Contains(r.Error.Message, "请填写顾客姓名") {
				t.Errorf("message %q, want it to name the field in Chinese first", r.Error.Message)
			}
		})
	}

	cust := w.asRole(t, appliance.RoleCustomer)
	wantRefused(t, cust, "form.get", map[string]string{"name": "tracking", "number": n}, CodeForbidden, "")
	wantRefused(t, cust, "form.print", map[string]any{"name": "tracking", "number": n, "values": values}, CodeForbidden, "")
	wantRefused(t, cust, "forms.list", nil, CodeForbidden, "")
}

// with returns a copy of m with k set to v.
func with(m map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for mk, mv := range m {
		out[mk] = mv
	}
	out[k] = v
	return out
}

// A card receipt on the screen is the card's last transaction, every
// figure locked; a report form starts from its defaults.
func TestFormGetCardAndReport(t *testing.T) {
	w := mustWorkflowRig(t)
	defer w.queue.Close()
	clerk := w.deskClerk(t)
	var v formViewReply
	mustOK(t, clerk, "form.get", map[string]string{"name": "card_receipt", "card": "SC-000001"}, &v)
	if v.Values["card"] == "" || v.Values["card"] == "SC-000001" || v.Values["kind"] == "" || v.Values["amount"] == "" || len(v.Locked) < 5 {
		t.Errorf("form.get card_receipt = values %v locked %v; want the last entry with the card number masked, all locked", v.Values, v.Locked)
	}
	changed := with(v.Values, "amount", "99999")
	wantRefused(t, clerk, "form.print", map[string]any{"name": "card_receipt", "card": "SC-000001", "values": changed}, "invalid", "amount")
	var p formPrinted
	mustOK(t, clerk, "form.print", map[string]any{"name": "card_receipt", "card": "SC-000001", "values": v.Values}, &p)
	if text := w.printedText(t, p.Job); !strings.Contains(text, v.Values["card"]) {
		t.Errorf("reprinted card receipt lacks the masked card %s:\n%s", v.Values["card"], text)
	}
	wantRefused(t, clerk, "form.get", map[string]string{"name": "card_receipt"}, "invalid", "card")
	wantRefused(t, clerk, "form.get", map[string]string{"name": "card_receipt", "card": "SC-999999"}, "not_found", "")

	mustOK(t, clerk, "form.get", map[string]string{"name": "tech_daily"}, &v)
	if len(v.Form.Sections) == 0 || len(v.Locked) != 0 || len(v.Parts) != 0 {
		t.Errorf("form.get tech_daily = %+v", v)
	}
}
