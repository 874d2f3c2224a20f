package tickets_test

import (
	"strings"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
	"shouhou/appliance/tickets"
)

// A request outside the decision goes to a supervisor at once with the
// reason (第二十条); a clerk cannot approve; the supervisor approves one
// and rejects another.
func TestScenarioEscalation(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	c := d.customer("马超", "13800138013")
	tk := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindReturn, Phone: c.Phones[0],
		Purchase: d.receipt("apparel", "女士外套", 59900, 40, ""), Fault: "不喜欢颜色", Problem: policy.ProblemNotQuality, Condition: complete}))
	wantStatus(t, tk, appliance.StatusApproval)
	if !strings.Contains(tk.ApprovalReason, "outside the decision") {
		t.Fatalf("approval reason %q", tk.ApprovalReason)
	}
	_, err := d.svc.Approve(d.ctx, clerk, tk.Number, "")
	wantCode(t, err, appliance.EUNAUTHORIZED)
	if msg := appliance.ErrorMessage(err); !strings.Contains(msg, "allowed: （无 / none）") {
		t.Fatalf("message %q", msg)
	}
	tk = d.ok(d.svc.Approve(d.ctx, boss, tk.Number, "老顾客，特批"))
	wantStatus(t, tk, appliance.StatusOpen)
	tk = d.ok(d.svc.Move(d.ctx, clerk, tk.Number, appliance.StatusClosed, ""))
	if got := history(tk); got != "open>approval>open>closed" {
		t.Fatalf("history %s", got)
	}

	// A refund above 1000 yuan needs a supervisor; rejected, with a reason.
	big := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindReturn, Phone: c.Phones[0],
		Purchase: d.receipt("electronics", "笔记本电脑", 599900, 3, "SN-NB-1"), Fault: "屏幕坏点", Problem: policy.ProblemQuality, Condition: complete}))
	wantStatus(t, big, appliance.StatusApproval)
	_, err = d.svc.Reject(d.ctx, boss, big.Number, "")
	wantCode(t, err, appliance.EINVALID)
	big = d.ok(d.svc.Reject(d.ctx, boss, big.Number, "坏点数在标准内，建议换货"))
	wantStatus(t, big, appliance.StatusCancelled)

	// A customer who insists goes to a supervisor even within the decision.
	ins := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindExchange, Phone: c.Phones[0],
		Purchase: d.receipt("home_goods", "电水壶", 19900, 3, "SN-K-2"), Fault: "漏水", Problem: policy.ProblemQuality,
		Condition: complete, Insist: "要求换更高型号"}))
	wantStatus(t, ins, appliance.StatusApproval)
	if ins.Outcome != policy.KindExchange || !strings.Contains(ins.ApprovalReason, "insists") {
		t.Fatalf("insist: outcome %s reason %q", ins.Outcome, ins.ApprovalReason)
	}
}

// The simple kinds, each from intake to closed, with their deadlines.
func TestScenarioOtherKinds(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t))) // Monday
	c := d.customer("朱琳", "13800138014")
	d.card(c, "SC-000014", "04A1B2D0", 0)
	cases := []struct {
		kind    appliance.TicketKind
		args    tickets.IntakeArgs
		due     time.Time
		reason  string
		history string
	}{
		{appliance.KindReturn, tickets.IntakeArgs{Purchase: d.receipt("electronics", "耳机", 39900, 5, "SN-R-1"), Problem: policy.ProblemQuality, Condition: complete, Fault: "右耳无声"},
			d.at(2026, 3, 9, 10, 0), "", "open>closed"},
		{appliance.KindExchange, tickets.IntakeArgs{Purchase: d.receipt("apparel", "衬衫", 25900, 20, ""), Problem: policy.ProblemQuality, Condition: complete, Fault: "洗后开线"},
			d.at(2026, 3, 5, 10, 0), "", "open>closed"},
		{appliance.KindConsult, tickets.IntakeArgs{Fault: "保修期多久"}, d.at(2026, 3, 3, 10, 0), "", "open>closed"},
		{appliance.KindStorage, tickets.IntakeArgs{Fault: "暂存两天"}, time.Time{}, "", "open>closed"},
		{appliance.KindDelivery, tickets.IntakeArgs{Fault: "周六送货上门"}, d.at(2026, 3, 3, 10, 0), "", "open>closed"},
	}
	for _, tc := range cases {
		t.Run(string(tc.kind), func(t *testing.T) {
			a := tc.args
			a.Kind, a.Card = tc.kind, "sc-000014"
			tk := d.ok(d.svc.Intake(d.ctx, clerk, a))
			wantStatus(t, tk, appliance.StatusOpen)
			if !tk.Due.Equal(tc.due) {
				t.Fatalf("due %v, want %v", tk.Due, tc.due)
			}
			tk = d.ok(d.svc.Move(d.ctx, clerk, tk.Number, appliance.StatusClosed, tc.reason))
			if got := history(tk); got != tc.history {
				t.Fatalf("history %s, want %s", got, tc.history)
			}
		})
	}
}

// On site: the zone's call-out fee is quoted, the job concluded, charged
// in cash and closed on site.
func TestScenarioOnSite(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	c := d.customer("胡军", "13800138015")
	_, err := d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindOnSite, Phone: c.Phones[0], Zone: "mars"})
	wantCode(t, err, appliance.EINVALID)
	tk := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindOnSite, Phone: c.Phones[0], Zone: "zone2",
		Purchase: d.receipt("home_goods", "洗衣机", 299900, 30, "SN-WM-1"), Fault: "安装", Problem: policy.ProblemQuality, Condition: complete}))
	if tk.Due != d.at(2026, 3, 5, 10, 0) || tickets.Owed(tk) != 3000 {
		t.Fatalf("on site: due %v owed %d", tk.Due, tickets.Owed(tk))
	}
	d.ok(d.svc.Assign(d.ctx, clerk, tk.Number, "tech"))
	d.ok(d.svc.Quote(d.ctx, clerk, tk.Number))
	d.ok(d.svc.AnswerQuote(d.ctx, clerk, tk.Number, true))
	tk = d.ok(d.svc.Conclude(d.ctx, techie, tk.Number, tickets.ConcludeArgs{Result: appliance.ResultRepaired, Conclusion: "已安装调试"}))
	wantStatus(t, tk, appliance.StatusInRepair)
	_, err = d.svc.Move(d.ctx, techie, tk.Number, appliance.StatusClosed, "")
	wantCode(t, err, appliance.ECONFLICT) // not charged
	_, err = d.svc.Charge(d.ctx, techie, tk.Number, tickets.PayCash, "")
	wantCode(t, err, appliance.EUNAUTHORIZED)
	tk = d.ok(d.svc.Charge(d.ctx, clerk, tk.Number, tickets.PayCash, ""))
	tk = d.ok(d.svc.Move(d.ctx, techie, tk.Number, appliance.StatusClosed, ""))
	if tk.PaidFen != 3000 || tk.Payment != tickets.PayCash {
		t.Fatalf("paid %d by %s", tk.PaidFen, tk.Payment)
	}
}

// Intake finds the customer by card number, chip UID or phone, records a
// new one with the receipt, and refuses what it must.
func TestIntakeCustomerAndPurchase(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	c := d.customer("郭燕", "13800138016")
	d.card(c, "SC-000016", "04A1B2D1", 0)
	lost := d.customer("何平", "13800138017")
	d.card(lost, "SC-000017", "04A1B2D2", 0)
	err := d.db.Update(func(tx *store.Txn) error {
		card, err := tx.Card("SC-000017")
		if err != nil {
			return err
		}
		card.Status = appliance.CardLost
		return tx.PutCard(card)
	})
	if err != nil {
		t.Fatal(err)
	}
	receipt := d.receipt("electronics", "耳机", 39900, 5, "SN-I-1")
	tests := []struct {
		name     string
		args     tickets.IntakeArgs
		code     string
		customer string
	}{
		{"card number", tickets.IntakeArgs{Card: "SC-000016"}, "", c.ID},
		{"chip uid", tickets.IntakeArgs{CardUID: "04a1b2d1"}, "", c.ID},
		{"phone", tickets.IntakeArgs{Phone: "138 0013 8016"}, "", c.ID},
		{"lost card", tickets.IntakeArgs{Card: "SC-000017"}, appliance.ECONFLICT, ""},
		{"unknown phone", tickets.IntakeArgs{Phone: "13900000000"}, appliance.ENOTFOUND, ""},
		{"nobody", tickets.IntakeArgs{}, appliance.EINVALID, ""},
		{"new customer, phone taken", tickets.IntakeArgs{Customer: &tickets.NewCustomer{Name: "冒名", Phone: "13800138016"}}, appliance.ECONFLICT, ""},
		{"new customer", tickets.IntakeArgs{Customer: &tickets.NewCustomer{Name: "高雪", Phone: "13800138018"}}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := tc.args
			a.Kind, a.Purchase, a.Fault, a.Problem, a.Condition = appliance.KindRepair, receipt, "无声", policy.ProblemQuality, complete
			tk, err := d.svc.Intake(d.ctx, clerk, a)
			if tc.code != "" {
				wantCode(t, err, tc.code)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tc.customer != "" && tk.CustomerID != tc.customer {
				t.Fatalf("customer %s, want %s", tk.CustomerID, tc.customer)
			}
			if tc.customer != "" && tk.Card != "SC-000016" {
				t.Fatalf("card %q, want SC-000016", tk.Card)
			}
		})
	}
	bad := []struct {
		name  string
		args  tickets.IntakeArgs
		field string
	}{
		{"kind", tickets.IntakeArgs{Kind: "repairs"}, "kind"},
		{"no purchase", tickets.IntakeArgs{Kind: appliance.KindRepair, Fault: "x"}, "purchase"},
		{"future purchase", tickets.IntakeArgs{Kind: appliance.KindRepair, Fault: "x", Purchase: d.receipt("electronics", "耳机", 100, -1, "")}, "purchase.purchased"},
		{"category", tickets.IntakeArgs{Kind: appliance.KindRepair, Fault: "x", Purchase: d.receipt("toys", "玩具", 100, 1, "")}, "purchase.category"},
		{"problem", tickets.IntakeArgs{Kind: appliance.KindRepair, Fault: "x", Purchase: d.receipt("electronics", "耳机", 100, 1, "")}, "problem"},
		{"fault", tickets.IntakeArgs{Kind: appliance.KindComplaint}, "fault"},
		{"return reason", tickets.IntakeArgs{Kind: appliance.KindReturn, Problem: "quality", Purchase: d.receipt("electronics", "耳机", 100, 1, "")}, "fault"},
		{"exchange reason", tickets.IntakeArgs{Kind: appliance.KindExchange, Fault: " ", Problem: "quality", Purchase: d.receipt("electronics", "耳机", 100, 1, "")}, "fault"},
		{"contract end", tickets.IntakeArgs{Kind: appliance.KindMaintenance}, "contract_end"},
	}
	for _, tc := range bad {
		t.Run("refused "+tc.name, func(t *testing.T) {
			a := tc.args
			a.Phone = "13800138016"
			_, err := d.svc.Intake(d.ctx, clerk, a)
			var e *appliance.Error
			if !asError(err, &e) || e.Field != tc.field {
				t.Fatalf("Intake = %v, want an error naming %s", err, tc.field)
			}
		})
	}
	_, err = d.svc.Intake(d.ctx, appliance.Actor{ID: "kiosk", Role: appliance.RoleCustomer}, tickets.IntakeArgs{Kind: appliance.KindConsult, Phone: "13800138016"})
	wantCode(t, err, appliance.EUNAUTHORIZED)
}

// A customer at the kiosk answers the quote and the survey of their own
// ticket, and nothing else.
func TestCustomerMayOnlyAnswer(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	c := d.customer("罗兰", "13800138020")
	other := appliance.Actor{ID: "someone-else", Role: appliance.RoleCustomer}
	me := appliance.Actor{ID: c.ID, Role: appliance.RoleCustomer}
	tk := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindRepair, Phone: c.Phones[0],
		Purchase: d.receipt("home_goods", "电水壶", 19900, 10, "SN-K-20"), Fault: "摔坏", Problem: policy.ProblemCustomerDamage}))
	_, err := d.svc.Assign(d.ctx, me, tk.Number, "tech")
	wantCode(t, err, appliance.EUNAUTHORIZED)
	d.ok(d.svc.Assign(d.ctx, clerk, tk.Number, "tech"))
	_, err = d.svc.Assign(d.ctx, me, tk.Number, "tech2")
	wantCode(t, err, appliance.EUNAUTHORIZED)
	d.ok(d.svc.Diagnose(d.ctx, techie, tk.Number, tickets.DiagnoseArgs{Labour: []string{"repair_small"}}))
	_, err = d.svc.Quote(d.ctx, me, tk.Number)
	wantCode(t, err, appliance.EUNAUTHORIZED)
	d.ok(d.svc.Quote(d.ctx, clerk, tk.Number))
	_, err = d.svc.AnswerQuote(d.ctx, other, tk.Number, true)
	wantCode(t, err, appliance.EUNAUTHORIZED)
	tk = d.ok(d.svc.AnswerQuote(d.ctx, me, tk.Number, true))
	if tk.Quote.Accepted == nil || !*tk.Quote.Accepted {
		t.Fatal("the customer's acceptance was not recorded")
	}
}
