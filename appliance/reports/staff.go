package reports

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// ServiceClasses are the service classes in order (seed 001 管理办法 六):
// A paid, B under contract, C free, D internal work.
var ServiceClasses = []string{"A", "B", "C", "D"}

// TechDaily is one technician's daily report (技术人员日报表): the tickets
// they moved on the day. Hours are not recorded by the appliance; the
// printed form leaves them for the pen.
type TechDaily struct {
	// Day is the day, 2006-01-02.
	Day string `json:"day"`
	// Technician is the staff id.
	Technician string `json:"technician"`
	// Items are the tickets worked, in number order.
	Items []TechItem `json:"items"`
	// ByClass counts the items by service class ("" counts as C free when
	// the ticket has no class).
	ByClass map[string]int `json:"by_class"`
}

// TechItem is one ticket a technician worked on.
type TechItem struct {
	// Number is the ticket number.
	Number string `json:"number"`
	// Kind is the ticket kind.
	Kind appliance.TicketKind `json:"kind"`
	// Class is the service class.
	Class string `json:"class"`
	// Work lists the moves made on the day, e.g. "open→in_repair, in_repair→ready".
	Work string `json:"work"`
}

// SupervisorDaily is the service supervisor's daily report (服务主任日报表).
type SupervisorDaily struct {
	// Day is the day, 2006-01-02.
	Day string `json:"day"`
	// Technicians are each technician's jobs of the day.
	Technicians []StaffJobs `json:"technicians"`
	// ByClass counts every technician's jobs by service class.
	ByClass map[string]int `json:"by_class"`
	// Escalated counts the tickets sent to a supervisor on the day.
	Escalated int `json:"escalated"`
	// Approved counts the tickets a supervisor moved on from approval.
	Approved int `json:"approved"`
	// Settlements counts the settlements of the day; SettledRefundFen their refunds.
	Settlements      int   `json:"settlements"`
	SettledRefundFen int64 `json:"settled_refund_fen"`
	// Overdue counts the tickets still being handled whose due time had
	// passed when the day ended.
	Overdue int `json:"overdue"`
}

// StaffJobs is one technician's count of jobs.
type StaffJobs struct {
	// Technician is the staff id.
	Technician string `json:"technician"`
	// Jobs is the number of tickets worked.
	Jobs int `json:"jobs"`
}

func classOf(t *appliance.Ticket) string {
	if t.ServiceClass == "" {
		return "C"
	}
	return t.ServiceClass
}

// handledAt reports whether t was still being handled at time at: taken
// in before it, neither resolved nor cancelled by then.
func handledAt(t *appliance.Ticket, at time.Time) bool {
	res, cancelled := ResolvedAt(t), cancelledAt(t)
	return t.Created.Before(at) && (res.IsZero() || !res.Before(at)) && (cancelled.IsZero() || !cancelled.Before(at))
}

// Daily returns every technician's daily report and the supervisor's, for
// the day, from one walk over the tickets. A technician worked a ticket when
// they made one of its moves on the day.
func (r *Reports) Daily(day time.Time) ([]TechDaily, *SupervisorDaily, error) {
	d := r.startOfDay(day)
	p := period{d, d.AddDate(0, 0, 1)}
	key := r.dayKey(d)
	techs := map[string]*TechDaily{}
	sup := &SupervisorDaily{Day: key, ByClass: map[string]int{}, Technicians: []StaffJobs{}}
	err := r.db.View(func(tx *store.Txn) error {
		return r.walk(tx, p.from, p.to, true, func(t *appliance.Ticket) error {
			work := map[string][]string{}
			for _, h := range t.History {
				if !p.has(h.Time) {
					continue
				}
				if h.To == appliance.StatusApproval {
					sup.Escalated++
				}
				if h.From == appliance.StatusApproval {
					sup.Approved++
				}
				if h.Operator != "" && h.Operator == t.Technician {
					work[h.Operator] = append(work[h.Operator], string(h.From)+"→"+string(h.To))
				}
			}
			if s := t.Settlement; s != nil && p.has(s.Time) {
				sup.Settlements++
				sup.SettledRefundFen += s.RefundFen
			}
			if handledAt(t, p.to) && !t.Due.IsZero() && t.Due.Before(p.to) {
				sup.Overdue++
			}
			for who, moves := range work {
				td := techs[who]
				if td == nil {
					td = &TechDaily{Day: key, Technician: who, Items: []TechItem{}, ByClass: map[string]int{}}
					techs[who] = td
				}
				td.Items = append(td.Items, TechItem{Number: t.Number, Kind: t.Kind, Class: classOf(t), Work: strings.Join(moves, ", ")})
				td.ByClass[classOf(t)]++
				sup.ByClass[classOf(t)]++
			}
			return nil
		})
	})
	if err != nil {
		return nil, nil, fmt.Errorf("reports: daily %s: %w", key, err)
	}
	out := make([]TechDaily, 0, len(techs))
	for _, who := range sortedKeys(techs) {
		out = append(out, *techs[who])
		sup.Technicians = append(sup.Technicians, StaffJobs{Technician: who, Jobs: len(techs[who].Items)})
	}
	sort.Slice(sup.Technicians, func(i, j int) bool { return sup.Technicians[i].Technician < sup.Technicians[j].Technician })
	return out, sup, nil
}
