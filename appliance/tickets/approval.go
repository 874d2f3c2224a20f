package tickets

import (
	"context"
	"strings"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// Move changes a ticket's status by the transition table, for the moves
// that need nothing but a reason (cancel, escalate, close a complaint or a
// consultation, stock arrived, delivered, mailed back...).
func (s *Service) Move(ctx context.Context, actor appliance.Actor, number string, to appliance.TicketStatus, reason string) (*appliance.Ticket, error) {
	return s.change(ctx, actor, number, "ticket.move", reason, func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error {
		if to == appliance.StatusApproval && t.ApprovalReason == "" {
			t.ApprovalReason = reason
		}
		if err := transition(tx, t, actor, to, reason, now); err != nil {
			return err
		}
		afterMove(t, now)
		return nil
	})
}

// afterMove records what entering a status means.
func afterMove(t *appliance.Ticket, now time.Time) {
	switch t.Status {
	case appliance.StatusReady:
		t.ReadyAt = now
	case appliance.StatusClosed:
		if t.Kind == appliance.KindComplaint && t.Replied.IsZero() {
			t.Replied = now
		}
		if h := t.History; len(h) > 0 && h[len(h)-1].From == appliance.StatusReady {
			t.PickedUp = now
		}
	}
}

// Approve lets a ticket waiting for a supervisor go on (approval → open).
// An unrepairable item is settled with Settle instead.
func (s *Service) Approve(ctx context.Context, actor appliance.Actor, number, reason string) (*appliance.Ticket, error) {
	return s.change(ctx, actor, number, "ticket.approve", reason, func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error {
		if t.Result == appliance.ResultUnrepairable {
			return appliance.Errorf(appliance.ECONFLICT, "无法修复的商品请做善后处理 / settle an unrepairable item instead")
		}
		if err := transition(tx, t, actor, appliance.StatusOpen, reason, now); err != nil {
			return err
		}
		t.ApprovalReason = ""
		return nil
	})
}

// Reject refuses a ticket waiting for a supervisor (approval → cancelled);
// the reason is required and is told to the customer (第二十五条).
func (s *Service) Reject(ctx context.Context, actor appliance.Actor, number, reason string) (*appliance.Ticket, error) {
	return s.change(ctx, actor, number, "ticket.reject", reason, func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error {
		return transition(tx, t, actor, appliance.StatusCancelled, strings.TrimSpace(reason), now)
	})
}

// guard checks what the table cannot: the facts a status needs.
func guard(t *appliance.Ticket, to appliance.TicketStatus) error {
	switch {
	case to == appliance.StatusReady && t.Kind == appliance.KindRepair && t.Status == appliance.StatusInRepair && t.Result == "":
		return appliance.Errorf(appliance.ECONFLICT, "请先填写维修结论 / conclude the repair first")
	case to == appliance.StatusClosed && t.Status != appliance.StatusMailBack && Owed(t) > 0 && t.Paid.IsZero() && t.Result != appliance.ResultDeclined:
		return appliance.Errorf(appliance.ECONFLICT, "应收 %s 元尚未收取（先服务后收费） / %s yuan is still to be charged",
			yuan(Owed(t)), yuan(Owed(t)))
	}
	return nil
}
