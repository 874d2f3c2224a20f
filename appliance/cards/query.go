package cards

import (
	"context"
	"fmt"
	"time"

	"shouhou/appliance"
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
// card.blocked event for the desk; an unknown UID is ENOTFOUND; a random
// UID is "card not supported" (EINVALID), never a new customer.
func (s *Service) Resolve(uid, desk string) (*Holder, error) {
	u, err := normalUID(uid)
	if err != nil {
		return nil, err
	}
	var h Holder
	err = s.db.View(func(tx *store.Txn) error {
		if h.Card, err = tx.CardByUID(u); err != nil {
			return err
		}
		if h.Card.Status != appliance.CardActive {
			return blockedError(h.Card)
		}
		h.Customer, err = tx.Customer(h.Card.CustomerID)
		return err
	})
	if appliance.ErrorCode(err) == appliance.EUNAUTHORIZED && s.opts.Bus != nil {
		s.opts.Bus.Publish(EventCardBlocked, desk, Blocked{UID: u, Card: h.Card.Number, Status: h.Card.Status, Desk: desk})
	}
	if err != nil {
		return nil, err
	}
	return &h, nil
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
