package ui

import (
	"strings"
	"testing"
	"time"

	"shouhou/conf"
)

// TestReportOptionsFromConfig checks that the report targets and the
// repair warranty come from the config in force, not from constants.
func TestReportOptionsFromConfig(t *testing.T) {
	sla, err := conf.DefaultFile(conf.FileSLA)
	if err != nil {
		t.Fatal(err)
	}
	pol, err := conf.DefaultFile(conf.FilePolicy)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name                  string
		onTime, satisfaction  string
		repairWarranty        string
		wantOnTime, wantSatis float64
		wantMonths            int
	}{
		{"defaults", `"90%"`, `"90%"`, "", 0.9, 0.9, 0},
		{"stricter", `"95%"`, `"92.5%"`, `"3m"`, 0.95, 0.925, 3},
		{"warranty in days", `"90%"`, `"90%"`, `"45d"`, 0.9, 0.9, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := strings.Replace(string(sla), `on_time = "90%"`, "on_time = "+tt.onTime, 1)
			s = strings.Replace(s, `satisfaction = "90%"`, "satisfaction = "+tt.satisfaction, 1)
			p := string(pol)
			if tt.repairWarranty != "" {
				p = replaceKey(t, p, "repair_warranty", tt.repairWarranty)
			}
			cfg, err := conf.LoadFiles(map[string][]byte{conf.FileSLA: []byte(s), conf.FilePolicy: []byte(p)}, time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC))
			if err != nil {
				t.Fatal(err)
			}
			o := ReportOptions(cfg)
			if o.OnTimeTarget != tt.wantOnTime || o.SatisfactionTarget != tt.wantSatis {
				t.Errorf("targets = %v, %v; want %v, %v", o.OnTimeTarget, o.SatisfactionTarget, tt.wantOnTime, tt.wantSatis)
			}
			if tt.wantMonths != 0 && o.RepairWarrantyMonths != tt.wantMonths {
				t.Errorf("RepairWarrantyMonths = %d, want %d", o.RepairWarrantyMonths, tt.wantMonths)
			}
		})
	}
}

// replaceKey sets the first top-level `key = ...` line of a TOML text.
func replaceKey(t *testing.T, text, key, value string) string {
	t.Helper()
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if strings.HasPrefix(strings.TrimSpace(l), key+" ") || strings.HasPrefix(strings.TrimSpace(l), key+"=") {
			lines[i] = key + " = " + value
			return strings.Join(lines, "\n")
		}
	}
	t.Fatalf("no %s in the text", key)
	return ""
}
