package demo_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
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
			c := f.checker()
			overdue := 0
			for _, tk := range f.allTickets(t) {
				for _, p := range c.problems(tk) {
					t.Errorf("%s (%s, %s): %s", tk.Number, tk.Kind, tk.Status, p)
				}
				if tk.Overdue {
					overdue++
				}
			}
			if overdue == 0 || overdue > 8 {
				t.Errorf("%d demo tickets overdue, want a few", overdue)
			}
		})
	}
}

// TestCheckerFindsContradictions: the check finds what the old demo set
// had wrong.
func TestCheckerFindsContradictions(t *testing.T) {
	f := load(t, nows(t)[0])
	c := f.checker()
	created := f.now.AddDate(0, 0, -3)
	open := appliance.Transition{To: appliance.StatusOpen, Operator: "clerk", Time: created}
	step := func(from, to appliance.TicketStatus, who string, d time.Duration) appliance.Transition {
		return appliance.Transition{From: from, To: to, Operator: who, Reason: "x", Time: created.Add(d)}
	}
	tests := []struct {
		name string
		tk   appliance.Ticket
	}{
		{"a delivery waiting to be mailed back", appliance.Ticket{Kind: appliance.KindDelivery, Status: appliance.StatusMailBack,
			History: []appliance.Transition{open, step(appliance.StatusOpen, appliance.StatusMailBack, "clerk", time.Hour)}}},
		{"a consultation at the maker", appliance.Ticket{Kind: appliance.KindConsult, Status: appliance.StatusAtVendor,
			History: []appliance.Transition{open, step(appliance.StatusOpen, appliance.StatusAtVendor, "tech", time.Hour)}}},
		{"a clerk sends to the maker", appliance.Ticket{Kind: appliance.KindRepair, Status: appliance.StatusAtVendor, Technician: "tech",
			History: []appliance.Transition{open, step(appliance.StatusOpen, appliance.StatusInRepair, "clerk", time.Hour),
				step(appliance.StatusInRepair, appliance.StatusAtVendor, "clerk", 2*time.Hour)}}},
		{"a step by nobody on the staff", appliance.Ticket{Kind: appliance.KindConsult, Status: appliance.StatusClosed,
			History: []appliance.Transition{open, step(appliance.StatusOpen, appliance.StatusClosed, "demo", time.Hour)}}},
		{"overdue before its deadline", appliance.Ticket{Kind: appliance.KindRepair, Status: appliance.StatusOpen, Overdue: true, History: []appliance.Transition{open}}},
		{"past due and not flagged", appliance.Ticket{Kind: appliance.KindConsult, Status: appliance.StatusOpen, History: []appliance.Transition{open}}},
		{"a wrong deadline", appliance.Ticket{Kind: appliance.KindComplaint, Status: appliance.StatusOpen, Overdue: true, Due: created.AddDate(0, 0, -7), History: []appliance.Transition{open}}},
		{"a technician on a return", appliance.Ticket{Kind: appliance.KindReturn, Status: appliance.StatusOpen, Technician: "tech", History: []appliance.Transition{open}}},
		{"history ends elsewhere", appliance.Ticket{Kind: appliance.KindStorage, Status: appliance.StatusClosed, History: []appliance.Transition{open}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tk := tt.tk
			tk.Number, tk.Created = "T-TEST", created
			if tk.Due.IsZero() {
				tk.Due = wantDue(&tk, f.rules)
			}
			if ps := c.problems(&tk); len(ps) == 0 {
				t.Errorf("no problem found in %+v", tk)
			}
		})
	}
}

// checker holds what a demo ticket is checked against.
type checker struct {
	roles      map[string]appliance.Role
	rules      tickets.Rules
	start, now time.Time
}

func (f *fixture) checker() checker {
	roles := map[string]appliance.Role{tickets.System().ID: tickets.RoleSystem}
	for _, m := range f.snap.Staff {
		roles[m.ID] = appliance.Role(m.Role)
	}
	return checker{roles: roles, rules: f.rules, start: f.now.AddDate(0, 0, -demo.Days-1), now: f.now}
}

// problems lists what in the ticket contradicts the workflow.
func (c checker) problems(tk *appliance.Ticket) []string {
	out := c.history(tk)
	if want := wantDue(tk, c.rules); !tk.Due.Equal(want) {
		out = append(out, fmt.Sprintf("due %v, want %v", tk.Due, want))
	}
	if want := pastDue(tk, c.now); tk.Overdue != want {
		out = append(out, fmt.Sprintf("overdue = %v, want %v (due %v, history %+v)", tk.Overdue, want, tk.Due, tk.History))
	}
	return append(out, c.technician(tk)...)
}

// history: it starts open at intake, moves only by the table, in time
// order within the month, and ends in the ticket's status.
func (c checker) history(tk *appliance.Ticket) []string {
	h := tk.History
	if len(h) == 0 || h[0].From != "" || h[0].To != appliance.StatusOpen || !h[0].Time.Equal(tk.Created) {
		return []string{fmt.Sprintf("starts %+v, want open at intake %v", h, tk.Created)}
	}
	var out []string
	if tk.Created.Before(c.start) || tk.Created.After(c.now) {
		out = append(out, fmt.Sprintf("created %v, outside the month %v–%v", tk.Created, c.start, c.now))
	}
	for i, s := range h[1:] {
		prev := h[i]
		role, ok := c.roles[s.Operator]
		switch {
		case !ok:
			out = append(out, fmt.Sprintf("step %d by %q, who is not in staff.toml", i+1, s.Operator))
		case s.From != prev.To:
			out = append(out, fmt.Sprintf("step %d leaves %s, but the ticket was %s", i+1, s.From, prev.To))
		case s.Time.Before(prev.Time) || s.Time.After(c.now):
			out = append(out, fmt.Sprintf("step %d at %v, before %v or past now", i+1, s.Time, prev.Time))
		}
		if err := tickets.CheckMove(tk.Kind, s.From, s.To, role, s.Reason); err != nil {
			out = append(out, fmt.Sprintf("step %d %s→%s by %s: %v", i+1, s.From, s.To, role, err))
		}
	}
	if last := h[len(h)-1]; last.To != tk.Status {
		out = append(out, fmt.Sprintf("history ends in %s, status is %s", last.To, tk.Status))
	}
	return out
}

// technician: repairs and visits past intake have a technician of
// staff.toml; other tickets have none.
func (c checker) technician(tk *appliance.Ticket) []string {
	workshop := tk.Kind == appliance.KindRepair || tk.Kind == appliance.KindOnSite
	assigned := false
	for _, s := range tk.History {
		assigned = assigned || s.To == appliance.StatusInRepair
	}
	switch {
	case workshop && assigned && c.roles[tk.Technician] != appliance.RoleTechnician:
		return []string{fmt.Sprintf("in the workshop with technician %q", tk.Technician)}
	case (!workshop || !assigned) && tk.Technician != "":
		return []string{fmt.Sprintf("technician %q but never assigned", tk.Technician)}
	}
	return nil
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

// TestDemoProductsFitTheirCategories: every demo purchase is in a category
// of policy.toml, and its product is one that category holds.
func TestDemoProductsFitTheirCategories(t *testing.T) {
	f := load(t, nows(t)[0])
	words := map[string][]string{"electronics": {"耳机", "手表"}, "home_goods": {"水壶", "炸锅", "洗衣机", "空调"},
		"apparel": {"衬衫"}, "leather": {"钱包"}, "intimate": {"睡衣"}}
	n := 0
	err := f.db.View(func(tx *store.Txn) error {
		for _, tk := range f.allTickets(t) {
			if tk.PurchaseID == "" {
				continue
			}
			p, err := tx.Purchase(tk.PurchaseID)
			if err != nil {
				return err
			}
			n++
			if _, ok := f.snap.Policy.Categories[p.Category]; !ok {
				t.Errorf("%s: purchase %s in category %q, not in policy.toml", tk.Number, p.ID, p.Category)
			}
			if !slices.ContainsFunc(words[p.Category], func(w string) bool { return strings.Contains(p.Name, w) }) {
				t.Errorf("%s: %s is not a product of %s", tk.Number, p.Name, p.Category)
			}
		}
		return nil
	})
	if err != nil || n < 20 {
		t.Fatalf("%d purchases checked: %v", n, err)
	}
}
