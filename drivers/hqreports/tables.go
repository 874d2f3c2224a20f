package hqreports

import (
	"strconv"
	"strings"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/reports"
)

// BranchesTable lists the branches with their last seq and lag.
func BranchesTable(bs []Branch) reports.Table {
	t := reports.Table{Name: "hq-branches", Title: "门店 / Branches",
		Columns: []string{"门店 branch", "最后序号 last seq", "最后接收 last received", "延迟(秒) lag seconds", "缺失 missing"}}
	for _, b := range bs {
		t.Rows = append(t.Rows, []string{b.Branch, strconv.FormatUint(b.LastSeq, 10), b.Updated.UTC().Format(time.RFC3339),
			strconv.FormatInt(b.LagSeconds, 10), strconv.FormatUint(b.Missing, 10)})
	}
	return t
}

// Table returns the KPIs as one table: a row per branch, then the chain's
// total.
func (c *ChainKPIs) Table() reports.Table {
	t := reports.Table{Name: "hq-kpi", Title: "服务指标 / Service KPIs " + c.Total.From + " – " + c.Total.To,
		Columns: []string{"门店 branch", "服务单 tickets opened", "按时完成 on time", "按时率 on-time rate",
			"投诉按时答复 complaint replies", "满意度 satisfaction", "投诉率 complaint rate", "返修率 repeat repairs",
			"已解决 resolved", "平均解决时长(小时) mean hours to resolve"}}
	row := func(name string, k *reports.KPIs) []string {
		return []string{name, strconv.Itoa(k.Tickets), strconv.Itoa(k.OnTime.Count) + "/" + strconv.Itoa(k.OnTime.Total),
			reports.Percent(k.OnTime), reports.Percent(k.ComplaintReplies), reports.Percent(k.SatisfactionOverall),
			reports.Percent(k.Complaints), reports.Percent(k.RepeatRepairs), strconv.Itoa(k.Resolved),
			strconv.FormatFloat(float64(k.AvgResolveSeconds)/3600, 'f', 1, 64)}
	}
	for _, b := range c.Branches {
		t.Rows = append(t.Rows, row(b.Branch, b.KPIs))
	}
	t.Rows = append(t.Rows, row("合计 total", c.Total))
	return t
}

// Tables returns the KPIs as tables: the summary (Table), then each
// branch's and the chain's in full as the box's report shows them
// (reports.KPIs.Tables), named hq-kpi-branch-ID and hq-kpi-chain.
func (c *ChainKPIs) Tables() []reports.Table {
	out := []reports.Table{c.Table()}
	full := func(name, who string, k *reports.KPIs) {
		t := k.Tables()[0]
		t.Name, t.Title = name, who+" · "+t.Title
		out = append(out, t)
	}
	for _, b := range c.Branches {
		full("hq-kpi-branch-"+b.Branch, "门店 "+b.Branch, b.KPIs)
	}
	full("hq-kpi-chain", "全连锁 chain", c.Total)
	return out
}

// MoneyTable returns the card money as one table: a row per branch, then
// the chain's total.
func MoneyTable(ms []BranchMoney) reports.Table {
	t := reports.Table{Name: "hq-cards", Title: "储值卡资金 / Card money",
		Columns: []string{"门店 branch", "卡数 cards", "流水笔数 entries", "充值收入 money in", "卡内消费 charges",
			"退款 refunds", "冲正 reversals", "退余额 cash-outs", "流水合计 ledger total", "卡余额合计(负债) liability", "不平项 problems"}}
	var total BranchMoney
	total.Liability = &reports.Liability{ByKind: map[appliance.LedgerKind]int64{}}
	row := func(name string, m *BranchMoney) []string {
		l := m.Liability
		return []string{name, strconv.Itoa(m.Cards), strconv.Itoa(m.Entries), reports.Yuan(m.TopupsFen()),
			reports.Yuan(m.ChargesFen()), reports.Yuan(m.RefundsFen()), reports.Yuan(l.ByKind[appliance.LedgerReversal]),
			reports.Yuan(-l.ByKind[appliance.LedgerCashout]), reports.Yuan(l.LedgerFen), reports.Yuan(l.BalancesFen),
			strconv.Itoa(len(l.Problems))}
	}
	for i := range ms {
		m := &ms[i]
		t.Rows = append(t.Rows, row(m.Branch, m))
		total.Cards += m.Cards
		total.Entries += m.Entries
		for k, v := range m.Liability.ByKind {
			total.Liability.ByKind[k] += v
		}
		total.Liability.LedgerFen += m.Liability.LedgerFen
		total.Liability.BalancesFen += m.Liability.BalancesFen
		total.Liability.Problems = append(total.Liability.Problems, m.Liability.Problems...)
	}
	t.Rows = append(t.Rows, row("合计 total", &total))
	return t
}

// ProblemsTable lists what does not reconcile in each branch's card money.
func ProblemsTable(ms []BranchMoney) reports.Table {
	t := reports.Table{Name: "hq-cards-problems", Title: "储值卡不平项 / Card money not reconciled",
		Columns: []string{"门店 branch", "说明 problem"}}
	for _, m := range ms {
		for _, p := range m.Liability.Problems {
			t.Rows = append(t.Rows, []string{m.Branch, p})
		}
	}
	return t
}

// ClosingsTable lists the closings, a row per branch and day.
func ClosingsTable(cs []BranchClosing, from, to string) reports.Table {
	t := reports.Table{Name: "hq-closings", Title: "日结 / Daily closings " + from + " – " + to,
		Columns: []string{"日期 day", "门店 branch", "新受理 opened", "已结案 closed", "已取消 cancelled",
			"充值收入 card money in", "卡内消费 charged to cards", "退余额支出 cash-outs", "卡余额合计(负债) liability at end",
			"现金收费 fees in cash", "储值卡收费 fees by card", "不平项 problems", "日结人 closed by"}}
	for _, bc := range cs {
		c := bc.Closing
		t.Rows = append(t.Rows, []string{c.Day, bc.Branch, strconv.Itoa(c.Opened), strconv.Itoa(c.Closed),
			strconv.Itoa(c.Cancelled), reports.Yuan(c.CardInFen), reports.Yuan(c.CardChargesFen), reports.Yuan(c.CardOutFen),
			reports.Yuan(c.LiabilityEndFen), reports.Yuan(c.FeesCashFen), reports.Yuan(c.FeesCardFen),
			strconv.Itoa(len(c.Discrepancies)), c.ClosedBy})
	}
	return t
}

// Tables returns the reconciliation as two tables: the cards that do not
// reconcile, then every card.
func (r *Reconciliation) Tables() []reports.Table {
	cols := []string{"门店 branch", "卡号 card", "卡余额 balance", "流水合计 ledger sum", "卡记笔数 card's count",
		"总部笔数 entries held", "状态 status", "说明 problems"}
	row := func(c CardCheck) []string {
		status := "平 ok"
		switch {
		case c.NoCard:
			status = "无卡记录 no card record"
		case !c.OK():
			status = "不平 mismatch"
		}
		return []string{c.Branch, c.Card, reports.Yuan(c.BalanceFen), reports.Yuan(c.SumFen),
			strconv.FormatInt(c.LedgerCount, 10), strconv.FormatInt(c.Entries, 10), status, strings.Join(c.Chain, "; ")}
	}
	bad := reports.Table{Name: "hq-reconcile-mismatches", Title: "对账不平 / Cards that do not reconcile", Columns: cols}
	for _, c := range r.Mismatches {
		bad.Rows = append(bad.Rows, row(c))
	}
	all := reports.Table{Name: "hq-reconcile", Title: "储值卡对账 / Card reconciliation", Columns: cols}
	for _, c := range r.Cards {
		all.Rows = append(all.Rows, row(c))
	}
	return []reports.Table{bad, all}
}
