package conf

import (
	"testing"

	"shouhou/appliance/policy"
)

func TestParseYuan(t *testing.T) {
	tests := []struct {
		in   string
		want Money
		ok   bool
	}{
		{"12.50", 1250, true},
		{"12.5", 1250, true},
		{"12", 1200, true},
		{"0.05", 5, true},
		{"0.1", 10, true},
		{"999999999999.99", 99999999999999, true},
		{"12.345", 0, false},
		{"-1.00", 0, false},
		{"1,000.00", 0, false},
		{" 1.00", 0, false},
		{"1.", 0, false},
		{".50", 0, false},
		{"1e3", 0, false},
		{"", 0, false},
		{"1000000000000.00", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseYuan(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestMoneyUnmarshal(t *testing.T) {
	tests := []struct {
		in   any
		want Money
		ok   bool
	}{
		{"12.50", 1250, true},
		{int64(1250), 1250, true},
		{int64(0), 0, true},
		{int64(-1), 0, false},
		{12.5, 0, false},
		{true, 0, false},
	}
	for _, tt := range tests {
		var m Money
		err := m.UnmarshalTOML(tt.in)
		if (err == nil) != tt.ok || m != tt.want {
			t.Errorf("Money.UnmarshalTOML(%#v) = %d, %v; want %d, ok=%v", tt.in, m, err, tt.want, tt.ok)
		}
	}
}

func TestParsePercent(t *testing.T) {
	tests := []struct {
		in   string
		want Percent
		ok   bool
	}{
		{"5%", 500, true},
		{"5.25%", 525, true},
		{"5.5%", 550, true},
		{"0.01%", 1, true},
		{"0%", 0, true},
		{"100%", 10000, true},
		{"100.01%", 0, false},
		{"5.255%", 0, false},
		{"5", 0, false},
		{"-5%", 0, false},
		{"0.05", 0, false},
	}
	for _, tt := range tests {
		got, err := ParsePercent(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParsePercent(%q) = %d, %v; want %d, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// TestPercentOfMoneyRounding is the rule docs/config.md states: a
// percentage of an amount is rounded half up to the fen.
func TestPercentOfMoneyRounding(t *testing.T) {
	tests := []struct {
		money, pct string
		want       int64
	}{
		{"12.30", "5%", 62},      // 61.5 fen → 62
		{"12.29", "5%", 61},      // 61.45 → 61
		{"0.01", "50%", 1},       // 0.5 → 1
		{"0.01", "49.99%", 0},    // 0.4999 → 0
		{"999.99", "20%", 20000}, // 19999.8 → 20000
		{"1000.00", "5.25%", 5250},
	}
	for _, tt := range tests {
		m, err1 := ParseYuan(tt.money)
		p, err2 := ParsePercent(tt.pct)
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if got := policy.Percent(m.Fen(), p.BP()); got != tt.want {
			t.Errorf("%s of %s = %d fen, want %d", tt.pct, tt.money, got, tt.want)
		}
	}
}

func TestParseWindow(t *testing.T) {
	tests := []struct {
		in   string
		want Window
		ok   bool
	}{
		{"7d", Window{Days: 7}, true},
		{"3m", Window{Months: 3}, true},
		{"2y", Window{Months: 24}, true},
		{"none", Window{}, true},
		{"0d", Window{}, false},
		{"7", Window{}, false},
		{"7 days", Window{}, false},
		{"1w", Window{}, false},
	}
	for _, tt := range tests {
		got, err := ParseWindow(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseWindow(%q) = %+v, %v; want %+v, ok=%v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestClockUnmarshal(t *testing.T) {
	for in, ok := range map[string]bool{"09:00": true, "24:00": true, "00:00": true, "9:00": false, "24:01": false, "12:60": false, "ab:cd": false} {
		var c Clock
		if err := c.UnmarshalTOML(in); (err == nil) != ok {
			t.Errorf("Clock.UnmarshalTOML(%q) = %v, want ok=%v", in, err, ok)
		}
	}
}

func TestParseDevice(t *testing.T) {
	tests := []struct {
		in, kind, target string
	}{
		{"/dev/usb/lp0", DeviceUSB, "/dev/usb/lp0"},
		{"tcp://192.168.1.50:9100", DeviceTCP, "192.168.1.50:9100"},
		{"tcp://printer.lan:9100", DeviceTCP, "printer.lan:9100"},
		{"dir:var/prints", DeviceDir, "var/prints"},
		{"tcp://printer", "", ""},
		{"tcp://:9100", "", ""},
		{"tcp://h:99999", "", ""},
		{"dir:", "", ""},
		{"lp0", "", ""},
	}
	for _, tt := range tests {
		kind, target, err := ParseDevice(tt.in)
		if kind != tt.kind || target != tt.target || (err == nil) != (tt.kind != "") {
			t.Errorf("ParseDevice(%q) = %q, %q, %v; want %q, %q", tt.in, kind, target, err, tt.kind, tt.target)
		}
	}
}
