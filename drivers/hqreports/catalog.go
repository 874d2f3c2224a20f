package hqreports

import (
	"context"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/reports"
)

// The reports Tables builds, by name.
const (
	// ReportBranches lists the branches with their last seq and lag.
	ReportBranches = "branches"
	// ReportKPI are the month's KPIs per branch and in total.
	ReportKPI = "kpi"
	// ReportCards is the card money per branch and what does not reconcile.
	ReportCards = "cards"
	// ReportClosings are the month's closings per branch and day.
	ReportClosings = "closings"
	// ReportReconcile is the per-card ledger reconciliation.
	ReportReconcile = "reconcile"
)

// MonthFormat is how a month is written in Tables' argument.
const MonthFormat = "2006-01"

// Month is the month holding now in the chain's time zone, 2006-01.
func (h *Reports) Month() string { return h.now().In(h.rep.Location()).Format(MonthFormat) }

// Tables builds the report name as tables; month (2006-01) is the period
// of the KPIs and the closings, and is ignored by the others. An unknown
// name or a malformed month is an appliance EINVALID error.
func (h *Reports) Tables(ctx context.Context, name, month string) ([]reports.Table, error) {
	first, err := time.ParseInLocation(MonthFormat, month, h.rep.Location())
	if err != nil && (name == ReportKPI || name == ReportClosings) {
		return nil, appliance.FieldError("month", "月份应为 YYYY-MM：%q / a month is written YYYY-MM: %q", month, month)
	}
	last := first.AddDate(0, 1, -1)
	switch name {
	case ReportBranches:
		bs, err := h.Branches(ctx)
		if err != nil {
			return nil, err
		}
		return []reports.Table{BranchesTable(bs)}, nil
	case ReportKPI:
		k, err := h.KPIs(ctx, first, last)
		if err != nil {
			return nil, err
		}
		return k.Tables(), nil
	case ReportCards:
		ms, err := h.CardMoney(ctx)
		if err != nil {
			return nil, err
		}
		return []reports.Table{MoneyTable(ms), ProblemsTable(ms)}, nil
	case ReportClosings:
		from, to := first.Format(reports.DayFormat), last.Format(reports.DayFormat)
		cs, err := h.Closings(ctx, from, to)
		if err != nil {
			return nil, err
		}
		return []reports.Table{ClosingsTable(cs, from, to)}, nil
	case ReportReconcile:
		r, err := h.Reconcile(ctx)
		if err != nil {
			return nil, err
		}
		return r.Tables(), nil
	}
	return nil, appliance.FieldError("report", "没有报表 %q / no report %q", name, name)
}
