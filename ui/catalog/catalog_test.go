package catalog

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/drivers/printer"
	"shouhou/drivers/reader"
)

// TestEveryCodeNamed fails when a code the server sends to a screen has
// no name in both languages: a new error code, status, kind, role,
// device state or policy rule must come with its words.
func TestEveryCodeNamed(t *testing.T) {
	c := New()
	files, err := filepath.Glob("../../conf/defaults/*.toml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no conf/defaults/*.toml (%v)", err)
	}
	for i, f := range files {
		files[i] = filepath.Base(f)
	}
	var statuses, kinds, rules []string
	for _, s := range appliance.TicketStatuses {
		statuses = append(statuses, string(s))
	}
	for _, k := range appliance.TicketKinds {
		kinds = append(kinds, string(k))
	}
	for _, r := range policy.Rules() {
		rules = append(rules, r.ID)
	}
	tests := []struct {
		name  string
		table string
		codes []string
	}{
		{"error codes", "error", []string{appliance.EINVALID, appliance.ENOTFOUND, appliance.ECONFLICT, appliance.EUNAUTHORIZED, appliance.EUNAVAILABLE, appliance.EINTERNAL}},
		{"ticket statuses", "status", statuses},
		{"ticket kinds", "kind", kinds},
		{"roles", "role", []string{string(appliance.RoleCustomer), string(appliance.RoleClerk), string(appliance.RoleTechnician), string(appliance.RoleSupervisor), string(appliance.RoleAdmin)}},
		{"printer states", "printer", []string{printer.StateOK, printer.StatePaperOut, printer.StateCoverOpen, printer.StateOffline, printer.StateAbsent, printer.StateError, printer.StateUnknown}},
		{"reader states", "reader", []string{string(reader.StatusOK), string(reader.StatusNoReader), string(reader.StatusNoService), string(reader.StatusError)}},
		{"policy rules", "rule", rules},
		{"config files", "configFile", files},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.codes) == 0 {
				t.Fatal("no codes to check")
			}
			for _, code := range tt.codes {
				n, ok := c.Lookup(tt.table, code)
				if !ok {
					t.Errorf("Lookup(%q, %q): no entry", tt.table, code)
					continue
				}
				checkName(t, tt.table+"."+code, n)
			}
		})
	}
}

// TestEveryNameBilingual checks every entry, listed codes or not: Chinese
// with no Latin word in it, English with no Chinese.
func TestEveryNameBilingual(t *testing.T) {
	c := New()
	for key, table := range c.tables {
		if len(table) == 0 {
			t.Errorf("table %q is empty", key)
		}
		for code, n := range table {
			checkName(t, key+"."+code, n)
		}
	}
}

func checkName(t *testing.T, what string, n Name) {
	t.Helper()
	if !strings.ContainsFunc(n.ZH, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		t.Errorf("%s: Chinese name %q has no Chinese", what, n.ZH)
	}
	if strings.ContainsFunc(n.ZH, func(r rune) bool { return r < 128 && unicode.IsLetter(r) }) {
		t.Errorf("%s: Chinese name %q has Latin letters", what, n.ZH)
	}
	if n.EN == "" || strings.ContainsFunc(n.EN, func(r rune) bool { return unicode.Is(unicode.Han, r) }) {
		t.Errorf("%s: English name %q is empty or has Chinese", what, n.EN)
	}
}

// TestJS checks the module the screens import carries every table, each
// name as the [zh, en] pair common.js's name() reads.
func TestJS(t *testing.T) {
	js := string(New().JS())
	const head = "export const catalog = "
	i := strings.Index(js, head)
	if i < 0 || !strings.HasSuffix(js, ";\n") {
		t.Fatalf("JS() = %.80q…, want an ES module exporting catalog", js)
	}
	var got map[string]map[string][2]string
	if err := json.Unmarshal([]byte(strings.TrimSuffix(js[i+len(head):], ";\n")), &got); err != nil {
		t.Fatalf("JS() body: %v", err)
	}
	if n := got["status"]["mail_back"]; n != [2]string{"待寄回", "Mail back"} {
		t.Errorf(`JS() status.mail_back = %q, want ["待寄回", "Mail back"]`, n)
	}
	if len(got) != len(New().tables) {
		t.Errorf("JS() has %d tables, want %d", len(got), len(New().tables))
	}
}
