package policy

import (
	"strings"
	"testing"
)

func TestChanges(t *testing.T) {
	old := defaultTables()
	restock := defaultTables()
	restock.RestockingFee = 500
	longer := defaultTables()
	c := longer.Categories["electronics"]
	c.QualityReturn = Window{Days: 15}
	longer.Categories["electronics"] = c
	tests := []struct {
		name   string
		new    *Tables
		facts  Facts
		change string // substring of the first change, "" = no change
	}{
		{"same", defaultTables(), fx("electronics", NQ, "2026-03-02"), ""},
		{"restocking", restock, fx("electronics", NQ, "2026-03-02"), "~ return"},
		{"restocking-irrelevant", restock, fx("electronics", Q, "2026-03-02"), ""},
		{"longer-return", longer, fx("electronics", Q, "2026-03-12"), "+ return"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Changes(Decide(old, tt.facts), Decide(tt.new, tt.facts))
			switch {
			case tt.change == "" && len(got) > 0:
				t.Errorf("Changes = %q, want none", got)
			case tt.change != "" && (len(got) == 0 || !strings.Contains(got[0], tt.change)):
				t.Errorf("Changes = %q, want %q first", got, tt.change)
			}
		})
	}
}
