package tickets

import (
	"context"
	"fmt"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// TickReport is what one scheduler pass did.
type TickReport struct {
	// Overdue are the tickets newly marked overdue.
	Overdue []string `json:"overdue"`
	// MailBack are the tickets sent to mail-back after their last notice.
	MailBack []string `json:"mail_back"`
	// KeysForgotten counts the idempotency keys older than the retention
	// that were forgotten.
	KeysForgotten int `json:"keys_forgotten"`
}

// sweepBatch bounds the kept requests one scheduler transaction forgets.
const sweepBatch = 1000

// tickBatch bounds the tickets one scheduler transaction changes.
const tickBatch = 200

// Tick is one scheduler pass at now, a pure function of the store and the
// clock: it marks the open tickets whose due time has passed as overdue,
// and sends the items whose last pickup notice went unanswered for one
// more interval to mail-back (第二十八条). Running it twice at the same now
// does nothing the second time. It then forgets the idempotency keys
// older than Rules.KeyRetention, a batch per transaction.
func (s *Service) Tick(ctx context.Context, now time.Time) (TickReport, error) {
	var rep TickReport
	r := s.opts.Rules()
	now = now.In(r.Calendar.Location())
	if err := s.tickTickets(ctx, r, now, &rep); err != nil {
		return rep, err
	}
	if r.KeyRetention <= 0 {
		return rep, nil
	}
	var err error
	rep.KeysForgotten, err = s.sweepKeys(ctx, now.Add(-r.KeyRetention))
	return rep, err
}

// sweepKeys forgets the kept requests made before cutoff.
func (s *Service) sweepKeys(ctx context.Context, cutoff time.Time) (int, error) {
	total := 0
	for {
		var n int
		err := s.db.Update(func(tx *store.Txn) (err error) {
			n, err = tx.SweepRequests(cutoff, sweepBatch)
			return err
		})
		if err != nil {
			return total, fmt.Errorf("scheduler: forget old keys: %w", err)
		}
		total += n
		if n < sweepBatch || ctx.Err() != nil {
			return total, ctx.Err()
		}
	}
}

// tickTickets marks overdue tickets and sends mail-backs, a batch per
// transaction.
func (s *Service) tickTickets(ctx context.Context, r Rules, now time.Time, rep *TickReport) error {
	for {
		var changed []*appliance.Ticket
		err := s.db.Update(func(tx *store.Txn) error {
			var err error
			changed, err = s.tickBatch(tx, r, now, rep)
			return err
		})
		if err != nil {
			return fmt.Errorf("scheduler: %w", err)
		}
		for _, t := range changed {
			s.publish(EventUpdated, "ticket.scheduler", t)
		}
		if len(changed) < tickBatch || ctx.Err() != nil {
			return ctx.Err()
		}
	}
}

func (s *Service) tickBatch(tx *store.Txn, r Rules, now time.Time, rep *TickReport) ([]*appliance.Ticket, error) {
	sys := System()
	// Index times have whole seconds: a second more takes in what is due at now.
	upTo := now.Add(time.Second)
	late, err := tx.TicketsToMarkOverdue(upTo, tickBatch)
	if err != nil {
		return nil, err
	}
	var changed []*appliance.Ticket
	for _, t := range late {
		before := clone(t)
		t.Overdue, t.Updated = true, now
		if err := s.put(tx, sys, "ticket.overdue", "已超过服务时限 / past its due time", before, t, r); err != nil {
			return nil, err
		}
		rep.Overdue = append(rep.Overdue, t.Number)
		changed = append(changed, t)
	}
	calls, err := tx.TicketsCallDueBefore(upTo, 0)
	if err != nil {
		return nil, err
	}
	for _, t := range calls {
		if t.CallKind != callMailBack || len(changed) >= tickBatch {
			continue
		}
		before := clone(t)
		reason := fmt.Sprintf("通知 %d 次未取件，寄回 / %d notices without pickup: mail back (第二十八条)", r.SLA.PickupNoticeCount, r.SLA.PickupNoticeCount)
		if err := transition(tx, t, sys, appliance.StatusMailBack, reason, now); err != nil {
			// Nothing was written; one bad ticket must not stop the others.
			s.opts.Logger.Error("ticket scheduler: mail back", "ticket", t.Number, "err", err)
			continue
		}
		t.Updated = now
		if err := s.put(tx, sys, "ticket.mail_back", reason, before, t, r); err != nil {
			return nil, err
		}
		rep.MailBack = append(rep.MailBack, t.Number)
		changed = append(changed, t)
	}
	return changed, nil
}

func (s *Service) put(tx *store.Txn, actor appliance.Actor, action, reason string, before, t *appliance.Ticket, r Rules) error {
	schedule(t, r)
	if err := tx.PutTicket(t); err != nil {
		return err
	}
	return tx.AuditBy(actor, action, "ticket/"+t.Number, reason, before, t)
}

// Run calls Tick every interval until ctx ends, logging failures; serve
// runs it in a goroutine.
func (s *Service) Run(ctx context.Context, every time.Duration) {
	tk := time.NewTicker(every)
	defer tk.Stop()
	for {
		if _, err := s.Tick(ctx, s.opts.Now()); err != nil && ctx.Err() == nil {
			s.opts.Logger.Error("ticket scheduler", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tk.C:
		}
	}
}
