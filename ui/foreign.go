package ui

import (
	"context"
	"strconv"
	"strings"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	appchain "shouhou/appliance/chain"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
)

// ForeignCards reaches the cards other branches of the chain issued
// (main's view of drivers/uplink.ChargeClient). The issuing branch's
// ledger keeps such a card's balance; this box only asks.
type ForeignCards interface {
	// Locate returns the branch and card number the chain's card
	// directory gives for a chip UID: an ENOTFOUND *appliance.Error when
	// no other branch has it, EUNAVAILABLE when the directory cannot be
	// reached.
	Locate(ctx context.Context, uid string) (appchain.CardHome, error)
	// Charge asks the branch that issued the card with chip uid to charge
	// req.Amount under req.Key (a repeat of the key is answered with the
	// first result). Errors are *appliance.Error: the issuing branch's
	// refusal, ENOTFOUND for a card no branch has, EUNAVAILABLE when the
	// issuing box cannot be reached or did not answer in time.
	Charge(ctx context.Context, uid string, req appchain.ChargeRequest) (*appchain.ChargeReply, error)
}

// cardChargeArgs are card.charge's arguments: the money and, when the card
// was swiped, its chip UID. A UID this box does not hold is another
// branch's card, charged there when the chain allows it
// (Options.ForeignCards) and refused as unknown when not.
type cardChargeArgs struct {
	cards.MoneyArgs
	// UID is the chip swiped ("" when the card was found by number).
	UID string `json:"uid,omitempty"`
}

// foreignResult is card.charge's result for another branch's card: the
// card as the issuing branch's reply gives it (its balance after the
// charge) and the entry made there.
type foreignResult struct {
	*cards.Result
	// Branch is the branch that issued the card and keeps its ledger.
	Branch string `json:"branch"`
}

// localUID reports whether this box holds a card with chip uid.
func (s *Server) localUID(uid string) (bool, error) {
	err := s.opts.Store.View(func(tx *store.Txn) error {
		_, err := tx.CardByUID(uid)
		return err
	})
	if appliance.ErrorCode(err) == appliance.ENOTFOUND {
		return false, nil
	}
	return err == nil, err
}

// chargeForeign charges a card of another branch at its issuing box.
// The desk's own charge limit applies first; the issuing box then
// applies its rules (status, balance, its clerk limit).
func (c *call) chargeForeign(a *cardChargeArgs, uid string) (any, error) {
	if c.srv.opts.ForeignCards == nil {
		return nil, &appliance.Error{Code: appliance.ENOTFOUND, Field: "card",
			Message: "没有此卡（他店的卡不能在本店使用） / no such card (a card of another branch cannot be used here)"}
	}
	if a.Key == "" {
		return nil, appliance.FieldError("key", "缺少幂等键 / the idempotency key is missing")
	}
	if a.AmountFen <= 0 {
		return nil, appliance.FieldError("amount_fen", "金额必须大于零 / the amount must be more than zero")
	}
	if err := c.srv.config().Policy.CheckLimit(c.actor, policy.OpCharge, a.AmountFen, "amount_fen"); err != nil {
		return nil, err
	}
	reply, err := c.srv.opts.ForeignCards.Charge(c.ctx, uid, appchain.ChargeRequest{Key: a.Key, Amount: a.AmountFen,
		Desk: c.actor.Desk, Operator: c.actor.ID, Ticket: a.Ticket})
	if err != nil {
		return nil, err
	}
	number, seqText, _ := strings.Cut(reply.Entry, "#")
	seq, _ := strconv.ParseInt(seqText, 10, 64)
	card := &appliance.Card{Number: number, UIDs: []string{uid}, Status: appliance.CardActive, BalanceFen: reply.Balance}
	e := &appliance.LedgerEntry{Card: number, Seq: seq, Kind: appliance.LedgerCharge, AmountFen: -a.AmountFen,
		BalanceFen: reply.Balance, Ticket: a.Ticket, Operator: c.actor.ID, Key: a.Key, Time: c.srv.opts.Now()}
	home, _ := c.srv.opts.ForeignCards.Locate(c.ctx, uid)
	return foreignResult{Result: &cards.Result{Card: card, Entries: []*appliance.LedgerEntry{e}}, Branch: home.Branch}, nil
}
