package ui

import (
	"encoding/json"
	"strings"
	"testing"

	"shouhou/appliance"
)

// auditPage is audit.list's answer.
func auditPage(t *testing.T, c *client, args map[string]any) appliance.AuditPage {
	t.Helper()
	r := c.call("audit.list", args)
	if !r.OK {
		t.Fatalf("audit.list %v: %+v", args, r.Error)
	}
	var p appliance.AuditPage
	if err := json.Unmarshal(r.Result, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestAuditListsLoginsAndDesks: wrong PINs, the lockout they cause and a
// money move at a desk are audit entries with the desk and the address,
// and audit.list filters and pages them.
func TestAuditListsLoginsAndDesks(t *testing.T) {
	rig := MustRig(t, nil)
	clerk := rig.dial(t, "desk1", "")
	rig.MustLogin(t, clerk, "clerk", "1111")
	if r := clerk.call("card.topup", map[string]any{"key": strings.Repeat("a", 32), "card": "SC-000001", "amount_fen": 500}); !r.OK {
		t.Fatalf("card.topup: %+v", r.Error)
	}
	kiosk := rig.dial(t, "desk1", "")
	for i := 0; i < 5; i++ {
		if r := kiosk.call("login", map[string]string{"staff": "<img src=x onerror=1>", "pin": "0000"}); r.OK {
			t.Fatal("a wrong PIN logged in")
		}
	}
	boss := rig.asRole(t, appliance.RoleSupervisor)

	failed := auditPage(t, boss, map[string]any{"action": "session.login_failed"})
	if len(failed.Entries) != 5 {
		t.Fatalf("login_failed entries = %d, want 5", len(failed.Entries))
	}
	for _, e := range failed.Entries {
		if e.Operator != "anonymous" || e.Desk != "desk1" || e.Addr != "127.0.0.1" || e.Record != "staff/<img src=x onerror=1>" {
			t.Errorf("failed login entry = %+v", e)
		}
	}
	if lock := auditPage(t, boss, map[string]any{"action": "session.lockout"}); len(lock.Entries) != 2 {
		t.Errorf("lockout entries = %+v, want the desk's and the person's", lock.Entries)
	}
	tests := []struct {
		name string
		args map[string]any
		want func(*appliance.AuditEntry) bool
	}{
		{"operator", map[string]any{"operator": "clerk"}, func(e *appliance.AuditEntry) bool { return e.Operator == "clerk" }},
		{"record", map[string]any{"record": "card/SC-000001"}, func(e *appliance.AuditEntry) bool { return e.Record == "card/SC-000001" }},
		{"today", map[string]any{"from": rig.srv.today().Format("2006-01-02"), "to": rig.srv.today().Format("2006-01-02"), "action": "card.topup", "operator": "clerk"},
			func(e *appliance.AuditEntry) bool {
				return e.Action == "card.topup" && e.Desk == "desk1" && e.Addr == "127.0.0.1"
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := auditPage(t, boss, tt.args)
			if len(p.Entries) == 0 {
				t.Fatalf("audit.list %v: nothing", tt.args)
			}
			for _, e := range p.Entries {
				if !tt.want(e) {
					t.Errorf("audit.list %v gave %+v", tt.args, e)
				}
			}
		})
	}
	if p := auditPage(t, boss, map[string]any{"to": rig.srv.today().AddDate(0, 0, -1).Format("2006-01-02"), "action": "session."}); len(p.Entries) != 0 {
		t.Errorf("yesterday's logins = %+v, want none", p.Entries)
	}

	// Pages of two, newest first, cover the log once.
	all := auditPage(t, boss, map[string]any{"limit": 500})
	var seen []string
	for before := ""; ; {
		p := auditPage(t, boss, map[string]any{"limit": 2, "before": before})
		for _, e := range p.Entries {
			seen = append(seen, e.ID)
		}
		if p.Next == "" {
			break
		}
		before = p.Next
	}
	if len(seen) != len(all.Entries) {
		t.Fatalf("paged %d entries, listed %d", len(seen), len(all.Entries))
	}
	for i := range seen {
		if seen[i] != all.Entries[i].ID || i > 0 && seen[i] >= seen[i-1] {
			t.Fatalf("page order differs at %d: %s", i, seen[i])
		}
	}
	// The list leaves out the records before and after; audit.get has them.
	// Today's: the demo month's top-ups by the clerk are dated in the days before.
	day := rig.srv.today().Format("2006-01-02")
	mine := map[string]any{"operator": "clerk", "action": "card.topup", "from": day, "to": day}
	top := auditPage(t, boss, mine)
	var row struct {
		Entries []struct {
			ID     string          `json:"id"`
			After  json.RawMessage `json:"after"`
			Detail bool            `json:"detail"`
		} `json:"entries"`
	}
	json.Unmarshal(boss.call("audit.list", mine).Result, &row)
	if len(row.Entries) != 1 || row.Entries[0].After != nil || !row.Entries[0].Detail {
		t.Fatalf("audit.list row = %+v, want the top-up without its record, detail true", row.Entries)
	}
	r := boss.call("audit.get", map[string]string{"id": top.Entries[0].ID})
	var full appliance.AuditEntry
	if !r.OK || json.Unmarshal(r.Result, &full) != nil || !strings.Contains(string(full.After), `"amount_fen":500`) {
		t.Errorf("audit.get = %s %+v, want the entry with its record after", r.Result, r.Error)
	}
	if r := boss.call("audit.get", map[string]string{"id": "0-none"}); r.OK || r.Error.Code != "not_found" {
		t.Errorf("audit.get of no entry = %+v, want not_found", r.Error)
	}
	for _, bad := range []map[string]any{{"from": "yesterday"}, {"limit": 501}, {"from": "2026-12-02", "to": "2026-12-01"}} {
		if r := boss.call("audit.list", bad); r.OK || r.Error.Code != "invalid" || r.Error.Field == "" {
			t.Errorf("audit.list %v = %+v, want invalid naming the field", bad, r.Error)
		}
	}
}
