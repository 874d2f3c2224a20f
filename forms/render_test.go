package forms

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"shouhou/appliance"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// layoutText renders doc as the paper shows it, from Layout: each line
// padded by its alignment, double-width text spaced out, barcodes, QR
// codes and cuts as markers.
func layoutText(doc *Document) string {
	var b strings.Builder
	for _, l := range doc.Layout() {
		switch l.Kind {
		case KindText:
			text := l.Text
			if l.Size.WidthFactor() == 2 {
				text = spaceOut(text)
			}
			w := Width(l.Text) * l.Size.WidthFactor()
			pad := 0
			switch l.Align {
			case Center:
				pad = (doc.Columns - w) / 2
			case Right:
				pad = doc.Columns - w
			}
			b.WriteString(strings.TrimRight(strings.Repeat(" ", max(pad, 0))+text, " "))
			b.WriteByte('\n')
		case KindBarcode:
			fmt.Fprintf(&b, "[CODE128 %s]\n", l.Text)
		case KindQR:
			fmt.Fprintf(&b, "[QR %s]\n", l.Text)
		case KindFeed:
			b.WriteString(strings.Repeat("\n", l.N))
		case KindCut:
			kind := "cut"
			if l.Partial {
				kind = "partial cut"
			}
			fmt.Fprintf(&b, "~~~~ %s ~~~~\n", kind)
		case KindDrawer:
			b.WriteString("(drawer)\n")
		}
	}
	return b.String()
}

// spaceOut shows double-width text as wide as it prints: each character
// followed by as many spaces as it is wide.
func spaceOut(s string) string {
	var b strings.Builder
	for _, r := range s {
		b.WriteRune(r)
		b.WriteString(strings.Repeat(" ", Width(string(r))))
	}
	return b.String()
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./forms -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test ./forms -update, then review the diff):\n%s", path, got)
	}
}

func mustRender(tb testing.TB, f *Form, rec Record, cols int) *Document {
	tb.Helper()
	doc, err := Render(f, rec, cols)
	if err != nil {
		tb.Fatalf("Render(%s, %d) = %v", f.Name, cols, err)
	}
	return doc
}

// TestGolden renders every form from its fixture at 58 and 80 mm and
// compares the document JSON and its text layout with testdata/.
func TestGolden(t *testing.T) {
	for _, f := range All() {
		for _, mm := range []int{58, 80} {
			t.Run(fmt.Sprintf("%s/%dmm", f.Name, mm), func(t *testing.T) {
				cols, _ := ColumnsFor(mm)
				doc := mustRender(t, f, fixtureFor(f.Name), cols)
				if err := doc.Validate(); err != nil {
					t.Fatal(err)
				}
				js, err := json.MarshalIndent(doc, "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				base := fmt.Sprintf("%s-%d", f.Name, mm)
				golden(t, base+".json", append(js, '\n'))
				golden(t, base+".txt", []byte(layoutText(doc)))
			})
		}
	}
}

// checkWidths fails when a laid-out line of doc is wider than its paper.
func checkWidths(tb testing.TB, doc *Document) {
	tb.Helper()
	for i, l := range doc.Layout() {
		if l.Kind != KindText {
			continue
		}
		if w := Width(l.Text) * l.Size.WidthFactor(); w > doc.Columns {
			tb.Errorf("%s at %d columns: line %d %q is %d columns wide", doc.Name, doc.Columns, i, l.Text, w)
		}
	}
}

// longRecord has long Chinese text without spaces in every text field of
// every record and of f's free values.
func longRecord(f *Form) Record {
	r := fixture()
	long := longChinese + longChinese
	r.Store.Name, r.Store.Branch, r.Store.Address, r.Store.Phone = long, long, long, long
	r.Customer.Name, r.Customer.Address, r.Customer.Notes = long, long, long
	r.Customer.Phones = []string{long}
	r.Purchase.Name, r.Purchase.ProductCode, r.Purchase.Serial, r.Purchase.Receipt = long, long, long, long
	r.Purchase.Channel = long
	r.Ticket.Number, r.Ticket.Fault, r.Ticket.Conclusion, r.Ticket.Request = long, long, long, long
	r.Ticket.Technician, r.Ticket.Condition.Appearance = long, long
	r.Ticket.Parts[0].Name, r.Ticket.Fees[0].Name = long, long
	r.Ledger[0].Card, r.Ledger[0].Operator, r.Ledger[0].Key, r.Ledger[0].Ticket = long, long, long, long
	r.Operator = long
	r.Values = map[string]string{}
	for _, fd := range f.Fields() {
		if fd.Source == "" {
			r.Values[fd.ID] = valueOfKind(fd, true)
		}
	}
	return r
}

func TestNoLineWiderThanPaper(t *testing.T) {
	for _, f := range All() {
		for _, cols := range []int{Columns58, Columns80} {
			t.Run(fmt.Sprintf("%s/%d", f.Name, cols), func(t *testing.T) {
				doc := mustRender(t, f, longRecord(f), cols)
				checkWidths(t, doc)
				if err := doc.Validate(); err != nil {
					t.Error(err)
				}
			})
		}
	}
}

// onlyValues fills every field of f from free values, no records.
func onlyValues(f *Form) Record {
	r := Record{Values: map[string]string{}}
	for _, fd := range f.Fields() {
		r.Values[fd.ID] = valueOfKind(fd, false)
	}
	return r
}

// TestRenderMissingRequired takes away each required field in turn: a
// field the paper leaves for the pen prints a blank line, any other makes
// Render fail with an error naming the field.
func TestRenderMissingRequired(t *testing.T) {
	for _, f := range All() {
		mustRender(t, f, onlyValues(f), Columns58)
		for _, fd := range f.Fields() {
			if !fd.Required || fd.Default != "" {
				continue // a default fills it
			}
			t.Run(f.Name+"/"+fd.ID, func(t *testing.T) {
				rec := onlyValues(f)
				delete(rec.Values, fd.ID)
				doc, err := Render(f, rec, Columns58)
				if fd.Handwrite {
					if err != nil {
						t.Fatalf("Render without handwritten %s = %v, want a blank line", fd.ID, err)
					}
					if !strings.Contains(layoutText(doc), fd.Label.Zh) {
						t.Errorf("no line for %s (%s) on the slip", fd.ID, fd.Label.Zh)
					}
					return
				}
				var e *appliance.Error
				if !errors.As(err, &e) || e.Field != fd.ID || e.Code != appliance.EINVALID {
					t.Fatalf("Render without %s = %v, want a field error naming it", fd.ID, err)
				}
			})
		}
	}
}

func TestRenderBadValue(t *testing.T) {
	tests := []struct {
		form, field, value string
	}{
		{"closing", "refund_cash", "12.345"},
		{"closing", "date", "2026-02-30"},
		{"closing", "opened", "many"},
		{"delivery", "delivery_time", "明天下午"},
	}
	for _, tt := range tests {
		t.Run(tt.form+"/"+tt.field, func(t *testing.T) {
			f, err := ByName(tt.form)
			if err != nil {
				t.Fatal(err)
			}
			rec := fixtureFor(tt.form)
			rec.Values[tt.field] = tt.value
			_, err = Render(f, rec, Columns80)
			var e *appliance.Error
			if !errors.As(err, &e) || e.Field != tt.field {
				t.Fatalf("Render with %s=%q = %v, want a field error naming it", tt.field, tt.value, err)
			}
		})
	}
}

// TestRenderContent checks what a few slips must say, beyond the goldens.
func TestRenderContent(t *testing.T) {
	tests := []struct {
		form string
		want []string
		not  []string
	}{
		{"tracking", []string{"第一联 存根/维修部", "第二联 顾客联", "[CODE128 T20261123-0042]", "[QR T20261123-0042]", "~~~~ partial cut ~~~~", "~~~~ cut ~~~~"}, nil},
		{"card_receipt", []string{"*****0123", "-￥80.00", "￥320.50", "7f3c9a12…", "消费"}, []string{"SC-000123", "7f3c9a12-5b7e"}},
		{"repair", []string{"■保内 □保外", "□免费 ■收费", "￥50.00", "￥30.00", "Repair receipt"}, nil},
		{"survey", []string{"■很满意", "■满意"}, nil},
		{"closing", []string{"￥48231.75", "￥399.00", "不平项"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.form, func(t *testing.T) {
			f, err := ByName(tt.form)
			if err != nil {
				t.Fatal(err)
			}
			text := layoutText(mustRender(t, f, fixtureFor(tt.form), Columns80))
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("slip lacks %q:\n%s", w, text)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(text, n) {
					t.Errorf("slip shows %q", n)
				}
			}
		})
	}
}

// TestBlankSurvey prints the survey card for a customer to fill by hand:
// every box empty.
func TestBlankSurvey(t *testing.T) {
	f, _ := ByName("survey")
	rec := fixture()
	rec.Ticket.Survey = nil
	text := layoutText(mustRender(t, f, rec, Columns58))
	if strings.Contains(text, "■") {
		t.Errorf("blank survey has a ticked box:\n%s", text)
	}
	if n := strings.Count(text, "□"); n != 16 {
		t.Errorf("blank survey has %d boxes, want 16:\n%s", n, text)
	}
}

func TestRenderColumns(t *testing.T) {
	f, _ := ByName("tracking")
	for _, cols := range []int{0, MinColumns - 1, MaxColumns + 1} {
		if _, err := Render(f, fixture(), cols); err == nil {
			t.Errorf("Render at %d columns succeeded", cols)
		}
	}
}

// TestRecordJSON checks that a Record survives the print queue: stored as
// a print job's JSON data and read back, it renders the same slip.
func TestRecordJSON(t *testing.T) {
	for _, f := range All() {
		rec := fixtureFor(f.Name)
		js, err := json.Marshal(rec)
		if err != nil {
			t.Fatal(err)
		}
		var back Record
		if err := json.Unmarshal(js, &back); err != nil {
			t.Fatal(err)
		}
		want := layoutText(mustRender(t, f, rec, Columns58))
		if got := layoutText(mustRender(t, f, back, Columns58)); got != want {
			t.Errorf("%s from JSON:\n%s\nwant:\n%s", f.Name, got, want)
		}
	}
}

// TestFillPrecedence checks where a field's value comes from: a free
// value first, then the record, then the default.
func TestFillPrecedence(t *testing.T) {
	f, _ := ByName("tracking")
	rec := fixtureFor("tracking")
	rec.Values = map[string]string{"customer_name": "张建国（代取：李梅）", "phone": "  "}
	got, err := f.Fill(rec)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"customer_name": "张建国（代取：李梅）",    // the clerk's change wins
		"phone":         "138 0013 8000", // a blank value leaves the record's
		"quantity":      "1",             // nothing gives one: the default
		"service_point": "",
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("Fill()[%s] = %q, want %q", id, got[id], w)
		}
	}
}

// TestStructure checks the shape of every slip: one cut per part, the
// last one full and at the end, a caption per part, and the ticket
// number's barcode and QR code on every part of a form that has one.
func TestStructure(t *testing.T) {
	for _, f := range All() {
		t.Run(f.Name, func(t *testing.T) {
			doc := mustRender(t, f, fixtureFor(f.Name), Columns80)
			parts := max(len(f.Parts), 1)
			count := map[Kind]int{}
			for _, b := range doc.Blocks {
				count[b.Kind]++
			}
			if count[KindCut] != parts {
				t.Errorf("%d cuts, want %d", count[KindCut], parts)
			}
			if last := doc.Blocks[len(doc.Blocks)-1]; last.Kind != KindCut || last.Partial {
				t.Errorf("last block %+v, want a full cut", last)
			}
			codes := 0
			if f.Code != "" {
				codes = parts
			}
			if count[KindBarcode] != codes || count[KindQR] != codes {
				t.Errorf("%d barcodes and %d QR codes, want %d of each", count[KindBarcode], count[KindQR], codes)
			}
			text := layoutText(doc)
			for _, p := range f.Parts {
				if !strings.Contains(text, p.Caption.Zh) {
					t.Errorf("no caption %q", p.Caption.Zh)
				}
			}
		})
	}
}

func TestRenderParts(t *testing.T) {
	f, _ := ByName("tracking")
	doc, err := RenderParts(f, fixture(), Columns58, 2)
	if err != nil {
		t.Fatal(err)
	}
	text := layoutText(doc)
	if strings.Contains(text, "第一联") || !strings.Contains(text, "第二联 顾客联") || strings.Count(text, "cut ~~~~") != 1 {
		t.Errorf("RenderParts(tracking, 2):\n%s", text)
	}
	for _, n := range []int{0, 3} {
		if _, err := RenderParts(f, fixture(), Columns58, n); err == nil {
			t.Errorf("RenderParts(tracking, %d) succeeded", n)
		}
	}
}

func TestSplitItem(t *testing.T) {
	tests := []struct{ in, left, right string }{
		{"王师傅 4件\t7.5", "王师傅 4件", "7.5"},
		{"王师傅 4件 | 7.5", "王师傅 4件", "7.5"},
		{"a|b | c", "a|b", "c"},
		{"a\tb | c", "a", "b | c"},
		{"零件盘点", "零件盘点", ""},
	}
	for _, tt := range tests {
		if l, r := splitItem(tt.in); l != tt.left || r != tt.right {
			t.Errorf("splitItem(%q) = %q, %q; want %q, %q", tt.in, l, r, tt.left, tt.right)
		}
	}
}
