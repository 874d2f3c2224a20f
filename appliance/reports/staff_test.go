package reports

import (
	"reflect"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// TestComplaintsWeeks checks each week's complaint summary of the month
// against a count made over the generated tickets.
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
				reasons[tk.Request]++
				if !tk.Replied.IsZero() {
					if tk.Replied.After(tk.Due) {
						late++
					} else {
						onTime++
					}
				}
			}
			gotReasons := map[string]int{}
			for _, rc := range got.ByReason {
				gotReasons[rc.Reason] = rc.Count
			}
			if got.Count != count || got.RepliedOnTime != onTime || got.RepliedLate != late || len(got.Open) != open ||
				!reflect.DeepEqual(gotReasons, reasons) {
				t.Errorf("Complaints() = %d, %d on time, %d late, %d open, %v; want %d, %d, %d, %d, %v",
					got.Count, got.RepliedOnTime, got.RepliedLate, len(got.Open), gotReasons, count, onTime, late, open, reasons)
			}
			if count == 0 || late == 0 {
				t.Errorf("the week should hold late complaints: %d, %d late", count, late)
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
