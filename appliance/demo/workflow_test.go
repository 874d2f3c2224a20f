package demo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/demo"
	"shouhou/appliance/store"
	"shouhou/appliance/tickets"
)

func fmtPhone(i int) string { return fmt.Sprintf("1380013%04d", i) }
func fmtCard(i int) string  { return fmt.Sprintf("SC-%06d", i) }
func fmtUID(i int) string   { return fmt.Sprintf("04DE30%02X", i) }

// TestDemoTicketsFollowTheWorkflow checks every demo ticket, at several
// load times, against the transition table (each step an allowed move for
// its kind and its operator's role), its deadline as sla.toml and
// calendar.toml give it, and its overdue flag: set exactly when the
// deadline passed while the work was not done.
func TestDemoTicketsFollowTheWorkflow(t *testing.T) {
	for _, now := range nows(t) {
		t.Run(now.Format("2006-01-02T15:04"), func(t *testing.T) {
			f := load(t, now)
			roles := map[string]appliance.Role{tickets.System().ID: tickets.RoleSystem}
			for _, m := range f.snap.Staff {
				roles[m.ID] = appliance.Role(m.Role)
			}
			start := f.now.AddDate(0, 0, -demo.Days-1)
			overdue := 0
			for _, tk := range f.allTickets(t) {
				checkHistory(t, tk, roles, start, f.now)
				if want := wantDue(tk, f.rules); !tk.Due.Equal(want) {
					t.Errorf("%s (%s) due %v, want %v", tk.Number, tk.Kind, tk.Due, want)
				}
				if want := pastDue(tk, f.now); tk.Overdue != want {
					t.Errorf("%s (%s, %s) overdue = %v, want %v (due %v, history %+v)", tk.Number, tk.Kind, tk.Status, tk.Overdue, want, tk.Due, tk.History)
				}
				if tk.Overdue {
					overdue++
				}
				checkTechnician(t, tk, roles)
			}
			if overdue == 0 || overdue > 8 {
				t.Errorf("%d demo tickets overdue, want a few", overdue)
			}
		})
	}
}

// checkHistory fails unless the ticket's history starts open at intake,
// moves only by the table, in time order within the month, and ends in
// the ticket's status.
func checkHistory(t *testing.T, tk *appliance.Ticket, roles map[string]appliance.Role, start, now time.Time) {
	t.Helper()
	h := tk.History
	if len(h) == 0 || h[0].From != "" || h[0].To != appliance.StatusOpen || !h[0].Time.Equal(tk.Created) {
		t.Errorf("%s starts %+v, want open at intake %v", tk.Number, h, tk.Created)
		return
	}
	if tk.Created.Before(start) || tk.Created.After(now) {
		t.Errorf("%s created %v, outside the month %v–%v", tk.Number, tk.Created, start, now)
	}
	for i, s := range h[1:] {
		prev := h[i]
		role, ok := roles[s.Operator]
		switch {
		case !ok:
			t.Errorf("%s step %d by %q, who is not in staff.toml", tk.Number, i+1, s.Operator)
		case s.From != prev.To:
			t.Errorf("%s step %d leaves %s, but the ticket was %s", tk.Number, i+1, s.From, prev.To)
		case s.Time.Before(prev.Time) || s.Time.After(now):
			t.Errorf("%s step %d at %v, after %v or past now", tk.Number, i+1, s.Time, prev.Time)
		}
		if err := tickets.CheckMove(tk.Kind, s.From, s.To, role, s.Reason); err != nil {
			t.Errorf("%s step %d %s→%s by %s: %v", tk.Number, i+1, s.From, s.To, role, err)
		}
	}
	if last := h[len(h)-1]; last.To != tk.Status {
		t.Errorf("%s history ends in %s, status is %s", tk.Number, last.To, tk.Status)
	}
}

// checkTechnician: repairs and visits past intake have a technician of
// staff.toml; other kinds have none.
func checkTechnician(t *testing.T, tk *appliance.Ticket, roles map[string]appliance.Role) {
	t.Helper()
	workshop := tk.Kind == appliance.KindRepair || tk.Kind == appliance.KindOnSite
	assigned := false
	for _, s := range tk.History {
		assigned = assigned || s.To == appliance.StatusInRepair
	}
	switch {
	case workshop && assigned && roles[tk.Technician] != appliance.RoleTechnician:
		t.Errorf("%s (%s) in the workshop with technician %q", tk.Number, tk.Kind, tk.Technician)
	case (!workshop || !assigned) && tk.Technician != "":
		t.Errorf("%s (%s, %s) has technician %q but was never assigned", tk.Number, tk.Kind, tk.Status, tk.Technician)
	}
}

// wantDue is the deadline of sla.toml, computed here on its own from the
// ticket's kind and intake time (docs/tickets.md "Deadlines").
func wantDue(tk *appliance.Ticket, r tickets.Rules) time.Time {
	c, sla := r.Calendar, r.SLA
	switch tk.Kind {
	case appliance.KindRepair:
		return tk.Created.AddDate(0, 0, sla.RepairCompletionDays)
	case appliance.KindOnSite:
		return tk.Created.Add(sla.OnsiteSolve)
	case appliance.KindComplaint:
		return c.AddWorkingDays(tk.Created, sla.ComplaintReplyWorkingDays)
	case appliance.KindReturn:
		return c.AddWorkingDays(tk.Created, sla.ReturnProcessingWorkingDays)
	case appliance.KindExchange:
		return c.AddWorkingDays(tk.Created, sla.QualityCaseWorkingDays)
	case appliance.KindConsult, appliance.KindDelivery:
		return tk.Created.Add(sla.FirstResponse)
	case appliance.KindMaintenance:
		return tk.ContractEnd
	}
	return time.Time{}
}

// pastDue reports whether the ticket's deadline came while its work was
// not done: before it first became ready, mail-back, closed or cancelled,
// or before now.
func pastDue(tk *appliance.Ticket, now time.Time) bool {
	if tk.Due.IsZero() {
		return false
	}
	end := now
	for _, s := range tk.History {
		switch s.To {
		case appliance.StatusReady, appliance.StatusMailBack, appliance.StatusClosed, appliance.StatusCancelled:
			if s.Time.Before(end) {
				end = s.Time
			}
		}
	}
	return !tk.Due.After(end)
}

// TestDemoPeopleAreNotStaff: no demo customer bears a staff member's name.
func TestDemoPeopleAreNotStaff(t *testing.T) {
	f := load(t, nows(t)[0])
	staff := map[string]bool{}
	for _, m := range f.snap.Staff {
		staff[m.Name] = true
	}
	n := 0
	err := f.db.View(func(tx *store.Txn) error {
		for _, tk := range f.allTickets(t) {
			c, err := tx.Customer(tk.CustomerID)
			if err != nil {
				return err
			}
			n++
			if staff[c.Name] {
				t.Errorf("ticket %s's customer %s is named %s, as a member of staff", tk.Number, c.ID, c.Name)
			}
		}
		for i := 1; i <= 20; i++ {
			c, err := tx.CustomerByPhone(fmtPhone(i))
			if err != nil {
				return err
			}
			if staff[c.Name] {
				t.Errorf("customer %s is named %s, as a member of staff", c.ID, c.Name)
			}
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("%d customers checked: %v", n, err)
	}
}

// TestDemoCallListToday: the month leaves calls due today, and none for a
// ticket that is done.
func TestDemoCallListToday(t *testing.T) {
	f := load(t, nows(t)[0])
	svc := tickets.New(f.db, tickets.Options{Rules: func() tickets.Rules { return f.rules }, Now: func() time.Time { return f.now }})
	calls, err := svc.CallList(context.Background(), f.now)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, c := range calls {
		kinds[c.Call]++
		if c.Status == appliance.StatusClosed || c.Status == appliance.StatusCancelled {
			t.Errorf("call %s for %s, which is %s", c.Call, c.Number, c.Status)
		}
	}
	if len(calls) < 3 || kinds[tickets.CallPickup] == 0 || kinds[tickets.CallComplaintReply] == 0 {
		t.Errorf("today's call list %v, want pickups and complaint replies among several calls", kinds)
	}
}
