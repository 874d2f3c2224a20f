package reports

import (
	"fmt"
	"sort"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
)

// Complaints is the complaint summary of a period, normally a week (seed 000
// 售后服务方案及流程: complaints are summarised and analysed weekly).
type Complaints struct {
	// From and To are the first and last day, 2006-01-02.
	From string `json:"from"`
	To   string `json:"to"`
	// Count is the complaints taken in during the period.
	Count int `json:"count"`
	// ByReason counts them by reason: every configured reason
	// (policy.toml [[complaint_reasons]]) in its order, zeros included,
	// then any code no longer configured; a complaint stored without a
	// code counts under "other".
	ByReason []ReasonCount `json:"by_reason"`
	// RepliedOnTime and RepliedLate count those of them answered by their
	// due time (2 working days, DOMAIN.md SLA) and after it.
	RepliedOnTime int `json:"replied_on_time"`
	RepliedLate   int `json:"replied_late"`
	// Open lists every complaint not answered yet, whenever it came in.
	Open []OpenComplaint `json:"open"`
}

// ReasonCount is one reason's number of complaints.
type ReasonCount struct {
	// Code is the reason's code, e.g. "service".
	Code string `json:"code"`
	// Reason is the reason's name, e.g. "服务态度" (the code when the
	// reason is no longer configured).
	Reason string `json:"reason"`
	// Count is how many complaints gave it.
	Count int `json:"count"`
}

// OpenComplaint is a complaint still waiting for its answer.
type OpenComplaint struct {
	// Number is the ticket number.
	Number string `json:"number"`
	// Code is its reason's code; Reason the reason's name.
	Code   string `json:"code"`
	Reason string `json:"reason"`
	// Created is when it came in; Due when it must be answered.
	Created time.Time `json:"created"`
	Due     time.Time `json:"due"`
	// Late is set when Due has passed.
	Late bool `json:"late"`
}

// reasonCode is a complaint's reason code; "other" for one stored
// without a code (before the list existed).
func reasonCode(t *appliance.Ticket) string {
	if t.ComplaintReason == "" {
		return policy.ComplaintOther
	}
	return t.ComplaintReason
}

// reasonName is the configured name of a code, or the code itself.
func (r *Reports) reasonName(code string) string {
	for _, c := range r.o.ComplaintReasons {
		if c.Code == code {
			return c.Name
		}
	}
	return code
}

// byReason lists the counts in the configured order, then the codes
// no longer configured, most frequent first.
func (r *Reports) byReason(counts map[string]int) []ReasonCount {
	out := make([]ReasonCount, 0, len(r.o.ComplaintReasons)+len(counts))
	for _, c := range r.o.ComplaintReasons {
		out = append(out, ReasonCount{Code: c.Code, Reason: c.Name, Count: counts[c.Code]})
		delete(counts, c.Code)
	}
	var rest []ReasonCount
	for code, n := range counts {
		rest = append(rest, ReasonCount{Code: code, Reason: code, Count: n})
	}
	sort.Slice(rest, func(i, j int) bool {
		a, b := rest[i], rest[j]
		return a.Count > b.Count || a.Count == b.Count && a.Code < b.Code
	})
	return append(out, rest...)
}

// Complaints summarises the complaints of the days from..to (both included).
func (r *Reports) Complaints(from, to time.Time) (*Complaints, error) {
	p, err := r.span(from, to)
	if err != nil {
		return nil, err
	}
	s := &Complaints{From: r.dayKey(p.from), To: r.dayKey(p.to.AddDate(0, 0, -1)), Open: []OpenComplaint{}}
	reasons := map[string]int{}
	now := r.o.Now()
	err = r.db.View(func(tx *store.Txn) error {
		err := r.walk(tx, p.from, p.to, false, func(t *appliance.Ticket) error {
			if t.Kind != appliance.KindComplaint {
				return nil
			}
			if p.has(t.Created) {
				s.Count++
				reasons[reasonCode(t)]++
				switch {
				case t.Replied.IsZero():
				case t.Due.IsZero() || !t.Replied.After(t.Due):
					s.RepliedOnTime++
				default:
					s.RepliedLate++
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		return eachOpen(tx, func(t *appliance.Ticket) {
			if t.Kind == appliance.KindComplaint && t.Replied.IsZero() {
				code := reasonCode(t)
				s.Open = append(s.Open, OpenComplaint{Number: t.Number, Code: code, Reason: r.reasonName(code), Created: t.Created, Due: t.Due,
					Late: !t.Due.IsZero() && now.After(t.Due)})
			}
		})
	})
	if err != nil {
		return nil, fmt.Errorf("reports: complaints: %w", err)
	}
	s.ByReason = r.byReason(reasons)
	return s, nil
}
