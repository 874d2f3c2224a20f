package reports

import (
	"regexp"
	"strings"
)

// formulaStart are the first characters that make a spreadsheet read a
// cell as a formula (OWASP, CSV injection): = + - @, a tab and a carriage
// return.
const formulaStart = "=+-@\t\r"

// plainNumber is a number as the reports write one: an integer, yuan with
// decimals, or a percentage, maybe negative.
var plainNumber = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?%?$`)

// numericColumns reports, per column of t, whether it holds numbers: every
// cell is a plain number, empty or "—" (no rate). Such a column's cells are
// written as they are, so -123.45 stays a number in a spreadsheet.
func numericColumns(t Table) []bool {
	out := make([]bool, len(t.Columns))
	for j := range out {
		out[j] = true
		for _, r := range t.Rows {
			if j < len(r) && r[j] != "" && r[j] != "—" && !plainNumber.MatchString(r[j]) {
				out[j] = false
				break
			}
		}
	}
	return out
}

// defuseRow returns row with every cell that would start a formula made
// text by a leading single quote, except in the numeric columns (nil: no
// column is numeric).
func defuseRow(row []string, numeric []bool) []string {
	out := make([]string, len(row))
	for j, c := range row {
		if j < len(numeric) && numeric[j] {
			out[j] = c
			continue
		}
		out[j] = Defuse(c)
	}
	return out
}

// Defuse returns a text cell a spreadsheet shows as text: one that starts
// with = + - @, a tab or a carriage return gets a leading single quote.
func Defuse(cell string) string {
	if cell != "" && strings.IndexByte(formulaStart, cell[0]) >= 0 {
		return "'" + cell
	}
	return cell
}

// terminalSafe returns t with every control character and bidi control
// in its cells shown as '?', so typed text cannot move a terminal's cursor,
// change its colours or reorder the line (shouhou report -format text).
func terminalSafe(t Table) Table {
	clean := func(row []string) []string {
		out := make([]string, len(row))
		for j, c := range row {
			out[j] = strings.Map(func(r rune) rune {
				if r < 0x20 || r >= 0x7f && r < 0xa0 || r >= 0x200b && r <= 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 || r == 0xfeff {
					return '?'
				}
				return r
			}, c)
		}
		return out
	}
	out := Table{Name: t.Name, Title: clean([]string{t.Title})[0], Columns: clean(t.Columns)}
	for _, r := range t.Rows {
		out.Rows = append(out.Rows, clean(r))
	}
	return out
}
