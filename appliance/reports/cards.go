package reports

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// ledgerKinds lists the ledger kinds in the order the closing shows them.
var ledgerKinds = []appliance.LedgerKind{appliance.LedgerIssue, appliance.LedgerTopup, appliance.LedgerCharge,
	appliance.LedgerRefund, appliance.LedgerReversal, appliance.LedgerTransferOut, appliance.LedgerTransferIn,
	appliance.LedgerCashout}

// sign is the sign an entry of a kind must have: +1 money in, -1 money
// out, 0 either (a reversal undoes a top-up or a charge).
func sign(k appliance.LedgerKind) int {
	switch k {
	case appliance.LedgerIssue, appliance.LedgerTopup, appliance.LedgerRefund, appliance.LedgerTransferIn:
		return 1
	case appliance.LedgerCharge, appliance.LedgerCashout, appliance.LedgerTransferOut:
		return -1
	}
	return 0
}

// Liability is the reconciliation of the cards' money over all time.
type Liability struct {
	// BalancesFen is the sum of every card's recorded balance now.
	BalancesFen int64 `json:"balances_fen"`
	// ByKind are the signed sums of every ledger entry ever made, by kind.
	ByKind map[appliance.LedgerKind]int64 `json:"by_kind"`
	// LedgerFen is the sum of every entry's amount (issued + topped up +
	// refunded + transferred in ± reversed − charged − cashed out −
	// transferred out).
	LedgerFen int64 `json:"ledger_fen"`
	// Problems lists what does not reconcile.
	Problems []string `json:"problems"`
}

// cardScan is one pass over every ledger entry for the closing's period.
type cardScan struct {
	day              map[appliance.LedgerKind]*CardRow
	dayFen           int64
	startFen, endFen int64 // sum over cards of the balance after the last entry before start / end
	cardRefund       map[string]int64
	cardCharge       map[string]int64
	byOperator       map[string]*OperatorMoney // the day's money by staff id, transfers left out
	liab             Liability
}

// scanLedger reads every entry once: the day's entries by kind, the
// balance-after of each card's last entry before and at the end of the day
// (a figure written by each entry, independent of the amounts), and the
// all-time sums by kind; then every card's balance.
func scanLedger(tx *store.Txn, p period) (*cardScan, error) {
	return scanLedgerOf(p, tx.EachLedgerEntry, tx.EachCard)
}

// scanLedgerOf is scanLedger over any source of entries (each card's
// entries together, in seq order) and cards.
func scanLedgerOf(p period, eachEntry func(func(*appliance.LedgerEntry) error) error,
	eachCard func(func(*appliance.Card) error) error) (*cardScan, error) {
	s := &cardScan{day: map[appliance.LedgerKind]*CardRow{}, cardRefund: map[string]int64{}, cardCharge: map[string]int64{},
		byOperator: map[string]*OperatorMoney{},
		liab:       Liability{ByKind: map[appliance.LedgerKind]int64{}, Problems: []string{}}}
	perCard := map[string]int64{}
	var card string
	var before, atEnd int64
	flush := func() { s.startFen += before; s.endFen += atEnd }
	err := eachEntry(func(e *appliance.LedgerEntry) error {
		if e.Card != card {
			flush()
			card, before, atEnd = e.Card, 0, 0
		}
		perCard[e.Card] += e.AmountFen
		s.liab.ByKind[e.Kind] += e.AmountFen
		s.liab.LedgerFen += e.AmountFen
		if sg := sign(e.Kind); (sg > 0 && e.AmountFen < 0) || (sg < 0 && e.AmountFen > 0) {
			s.liab.Problems = append(s.liab.Problems, fmt.Sprintf("%s#%d：%s 金额 %d 符号不对 / %s amount %d has the wrong sign",
				e.Card, e.Seq, e.Kind, e.AmountFen, e.Kind, e.AmountFen))
		}
		if e.Time.Before(p.from) {
			before = e.BalanceFen
		}
		if e.Time.Before(p.to) {
			atEnd = e.BalanceFen
		}
		if p.has(e.Time) {
			row := s.day[e.Kind]
			if row == nil {
				row = &CardRow{Kind: e.Kind}
				s.day[e.Kind] = row
			}
			row.Count++
			row.SumFen += e.AmountFen
			s.dayFen += e.AmountFen
			s.addOperator(e)
			switch e.Kind {
			case appliance.LedgerRefund:
				s.cardRefund[e.Ticket] += e.AmountFen
			case appliance.LedgerCharge:
				if e.Ticket != "" {
					s.cardCharge[e.Ticket] -= e.AmountFen
				}
			}
		}
		return nil
	})
	flush()
	if err != nil {
		return nil, fmt.Errorf("reports: scan ledger: %w", err)
	}
	err = eachCard(func(c *appliance.Card) error {
		s.liab.BalancesFen += c.BalanceFen
		if c.BalanceFen != perCard[c.Number] {
			s.liab.Problems = append(s.liab.Problems, fmt.Sprintf("卡 %s 余额 %d ≠ 流水合计 %d / card %s balance %d ≠ its ledger %d",
				c.Number, c.BalanceFen, perCard[c.Number], c.Number, c.BalanceFen, perCard[c.Number]))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reports: scan cards: %w", err)
	}
	if s.liab.BalancesFen != s.liab.LedgerFen {
		s.liab.Problems = append(s.liab.Problems, fmt.Sprintf("卡余额合计 %d ≠ 流水合计 %d / card balances %d ≠ ledger total %d",
			s.liab.BalancesFen, s.liab.LedgerFen, s.liab.BalancesFen, s.liab.LedgerFen))
	}
	return s, nil
}

// addOperator counts a day's entry to its operator; the transfers of a
// replaced card move no money and do not count.
func (s *cardScan) addOperator(e *appliance.LedgerEntry) {
	if e.Kind == appliance.LedgerTransferIn || e.Kind == appliance.LedgerTransferOut || e.AmountFen == 0 {
		return
	}
	m := s.byOperator[e.Operator]
	if m == nil {
		m = &OperatorMoney{Operator: e.Operator}
		s.byOperator[e.Operator] = m
	}
	m.Count++
	m.TotalFen += max(e.AmountFen, -e.AmountFen)
}

// operators lists the day's money by operator, by id, each flagged when
// above the daily limit of their role.
func (r *Reports) operators(s *cardScan) []OperatorMoney {
	out := make([]OperatorMoney, 0, len(s.byOperator))
	for _, id := range sortedKeys(s.byOperator) {
		m := *s.byOperator[id]
		if r.o.DailyLimitFen != nil {
			if limit, ok := r.o.DailyLimitFen(id); ok {
				m.LimitFen, m.Over = limit, m.TotalFen > limit
			}
		}
		out = append(out, m)
	}
	return out
}

// CardLiability reconciles the store's liability to card holders: the sum of
// every card's balance against the sum of every ledger entry, each card
// against its own ledger, and each entry's sign against its kind.
func (r *Reports) CardLiability() (*Liability, error) {
	var l *Liability
	err := r.db.View(func(tx *store.Txn) error {
		s, err := scanLedger(tx, period{})
		if s != nil {
			l = &s.liab
		}
		return err
	})
	return l, err
}

// CardLiabilityOf is CardLiability over ledger entries and cards the caller
// holds, in any order: head office reconciles a branch's card money from
// its copies of the branch's records by the box's own rules.
func CardLiabilityOf(entries []*appliance.LedgerEntry, cards []*appliance.Card) *Liability {
	sorted := slices.Clone(entries)
	slices.SortFunc(sorted, func(a, b *appliance.LedgerEntry) int {
		return cmp.Or(strings.Compare(a.Card, b.Card), cmp.Compare(a.Seq, b.Seq))
	})
	s, _ := scanLedgerOf(period{}, func(fn func(*appliance.LedgerEntry) error) error {
		for _, e := range sorted {
			if err := fn(e); err != nil {
				return err
			}
		}
		return nil
	}, func(fn func(*appliance.Card) error) error {
		for _, c := range cards {
			if err := fn(c); err != nil {
				return err
			}
		}
		return nil
	})
	return &s.liab
}

// fillCards puts the day's card money on the closing, the refunds, and
// every check that does not reconcile.
func (r *Reports) fillCards(tx *store.Txn, c *Closing, p period, f *dayFigures) error {
	s, err := scanLedger(tx, p)
	if err != nil {
		return err
	}
	if f == nil {
		f = newDayFigures()
	}
	for _, k := range ledgerKinds {
		if row := s.day[k]; row != nil {
			c.Card = append(c.Card, *row)
		}
	}
	get := func(k appliance.LedgerKind) int64 {
		if row := s.day[k]; row != nil {
			return row.SumFen
		}
		return 0
	}
	c.CardInFen = get(appliance.LedgerIssue) + get(appliance.LedgerTopup)
	c.CardChargesFen = -get(appliance.LedgerCharge)
	c.CardOutFen = -get(appliance.LedgerCashout)
	c.RefundCardFen = get(appliance.LedgerRefund)
	for _, n := range sortedKeys(f.settleRefund) {
		if cash := f.settleRefund[n] - s.cardRefund[n]; cash > 0 {
			c.RefundCashFen += cash
		}
	}
	c.LiabilityStartFen, c.LiabilityEndFen = s.startFen, s.endFen
	c.Operators = r.operators(s)
	c.Discrepancies = append(c.Discrepancies, s.liab.Problems...)
	if d := s.endFen - s.startFen; d != s.dayFen {
		c.Discrepancies = append(c.Discrepancies, fmt.Sprintf("卡余额变动 %d ≠ 当日流水 %d / change of card balances %d ≠ the day's ledger %d",
			d, s.dayFen, d, s.dayFen))
	}
	for _, n := range sortedKeys(f.cardFeeTickets) {
		if f.cardFeeTickets[n] != s.cardCharge[n] {
			c.Discrepancies = append(c.Discrepancies, fmt.Sprintf("服务单 %s 储值卡收费 %d ≠ 当日扣卡 %d / ticket %s paid %d by card, the day's charges %d",
				n, f.cardFeeTickets[n], s.cardCharge[n], n, f.cardFeeTickets[n], s.cardCharge[n]))
		}
	}
	return nil
}
