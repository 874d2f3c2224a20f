package tickets

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
)

// Payment methods.
const (
	PayCash = "cash"
	PayCard = "card"
)

// ChargeKey is the idempotency key of a ticket's card charge: one ticket
// is charged once, however often the desk retries.
func ChargeKey(number string) string { return "ticket:" + number + ":charge" }

// Charge takes the quoted fee after the work is done (seed 001 第三十一条:
// 先完成服务，后收费), in cash or from the customer's card balance through
// the CardCharger. card "" uses the ticket's card. A retry after a failure
// charges the card at most once (ChargeKey). With a store.Request in ctx
// a retry of a charge that was made returns the ticket instead of an
// "already paid" refusal.
func (s *Service) Charge(ctx context.Context, actor appliance.Actor, number, method, card string) (*appliance.Ticket, error) {
	if actor.Role != appliance.RoleClerk && !actor.CanApprove() {
		return nil, appliance.Errorf(appliance.EUNAUTHORIZED, "只有受理员或主管可以收费 / only a clerk or a supervisor charges")
	}
	if t, found, err := s.recalled(ctx); err != nil || found {
		return t, err
	}
	t, err := s.Get(ctx, number)
	if err != nil {
		return nil, fmt.Errorf("charge %s: %w", number, err)
	}
	amount, err := chargeable(t)
	if err != nil {
		return nil, fmt.Errorf("charge %s: %w", number, err)
	}
	ref := "cash:" + number
	switch method {
	case PayCash:
	case PayCard:
		if card = strings.ToUpper(strings.TrimSpace(card)); card == "" {
			card = t.Card
		}
		if card == "" {
			return nil, appliance.FieldError("card", "该顾客没有卡，请用现金 / the customer has no card: pay cash")
		}
		if s.opts.Charger == nil {
			return nil, appliance.Errorf(appliance.EUNAVAILABLE, "储值卡收费暂不可用 / card payments are not available")
		}
		if ref, err = s.opts.Charger.Charge(ctx, actor, ChargeKey(number), card, amount, number); err != nil {
			return nil, fmt.Errorf("charge %s to card %s: %w", number, card, err)
		}
	default:
		return nil, appliance.FieldError("method", "付款方式应为 cash 或 card / method must be cash or card")
	}
	return s.change(ctx, actor, number, "ticket.charge", ref, func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error {
		if _, err := chargeable(t); err != nil {
			return err
		}
		t.Payment, t.PaidFen, t.PaymentRef, t.Paid = method, amount, ref, now
		return nil
	})
}

// chargeable returns what may be charged now: the accepted quote of a
// finished, unpaid paid service.
func chargeable(t *appliance.Ticket) (int64, error) {
	switch {
	case !t.Paid.IsZero():
		return 0, appliance.Errorf(appliance.ECONFLICT, "已收费 / already paid (%s)", t.PaymentRef)
	case Owed(t) == 0:
		return 0, appliance.Errorf(appliance.ECONFLICT, "没有应收费用 / nothing to charge")
	case t.Quote == nil || t.Quote.Accepted == nil || !*t.Quote.Accepted:
		return 0, appliance.Errorf(appliance.ECONFLICT, "顾客尚未同意报价 / the customer has not accepted the quote (第三十条)")
	case t.Result != appliance.ResultRepaired && t.Result != appliance.ResultExchanged:
		return 0, appliance.Errorf(appliance.ECONFLICT, "服务完成后才能收费 / charge after the work is done (第三十一条)")
	}
	return t.Quote.Fen, nil
}

// yuan formats fen as yuan for messages.
func yuan(fen int64) string { return policy.Yuan(fen) }

// recalled looks the store.Request in ctx up before any work: a retry of
// a request that was done returns its ticket, found. The change that does
// the work recalls it again in its own transaction.
func (s *Service) recalled(ctx context.Context) (*appliance.Ticket, bool, error) {
	req := store.RequestFrom(ctx)
	if req == nil {
		return nil, false, nil
	}
	var t *appliance.Ticket
	var found bool
	err := s.db.View(func(tx *store.Txn) error {
		number, ok, err := tx.Recall(req)
		if err != nil || !ok {
			return err
		}
		found = true
		t, err = tx.Ticket(number)
		return err
	})
	return t, found, err
}
