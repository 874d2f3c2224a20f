package demo

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
)

func TestLoadIsCompleteAndIdempotent(t *testing.T) {
	db, err := store.Open(t.TempDir(), store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	now := time.Date(2026, 11, 23, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	for i, want := range []bool{true, false} {
		loaded, err := Load(db, now)
		if err != nil || loaded != want {
			t.Fatalf("Load #%d = %v, %v; want %v", i+1, loaded, err, want)
		}
	}
	err = db.View(func(tx *store.Txn) error {
		kinds := map[appliance.TicketKind]int{}
		categories := map[string]bool{}
		var tickets int
		for _, s := range appliance.TicketStatuses {
			ts, err := tx.TicketsByStatus(s, 0)
			if err != nil {
				return err
			}
			if len(ts) == 0 {
				t.Errorf("no demo ticket in status %s", s)
			}
			for _, tk := range ts {
				kinds[tk.Kind]++
				tickets++
			}
		}
		for _, k := range appliance.TicketKinds {
			if kinds[k] == 0 {
				t.Errorf("no demo ticket of kind %s", k)
			}
		}
		if tickets != 40 {
			t.Errorf("%d demo tickets, want 40", tickets)
		}
		for i := 1; i <= len(people); i++ {
			c, err := tx.CustomerByPhone(people2phone(i))
			if err != nil {
				return err
			}
			cards, err := tx.CardsOfCustomer(c.ID)
			if err != nil || len(cards) != 1 {
				t.Errorf("customer %s has %d cards (%v), want 1", c.ID, len(cards), err)
			}
			ps, err := tx.PurchasesOfCustomer(c.ID)
			if err != nil || len(ps) != 1 {
				t.Errorf("customer %s has %d purchases (%v), want 1", c.ID, len(ps), err)
			}
			for _, p := range ps {
				categories[p.Category] = true
			}
		}
		for _, cat := range []string{"electronics", "home_goods", "apparel", "leather", "intimate"} {
			if !categories[cat] {
				t.Errorf("no demo purchase in category %s", cat)
			}
		}
		if _, err := tx.Ticket("T20261123-0001"); err != nil {
			t.Errorf("the first ticket of the day: %v", err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := cards.New(db, cards.Options{Policy: func() *policy.Tables { return &policy.Tables{} }, Now: func() time.Time { return now }})
	defer svc.Close()
	for i := 0; i < 2; i++ { // the second call must move no money
		if err := FundCards(context.Background(), svc); err != nil {
			t.Fatal(err)
		}
	}
	for n, want := range map[string]int64{"SC-000001": 5000, "SC-000020": 100000, "SC-000019": 0} {
		c, _, err := svc.Ledger(n)
		if err != nil || c.BalanceFen != want {
			t.Errorf("card %s balance %v (%v), want %d", n, c, err, want)
		}
	}
	r, err := db.Verify()
	if err != nil || !r.OK() {
		t.Fatalf("Verify after demo load: %v\n%s", err, r)
	}
}

func people2phone(i int) string { return fmt.Sprintf("1380013%04d", i) }
