package tickets

import (
	"context"
	"fmt"
	"strings"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// Status is what the idle kiosk shows a customer about one ticket after a
// lookup: where it stands, when it is due and what it costs — nothing of
// the customer (no name, phone, card, product or fault), so the screen
// shows nothing a passer-by could use.
type Status struct {
	// Number is the ticket number.
	Number string `json:"number"`
	// Kind is the kind of case.
	Kind appliance.TicketKind `json:"kind"`
	// Status is where the ticket stands.
	Status appliance.TicketStatus `json:"status"`
	// Due is when the ticket must be settled by the SLA (zero once closed).
	Due time.Time `json:"due,omitzero"`
	// FeeFen is what the customer pays: the fees charged to them, or
	// before any fee the quote told (0: nothing to pay).
	FeeFen int64 `json:"fee_fen"`
	// PaidFen is what the customer has paid.
	PaidFen int64 `json:"paid_fen"`
	// QuoteOpen is set while a quote waits for the customer's answer.
	QuoteOpen bool `json:"quote_open,omitempty"`
}

// errNoMatch is the one answer to a wrong number and to wrong digits
// alike, so a lookup does not tell which tickets exist.
func errNoMatch() error {
	return appliance.Errorf(appliance.ENOTFOUND, "服务单号与电话后四位不符 / the ticket number and the phone's last four digits do not match")
}

// Lookup returns the status of the ticket number when last4 are the last
// four digits of one of its customer's phones. A wrong number and wrong
// digits give the same ENOTFOUND error; a malformed argument is EINVALID
// naming "number" or "last4". Guessing is bounded by the caller (ui rate
// limits the op per desk and per number).
func (s *Service) Lookup(ctx context.Context, number, last4 string) (*Status, error) {
	number = strings.ToUpper(strings.TrimSpace(number))
	if !numberRE.MatchString(number) {
		return nil, appliance.FieldError("number", "服务单号格式应为 T20260101-0001 / a ticket number reads like T20260101-0001")
	}
	if !fourDigits(last4) {
		return nil, appliance.FieldError("last4", "请输入电话号码的后四位数字 / enter the last four digits of your phone")
	}
	var st *Status
	err := s.db.View(func(tx *store.Txn) error {
		t, err := tx.Ticket(number)
		if appliance.ErrorCode(err) == appliance.ENOTFOUND {
			return errNoMatch()
		}
		if err != nil {
			return err
		}
		c, err := tx.Customer(t.CustomerID)
		if appliance.ErrorCode(err) == appliance.ENOTFOUND || (err == nil && !phoneEndsIn(c.Phones, last4)) {
			return errNoMatch()
		}
		if err != nil {
			return err
		}
		st = statusOf(t)
		return nil
	})
	if err != nil && appliance.ErrorCode(err) == appliance.EINTERNAL {
		return nil, fmt.Errorf("lookup %s: %w", number, err)
	}
	return st, err
}

func fourDigits(s string) bool {
	if len(s) != 4 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// phoneEndsIn reports whether one of phones, digits only, ends in last4.
func phoneEndsIn(phones []string, last4 string) bool {
	for _, p := range phones {
		if d := normalPhone(p); len(d) >= 4 && strings.HasSuffix(d, last4) {
			return true
		}
	}
	return false
}

func statusOf(t *appliance.Ticket) *Status {
	st := &Status{Number: t.Number, Kind: t.Kind, Status: t.Status, PaidFen: t.PaidFen}
	if t.Status != appliance.StatusClosed && t.Status != appliance.StatusCancelled {
		st.Due = t.Due
	}
	for _, f := range t.Fees {
		if f.Payer == "customer" {
			st.FeeFen += f.Fen
		}
	}
	if q := t.Quote; q != nil && st.FeeFen == 0 && (q.Accepted == nil || *q.Accepted) {
		st.FeeFen = q.Fen
	}
	st.QuoteOpen = t.Quote != nil && t.Quote.Accepted == nil
	return st
}

// QueueToday counts the tickets taken in on now's day (in the store's
// time zone) that are still being handled: the desk's queue shown on the
// idle kiosk. Tickets carry no desk, so it is the store's queue; the
// daily numbers have no gaps, so it reads them in order until the first
// that does not exist.
func (s *Service) QueueToday(ctx context.Context) (int, error) {
	day := s.now(s.opts.Rules()).Format("20060102")
	n := 0
	err := s.db.View(func(tx *store.Txn) error {
		for i := 1; i <= 9999; i++ {
			t, err := tx.Ticket(fmt.Sprintf("T%s-%04d", day, i))
			if appliance.ErrorCode(err) == appliance.ENOTFOUND {
				return nil
			}
			if err != nil {
				return err
			}
			if t.Status != appliance.StatusClosed && t.Status != appliance.StatusCancelled {
				n++
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("queue of %s: %w", day, err)
	}
	return n, nil
}
