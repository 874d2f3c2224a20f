package reports

import (
	"time"

	"shouhou/appliance"
)

// Kinds are the report kinds Build knows, in the order people ask for them.
var Kinds = []string{"kpi", "closing", "complaints", "daily"}

// MaxBuildDays is the most days Build gives closings or daily reports of
// at once (one value per day).
const MaxBuildDays = 366

// Build builds the report of a kind over the whole days from..to: its
// value (what JSON shows) and its tables (what text and CSV show). kpi and
// complaints cover the span; closing and daily give one value per day.
// Closing reads only: a day not frozen shows the figures as the store holds
// them now and stays unfrozen. An unknown kind is an EINVALID error on
// "kind"; a span that is backwards, or for closing and daily longer than
// MaxBuildDays, one on "to".
func (r *Reports) Build(kind string, from, to time.Time) (any, []Table, error) {
	if _, err := r.span(from, to); err != nil {
		return nil, nil, err
	}
	switch kind {
	case "kpi":
		k, err := r.KPIs(from, to)
		if err != nil {
			return nil, nil, err
		}
		return k, k.Tables(), nil
	case "complaints":
		c, err := r.Complaints(from, to)
		if err != nil {
			return nil, nil, err
		}
		return c, c.Tables(), nil
	case "closing", "daily":
		return r.buildDays(kind, from, to)
	}
	return nil, nil, appliance.FieldError("kind", "报表类型 %q 应为 kpi、closing、complaints 或 daily / kind %q: want kpi, closing, complaints or daily", kind, kind)
}

// buildDays builds the closing or the daily reports of each day.
func (r *Reports) buildDays(kind string, from, to time.Time) (any, []Table, error) {
	if r.startOfDay(from).AddDate(0, 0, MaxBuildDays).Before(r.startOfDay(to).AddDate(0, 0, 1)) {
		return nil, nil, appliance.FieldError("to", "日报最多 %d 天 / at most %d days of %s at once", MaxBuildDays, MaxBuildDays, kind)
	}
	vs := []any{}
	var ts []Table
	for d := r.startOfDay(from); !d.After(to); d = d.AddDate(0, 0, 1) {
		if kind == "closing" {
			c, err := r.Closing(d)
			if err != nil {
				return nil, nil, err
			}
			vs, ts = append(vs, c), append(ts, c.Tables()...)
			continue
		}
		techs, sup, err := r.Daily(d)
		if err != nil {
			return nil, nil, err
		}
		vs = append(vs, map[string]any{"technicians": techs, "supervisor": sup})
		ts = append(ts, DailyTables(techs, sup)...)
	}
	return vs, ts, nil
}
