package cards

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/chain"
	"shouhou/appliance/store"
)

// Blocked is the payload of a card.blocked event: a refused swipe.
type Blocked struct {
	// UID is the chip UID swiped.
	UID string `json:"uid"`
	// Card is the card number it belongs to.
	Card string `json:"card"`
	// Status is the card's status.
	Status appliance.CardStatus `json:"status"`
	// Desk is where it was swiped.
	Desk string `json:"desk,omitempty"`
}

// Holder is a card with its customer, what a swipe resolves to.
type Holder struct {
	Card     *appliance.Card     `json:"card"`
	Customer *appliance.Customer `json:"customer"`
}

// Resolve turns a swiped chip UID into its card and holder. A lost,
// replaced or cancelled card is refused with EUNAUTHORIZED and raises a
// card.blocked event for the desk, and so is a UID on the chain's
// blacklist (a card another branch reported, known here or not); an
// unknown UID is ENOTFOUND; a random UID is "card not supported"
// (EINVALID), never a new customer.
func (s *Service) Resolve(uid, desk string) (*Holder, error) {
	u, err := normalUID(uid)
	if err != nil {
		return nil, err
	}
	var h Holder
	var blocked *Blocked
	err = s.db.View(func(tx *store.Txn) error {
		listed, err := s.chainListed(tx, u)
		if err != nil {
			return err
		}
		if listed != nil {
			blocked = &Blocked{UID: u, Card: listed.Card, Status: appliance.CardStatus(listed.Status), Desk: desk}
			return chainBlockedError(listed)
		}
		if h.Card, err = tx.CardByUID(u); err != nil {
			return err
		}
		if h.Card.Status != appliance.CardActive {
			blocked = &Blocked{UID: u, Card: h.Card.Number, Status: h.Card.Status, Desk: desk}
			return blockedError(h.Card)
		}
		h.Customer, err = tx.Customer(h.Card.CustomerID)
		return err
	})
	if blocked != nil && s.opts.Bus != nil {
		s.opts.Bus.Publish(EventCardBlocked, desk, *blocked)
	}
	if err != nil {
		return nil, err
	}
	return &h, nil
}

// chainListed returns the chain blacklist entry that refuses uid, or nil.
// An entry about one of this box's own cards is an echo of the box's own
// event and may lag behind it (a card unblocked here since), so for a
// card this box holds its own record decides.
func (s *Service) chainListed(tx *store.Txn, uid string) (*chain.BlacklistEntry, error) {
	e, found, err := tx.BlacklistedUID(uid)
	if err != nil || !found || !e.Listed() {
		return nil, err
	}
	if own := s.db.Branch(); own != "" && e.Branch == own {
		if _, err := tx.Card(e.Card); err == nil {
			return nil, nil
		} else if appliance.ErrorCode(err) != appliance.ENOTFOUND {
			return nil, err
		}
	}
	return e, nil
}

// chainBlockedError says which branch reported a blacklisted card and
// what it reported.
func chainBlockedError(e *chain.BlacklistEntry) error {
	why := map[string]string{
		chain.BlacklistLost:      "挂失 / reported lost",
		chain.BlacklistCancelled: "注销 / cancelled",
		chain.BlacklistReplaced:  "补换 / replaced",
	}[e.Status]
	if why == "" {
		why = e.Status + " / " + e.Status
	}
	zh, en, _ := strings.Cut(why, " / ")
	return &appliance.Error{Code: appliance.EUNAUTHORIZED, Field: "card", Message: fmt.Sprintf(
		"此卡（%s）已在 %s 分店%s / this card (%s) was %s at branch %s", e.Card, e.Branch, zh, e.Card, en, e.Branch)}
}

// Ledger returns a card's entries, oldest first, and the card.
func (s *Service) Ledger(number string) (*appliance.Card, []*appliance.LedgerEntry, error) {
	var card *appliance.Card
	var entries []*appliance.LedgerEntry
	err := s.db.View(func(tx *store.Txn) (err error) {
		if card, err = cardOf(tx, number); err != nil {
			return err
		}
		entries, err = tx.LedgerOf(number)
		return err
	})
	return card, entries, err
}

// KindTotal is the count and sum of one ledger kind over a day.
type KindTotal struct {
	Count  int   `json:"count"`
	SumFen int64 `json:"sum_fen"`
}

// DayTotals sums the ledger entries of a day (in the store's time zone)
// by kind, for the daily closing.
func (s *Service) DayTotals(ctx context.Context, day time.Time) (map[appliance.LedgerKind]KindTotal, error) {
	totals := make(map[appliance.LedgerKind]KindTotal)
	err := s.db.View(func(tx *store.Txn) error {
		entries, err := tx.LedgerOfDay(day.Format("20060102"))
		if err != nil {
			return err
		}
		for _, e := range entries {
			t := totals[e.Kind]
			t.Count++
			t.SumFen += e.AmountFen
			totals[e.Kind] = t
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("cards: day totals: %w", err)
	}
	return totals, nil
}
