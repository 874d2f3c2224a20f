package store

import (
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"shouhou/appliance"
)

// TestAuditsFiltersAndPages writes entries an hour apart on a fake clock,
// then reads them back by time, operator, action and record, a page at a
// time, newest first.
func TestAuditsFiltersAndPages(t *testing.T) {
	start := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
	now := start
	db, err := Open(t.TempDir(), Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := 0; i < 10; i++ { // 08:00 … 17:00
		actor := appliance.Actor{ID: []string{"clerk", "boss"}[i%2], Desk: "desk1", Addr: "10.0.0.7"}
		mustUpdate(t, db, func(tx *Txn) error {
			return tx.AuditBy(actor, []string{"ticket.create", "card.topup"}[i%2], fmt.Sprintf("ticket/T%d", i), "", nil, nil)
		})
		now = now.Add(time.Hour)
	}
	at := func(h int) time.Time { return start.Add(time.Duration(h) * time.Hour) }
	tests := []struct {
		name string
		q    appliance.AuditQuery
		want []string // records, newest first
	}{
		{"all", appliance.AuditQuery{}, []string{"ticket/T9", "ticket/T8", "ticket/T7", "ticket/T6", "ticket/T5", "ticket/T4", "ticket/T3", "ticket/T2", "ticket/T1", "ticket/T0"}},
		{"from 14:00", appliance.AuditQuery{From: at(6)}, []string{"ticket/T9", "ticket/T8", "ticket/T7", "ticket/T6"}},
		{"before 10:00", appliance.AuditQuery{To: at(2)}, []string{"ticket/T1", "ticket/T0"}},
		{"10:00 to 12:00", appliance.AuditQuery{From: at(2), To: at(4)}, []string{"ticket/T3", "ticket/T2"}},
		{"operator", appliance.AuditQuery{Operator: "boss", From: at(5)}, []string{"ticket/T9", "ticket/T7", "ticket/T5"}},
		{"action prefix", appliance.AuditQuery{Action: "card.", To: at(4)}, []string{"ticket/T3", "ticket/T1"}},
		{"record", appliance.AuditQuery{Record: "ticket/T4"}, []string{"ticket/T4"}},
		{"nothing", appliance.AuditQuery{Operator: "nobody"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			q := tt.q
			q.Limit = 3
			for pages := 0; pages < 10; pages++ {
				var p *appliance.AuditPage
				if err := db.View(func(tx *Txn) (err error) { p, err = tx.Audits(q); return err }); err != nil {
					t.Fatal(err)
				}
				for _, e := range p.Entries {
					if e.Desk != "desk1" || e.Addr != "10.0.0.7" {
						t.Errorf("entry %+v lost its desk or address", e)
					}
					got = append(got, e.Record)
				}
				if p.Next == "" {
					break
				}
				q.Before = p.Next
			}
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("Audits(%+v) = %v, want %v", tt.q, got, tt.want)
			}
		})
	}
}
