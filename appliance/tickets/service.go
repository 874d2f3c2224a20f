package tickets

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// Events published on the bus after a commit. Data is an Event.
const (
	EventCreated = "ticket.created"
	EventUpdated = "ticket.updated"
)

// Event is the payload of a ticket event.
type Event struct {
	// Action names what happened, e.g. "ticket.assign".
	Action string `json:"action"`
	// Ticket is the ticket after the change.
	Ticket *appliance.Ticket `json:"ticket"`
}

// CardCharger takes money from a card balance for a ticket (the card
// ledger, package cards). Charge must be idempotent on key: a call with a
// key already used for the same card and amount returns the first
// charge's reference and moves no money. It returns an *appliance.Error:
// ENOTFOUND for an unknown card, ECONFLICT for a blocked card or a balance
// too low, EINVALID for a bad amount.
type CardCharger interface {
	Charge(ctx context.Context, actor appliance.Actor, key, card string, amountFen int64, ticket string) (ledgerRef string, err error)
}

// Options configure New.
type Options struct {
	// Rules returns the config in force; required.
	Rules func() Rules
	// Bus receives ticket events after each commit; nil publishes nothing.
	Bus *appliance.Bus
	// Charger charges card balances; nil refuses card payments.
	Charger CardCharger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives the scheduler's messages; nil means slog.Default().
	Logger *slog.Logger
}

// Service runs the ticket workflow on a store. It is safe for concurrent
// use: every change is one serialised store transaction.
type Service struct {
	db   *store.DB
	opts Options
}

// New returns the workflow over db.
func New(db *store.DB, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &Service{db: db, opts: o}
}

// now returns the clock's time in the store's zone.
func (s *Service) now(r Rules) time.Time { return s.opts.Now().In(r.Calendar.Location()) }

// Get returns the ticket with the human number, or an ENOTFOUND error.
func (s *Service) Get(ctx context.Context, number string) (*appliance.Ticket, error) {
	var t *appliance.Ticket
	err := s.db.View(func(tx *store.Txn) error {
		var err error
		t, err = tx.Ticket(number)
		return err
	})
	return t, err
}

// change loads a ticket, lets fn change it, reschedules its calls, writes
// it with an audit entry, and publishes ticket.updated after the commit.
// A store.Request in ctx is recalled first (a retry returns the ticket as
// it is now and changes nothing) and kept with the change.
func (s *Service) change(ctx context.Context, actor appliance.Actor, number, action, reason string,
	fn func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error) (*appliance.Ticket, error) {
	if err := actor.Check(); err != nil {
		return nil, err
	}
	if actor.Role == appliance.RoleCustomer && action != "ticket.quote_answer" && action != "ticket.survey" {
		return nil, appliance.Errorf(appliance.EUNAUTHORIZED, "顾客只能回复报价和填写满意度调查 / a customer may only answer the quote and the survey")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	r := s.opts.Rules()
	req := store.RequestFrom(ctx)
	var out *appliance.Ticket
	err := s.db.Update(func(tx *store.Txn) error {
		if number, found, err := tx.Recall(req); err != nil || found {
			if err == nil {
				out, err = tx.Ticket(number)
			}
			return err
		}
		t, err := tx.Ticket(number)
		if err != nil {
			return err
		}
		before := clone(t)
		now := s.now(r)
		if err := fn(tx, t, r, now); err != nil {
			return err
		}
		t.Updated = now
		schedule(t, r)
		if err := tx.PutTicket(t); err != nil {
			return err
		}
		if err := tx.AuditBy(actor, action, "ticket/"+t.Number, reason, before, t); err != nil {
			return err
		}
		out = t
		return tx.Remember(req, actor.ID, t.Number)
	})
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", action, number, err)
	}
	if !req.Replayed() {
		s.publish(EventUpdated, action, out)
	}
	return out, nil
}

// transition moves t to status to after checking the table, appends it to
// the history and audits it as ticket.transition.
func transition(tx *store.Txn, t *appliance.Ticket, actor appliance.Actor, to appliance.TicketStatus, reason string, now time.Time) error {
	if err := CheckMove(t.Kind, t.Status, to, actor.Role, reason); err != nil {
		return err
	}
	if err := guard(t, to); err != nil {
		return err
	}
	from := t.Status
	t.Status = to
	t.History = append(t.History, appliance.Transition{From: from, To: to, Operator: actor.ID, Reason: reason, Time: now})
	type state struct {
		Status appliance.TicketStatus `json:"status"`
	}
	return tx.AuditBy(actor, "ticket.transition", "ticket/"+t.Number, reason, state{from}, state{to})
}

// publish sends a ticket event when there is a bus.
func (s *Service) publish(kind, action string, t *appliance.Ticket) {
	if s.opts.Bus != nil && t != nil {
		s.opts.Bus.Publish(kind, "", Event{Action: action, Ticket: t})
	}
}

// clone deep-copies a ticket for the audit's before image.
func clone(t *appliance.Ticket) *appliance.Ticket {
	b, err := json.Marshal(t)
	if err != nil {
		return t
	}
	var c appliance.Ticket
	if json.Unmarshal(b, &c) != nil {
		return t
	}
	return &c
}

// newID returns an internal record ID: prefix, the time, a random suffix.
func newID(prefix string, now time.Time) string {
	var b [4]byte
	rand.Read(b[:])
	return prefix + strconv.FormatInt(now.UnixNano(), 36) + hex.EncodeToString(b[:])
}
