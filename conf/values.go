package conf

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"shouhou/appliance/policy"
)

// Money is an amount in fen. In TOML it is written either as a string in
// yuan with at most two decimals ("12.50", "3", "0.05") or as an integer
// number of fen (1250). It is never negative.
type Money int64

// yuanRE matches yuan with at most 12 digits before the point, so no amount
// overflows int64.
var yuanRE = regexp.MustCompile(`^([0-9]{1,12})(?:\.([0-9]{1,2}))?$`)

// ParseYuan parses a yuan amount with at most two decimals into fen exactly.
func ParseYuan(s string) (Money, error) {
	m := yuanRE.FindStringSubmatch(s)
	if m == nil {
		return 0, fmt.Errorf("金额应为最多两位小数的元，如 \"12.50\" / money must be yuan with at most two decimals, like \"12.50\", got %q", s)
	}
	yuan, _ := strconv.ParseInt(m[1], 10, 64)
	frac := m[2]
	for len(frac) < 2 {
		frac += "0"
	}
	fen, _ := strconv.ParseInt(frac, 10, 64)
	return Money(yuan*100 + fen), nil
}

// UnmarshalTOML reads a yuan string or an integer of fen.
func (m *Money) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case string:
		p, err := ParseYuan(x)
		if err != nil {
			return err
		}
		*m = p
	case int64:
		if x < 0 || x > 100_000_000_000_00 {
			return fmt.Errorf("金额（分）应在 0 到 10000000000000 之间 / money in fen must be 0–10000000000000, got %d", x)
		}
		*m = Money(x)
	default:
		return fmt.Errorf("金额应写成元字符串 \"12.50\" 或整数分 1250 / money must be a yuan string like \"12.50\" or integer fen like 1250, got %T", v)
	}
	return nil
}

// Fen returns the amount in fen.
func (m Money) Fen() int64 { return int64(m) }

// String formats the amount in yuan, "12.50".
func (m Money) String() string { return policy.Yuan(int64(m)) }

// MarshalText formats the amount in yuan, "12.50".
func (m Money) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// Percent is a rate in basis points. In TOML it is a string with a percent
// sign and at most two decimals, from "0%" to "100%": "5%", "5.25%".
type Percent policy.BP

var percentRE = regexp.MustCompile(`^([0-9]{1,3})(?:\.([0-9]{1,2}))?%$`)

// ParsePercent parses "5.25%" into basis points exactly.
func ParsePercent(s string) (Percent, error) {
	m := percentRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, fmt.Errorf("百分比应写成 \"5%%\" 或 \"5.25%%\" / percentage must be like \"5%%\" or \"5.25%%\", got %q", s)
	}
	whole, _ := strconv.ParseInt(m[1], 10, 64)
	frac := m[2]
	for len(frac) < 2 {
		frac += "0"
	}
	f, _ := strconv.ParseInt(frac, 10, 64)
	bp := whole*100 + f
	if bp > 10000 {
		return 0, fmt.Errorf("百分比不能超过 100%% / percentage must not exceed 100%%, got %q", s)
	}
	return Percent(bp), nil
}

// UnmarshalTOML reads a percentage string.
func (p *Percent) UnmarshalTOML(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("百分比应为字符串，如 \"5%%\" / percentage must be a string like \"5%%\", got %T", v)
	}
	q, err := ParsePercent(s)
	if err != nil {
		return err
	}
	*p = q
	return nil
}

// BP returns the rate in basis points.
func (p Percent) BP() policy.BP { return policy.BP(p) }

// MarshalText formats the rate, "5.25%".
func (p Percent) MarshalText() ([]byte, error) { return []byte(policy.BP(p).String()), nil }

// Window is a period from a purchase or an event: "7d" (days), "3m"
// (months), "1y" (years), or "none".
type Window policy.Window

var windowRE = regexp.MustCompile(`^([0-9]{1,4})([dmy])$`)

// ParseWindow parses "7d", "3m", "1y" or "none".
func ParseWindow(s string) (Window, error) {
	if s == "none" {
		return Window{}, nil
	}
	m := windowRE.FindStringSubmatch(s)
	if m == nil || m[1] == "0" {
		return Window{}, fmt.Errorf("期限应写成 \"7d\"、\"3m\"、\"1y\" 或 \"none\" / period must be like \"7d\", \"3m\", \"1y\" or \"none\", got %q", s)
	}
	n, _ := strconv.Atoi(m[1])
	switch m[2] {
	case "d":
		return Window{Days: n}, nil
	case "m":
		return Window{Months: n}, nil
	}
	return Window{Months: 12 * n}, nil
}

// UnmarshalTOML reads a period string.
func (w *Window) UnmarshalTOML(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("期限应为字符串，如 \"7d\" / period must be a string like \"7d\", got %T", v)
	}
	p, err := ParseWindow(s)
	if err != nil {
		return err
	}
	*w = p
	return nil
}

// Policy returns the window as the policy engine's type.
func (w Window) Policy() policy.Window { return policy.Window(w) }

// MarshalText formats the window, "3m".
func (w Window) MarshalText() ([]byte, error) { return []byte(policy.Window(w).String()), nil }

// Duration is a positive Go duration string in TOML: "24h", "90m".
type Duration time.Duration

// UnmarshalTOML reads a duration string.
func (d *Duration) UnmarshalTOML(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("时长应为字符串，如 \"24h\" / duration must be a string like \"24h\", got %T", v)
	}
	p, err := time.ParseDuration(s)
	if err != nil || p <= 0 {
		return fmt.Errorf("时长应为正数，如 \"24h\"、\"30m\" / duration must be positive, like \"24h\" or \"30m\", got %q", s)
	}
	*d = Duration(p)
	return nil
}

// D returns the duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// MarshalText formats the duration, "24h0m0s".
func (d Duration) MarshalText() ([]byte, error) { return []byte(time.Duration(d).String()), nil }

// Clock is a time of day, "09:00", stored as the offset from midnight.
type Clock time.Duration

// UnmarshalTOML reads "HH:MM" (00:00–24:00).
func (c *Clock) UnmarshalTOML(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("时间应为字符串 \"09:00\" / time of day must be a string like \"09:00\", got %T", v)
	}
	var h, m int
	if len(s) != 5 || s[2] != ':' {
		return fmt.Errorf("时间应写成 \"HH:MM\" / time of day must be \"HH:MM\", got %q", s)
	}
	h, err1 := strconv.Atoi(s[:2])
	m, err2 := strconv.Atoi(s[3:])
	if err1 != nil || err2 != nil || h < 0 || m < 0 || m > 59 || h > 24 || (h == 24 && m != 0) {
		return fmt.Errorf("时间应写成 \"HH:MM\" / time of day must be \"HH:MM\", got %q", s)
	}
	*c = Clock(time.Duration(h)*time.Hour + time.Duration(m)*time.Minute)
	return nil
}

// D returns the offset from midnight.
func (c Clock) D() time.Duration { return time.Duration(c) }

// String formats "HH:MM".
func (c Clock) String() string {
	d := time.Duration(c)
	return fmt.Sprintf("%02d:%02d", int(d.Hours()), int(d.Minutes())%60)
}

// MarshalText formats "HH:MM".
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }
