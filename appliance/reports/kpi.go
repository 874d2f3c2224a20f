package reports

import (
	"fmt"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// SatisfiedLevel is the lowest survey level counted as satisfied: the top
// two of the four levels (3 satisfied, 4 very satisfied; seed 001 管理办法
// 二十五).
const SatisfiedLevel = 3

// SurveyItems names the four survey items in order (态度, 技术, 到达时间,
// 答应事情的办理).
var SurveyItems = []string{"attitude", "skill", "timeliness", "follow_up"}

// Rate is a count out of a total. Value is Count/Total, 0 when Total is 0.
type Rate struct {
	// Count is the numerator.
	Count int `json:"count"`
	// Total is the denominator.
	Total int `json:"total"`
	// Value is Count/Total (a fraction, not money).
	Value float64 `json:"value"`
}

func rate(n, d int) Rate {
	r := Rate{Count: n, Total: d}
	if d > 0 {
		r.Value = float64(n) / float64(d)
	}
	return r
}

// KPIs are the service figures the store is measured on, for a period of
// whole days (docs/reports.md states each rule).
type KPIs struct {
	// From and To are the first and last day, 2006-01-02.
	From string `json:"from"`
	To   string `json:"to"`
	// Tickets counts the tickets opened in the period.
	Tickets int `json:"tickets"`
	// OnTime: of the tickets (complaints apart) due in the period and not
	// cancelled before, those resolved by their due time.
	OnTime Rate `json:"on_time"`
	// ComplaintReplies: of the complaints due to be answered in the period,
	// those answered by then.
	ComplaintReplies Rate `json:"complaint_replies"`
	// Satisfaction is, per survey item, the answers at SatisfiedLevel or above
	// out of the surveys answered in the period.
	Satisfaction map[string]Rate `json:"satisfaction"`
	// SatisfactionOverall pools the four items' answers.
	SatisfactionOverall Rate `json:"satisfaction_overall"`
	// Complaints is complaints opened / tickets opened in the period.
	Complaints Rate `json:"complaints"`
	// RepeatRepairs: of the repairs opened in the period, those of a purchase
	// repaired before and still within that repair's warranty.
	RepeatRepairs Rate `json:"repeat_repairs"`
	// Resolved counts the tickets resolved in the period.
	Resolved int `json:"resolved"`
	// AvgResolveSeconds is their mean time from intake to resolution.
	AvgResolveSeconds int64 `json:"avg_resolve_seconds"`
	// Targets are the store's targets (Options; DOMAIN.md: 90% each).
	OnTimeTarget       float64 `json:"on_time_target"`
	SatisfactionTarget float64 `json:"satisfaction_target"`
}

func isRepair(k appliance.TicketKind) bool {
	return k == appliance.KindRepair || k == appliance.KindOnSite
}

// KPIs computes the service KPIs over the days from..to (both included) in
// one walk over the tickets' report records.
func (r *Reports) KPIs(from, to time.Time) (*KPIs, error) {
	p, err := r.span(from, to)
	if err != nil {
		return nil, err
	}
	k := &KPIs{From: r.dayKey(p.from), To: r.dayKey(p.to.AddDate(0, 0, -1)), Satisfaction: map[string]Rate{},
		OnTimeTarget: r.o.OnTimeTarget, SatisfactionTarget: r.o.SatisfactionTarget}
	var due, onTime, cDue, cOnTime, surveys, complaints, repairs, repeats int
	sat := make([]int, len(SurveyItems))
	var resolveSum time.Duration
	// opened are the repairs of a purchase taken in in the period, repaired
	// the repairs done, by purchase: after the walk, a repair opened is a
	// repeat when one done with an earlier number was done within its
	// warranty before it. The records come in no particular order.
	var opened []repairSeen
	repaired := map[string][]repairSeen{}
	err = r.db.View(func(tx *store.Txn) error {
		// A repair resolved before the period can make a repair in it a
		// repeat: the walk starts a warranty earlier.
		since := p.from.AddDate(0, -r.o.RepairWarrantyMonths, 0)
		return r.walkReports(tx, since, p.to, func(t *store.TicketReport) error {
			res := t.Resolved
			if p.has(t.Created) {
				k.Tickets++
				if t.Kind == appliance.KindComplaint {
					complaints++
				}
				if isRepair(t.Kind) && t.PurchaseID != "" {
					opened = append(opened, repairSeen{t.PurchaseID, t.Number, t.Created})
				}
			}
			if isRepair(t.Kind) && t.PurchaseID != "" && t.Result == appliance.ResultRepaired && !res.IsZero() {
				repaired[t.PurchaseID] = append(repaired[t.PurchaseID], repairSeen{t.PurchaseID, t.Number, res})
			}
			if p.has(t.Due) {
				cancelled := t.Cancelled
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
			if p.has(t.Surveyed) {
				surveys++
				for i, v := range t.Survey {
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
	repairs = len(opened)
	for _, o := range opened {
		if r.repeatRepair(o, repaired[o.purchase]) {
			repeats++
		}
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

// repairSeen is one repair of a purchase: its number and when it was
// taken in (a repair opened) or resolved (a repair done).
type repairSeen struct {
	purchase, number string
	at               time.Time
}

// repeatRepair reports whether the repair o was opened within the warranty
// of one of the repairs done of its purchase that came before it (a lower
// number): on or after that one was resolved and no later than the end of
// its warranty.
func (r *Reports) repeatRepair(o repairSeen, done []repairSeen) bool {
	for _, d := range done {
		if d.number < o.number && !o.at.Before(d.at) && !o.at.After(d.at.AddDate(0, r.o.RepairWarrantyMonths, 0)) {
			return true
		}
	}
	return false
}
