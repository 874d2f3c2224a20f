package cards

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/calendar"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
)

// MoneyArgs are the arguments of a top-up, charge or refund.
type MoneyArgs struct {
	// Key is the client-made idempotency key.
	Key string `json:"key"`
	// Card is the printed card number.
	Card string `json:"card"`
	// AmountFen is the amount in fen, > 0.
	AmountFen int64 `json:"amount_fen"`
	// Ticket is the service ticket the money is for, if any.
	Ticket string `json:"ticket,omitempty"`
}

func (a MoneyArgs) check() error {
	if a.Key == "" {
		return appliance.FieldError("key", "缺少幂等键 / the idempotency key is missing")
	}
	if a.AmountFen <= 0 {
		return appliance.FieldError("amount_fen", "金额必须大于零 / the amount must be more than zero")
	}
	if a.AmountFen > maxAmountFen {
		return appliance.FieldError("amount_fen", "金额超过单笔上限 %s / the amount is over the %s limit of one operation",
			yuan(maxAmountFen), yuan(maxAmountFen))
	}
	return nil
}

// maxAmountFen bounds one operation (1,000,000 yuan), far above any desk
// amount, so that sums can never overflow int64.
const maxAmountFen = 100_000_000

func yuan(fen int64) string { return fmt.Sprintf("￥%d.%02d", fen/100, fen%100) }

// TopUp adds money to an active card. Above the actor's top-up limit
// (policy.toml [approval.limits]) only a supervisor may.
func (s *Service) TopUp(ctx context.Context, actor appliance.Actor, a MoneyArgs) (*Result, error) {
	return s.money(ctx, actor, a, appliance.LedgerTopup)
}

// Charge takes money from an active card's balance, e.g. for a paid
// repair (seed 001 第三十一条: charged after the work). A charge above the
// balance, or on an expired balance, is refused; above the actor's charge
// limit only a supervisor may.
func (s *Service) Charge(ctx context.Context, actor appliance.Actor, a MoneyArgs) (*Result, error) {
	return s.money(ctx, actor, a, appliance.LedgerCharge)
}

// Refund pays money back to a card. Above the actor's refund limit
// (approval.refund_above for a clerk) only a supervisor may do it.
func (s *Service) Refund(ctx context.Context, actor appliance.Actor, a MoneyArgs) (*Result, error) {
	return s.money(ctx, actor, a, appliance.LedgerRefund)
}

// limitOp is the money limit that applies to a ledger kind.
var limitOp = map[appliance.LedgerKind]policy.MoneyOp{
	appliance.LedgerIssue: policy.OpTopUp, appliance.LedgerTopup: policy.OpTopUp, appliance.LedgerCharge: policy.OpCharge,
	appliance.LedgerRefund: policy.OpRefund, appliance.LedgerReversal: policy.OpReversal, appliance.LedgerCashout: policy.OpCashout,
}

// checkLimit refuses an operation of fen above the actor's limit for its
// kind: the one rule behind every "a supervisor must do it" of the card
// money (seed 000 壹卡通: refunds, reversals; policy.toml money limits).
// The error names amount_fen, or deposit_fen for the money loaded at issue.
func (s *Service) checkLimit(actor appliance.Actor, kind appliance.LedgerKind, fen int64) error {
	if fen < 0 {
		fen = -fen
	}
	field := "amount_fen"
	if kind == appliance.LedgerIssue {
		field = "deposit_fen"
	}
	return s.opts.Policy().CheckLimit(actor, limitOp[kind], fen, field)
}

func (s *Service) money(ctx context.Context, actor appliance.Actor, a MoneyArgs, kind appliance.LedgerKind) (*Result, error) {
	if err := a.check(); err != nil {
		return nil, err
	}
	if err := s.checkLimit(actor, kind, a.AmountFen); err != nil {
		return nil, err
	}
	amount := a.AmountFen
	if kind == appliance.LedgerCharge {
		amount = -amount
	}
	want := request{card: a.Card, kind: kind, amount: amount, ticket: a.Ticket}
	return s.submit(ctx, actor, func(tx *store.Txn, b *batch) (*Result, error) {
		if res, err := replay(tx, a.Key, want); res != nil || err != nil {
			return res, err
		}
		card, err := activeCard(tx, a.Card)
		if err != nil {
			return nil, err
		}
		if kind == appliance.LedgerCharge {
			if err := s.checkSpendable(card, a.AmountFen); err != nil {
				return nil, err
			}
		}
		e, err := s.post(tx, b, actor, card, want, a.Key, "")
		if err != nil {
			return nil, err
		}
		return &Result{Card: card, Entries: []*appliance.LedgerEntry{e}}, nil
	})
}

// checkSpendable refuses a charge the balance cannot cover.
func (s *Service) checkSpendable(card *appliance.Card, fen int64) error {
	if card.BalanceExpires != nil && s.opts.Now().After(*card.BalanceExpires) {
		return appliance.Errorf(appliance.ECONFLICT, "卡内余额已于 %s 过期 / the balance expired on %s",
			card.BalanceExpires.Format("2006-01-02"), card.BalanceExpires.Format("2006-01-02"))
	}
	if fen > card.BalanceFen {
		return &appliance.Error{Code: appliance.ECONFLICT, Field: "amount_fen", Message: fmt.Sprintf(
			"余额不足：余额 %s，需扣 %s / the balance %s does not cover %s",
			yuan(card.BalanceFen), yuan(fen), yuan(card.BalanceFen), yuan(fen))}
	}
	return nil
}

// request is what an idempotency key stands for.
type request struct {
	card   string
	kind   appliance.LedgerKind
	amount int64
	ticket string
}

// replay looks the key up. It returns the first result when the key was
// used for the same request, a conflict when it was used for another, and
// (nil, nil) when the key is new.
func replay(tx *store.Txn, key string, want request) (*Result, error) {
	prev, err := tx.LedgerByKey(key)
	if appliance.ErrorCode(err) == appliance.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, write(err)
	}
	if prev.Card != want.card || prev.Kind != want.kind || prev.AmountFen != want.amount || prev.Ticket != want.ticket {
		return nil, &appliance.Error{Code: appliance.ECONFLICT, Field: "key", Message: fmt.Sprintf(
			"幂等键 %s 已用于另一笔交易（%s %s %s） / idempotency key %q was used for a different operation (%s %s %s)",
			key, prev.Card, prev.Kind, yuan(prev.AmountFen), key, prev.Card, prev.Kind, yuan(prev.AmountFen))}
	}
	card, err := tx.Card(prev.Card)
	if err != nil {
		return nil, write(err)
	}
	return &Result{Card: card, Entries: []*appliance.LedgerEntry{prev}, Replayed: true}, nil
}

// cardOf loads the card a person typed the number of: one the store does
// not have is an ENOTFOUND error naming the card field.
func cardOf(tx *store.Txn, number string) (*appliance.Card, error) {
	card, err := tx.Card(number)
	if appliance.ErrorCode(err) == appliance.ENOTFOUND {
		return nil, &appliance.Error{Code: appliance.ENOTFOUND, Field: "card",
			Message: fmt.Sprintf("没有卡号 %s / no card %q", number, number)}
	}
	return card, err
}

// activeCard loads a card and refuses one that is not active.
func activeCard(tx *store.Txn, number string) (*appliance.Card, error) {
	card, err := cardOf(tx, number)
	if err != nil {
		return nil, err
	}
	if card.Status != appliance.CardActive {
		return nil, blockedError(card)
	}
	return card, nil
}

// blockedError says why a card cannot be used.
func blockedError(card *appliance.Card) error {
	why := map[appliance.CardStatus]string{
		appliance.CardLost:      "已挂失 / is reported lost",
		appliance.CardReplaced:  "已补换为 " + card.ReplacedBy + " / was replaced by " + card.ReplacedBy,
		appliance.CardCancelled: "已注销 / is cancelled",
	}[card.Status]
	return &appliance.Error{Code: appliance.EUNAUTHORIZED, Field: "card",
		Message: fmt.Sprintf("卡 %s %s", card.Number, why)}
}

// post appends one ledger entry to card and updates the card, the batch's
// audit pointers and its events. It only writes: every check is done.
func (s *Service) post(tx *store.Txn, b *batch, actor appliance.Actor, card *appliance.Card, r request, key, reverses string) (*appliance.LedgerEntry, error) {
	now := s.opts.Now()
	e := &appliance.LedgerEntry{Card: card.Number, Seq: card.LedgerCount + 1, Kind: r.kind, AmountFen: r.amount,
		BalanceFen: card.BalanceFen + r.amount, Ticket: r.ticket, Reverses: reverses, Operator: actor.ID,
		Key: key, Time: now, PrevHash: card.LedgerHead}
	if err := tx.AppendLedger(e); err != nil {
		return nil, write(err)
	}
	card.BalanceFen, card.LedgerCount, card.LedgerHead, card.Updated = e.BalanceFen, e.Seq, e.Hash, now
	if r.kind == appliance.LedgerTopup {
		s.extendExpiry(card, now)
	}
	if err := tx.PutCard(card); err != nil {
		return nil, write(err)
	}
	// The ledger entry is itself the full record of a money operation
	// (operator, time, amounts, chain); the batch's audit entry for the
	// actor and the kind points to it (batch.writeAudits).
	b.audit(actor, "card."+string(r.kind), e)
	b.publish(EventLedger, e)
	b.publish(EventCardUpdated, card)
	return e, nil
}

// extendExpiry sets the balance expiry from the policy, counted from the
// last top-up (seed 000 壹卡通 FAQ 10); no expiry when the policy sets none.
func (s *Service) extendExpiry(card *appliance.Card, now time.Time) {
	w := s.opts.Policy().CardBalanceExpiry
	if w.None() {
		card.BalanceExpires = nil
		return
	}
	last := w.LastDay(calendar.DateOf(now))
	end := last.In(now.Location()).AddDate(0, 0, 1).Add(-time.Nanosecond)
	card.BalanceExpires = &end
}

// isRandomUID reports a UID that the chip makes up anew at every
// activation (a 4-byte NFCID1 starting 0x08): it identifies nobody.
func isRandomUID(uid string) bool { return len(uid) == 8 && strings.HasPrefix(uid, "08") }

// normalUID checks a UID and returns it in upper-case hex.
func normalUID(uid string) (string, error) {
	u := strings.ToUpper(strings.TrimSpace(uid))
	if len(u) < 8 || len(u) > 20 || len(u)%2 != 0 || strings.Trim(u, "0123456789ABCDEF") != "" {
		return "", appliance.FieldError("uid", "卡片 UID %q 无效 / %q is not a card UID", uid, uid)
	}
	if isRandomUID(u) {
		return "", appliance.FieldError("uid", "不支持此卡（每次读卡 UID 不同） / card not supported: it shows a new random UID at every read")
	}
	return u, nil
}
