package cards

import (
	"context"
	"fmt"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// IssueArgs are the arguments of Issue.
type IssueArgs struct {
	// Key is the client-made idempotency key.
	Key string `json:"key"`
	// CustomerID is the card holder.
	CustomerID string `json:"customer_id"`
	// UID is the chip UID read at the desk ("" to bind later).
	UID string `json:"uid,omitempty"`
	// DepositFen is the money loaded at issue (0 for none).
	DepositFen int64 `json:"deposit_fen,omitempty"`
}

// Issue gives a customer a new card, numbered SC-NNNNNN, with an "issue"
// ledger entry that starts its chain. A customer holds one active card
// (seed 000, 壹卡通 FAQ 2): one who has an active or lost card gets a
// replacement instead.
func (s *Service) Issue(ctx context.Context, actor appliance.Actor, a IssueArgs) (*Result, error) {
	if a.Key == "" {
		return nil, appliance.FieldError("key", "缺少幂等键 / the idempotency key is missing")
	}
	if a.DepositFen < 0 || a.DepositFen > maxAmountFen {
		return nil, appliance.FieldError("deposit_fen", "押金/充值金额无效 / the deposit is out of range")
	}
	if err := s.checkLimit(actor, appliance.LedgerIssue, a.DepositFen); err != nil {
		return nil, err
	}
	uid := ""
	if a.UID != "" {
		var err error
		if uid, err = normalUID(a.UID); err != nil {
			return nil, err
		}
	}
	return s.submit(ctx, actor, func(tx *store.Txn, b *batch) (*Result, error) {
		if prev, err := tx.LedgerByKey(a.Key); err == nil {
			return issueReplay(tx, a, prev)
		} else if appliance.ErrorCode(err) != appliance.ENOTFOUND {
			return nil, write(err)
		}
		if err := canHoldNewCard(tx, a.CustomerID); err != nil {
			return nil, err
		}
		if err := s.uidUsable(tx, uid, ""); err != nil {
			return nil, err
		}
		number, err := tx.NextCardNumber()
		if err != nil {
			return nil, write(err)
		}
		now := s.opts.Now()
		card := &appliance.Card{Number: number, CustomerID: a.CustomerID, Status: appliance.CardActive, Issued: now, Updated: now}
		if uid != "" {
			card.UIDs = []string{uid}
		}
		e, err := s.post(tx, b, actor, card, request{card: number, kind: appliance.LedgerIssue, amount: a.DepositFen}, a.Key, "")
		if err != nil {
			return nil, err
		}
		return &Result{Card: card, Entries: []*appliance.LedgerEntry{e}}, nil
	})
}

func issueReplay(tx *store.Txn, a IssueArgs, prev *appliance.LedgerEntry) (*Result, error) {
	card, err := tx.Card(prev.Card)
	if err != nil {
		return nil, write(err)
	}
	if prev.Kind != appliance.LedgerIssue || card.CustomerID != a.CustomerID || prev.AmountFen != a.DepositFen {
		return nil, &appliance.Error{Code: appliance.ECONFLICT, Field: "key", Message: fmt.Sprintf(
			"幂等键 %s 已用于另一笔交易 / idempotency key %q was used for a different operation", a.Key, a.Key)}
	}
	return &Result{Card: card, Entries: []*appliance.LedgerEntry{prev}, Replayed: true}, nil
}

// canHoldNewCard refuses a second card to a customer who has one in use.
func canHoldNewCard(tx *store.Txn, customerID string) error {
	if _, err := tx.Customer(customerID); err != nil {
		return err
	}
	held, err := tx.CardsOfCustomer(customerID)
	if err != nil {
		return write(err)
	}
	for _, c := range held {
		if c.Status == appliance.CardActive || c.Status == appliance.CardLost {
			return &appliance.Error{Code: appliance.ECONFLICT, Field: "customer_id", Message: fmt.Sprintf(
				"该顾客已有售后服务卡 %s（%s），请办理补换卡 / the customer already holds card %s (%s): replace it instead",
				c.Number, c.Status, c.Number, c.Status)}
		}
	}
	return nil
}

// uidFree refuses a UID bound to another card than except.
func uidFree(tx *store.Txn, uid, except string) error {
	if uid == "" {
		return nil
	}
	other, err := tx.CardByUID(uid)
	if appliance.ErrorCode(err) == appliance.ENOTFOUND {
		return nil
	}
	if err != nil {
		return write(err)
	}
	if other.Number == except {
		return nil
	}
	return &appliance.Error{Code: appliance.ECONFLICT, Field: "uid", Message: fmt.Sprintf(
		"此芯片已绑定卡 %s / this chip is bound to card %s", other.Number, other.Number)}
}

// uidUsable refuses a UID for card except (or a new card when "") that
// the chain's blacklist lists, as a swipe of it would be refused
// (chainBlockedError, naming the branch that reported it), or that is
// bound to another card here.
func (s *Service) uidUsable(tx *store.Txn, uid, except string) error {
	if uid == "" {
		return nil
	}
	listed, err := s.chainListed(tx, uid)
	if err != nil {
		return write(err)
	}
	if listed != nil {
		return chainBlockedError(listed)
	}
	return uidFree(tx, uid, except)
}

// BindUID binds a chip UID to an active card (binding it again is a no-op);
// a chip another branch reported is refused.
func (s *Service) BindUID(ctx context.Context, actor appliance.Actor, card, uid string) (*Result, error) {
	u, err := normalUID(uid)
	if err != nil {
		return nil, err
	}
	return s.lifecycle(ctx, actor, card, "card.bind", func(tx *store.Txn, c *appliance.Card) error {
		if c.Status != appliance.CardActive {
			return blockedError(c)
		}
		if err := s.uidUsable(tx, u, c.Number); err != nil {
			return err
		}
		for _, have := range c.UIDs {
			if have == u {
				return errUnchanged
			}
		}
		c.UIDs = append(c.UIDs, u)
		return nil
	})
}

// ReportLost blocks a card at once (挂失): the card goes on the blacklist
// and its chip is refused at the next swipe (seed 000, 壹卡通 7.3).
func (s *Service) ReportLost(ctx context.Context, actor appliance.Actor, card string) (*Result, error) {
	return s.lifecycle(ctx, actor, card, "card.lost", func(tx *store.Txn, c *appliance.Card) error {
		switch c.Status {
		case appliance.CardLost:
			return errUnchanged
		case appliance.CardActive:
			c.Status = appliance.CardLost
			return nil
		}
		return blockedError(c)
	})
}

// Unblock lifts a loss report (解挂); only a supervisor may.
func (s *Service) Unblock(ctx context.Context, actor appliance.Actor, card string) (*Result, error) {
	if !actor.CanApprove() {
		return nil, appliance.Errorf(appliance.EUNAUTHORIZED, "解挂需主管操作 / only a supervisor may unblock a card")
	}
	return s.lifecycle(ctx, actor, card, "card.unblock", func(tx *store.Txn, c *appliance.Card) error {
		switch c.Status {
		case appliance.CardActive:
			return errUnchanged
		case appliance.CardLost:
			c.Status = appliance.CardActive
			return nil
		}
		return blockedError(c)
	})
}

// errUnchanged tells lifecycle that the change is already in place.
var errUnchanged = fmt.Errorf("unchanged")

// lifecycle applies a change without money to a card: change checks and
// edits c, returning a refusal, or errUnchanged when there is nothing to do.
func (s *Service) lifecycle(ctx context.Context, actor appliance.Actor, number, action string, change func(*store.Txn, *appliance.Card) error) (*Result, error) {
	return s.submit(ctx, actor, func(tx *store.Txn, b *batch) (*Result, error) {
		c, err := cardOf(tx, number)
		if err != nil {
			return nil, err
		}
		before := *c
		switch err := change(tx, c); {
		case err == errUnchanged:
			return &Result{Card: c}, nil
		case err != nil:
			return nil, err
		}
		c.Updated = s.opts.Now()
		if err := tx.PutCard(c); err != nil {
			return nil, write(err)
		}
		if err := tx.AuditBy(actor, action, "card/"+number, "", &before, c); err != nil {
			return nil, write(err)
		}
		b.publish(EventCardUpdated, c)
		return &Result{Card: c}, nil
	})
}

// ReverseArgs are the arguments of Reverse.
type ReverseArgs struct {
	// Key is the client-made idempotency key.
	Key string `json:"key"`
	// Card is the printed card number.
	Card string `json:"card"`
	// Seq is the entry to reverse; it must be the card's most recent.
	Seq int64 `json:"seq"`
}

// Reverse undoes a card's most recent charge or top-up (seed 000, 壹卡通
// FAQ 11: a cashier's mistake), within the policy's reversal window; above
// the actor's reversal limit only a supervisor may. The reversal is its own
// ledger entry naming the one it reverses.
func (s *Service) Reverse(ctx context.Context, actor appliance.Actor, a ReverseArgs) (*Result, error) {
	if a.Key == "" {
		return nil, appliance.FieldError("key", "缺少幂等键 / the idempotency key is missing")
	}
	rules := s.opts.Policy()
	return s.submit(ctx, actor, func(tx *store.Txn, b *batch) (*Result, error) {
		if res, err := s.replayReversal(tx, a); res != nil || err != nil {
			return res, err
		}
		card, err := activeCard(tx, a.Card)
		if err != nil {
			return nil, err
		}
		entries, err := tx.LedgerOf(card.Number)
		if err != nil {
			return nil, write(err)
		}
		last := entries[len(entries)-1]
		if err := s.checkReversible(actor, card, last, a.Seq, rules.ReversalWindow); err != nil {
			return nil, err
		}
		want := request{card: card.Number, kind: appliance.LedgerReversal, amount: -last.AmountFen}
		e, err := s.post(tx, b, actor, card, want, a.Key, fmt.Sprintf("%s#%d", card.Number, last.Seq))
		if err != nil {
			return nil, err
		}
		return &Result{Card: card, Entries: []*appliance.LedgerEntry{e}}, nil
	})
}

// replayReversal answers a reversal retried with its key.
func (s *Service) replayReversal(tx *store.Txn, a ReverseArgs) (*Result, error) {
	prev, err := tx.LedgerByKey(a.Key)
	if appliance.ErrorCode(err) == appliance.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, write(err)
	}
	if prev.Kind != appliance.LedgerReversal || prev.Card != a.Card || prev.Reverses != fmt.Sprintf("%s#%d", a.Card, a.Seq) {
		return nil, &appliance.Error{Code: appliance.ECONFLICT, Field: "key", Message: fmt.Sprintf(
			"幂等键 %s 已用于另一笔交易 / idempotency key %q was used for a different operation", a.Key, a.Key)}
	}
	card, err := tx.Card(prev.Card)
	if err != nil {
		return nil, write(err)
	}
	return &Result{Card: card, Entries: []*appliance.LedgerEntry{prev}, Replayed: true}, nil
}

func (s *Service) checkReversible(actor appliance.Actor, card *appliance.Card, last *appliance.LedgerEntry, seq int64, window time.Duration) error {
	if last.Seq != seq || (last.Kind != appliance.LedgerCharge && last.Kind != appliance.LedgerTopup) {
		return &appliance.Error{Code: appliance.ECONFLICT, Field: "seq", Message: fmt.Sprintf(
			"只能冲正最近一笔充值或扣款（#%d %s） / only the most recent top-up or charge can be reversed (#%d is %s)",
			last.Seq, last.Kind, last.Seq, last.Kind)}
	}
	if age := s.opts.Now().Sub(last.Time); age > window {
		return appliance.Errorf(appliance.ECONFLICT, "已超过冲正时限 %s / past the reversal window of %s", window, window)
	}
	if err := s.checkLimit(actor, appliance.LedgerReversal, last.AmountFen); err != nil {
		return err
	}
	if last.Kind == appliance.LedgerTopup && card.BalanceFen < last.AmountFen {
		return appliance.Errorf(appliance.ECONFLICT, "余额不足以冲正此次充值 / the balance no longer covers that top-up")
	}
	return nil
}
