package ui

import (
	"time"

	"shouhou/appliance"
	"shouhou/appliance/reports"
	"shouhou/conf"
)

// ReportOptions are the report options of a config snapshot: the store's
// time zone, the report targets of sla.toml, the warranty on a repair
// of policy.toml (for repeat repairs), its complaint reasons and each
// member of staff's daily money limit (by their role in staff.toml). The report command, report.get,
// day.close and the CSV download all build reports with it.
func ReportOptions(cfg *conf.Snapshot) reports.Options {
	o := reports.Options{Location: cfg.Store.Location,
		OnTimeTarget:       float64(cfg.SLA.Targets.OnTime) / 10000,
		SatisfactionTarget: float64(cfg.SLA.Targets.Satisfaction) / 10000,
		ComplaintReasons:   cfg.Policy.ComplaintReasons,
		DailyLimitFen: func(operator string) (int64, bool) {
			m, ok := cfg.StaffByID(operator)
			if !ok {
				return 0, false
			}
			return cfg.Policy.DailyLimit(appliance.Role(m.Role))
		}}
	// A repeat repair is one within the warranty on a repair (policy.toml).
	if w := cfg.Policy.RepairWarranty; w.Months > 0 {
		o.RepairWarrantyMonths = w.Months
	} else if w.Days > 0 {
		o.RepairWarrantyMonths = (w.Days + 29) / 30
	}
	return o
}

type reportArgs struct {
	Kind string `json:"kind"`
	From string `json:"from"`
	To   string `json:"to"`
}

// opReportGet builds a report over the live store, read-only: a closing
// of a day not frozen is not frozen by it.
func opReportGet(c *call, a *reportArgs) (any, error) {
	rep := c.srv.reportBuilder()
	from, err := parseDay(rep, "from", a.From)
	if err != nil {
		return nil, err
	}
	to := from
	if a.To != "" {
		if to, err = parseDay(rep, "to", a.To); err != nil {
			return nil, err
		}
	}
	v, _, err := rep.Build(a.Kind, from, to)
	return v, err
}

// parseDay reads a YYYY-MM-DD argument, naming the field when it is not one.
func parseDay(rep *reports.Reports, field, s string) (time.Time, error) {
	d, err := rep.ParseDay(s)
	if err != nil {
		return d, appliance.FieldError(field, "日期应为 YYYY-MM-DD：%q / %s is written YYYY-MM-DD: %q", s, field, s)
	}
	return d, nil
}

// feePart is one line of the parts price list as the diagnose form offers it.
type feePart struct {
	ID       string `json:"id"`
	Code     string `json:"code"`
	Name     string `json:"name"`
	Category string `json:"category"`
	PriceFen int64  `json:"price_fen"`
}

// feeLabour is one labour item.
type feeLabour struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	FeeFen     int64    `json:"fee_fen"`
	Categories []string `json:"categories"`
}

type feesList struct {
	Parts  []feePart   `json:"parts"`
	Labour []feeLabour `json:"labour"`
}

// opFeesList is the parts price list and the labour items of the config
// in force (fees.toml), for the technician's diagnosis.
func opFeesList(c *call, _ *none) (any, error) {
	fees := c.srv.config().Fees
	out := feesList{Parts: []feePart{}, Labour: []feeLabour{}}
	for _, p := range fees.Parts {
		out.Parts = append(out.Parts, feePart{ID: p.Code, Code: p.Code, Name: p.Name, Category: p.Category, PriceFen: p.Price.Fen()})
	}
	for _, l := range fees.Labour {
		cats := l.Categories
		if cats == nil {
			cats = []string{}
		}
		out.Labour = append(out.Labour, feeLabour{ID: l.ID, Name: l.Name, FeeFen: l.Fee.Fen(), Categories: cats})
	}
	return out, nil
}
