package store

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

// TestEachTicketTouched checks the ticket.touch index walk and the raw
// value filter of older data against the decoded times, a fault
// description that spells a time key included, and the number bounds.
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
	for _, format := range []int{SchemaVersion, 1} {
		// Format 1 opened read-only has no ticket.touch index: the raw scan.
		db.format = format
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
				t.Errorf("format %d: EachTicketTouched passed %s = %v, want %v (%s)", format, tt.number, got[tt.number], tt.want, b)
			}
		}
	}
	db.format = SchemaVersion
}

// TestMigrateTicketTouch takes data of format 1 (tickets without the
// ticket.touch index, more than one backfill batch of them) through a
// read-only open, which must not change it and still verifies and
// reports, and a read-write open, which indexes every ticket (ticket.touch
// and ticket.report) and records the current format with its audit entries.
func TestMigrateTicketTouch(t *testing.T) {
	dir := t.TempDir()
	loc := time.FixedZone("CST", 8*3600)
	since := time.Date(2026, 11, 1, 0, 0, 0, 0, loc)
	n := backfillBatch*2 + 345
	want := map[string]bool{}
	db := MustOpenDir(t, dir)
	for i := 0; i < n; i += 500 {
		mustUpdate(t, db, func(tx *Txn) error {
			for j := i; j < min(i+500, n); j++ {
				updated := since.Add(time.Duration(j-n/2) * time.Hour)
				tk := &appliance.Ticket{Number: fmt.Sprintf("T20260101-%04d", j+1), Kind: appliance.KindRepair,
					Status: appliance.StatusClosed, Updated: updated, Due: updated.Add(-time.Hour)}
				if !updated.Before(since) {
					want[tk.Number] = true
				}
				if err := tx.PutTicket(tk); err != nil {
					return err
				}
			}
			return nil
		})
	}
	// Data of format 1 has neither index.
	if err := db.bdb.DropPrefix([]byte("x/"+idxTicketTouch+"/"), []byte("x/"+idxTicketReport+"/")); err != nil {
		t.Fatal(err)
	}
	setSchema(t, db, 1)
	db.Close()

	touched := func(db *DB) map[string]bool {
		got := map[string]bool{}
		err := db.View(func(tx *Txn) error {
			return tx.EachTicketTouched(since, "", "", func(tk *appliance.Ticket) error {
				got[tk.Number] = true
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	reported := func(db *DB) map[string]bool {
		got := map[string]bool{}
		err := db.View(func(tx *Txn) error {
			return tx.EachTicketReport(since, "", "", func(r *TicketReport) error {
				got[r.Number] = true
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	check := func(name string, db *DB, wantFormat int) {
		t.Helper()
		if got := readSchema(t, db); got != wantFormat {
			t.Errorf("%s: m/schema = %d, want %d", name, got, wantFormat)
		}
		r, err := db.Verify()
		if err != nil || len(r.Problems) > 0 {
			t.Errorf("%s: Verify = %v, %v", name, r, err)
		}
		if got := touched(db); !maps.Equal(got, want) {
			t.Errorf("%s: EachTicketTouched found %d tickets, want %d", name, len(got), len(want))
		}
		if got := reported(db); !maps.Equal(got, want) {
			t.Errorf("%s: EachTicketReport found %d tickets, want %d", name, len(got), len(want))
		}
	}

	ro, err := Open(dir, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	check("read-only", ro, 1)
	ro.Close()

	db = MustOpenDir(t, dir)
	check("migrated", db, SchemaVersion)
	if got := migrationAudits(t, db); len(got) != SchemaVersion-1 || !strings.Contains(got[0], idxTicketTouch) {
		t.Errorf("store.migrate audit entries = %q, want the one for %s first", got, idxTicketTouch)
	}
	for _, idx := range []string{idxTicketTouch, idxTicketReport} {
		indexed := 0
		err = db.bdb.View(func(txn *badger.Txn) error {
			opts := badger.DefaultIteratorOptions
			opts.Prefix, opts.PrefetchValues = []byte("x/"+idx+"/"), false
			it := txn.NewIterator(opts)
			defer it.Close()
			for it.Rewind(); it.Valid(); it.Next() {
				indexed++
			}
			return nil
		})
		if err != nil || indexed != n {
			t.Errorf("%s entries = %d (%v), want %d", idx, indexed, err, n)
		}
	}
}
