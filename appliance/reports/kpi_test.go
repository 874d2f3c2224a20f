package reports

import (
	"testing"
	"time"

	"shouhou/appliance"
)

// repeatsByBruteForce compares every repair with every other one.
func repeatsByBruteForce(all []*appliance.Ticket) (repairs, repeats int) {
	for _, t := range all {
		if !isRepair(t.Kind) {
			continue
		}
		repairs++
		for _, u := range all {
			if u == t || !isRepair(u.Kind) || u.PurchaseID != t.PurchaseID || u.Result != appliance.ResultRepaired {
				continue
			}
			done := u.History[len(u.History)-1].Time
			if !t.Created.Before(done) && !t.Created.After(done.AddDate(0, 1, 0)) {
				repeats++
				break
			}
		}
	}
	return repairs, repeats
}

// TestKPIsMonth checks every KPI of the generated month against the
// generator's own counts.
func TestKPIsMonth(t *testing.T) {
	m := MustMonth(t)
	k, err := m.rep.KPIs(monthStart, monthStart.AddDate(0, 0, 29))
	if err != nil {
		t.Fatal(err)
	}
	repairs, repeats := repeatsByBruteForce(m.all)
	e := m.kpi
	if repeats == 0 || e.onTime == e.due || e.complaintOnTime == e.complaintDue {
		t.Fatalf("the month should hold repeats, late tickets and late replies: %d repeats, %d/%d, %d/%d",
			repeats, e.onTime, e.due, e.complaintOnTime, e.complaintDue)
	}
	avg := int64(e.resolveSum/time.Second) / int64(e.resolved)
	for _, tt := range []struct {
		name      string
		got, want Rate
	}{
		{"on time", k.OnTime, rate(e.onTime, e.due)},
		{"complaint replies", k.ComplaintReplies, rate(e.complaintOnTime, e.complaintDue)},
		{"complaints", k.Complaints, rate(e.complaints, e.tickets)},
		{"repeat repairs", k.RepeatRepairs, rate(repeats, repairs)},
		{"satisfaction overall", k.SatisfactionOverall, rate(e.itemSat[0]+e.itemSat[1]+e.itemSat[2]+e.itemSat[3], 4*e.surveys)},
		{"attitude", k.Satisfaction["attitude"], rate(e.itemSat[0], e.surveys)},
		{"skill", k.Satisfaction["skill"], rate(e.itemSat[1], e.surveys)},
		{"timeliness", k.Satisfaction["timeliness"], rate(e.itemSat[2], e.surveys)},
		{"follow_up", k.Satisfaction["follow_up"], rate(e.itemSat[3], e.surveys)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("KPIs().%s = %+v, want %+v", tt.name, tt.got, tt.want)
			}
		})
	}
	if k.Tickets != e.tickets || k.Resolved != e.resolved || k.AvgResolveSeconds != avg {
		t.Errorf("KPIs() tickets, resolved, avg = %d, %d, %d; want %d, %d, %d", k.Tickets, k.Resolved, k.AvgResolveSeconds,
			e.tickets, e.resolved, avg)
	}
}

func TestAtLeast(t *testing.T) {
	for _, tt := range []struct {
		target float64
		want   string
	}{{0.9, "≥90%"}, {0.925, "≥92.5%"}, {1, "≥100%"}, {0.56, "≥56%"}, {0.5725, "≥57.25%"}} {
		if got := atLeast(tt.target); got != tt.want {
			t.Errorf("atLeast(%v) = %q, want %q", tt.target, got, tt.want)
		}
	}
}
