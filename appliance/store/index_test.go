package store

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

func ticketNumbers(ts []*appliance.Ticket) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Number)
	}
	return out
}

func purchaseIDs(ps []*appliance.Purchase) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.ID)
	}
	return out
}

// TestIndexesFollowUpdatesAndDeletes changes records step by step and asks
// every index after each step what it finds.
func TestIndexesFollowUpdatesAndDeletes(t *testing.T) {
	db := MustOpen(t)
	cust := &appliance.Customer{ID: "c1", Name: "李雷", Phones: []string{"13800000001", "01088886666"}}
	t1 := &appliance.Ticket{Number: "T20261123-0001", Kind: appliance.KindRepair, Status: appliance.StatusOpen, CustomerID: "c1", Due: day.AddDate(0, 0, 7)}
	t2 := &appliance.Ticket{Number: "T20261123-0002", Kind: appliance.KindReturn, Status: appliance.StatusOpen, CustomerID: "c1", Due: day.AddDate(0, 0, 2)}
	mustUpdate(t, db, func(tx *Txn) error {
		for _, err := range []error{
			tx.PutCustomer(cust),
			tx.PutCard(&appliance.Card{Number: "SC-000001", UIDs: []string{"04AABB"}, CustomerID: "c1", Status: appliance.CardActive}),
			tx.PutPurchase(&appliance.Purchase{ID: "p1", CustomerID: "c1", Serial: "SN-1", Receipt: "R-9"}),
			tx.PutPurchase(&appliance.Purchase{ID: "p2", CustomerID: "c1", Receipt: "R-9"}),
			tx.PutTicket(t1), tx.PutTicket(t2),
		} {
			if err != nil {
				return err
			}
		}
		return nil
	})

	steps := []struct {
		name   string
		change func(*Txn) error
		check  func(*testing.T, *Txn)
	}{
		{"initial", nil, func(t *testing.T, tx *Txn) {
			for _, phone := range cust.Phones {
				if c, err := tx.CustomerByPhone(phone); err != nil || c.ID != "c1" {
					t.Errorf("CustomerByPhone(%s) = %v, %v", phone, c, err)
				}
			}
			if c, err := tx.CardByUID("04AABB"); err != nil || c.Number != "SC-000001" {
				t.Errorf("CardByUID = %v, %v", c, err)
			}
			if ps, _ := tx.PurchasesByReceipt("R-9"); !slices.Equal(purchaseIDs(ps), []string{"p1", "p2"}) {
				t.Errorf("PurchasesByReceipt = %v", purchaseIDs(ps))
			}
			if ps, _ := tx.PurchasesBySerial("SN-1"); !slices.Equal(purchaseIDs(ps), []string{"p1"}) {
				t.Errorf("PurchasesBySerial = %v", purchaseIDs(ps))
			}
			if ts, _ := tx.TicketsByStatus(appliance.StatusOpen, 0); len(ts) != 2 {
				t.Errorf("TicketsByStatus(open) = %v", ticketNumbers(ts))
			}
			ts, _ := tx.TicketsDueBefore(day.AddDate(0, 0, 30), 0)
			if got := ticketNumbers(ts); !slices.Equal(got, []string{t2.Number, t1.Number}) {
				t.Errorf("TicketsDueBefore = %v, want earliest due first", got)
			}
			ts, _ = tx.TicketsDueBefore(day.AddDate(0, 0, 3), 0)
			if got := ticketNumbers(ts); !slices.Equal(got, []string{t2.Number}) {
				t.Errorf("TicketsDueBefore(+3d) = %v, want only %s", got, t2.Number)
			}
		}},
		{"phone changed", func(tx *Txn) error {
			c := *cust
			c.Phones = []string{"13900000009"}
			return tx.PutCustomer(&c)
		}, func(t *testing.T, tx *Txn) {
			if _, err := tx.CustomerByPhone("13800000001"); appliance.ErrorCode(err) != appliance.ENOTFOUND {
				t.Errorf("old phone still finds: %v", err)
			}
			if c, err := tx.CustomerByPhone("13900000009"); err != nil || c.ID != "c1" {
				t.Errorf("new phone: %v, %v", c, err)
			}
		}},
		{"ticket closed", func(tx *Txn) error {
			t := *t1
			t.Status = appliance.StatusClosed
			return tx.PutTicket(&t)
		}, func(t *testing.T, tx *Txn) {
			if ts, _ := tx.TicketsByStatus(appliance.StatusOpen, 0); !slices.Equal(ticketNumbers(ts), []string{t2.Number}) {
				t.Errorf("open = %v", ticketNumbers(ts))
			}
			if ts, _ := tx.TicketsByStatus(appliance.StatusClosed, 0); !slices.Equal(ticketNumbers(ts), []string{t1.Number}) {
				t.Errorf("closed = %v", ticketNumbers(ts))
			}
			if ts, _ := tx.TicketsDueBefore(day.AddDate(1, 0, 0), 0); !slices.Equal(ticketNumbers(ts), []string{t2.Number}) {
				t.Errorf("a closed ticket is still due: %v", ticketNumbers(ts))
			}
		}},
		{"purchase deleted", func(tx *Txn) error { return tx.DeletePurchase("p1") },
			func(t *testing.T, tx *Txn) {
				if ps, _ := tx.PurchasesBySerial("SN-1"); len(ps) != 0 {
					t.Errorf("deleted purchase still found by serial: %v", purchaseIDs(ps))
				}
				if ps, _ := tx.PurchasesByReceipt("R-9"); !slices.Equal(purchaseIDs(ps), []string{"p2"}) {
					t.Errorf("PurchasesByReceipt = %v", purchaseIDs(ps))
				}
			}},
		{"card UID moved to a new card", func(tx *Txn) error {
			if err := tx.PutCard(&appliance.Card{Number: "SC-000001", CustomerID: "c1", Status: appliance.CardReplaced}); err != nil {
				return err
			}
			return tx.PutCard(&appliance.Card{Number: "SC-000002", UIDs: []string{"04AABB"}, CustomerID: "c1", Status: appliance.CardActive})
		}, func(t *testing.T, tx *Txn) {
			if c, err := tx.CardByUID("04AABB"); err != nil || c.Number != "SC-000002" {
				t.Errorf("CardByUID = %v, %v; want SC-000002", c, err)
			}
			if cs, _ := tx.CardsOfCustomer("c1"); len(cs) != 2 {
				t.Errorf("CardsOfCustomer = %d cards, want 2", len(cs))
			}
		}},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			if s.change != nil {
				mustUpdate(t, db, s.change)
			}
			db.View(func(tx *Txn) error { s.check(t, tx); return nil })
			mustVerify(t, db)
		})
	}
}

func TestUniqueIndexConflict(t *testing.T) {
	db := MustOpen(t)
	mustUpdate(t, db, func(tx *Txn) error {
		return tx.PutCustomer(&appliance.Customer{ID: "c1", Phones: []string{"13800000001"}})
	})
	err := db.Update(func(tx *Txn) error {
		return tx.PutCustomer(&appliance.Customer{ID: "c2", Phones: []string{"13800000001"}})
	})
	var ae *appliance.Error
	if !errors.As(err, &ae) || ae.Code != appliance.ECONFLICT {
		t.Fatalf("second customer with the same phone: %v, want conflict", err)
	}
	if ae.Field != idxCustomerPhone {
		t.Errorf("conflict names field %q, want %q", ae.Field, idxCustomerPhone)
	}
	db.View(func(tx *Txn) error {
		if _, err := tx.Customer("c2"); appliance.ErrorCode(err) != appliance.ENOTFOUND {
			t.Errorf("the refused customer was half-written: %v", err)
		}
		return nil
	})
	mustVerify(t, db)
}

func TestNumbersSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	take := func(db *DB, d time.Time) (tk, card string) {
		t.Helper()
		mustUpdate(t, db, func(tx *Txn) (err error) {
			if tk, err = tx.NextTicketNumber(d); err != nil {
				return err
			}
			card, err = tx.NextCardNumber()
			return err
		})
		return tk, card
	}
	db := MustOpenDir(t, dir)
	for i := 1; i <= 3; i++ {
		take(db, day)
	}
	db.Close()
	db = MustOpenDir(t, dir)
	tests := []struct {
		name       string
		day        time.Time
		wantTicket string
		wantCard   string
	}{
		{"same day continues after restart", day, "T20261123-0004", "SC-000004"},
		{"next day starts again at 0001", day.AddDate(0, 0, 1), "T20261124-0001", "SC-000005"},
		{"first day still continues", day, "T20261123-0005", "SC-000006"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk, card := take(db, tt.day)
			if tk != tt.wantTicket || card != tt.wantCard {
				t.Errorf("got %s %s, want %s %s", tk, card, tt.wantTicket, tt.wantCard)
			}
		})
	}
}

func TestNumberNotTakenWhenTransactionFails(t *testing.T) {
	db := MustOpen(t)
	db.Update(func(tx *Txn) error {
		if _, err := tx.NextTicketNumber(day); err != nil {
			return err
		}
		return appliance.Errorf(appliance.EINVALID, "refused")
	})
	var got string
	mustUpdate(t, db, func(tx *Txn) (err error) { got, err = tx.NextTicketNumber(day); return })
	if got != "T20261123-0001" {
		t.Fatalf("after a failed intake the next number is %s, want T20261123-0001 (no gap)", got)
	}
}

// TestVerifyFindsBrokenIndexes corrupts the raw store behind the API and
// expects Verify to name each problem.
func TestVerifyFindsBrokenIndexes(t *testing.T) {
	c2, err := encode(&appliance.Customer{ID: "c2", Phones: []string{"13800000001"}})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		corrupt func(*badger.Txn) error
		want    []string // what the problems must say, in order
	}{
		{"stale unique entry", func(b *badger.Txn) error { return b.Set([]byte("u/customer.phone/139"), []byte("c1")) },
			[]string{`index entry "u/customer.phone/139" is stale`}},
		{"stale multi entry", func(b *badger.Txn) error { return b.Set([]byte("x/ticket.status/ready\x00T9"), nil) },
			[]string{`index entry "x/ticket.status/ready\x00T9" is stale`}},
		{"missing entry", func(b *badger.Txn) error { return b.Delete([]byte("u/customer.phone/13800000001")) },
			[]string{`index entry "u/customer.phone/13800000001" is missing`}},
		{"missing ticket entries", func(b *badger.Txn) error {
			if err := b.Delete([]byte("x/ticket.status/open\x00T0500")); err != nil {
				return err
			}
			return b.Delete([]byte("x/ticket.customer/c1\x00T1999"))
		}, []string{`"x/ticket.customer/c1\x00T1999" is missing`, `"x/ticket.status/open\x00T0500" is missing`}},
		{"entry points elsewhere", func(b *badger.Txn) error { return b.Set([]byte("u/customer.phone/13800000001"), []byte("c9")) },
			[]string{`"u/customer.phone/13800000001" points to "c9", want "c1"`}},
		{"a report record that disagrees with its ticket", func(b *badger.Txn) error {
			return b.Set([]byte("x/ticket.report/00010101T000000Z\x00T0007"), []byte{reportCodec, 0})
		}, []string{`"x/ticket.report/00010101T000000Z\x00T0007" points to "\x01\x00", want`}},
		{"a request's time entry stale", func(b *badger.Txn) error { return b.Set([]byte("x/request.time/20260101T000000Z\x00k9"), nil) },
			[]string{`"x/request.time/20260101T000000Z\x00k9" is stale`}},
		{"two records ask for one unique entry", func(b *badger.Txn) error { return b.Set([]byte("r/customer/c2"), c2) },
			[]string{`"u/customer.phone/13800000001" is asked for twice, for "c1" and for "c2"`, `points to "c1", want "c2"`}},
		{"record does not decode", func(b *badger.Txn) error { return b.Set([]byte("r/customer/c1"), []byte{1, '{'}) },
			[]string{`record "r/customer/c1" does not decode`, `"u/customer.phone/13800000001" is stale`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpen(t)
			mustUpdate(t, db, func(tx *Txn) error {
				if err := tx.PutCustomer(&appliance.Customer{ID: "c1", Phones: []string{"13800000001"}}); err != nil {
					return err
				}
				for i := range 2000 { // enough entries to fill many digest buckets
					tk := &appliance.Ticket{Number: fmt.Sprintf("T%04d", i), Kind: appliance.KindRepair, Status: appliance.StatusOpen, CustomerID: "c1", Fault: "屏幕不亮"}
					if err := tx.PutTicket(tk); err != nil {
						return err
					}
				}
				return nil
			})
			mustVerify(t, db)
			if err := db.bdb.Update(tt.corrupt); err != nil {
				t.Fatal(err)
			}
			r, err := db.Verify()
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Problems) != len(tt.want) {
				t.Fatalf("Verify of a corrupted store found %d problems, want %d:\n%s", len(r.Problems), len(tt.want), r)
			}
			for i, w := range tt.want {
				if !strings.Contains(r.Problems[i], w) {
					t.Errorf("problem %d = %q, want it to say %q", i, r.Problems[i], w)
				}
			}
		})
	}
}

// TestVerifyManyBrokenEntries removes an index whole: every bucket the
// entries fell in differs, and Verify names them one by one, in key
// order within each group of buckets, up to maxProblems.
func TestVerifyManyBrokenEntries(t *testing.T) {
	db := MustOpen(t)
	const n = 1500
	mustUpdate(t, db, func(tx *Txn) error {
		for i := range n {
			tk := &appliance.Ticket{Number: fmt.Sprintf("T%04d", i), Kind: appliance.KindRepair, Status: appliance.StatusOpen, CustomerID: "c1"}
			if err := tx.PutTicket(tk); err != nil {
				return err
			}
		}
		return nil
	})
	if err := db.bdb.DropPrefix([]byte("x/" + idxTicketStatus + "/")); err != nil {
		t.Fatal(err)
	}
	r, err := db.Verify()
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Problems) != maxProblems {
		t.Fatalf("Verify found %d problems, want the first %d of %d", len(r.Problems), maxProblems, n)
	}
	for _, p := range r.Problems {
		if !strings.Contains(p, `"x/ticket.status/open\x00T`) || !strings.HasSuffix(p, "is missing") {
			t.Fatalf("problem %q, want a missing ticket.status entry", p)
		}
	}
}

// TestCardReadThenPutInOneTransaction: a card read, changed and put in
// the same transaction (twice, as a batch of operations does) keeps
// exactly the index entries of its last version, although put takes the
// entries of the version before from the read instead of reading it again.
func TestCardReadThenPutInOneTransaction(t *testing.T) {
	db := MustOpen(t)
	mustUpdate(t, db, func(tx *Txn) error {
		return tx.PutCard(&appliance.Card{Number: "SC-000001", CustomerID: "c1", Status: appliance.CardActive, UIDs: []string{"04A1"}})
	})
	mustUpdate(t, db, func(tx *Txn) error {
		for _, step := range []struct{ customer, uid string }{{"c2", "04B2"}, {"c3", "04C3"}} {
			c, err := tx.Card("SC-000001")
			if err != nil {
				return err
			}
			c.CustomerID, c.UIDs = step.customer, []string{step.uid}
			if err := tx.PutCard(c); err != nil {
				return err
			}
		}
		return nil
	})
	err := db.View(func(tx *Txn) error {
		for _, uid := range []string{"04A1", "04B2"} {
			if _, err := tx.CardByUID(uid); appliance.ErrorCode(err) != appliance.ENOTFOUND {
				return fmt.Errorf("old UID %s still finds a card: %v", uid, err)
			}
		}
		if c, err := tx.CardByUID("04C3"); err != nil || c.CustomerID != "c3" {
			return fmt.Errorf("CardByUID(04C3) = %+v, %v", c, err)
		}
		for cust, want := range map[string]int{"c1": 0, "c2": 0, "c3": 1} {
			if cs, err := tx.CardsOfCustomer(cust); err != nil || len(cs) != want {
				return fmt.Errorf("CardsOfCustomer(%s) = %d cards, %v; want %d", cust, len(cs), err, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	mustVerify(t, db)
}
