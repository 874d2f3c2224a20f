package store

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"shouhou/appliance"
)

func TestTextGrams(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"屏幕不亮", []string{"不亮", "亮", "屏幕", "幕不"}},
		{"USB 口", []string{"b", "sb", "us", "口"}},
		{"ＵＳＢ", []string{"b", "sb", "us"}},
		{"，。！", nil},
		{"亮亮亮", []string{"亮", "亮亮"}},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			if got := textGrams(tc.in); !slices.Equal(got, tc.want) {
				t.Fatalf("textGrams(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// TestReindexTickets: a directory whose tickets and customers lack the
// search indexes (written before they existed) is sound again after
// ReindexTickets.
func TestReindexTickets(t *testing.T) {
	db := MustOpen(t)
	mustUpdate(t, db, func(tx *Txn) error {
		if err := tx.PutCustomer(&appliance.Customer{ID: "c1", Name: "王芳", Phones: []string{"13800138000"}}); err != nil {
			return err
		}
		return tx.PutTicket(&appliance.Ticket{Number: "T20261123-0001", Status: appliance.StatusOpen, CustomerID: "c1",
			PurchaseID: "p1", Fault: "屏幕不亮", Due: day})
	})
	mustUpdate(t, db, func(tx *Txn) error {
		// The ticket's only posting of 屏幕, with the term's count.
		for _, k := range []string{"x/customer.name/王芳\x00c1", "p/屏幕\x00T20261123-00", "c/屏幕",
			"x/ticket.purchase/p1\x00T20261123-0001", "x/ticket.watch/" + day.Format(dueFormat) + "\x00T20261123-0001"} {
			if err := tx.t.Delete([]byte(k)); err != nil {
				return err
			}
		}
		return nil
	})
	if rep, err := db.Verify(); err != nil || rep.OK() || len(rep.Problems) != 4 {
		t.Fatalf("Verify before = %v, %v; want 4 missing entries", rep, err)
	}
	n, err := db.ReindexTickets()
	if err != nil || n != 2 {
		t.Fatalf("ReindexTickets = %d, %v; want 2", n, err)
	}
	if rep, err := db.Verify(); err != nil || !rep.OK() {
		t.Fatalf("Verify after = %v, %v", rep, err)
	}
	err = db.View(func(tx *Txn) error {
		ts, err := tx.TicketsByText("屏幕", 0)
		if err != nil || len(ts) != 1 {
			t.Errorf("TicketsByText = %d, %v", len(ts), err)
		}
		cs, err := tx.CustomersByName("王", 0)
		if err != nil || len(cs) != 1 {
			t.Errorf("CustomersByName = %d, %v", len(cs), err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// FuzzTextQuery: any query, however odd, answers without error, and every
// ticket it returns holds every run of the query in its description.
func FuzzTextQuery(f *testing.F) {
	db := MustOpen(f)
	faults := []string{"屏幕不亮，开机无反应", "USB 接口松动", "ＵＳＢ口不认", "亮亮亮", "表带断裂；扣子脱落", ""}
	mustUpdate(f, db, func(tx *Txn) error {
		for i, fault := range faults {
			t := &appliance.Ticket{Number: fmt.Sprintf("T20261123-%04d", i+1), Status: appliance.StatusOpen, CustomerID: "c1", Fault: fault}
			if err := tx.PutTicket(t); err != nil {
				return err
			}
		}
		return nil
	})
	for _, s := range []string{"屏幕", "不亮", "亮", "usb", "ＵＳＢ 口", "\x00", "屏幕 不亮 开机", "断裂扣子"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		err := db.View(func(tx *Txn) error {
			ts, err := tx.TicketsByText(q, 10)
			if err != nil {
				return err
			}
			got := map[string]bool{}
			for _, tk := range ts {
				got[tk.Fault] = true
			}
			runs := TextRuns(q)
			for _, fault := range faults {
				folded := strings.Join(TextRuns(fault), " ")
				want := len(runs) > 0
				for _, r := range runs {
					want = want && strings.Contains(folded, r)
				}
				if got[fault] != want {
					t.Errorf("TicketsByText(%q) returned %q: %v, want %v", q, fault, got[fault], want)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	})
}
