package store

import (
	"slices"
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
		for _, k := range []string{"x/customer.name/王芳\x00c1", "x/ticket.text/屏幕\x00T20261123-0001",
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
