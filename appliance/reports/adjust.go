package reports

import (
	"encoding/json"
	"fmt"

	"shouhou/appliance/store"
)

// flatten names every ticket-side figure of a closing. Card figures are not
// among them: ledger entries are immutable and carry the time they were
// made, so a card correction lands on its own day by itself.
func flatten(c *Closing) map[string]int64 {
	m := map[string]int64{"opened": int64(c.Opened), "closed": int64(c.Closed), "cancelled": int64(c.Cancelled),
		"fees_cash_fen": c.FeesCashFen, "fees_card_fen": c.FeesCardFen}
	for _, row := range c.Tickets {
		if row.Opened != 0 {
			m["opened."+string(row.Kind)] = int64(row.Opened)
		}
		for o, n := range row.Closed {
			m["closed."+string(row.Kind)+"."+o] = int64(n)
		}
	}
	return m
}

// adjustments compares every closed day of the window before day with what
// the store gives now, net of the adjustments earlier closings already
// showed, and returns the differences.
func (r *Reports) adjustments(tx *store.Txn, w period, day string, figs map[string]*dayFigures) ([]Adjustment, error) {
	was := map[string]map[string]int64{} // closed day -> figure -> value as last shown
	var order []string
	err := tx.EachClosing(compact(r.dayKey(w.from)), func(_ string, raw json.RawMessage) error {
		var c Closing
		if err := json.Unmarshal(raw, &c); err != nil {
			return fmt.Errorf("reports: decode closing: %w", err)
		}
		if c.Day >= day {
			return nil
		}
		was[c.Day] = flatten(&c)
		order = append(order, c.Day)
		for _, a := range c.Adjustments {
			if m := was[a.Day]; m != nil {
				m[a.Figure] = a.Now
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := []Adjustment{}
	for _, d := range order {
		live := &Closing{Day: d}
		fillTickets(live, figs[d])
		now := flatten(live)
		for _, name := range unionKeys(was[d], now) {
			if was[d][name] != now[name] {
				out = append(out, Adjustment{Day: d, Figure: name, Was: was[d][name], Now: now[name]})
			}
		}
	}
	return out, nil
}

// unionKeys returns the keys of both maps, sorted.
func unionKeys(a, b map[string]int64) []string {
	m := map[string]int64{}
	for k := range a {
		m[k] = 0
	}
	for k := range b {
		m[k] = 0
	}
	return sortedKeys(m)
}
