package calendar

import (
	"testing"
	"time"
)

// cal2026 is the 2026 statutory calendar of DOMAIN.md (State Council notice
// of 2025-11-04), working 09:00–18:00 in Asia/Shanghai.
func cal2026(tb testing.TB) *Calendar {
	tb.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		tb.Fatal(err)
	}
	var hol []Date
	for _, r := range [][2]string{{"2026-01-01", "2026-01-03"}, {"2026-02-15", "2026-02-23"}, {"2026-04-04", "2026-04-06"},
		{"2026-05-01", "2026-05-05"}, {"2026-06-19", "2026-06-21"}, {"2026-09-25", "2026-09-27"}, {"2026-10-01", "2026-10-07"}} {
		for d := mustDate(tb, r[0]); !d.After(mustDate(tb, r[1])); d = d.AddDays(1) {
			hol = append(hol, d)
		}
	}
	var work []Date
	for _, s := range []string{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"} {
		work = append(work, mustDate(tb, s))
	}
	c, err := New(loc, Hours{9 * time.Hour, 18 * time.Hour}, []Year{{Year: 2026, Holidays: hol, Workdays: work}})
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func mustDate(tb testing.TB, s string) Date {
	tb.Helper()
	d, err := ParseDate(s)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func at(tb testing.TB, c *Calendar, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, c.Location())
	if err != nil {
		tb.Fatal(err)
	}
	return t
}

func TestKindOf(t *testing.T) {
	c := cal2026(t)
	tests := []struct {
		date string
		want Kind
	}{
		{"2026-01-01", Holiday},
		{"2026-01-03", Holiday},
		{"2026-01-04", MakeUpWorkday}, // Sunday worked
		{"2026-01-05", Weekday},
		{"2026-01-10", Weekend},
		{"2026-02-14", MakeUpWorkday},
		{"2026-02-15", Holiday},
		{"2026-02-23", Holiday},
		{"2026-02-24", Weekday},
		{"2026-02-28", MakeUpWorkday},
		{"2026-04-06", Holiday},
		{"2026-05-05", Holiday},
		{"2026-05-09", MakeUpWorkday},
		{"2026-06-19", Holiday},
		{"2026-09-20", MakeUpWorkday},
		{"2026-09-27", Holiday},
		{"2026-10-07", Holiday},
		{"2026-10-08", Weekday},
		{"2026-10-10", MakeUpWorkday},
		{"2027-01-02", Weekend}, // no 2027 entries: weekends only
		{"2027-01-01", Weekday},
	}
	for _, tt := range tests {
		t.Run(tt.date, func(t *testing.T) {
			if got := c.KindOf(mustDate(t, tt.date)); got != tt.want {
				t.Errorf("KindOf(%s) = %v, want %v", tt.date, got, tt.want)
			}
			if got, want := c.IsWorkingDay(mustDate(t, tt.date).In(c.Location()).Add(12*time.Hour)), tt.want == Weekday || tt.want == MakeUpWorkday; got != want {
				t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.date, got, want)
			}
		})
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := cal2026(t)
	tests := []struct {
		from string
		n    int
		want string
	}{
		{"2026-09-18 10:30", 2, "2026-09-21 10:30"}, // Sun 09-20 is a make-up workday
		{"2026-09-24 10:30", 1, "2026-09-28 10:30"}, // 25–27 holiday
		{"2026-09-30 16:00", 2, "2026-10-09 16:00"}, // National Day, then Fri 10-09
		{"2026-10-09 16:00", 1, "2026-10-10 16:00"}, // Sat 10-10 worked
		{"2026-02-13 09:00", 1, "2026-02-14 09:00"},
		{"2026-02-14 09:00", 1, "2026-02-24 09:00"}, // Spring Festival
		{"2026-02-24 09:00", -1, "2026-02-14 09:00"},
		{"2026-03-02 09:00", 0, "2026-03-02 09:00"},
		{"2026-12-31 09:00", 1, "2027-01-01 09:00"}, // 2027 unknown: weekends only
		{"2026-01-01 08:00", 5, "2026-01-08 08:00"}, // 4 (Sunday, worked), 5, 6, 7, 8 Jan
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			from := at(t, c, tt.from)
			got := c.AddWorkingDays(from, tt.n)
			if want := at(t, c, tt.want); !got.Equal(want) {
				t.Fatalf("AddWorkingDays(%s, %d) = %v, want %v", tt.from, tt.n, got, want)
			}
			if tt.n != 0 {
				if back := c.WorkingDaysBetween(from, got); back != tt.n {
					t.Errorf("WorkingDaysBetween(%s, %v) = %d, want %d", tt.from, got, back, tt.n)
				}
			}
		})
	}
}

func TestWorkingDaysIn2026(t *testing.T) {
	c := cal2026(t)
	from, to := at(t, c, "2025-12-31 12:00"), at(t, c, "2026-12-31 12:00")
	// 261 weekdays in 2026, less 25 weekday holidays, plus 6 make-up days.
	weekdays := 0
	for d := mustDate(t, "2026-01-01"); d.Year == 2026; d = d.AddDays(1) {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			weekdays++
		}
	}
	holidaysOnWeekdays := 0
	for d := range c.holidays {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			holidaysOnWeekdays++
		}
	}
	want := weekdays - holidaysOnWeekdays + len(c.workdays)
	if got := c.WorkingDaysBetween(from, to); got != want {
		t.Errorf("WorkingDaysBetween(2026) = %d, want %d", got, want)
	}
	if got := c.WorkingDaysBetween(to, from); got != -want {
		t.Errorf("WorkingDaysBetween(reversed) = %d, want %d", got, -want)
	}
}

func TestAddWorkingHours(t *testing.T) {
	c := cal2026(t)
	tests := []struct {
		from string
		d    time.Duration
		want string
	}{
		{"2026-03-02 10:00", 6 * time.Hour, "2026-03-02 16:00"},
		{"2026-03-02 15:00", 6 * time.Hour, "2026-03-03 12:00"},
		{"2026-03-02 07:00", 1 * time.Hour, "2026-03-02 10:00"}, // before opening
		{"2026-03-02 19:00", 1 * time.Hour, "2026-03-03 10:00"}, // after closing
		{"2026-09-24 17:00", 7 * time.Hour, "2026-09-28 15:00"}, // over the Mid-Autumn holiday
		{"2026-10-09 17:30", 1 * time.Hour, "2026-10-10 09:30"}, // Saturday make-up workday
		{"2026-03-02 18:00", 9 * time.Hour, "2026-03-03 18:00"}, // a whole day
		{"2026-03-06 12:00", 0, "2026-03-06 12:00"},
	}
	for _, tt := range tests {
		t.Run(tt.from+"+"+tt.d.String(), func(t *testing.T) {
			got := c.AddWorkingHours(at(t, c, tt.from), tt.d)
			if want := at(t, c, tt.want); !got.Equal(want) {
				t.Errorf("AddWorkingHours(%s, %v) = %v, want %v", tt.from, tt.d, got, want)
			}
		})
	}
	if !c.IsWorkingTime(at(t, c, "2026-10-10 09:00")) || c.IsWorkingTime(at(t, c, "2026-10-10 18:00")) {
		t.Error("IsWorkingTime wrong at the edges of 2026-10-10")
	}
}

func TestMissingYears(t *testing.T) {
	c := cal2026(t)
	tests := []struct {
		now  string
		want []int
	}{
		{"2026-03-01 12:00", []int{2027}},
		{"2025-12-01 12:00", []int{2025}},
		{"2028-01-01 12:00", []int{2028, 2029}},
	}
	for _, tt := range tests {
		t.Run(tt.now, func(t *testing.T) {
			got := c.MissingYears(at(t, c, tt.now))
			if len(got) != len(tt.want) {
				t.Fatalf("MissingYears(%s) = %v, want %v", tt.now, got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("MissingYears(%s) = %v, want %v", tt.now, got, tt.want)
				}
			}
		})
	}
	if !c.HasYear(2026) || c.HasYear(2027) {
		t.Error("HasYear wrong")
	}
}

func TestNewRefuses(t *testing.T) {
	loc := time.UTC
	h := Hours{9 * time.Hour, 18 * time.Hour}
	d := func(s string) Date { return mustDate(t, s) }
	tests := []struct {
		name  string
		hours Hours
		years []Year
	}{
		{"year twice", h, []Year{{Year: 2026}, {Year: 2026}}},
		{"holiday in other year", h, []Year{{Year: 2026, Holidays: []Date{d("2027-01-01")}}}},
		{"workday on a weekday", h, []Year{{Year: 2026, Workdays: []Date{d("2026-01-05")}}}},
		{"both", h, []Year{{Year: 2026, Holidays: []Date{d("2026-01-04")}, Workdays: []Date{d("2026-01-04")}}}},
		{"hours reversed", Hours{18 * time.Hour, 9 * time.Hour}, nil},
		{"invalid date", h, []Year{{Year: 2026, Holidays: []Date{{2026, 2, 30}}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := New(loc, tt.hours, tt.years); err == nil {
				t.Errorf("New(%s) = nil error, want a refusal", tt.name)
			}
		})
	}
}

func TestDate(t *testing.T) {
	tests := []struct {
		from   string
		months int
		want   string
	}{
		{"2026-01-31", 1, "2026-02-28"},
		{"2028-01-31", 1, "2028-02-29"},
		{"2026-11-30", 3, "2027-02-28"},
		{"2026-05-15", 12, "2027-05-15"},
		{"2026-05-15", 24, "2028-05-15"},
		{"2026-03-31", -1, "2026-02-28"},
	}
	for _, tt := range tests {
		t.Run(tt.from, func(t *testing.T) {
			if got := mustDate(t, tt.from).AddMonths(tt.months); got.String() != tt.want {
				t.Errorf("AddMonths(%s, %d) = %v, want %s", tt.from, tt.months, got, tt.want)
			}
		})
	}
	for _, bad := range []string{"2026-02-30", "2026-2-3", "26-01-01", "", "2026-01-01T00:00"} {
		if _, err := ParseDate(bad); err == nil {
			t.Errorf("ParseDate(%q) = nil error", bad)
		}
	}
	if got := mustDate(t, "2026-03-01").Sub(mustDate(t, "2026-02-01")); got != 28 {
		t.Errorf("Sub = %d, want 28", got)
	}
}

func BenchmarkAddWorkingDays(b *testing.B) {
	c := cal2026(b)
	from := at(b, c, "2026-09-30 16:00")
	b.ReportAllocs()
	for b.Loop() {
		c.AddWorkingDays(from, 5)
	}
}
