package store

import (
	"io"
	"log/slog"
	"testing"
	"time"

	"shouhou/appliance"
)

// TestSetClockDatesAuditEntries: entries written after SetClock carry the
// new clock's time, and the clock it returns puts the old one back.
func TestSetClockDatesAuditEntries(t *testing.T) {
	real := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	db, err := Open(t.TempDir(), Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return real }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	past := real.AddDate(0, 0, -20)
	audit := func(record string) {
		mustUpdate(t, db, func(tx *Txn) error {
			return tx.AuditBy(appliance.Actor{ID: "clerk"}, "card.topup", record, "", nil, nil)
		})
	}
	prev := db.SetClock(func() time.Time { return past })
	audit("card/past")
	db.SetClock(prev)
	audit("card/now")
	var page *appliance.AuditPage
	err = db.View(func(tx *Txn) error {
		var err error
		page, err = tx.Audits(appliance.AuditQuery{})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]time.Time{"card/now": real, "card/past": past}
	if len(page.Entries) != 2 {
		t.Fatalf("%d audit entries, want 2", len(page.Entries))
	}
	for _, e := range page.Entries {
		if !e.Time.Equal(want[e.Record]) {
			t.Errorf("%s dated %v, want %v", e.Record, e.Time, want[e.Record])
		}
	}
	if page.Entries[0].Record != "card/now" {
		t.Errorf("newest entry %s, want card/now", page.Entries[0].Record)
	}
}
