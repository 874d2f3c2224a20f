package reports

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
)

var (
	cst        = time.FixedZone("CST", 8*3600)
	monthStart = time.Date(2026, 11, 1, 0, 0, 0, 0, cst)
	clerk      = appliance.Actor{ID: "clerk1", Role: appliance.RoleClerk}
	boss       = appliance.Actor{ID: "boss", Role: appliance.RoleSupervisor}
)

// clock is the test's settable clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// expectDay is what the test itself counted for one day while generating.
type expectDay struct {
	opened, closed, cancelled int
	openedByKind              map[appliance.TicketKind]int
	closedBy                  map[appliance.TicketKind]map[string]int
	refundCash, refundCard    int64
	feesCash, feesCard        int64
	cardIn, charges, cashout  int64
	ledger                    map[appliance.LedgerKind]CardRow
}

// expectKPI is what the test counted for the month.
type expectKPI struct {
	tickets, complaints           int
	due, onTime                   int
	surveys                       int
	itemSat                       [4]int
	repairs, repeats              int
	resolved                      int
	resolveSum                    time.Duration
	complaintDue, complaintOnTime int
}

// month is a generated month of activity in a real store, written through
// the card service for money and straight into the store for tickets.
type month struct {
	db    *store.DB
	dir   string
	svc   *cards.Service
	clock *clock
	rep   *Reports
	days  map[string]*expectDay
	// all are every ticket generated, as last written.
	all []*appliance.Ticket
	kpi expectKPI
	// liability is every card's balance as the test tracks it, summed.
	liability map[string]int64 // day -> liability at its end
}

func (m *month) day(t time.Time) *expectDay {
	k := t.In(cst).Format(DayFormat)
	if m.days[k] == nil {
		m.days[k] = &expectDay{openedByKind: map[appliance.TicketKind]int{}, closedBy: map[appliance.TicketKind]map[string]int{},
			ledger: map[appliance.LedgerKind]CardRow{}}
	}
	return m.days[k]
}

func (m *month) money(e *expectDay, k appliance.LedgerKind, fen int64) {
	row := e.ledger[k]
	row.Kind, row.Count, row.SumFen = k, row.Count+1, row.SumFen+fen
	e.ledger[k] = row
}

// openStore opens a store and a card service on dir.
func openStore(tb testing.TB, dir string, c *clock) (*store.DB, *cards.Service) {
	tb.Helper()
	db, err := store.Open(dir, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: c.now})
	if err != nil {
		tb.Fatal(err)
	}
	pol := &policy.Tables{ReversalWindow: 24 * time.Hour, ReversalApprovalAboveFen: 20000, RefundApprovalAboveFen: 100000}
	svc := cards.New(db, cards.Options{Policy: func() *policy.Tables { return pol }, Now: c.now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	return db, svc
}

const customers = 6

// MustMonth generates November 2026: every kind of ticket opened every
// day, closed two or five days later with outcomes, fees in cash and by
// card, surveys, refunds in cash and to cards, card top-ups and a cash-out.
func MustMonth(tb testing.TB) *month {
	tb.Helper()
	c := &clock{t: monthStart.Add(8 * time.Hour)}
	dir := tb.TempDir()
	db, svc := openStore(tb, dir, c)
	tb.Cleanup(func() { svc.Close(); db.Close() })
	m := &month{db: db, dir: dir, svc: svc, clock: c, days: map[string]*expectDay{}, liability: map[string]int64{}}
	m.rep = New(db, Options{Location: cst, Now: c.now, ComplaintReasons: testReasons})
	ctx := context.Background()
	must := func(_ *cards.Result, err error) {
		tb.Helper()
		if err != nil {
			tb.Fatal(err)
		}
	}
	cardOf := map[string]string{}
	err := db.Update(func(tx *store.Txn) error {
		for i := range customers {
			id := fmt.Sprintf("c%d", i)
			if err := tx.PutCustomer(&appliance.Customer{ID: id, Name: fmt.Sprintf("顾客%d", i), Phones: []string{fmt.Sprintf("1380000000%d", i)}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	var balance int64
	for i := range customers {
		c.set(monthStart.Add(9*time.Hour + time.Duration(i)*time.Minute))
		res, err := svc.Issue(ctx, clerk, cards.IssueArgs{Key: fmt.Sprintf("issue-%d", i), CustomerID: fmt.Sprintf("c%d", i), DepositFen: 50000})
		if err != nil {
			tb.Fatal(err)
		}
		cardOf[fmt.Sprintf("c%d", i)] = res.Card.Number
		e := m.day(c.now())
		e.cardIn += 50000
		m.money(e, appliance.LedgerIssue, 50000)
		balance += 50000
	}
	var pending []*appliance.Ticket
	seq := 0
	for d := range 30 {
		day := monthStart.AddDate(0, 0, d)
		// A top-up a day, on a rotating card.
		c.set(day.Add(9*time.Hour + 30*time.Minute))
		amt := int64(1000 * (d%4 + 1))
		must(svc.TopUp(ctx, clerk, cards.MoneyArgs{Key: fmt.Sprintf("top-%d", d), Card: cardOf[fmt.Sprintf("c%d", d%customers)], AmountFen: amt}))
		m.money(m.day(day), appliance.LedgerTopup, amt)
		m.day(day).cardIn += amt
		balance += amt
		// Tickets opened today.
		for ki, k := range appliance.TicketKinds {
			for j := range (d + ki) % 3 {
				seq++
				cust := fmt.Sprintf("c%d", (seq)%customers)
				created := day.Add(10*time.Hour + time.Duration(ki*10+j)*time.Minute)
				t := &appliance.Ticket{Number: fmt.Sprintf("T%s-%04d", day.Format("20060102"), ki*10+j+1), Kind: k,
					Status: appliance.StatusOpen, CustomerID: cust, Card: cardOf[cust], Created: created, Updated: created,
					Due: created.Add(72 * time.Hour), PurchaseID: fmt.Sprintf("p%d", seq%7)}
				if k == appliance.KindComplaint {
					// Configured codes, one no longer configured, and none (a
					// complaint stored before the list).
					t.ComplaintReason = []string{"service", "quality", "delivery", ""}[seq%4]
					t.Due = created.Add(48 * time.Hour)
				}
				m.day(created).opened++
				m.day(created).openedByKind[k]++
				m.kpi.tickets++
				if k == appliance.KindComplaint {
					m.kpi.complaints++
				}
				pending = append(pending, t)
				m.all = append(m.all, t)
			}
		}
		// Tickets whose time has come are resolved today: a ticket opened
		// on day x closes on day x+2, or x+5 when its sequence is a
		// multiple of 4 (late against its 72 h), or is cancelled when a
		// multiple of 9.
		var keep []*appliance.Ticket
		for _, t := range pending {
			n := ticketSeq(t)
			wait := 2
			if n%4 == 0 {
				wait = 5
			}
			if m.startOf(t.Created).AddDate(0, 0, wait) != day {
				keep = append(keep, t)
				continue
			}
			m.resolve(tb, t, day, n, &balance)
		}
		pending = keep
		if d == 29 {
			// The last day a customer cancels their card: its balance is cashed out.
			c.set(day.Add(18 * time.Hour))
			res, err := svc.Cancel(ctx, boss, cards.CancelArgs{Key: "cancel-c0", Card: cardOf["c0"]})
			if err != nil {
				tb.Fatal(err)
			}
			out := -res.Entries[len(res.Entries)-1].AmountFen
			m.day(day).cashout += out
			m.money(m.day(day), appliance.LedgerCashout, -out)
			balance -= out
		}
		m.liability[day.Format(DayFormat)] = balance
	}
	// What is still pending at the end of the month stays open; the
	// on-time rule counts those due inside the month as late.
	err = db.Update(func(tx *store.Txn) error {
		for _, t := range pending {
			if t.Due.Before(monthStart.AddDate(0, 1, 0)) {
				m.countDue(t, false)
			}
			if err := tx.PutTicket(t); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

func (m *month) startOf(t time.Time) time.Time {
	y, mo, d := t.In(cst).Date()
	return time.Date(y, mo, d, 0, 0, 0, 0, cst)
}

// ticketSeq is a number that tells tickets apart, from their number.
func ticketSeq(t *appliance.Ticket) int {
	var n int
	for _, r := range t.Number {
		n = n*31 + int(r)
	}
	if n < 0 {
		n = -n
	}
	return n
}

// resolve closes (or cancels) t on day and counts what it expects.
func (m *month) resolve(tb testing.TB, t *appliance.Ticket, day time.Time, n int, balance *int64) {
	tb.Helper()
	ctx := context.Background()
	at := day.Add(15*time.Hour + time.Duration(n%50)*time.Minute)
	e := m.day(at)
	inMonth := t.Due.Before(monthStart.AddDate(0, 1, 0))
	if n%9 == 0 {
		t.Status = appliance.StatusCancelled
		t.History = append(t.History, appliance.Transition{From: appliance.StatusOpen, To: appliance.StatusCancelled, Operator: "clerk1", Time: at})
		t.Updated = at
		e.cancelled++
		if inMonth && at.After(t.Due) {
			m.countDue(t, false)
		}
		m.put(tb, t)
		return
	}
	outcome := map[appliance.TicketKind]string{appliance.KindReturn: "return", appliance.KindExchange: "exchange",
		appliance.KindRepair: "repaired", appliance.KindOnSite: "repaired"}[t.Kind]
	switch t.Kind {
	case appliance.KindRepair, appliance.KindOnSite:
		t.Result = outcome
		m.kpi.repairs++
	case appliance.KindReturn, appliance.KindExchange:
		t.Outcome = outcome
	}
	if t.Kind == appliance.KindComplaint {
		t.Replied = at
	}
	t.Status = appliance.StatusClosed
	t.History = append(t.History, appliance.Transition{From: appliance.StatusOpen, To: appliance.StatusClosed, Operator: "clerk1", Time: at})
	t.Updated = at
	if inMonth {
		m.countDue(t, !at.After(t.Due))
	}
	m.kpi.resolved++
	m.kpi.resolveSum += at.Sub(t.Created)
	if outcome == "" {
		outcome = "none"
	}
	if e.closedBy[t.Kind] == nil {
		e.closedBy[t.Kind] = map[string]int{}
	}
	e.closedBy[t.Kind][outcome]++
	e.closed++
	// Fees on repairs: cash on even sequences, by card on odd.
	if t.Kind == appliance.KindRepair {
		fee := int64(500 * (n%5 + 1))
		t.PaidFen, t.Paid, t.Fees = fee, at, []appliance.Fee{{Name: "工时费", Fen: fee, Payer: "customer"}}
		if n%2 == 0 {
			t.Payment = "cash"
			e.feesCash += fee
		} else {
			t.Payment = "card"
			m.clock.set(at)
			if _, err := m.svc.Charge(ctx, clerk, cards.MoneyArgs{Key: "fee-" + t.Number, Card: t.Card, AmountFen: fee, Ticket: t.Number}); err != nil {
				tb.Fatal(err)
			}
			e.feesCard += fee
			e.charges += fee
			m.money(e, appliance.LedgerCharge, -fee)
			*balance -= fee
		}
	}
	// Refunds on returns: a settlement; to the card on odd sequences.
	if t.Kind == appliance.KindReturn {
		refund := int64(2000 + 100*(n%7))
		t.Settlement = &appliance.Settlement{Outcome: "return", RefundFen: refund, Operator: "boss", Time: at}
		if n%2 == 1 {
			m.clock.set(at)
			if _, err := m.svc.Refund(ctx, boss, cards.MoneyArgs{Key: "refund-" + t.Number, Card: t.Card, AmountFen: refund, Ticket: t.Number}); err != nil {
				tb.Fatal(err)
			}
			e.refundCard += refund
			m.money(e, appliance.LedgerRefund, refund)
			*balance += refund
		} else {
			e.refundCash += refund
		}
	}
	// Surveys: every closed ticket but consultations, levels from n.
	if t.Kind != appliance.KindConsult {
		s := &appliance.Survey{Attitude: n%4 + 1, Skill: (n/4)%4 + 1, Timeliness: (n/16)%4 + 1, FollowUp: (n/64)%4 + 1, Time: at}
		t.Survey = s
		m.kpi.surveys++
		for i, v := range []int{s.Attitude, s.Skill, s.Timeliness, s.FollowUp} {
			if v >= 3 {
				m.kpi.itemSat[i]++
			}
		}
	}
	m.put(tb, t)
}

// countDue counts a ticket due in the month, on time or not.
func (m *month) countDue(t *appliance.Ticket, onTime bool) {
	n := map[bool]int{true: 1}[onTime]
	if t.Kind == appliance.KindComplaint {
		m.kpi.complaintDue++
		m.kpi.complaintOnTime += n
		return
	}
	m.kpi.due++
	m.kpi.onTime += n
}

func (m *month) put(tb testing.TB, t *appliance.Ticket) {
	tb.Helper()
	if err := m.db.Update(func(tx *store.Txn) error { return tx.PutTicket(t) }); err != nil {
		tb.Fatal(err)
	}
}
