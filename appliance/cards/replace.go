package cards

import (
	"context"
	"fmt"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// ReplaceArgs are the arguments of Replace.
type ReplaceArgs struct {
	// Key is the client-made idempotency key.
	Key string `json:"key"`
	// Card is the card being replaced (active or lost).
	Card string `json:"card"`
	// NewUID is the new card's chip UID ("" to bind later).
	NewUID string `json:"new_uid,omitempty"`
}

// Replace issues a new card for an active or lost one (补换卡; seed 000,
// 壹卡通 7.3): the desk has checked the holder's identity; the old card is
// voided and points to the new one; the balance moves by a transfer_out on
// the old card and a transfer_in on the new, so both histories stay whole.
func (s *Service) Replace(ctx context.Context, actor appliance.Actor, a ReplaceArgs) (*Result, error) {
	if a.Key == "" {
		return nil, appliance.FieldError("key", "缺少幂等键 / the idempotency key is missing")
	}
	uid := ""
	if a.NewUID != "" {
		var err error
		if uid, err = normalUID(a.NewUID); err != nil {
			return nil, err
		}
	}
	return s.submit(ctx, actor, func(tx *store.Txn, b *batch) (*Result, error) {
		if res, err := replayMove(tx, a.Key, a.Card, appliance.LedgerTransferOut); res != nil || err != nil {
			return res, err
		}
		old, err := cardOf(tx, a.Card)
		if err != nil {
			return nil, err
		}
		if old.Status != appliance.CardActive && old.Status != appliance.CardLost {
			return nil, blockedError(old)
		}
		if err := s.uidUsable(tx, uid, ""); err != nil {
			return nil, err
		}
		number, err := tx.NextCardNumber()
		if err != nil {
			return nil, write(err)
		}
		now := s.opts.Now()
		// The balance keeps its expiry: only a top-up extends it.
		fresh := &appliance.Card{Number: number, CustomerID: old.CustomerID, Status: appliance.CardActive,
			BalanceExpires: old.BalanceExpires, Issued: now, Updated: now}
		if uid != "" {
			fresh.UIDs = []string{uid}
		}
		balance := old.BalanceFen
		out, err := s.post(tx, b, actor, old, request{card: old.Number, kind: appliance.LedgerTransferOut, amount: -balance}, a.Key, "")
		if err != nil {
			return nil, err
		}
		in, err := s.post(tx, b, actor, fresh, request{card: number, kind: appliance.LedgerTransferIn, amount: balance}, a.Key+"#in", "")
		if err != nil {
			return nil, err
		}
		if err := s.void(tx, b, actor, old, appliance.CardReplaced, number); err != nil {
			return nil, err
		}
		return &Result{Card: fresh, Entries: []*appliance.LedgerEntry{out, in}}, nil
	})
}

// CancelArgs are the arguments of Cancel.
type CancelArgs struct {
	// Key is the client-made idempotency key.
	Key string `json:"key"`
	// Card is the card to cancel.
	Card string `json:"card"`
}

// Cancel closes a card (注销; seed 000, 壹卡通 7.3): the balance is paid
// out first (a cashout entry; above the actor's cash-out limit only a
// supervisor), the card is blacklisted, and the holder's personal data is
// removed when they hold no other card in use. The Result's last entry is
// the cashout to pay in cash.
func (s *Service) Cancel(ctx context.Context, actor appliance.Actor, a CancelArgs) (*Result, error) {
	if a.Key == "" {
		return nil, appliance.FieldError("key", "缺少幂等键 / the idempotency key is missing")
	}
	return s.submit(ctx, actor, func(tx *store.Txn, b *batch) (*Result, error) {
		if res, err := replayMove(tx, a.Key, a.Card, appliance.LedgerCashout); res != nil || err != nil {
			return res, err
		}
		card, err := cardOf(tx, a.Card)
		if err != nil {
			return nil, err
		}
		if card.Status != appliance.CardActive && card.Status != appliance.CardLost {
			return nil, blockedError(card)
		}
		if err := s.checkLimit(actor, appliance.LedgerCashout, card.BalanceFen); err != nil {
			return nil, err
		}
		e, err := s.post(tx, b, actor, card, request{card: card.Number, kind: appliance.LedgerCashout, amount: -card.BalanceFen}, a.Key, "")
		if err != nil {
			return nil, err
		}
		if err := s.void(tx, b, actor, card, appliance.CardCancelled, ""); err != nil {
			return nil, err
		}
		if err := s.forgetHolder(tx, actor, card.CustomerID); err != nil {
			return nil, err
		}
		return &Result{Card: card, Entries: []*appliance.LedgerEntry{e}}, nil
	})
}

// replayMove answers a replacement or cancellation retried with its key:
// the key names the entry of kind made on card.
func replayMove(tx *store.Txn, key, card string, kind appliance.LedgerKind) (*Result, error) {
	prev, err := tx.LedgerByKey(key)
	if appliance.ErrorCode(err) == appliance.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, write(err)
	}
	if prev.Card != card || prev.Kind != kind {
		return nil, &appliance.Error{Code: appliance.ECONFLICT, Field: "key", Message: fmt.Sprintf(
			"幂等键 %s 已用于另一笔交易 / idempotency key %q was used for a different operation", key, key)}
	}
	old, err := tx.Card(card)
	if err != nil {
		return nil, write(err)
	}
	res := &Result{Card: old, Entries: []*appliance.LedgerEntry{prev}, Replayed: true}
	if kind == appliance.LedgerTransferOut {
		if res.Card, err = tx.Card(old.ReplacedBy); err != nil {
			return nil, write(err)
		}
		in, err := tx.LedgerByKey(key + "#in")
		if err != nil {
			return nil, write(err)
		}
		res.Entries = append(res.Entries, in)
	}
	return res, nil
}

// void sets a card's final status; its UIDs stay indexed so that a swipe
// of the old chip is recognised and refused.
func (s *Service) void(tx *store.Txn, b *batch, actor appliance.Actor, card *appliance.Card, status appliance.CardStatus, replacedBy string) error {
	before := *card
	card.Status, card.ReplacedBy, card.Updated = status, replacedBy, s.opts.Now()
	if err := tx.PutCard(card); err != nil {
		return write(err)
	}
	if err := tx.AuditBy(actor, "card."+string(status), "card/"+card.Number, "", &before, card); err != nil {
		return write(err)
	}
	b.publish(EventCardUpdated, card)
	return nil
}

// forgetHolder removes a customer's personal data once they hold no card
// in use: name, phones and address go; the record stays so that tickets
// and the ledger keep their references.
func (s *Service) forgetHolder(tx *store.Txn, actor appliance.Actor, customerID string) error {
	held, err := tx.CardsOfCustomer(customerID)
	if err != nil {
		return write(err)
	}
	for _, c := range held {
		if c.Status == appliance.CardActive || c.Status == appliance.CardLost {
			return nil
		}
	}
	cust, err := tx.Customer(customerID)
	if err != nil {
		return write(err)
	}
	cust.Name, cust.Phones, cust.Address, cust.Notes, cust.Updated = "（已注销）", nil, "", "", s.opts.Now()
	if err := tx.PutCustomer(cust); err != nil {
		return write(err)
	}
	// The audit keeps no personal data: only the fact of the removal.
	return write(tx.AuditBy(actor, "customer.forget", "customer/"+customerID, "card cancelled", nil, nil))
}
