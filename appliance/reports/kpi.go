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
	f, err := r.newKPIFold(from, to)
	if err != nil {
		return nil, err
	}
	err = r.db.View(func(tx *store.Txn) error {
		// A repair resolved before the period can make a repair in it a
		// repeat: the walk starts a warranty earlier.
		return r.walkReports(tx, r.KPISince(from), f.p.to, func(t *store.TicketReport) error {
			f.add(t)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("reports: kpis: %w", err)
	}
	return f.result(), nil
}

// KPIsOf computes the KPIs over the days from..to (both included) from
// report records the caller holds (store.ReportOf of each ticket), by the
// same rules as KPIs: head office computes a branch's KPIs from its copies
// of the branch's tickets. tickets must hold every ticket that can count
// (those changed or due from a repair warranty before from on); more is
// harmless, as each figure looks only at its own times. A Reports used
// only for KPIsOf may be made with a nil store.
func (r *Reports) KPIsOf(from, to time.Time, tickets []*store.TicketReport) (*KPIs, error) {
	f, err := r.newKPIFold(from, to)
	if err != nil {
		return nil, err
	}
	for _, t := range tickets {
		f.add(t)
	}
	return f.result(), nil
}

// KPISince is the earliest change or due time a ticket can have and still
// count in the KPIs of a period starting on from (a repair warranty
// before from's day): what a caller of KPIsOf must select from.
func (r *Reports) KPISince(from time.Time) time.Time {
	return r.startOfDay(from).AddDate(0, -r.o.RepairWarrantyMonths, 0)
}

// kpiFold adds up the KPIs of a period one report record at a time.
type kpiFold struct {
	r *Reports
	p period
	// k is the result being filled: its counts as they go, its rates at the end.
	k *KPIs
	// due and onTime count the tickets due, and resolved by then; cDue and
	// cOnTime the complaints; surveys the surveys answered, sat the
	// satisfied answers per item; complaints the complaints opened.
	due, onTime, cDue, cOnTime, surveys, complaints int
	sat                                             []int
	// resolveSum is the time from intake to resolution, summed.
	resolveSum time.Duration
	// opened are the repairs of a purchase taken in in the period, repaired
	// the repairs done, by purchase: at the end, a repair opened is a
	// repeat when one done with an earlier number was done within its
	// warranty before it. The records come in no particular order.
	opened   []repairSeen
	repaired map[string][]repairSeen
}

// newKPIFold starts the KPIs of the days from..to.
func (r *Reports) newKPIFold(from, to time.Time) (*kpiFold, error) {
	p, err := r.span(from, to)
	if err != nil {
		return nil, err
	}
	k := &KPIs{From: r.dayKey(p.from), To: r.dayKey(p.to.AddDate(0, 0, -1)), Satisfaction: map[string]Rate{},
		OnTimeTarget: r.o.OnTimeTarget, SatisfactionTarget: r.o.SatisfactionTarget}
	return &kpiFold{r: r, p: p, k: k, sat: make([]int, len(SurveyItems)), repaired: map[string][]repairSeen{}}, nil
}

// add counts one ticket's report record. It keeps none of t's memory but
// its strings (the store's walk reuses the record).
func (f *kpiFold) add(t *store.TicketReport) {
	p, k, res := f.p, f.k, t.Resolved
	if p.has(t.Created) {
		k.Tickets++
		if t.Kind == appliance.KindComplaint {
			f.complaints++
		}
		if isRepair(t.Kind) && t.PurchaseID != "" {
			f.opened = append(f.opened, repairSeen{t.PurchaseID, t.Number, t.Created})
		}
	}
	if isRepair(t.Kind) && t.PurchaseID != "" && t.Result == appliance.ResultRepaired && !res.IsZero() {
		f.repaired[t.PurchaseID] = append(f.repaired[t.PurchaseID], repairSeen{t.PurchaseID, t.Number, res})
	}
	if p.has(t.Due) {
		f.addDue(t)
	}
	if p.has(res) {
		k.Resolved++
		f.resolveSum += res.Sub(t.Created)
	}
	if p.has(t.Surveyed) {
		f.surveys++
		for i, v := range t.Survey {
			if v >= SatisfiedLevel {
				f.sat[i]++
			}
		}
	}
}

// addDue counts a ticket due in the period, unless cancelled before.
func (f *kpiFold) addDue(t *store.TicketReport) {
	if !t.Cancelled.IsZero() && !t.Cancelled.After(t.Due) {
		return
	}
	ok := !t.Resolved.IsZero() && !t.Resolved.After(t.Due)
	if t.Kind == appliance.KindComplaint {
		f.cDue++
		if ok {
			f.cOnTime++
		}
		return
	}
	f.due++
	if ok {
		f.onTime++
	}
}

// result works out the rates from the counts.
func (f *kpiFold) result() *KPIs {
	k := f.k
	repeats := 0
	for _, o := range f.opened {
		if f.r.repeatRepair(o, f.repaired[o.purchase]) {
			repeats++
		}
	}
	k.OnTime, k.ComplaintReplies = rate(f.onTime, f.due), rate(f.cOnTime, f.cDue)
	all := 0
	for i, name := range SurveyItems {
		k.Satisfaction[name] = rate(f.sat[i], f.surveys)
		all += f.sat[i]
	}
	k.SatisfactionOverall = rate(all, f.surveys*len(SurveyItems))
	k.Complaints, k.RepeatRepairs = rate(f.complaints, k.Tickets), rate(repeats, len(f.opened))
	if k.Resolved > 0 {
		k.AvgResolveSeconds = int64(f.resolveSum/time.Second) / int64(k.Resolved)
	}
	return k
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
