package reports

import (
	"fmt"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// The KPIs and the closing as they were computed before the per-ticket
// report records (issue 14), from whole tickets: the equivalence tests
// compare the two paths.

// oldKPIs is Reports.KPIs as it was before the report records (issue 14):
// it decodes every ticket the walk finds.
func oldKPIs(r *Reports, from, to time.Time) (*KPIs, error) {
	p, err := r.span(from, to)
	if err != nil {
		return nil, err
	}
	k := &KPIs{From: r.dayKey(p.from), To: r.dayKey(p.to.AddDate(0, 0, -1)), Satisfaction: map[string]Rate{},
		OnTimeTarget: r.o.OnTimeTarget, SatisfactionTarget: r.o.SatisfactionTarget}
	var due, onTime, cDue, cOnTime, surveys, complaints, repairs, repeats int
	sat := make([]int, len(SurveyItems))
	var resolveSum time.Duration
	// repaired holds, per purchase, when each repair of it seen so far was
	// resolved (an earlier repair has an earlier number: it is seen first).
	repaired := map[string][]time.Time{}
	err = r.db.View(func(tx *store.Txn) error {
		// A repair resolved before the period can make a repair in it a
		// repeat: the walk starts a warranty earlier.
		since := p.from.AddDate(0, -r.o.RepairWarrantyMonths, 0)
		return r.walk(tx, since, p.to, false, func(t *appliance.Ticket) error {
			res := ResolvedAt(t)
			if p.has(t.Created) {
				k.Tickets++
				if t.Kind == appliance.KindComplaint {
					complaints++
				}
				if isRepair(t.Kind) && t.PurchaseID != "" {
					repairs++
					if r.withinRepairWarranty(t.Created, repaired[t.PurchaseID]) {
						repeats++
					}
				}
			}
			if isRepair(t.Kind) && t.PurchaseID != "" && t.Result == appliance.ResultRepaired && !res.IsZero() {
				repaired[t.PurchaseID] = append(repaired[t.PurchaseID], res)
			}
			if p.has(t.Due) {
				cancelled := cancelledAt(t)
				if cancelled.IsZero() || cancelled.After(t.Due) {
					ok := !res.IsZero() && !res.After(t.Due)
					if t.Kind == appliance.KindComplaint {
						cDue++
						if ok {
							cOnTime++
						}
					} else {
						due++
						if ok {
							onTime++
						}
					}
				}
			}
			if p.has(res) {
				k.Resolved++
				resolveSum += res.Sub(t.Created)
			}
			if s := t.Survey; s != nil && p.has(s.Time) {
				surveys++
				for i, v := range []int{s.Attitude, s.Skill, s.Timeliness, s.FollowUp} {
					if v >= SatisfiedLevel {
						sat[i]++
					}
				}
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("reports: kpis: %w", err)
	}
	k.OnTime, k.ComplaintReplies = rate(onTime, due), rate(cOnTime, cDue)
	all := 0
	for i, name := range SurveyItems {
		k.Satisfaction[name] = rate(sat[i], surveys)
		all += sat[i]
	}
	k.SatisfactionOverall = rate(all, surveys*len(SurveyItems))
	k.Complaints, k.RepeatRepairs = rate(complaints, k.Tickets), rate(repeats, repairs)
	if k.Resolved > 0 {
		k.AvgResolveSeconds = int64(resolveSum/time.Second) / int64(k.Resolved)
	}
	return k, nil
}

// oldClosingTx is Reports.closingTx with oldScanDays.
func oldClosingTx(r *Reports, tx *store.Txn, day time.Time) (*Closing, error) {
	d := r.startOfDay(day)
	key := r.dayKey(d)
	if c, err := frozen(tx, key); err != nil || c != nil {
		return c, err
	}
	window := period{d.AddDate(0, 0, -r.o.AdjustmentDays), d.AddDate(0, 0, 1)}
	figs, err := oldScanDays(r, tx, window)
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

// oldScanDays is Reports.scanDays before the report records (issue 14).
func oldScanDays(r *Reports, tx *store.Txn, w period) (map[string]*dayFigures, error) {
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
	err := r.walk(tx, w.from, w.to, false, func(t *appliance.Ticket) error {
		if f := at(t.Created); f != nil {
			f.opened[t.Kind]++
		}
		if ct := closedAt(t); !ct.IsZero() {
			if f := at(ct); f != nil {
				f.closed[t.Kind]++
				if f.outcomes[t.Kind] == nil {
					f.outcomes[t.Kind] = map[string]int{}
				}
				f.outcomes[t.Kind][outcomeOf(t.Result, t.Outcome)]++
			}
		}
		if f := at(cancelledAt(t)); f != nil {
			f.cancelled[t.Kind]++
		}
		if s := t.Settlement; s != nil && s.RefundFen > 0 {
			if f := at(s.Time); f != nil {
				f.settleRefund[t.Number] += s.RefundFen
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

// withinRepairWarranty reports whether t falls within the warranty of any
// of the repairs done at the given times: on or after one of them and no
// later than the warranty's end.
func (r *Reports) withinRepairWarranty(t time.Time, done []time.Time) bool {
	for _, d := range done {
		if !t.Before(d) && !t.After(d.AddDate(0, r.o.RepairWarrantyMonths, 0)) {
			return true
		}
	}
	return false
}
