package tickets_test

import (
	"errors"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/tickets"
)

// TestLookup answers only when the number and the phone's last four
// digits both match, with one error for a wrong number and wrong digits
// alike, and tells nothing of the customer.
func TestLookup(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	wang := d.customer("王芳", "13800138001")
	li := d.customer("李娜", "13800139999")
	intake := func(c *appliance.Customer) string {
		return d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindRepair, Phone: c.Phones[0],
			Purchase: d.receipt("electronics", "平板", 199900, 30, "SN-"+c.Name), Fault: "屏幕不亮", Problem: policy.ProblemQuality, Condition: complete})).Number
	}
	nw, nl := intake(wang), intake(li)
	tests := []struct {
		name, number, last4 string
		code, field         string
	}{
		{"both match", nw, "8001", "", ""},
		{"lower case number", "t20260302-0001", "8001", "", ""},
		{"another's digits", nw, "9999", appliance.ENOTFOUND, ""},
		{"another's ticket", nl, "8001", appliance.ENOTFOUND, ""},
		{"no such ticket", "T20260302-0099", "8001", appliance.ENOTFOUND, ""},
		{"bad number", "0001", "8001", appliance.EINVALID, "number"},
		{"three digits", nw, "001", appliance.EINVALID, "last4"},
		{"letters", nw, "80a1", appliance.EINVALID, "last4"},
	}
	var notFound string
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, err := d.svc.Lookup(d.ctx, tc.number, tc.last4)
			if got := appliance.ErrorCode(err); err != nil && got != tc.code || err == nil && tc.code != "" {
				t.Fatalf("Lookup(%q, %q) = %v, want code %q", tc.number, tc.last4, err, tc.code)
			}
			var e *appliance.Error
			if tc.field != "" && (!errors.As(err, &e) || e.Field != tc.field) {
				t.Errorf("Lookup(%q, %q) = %v, want the field %q named", tc.number, tc.last4, err, tc.field)
			}
			if tc.code == appliance.ENOTFOUND {
				if notFound != "" && err.Error() != notFound {
					t.Errorf("Lookup(%q, %q) = %q, want the one answer %q", tc.number, tc.last4, err, notFound)
				}
				notFound = err.Error()
			}
			if err == nil && (st.Number != nw || st.Status != appliance.StatusOpen && st.Status != appliance.StatusInRepair || st.Due.IsZero()) {
				t.Errorf("Lookup(%q, %q) = %+v, want %s open with a due date", tc.number, tc.last4, st, nw)
			}
		})
	}
	if n, err := d.svc.QueueToday(d.ctx); err != nil || n != 2 {
		t.Errorf("QueueToday = %d, %v, want 2", n, err)
	}
	d.ok(d.svc.Move(d.ctx, clerk, nl, appliance.StatusCancelled, "顾客不修了"))
	if n, err := d.svc.QueueToday(d.ctx); err != nil || n != 1 {
		t.Errorf("QueueToday after a cancel = %d, %v, want 1", n, err)
	}
	d.clock.Add(24 * time.Hour)
	if n, err := d.svc.QueueToday(d.ctx); err != nil || n != 0 {
		t.Errorf("QueueToday the next day = %d, %v, want 0", n, err)
	}
}
