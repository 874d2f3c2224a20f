package policy

import (
	"fmt"
	"math/bits"
)

// BP is a rate in basis points: 1 % = 100 BP, 100 % = 10000 BP.
type BP int64

// String formats the rate as a percentage with the decimals it needs: "5%",
// "5.25%".
func (b BP) String() string {
	sign := ""
	v := int64(b)
	if v < 0 {
		sign, v = "-", -v
	}
	if v%100 == 0 {
		return fmt.Sprintf("%s%d%%", sign, v/100)
	}
	if v%10 == 0 {
		return fmt.Sprintf("%s%d.%d%%", sign, v/100, v%100/10)
	}
	return fmt.Sprintf("%s%d.%02d%%", sign, v/100, v%100)
}

// Percent returns rate of fen, rounded half up to the fen: an exact half
// fen goes up (away from zero for a negative amount). The product is
// computed in 128 bits, so no amount or rate overflows before the division;
// a result beyond int64 saturates.
func Percent(fen int64, rate BP) int64 {
	neg := (fen < 0) != (rate < 0)
	a, r := abs64(fen), abs64(int64(rate))
	hi, lo := bits.Mul64(a, r)
	lo, carry := bits.Add64(lo, 5000, 0)
	hi += carry
	if hi >= 10000 {
		if neg {
			return -1 << 63
		}
		return 1<<63 - 1
	}
	q, _ := bits.Div64(hi, lo, 10000)
	if q > 1<<63-1 {
		if neg {
			return -1 << 63
		}
		return 1<<63 - 1
	}
	if neg {
		return -int64(q)
	}
	return int64(q)
}

func abs64(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1
	}
	return uint64(v)
}

// Yuan formats fen as yuan with two decimals: 123456 → "1234.56".
func Yuan(fen int64) string {
	sign := ""
	u := abs64(fen)
	if fen < 0 {
		sign = "-"
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}
