package reports

import (
	"fmt"
	"sort"
	"time"

	"shouhou/appliance"
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
	// ByReason counts them by reason (the customer's request, else the
	// policy problem, else 未分类), most frequent first.
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
	// Reason is the complaint's reason.
	Reason string `json:"reason"`
	// Count is how many complaints gave it.
	Count int `json:"count"`
}

// OpenComplaint is a complaint still waiting for its answer.
type OpenComplaint struct {
	// Number is the ticket number.
	Number string `json:"number"`
	// Reason is its reason.
	Reason string `json:"reason"`
	// Created is when it came in; Due when it must be answered.
	Created time.Time `json:"created"`
	Due     time.Time `json:"due"`
	// Late is set when Due has passed.
	Late bool `json:"late"`
}

func reasonOf(t *appliance.Ticket) string {
	switch {
	case t.Request != "":
		return t.Request
	case t.Problem != "":
		return t.Problem
	}
	return "未分类"
}

// Complaints summarises the complaints of the days from..to (both included).
func (r *Reports) Complaints(from, to time.Time) (*Complaints, error) {
	p, err := r.span(from, to)
	if err != nil {
		return nil, err
	}
	s := &Complaints{From: r.dayKey(p.from), To: r.dayKey(p.to.AddDate(0, 0, -1)), ByReason: []ReasonCount{}, Open: []OpenComplaint{}}
	reasons := map[string]int{}
	now := r.o.Now()
	err = r.db.View(func(tx *store.Txn) error {
		err := r.walk(tx, p.from, p.to, false, func(t *appliance.Ticket) error {
			if t.Kind != appliance.KindComplaint {
				return nil
			}
			if p.has(t.Created) {
				s.Count++
				reasons[reasonOf(t)]++
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
				s.Open = append(s.Open, OpenComplaint{Number: t.Number, Reason: reasonOf(t), Created: t.Created, Due: t.Due,
					Late: !t.Due.IsZero() && now.After(t.Due)})
			}
		})
	})
	if err != nil {
		return nil, fmt.Errorf("reports: complaints: %w", err)
	}
	for reason, n := range reasons {
		s.ByReason = append(s.ByReason, ReasonCount{reason, n})
	}
	sort.Slice(s.ByReason, func(i, j int) bool {
		a, b := s.ByReason[i], s.ByReason[j]
		return a.Count > b.Count || a.Count == b.Count && a.Reason < b.Reason
	})
	return s, nil
}
