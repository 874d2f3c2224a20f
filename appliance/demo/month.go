package demo

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
	"shouhou/appliance/tickets"
)

// clock is the fake clock the month runs on.
type clock struct {
	mu sync.Mutex // guards t
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// month is one run of the scripted month: the services on the fake clock,
// the staff who work, and the steps still to take.
type month struct {
	ctx     context.Context
	clock   *clock
	tickets *tickets.Service
	cards   *cards.Service
	now     time.Time // the real now: the month's end
	today   time.Time // the start of now's day
	clerk   appliance.Actor
	boss    appliance.Actor
	techs   []appliance.Actor
	steps   []step
}

// step is one thing done at the desk at a time of the month.
type step struct {
	at   time.Time
	what string
	do   func(m *month) error
}

// charger takes a repair's fee from a card through the card ledger.
type charger struct{ cards *cards.Service }

// Charge implements tickets.CardCharger.
func (c charger) Charge(ctx context.Context, actor appliance.Actor, key, card string, fen int64, ticket string) (string, error) {
	res, err := c.cards.Charge(ctx, actor, cards.MoneyArgs{Key: key, Card: card, AmountFen: fen, Ticket: ticket})
	if err != nil {
		return "", err
	}
	if len(res.Entries) == 0 {
		return card, nil
	}
	return fmt.Sprintf("%s#%d", card, res.Entries[0].Seq), nil
}

// runMonth plays the month: every step at its time, the scheduler run
// before each one as the appliance runs it, and once more at now.
func runMonth(ctx context.Context, db *store.DB, o Options, clk *clock, now time.Time) error {
	cs := cards.New(db, cards.Options{Policy: func() *policy.Tables { return o.Rules.Policy }, Now: clk.Now, Logger: o.Logger})
	defer cs.Close()
	m := &month{ctx: ctx, clock: clk, cards: cs, now: now,
		today: startOfDay(now),
		clerk: appliance.Actor{ID: or(o.Clerk, "clerk"), Role: appliance.RoleClerk},
		boss:  appliance.Actor{ID: or(o.Supervisor, "boss"), Role: appliance.RoleSupervisor}}
	for _, t := range o.Rules.Technicians {
		m.techs = append(m.techs, appliance.Actor{ID: t.ID, Role: appliance.RoleTechnician})
	}
	m.tickets = tickets.New(db, tickets.Options{Rules: func() tickets.Rules { return o.Rules }, Charger: charger{cs},
		Now: clk.Now, Logger: o.Logger})
	m.script()
	sort.SliceStable(m.steps, func(i, j int) bool { return m.steps[i].at.Before(m.steps[j].at) })
	for _, s := range m.steps {
		if err := m.play(s.at); err != nil {
			return err
		}
		if err := s.do(m); err != nil {
			return fmt.Errorf("%s at %s: %w", s.what, s.at.Format("2006-01-02 15:04"), err)
		}
	}
	return m.play(now)
}

// play moves the clock to at and lets the scheduler run there.
func (m *month) play(at time.Time) error {
	m.clock.set(at)
	_, err := m.tickets.Tick(m.ctx, at)
	return err
}

// day returns hh:mm on the day daysAgo days before today. Today's steps,
// written for a day of 09:00–18:00, are squeezed in their order into the
// part of today before now: from the opening when the store has been open
// an hour or more, else the three hours before now. So none lies in the
// future whenever the demo is loaded.
func (m *month) day(daysAgo int, hh, mm int) time.Time {
	const opening, length = 9 * time.Hour, 9 * time.Hour
	t := m.today.AddDate(0, 0, -daysAgo).Add(time.Duration(hh)*time.Hour + time.Duration(mm)*time.Minute)
	if daysAgo != 0 {
		return t
	}
	from := m.now.Add(-3 * time.Hour)
	if open := m.today.Add(opening); m.now.Sub(open) >= time.Hour {
		from = open
	}
	span := m.now.Sub(from) * 9 / 10
	return from.Add(time.Duration(float64(span) * float64(t.Sub(m.today)-opening) / float64(length)))
}

// at schedules do at t.
func (m *month) at(t time.Time, what string, do func(m *month) error) {
	m.steps = append(m.steps, step{at: t, what: what, do: do})
}

// tech returns the technician who takes the story's repair.
func (m *month) tech(n int) appliance.Actor { return m.techs[n%len(m.techs)] }

// date is a date YYYY-MM-DD daysAgo days before the day of t.
func date(t time.Time, daysAgo int) string { return t.AddDate(0, 0, -daysAgo).Format("2006-01-02") }

// or returns s, or def when s is empty.
func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
