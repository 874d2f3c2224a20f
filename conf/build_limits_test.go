package conf

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"shouhou/appliance"
	"shouhou/appliance/policy"
)

// TestComplaintReasonsDefault: the embedded policy.toml lists the seed's
// reasons, and a policy.toml without the list loads with the same ones.
func TestComplaintReasonsDefault(t *testing.T) {
	embedded := MustLoad(t, "").Policy.ComplaintReasons
	if !slices.Equal(embedded, defaultComplaintReasons()) {
		t.Errorf("embedded policy.toml reasons = %v, want the defaults %v", embedded, defaultComplaintReasons())
	}
	raw, err := DefaultFile(FilePolicy)
	if err != nil {
		t.Fatal(err)
	}
	cut := bytes.Index(raw, []byte("[[complaint_reasons]]"))
	if cut < 0 {
		t.Fatal("the embedded policy.toml has no [[complaint_reasons]]")
	}
	snap, err := LoadFiles(map[string][]byte{FilePolicy: raw[:cut]}, testNow)
	if err != nil {
		t.Fatalf("policy.toml without complaint_reasons: %v", err)
	}
	got := snap.Policy.ComplaintReasons
	if !slices.Equal(got, defaultComplaintReasons()) {
		t.Errorf("reasons without the list = %v, want the seed's %v", got, defaultComplaintReasons())
	}
	if _, ok := snap.Policy.ComplaintReason(policy.ComplaintOther); !ok {
		t.Errorf("no %q among %v", policy.ComplaintOther, got)
	}
}

// TestClerkLimitsFallBack: a clerk's limit left out of the table is
// refund_above (reversal_above for a reversal); other roles are unlimited
// unless they say otherwise.
func TestClerkLimitsFallBack(t *testing.T) {
	p := MustLoad(t, "").Policy
	tests := []struct {
		role    appliance.Role
		op      policy.MoneyOp
		fen     int64
		limited bool
	}{
		{appliance.RoleClerk, policy.OpTopUp, 500000, true},
		{appliance.RoleClerk, policy.OpCharge, 500000, true},
		{appliance.RoleClerk, policy.OpRefund, p.RefundApprovalAboveFen, true},
		{appliance.RoleClerk, policy.OpReversal, p.ReversalApprovalAboveFen, true},
		{appliance.RoleClerk, policy.OpCashout, 100000, true},
		{appliance.RoleSupervisor, policy.OpTopUp, 0, false},
		{appliance.RoleAdmin, policy.OpRefund, 0, false},
	}
	for _, tc := range tests {
		fen, ok := p.Limit(tc.role, tc.op)
		if fen != tc.fen || ok != tc.limited {
			t.Errorf("Limit(%s, %s) = %d, %v, want %d, %v", tc.role, tc.op, fen, ok, tc.fen, tc.limited)
		}
	}
	if d, ok := p.DailyLimit(appliance.RoleClerk); d != 2000000 || !ok {
		t.Errorf("DailyLimit(clerk) = %d, %v, want 2000000", d, ok)
	}
	want := "money limits: clerk topup 5000.00 charge 5000.00 refund 1000.00 reversal 200.00 cashout 1000.00 daily 20000.00; complaint reasons 8"
	if sum := MustLoad(t, "").Summary(); !strings.Contains(sum, want) {
		t.Errorf("Summary() =\n%s\nwant the line %q", sum, want)
	}
}
