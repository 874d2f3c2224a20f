package ui

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"shouhou/appliance"
	"shouhou/appliance/reports"
	"shouhou/drivers/printer"
)

// TestMoneyApprovalMatrix extends the authorization matrix to the money
// limits of policy.toml: over the real server, every money op above the
// clerk's limit (the embedded defaults: top-up and charge 5000 yuan,
// refund and cash-out 1000, reversal 200) is refused for a clerk with
// unauthorized naming amount_fen, and done by a supervisor or an admin;
// the roles that may not move money at all stay refused by role.
func TestMoneyApprovalMatrix(t *testing.T) {
	type step struct {
		op   string
		args func(c *client, boss *client, key string) map[string]any
	}
	topUp := func(boss *client, card string, fen int64, key string) int64 {
		r := boss.call("card.topup", map[string]any{"key": key, "card": card, "amount_fen": fen})
		if !r.OK {
			t.Fatalf("supervisor's top-up of %s: %+v", card, r.Error)
		}
		var res struct {
			Entries []appliance.LedgerEntry `json:"entries"`
		}
		json.Unmarshal(r.Result, &res)
		return res.Entries[len(res.Entries)-1].Seq
	}
	steps := []step{
		{"card.topup", func(_, _ *client, key string) map[string]any {
			return map[string]any{"key": key, "card": "SC-000001", "amount_fen": 500001}
		}},
		{"card.charge", func(_, boss *client, key string) map[string]any {
			topUp(boss, "SC-000002", 600000, key+"-fund")
			return map[string]any{"key": key, "card": "SC-000002", "amount_fen": 500001}
		}},
		{"card.refund", func(_, _ *client, key string) map[string]any {
			return map[string]any{"key": key, "card": "SC-000003", "amount_fen": 100001}
		}},
		{"card.reverse", func(_, boss *client, key string) map[string]any {
			seq := topUp(boss, "SC-000004", 20001, key+"-fund")
			return map[string]any{"key": key, "card": "SC-000004", "seq": seq}
		}},
		{"card.cancel", func(_, boss *client, key string) map[string]any {
			topUp(boss, "SC-000005", 100001, key+"-fund")
			return map[string]any{"key": key, "card": "SC-000005"}
		}},
	}
	for _, role := range Roles {
		name := string(role)
		if name == "" {
			name = "anonymous"
		}
		t.Run(name, func(t *testing.T) {
			rig := MustRig(t, nil)
			boss := rig.asRole(t, appliance.RoleSupervisor)
			c := rig.asRole(t, role)
			for i, s := range steps {
				r := c.call(s.op, s.args(c, boss, fmt.Sprintf("m-%s-%d", name, i)))
				switch role {
				case appliance.RoleClerk:
					if r.OK || r.Error.Code != "unauthorized" || r.Error.Field != "amount_fen" {
						t.Errorf("%s above the clerk's limit = %+v, want unauthorized naming amount_fen", s.op, r.Error)
					}
				case appliance.RoleSupervisor, appliance.RoleAdmin:
					if !r.OK {
						t.Errorf("%s above the clerk's limit by %s = %+v, want done", s.op, name, r.Error)
					}
				default:
					if !refusedForRole(r) {
						t.Errorf("%s by %s = %+v, want refused by role", s.op, name, r)
					}
				}
			}
		})
	}
}

// TestClerkTopUpOfAMillionRefused is the probe of issue 20: a clerk's
// top-up of 1,000,000 yuan is refused and the balance stays.
func TestClerkTopUpOfAMillionRefused(t *testing.T) {
	rig := MustRig(t, nil)
	c := rig.asRole(t, appliance.RoleClerk)
	before := c.balance("SC-000001")
	r := c.call("card.topup", map[string]any{"key": "million", "card": "SC-000001", "amount_fen": 100_000_000})
	if r.OK || r.Error.Code != "unauthorized" || r.Error.Field != "amount_fen" {
		t.Fatalf("clerk's top-up of 1,000,000 yuan = %+v, want unauthorized naming amount_fen", r.Error)
	}
	if after := c.balance("SC-000001"); after != before {
		t.Errorf("balance %d after the refusal, want %d", after, before)
	}
}

// TestDayCloseFlagsClerkOverDailyLimit: a clerk whose top-ups of the day,
// each within the per-operation limit, add up to more than the clerk's
// daily limit (20000 yuan by default) is flagged on the closing, its slip
// and its CSV table; the supervisor who moved little is not.
func TestDayCloseFlagsClerkOverDailyLimit(t *testing.T) {
	prints := t.TempDir()
	var q *printer.Queue
	rig := MustRig(t, func(o *Options) { q = MustDirPrinter(t, o, prints) })
	defer q.Close()
	clerkC, boss := rig.asRole(t, appliance.RoleClerk), rig.asRole(t, appliance.RoleSupervisor)
	for i := range 5 {
		r := clerkC.call("card.topup", map[string]any{"key": fmt.Sprint("daily-", i), "card": fmt.Sprintf("SC-%06d", i+1), "amount_fen": 450000})
		if !r.OK {
			t.Fatalf("top-up %d of 4500 yuan: %+v", i, r.Error)
		}
	}
	if r := boss.call("card.topup", map[string]any{"key": "daily-boss", "card": "SC-000001", "amount_fen": 100}); !r.OK {
		t.Fatalf("supervisor's top-up: %+v", r.Error)
	}
	res := mustDayClose(t, boss, map[string]string{})
	var c reports.Closing
	if err := json.Unmarshal(res.Closing, &c); err != nil {
		t.Fatal(err)
	}
	byID := map[string]reports.OperatorMoney{}
	for _, o := range c.Operators {
		byID[o.Operator] = o
	}
	if got := byID["clerk"]; got.Count != 5 || got.TotalFen != 2250000 || got.LimitFen != 2000000 || !got.Over {
		t.Errorf("closing operators[clerk] = %+v, want 5 entries of 22500.00 over the 20000.00 limit", got)
	}
	if got := byID["boss"]; got.TotalFen != 100 || got.Over {
		t.Errorf("closing operators[boss] = %+v, want 1.00 and not flagged", got)
	}
	if slip := waitForSlip(t, prints, "日结单"); !strings.Contains(slip, "超限 clerk") || strings.Contains(slip, "超限 boss") {
		t.Errorf("the closing slip does not flag the clerk alone:\n%s", slip)
	}
	cookie := rig.MustLogin(t, rig.dial(t, "", ""), "boss", "3333")
	today := rig.srv.today().Format(reports.DayFormat)
	resp, body := getCSV(t, rig, "/reports/closing.csv?from="+today+"&table=closing-operators", cookie)
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "clerk,5,22500.00,20000.00,true") {
		t.Errorf("closing-operators CSV = %d\n%s\nwant the clerk flagged", resp.StatusCode, body)
	}
}
