package calendar

import (
	"fmt"
	"slices"
	"time"
)

// Hours is the working time of a working day, as offsets from midnight.
// Start is before End; both lie within the day.
type Hours struct {
	// Start is when work begins, e.g. 9h for 09:00.
	Start time.Duration
	// End is when work ends, e.g. 18h for 18:00.
	End time.Duration
}

// Year is one year's statutory calendar as the State Council publishes it.
type Year struct {
	// Year is the calendar year.
	Year int
	// Holidays are the days off (法定节假日 and the days joined to them).
	Holidays []Date
	// Workdays are the make-up workdays (调休): weekend days that are worked.
	Workdays []Date
}

// Kind says what sort of day a date is.
type Kind int

// The kinds of day. A date in a year with no entries is Weekday or Weekend.
const (
	Weekday       Kind = iota // an ordinary Monday–Friday working day
	Weekend                   // an ordinary Saturday or Sunday off
	Holiday                   // a statutory holiday off
	MakeUpWorkday             // a weekend day that is worked (调休)
)

// String returns the kind's name.
func (k Kind) String() string {
	switch k {
	case Weekday:
		return "weekday"
	case Weekend:
		return "weekend"
	case Holiday:
		return "holiday"
	case MakeUpWorkday:
		return "makeup_workday"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Calendar answers working-day questions. It is immutable after New and
// safe for concurrent use.
type Calendar struct {
	loc      *time.Location
	hours    Hours
	holidays map[Date]bool
	workdays map[Date]bool
	years    []int // sorted years that have entries
}

// New builds a calendar in loc with the given working hours and years.
// It refuses a year listed twice, a date outside its year, a date that is
// both a holiday and a make-up workday, and a make-up workday that is not a
// Saturday or Sunday.
func New(loc *time.Location, hours Hours, years []Year) (*Calendar, error) {
	if loc == nil {
		return nil, fmt.Errorf("calendar: nil location")
	}
	if hours.Start < 0 || hours.End > 24*time.Hour || hours.Start >= hours.End {
		return nil, fmt.Errorf("calendar: working hours %v–%v: start must be before end within one day", hours.Start, hours.End)
	}
	c := &Calendar{loc: loc, hours: hours, holidays: map[Date]bool{}, workdays: map[Date]bool{}}
	for _, y := range years {
		if slices.Contains(c.years, y.Year) {
			return nil, fmt.Errorf("calendar: year %d listed twice", y.Year)
		}
		c.years = append(c.years, y.Year)
		if err := c.addYear(y); err != nil {
			return nil, err
		}
	}
	slices.Sort(c.years)
	return c, nil
}

func (c *Calendar) addYear(y Year) error {
	for _, d := range y.Holidays {
		if !d.Valid() || d.Year != y.Year {
			return fmt.Errorf("calendar: holiday %v is not in year %d", d, y.Year)
		}
		c.holidays[d] = true
	}
	for _, d := range y.Workdays {
		if !d.Valid() || d.Year != y.Year {
			return fmt.Errorf("calendar: make-up workday %v is not in year %d", d, y.Year)
		}
		if c.holidays[d] {
			return fmt.Errorf("calendar: %v is both a holiday and a make-up workday", d)
		}
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			return fmt.Errorf("calendar: make-up workday %v is a %v, not a weekend day", d, wd)
		}
		c.workdays[d] = true
	}
	return nil
}

// Location returns the time zone the calendar's dates are in.
func (c *Calendar) Location() *time.Location { return c.loc }

// Hours returns the working hours of a working day.
func (c *Calendar) Hours() Hours { return c.hours }

// Years returns the years that have entries, ascending.
func (c *Calendar) Years() []int { return slices.Clone(c.years) }

// HasYear reports whether the calendar has entries for year y. A year
// without entries still answers questions, by weekends alone.
func (c *Calendar) HasYear(y int) bool { return slices.Contains(c.years, y) }

// MissingYears returns those of now's year and the coming year that have no
// entries, so the appliance can warn before the notice is due.
func (c *Calendar) MissingYears(now time.Time) []int {
	var out []int
	y := now.In(c.loc).Year()
	for _, yy := range []int{y, y + 1} {
		if !c.HasYear(yy) {
			out = append(out, yy)
		}
	}
	return out
}

// KindOf returns what sort of day d is.
func (c *Calendar) KindOf(d Date) Kind {
	switch {
	case c.holidays[d]:
		return Holiday
	case c.workdays[d]:
		return MakeUpWorkday
	case d.Weekday() == time.Saturday || d.Weekday() == time.Sunday:
		return Weekend
	}
	return Weekday
}

// IsWorkingDate reports whether d is worked: a weekday that is not a
// holiday, or a make-up workday.
func (c *Calendar) IsWorkingDate(d Date) bool {
	k := c.KindOf(d)
	return k == Weekday || k == MakeUpWorkday
}

// IsWorkingDay reports whether t falls on a working day in the calendar's
// time zone.
func (c *Calendar) IsWorkingDay(t time.Time) bool { return c.IsWorkingDate(DateOf(t.In(c.loc))) }

// AddWorkingDays returns the moment n working days after from: the date of
// the n-th working day after from's date (from's own day is not counted),
// at from's clock time in the calendar's zone. Negative n counts back;
// n == 0 returns from. A complaint received on Friday 2026-09-18 with a
// reply due in 2 working days is due on Monday 2026-09-21: Sunday 09-20 is a
// make-up workday and counts as the first.
func (c *Calendar) AddWorkingDays(from time.Time, n int) time.Time {
	if n == 0 {
		return from
	}
	t := from.In(c.loc)
	d := DateOf(t)
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkingDate(d) {
			n--
		}
	}
	h, m, s := t.Clock()
	return time.Date(d.Year, d.Month, d.Day, h, m, s, t.Nanosecond(), c.loc)
}

// WorkingDaysBetween counts the working dates d with from's date < d ≤ to's
// date, in the calendar's zone; it is negative when to is before from. So
// AddWorkingDays(from, n) is n working days after from.
func (c *Calendar) WorkingDaysBetween(from, to time.Time) int {
	a, b := DateOf(from.In(c.loc)), DateOf(to.In(c.loc))
	sign := 1
	if b.Before(a) {
		a, b, sign = b, a, -1
	}
	n := 0
	for d := a.AddDays(1); !d.After(b); d = d.AddDays(1) {
		if c.IsWorkingDate(d) {
			n++
		}
	}
	return sign * n
}

// AddWorkingHours returns the moment when d of working time has passed
// since from, counting only the working hours of working days. Time before
// the day's start or after its end does not count. d <= 0 returns from.
func (c *Calendar) AddWorkingHours(from time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return from
	}
	t := from.In(c.loc)
	for {
		day := DateOf(t)
		if c.IsWorkingDate(day) {
			start, end := day.In(c.loc).Add(c.hours.Start), day.In(c.loc).Add(c.hours.End)
			if t.Before(start) {
				t = start
			}
			if t.Before(end) {
				if avail := end.Sub(t); d <= avail {
					return t.Add(d)
				} else {
					d -= avail
				}
			}
		}
		t = day.AddDays(1).In(c.loc)
	}
}

// IsWorkingTime reports whether t is within the working hours of a working day.
func (c *Calendar) IsWorkingTime(t time.Time) bool {
	t = t.In(c.loc)
	day := DateOf(t)
	if !c.IsWorkingDate(day) {
		return false
	}
	since := t.Sub(day.In(c.loc))
	return since >= c.hours.Start && since < c.hours.End
}

// Dates returns the holidays (k == Holiday) or make-up workdays
// (k == MakeUpWorkday) of every year, ascending; nil for other kinds.
func (c *Calendar) Dates(k Kind) []Date {
	var m map[Date]bool
	switch k {
	case Holiday:
		m = c.holidays
	case MakeUpWorkday:
		m = c.workdays
	default:
		return nil
	}
	out := make([]Date, 0, len(m))
	for d := range m {
		out = append(out, d)
	}
	slices.SortFunc(out, Date.Compare)
	return out
}
