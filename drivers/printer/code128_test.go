package printer

import (
	"fmt"
	"strings"
	"testing"

	"shouhou/drivers/printer/escpostest"
)

// TestCode128Patterns checks the table's structure: 6 elements of 11
// modules (STOP: 7 of 13), bars even and spaces odd, all distinct.
func TestCode128Patterns(t *testing.T) {
	seen := map[string]int{}
	for v, p := range code128Patterns {
		wantLen, wantSum := 6, 11
		if v == c128Stop {
			wantLen, wantSum = 7, 13
		}
		sum, bars := 0, 0
		for i, c := range p {
			sum += int(c - '0')
			if i%2 == 0 {
				bars += int(c - '0')
			}
		}
		if len(p) != wantLen || sum != wantSum || (v != c128Stop && bars%2 != 0) {
			t.Errorf("pattern %d %q: %d elements, %d modules, %d bar modules", v, p, len(p), sum, bars)
		}
		if w, dup := seen[p]; dup {
			t.Errorf("pattern %d %q repeats pattern %d", v, p, w)
		}
		seen[p] = v
	}
}

// TestCode128SVG reads the drawn bars back into symbol values, checks the
// check symbol and decodes the data.
func TestCode128SVG(t *testing.T) {
	for _, data := range []string{"T20261123-0042", "A{b}12345", "0042"} {
		t.Run(data, func(t *testing.T) {
			svg, err := code128SVG(data, 2, 64)
			if err != nil {
				t.Fatal(err)
			}
			widths := barWidths(t, svg, 2)
			byPattern := map[string]int{}
			for v, p := range code128Patterns {
				byPattern[p] = v
			}
			var vals []int
			for len(widths) > 0 {
				n := 6
				if len(widths) == 7 {
					n = 7
				}
				v, ok := byPattern[widths[:n]]
				if !ok {
					t.Fatalf("bars %q match no pattern", widths[:n])
				}
				vals = append(vals, v)
				widths = widths[n:]
			}
			if vals[len(vals)-1] != c128Stop {
				t.Fatalf("last symbol %d, want STOP", vals[len(vals)-1])
			}
			sum := vals[0]
			for i, v := range vals[1 : len(vals)-2] {
				sum += (i + 1) * v
			}
			if check := vals[len(vals)-2]; sum%103 != check {
				t.Errorf("check symbol %d, want %d", check, sum%103)
			}
			payload, _, _ := code128(data)
			if got, err := escpostest.DecodeCode128(payload); err != nil || got != data {
				t.Errorf("payload decodes to %q, %v", got, err)
			}
		})
	}
}

// barWidths reads the rect elements of an SVG drawn by code128SVG into a
// string of bar and space widths in modules.
func barWidths(t *testing.T, svg string, module int) string {
	t.Helper()
	var b strings.Builder
	last := -1
	for _, part := range strings.Split(svg, `<rect x="`)[1:] {
		var x, w int
		if _, err := fmtSscanf(part, &x, &w); err != nil {
			t.Fatalf("rect %q: %v", part, err)
		}
		if last >= 0 {
			b.WriteByte(byte('0' + (x-last)/module))
		}
		b.WriteByte(byte('0' + w/module))
		last = x + w
	}
	return b.String()
}

func fmtSscanf(s string, x, w *int) (int, error) {
	return fmt.Sscanf(s, `%d" width="%d"`, x, w)
}
