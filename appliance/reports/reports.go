package reports

import (
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
)

// DayFormat is how days are written in reports and their arguments.
const DayFormat = "2006-01-02"

// Options configure Reports.
type Options struct {
	// Location is the store's time zone: days start at its midnight. nil
	// means time.Local.
	Location *time.Location
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// RepairWarrantyMonths is the warranty on a repair (DOMAIN.md: 1 month
	// for parts and labour); a repair of the same purchase within it is a
	// repeat repair. 0 means 1.
	RepairWarrantyMonths int
	// AdjustmentDays is how many frozen days before a closing are compared
	// with the store to find later corrections. 0 means 31.
	AdjustmentDays int
	// OnTimeTarget and SatisfactionTarget are the store's report targets
	// as fractions (sla.toml [targets]); 0 means 0.9 (DOMAIN.md: 90%).
	OnTimeTarget, SatisfactionTarget float64
	// ComplaintReasons are the configured complaint reasons (policy.toml),
	// in order: the complaint summary counts by them. Empty means "other"
	// only.
	ComplaintReasons []policy.ComplaintReason
	// DailyLimitFen returns the daily money limit of a member of staff
	// (policy.toml [approval.limits.ROLE] daily), false for none: the
	// closing flags whoever moved more on cards in the day. nil means none.
	DailyLimitFen func(operator string) (int64, bool)
}

// Reports builds reports over one store. It holds no state but its options
// and is safe for concurrent use.
type Reports struct {
	db *store.DB
	o  Options
}

// New returns the report builder over db.
func New(db *store.DB, o Options) *Reports {
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.RepairWarrantyMonths <= 0 {
		o.RepairWarrantyMonths = 1
	}
	if o.AdjustmentDays <= 0 {
		o.AdjustmentDays = 31
	}
	if o.OnTimeTarget <= 0 {
		o.OnTimeTarget = 0.9
	}
	if o.SatisfactionTarget <= 0 {
		o.SatisfactionTarget = 0.9
	}
	if len(o.ComplaintReasons) == 0 {
		o.ComplaintReasons = []policy.ComplaintReason{{Code: policy.ComplaintOther, Name: "其他"}}
	}
	return &Reports{db: db, o: o}
}

// Location is the store's time zone (Options.Location).
func (r *Reports) Location() *time.Location { return r.o.Location }

// ParseDay reads a day written as 2006-01-02 in the store's time zone.
func (r *Reports) ParseDay(s string) (time.Time, error) {
	d, err := time.ParseInLocation(DayFormat, s, r.o.Location)
	if err != nil {
		return time.Time{}, appliance.FieldError("day", "日期应为 YYYY-MM-DD：%q / a day is written YYYY-MM-DD: %q", s, s)
	}
	return d, nil
}

// period is [from, to) in the store's zone, whole days.
type period struct{ from, to time.Time }

func (p period) has(t time.Time) bool { return !t.IsZero() && !t.Before(p.from) && t.Before(p.to) }

// dayKey is a time's day in the store's zone, as 2006-01-02.
func (r *Reports) dayKey(t time.Time) string { return t.In(r.o.Location).Format(DayFormat) }

// startOfDay is the midnight that starts t's day in the store's zone.
func (r *Reports) startOfDay(t time.Time) time.Time {
	y, m, d := t.In(r.o.Location).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, r.o.Location)
}

// span is the period of whole days from..to, both included.
func (r *Reports) span(from, to time.Time) (period, error) {
	p := period{r.startOfDay(from), r.startOfDay(to).AddDate(0, 0, 1)}
	if !p.from.Before(p.to) {
		return p, appliance.FieldError("to", "结束日期早于开始日期 / the end day is before the start day")
	}
	return p, nil
}

// closedAt is when a ticket was last closed (zero if it is not closed).
func closedAt(t *appliance.Ticket) time.Time { return t.ClosedAt() }

// cancelledAt is when a ticket was cancelled (zero if it is not).
func cancelledAt(t *appliance.Ticket) time.Time { return t.CancelledAt() }

// ResolvedAt is when a ticket's case was resolved (appliance.Ticket.ResolvedAt).
func ResolvedAt(t *appliance.Ticket) time.Time { return t.ResolvedAt() }

// outcomeOf names what a closed ticket came to: its repair result, else its
// agreed outcome, else "none".
func outcomeOf(result, outcome string) string {
	switch {
	case result != "":
		return result
	case outcome != "":
		return outcome
	}
	return "none"
}
