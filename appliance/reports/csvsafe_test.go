package reports

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

func TestDefuse(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"equals", "=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"plus", "+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"minus", "-2+3", "'-2+3"},
		{"at", "@SUM(A1)", "'@SUM(A1)"},
		{"tab", "\t=1", "'\t=1"},
		{"carriage return", "\r=1", "'\r=1"},
		{"text", "屏幕不亮", "屏幕不亮"},
		{"empty", "", ""},
		{"inner equals", "a=b", "a=b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Defuse(tt.in); got != tt.want {
				t.Errorf("Defuse(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestWriteCSVDefusesText writes a table with formulas in a text column
// and negative amounts in a numeric one: the formulas become text, the
// amounts stay numbers, and the stream keeps its BOM.
func TestWriteCSVDefusesText(t *testing.T) {
	tb := Table{Name: "x", Title: "=title", Columns: []string{"who", "yuan", "mixed"}, Rows: [][]string{
		{"=1+1", "-123.45", "-5"},
		{"@x", "12.00", "-1+1"},
		{"-", "—", ""},
	}}
	tests := []struct {
		name    string
		write   func(*bytes.Buffer) error
		amounts int // the amounts that must stay numbers
	}{
		{"one", func(b *bytes.Buffer) error { return WriteCSV(b, tb) }, 2},
		{"several", func(b *bytes.Buffer) error { return WriteCSVTables(b, []Table{tb, tb}) }, 4},
	}
	for _, tt := range tests {
		write := tt.write
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := write(&b); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(b.String(), BOM) {
				t.Fatalf("no BOM: %q", b.String()[:10])
			}
			r := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), BOM)))
			r.FieldsPerRecord = -1
			recs, err := r.ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			amounts := 0
			for _, rec := range recs {
				for j, cell := range rec {
					if j == 1 && (cell == "-123.45" || cell == "12.00") {
						amounts++
						continue
					}
					if cell != "" && strings.ContainsRune(formulaStart, rune(cell[0])) {
						t.Errorf("cell %q starts a formula", cell)
					}
				}
			}
			if amounts != tt.amounts {
				t.Errorf("%d amounts kept as numbers, want %d", amounts, tt.amounts)
			}
		})
	}
}

// TestWriteTextShowsControlsAsText: typed text reaches a terminal with its
// escape sequences and bidi overrides as '?'.
func TestWriteTextShowsControlsAsText(t *testing.T) {
	var b bytes.Buffer
	tb := Table{Title: "t\x1b]0;x\x07", Columns: []string{"who"}, Rows: [][]string{{"\x1b[31mred\u202Eevil\u200B\x00"}}}
	if err := WriteText(&b, []Table{tb}); err != nil {
		t.Fatal(err)
	}
	if got, want := b.String(), "t?]0;x?\nwho\n?[31mred?evil??\n"; got != want {
		t.Errorf("WriteText = %q, want %q", got, want)
	}
}
