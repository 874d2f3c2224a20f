package store

import (
	"encoding/json"
	"testing"
	"time"

	"shouhou/appliance"
)

// TestEachTicketTouched checks the raw-value filter against the decoded
// times, a fault description that spells a time key included, and the
// number bounds.
func TestEachTicketTouched(t *testing.T) {
	db := MustOpen(t)
	loc := time.FixedZone("CST", 8*3600)
	since := time.Date(2026, 11, 1, 0, 0, 0, 0, loc)
	old := since.Add(-time.Nanosecond)
	tests := []struct {
		number       string
		updated, due time.Time
		fault        string
		want         bool
	}{
		{"T20261001-0001", old, old, "", false},
		{"T20261001-0002", since, old, "", true},
		{"T20261001-0003", old, since.Add(time.Hour), "", true},
		{"T20261001-0004", old, time.Time{}, `顾客说 "updated":"2030-01-01T00:00:00Z" 也不行`, false},
		{"T20261001-0005", since.UTC(), old, "", true},
		{"T20261001-0006", since.Add(-time.Second).UTC(), old.UTC(), "", false},
		{"T20261102-0001", since.AddDate(0, 0, 2), old, "", false}, // numbered after the bound
	}
	mustUpdate(t, db, func(tx *Txn) error {
		for _, tt := range tests {
			if err := tx.PutTicket(&appliance.Ticket{Number: tt.number, Kind: appliance.KindRepair, Status: appliance.StatusOpen,
				Updated: tt.updated, Due: tt.due, Fault: tt.fault}); err != nil {
				return err
			}
		}
		return nil
	})
	got := map[string]bool{}
	err := db.View(func(tx *Txn) error {
		return tx.EachTicketTouched(since, "", "T20261101", func(tk *appliance.Ticket) error {
			got[tk.Number] = true
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range tests {
		if got[tt.number] != tt.want {
			b, _ := json.Marshal(tt)
			t.Errorf("EachTicketTouched passed %s = %v, want %v (%s)", tt.number, got[tt.number], tt.want, b)
		}
	}
}
