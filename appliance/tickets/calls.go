package tickets

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/calendar"
	"shouhou/appliance/store"
)

// Calls on the call list.
const (
	CallPickup         = "pickup"          // 第二十七条: ready, tell the customer; again every N days
	CallLateRepair     = "late_repair"     // 第二十六条: the repair will be late, tell before the date
	CallStockCallback  = "stock_callback"  // 第三十五条: call back within a week whatever happens
	CallComplaintReply = "complaint_reply" // answer a complaint within 2 working days
	CallContractExpiry = "contract_expiry" // 管理办法 二十: one month before a contract ends
	// callMailBack is not a call: after the last pickup notice and one more
	// interval, the scheduler sends the item to mail-back (第二十八条).
	callMailBack = "mail_back"
)

// counts reports whether an outcome of a call of kind does what the call
// is for. No answer never does; a message left does, but for a complaint,
// whose reply must reach the customer.
func counts(kind, outcome string) bool {
	switch outcome {
	case appliance.OutcomeReached:
		return true
	case appliance.OutcomeMessageLeft:
		return kind != CallComplaintReply
	}
	return false
}

// schedule sets the ticket's next call from its state: the one place the
// call rules live. A call that did not count is tried again at the start of
// the next working day.
func schedule(t *appliance.Ticket, r Rules) {
	kind, due := nextCall(t, r)
	if kind != "" && kind != callMailBack {
		if last, ok := lastNotice(t, kind); ok && !counts(kind, last.Outcome) {
			if retry := r.nextMorning(last.Time); retry.After(due) {
				due = retry
			}
		}
	}
	t.CallKind, t.CallDue = kind, due
	if kind == "" {
		t.CallDue = time.Time{}
	}
}

func nextCall(t *appliance.Ticket, r Rules) (string, time.Time) {
	sla := r.SLA
	switch {
	case t.Status == appliance.StatusReady:
		n, last := counted(t, CallPickup)
		switch {
		case n == 0:
			return CallPickup, t.ReadyAt
		case n >= sla.PickupNoticeCount && t.Kind == appliance.KindRepair:
			return callMailBack, last.AddDate(0, 0, sla.PickupNoticeIntervalDays)
		case n >= sla.PickupNoticeCount:
			return "", time.Time{} // goods the store keeps: no more calls
		}
		return CallPickup, last.AddDate(0, 0, sla.PickupNoticeIntervalDays)
	case (t.Status == appliance.StatusInRepair || t.Status == appliance.StatusAtVendor) && !t.LateWarned && !t.Due.IsZero():
		return CallLateRepair, r.Calendar.AddWorkingDays(t.Due, -r.lateWarningDays())
	case t.Kind == appliance.KindOutOfStock && t.Status == appliance.StatusOpen:
		base := t.Created
		if n, last := counted(t, CallStockCallback); n > 0 {
			base = last
		}
		return CallStockCallback, base.AddDate(0, 0, sla.OutOfStockCallbackDays)
	case t.Kind == appliance.KindComplaint && t.Replied.IsZero() && (t.Status == appliance.StatusOpen || t.Status == appliance.StatusApproval):
		return CallComplaintReply, t.Created
	case t.Kind == appliance.KindMaintenance && t.Status == appliance.StatusOpen && !t.ExpiryNoticed && !t.ContractEnd.IsZero():
		return CallContractExpiry, before(t.ContractEnd, sla.ContractExpiryNotice.Months, sla.ContractExpiryNotice.Days, r)
	}
	return "", time.Time{}
}

// before returns the start of the day months and days before t.
func before(t time.Time, months, days int, r Rules) time.Time {
	d := calendar.DateOf(t.In(r.Calendar.Location())).AddMonths(-months).AddDays(-days)
	return d.In(r.Calendar.Location())
}

// counted returns how many calls of kind counted and when the last did.
func counted(t *appliance.Ticket, kind string) (int, time.Time) {
	n, last := 0, time.Time{}
	for _, c := range t.Notices {
		if c.Kind == kind && counts(kind, c.Outcome) {
			n, last = n+1, c.Time
		}
	}
	return n, last
}

func lastNotice(t *appliance.Ticket, kind string) (appliance.Notice, bool) {
	for i := len(t.Notices) - 1; i >= 0; i-- {
		if t.Notices[i].Kind == kind {
			return t.Notices[i], true
		}
	}
	return appliance.Notice{}, false
}

// CloseCall records a call the clerk made for the ticket's current call
// and its outcome (reached, no_answer, message_left); the next call is
// scheduled as the rules say (docs/tickets.md "Call list"). kind must be
// the ticket's current call, so that a stale screen cannot record a call
// that is no longer due.
func (s *Service) CloseCall(ctx context.Context, actor appliance.Actor, number, kind, outcome, note string) (*appliance.Ticket, error) {
	if !slices.Contains([]string{appliance.OutcomeReached, appliance.OutcomeNoAnswer, appliance.OutcomeMessageLeft}, outcome) {
		return nil, appliance.FieldError("outcome", "结果应为 reached、no_answer 或 message_left / outcome must be reached, no_answer or message_left")
	}
	if actor.Role == appliance.RoleCustomer || actor.Role == RoleSystem {
		return nil, appliance.Errorf(appliance.EUNAUTHORIZED, "只有工作人员可以登记回访 / only staff record calls")
	}
	return s.change(ctx, actor, number, "ticket.call", note, func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error {
		if t.CallKind != kind || kind == callMailBack || kind == "" {
			return appliance.Errorf(appliance.ECONFLICT, "该单当前无此回访（当前：%s） / no %s call is due on this ticket (due: %q)", t.CallKind, kind, t.CallKind)
		}
		t.Notices = append(t.Notices, appliance.Notice{Time: now, Operator: actor.ID, Outcome: outcome, Kind: kind, Note: strings.TrimSpace(note)})
		if counts(kind, outcome) {
			switch kind {
			case CallLateRepair:
				t.LateWarned = true
			case CallComplaintReply:
				t.Replied = now
			case CallContractExpiry:
				t.ExpiryNoticed = true
			}
		}
		return nil
	})
}

// CallItem is one line of the day's call list.
type CallItem struct {
	// Number is the ticket.
	Number string `json:"number"`
	// Kind is the ticket's kind.
	Kind appliance.TicketKind `json:"kind"`
	// Status is the ticket's status.
	Status appliance.TicketStatus `json:"status"`
	// Call is what the call is for (pickup, late_repair, ...).
	Call string `json:"call"`
	// Due is when the call became due.
	Due time.Time `json:"due"`
	// Deadline is the ticket's own due date, if any.
	Deadline time.Time `json:"deadline,omitzero"`
	// Attempts counts the calls of this kind made so far.
	Attempts int `json:"attempts"`
	// Customer is the customer's name.
	Customer string `json:"customer"`
	// Phone is the number to call.
	Phone string `json:"phone"`
	// Product is the product's name, if any.
	Product string `json:"product,omitempty"`
	// Fault is the customer's account, for context.
	Fault string `json:"fault,omitempty"`
}

// CallList returns the calls due by the end of now's day in the store's
// zone, earliest first. Nobody has to remember whom to call today.
func (s *Service) CallList(ctx context.Context, now time.Time) ([]CallItem, error) {
	r := s.opts.Rules()
	var out []CallItem
	err := s.db.View(func(tx *store.Txn) error {
		ts, err := tx.TicketsCallDueBefore(r.endOfDay(now), 0)
		if err != nil {
			return err
		}
		for _, t := range ts {
			if t.CallKind == callMailBack {
				continue
			}
			item, err := callItem(tx, t)
			if err != nil {
				return err
			}
			out = append(out, item)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("call list: %w", err)
	}
	return out, nil
}

func callItem(tx *store.Txn, t *appliance.Ticket) (CallItem, error) {
	it := CallItem{Number: t.Number, Kind: t.Kind, Status: t.Status, Call: t.CallKind, Due: t.CallDue,
		Deadline: t.Due, Fault: t.Fault}
	for _, n := range t.Notices {
		if n.Kind == t.CallKind {
			it.Attempts++
		}
	}
	c, err := tx.Customer(t.CustomerID)
	if err != nil {
		return it, err
	}
	it.Customer = c.Name
	if len(c.Phones) > 0 {
		it.Phone = c.Phones[0]
	}
	if t.PurchaseID != "" {
		if p, err := tx.Purchase(t.PurchaseID); err == nil {
			it.Product = p.Name
		}
	}
	return it, nil
}
