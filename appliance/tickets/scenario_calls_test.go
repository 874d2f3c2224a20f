package tickets_test

import (
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
	"shouhou/appliance/tickets"
)

// callsOf returns the call kinds on the list at now, by ticket number.
func callsOf(t *testing.T, d *desk, now time.Time) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, c := range mustCalls(t, d, now) {
		out[c.Number] = c.Call
	}
	return out
}

func (d *desk) tick(now time.Time) tickets.TickReport {
	d.t.Helper()
	d.clock.Set(now)
	rep, err := d.svc.Tick(d.ctx, now)
	if err != nil {
		d.t.Fatal(err)
	}
	return rep
}

// A repair that will be late goes on the call list one working day before
// its due date (第二十六条); an unanswered call comes back the next working
// morning; once told, it leaves the list; past the date it is overdue.
func TestScenarioLateRepairWarning(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t))) // Monday
	c := d.customer("黄强", "13800138008")
	tk := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindRepair, Phone: c.Phones[0],
		Purchase: d.receipt("home_goods", "空气炸锅 4L", 49900, 100, "SN-AF-1"), Fault: "涂层脱落", Problem: policy.ProblemQuality, Condition: complete}))
	d.ok(d.svc.Assign(d.ctx, clerk, tk.Number, "tech"))
	d.ok(d.svc.SendToVendor(d.ctx, techie, tk.Number, "厂家", "等配件"))
	if got := callsOf(t, d, d.at(2026, 3, 5, 18, 0)); len(got) != 0 {
		t.Fatalf("Thursday's list = %v, want empty", got)
	}
	friday := d.at(2026, 3, 6, 10, 0)
	if got := callsOf(t, d, friday); got[tk.Number] != tickets.CallLateRepair {
		t.Fatalf("Friday's list = %v, want the late-repair warning", got)
	}
	d.clock.Set(friday.Add(time.Hour))
	tk = d.ok(d.svc.CloseCall(d.ctx, clerk, tk.Number, tickets.CallLateRepair, appliance.OutcomeNoAnswer, ""))
	if want := d.at(2026, 3, 9, 9, 0); !tk.CallDue.Equal(want) {
		t.Fatalf("after no answer the call is due %v, want next working morning %v", tk.CallDue, want)
	}
	if got := callsOf(t, d, friday.Add(2*time.Hour)); len(got) != 0 {
		t.Fatalf("list after no answer = %v, want empty until Monday", got)
	}
	if rep := d.tick(d.at(2026, 3, 9, 9, 59)); len(rep.Overdue) != 0 {
		t.Fatalf("overdue before the due time: %v", rep.Overdue)
	}
	tk = d.ok(d.svc.CloseCall(d.ctx, clerk, tk.Number, tickets.CallLateRepair, appliance.OutcomeMessageLeft, "延期至周三"))
	if !tk.LateWarned || tk.CallKind != "" {
		t.Fatalf("after the message: warned %v, call %q", tk.LateWarned, tk.CallKind)
	}
	if rep := d.tick(d.at(2026, 3, 9, 10, 1)); len(rep.Overdue) != 1 || rep.Overdue[0] != tk.Number {
		t.Fatalf("tick = %+v, want %s overdue", rep, tk.Number)
	}
	if rep := d.tick(d.at(2026, 3, 9, 10, 2)); len(rep.Overdue) != 0 {
		t.Fatalf("second tick = %+v, want nothing", rep)
	}
	tk, _ = d.svc.Get(d.ctx, tk.Number)
	if !tk.Overdue {
		t.Fatal("ticket not marked overdue")
	}
}

// Ready for pickup: told at once, again every 3 days, and after three
// notices without pickup the item goes to mail-back (第二十七、二十八条).
func TestScenarioThreeNoticesThenMailBack(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	c := d.customer("周杰", "13800138009")
	tk := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindRepair, Phone: c.Phones[0],
		Purchase: d.receipt("leather", "真皮钱包", 45900, 50, ""), Fault: "拉链坏", Problem: policy.ProblemQuality, Condition: complete}))
	d.ok(d.svc.Assign(d.ctx, clerk, tk.Number, "tech"))
	d.ok(d.svc.Conclude(d.ctx, techie, tk.Number, tickets.ConcludeArgs{Result: appliance.ResultRepaired, Conclusion: "换拉链"}))
	steps := []struct {
		at      time.Time
		outcome string
		wantDue time.Time
		kind    string
	}{
		{d.at(2026, 3, 2, 11, 0), appliance.OutcomeReached, d.at(2026, 3, 5, 11, 0), tickets.CallPickup},
		{d.at(2026, 3, 5, 11, 0), appliance.OutcomeNoAnswer, d.at(2026, 3, 6, 9, 0), tickets.CallPickup},
		{d.at(2026, 3, 6, 9, 30), appliance.OutcomeMessageLeft, d.at(2026, 3, 9, 9, 30), tickets.CallPickup},
		{d.at(2026, 3, 9, 16, 0), appliance.OutcomeReached, d.at(2026, 3, 12, 16, 0), "mail_back"},
	}
	for i, s := range steps {
		if got := callsOf(t, d, s.at); got[tk.Number] != tickets.CallPickup {
			t.Fatalf("step %d: list at %v = %v, want the pickup call", i+1, s.at, got)
		}
		d.clock.Set(s.at)
		tk = d.ok(d.svc.CloseCall(d.ctx, clerk, tk.Number, tickets.CallPickup, s.outcome, ""))
		if tk.CallKind != s.kind || !tk.CallDue.Equal(s.wantDue) {
			t.Fatalf("step %d: next call %s at %v, want %s at %v", i+1, tk.CallKind, tk.CallDue, s.kind, s.wantDue)
		}
	}
	if got := callsOf(t, d, d.at(2026, 3, 12, 18, 0)); len(got) != 0 {
		t.Fatalf("list after three notices = %v, want no more calls", got)
	}
	_, err := d.svc.CloseCall(d.ctx, clerk, tk.Number, tickets.CallPickup, appliance.OutcomeReached, "")
	wantCode(t, err, appliance.ECONFLICT)
	if rep := d.tick(d.at(2026, 3, 12, 15, 59)); len(rep.MailBack) != 0 {
		t.Fatalf("mail back too early: %+v", rep)
	}
	if rep := d.tick(d.at(2026, 3, 12, 16, 0)); len(rep.MailBack) != 1 {
		t.Fatalf("tick = %+v, want mail back", rep)
	}
	tk, _ = d.svc.Get(d.ctx, tk.Number)
	wantStatus(t, tk, appliance.StatusMailBack)
	if last := tk.History[len(tk.History)-1]; last.Operator != "system" || last.Reason == "" {
		t.Fatalf("mail-back transition = %+v", last)
	}
	tk = d.ok(d.svc.Move(d.ctx, clerk, tk.Number, appliance.StatusClosed, "顺丰 SF1234567890"))
	wantStatus(t, tk, appliance.StatusClosed)
	d.ok(d.svc.RecordSurvey(d.ctx, appliance.Actor{ID: c.ID, Role: appliance.RoleCustomer}, tk.Number,
		appliance.Survey{Attitude: 3, Skill: 3, Timeliness: 2, FollowUp: 3}))
}

// Out of stock: called back within a week whatever happens (第三十五条),
// confirmed before the transfer (第三十四条), told at once on arrival
// (第三十六条).
func TestScenarioOutOfStockCallback(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	c := d.customer("吴婷", "13800138010")
	tk := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindOutOfStock, Phone: c.Phones[0], Fault: "同款白色 M码"}))
	if !tk.Due.IsZero() || tk.CallKind != tickets.CallStockCallback || !tk.CallDue.Equal(d.at(2026, 3, 9, 10, 0)) {
		t.Fatalf("registration: due %v call %s at %v", tk.Due, tk.CallKind, tk.CallDue)
	}
	if got := callsOf(t, d, d.at(2026, 3, 8, 20, 0)); len(got) != 0 {
		t.Fatalf("list on day 6 = %v", got)
	}
	if got := callsOf(t, d, d.at(2026, 3, 9, 8, 0)); got[tk.Number] != tickets.CallStockCallback {
		t.Fatalf("list on day 7 = %v, want the callback", got)
	}
	d.clock.Set(d.at(2026, 3, 9, 10, 30))
	tk = d.ok(d.svc.CloseCall(d.ctx, clerk, tk.Number, tickets.CallStockCallback, appliance.OutcomeReached, "仍在调货"))
	if !tk.CallDue.Equal(d.at(2026, 3, 16, 10, 30)) {
		t.Fatalf("next callback %v, want a week later", tk.CallDue)
	}
	d.ok(d.svc.ConfirmStock(d.ctx, clerk, tk.Number, "顾客确认要货"))
	d.clock.Add(48 * time.Hour)
	tk = d.ok(d.svc.StockArrived(d.ctx, clerk, tk.Number, "到货"))
	wantStatus(t, tk, appliance.StatusReady)
	if got := callsOf(t, d, d.clock.Now()); got[tk.Number] != tickets.CallPickup {
		t.Fatalf("list on arrival = %v, want the pickup call", got)
	}
	tk = d.ok(d.svc.Pickup(d.ctx, clerk, tk.Number, nil))
	wantStatus(t, tk, appliance.StatusClosed)
}

// A complaint received on Friday 2026-02-13 is answered within 2 working
// days: Saturday 02-14 is a make-up workday (1), 02-15..23 is the Spring
// Festival holiday, Tuesday 02-24 is the second: due 02-24 15:00.
func TestScenarioComplaintAcrossHolidayAndMakeUpDay(t *testing.T) {
	d := newDesk(t, time.Date(2026, 2, 13, 15, 0, 0, 0, shanghai(t)))
	c := d.customer("徐明", "13800138011")
	tk := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindComplaint, Phone: c.Phones[0], Fault: "送货延迟三天，态度差", ComplaintReason: "delivery"}))
	if want := d.at(2026, 2, 24, 15, 0); !tk.Due.Equal(want) {
		t.Fatalf("reply due %v, want %v", tk.Due, want)
	}
	if got := callsOf(t, d, d.clock.Now()); got[tk.Number] != tickets.CallComplaintReply {
		t.Fatalf("list = %v, want the complaint reply", got)
	}
	tk = d.ok(d.svc.CloseCall(d.ctx, clerk, tk.Number, tickets.CallComplaintReply, appliance.OutcomeMessageLeft, ""))
	if want := d.at(2026, 2, 14, 9, 0); tk.CallKind != tickets.CallComplaintReply || !tk.CallDue.Equal(want) {
		t.Fatalf("after a message the reply is due %s %v, want %v (make-up workday)", tk.CallKind, tk.CallDue, want)
	}
	if rep := d.tick(d.at(2026, 2, 24, 14, 59)); len(rep.Overdue) != 0 {
		t.Fatalf("overdue early: %+v", rep)
	}
	if rep := d.tick(d.at(2026, 2, 24, 15, 0)); len(rep.Overdue) != 1 {
		t.Fatalf("tick = %+v, want the complaint overdue", rep)
	}
	tk = d.ok(d.svc.CloseCall(d.ctx, clerk, tk.Number, tickets.CallComplaintReply, appliance.OutcomeReached, "已致歉并补偿运费"))
	if tk.Replied.IsZero() || tk.CallKind != "" {
		t.Fatalf("replied %v call %q", tk.Replied, tk.CallKind)
	}
	_, err := d.svc.Move(d.ctx, clerk, tk.Number, appliance.StatusClosed, "")
	wantCode(t, err, appliance.EINVALID)
	tk = d.ok(d.svc.Move(d.ctx, clerk, tk.Number, appliance.StatusClosed, "已答复，顾客接受"))
	wantStatus(t, tk, appliance.StatusClosed)
}

// A maintenance contract gets its expiry call one month before it ends.
func TestScenarioMaintenanceContractExpiry(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	c := d.customer("孙丽", "13800138012")
	tk := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindMaintenance, Phone: c.Phones[0], ContractEnd: "2026-06-30", Fault: "空调年度保养"}))
	if tk.ServiceClass != "B" || !tk.CallDue.Equal(d.at(2026, 5, 30, 0, 0)) {
		t.Fatalf("contract: class %s call due %v", tk.ServiceClass, tk.CallDue)
	}
	if got := callsOf(t, d, d.at(2026, 5, 29, 12, 0)); len(got) != 0 {
		t.Fatalf("list before the month = %v", got)
	}
	d.clock.Set(d.at(2026, 5, 30, 10, 0))
	if got := callsOf(t, d, d.clock.Now()); got[tk.Number] != tickets.CallContractExpiry {
		t.Fatalf("list = %v, want the expiry notice", got)
	}
	tk = d.ok(d.svc.CloseCall(d.ctx, clerk, tk.Number, tickets.CallContractExpiry, appliance.OutcomeReached, "考虑续约"))
	if !tk.ExpiryNoticed || tk.CallKind != "" {
		t.Fatalf("noticed %v call %q", tk.ExpiryNoticed, tk.CallKind)
	}
	d.ok(d.svc.Move(d.ctx, clerk, tk.Number, appliance.StatusClosed, "已续约"))
}

// One Tick marks every overdue ticket, however many batches it takes, and
// publishes one event per ticket.
func TestTickMarksEveryOverdueTicket(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	c := d.customer("高雪", "13800138021")
	const n = 450
	err := d.db.Update(func(tx *store.Txn) error {
		for i := range n {
			number, err := tx.NextTicketNumber(d.clock.Now())
			if err != nil {
				return err
			}
			tk := &appliance.Ticket{Number: number, Kind: appliance.KindConsult, Status: appliance.StatusOpen, CustomerID: c.ID,
				Due: d.clock.Now().Add(time.Duration(i) * time.Minute), Created: d.clock.Now()}
			if err := tx.PutTicket(tk); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	d.events()
	if rep := d.tick(d.clock.Now().Add(100 * time.Minute)); len(rep.Overdue) != 101 {
		t.Fatalf("first tick marked %d, want 101", len(rep.Overdue))
	}
	if rep := d.tick(d.clock.Now().Add(24 * time.Hour)); len(rep.Overdue) != n-101 {
		t.Fatalf("second tick marked %d, want %d", len(rep.Overdue), n-101)
	}
	if evs := d.events(); len(evs) != n {
		t.Fatalf("%d events, want %d", len(evs), n)
	}
}
