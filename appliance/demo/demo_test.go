package demo_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/demo"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
	"shouhou/appliance/tickets"
	"shouhou/conf"
	"shouhou/ui"
)

// fixture is a store loaded with the demo set at now, with the embedded
// default config it was made under.
type fixture struct {
	db    *store.DB
	snap  *conf.Snapshot
	rules tickets.Rules
	now   time.Time
}

func load(t *testing.T, now time.Time) *fixture {
	t.Helper()
	snap, err := conf.LoadAt("", now)
	if err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(t.TempDir(), store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	f := &fixture{db: db, snap: snap, rules: ui.TicketRules(snap), now: now.In(snap.Calendar.Location())}
	for i, want := range []bool{true, false} {
		loaded, err := demo.Load(context.Background(), db, demo.Options{Rules: f.rules, Now: now})
		if err != nil || loaded != want {
			t.Fatalf("Load #%d = %v, %v; want %v", i+1, loaded, err, want)
		}
	}
	return f
}

// allTickets returns every ticket of the store, by status.
func (f *fixture) allTickets(t *testing.T) []*appliance.Ticket {
	t.Helper()
	var out []*appliance.Ticket
	err := f.db.View(func(tx *store.Txn) error {
		for _, s := range appliance.TicketStatuses {
			ts, err := tx.TicketsByStatus(s, 0)
			if err != nil {
				return err
			}
			out = append(out, ts...)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// nows are the times the demo is loaded at in the tests: a working
// morning, a Monday after a weekend, and late at night.
func nows(t testing.TB) []time.Time {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	return []time.Time{time.Date(2026, 11, 23, 9, 30, 0, 0, loc), time.Date(2026, 12, 7, 15, 0, 0, 0, loc),
		time.Date(2026, 6, 30, 23, 10, 0, 0, loc)}
}

func TestLoadIsCompleteAndIdempotent(t *testing.T) {
	f := load(t, nows(t)[0])
	kinds, statuses := map[appliance.TicketKind]int{}, map[appliance.TicketStatus]int{}
	all := f.allTickets(t)
	for _, tk := range all {
		kinds[tk.Kind]++
		statuses[tk.Status]++
	}
	if len(all) != 40 {
		t.Errorf("%d demo tickets, want 40", len(all))
	}
	for _, k := range appliance.TicketKinds {
		if kinds[k] == 0 {
			t.Errorf("no demo ticket of kind %s", k)
		}
	}
	for _, s := range appliance.TicketStatuses {
		if statuses[s] == 0 {
			t.Errorf("no demo ticket in status %s", s)
		}
	}
	err := f.db.View(func(tx *store.Txn) error {
		if _, err := tx.Ticket("T20261123-0001"); err != nil {
			t.Errorf("the first ticket of the day: %v", err)
		}
		for i := 1; i <= 20; i++ {
			c, err := tx.CustomerByPhone(fmtPhone(i))
			if err != nil {
				return err
			}
			cs, err := tx.CardsOfCustomer(c.ID)
			if err != nil || len(cs) != 1 || cs[0].Number != fmtCard(i) || cs[0].UIDs[0] != fmtUID(i) {
				t.Errorf("customer %s has cards %+v (%v), want %s with chip %s", c.ID, cs, err, fmtCard(i), fmtUID(i))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	svc := cards.New(f.db, cards.Options{Policy: func() *policy.Tables { return f.snap.Policy }, Now: func() time.Time { return f.now }})
	defer svc.Close()
	for n, want := range map[string]int64{"SC-000001": 5000, "SC-000020": 100000} {
		c, _, err := svc.Ledger(n)
		if err != nil || c.BalanceFen != want {
			t.Errorf("card %s balance %v (%v), want %d", n, c, err, want)
		}
	}
	if c, _, err := svc.Ledger("SC-000019"); err != nil || c.Status != appliance.CardLost {
		t.Errorf("card SC-000019 = %+v (%v), want lost", c, err)
	}
	r, err := f.db.Verify()
	if err != nil || !r.OK() {
		t.Fatalf("Verify after demo load: %v\n%s", err, r)
	}
}
