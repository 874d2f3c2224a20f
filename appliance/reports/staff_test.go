package reports

import (
	"reflect"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
)

// testReasons are a store's configured complaint reasons: "delivery" is
// not among them (a reason since removed from the list).
var testReasons = []policy.ComplaintReason{{Code: "service", Name: "服务态度"}, {Code: "quality", Name: "产品质量"},
	{Code: "compensation", Name: "赔偿"}, {Code: policy.ComplaintOther, Name: "其他"}}

// TestComplaintsWeeks checks each week's complaint summary of the month
// against a count made over the generated tickets: by the configured
// reasons in their order (zeros too), a complaint without a code under
// other, then a code no longer configured under its code.
func TestComplaintsWeeks(t *testing.T) {
	m := MustMonth(t)
	for w := range 4 {
		from := monthStart.AddDate(0, 0, 7*w)
		to := from.AddDate(0, 0, 6)
		t.Run(from.Format(DayFormat), func(t *testing.T) {
			got, err := m.rep.Complaints(from, to)
			if err != nil {
				t.Fatal(err)
			}
			var count, onTime, late, open int
			reasons := map[string]int{}
			for _, tk := range m.all {
				if tk.Kind != appliance.KindComplaint {
					continue
				}
				if tk.Replied.IsZero() && tk.Status == appliance.StatusOpen {
					open++
				}
				if tk.Created.Before(from) || !tk.Created.Before(to.AddDate(0, 0, 1)) {
					continue
				}
				count++
				code := tk.ComplaintReason
				if code == "" {
					code = policy.ComplaintOther
				}
				reasons[code]++
				if !tk.Replied.IsZero() {
					if tk.Replied.After(tk.Due) {
						late++
					} else {
						onTime++
					}
				}
			}
			want := []ReasonCount{{"service", "服务态度", reasons["service"]}, {"quality", "产品质量", reasons["quality"]},
				{"compensation", "赔偿", 0}, {"other", "其他", reasons["other"]}}
			if reasons["delivery"] > 0 {
				want = append(want, ReasonCount{"delivery", "delivery", reasons["delivery"]})
			}
			if got.Count != count || got.RepliedOnTime != onTime || got.RepliedLate != late || len(got.Open) != open ||
				!reflect.DeepEqual(got.ByReason, want) {
				t.Errorf("Complaints() = %d, %d on time, %d late, %d open, %v; want %d, %d, %d, %d, %v",
					got.Count, got.RepliedOnTime, got.RepliedLate, len(got.Open), got.ByReason, count, onTime, late, open, want)
			}
			if count == 0 || late == 0 || reasons["other"] == 0 || reasons["delivery"] == 0 {
				t.Errorf("the week should hold late complaints, legacy ones and a removed reason: %d, %d late, %v", count, late, reasons)
			}
			for _, o := range got.Open {
				if o.Reason == "" || o.Code == "" {
					t.Errorf("open complaint %s has no reason: %+v", o.Number, o)
				}
			}
		})
	}
}

// TestDaily builds a day of technicians' work and checks both daily reports.
func TestDaily(t *testing.T) {
	c := &clock{t: monthStart.Add(20 * time.Hour)}
	db, svc := openStore(t, t.TempDir(), c)
	defer func() { svc.Close(); db.Close() }()
	day := monthStart
	at := func(h int) time.Time { return day.Add(time.Duration(h) * time.Hour) }
	mv := func(from, to appliance.TicketStatus, who string, h int) appliance.Transition {
		return appliance.Transition{From: from, To: to, Operator: who, Time: at(h)}
	}
	tks := []*appliance.Ticket{
		{Number: "T20261101-0001", Kind: appliance.KindRepair, Status: appliance.StatusReady, Technician: "wang", ServiceClass: "A",
			Created: at(9), Due: at(9).AddDate(0, 0, 7), History: []appliance.Transition{
				mv(appliance.StatusOpen, appliance.StatusInRepair, "wang", 10), mv(appliance.StatusInRepair, appliance.StatusReady, "wang", 15)}},
		{Number: "T20261101-0002", Kind: appliance.KindRepair, Status: appliance.StatusInRepair, Technician: "li",
			Created: at(9), Due: at(9).AddDate(0, 0, 7), History: []appliance.Transition{mv(appliance.StatusOpen, appliance.StatusInRepair, "li", 11)}},
		{Number: "T20261101-0003", Kind: appliance.KindOnSite, Status: appliance.StatusInRepair, Technician: "wang", ServiceClass: "B",
			Created: at(-30), Due: at(2), History: []appliance.Transition{
				mv(appliance.StatusOpen, appliance.StatusApproval, "clerk1", 10), mv(appliance.StatusApproval, appliance.StatusInRepair, "boss", 12),
				mv(appliance.StatusInRepair, appliance.StatusInRepair, "wang", 16)},
			Settlement: &appliance.Settlement{Outcome: "other", RefundFen: 300, Operator: "boss", Time: at(13)}},
		{Number: "T20261101-0004", Kind: appliance.KindRepair, Status: appliance.StatusInRepair, Technician: "wang",
			Created: at(9), History: []appliance.Transition{mv(appliance.StatusOpen, appliance.StatusInRepair, "wang", 34)}},
	}
	err := db.Update(func(tx *store.Txn) error {
		for _, tk := range tks {
			if err := tx.PutTicket(tk); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	techs, sup, err := New(db, Options{Location: cst, Now: c.now}).Daily(day)
	if err != nil {
		t.Fatal(err)
	}
	wantTechs := []TechDaily{
		{Day: "2026-11-01", Technician: "li", ByClass: map[string]int{"C": 1}, Items: []TechItem{
			{Number: "T20261101-0002", Kind: appliance.KindRepair, Class: "C", Work: "open→in_repair"}}},
		{Day: "2026-11-01", Technician: "wang", ByClass: map[string]int{"A": 1, "B": 1}, Items: []TechItem{
			{Number: "T20261101-0001", Kind: appliance.KindRepair, Class: "A", Work: "open→in_repair, in_repair→ready"},
			{Number: "T20261101-0003", Kind: appliance.KindOnSite, Class: "B", Work: "in_repair→in_repair"}}},
	}
	if !reflect.DeepEqual(techs, wantTechs) {
		t.Errorf("Daily() technicians = %+v\nwant %+v", techs, wantTechs)
	}
	wantSup := &SupervisorDaily{Day: "2026-11-01", ByClass: map[string]int{"A": 1, "B": 1, "C": 1},
		Technicians: []StaffJobs{{"li", 1}, {"wang", 2}}, Escalated: 1, Approved: 1, Settlements: 1, SettledRefundFen: 300, Overdue: 1}
	if !reflect.DeepEqual(sup, wantSup) {
		t.Errorf("Daily() supervisor = %+v\nwant %+v", sup, wantSup)
	}
}
