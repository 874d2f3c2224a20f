package tickets

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// Search kinds.
const (
	ByNumber = "number" // T20261123-0042
	ByPhone  = "phone"  // the customer's phone
	ByCard   = "card"   // printed card number SC-000123
	ByUID    = "uid"    // chip UID
	BySerial = "serial" // the product's serial number
	ByName   = "name"   // the customer's name, or its beginning
	ByText   = "text"   // words in the fault description
)

// Query is a ticket search.
type Query struct {
	// By is one of the By* kinds; "" guesses from Q (number, card, phone,
	// then serial, name and free text).
	By string `json:"by,omitempty"`
	// Q is what to look for.
	Q string `json:"q"`
	// Limit caps the results; 0 means 50.
	Limit int `json:"limit,omitempty"`
	// Since limits a free-text search to tickets taken in on or after
	// this day (the zero time: all); it bounds the cost of a query made
	// only of common words (docs/tickets.md "Search").
	Since time.Time `json:"since,omitzero"`
}

var (
	numberRE = regexp.MustCompile(`^T\d{8}-\d{4}$`)
	cardRE   = regexp.MustCompile(`^SC-\d{6}$`)
	phoneRE  = regexp.MustCompile(`^\+?\d{7,15}$`)
)

// Search finds tickets, newest number first.
func (s *Service) Search(ctx context.Context, q Query) ([]*appliance.Ticket, error) {
	q.Q = strings.TrimSpace(q.Q)
	if q.Q == "" {
		return nil, appliance.FieldError("q", "请输入查询内容 / type what to look for")
	}
	if q.Limit <= 0 {
		q.Limit = 50
	}
	var out []*appliance.Ticket
	err := s.db.View(func(tx *store.Txn) error {
		var err error
		out, err = search(tx, q)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("search %s %q: %w", q.By, q.Q, err)
	}
	return out, nil
}

func search(tx *store.Txn, q Query) ([]*appliance.Ticket, error) {
	up := strings.ToUpper(q.Q)
	switch q.By {
	case ByNumber:
		t, err := tx.Ticket(up)
		if appliance.ErrorCode(err) == appliance.ENOTFOUND {
			return nil, nil
		}
		return []*appliance.Ticket{t}, err
	case ByPhone:
		c, err := tx.CustomerByPhone(normalPhone(q.Q))
		if appliance.ErrorCode(err) == appliance.ENOTFOUND {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return ofCustomers(tx, []string{c.ID}, q.Limit)
	case ByCard, ByUID:
		var card *appliance.Card
		var err error
		if q.By == ByCard {
			card, err = tx.Card(up)
		} else {
			card, err = tx.CardByUID(up)
		}
		if appliance.ErrorCode(err) == appliance.ENOTFOUND {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return ofCustomers(tx, []string{card.CustomerID}, q.Limit)
	case BySerial:
		return bySerial(tx, q.Q, q.Limit)
	case ByName:
		cs, err := tx.CustomersByName(q.Q, q.Limit)
		if err != nil {
			return nil, err
		}
		ids := make([]string, len(cs))
		for i, c := range cs {
			ids[i] = c.ID
		}
		return ofCustomers(tx, ids, q.Limit)
	case ByText:
		return tx.TicketsByTextSince(q.Q, q.Since, q.Limit)
	case "":
		return guess(tx, q, up)
	}
	return nil, appliance.FieldError("by", "未知的查询方式 %q / unknown search kind %q", q.By, q.By)
}

// guess tries the keyed searches the text looks like, then serial, name
// and free text, and returns the first that finds anything.
func guess(tx *store.Txn, q Query, up string) ([]*appliance.Ticket, error) {
	for _, k := range guessKinds(q.Q, up) {
		q.By = k
		ts, err := search(tx, q)
		if err != nil || len(ts) > 0 {
			return ts, err
		}
	}
	return nil, nil
}

// guessKinds are the searches a query of text (up: upper-cased) without a
// kind tries, in order.
func guessKinds(text, up string) []string {
	switch phone := normalPhone(text); {
	case numberRE.MatchString(up):
		return []string{ByNumber}
	case cardRE.MatchString(up):
		return []string{ByCard}
	case phoneRE.MatchString(phone) && len(phone) == len(text):
		return []string{ByPhone, BySerial, ByUID}
	default:
		return []string{BySerial, ByUID, ByName, ByText}
	}
}

func bySerial(tx *store.Txn, serial string, limit int) ([]*appliance.Ticket, error) {
	ps, err := tx.PurchasesBySerial(serial)
	if err != nil {
		return nil, err
	}
	var out []*appliance.Ticket
	for _, p := range ps {
		ts, err := tx.TicketsOfPurchase(p.ID)
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	return newestFirst(out, limit), nil
}

func ofCustomers(tx *store.Txn, ids []string, limit int) ([]*appliance.Ticket, error) {
	var out []*appliance.Ticket
	for _, id := range ids {
		ts, err := tx.TicketsOfCustomer(id)
		if err != nil {
			return nil, err
		}
		out = append(out, ts...)
	}
	return newestFirst(out, limit), nil
}

func newestFirst(ts []*appliance.Ticket, limit int) []*appliance.Ticket {
	slices.SortFunc(ts, func(a, b *appliance.Ticket) int { return strings.Compare(b.Number, a.Number) })
	if len(ts) > limit {
		ts = ts[:limit]
	}
	return ts
}

// WalksText reports whether q may run a free-text search: By text, or a
// guess that falls through to it (not a ticket number, a card number or
// a phone). It is the one search whose cost grows with the store, which
// the memory budget may refuse while memory is short.
func (q Query) WalksText() bool {
	if q.By != "" {
		return q.By == ByText
	}
	return slices.Contains(guessKinds(q.Q, strings.ToUpper(q.Q)), ByText)
}
