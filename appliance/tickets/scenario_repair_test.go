package tickets_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/tickets"
)

// purchase is a receipt registered at intake, bought days before now.
func (d *desk) receipt(category, name string, price int64, daysAgo int, serial string) *tickets.NewPurchase {
	return &tickets.NewPurchase{ProductCode: "690" + serial, Name: name, Category: category, Serial: serial,
		Purchased: d.clock.Now().AddDate(0, 0, -daysAgo).Format("2006-01-02"), PriceFen: price, Receipt: "R-" + serial}
}

var complete = appliance.Condition{Packaging: true, Accessories: true, WarrantyCard: true, Tags: true, Receipt: true}

// A free repair within warranty, sent to the maker and back, ready, told,
// collected with the survey: 第十六–三十二条 end to end.
func TestScenarioFreeRepairViaMaker(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	c := d.customer("王芳", "13800138001")
	d.card(c, "SC-000001", "04A1B2C3", 0)
	tk := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindRepair, CardUID: "04a1b2c3",
		Purchase: d.receipt("electronics", "蓝牙耳机 X3", 39900, 40, "SN-EAR-1"), Fault: "左耳无声音", Defect: "左耳喇叭",
		Problem: policy.ProblemQuality, Condition: complete}))
	wantStatus(t, tk, appliance.StatusOpen)
	if tk.Number != "T20260302-0001" || tk.Card != "SC-000001" || tk.CustomerID != c.ID {
		t.Fatalf("intake = %s card %s customer %s", tk.Number, tk.Card, tk.CustomerID)
	}
	if tk.Outcome != policy.KindFreeRepair || tk.ServiceClass != "C" || tk.ConfigVersion != d.rules.Version || len(tk.Facts) == 0 {
		t.Fatalf("intake outcome %s class %s version %s facts %s", tk.Outcome, tk.ServiceClass, tk.ConfigVersion, tk.Facts)
	}
	if want := d.at(2026, 3, 9, 10, 0); !tk.Due.Equal(want) {
		t.Fatalf("due = %v, want %v (1 week, 第十六条)", tk.Due, want)
	}
	_, err := d.svc.SendToVendor(d.ctx, techie, tk.Number, "厂家", "")
	wantCode(t, err, appliance.ECONFLICT) // not in repair yet
	d.ok(d.svc.Assign(d.ctx, clerk, tk.Number, "tech"))
	d.ok(d.svc.Diagnose(d.ctx, techie, tk.Number, tickets.DiagnoseArgs{Parts: []tickets.PartLine{{Code: "E-BAT-01", Qty: 1}}, Labour: []string{"repair_small"}}))
	tk = d.ok(d.svc.SendToVendor(d.ctx, techie, tk.Number, "耳机厂家售后", "主板故障"))
	wantStatus(t, tk, appliance.StatusAtVendor)
	d.clock.Add(72 * time.Hour)
	d.ok(d.svc.BackFromVendor(d.ctx, clerk, tk.Number, "厂家已修复"))
	tk = d.ok(d.svc.Conclude(d.ctx, techie, tk.Number, tickets.ConcludeArgs{Result: appliance.ResultRepaired, Conclusion: "更换电池，测试正常"}))
	wantStatus(t, tk, appliance.StatusReady)
	if tickets.Owed(tk) != 0 {
		t.Fatalf("free repair owes %d", tickets.Owed(tk))
	}
	calls := mustCalls(t, d, d.clock.Now())
	if len(calls) != 1 || calls[0].Call != tickets.CallPickup || calls[0].Phone != "13800138001" || calls[0].Product != "蓝牙耳机 X3" {
		t.Fatalf("call list = %+v, want the pickup call", calls)
	}
	d.ok(d.svc.CloseCall(d.ctx, clerk, tk.Number, tickets.CallPickup, appliance.OutcomeReached, "明天来取"))
	sv := &appliance.Survey{Attitude: 4, Skill: 4, Timeliness: 3, FollowUp: 4}
	tk = d.ok(d.svc.Pickup(d.ctx, clerk, tk.Number, sv))
	wantStatus(t, tk, appliance.StatusClosed)
	if got := history(tk); got != "open>in_repair>at_vendor>in_repair>ready>closed" {
		t.Fatalf("history = %s", got)
	}
	if tk.Survey == nil || tk.PickedUp.IsZero() || tk.CallKind != "" {
		t.Fatalf("closed ticket: survey %v picked up %v call %q", tk.Survey, tk.PickedUp, tk.CallKind)
	}
	_, err = d.svc.RecordSurvey(d.ctx, clerk, tk.Number, *sv)
	wantCode(t, err, appliance.ECONFLICT) // once only
	evs := d.events()
	if len(evs) != 8 || evs[0] != "ticket.created "+tk.Number || evs[7] != "ticket.updated "+tk.Number {
		t.Fatalf("events = %q", evs)
	}
}

func mustCalls(tb testing.TB, d *desk, now time.Time) []tickets.CallItem {
	tb.Helper()
	calls, err := d.svc.CallList(d.ctx, now)
	if err != nil {
		tb.Fatal(err)
	}
	return calls
}

// A paid repair out of warranty: quote told and accepted before the work
// (第三十条), charged to the card after it (第三十一条), exactly once.
func TestScenarioPaidRepairChargedToCard(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	c := d.customer("李娜", "13800138002")
	d.card(c, "SC-000002", "04A1B2C4", 50000)
	tk := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindRepair, Phone: "138-0013-8002",
		Purchase: d.receipt("electronics", "智能手表 S2", 129900, 400, "SN-W-1"), Fault: "充不进电",
		Problem: policy.ProblemQuality, Condition: complete}))
	if tk.Outcome != policy.KindPaidRepair || tk.ServiceClass != "A" || tk.Card != "SC-000002" {
		t.Fatalf("outcome %s class %s card %s", tk.Outcome, tk.ServiceClass, tk.Card)
	}
	d.ok(d.svc.Assign(d.ctx, boss, tk.Number, "tech"))
	tk = d.ok(d.svc.Diagnose(d.ctx, techie, tk.Number, tickets.DiagnoseArgs{
		Parts: []tickets.PartLine{{Code: "E-BAT-01", Qty: 1}}, Labour: []string{"inspect", "repair_small"}}))
	if got, want := tickets.Owed(tk), int64(8900+2000+3000); got != want {
		t.Fatalf("Owed = %d, want %d", got, want)
	}
	_, err := d.svc.Conclude(d.ctx, techie, tk.Number, tickets.ConcludeArgs{Result: appliance.ResultRepaired, Conclusion: "换电池"})
	wantCode(t, err, appliance.ECONFLICT) // 第三十条: no paid work before the quote
	_, err = d.svc.Charge(d.ctx, clerk, tk.Number, tickets.PayCard, "")
	wantCode(t, err, appliance.ECONFLICT)
	tk = d.ok(d.svc.Quote(d.ctx, clerk, tk.Number))
	d.ok(d.svc.AnswerQuote(d.ctx, clerk, tk.Number, true))
	_, err = d.svc.Charge(d.ctx, clerk, tk.Number, tickets.PayCard, "")
	wantCode(t, err, appliance.ECONFLICT) // 第三十一条: charge after the work
	tk = d.ok(d.svc.Conclude(d.ctx, techie, tk.Number, tickets.ConcludeArgs{Result: appliance.ResultRepaired, Conclusion: "换电池，充电正常"}))
	_, err = d.svc.Pickup(d.ctx, clerk, tk.Number, nil)
	wantCode(t, err, appliance.ECONFLICT) // not paid yet
	tk = d.ok(d.svc.Charge(d.ctx, clerk, tk.Number, tickets.PayCard, ""))
	if tk.Payment != tickets.PayCard || tk.PaidFen != 13900 || tk.PaymentRef == "" {
		t.Fatalf("payment %s %d %s", tk.Payment, tk.PaidFen, tk.PaymentRef)
	}
	if got := d.charger.balance("SC-000002"); got != 50000-13900 {
		t.Fatalf("card balance = %d, want %d", got, 50000-13900)
	}
	_, err = d.svc.Charge(d.ctx, clerk, tk.Number, tickets.PayCard, "")
	wantCode(t, err, appliance.ECONFLICT)
	if got := d.charger.balance("SC-000002"); got != 50000-13900 {
		t.Fatalf("card charged twice: balance %d", got)
	}
	tk = d.ok(d.svc.Pickup(d.ctx, clerk, tk.Number, nil))
	wantStatus(t, tk, appliance.StatusClosed)
}

// A charge whose ticket write fails after the card was charged is retried
// with the same key: the card pays once.
func TestChargeRetryChargesOnce(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	c := d.customer("张伟", "13800138003")
	d.card(c, "SC-000003", "04A1B2C5", 100000)
	tk := paidRepairReady(t, d, c)
	ref, err := d.charger.Charge(d.ctx, clerk, tickets.ChargeKey(tk.Number), "SC-000003", tickets.Owed(tk), tk.Number)
	if err != nil {
		t.Fatal(err)
	}
	tk = d.ok(d.svc.Charge(d.ctx, clerk, tk.Number, tickets.PayCard, ""))
	if tk.PaymentRef != ref || d.charger.balance("SC-000003") != 100000-tickets.Owed(tk) {
		t.Fatalf("ref %s (first %s), balance %d", tk.PaymentRef, ref, d.charger.balance("SC-000003"))
	}
}

// paidRepairReady takes a paid repair through to ready, quote accepted.
func paidRepairReady(t *testing.T, d *desk, c *appliance.Customer) *appliance.Ticket {
	t.Helper()
	tk := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindRepair, Phone: c.Phones[0],
		Purchase: d.receipt("home_goods", "电水壶", 19900, 10, "SN-K-"+c.ID), Fault: "摔坏了", Problem: policy.ProblemCustomerDamage}))
	d.ok(d.svc.Assign(d.ctx, clerk, tk.Number, "tech"))
	d.ok(d.svc.Diagnose(d.ctx, techie, tk.Number, tickets.DiagnoseArgs{Labour: []string{"repair_small"}}))
	d.ok(d.svc.Quote(d.ctx, clerk, tk.Number))
	d.ok(d.svc.AnswerQuote(d.ctx, clerk, tk.Number, true))
	return d.ok(d.svc.Conclude(d.ctx, techie, tk.Number, tickets.ConcludeArgs{Result: appliance.ResultRepaired, Conclusion: "修好"}))
}

// A declined quote returns the item unrepaired, with nothing to pay.
func TestQuoteDeclined(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	c := d.customer("刘洋", "13800138004")
	tk := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindRepair, Phone: c.Phones[0],
		Purchase: d.receipt("home_goods", "电水壶", 19900, 10, "SN-K-9"), Fault: "进水", Problem: policy.ProblemCustomerDamage}))
	d.ok(d.svc.Assign(d.ctx, clerk, tk.Number, "tech"))
	d.ok(d.svc.Diagnose(d.ctx, techie, tk.Number, tickets.DiagnoseArgs{Parts: []tickets.PartLine{{Code: "H-MTR-01", Qty: 1}}}))
	d.ok(d.svc.Quote(d.ctx, clerk, tk.Number))
	tk = d.ok(d.svc.AnswerQuote(d.ctx, clerk, tk.Number, false))
	wantStatus(t, tk, appliance.StatusReady)
	tk = d.ok(d.svc.Pickup(d.ctx, clerk, tk.Number, nil))
	if tk.Result != appliance.ResultDeclined || !tk.Paid.IsZero() {
		t.Fatalf("declined: result %s paid %v", tk.Result, tk.Paid)
	}
}

// An unrepairable shirt within its free-repair period: the decision is
// made again, and a supervisor settles a return less 5% depreciation
// (seed 002 三包, ≤30 days; 第二十九条).
func TestScenarioUnrepairableSettled(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	tk := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindRepair,
		Customer: &tickets.NewCustomer{Name: "陈静", Phone: "13800138005", Address: "杭州市西湖区文三路90号"},
		Purchase: d.receipt("apparel", "男士衬衫 棉 L码", 25900, 20, ""), Fault: "面料破洞", Problem: policy.ProblemQuality, Condition: complete}))
	if tk.Outcome != policy.KindFreeRepair {
		t.Fatalf("outcome %s", tk.Outcome)
	}
	d.ok(d.svc.Assign(d.ctx, clerk, tk.Number, "tech"))
	tk = d.ok(d.svc.Conclude(d.ctx, techie, tk.Number, tickets.ConcludeArgs{Result: appliance.ResultUnrepairable, Conclusion: "面料无法修补"}))
	wantStatus(t, tk, appliance.StatusApproval)
	dec, ok := tickets.Decision(tk)
	if !ok || !slices.Contains(dec.Kinds(), policy.KindReturn) {
		t.Fatalf("decision after unrepairable = %v", dec.Kinds())
	}
	_, err := d.svc.Settle(d.ctx, techie, tk.Number, tickets.SettleArgs{Outcome: policy.KindReturn, Note: "退货"})
	wantCode(t, err, appliance.EUNAUTHORIZED)
	_, err = d.svc.Approve(d.ctx, boss, tk.Number, "")
	wantCode(t, err, appliance.ECONFLICT)
	_, err = d.svc.Settle(d.ctx, boss, tk.Number, tickets.SettleArgs{Outcome: policy.KindPaidRepair, Note: "x"})
	wantCode(t, err, appliance.EINVALID)
	tk = d.ok(d.svc.Settle(d.ctx, boss, tk.Number, tickets.SettleArgs{Outcome: policy.KindReturn, Note: "顾客同意折旧退货"}))
	wantStatus(t, tk, appliance.StatusClosed)
	st := tk.Settlement
	if st == nil || st.DepreciationFen != 1295 || st.RefundFen != 25900-1295 || st.Operator != "boss1" {
		t.Fatalf("settlement = %+v, want depreciation 12.95 and refund 246.05", st)
	}
}

// The same defect repaired three times within warranty: the fourth claim
// is an exchange for a new one (seed 003).
func TestScenarioThreeRepairsThenExchange(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	c := d.customer("杨磊", "13800138006")
	first := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindRepair, Phone: c.Phones[0],
		Purchase: d.receipt("electronics", "蓝牙耳机 X3", 39900, 60, "SN-EAR-3"), Fault: "断连", Defect: "蓝牙模块",
		Problem: policy.ProblemQuality, Condition: complete}))
	for i := 0; ; i++ {
		tk := first
		if i > 0 {
			d.clock.Add(10 * 24 * time.Hour)
			tk = d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindRepair, Phone: c.Phones[0],
				PurchaseID: first.PurchaseID, Fault: "又断连", Defect: " 蓝牙 模块", Problem: policy.ProblemQuality, Condition: complete}))
		}
		if i == 3 {
			if tk.Outcome != policy.KindExchange {
				t.Fatalf("fourth claim outcome = %s, want exchange", tk.Outcome)
			}
			d.ok(d.svc.Assign(d.ctx, clerk, tk.Number, "tech"))
			tk = d.ok(d.svc.Conclude(d.ctx, techie, tk.Number, tickets.ConcludeArgs{Result: appliance.ResultExchanged, Conclusion: "三次维修仍故障，换新"}))
			wantStatus(t, tk, appliance.StatusReady)
			d.ok(d.svc.Pickup(d.ctx, clerk, tk.Number, nil))
			return
		}
		if tk.Outcome != policy.KindFreeRepair {
			t.Fatalf("claim %d outcome = %s, want free_repair", i+1, tk.Outcome)
		}
		d.ok(d.svc.Assign(d.ctx, clerk, tk.Number, "tech"))
		_, err := d.svc.Conclude(d.ctx, techie, tk.Number, tickets.ConcludeArgs{Result: appliance.ResultExchanged, Conclusion: "x"})
		wantCode(t, err, appliance.EUNAUTHORIZED)
		d.ok(d.svc.Conclude(d.ctx, techie, tk.Number, tickets.ConcludeArgs{Result: appliance.ResultRepaired, Conclusion: "重焊"}))
		d.ok(d.svc.Pickup(d.ctx, clerk, tk.Number, nil))
	}
}

// An illegal move names what is allowed; a clerk cannot approve.
func TestIllegalMovesNameAllowed(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	c := d.customer("赵敏", "13800138007")
	tk := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindConsult, Phone: c.Phones[0], Fault: "保修期多久"}))
	_, err := d.svc.Move(d.ctx, clerk, tk.Number, appliance.StatusReady, "")
	wantCode(t, err, appliance.ECONFLICT)
	if msg := appliance.ErrorMessage(err); !strings.Contains(msg, "approval, closed, cancelled") {
		t.Fatalf("message %q does not name the allowed moves", msg)
	}
	_, err = d.svc.Move(d.ctx, clerk, tk.Number, appliance.StatusCancelled, "")
	wantCode(t, err, appliance.EINVALID) // reason required
	_, err = d.svc.Move(d.ctx, appliance.Actor{ID: "kiosk", Role: appliance.RoleCustomer}, tk.Number, appliance.StatusClosed, "")
	wantCode(t, err, appliance.EUNAUTHORIZED)
	tk = d.ok(d.svc.Move(d.ctx, clerk, tk.Number, appliance.StatusClosed, ""))
	wantStatus(t, tk, appliance.StatusClosed)
}
