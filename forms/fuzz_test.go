package forms

import (
	"testing"

	"shouhou/appliance"
)

// recordOf puts s in every string of a full record and in the free value
// of every field of f; or, unless all, only of the fields no record fills
// whose kind takes any text, the others getting a valid value so that
// Render gets past them.
func recordOf(f *Form, s string, all bool) Record {
	r := fixture()
	r.Store = StoreInfo{Name: s, Branch: s, Address: s, Phone: s}
	c, p, t, e := r.Customer, r.Purchase, r.Ticket, r.Ledger[0]
	c.Name, c.Address, c.Notes, c.Phones = s, s, s, []string{s, s}
	p.ProductCode, p.Name, p.Category, p.Serial, p.Receipt, p.Channel, p.WarrantyCard = s, s, s, s, s, s, s
	t.Number, t.Kind, t.Fault, t.Request, t.Technician, t.Conclusion, t.Payment, t.Card = s, appliance.TicketKind(s), s, s, s, s, s, s
	t.Condition.Appearance = s
	t.Parts[0].Name, t.Fees[0].Name, t.Fees[0].Payer, t.Notices[0].Operator, t.Notices[0].Outcome = s, s, s, s, s
	r.Card.Number, r.Card.Status = s, appliance.CardStatus(s)
	e.Card, e.Kind, e.Ticket, e.Reverses, e.Operator, e.Key = s, appliance.LedgerKind(s), s, s, s, s
	r.Operator = s
	r.Values = map[string]string{}
	for _, fd := range f.Fields() {
		if fd.Source != "" && !all {
			continue // the record's s fills it
		}
		switch fd.Kind {
		case FieldMoney, FieldDate, FieldDateTime, FieldNumber:
			if !all {
				r.Values[fd.ID] = valueOfKind(fd, false)
				continue
			}
		}
		r.Values[fd.ID] = s
	}
	return r
}

// FuzzRender fills every field of every form with an arbitrary string:
// Render must not panic, must fail only with an error naming a field, and
// must never lay out a line wider than the paper; Validate must not panic.
func FuzzRender(f *testing.F) {
	for _, s := range []string{"", "张三", "T20261123-0042", "12.50", "2026-11-26", "2026-11-26 16:05",
		"true", "in", "1\t2\n3", "\x1b@\x1dV\x00", "😀™¥", "北京市朝阳区建国路八十八号院现代城三号楼二十一层，。", "a b c d e f g h"} {
		f.Add(s)
	}
	forms := All()
	f.Fuzz(func(t *testing.T, s string) {
		for _, form := range forms {
			for _, all := range []bool{false, true} {
				rec := recordOf(form, s, all)
				_ = Validate(form, rec.Values)
				renderChecked(t, form, rec, s)
			}
		}
	})
}

// renderChecked renders form from rec at both widths and checks the result.
func renderChecked(t *testing.T, form *Form, rec Record, s string) {
	for _, cols := range []int{Columns58, Columns80} {
		doc, err := Render(form, rec, cols)
		if err != nil {
			if appliance.ErrorCode(err) != appliance.EINVALID {
				t.Fatalf("Render(%s, %q) = %v, want a field error", form.Name, s, err)
			}
			continue
		}
		checkWidths(t, doc)
		if err := doc.Validate(); err != nil {
			t.Fatalf("Render(%s, %q): %v", form.Name, s, err)
		}
	}
}
