package forms

import (
	"errors"
	"strconv"
	"strings"
)

// maxYuanDigits bounds the yuan part of a written amount so that its fen
// always fit an int64 (10^15 yuan = 10^17 fen < 9.2·10^18).
const maxYuanDigits = 15

// FormatYuan prints fen as yuan with two decimals behind the fullwidth
// yuan sign: 129900 → "￥1299.00", -50 → "-￥0.50". No floats are involved.
func FormatYuan(fen int64) string {
	return signed(fen, "￥")
}

// yuanValue is fen as a money field's string form: "1299.00", "-0.50".
func yuanValue(fen int64) string { return signed(fen, "") }

func signed(fen int64, sign string) string {
	neg := fen < 0
	u := uint64(fen)
	if neg {
		u = -u // two's complement: right for math.MinInt64 too
	}
	s := sign + strconv.FormatUint(u/100, 10) + "." + twoDigits(u%100)
	if neg {
		return "-" + s
	}
	return s
}

func twoDigits(n uint64) string {
	if n < 10 {
		return "0" + strconv.FormatUint(n, 10)
	}
	return strconv.FormatUint(n, 10)
}

// ParseYuan reads an amount written in yuan — optional '-', optional '￥'
// or '¥', digits, optional '.' and one or two decimals ("35", "35.5",
// "-￥12.00") — as int64 fen, exactly, without floats. Anything else,
// including more than two decimals or more than 15 digits of yuan, is an
// error.
func ParseYuan(s string) (int64, error) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	s = strings.TrimPrefix(strings.TrimPrefix(s, "￥"), "¥")
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > maxYuanDigits || !digits(whole) {
		return 0, errors.New("not an amount in yuan")
	}
	if dot && (frac == "" || len(frac) > 2 || !digits(frac)) {
		return 0, errors.New("at most two decimals")
	}
	y, err := strconv.ParseInt(whole, 10, 64)
	if err != nil {
		return 0, err
	}
	f := int64(0)
	if frac != "" {
		f, _ = strconv.ParseInt(frac, 10, 64)
		if len(frac) == 1 {
			f *= 10
		}
	}
	fen := y*100 + f
	if neg {
		fen = -fen
	}
	return fen, nil
}

// digits reports whether s is non-empty ASCII digits.
func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
