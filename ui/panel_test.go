package ui

import (
	"testing"
	"time"

	"shouhou/appliance"
)

// TestSummaryPickup checks that the board and the panel offer a pickup
// where the desk can hand an item over, and nowhere else.
func TestSummaryPickup(t *testing.T) {
	now := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		kind   appliance.TicketKind
		status appliance.TicketStatus
		want   bool
	}{
		{appliance.KindRepair, appliance.StatusReady, true},
		{appliance.KindOutOfStock, appliance.StatusReady, true},
		{appliance.KindRepair, appliance.StatusInRepair, false},
		{appliance.KindRepair, appliance.StatusClosed, false},
		{appliance.KindReturn, appliance.StatusReady, false},
		{appliance.KindComplaint, appliance.StatusOpen, false},
	}
	for _, tt := range tests {
		got := summarize(&appliance.Ticket{Number: "T20261123-0001", Kind: tt.kind, Status: tt.status}, now).Pickup
		if got != tt.want {
			t.Errorf("%s %s: Pickup = %v, want %v", tt.kind, tt.status, got, tt.want)
		}
	}
}
