package reports

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// Closing is the daily closing (日结): the day's tickets, refunds, card money
// and fees, and whatever does not reconcile. Money is in fen.
type Closing struct {
	// Day is the business day, 2006-01-02.
	Day string `json:"day"`
	// Opened counts the tickets taken in on the day.
	Opened int `json:"opened"`
	// Closed counts the tickets closed on the day.
	Closed int `json:"closed"`
	// Cancelled counts the tickets cancelled on the day.
	Cancelled int `json:"cancelled"`
	// Tickets are the day's tickets by kind and outcome.
	Tickets []TicketRow `json:"tickets"`
	// RefundCashFen are the refunds paid in cash (settlement refunds not paid to a card).
	RefundCashFen int64 `json:"refund_cash_fen"`
	// RefundCardFen are the refunds paid to cards (the day's refund ledger entries).
	RefundCardFen int64 `json:"refund_card_fen"`
	// Card are the day's card ledger entries by kind (signed sums).
	Card []CardRow `json:"card"`
	// CardInFen is the money loaded onto cards: issue deposits and top-ups.
	CardInFen int64 `json:"card_in_fen"`
	// CardChargesFen is what was charged to cards (positive).
	CardChargesFen int64 `json:"card_charges_fen"`
	// CardOutFen is the balance paid out in cash (cash-outs, positive).
	CardOutFen int64 `json:"card_out_fen"`
	// LiabilityStartFen is the sum of every card's balance when the day began.
	LiabilityStartFen int64 `json:"liability_start_fen"`
	// LiabilityEndFen is the sum of every card's balance when the day ended
	// (the store's liability to card holders).
	LiabilityEndFen int64 `json:"liability_end_fen"`
	// FeesCashFen are the fees paid in cash on the day.
	FeesCashFen int64 `json:"fees_cash_fen"`
	// FeesCardFen are the fees paid by card on the day.
	FeesCardFen int64 `json:"fees_card_fen"`
	// Operators are the day's card money by member of staff: every entry
	// but the transfers of a replacement, amounts without sign, with the
	// daily limit of their role (policy.toml) and whether they went over it.
	Operators []OperatorMoney `json:"operators"`
	// Discrepancies lists what does not reconcile; empty means all is square.
	Discrepancies []string `json:"discrepancies"`
	// Adjustments are corrections, made since the last closing, to days
	// already closed.
	Adjustments []Adjustment `json:"adjustments"`
	// Frozen is set once the day is closed; the figures no longer change.
	Frozen bool `json:"frozen"`
	// ClosedBy is who closed the day.
	ClosedBy string `json:"closed_by,omitempty"`
	// ClosedAt is when the day was closed.
	ClosedAt time.Time `json:"closed_at,omitzero"`
}

// TicketRow counts one kind's tickets of the day.
type TicketRow struct {
	// Kind is the ticket kind.
	Kind appliance.TicketKind `json:"kind"`
	// Opened counts the tickets of the kind taken in on the day.
	Opened int `json:"opened"`
	// Closed counts them closed on the day, by outcome (see outcomeOf).
	Closed map[string]int `json:"closed"`
}

// CardRow is one ledger kind's entries of the day.
type CardRow struct {
	// Kind is the ledger kind.
	Kind appliance.LedgerKind `json:"kind"`
	// Count is the number of entries.
	Count int `json:"count"`
	// SumFen is their signed sum.
	SumFen int64 `json:"sum_fen"`
}

// OperatorMoney is the card money one member of staff moved in the day.
type OperatorMoney struct {
	// Operator is the staff id.
	Operator string `json:"operator"`
	// Count is the number of their entries.
	Count int `json:"count"`
	// TotalFen is the sum of the entries' amounts without sign.
	TotalFen int64 `json:"total_fen"`
	// LimitFen is their role's daily limit; 0 for none.
	LimitFen int64 `json:"limit_fen,omitempty"`
	// Over is set when TotalFen is above LimitFen: the closing flags it.
	Over bool `json:"over,omitempty"`
}

// Adjustment is a figure of a closed day that changed after it was closed,
// shown on the closing of the day the change was found.
type Adjustment struct {
	// Day is the closed day the figure belongs to.
	Day string `json:"day"`
	// Figure names it (e.g. "fees_cash_fen", "opened.repair").
	Figure string `json:"figure"`
	// Was is the value on the frozen closing plus earlier adjustments.
	Was int64 `json:"was"`
	// Now is the value the store gives today.
	Now int64 `json:"now"`
}

// dayFigures are the ticket-side figures of one day, accumulated in a scan.
type dayFigures struct {
	opened, closed, cancelled map[appliance.TicketKind]int
	outcomes                  map[appliance.TicketKind]map[string]int
	settleRefund              map[string]int64 // ticket -> settlement refund
	feesCash, feesCard        int64
	cardFeeTickets            map[string]int64 // ticket -> fees paid by card
}

func newDayFigures() *dayFigures {
	return &dayFigures{opened: map[appliance.TicketKind]int{}, closed: map[appliance.TicketKind]int{},
		cancelled: map[appliance.TicketKind]int{}, outcomes: map[appliance.TicketKind]map[string]int{},
		settleRefund: map[string]int64{}, cardFeeTickets: map[string]int64{}}
}

// Closing returns the day's closing: the frozen one when the day is
// closed, else the figures as the store holds them now.
func (r *Reports) Closing(day time.Time) (*Closing, error) {
	var c *Closing
	err := r.db.View(func(tx *store.Txn) error {
		var err error
		c, err = r.closingTx(tx, day)
		return err
	})
	return c, err
}

// Close freezes the day (日结): its closing is stored and returned; closing
// it again returns the frozen one unchanged. A day that has not ended yet
// may be closed (the desk closes after business); what happens later that
// day shows as an adjustment on the next closing.
func (r *Reports) Close(day time.Time, actor appliance.Actor) (*Closing, error) {
	if err := actor.Check(); err != nil {
		return nil, err
	}
	var c *Closing
	err := r.db.Update(func(tx *store.Txn) error {
		var err error
		if c, err = r.closingTx(tx, day); err != nil || c.Frozen {
			return err
		}
		c.Frozen, c.ClosedBy, c.ClosedAt = true, actor.ID, r.o.Now()
		raw, err := json.Marshal(c)
		if err != nil {
			return fmt.Errorf("reports: encode closing: %w", err)
		}
		if err := tx.PutClosing(compact(c.Day), raw); err != nil {
			return err
		}
		return tx.AuditBy(actor, "day.close", "closing/"+c.Day, "", nil, c)
	})
	if err != nil {
		return nil, fmt.Errorf("reports: close %s: %w", r.dayKey(day), err)
	}
	return c, nil
}

// compact turns 2006-01-02 into 20060102.
func compact(day string) string { return strings.ReplaceAll(day, "-", "") }

// frozen returns the stored closing of a day, or nil.
func frozen(tx *store.Txn, day string) (*Closing, error) {
	raw, err := tx.Closing(compact(day))
	if appliance.ErrorCode(err) == appliance.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var c Closing
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("reports: decode closing %s: %w", day, err)
	}
	return &c, nil
}

func (r *Reports) closingTx(tx *store.Txn, day time.Time) (*Closing, error) {
	d := r.startOfDay(day)
	key := r.dayKey(d)
	if c, err := frozen(tx, key); err != nil || c != nil {
		return c, err
	}
	window := period{d.AddDate(0, 0, -r.o.AdjustmentDays), d.AddDate(0, 0, 1)}
	figs, err := r.scanDays(tx, window)
	if err != nil {
		return nil, err
	}
	c := &Closing{Day: key, Operators: []OperatorMoney{}, Discrepancies: []string{}, Adjustments: []Adjustment{}}
	fillTickets(c, figs[key])
	if err := r.fillCards(tx, c, period{d, d.AddDate(0, 0, 1)}, figs[key]); err != nil {
		return nil, err
	}
	adj, err := r.adjustments(tx, window, key, figs)
	if err != nil {
		return nil, err
	}
	c.Adjustments = adj
	return c, nil
}

// scanDays walks the report record of every ticket once and accumulates
// the figures of each day of the window.
func (r *Reports) scanDays(tx *store.Txn, w period) (map[string]*dayFigures, error) {
	figs := map[string]*dayFigures{}
	at := func(t time.Time) *dayFigures {
		if !w.has(t) {
			return nil
		}
		k := r.dayKey(t)
		if figs[k] == nil {
			figs[k] = newDayFigures()
		}
		return figs[k]
	}
	err := r.walkReports(tx, w.from, w.to, func(t *store.TicketReport) error {
		if f := at(t.Created); f != nil {
			f.opened[t.Kind]++
		}
		if ct := t.Closed; !ct.IsZero() {
			if f := at(ct); f != nil {
				f.closed[t.Kind]++
				if f.outcomes[t.Kind] == nil {
					f.outcomes[t.Kind] = map[string]int{}
				}
				f.outcomes[t.Kind][outcomeOf(t.Result, t.Outcome)]++
			}
		}
		if f := at(t.Cancelled); f != nil {
			f.cancelled[t.Kind]++
		}
		if t.RefundFen > 0 {
			if f := at(t.Settled); f != nil {
				f.settleRefund[t.Number] += t.RefundFen
			}
		}
		if f := at(t.Paid); f != nil && t.PaidFen > 0 {
			switch t.Payment {
			case "card":
				f.feesCard += t.PaidFen
				f.cardFeeTickets[t.Number] += t.PaidFen
			default:
				f.feesCash += t.PaidFen
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reports: scan tickets: %w", err)
	}
	return figs, nil
}

func fillTickets(c *Closing, f *dayFigures) {
	if f == nil {
		f = newDayFigures()
	}
	for _, k := range appliance.TicketKinds {
		row := TicketRow{Kind: k, Opened: f.opened[k], Closed: map[string]int{}}
		for o, n := range f.outcomes[k] {
			row.Closed[o] = n
		}
		c.Opened += f.opened[k]
		c.Closed += f.closed[k]
		c.Cancelled += f.cancelled[k]
		if row.Opened > 0 || len(row.Closed) > 0 {
			c.Tickets = append(c.Tickets, row)
		}
	}
	c.FeesCashFen, c.FeesCardFen = f.feesCash, f.feesCard
}

// sortedKeys returns a map's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
