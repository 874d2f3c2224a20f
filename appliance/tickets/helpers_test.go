package tickets_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/appliance/tickets"
	"shouhou/conf"
	"shouhou/ui"
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex // guards t
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func (c *clock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// desk is one test's appliance: a real Badger store, the embedded default
// config, a bus and the workflow.
type desk struct {
	t       testing.TB
	ctx     context.Context
	db      *store.DB
	clock   *clock
	svc     *tickets.Service
	bus     *appliance.Bus
	sub     *appliance.Subscription
	rules   tickets.Rules
	charger *testCharger
	// noVerify skips Verify at cleanup (benchmarks: Verify reads every
	// record and index entry, minutes at a million tickets).
	noVerify bool
}

var (
	clerk  = appliance.Actor{ID: "clerk1", Role: appliance.RoleClerk}
	techie = appliance.Actor{ID: "tech", Role: appliance.RoleTechnician} // the technician of the default staff.toml
	boss   = appliance.Actor{ID: "boss1", Role: appliance.RoleSupervisor}
)

func shanghai(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

// newDesk opens a desk on a new store whose clock stands at start (Asia/Shanghai).
func newDesk(tb testing.TB, start time.Time) *desk {
	tb.Helper()
	return newDeskAt(tb, start, tb.TempDir())
}

// newDeskAt is newDesk on the store in dir (which may hold one already).
func newDeskAt(tb testing.TB, start time.Time, dir string) *desk {
	tb.Helper()
	snap, err := conf.LoadAt("", start)
	if err != nil {
		tb.Fatal(err)
	}
	clk := &clock{t: start}
	db, err := store.Open(dir, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: clk.Now})
	if err != nil {
		tb.Fatal(err)
	}
	d := &desk{t: tb, ctx: context.Background(), db: db, clock: clk, rules: ui.TicketRules(snap), // the conversion serve uses
		charger: &testCharger{balances: map[string]int64{}, keys: map[string]string{}}}
	d.bus = appliance.NewBus(d.clock.Now)
	d.sub = d.bus.Subscribe(1024)
	d.svc = tickets.New(db, tickets.Options{Rules: func() tickets.Rules { return d.rules }, Bus: d.bus,
		Charger: d.charger, Now: d.clock.Now, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	tb.Cleanup(func() {
		if !d.noVerify {
			d.verify()
		}
		d.sub.Close()
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return d
}

// at returns a time in the store's zone.
func (d *desk) at(y int, m time.Month, day, h, min int) time.Time {
	return time.Date(y, m, day, h, min, 0, 0, d.rules.Calendar.Location())
}

// verify fails the test unless every store invariant holds.
func (d *desk) verify() {
	d.t.Helper()
	rep, err := d.db.Verify()
	if err != nil {
		d.t.Fatal(err)
	}
	if !rep.OK() {
		d.t.Fatalf("Verify:\n%s", rep)
	}
}

// ok fails the test on err and returns t.
func (d *desk) ok(t *appliance.Ticket, err error) *appliance.Ticket {
	d.t.Helper()
	if err != nil {
		d.t.Fatal(err)
	}
	return t
}

// wantStatus fails unless t is in status s.
func wantStatus(tb testing.TB, t *appliance.Ticket, s appliance.TicketStatus) {
	tb.Helper()
	if t.Status != s {
		tb.Fatalf("ticket %s status = %s, want %s (history %+v)", t.Number, t.Status, s, t.History)
	}
}

// wantCode fails unless err carries the domain error code.
func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if appliance.ErrorCode(err) != code {
		tb.Fatalf("error = %v, want code %s", err, code)
	}
}

// events drains the bus and returns the kinds and ticket numbers seen.
func (d *desk) events() []string {
	var out []string
	for {
		select {
		case ev := <-d.sub.C():
			if e, ok := ev.Data.(tickets.Event); ok {
				out = append(out, ev.Kind+" "+e.Ticket.Number)
			}
		default:
			return out
		}
	}
}

// customer records a customer with one phone number.
func (d *desk) customer(name, phone string) *appliance.Customer {
	c := &appliance.Customer{ID: "c-" + phone, Name: name, Phones: []string{phone}, Created: d.clock.Now()}
	err := d.db.Update(func(tx *store.Txn) error { return tx.PutCustomer(c) })
	if err != nil {
		d.t.Fatal(err)
	}
	return c
}

// card issues an active card to a customer, with a balance in the test charger.
func (d *desk) card(c *appliance.Customer, number, uid string, balance int64) {
	card := &appliance.Card{Number: number, UIDs: []string{uid}, CustomerID: c.ID, Status: appliance.CardActive, Issued: d.clock.Now()}
	err := d.db.Update(func(tx *store.Txn) error { return tx.PutCard(card) })
	if err != nil {
		d.t.Fatal(err)
	}
	d.charger.mu.Lock()
	d.charger.balances[number] = balance
	d.charger.mu.Unlock()
}

// testCharger is a card balance that behaves as the ledger's contract
// says: idempotent on key, refusing an overdraft.
type testCharger struct {
	mu       sync.Mutex // guards the maps and calls
	balances map[string]int64
	keys     map[string]string // key -> ref
	calls    int
}

func (c *testCharger) Charge(ctx context.Context, actor appliance.Actor, key, card string, amount int64, ticket string) (string, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.calls++
	if ref, ok := c.keys[key]; ok {
		return ref, nil
	}
	bal, ok := c.balances[card]
	switch {
	case !ok:
		return "", appliance.Errorf(appliance.ENOTFOUND, "no card %s", card)
	case amount > bal:
		return "", appliance.Errorf(appliance.ECONFLICT, "余额不足 / balance too low")
	}
	c.balances[card] = bal - amount
	ref := fmt.Sprintf("%s#%d", card, len(c.keys)+1)
	c.keys[key] = ref
	return ref, nil
}

func (c *testCharger) balance(card string) int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.balances[card]
}

// history returns the ticket's statuses in order, "open>in_repair>...".
func history(t *appliance.Ticket) string {
	var b strings.Builder
	for i, h := range t.History {
		if i > 0 {
			b.WriteString(">")
		}
		b.WriteString(string(h.To))
	}
	return b.String()
}

func asError(err error, target **appliance.Error) bool { return errors.As(err, target) }
