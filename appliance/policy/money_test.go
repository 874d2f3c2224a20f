package policy

import (
	"math"
	"testing"

	"shouhou/appliance/calendar"
)

// TestPercent pins the rounding rule of docs/config.md: a percentage of an
// amount is rounded half up to the fen (half away from zero when negative).
func TestPercent(t *testing.T) {
	tests := []struct {
		fen  int64
		rate BP
		want int64
	}{
		{1230, 500, 62},   // 61.5 → 62
		{1229, 500, 61},   // 61.45 → 61
		{1, 5000, 1},      // 0.5 → 1
		{1, 4999, 0},      // 0.4999 → 0
		{199, 5000, 100},  // 99.5 → 100
		{-1230, 500, -62}, // half away from zero
		{80000, 2000, 16000},
		{12345, 2000, 2469},
		{0, 10000, 0},
		{100, 0, 0},
		{math.MaxInt64, 10000, math.MaxInt64},
		{math.MaxInt64, 20000, math.MaxInt64}, // saturates
		{math.MinInt64, 10000, math.MinInt64},
		{MaxPriceFen, 1, 1_000_000},
	}
	for _, tt := range tests {
		if got := Percent(tt.fen, tt.rate); got != tt.want {
			t.Errorf("Percent(%d, %v) = %d, want %d", tt.fen, tt.rate, got, tt.want)
		}
	}
}

func TestBPAndYuanStrings(t *testing.T) {
	for bp, want := range map[BP]string{500: "5%", 525: "5.25%", 550: "5.5%", 0: "0%", 10000: "100%", 1: "0.01%", -250: "-2.5%"} {
		if got := bp.String(); got != want {
			t.Errorf("BP(%d).String() = %q, want %q", int64(bp), got, want)
		}
	}
	for fen, want := range map[int64]string{123456: "1234.56", 5: "0.05", 0: "0.00", -1250: "-12.50"} {
		if got := Yuan(fen); got != want {
			t.Errorf("Yuan(%d) = %q, want %q", fen, got, want)
		}
	}
}

func TestWindow(t *testing.T) {
	p := calendar.NewDate(2026, 1, 31)
	tests := []struct {
		w       Window
		claimed calendar.Date
		want    bool
		str     string
	}{
		{Window{Days: 7}, calendar.NewDate(2026, 2, 7), true, "7d"},
		{Window{Days: 7}, calendar.NewDate(2026, 2, 8), false, "7d"},
		{Window{Months: 1}, calendar.NewDate(2026, 2, 28), true, "1m"},
		{Window{Months: 1}, calendar.NewDate(2026, 3, 1), false, "1m"},
		{Window{Months: 12}, calendar.NewDate(2027, 1, 31), true, "1y"},
		{Window{Months: 12}, calendar.NewDate(2027, 2, 1), false, "1y"},
		{Window{}, p, false, "none"},
	}
	for _, tt := range tests {
		t.Run(tt.str+"/"+tt.claimed.String(), func(t *testing.T) {
			if got := tt.w.Contains(p, tt.claimed); got != tt.want {
				t.Errorf("%v.Contains(%v, %v) = %v, want %v", tt.w, p, tt.claimed, got, tt.want)
			}
			if got := tt.w.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
		})
	}
}

func TestTablesValidate(t *testing.T) {
	if err := defaultTables().Validate(); err != nil {
		t.Fatalf("defaultTables().Validate() = %v", err)
	}
	breakers := map[string]func(*Tables){
		"no categories":      func(t *Tables) { t.Categories = nil },
		"bad flag":           func(t *Tables) { t.NoReasonReturnFlags = []string{"used"} },
		"depreciation order": func(t *Tables) { t.Depreciation[1].UpToDays = 10 },
		"payer":              func(t *Tables) { t.ShippingAfter = "nobody" },
		"repairs":            func(t *Tables) { t.RepairsBeforeExchange = 0 },
		"rate":               func(t *Tables) { t.RepairCap = 10001 },
	}
	for name, br := range breakers {
		tb := defaultTables()
		br(tb)
		if err := tb.Validate(); err == nil {
			t.Errorf("Validate with %s = nil, want an error", name)
		}
	}
}
