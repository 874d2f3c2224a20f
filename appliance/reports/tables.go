package reports

import (
	"math"
	"strconv"

	"shouhou/appliance"
)

// Tables returns the closing as tables: the tickets by kind and outcome,
// the card money by kind and by member of staff (with who went over their
// daily limit), the totals, what does not reconcile, and the adjustments
// to closed days.
func (c *Closing) Tables() []Table {
	tk := Table{Name: "closing-tickets", Title: "服务单 / Tickets " + c.Day, Columns: []string{"类别 kind", "新受理 opened", "结果 outcome", "已结案 closed"}}
	for _, row := range c.Tickets {
		if len(row.Closed) == 0 {
			tk.Rows = append(tk.Rows, []string{string(row.Kind), strconv.Itoa(row.Opened), "", "0"})
		}
		for i, o := range sortedKeys(row.Closed) {
			opened := ""
			if i == 0 {
				opened = strconv.Itoa(row.Opened)
			}
			tk.Rows = append(tk.Rows, []string{string(row.Kind), opened, o, strconv.Itoa(row.Closed[o])})
		}
	}
	cards := Table{Name: "closing-cards", Title: "储值卡流水 / Card ledger " + c.Day, Columns: []string{"类型 kind", "笔数 count", "金额 yuan"}}
	for _, row := range c.Card {
		cards.Rows = append(cards.Rows, []string{string(row.Kind), strconv.Itoa(row.Count), Yuan(row.SumFen)})
	}
	tot := Table{Name: "closing-totals", Title: "日结 / Daily closing " + c.Day, Columns: []string{"项目 figure", "值 value"}}
	for _, f := range []struct {
		name string
		v    string
	}{
		{"新受理 opened", strconv.Itoa(c.Opened)}, {"已结案 closed", strconv.Itoa(c.Closed)}, {"已取消 cancelled", strconv.Itoa(c.Cancelled)},
		{"现金退款 refunds in cash", Yuan(c.RefundCashFen)}, {"退至储值卡 refunds to cards", Yuan(c.RefundCardFen)},
		{"充值收入 card money in", Yuan(c.CardInFen)}, {"卡内消费 charged to cards", Yuan(c.CardChargesFen)},
		{"退余额支出 cash-outs", Yuan(c.CardOutFen)}, {"期初卡余额 liability at start", Yuan(c.LiabilityStartFen)},
		{"卡余额合计(负债) liability at end", Yuan(c.LiabilityEndFen)}, {"现金收费 fees in cash", Yuan(c.FeesCashFen)},
		{"储值卡收费 fees by card", Yuan(c.FeesCardFen)}, {"已冻结 frozen", strconv.FormatBool(c.Frozen)}, {"日结人 closed by", c.ClosedBy},
	} {
		tot.Rows = append(tot.Rows, []string{f.name, f.v})
	}
	ops := Table{Name: "closing-operators", Title: "经手金额 / Card money by staff " + c.Day,
		Columns: []string{"员工 staff", "笔数 count", "金额 yuan", "当日权限 daily limit", "超限 over"}}
	for _, o := range c.Operators {
		limit := ""
		if o.LimitFen > 0 {
			limit = Yuan(o.LimitFen)
		}
		ops.Rows = append(ops.Rows, []string{o.Operator, strconv.Itoa(o.Count), Yuan(o.TotalFen), limit, strconv.FormatBool(o.Over)})
	}
	disc := Table{Name: "closing-discrepancies", Title: "不平项 / Not reconciled " + c.Day, Columns: []string{"说明 problem"}}
	for _, d := range c.Discrepancies {
		disc.Rows = append(disc.Rows, []string{d})
	}
	adj := Table{Name: "closing-adjustments", Title: "调整 / Adjustments to closed days " + c.Day,
		Columns: []string{"日期 day", "项目 figure", "原值 was", "现值 now"}}
	for _, a := range c.Adjustments {
		adj.Rows = append(adj.Rows, []string{a.Day, a.Figure, strconv.FormatInt(a.Was, 10), strconv.FormatInt(a.Now, 10)})
	}
	return []Table{tot, tk, cards, ops, disc, adj}
}

// Tables returns the KPIs as one table: figure, count, total, rate, target.
func (k *KPIs) Tables() []Table {
	t := Table{Name: "kpi", Title: "服务指标 / Service KPIs " + k.From + " – " + k.To,
		Columns: []string{"指标 KPI", "数 count", "总数 total", "比率 rate", "目标 target"}}
	add := func(name string, r Rate, target string) {
		t.Rows = append(t.Rows, []string{name, strconv.Itoa(r.Count), strconv.Itoa(r.Total), percent(r), target})
	}
	add("按时完成率 on time", k.OnTime, atLeast(k.OnTimeTarget))
	add("投诉按时答复 complaint replies on time", k.ComplaintReplies, "")
	add("满意度 satisfaction overall", k.SatisfactionOverall, atLeast(k.SatisfactionTarget))
	for _, item := range SurveyItems {
		add("满意度 "+item, k.Satisfaction[item], "")
	}
	add("投诉率 complaint rate", k.Complaints, "")
	add("返修率 repeat repairs", k.RepeatRepairs, "")
	t.Rows = append(t.Rows, []string{"服务单 tickets opened", strconv.Itoa(k.Tickets), "", "", ""},
		[]string{"已解决 resolved", strconv.Itoa(k.Resolved), "", "", ""},
		[]string{"平均解决时长(小时) mean hours to resolve", strconv.FormatFloat(float64(k.AvgResolveSeconds)/3600, 'f', 1, 64), "", "", ""})
	return []Table{t}
}

// Tables returns the complaint summary: totals, reasons, open complaints.
func (s *Complaints) Tables() []Table {
	tot := Table{Name: "complaints", Title: "投诉汇总 / Complaints " + s.From + " – " + s.To, Columns: []string{"项目 figure", "数 count"},
		Rows: [][]string{{"投诉 complaints", strconv.Itoa(s.Count)}, {"按时答复 replied on time", strconv.Itoa(s.RepliedOnTime)},
			{"超时答复 replied late", strconv.Itoa(s.RepliedLate)}, {"未答复 open", strconv.Itoa(len(s.Open))}}}
	rs := Table{Name: "complaints-reasons", Title: "投诉原因 / By reason", Columns: []string{"原因 reason", "数 count"}}
	for _, r := range s.ByReason {
		rs.Rows = append(rs.Rows, []string{r.Reason, strconv.Itoa(r.Count)})
	}
	op := Table{Name: "complaints-open", Title: "未答复投诉 / Open complaints", Columns: []string{"单号 number", "原因 reason", "受理 created", "应答复 due", "超时 late"}}
	for _, o := range s.Open {
		op.Rows = append(op.Rows, []string{o.Number, o.Reason, o.Created.Format("2006-01-02 15:04"), o.Due.Format("2006-01-02 15:04"), strconv.FormatBool(o.Late)})
	}
	return []Table{tot, rs, op}
}

// DailyTables returns the technicians' and the supervisor's daily reports as tables.
func DailyTables(techs []TechDaily, sup *SupervisorDaily) []Table {
	it := Table{Name: "tech-daily", Title: "技术人员日报表 / Technician daily report " + sup.Day,
		Columns: []string{"技术人员 technician", "单号 number", "类别 kind", "服务类别 class", "内容 work"}}
	for _, td := range techs {
		for _, i := range td.Items {
			it.Rows = append(it.Rows, []string{td.Technician, i.Number, string(i.Kind), i.Class, i.Work})
		}
	}
	st := Table{Name: "supervisor-daily", Title: "服务主任日报表 / Supervisor daily report " + sup.Day, Columns: []string{"项目 figure", "值 value"}}
	for _, j := range sup.Technicians {
		st.Rows = append(st.Rows, []string{"件数 jobs " + j.Technician, strconv.Itoa(j.Jobs)})
	}
	for _, c := range ServiceClasses {
		st.Rows = append(st.Rows, []string{"服务类别 class " + c, strconv.Itoa(sup.ByClass[c])})
	}
	st.Rows = append(st.Rows, []string{"转主管 escalated", strconv.Itoa(sup.Escalated)}, []string{"已审批 approved", strconv.Itoa(sup.Approved)},
		[]string{"处理结算 settlements", strconv.Itoa(sup.Settlements)}, []string{"结算退款 settled refunds", Yuan(sup.SettledRefundFen)},
		[]string{"逾期未结 overdue", strconv.Itoa(sup.Overdue)})
	return []Table{it, st}
}

// kindName is a ticket kind's Chinese name, for the slip.
var kindName = map[appliance.TicketKind]string{
	appliance.KindReturn: "退货", appliance.KindExchange: "换货", appliance.KindRepair: "维修", appliance.KindOnSite: "上门",
	appliance.KindComplaint: "投诉", appliance.KindConsult: "咨询", appliance.KindStorage: "暂存", appliance.KindDelivery: "送货",
	appliance.KindOutOfStock: "缺货登记", appliance.KindMaintenance: "保养合同",
}

// ledgerName is a ledger kind's Chinese name, for the slip.
var ledgerName = map[appliance.LedgerKind]string{
	appliance.LedgerIssue: "开卡", appliance.LedgerTopup: "充值", appliance.LedgerCharge: "消费", appliance.LedgerRefund: "退款",
	appliance.LedgerReversal: "冲正", appliance.LedgerTransferOut: "转出", appliance.LedgerTransferIn: "转入", appliance.LedgerCashout: "退余额",
}

// outcomeName is an outcome's Chinese name, for the slip.
var outcomeName = map[string]string{
	appliance.ResultRepaired: "已修复", appliance.ResultUnrepairable: "无法修复", appliance.ResultExchanged: "已换新",
	appliance.ResultDeclined: "未修退回", "return": "已退货", "exchange": "已换货", "free_repair": "免费维修", "paid_repair": "收费维修",
	"none": "",
}

// atLeast is a target as the KPI table prints it: "≥90%", "≥92.5%".
func atLeast(target float64) string {
	// To the hundredth of a percent, as sla.toml writes it (0.56 is 56%,
	// not 56.00000000000001%).
	return "≥" + strconv.FormatFloat(math.Round(target*10000)/100, 'f', -1, 64) + "%"
}
