package tickets_test

import (
	"bytes"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
	"shouhou/appliance/tickets"
)

// Preview decides exactly as Intake and keeps nothing: no customer, no
// purchase, no ticket number taken, no event.
func TestPreviewDecidesAsIntakeAndWritesNothing(t *testing.T) {
	tests := []struct {
		name       string
		args       func(d *desk) tickets.IntakeArgs
		wantStatus appliance.TicketStatus
	}{
		{"free repair, new customer", func(d *desk) tickets.IntakeArgs {
			return tickets.IntakeArgs{Kind: appliance.KindRepair, Customer: &tickets.NewCustomer{Name: "赵敏", Phone: "13900139001"},
				Purchase: d.receipt("electronics", "蓝牙耳机 X1", 29900, 40, "SN-P-1"), Fault: "左耳无声",
				Problem: policy.ProblemQuality, Condition: complete}
		}, appliance.StatusOpen},
		{"return outside the window goes to approval", func(d *desk) tickets.IntakeArgs {
			return tickets.IntakeArgs{Kind: appliance.KindReturn, Customer: &tickets.NewCustomer{Name: "周强", Phone: "13900139002"},
				Purchase: d.receipt("electronics", "电动牙刷", 19900, 60, "SN-P-2"), Fault: "不想要了",
				Problem: policy.ProblemNotQuality, Condition: complete}
		}, appliance.StatusApproval},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
			a := tc.args(d)
			pre := d.ok(d.svc.Preview(d.ctx, clerk, a))
			if pre.Number != "" || len(pre.Decision) == 0 || pre.Due.IsZero() {
				t.Fatalf("Preview = number %q decision %s due %v, want no number, a decision and a due date", pre.Number, pre.Decision, pre.Due)
			}
			if ev := d.events(); len(ev) != 0 {
				t.Errorf("Preview published %v", ev)
			}
			err := d.db.View(func(tx *store.Txn) error {
				_, err := tx.CustomerByPhone(a.Customer.Phone)
				return err
			})
			wantCode(t, err, appliance.ENOTFOUND)

			got := d.ok(d.svc.Intake(d.ctx, clerk, a))
			if want := "T20260302-0001"; got.Number != want {
				t.Errorf("Intake after Preview took number %s, want %s (Preview must not take one)", got.Number, want)
			}
			if !bytes.Equal(pre.Decision, got.Decision) || !bytes.Equal(pre.Facts, got.Facts) {
				t.Errorf("Preview decision\n%s\nIntake decision\n%s", pre.Decision, got.Decision)
			}
			if pre.Status != tc.wantStatus || got.Status != tc.wantStatus || pre.ApprovalReason != got.ApprovalReason {
				t.Errorf("status: Preview %s (%q), Intake %s (%q), want %s", pre.Status, pre.ApprovalReason, got.Status, got.ApprovalReason, tc.wantStatus)
			}
			if pre.Outcome != got.Outcome || pre.ServiceClass != got.ServiceClass || !pre.Due.Equal(got.Due) || len(pre.Fees) != len(got.Fees) {
				t.Errorf("Preview outcome %s class %s due %v fees %v; Intake %s %s %v %v",
					pre.Outcome, pre.ServiceClass, pre.Due, pre.Fees, got.Outcome, got.ServiceClass, got.Due, got.Fees)
			}
		})
	}
}

func TestPreviewRefusesAsIntake(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	_, err := d.svc.Preview(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindRepair, Phone: "13900139999", Fault: "坏了"})
	wantCode(t, err, appliance.ENOTFOUND)
	_, err = d.svc.Preview(d.ctx, appliance.Actor{ID: "c1", Role: appliance.RoleCustomer}, tickets.IntakeArgs{Kind: appliance.KindConsult})
	wantCode(t, err, appliance.EUNAUTHORIZED)
}
