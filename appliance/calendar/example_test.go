package calendar_test

import (
	"fmt"
	"time"

	"shouhou/appliance/calendar"
)

func Example() {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	d := func(s string) calendar.Date { x, _ := calendar.ParseDate(s); return x }
	c, _ := calendar.New(loc, calendar.Hours{Start: 9 * time.Hour, End: 18 * time.Hour}, []calendar.Year{{
		Year:     2026,
		Holidays: []calendar.Date{d("2026-09-25"), d("2026-09-26"), d("2026-09-27")},
		Workdays: []calendar.Date{d("2026-09-20")},
	}})
	// A complaint on Friday 2026-09-18 is answered within 2 working days.
	received := time.Date(2026, 9, 18, 15, 0, 0, 0, loc)
	fmt.Println(c.AddWorkingDays(received, 2).Format("2006-01-02 15:04 Mon"))
	fmt.Println(c.IsWorkingDay(time.Date(2026, 9, 20, 10, 0, 0, 0, loc)), c.HasYear(2027))
	// Output:
	// 2026-09-21 15:00 Mon
	// true false
}
