package tickets_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/tickets"
)

// TestTypedReferencesResolved: every reference a clerk types at intake or
// on a ticket is checked against the config before anything is written;
// an unknown one names its field and lists the known values.
func TestTypedReferencesResolved(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	c := d.customer("钱进", "13800138031")
	repair := func(change func(*tickets.IntakeArgs)) tickets.IntakeArgs {
		a := tickets.IntakeArgs{Kind: appliance.KindRepair, Phone: c.Phones[0], Fault: "不开机", Problem: policy.ProblemQuality,
			Purchase: d.receipt("electronics", "电水壶", 19900, 10, "SN-K-1"), Condition: complete}
		change(&a)
		return a
	}
	tests := []struct {
		name  string
		args  tickets.IntakeArgs
		field string
		known string // a known value the message must offer
	}{
		{"unknown category", repair(func(a *tickets.IntakeArgs) { a.Purchase.Category = "=1+1" }), "purchase.category", "electronics（电子产品）"},
		{"unknown zone", tickets.IntakeArgs{Kind: appliance.KindOnSite, Phone: c.Phones[0], Zone: "mars", Fault: "安装"}, "zone", "zone1"},
		{"unknown problem", repair(func(a *tickets.IntakeArgs) { a.Problem = "坏了" }), "problem", "quality"},
		{"unknown request", repair(func(a *tickets.IntakeArgs) { a.Request = "refund" }), "request", "exchange"},
		{"complaint without a reason", tickets.IntakeArgs{Kind: appliance.KindComplaint, Phone: c.Phones[0], Fault: "态度差"}, "complaint_reason", ""},
		{"complaint with an unknown reason", tickets.IntakeArgs{Kind: appliance.KindComplaint, Phone: c.Phones[0], Fault: "态度差",
			ComplaintReason: "=HYPERLINK(1)"}, "complaint_reason", "service（服务态度）"},
		{"complaint free text in problem", tickets.IntakeArgs{Kind: appliance.KindComplaint, Phone: c.Phones[0], Fault: "态度差",
			ComplaintReason: "service", Problem: "态度"}, "problem", "quality"},
		{"a reason on a repair", repair(func(a *tickets.IntakeArgs) { a.ComplaintReason = "service" }), "complaint_reason", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := d.svc.Intake(d.ctx, clerk, tc.args)
			var ae *appliance.Error
			if !errors.As(err, &ae) || ae.Code != appliance.EINVALID || ae.Field != tc.field || !strings.Contains(ae.Message, tc.known) {
				t.Fatalf("Intake = %v, want invalid %s offering %q", err, tc.field, tc.known)
			}
		})
	}
	if got := d.events(); len(got) != 0 {
		t.Errorf("refused intakes published %v", got)
	}

	tk := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindComplaint, Phone: c.Phones[0],
		Fault: "送货员态度差", ComplaintReason: "service"}))
	if tk.ComplaintReason != "service" || tk.Fault != "送货员态度差" {
		t.Errorf("complaint = reason %q fault %q, want service with the customer's words", tk.ComplaintReason, tk.Fault)
	}

	// The probe of issue 20: a technician on no staff list.
	rp := d.ok(d.svc.Intake(d.ctx, clerk, repair(func(*tickets.IntakeArgs) {})))
	_, err := d.svc.Assign(d.ctx, clerk, rp.Number, "=1+1")
	var ae *appliance.Error
	if !errors.As(err, &ae) || ae.Field != "technician" || !strings.Contains(ae.Message, "tech（李强）") || !strings.Contains(ae.Message, "tech (李强)") {
		t.Fatalf("Assign(=1+1) = %v, want invalid technician offering tech (李强)", err)
	}
	// A supervisor is staff but not a technician.
	if _, err := d.svc.Assign(d.ctx, clerk, rp.Number, "boss"); appliance.ErrorCode(err) != appliance.EINVALID {
		t.Errorf("Assign(boss) = %v, want invalid", err)
	}
	after, err := d.svc.Get(d.ctx, rp.Number)
	if err != nil {
		t.Fatal(err)
	}
	if after.Technician != "" || after.Status != rp.Status {
		t.Errorf("after refused assigns: technician %q status %s, want none and %s", after.Technician, after.Status, rp.Status)
	}
	d.ok(d.svc.Assign(d.ctx, clerk, rp.Number, "tech"))
}
