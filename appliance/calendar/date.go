package calendar

import (
	"fmt"
	"time"
)

// Date is a civil date in the store's time zone: no clock, no zone. The zero
// Date is not a valid date.
type Date struct {
	// Year is the calendar year, e.g. 2026.
	Year int
	// Month is the month, January = 1.
	Month time.Month
	// Day is the day of the month, from 1.
	Day int
}

// NewDate returns the date y-m-d. It does not normalise: check Valid.
func NewDate(y int, m time.Month, d int) Date { return Date{y, m, d} }

// DateOf returns the date of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate parses "YYYY-MM-DD" strictly (zero-padded, a real date).
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil || len(s) != len(time.DateOnly) {
		return Date{}, fmt.Errorf("日期格式应为 YYYY-MM-DD / date must be YYYY-MM-DD: %q", s)
	}
	return DateOf(t), nil
}

// Valid reports whether d is a real calendar date between years 1 and 9999.
func (d Date) Valid() bool {
	if d.Year < 1 || d.Year > 9999 {
		return false
	}
	return DateOf(d.utc()) == d
}

// String formats d as YYYY-MM-DD.
func (d Date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day) }

// MarshalText formats d as YYYY-MM-DD.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText parses YYYY-MM-DD.
func (d *Date) UnmarshalText(b []byte) error {
	p, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = p
	return nil
}

func (d Date) utc() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// In returns midnight at the start of d in loc.
func (d Date) In(loc *time.Location) time.Time {
	return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, loc)
}

// AddDays returns the date n days after d (before, for negative n).
func (d Date) AddDays(n int) Date { return DateOf(d.utc().AddDate(0, 0, n)) }

// AddMonths returns the same day n months later, clamped to the end of a
// shorter month: 2026-01-31 plus 1 month is 2026-02-28, not March 3.
func (d Date) AddMonths(n int) Date {
	total := int(d.Month) - 1 + n
	y := d.Year + floorDiv(total, 12)
	m := time.Month(total - floorDiv(total, 12)*12 + 1)
	last := DateOf(time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC)).Day
	return Date{y, m, min(d.Day, last)}
}

// Sub returns the number of days from e to d: d.Sub(e) == 1 when d is the
// day after e.
func (d Date) Sub(e Date) int {
	return int(d.utc().Sub(e.utc()).Hours() / 24)
}

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int { return d.utc().Compare(e.utc()) }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.Compare(e) < 0 }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.Compare(e) > 0 }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.utc().Weekday() }

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}
