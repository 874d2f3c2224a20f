package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

// refuseNewer checks the schema version of an existing directory through a
// read-only open before Open opens it read-write. A read-write open that is
// then refused would still have changed the directory (Badger rotates its
// value log on every read-write open), and a directory written by a newer
// release must stay byte for byte as that release left it, so that the
// newer binary, put back, finds it as it was.
//
// The probe can only refuse: when the read-only open itself fails (after a
// crash Badger needs a read-write open to truncate its write-ahead log) the
// read-write open that follows decides, and checks the schema again.
func refuseNewer(dir string, bo badger.Options) error {
	if _, err := os.Stat(filepath.Join(dir, badger.ManifestFilename)); errors.Is(err, os.ErrNotExist) {
		return nil // a new directory
	}
	bdb, err := badger.Open(bo.WithReadOnly(true))
	if err != nil {
		return nil
	}
	probe := &DB{bdb: bdb, dir: dir}
	err = probe.checkSchema(true)
	if cerr := bdb.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("store: close %s: %w", dir, cerr)
	}
	return err
}

// migration brings data of format To-1 up to format To.
type migration struct {
	// To is the format the data has after Apply.
	To int
	// Name says what changes, for the audit log ("ticket: split the phone field").
	Name string
	// Apply rewrites the data inside the migration's transaction (nil:
	// nothing to rewrite there).
	Apply func(tx *Txn) error
	// Backfill, if set, runs before the transaction, in as many
	// transactions of its own as the data needs (a store of a million
	// tickets does not fit in one). It may only add entries derived from
	// the records (index entries), so that repeating it after a crash, as
	// the next start does while the data still has the old format, is
	// harmless; old releases never see its entries, since the format is
	// recorded only at the end.
	Backfill func(db *DB) error
	// Retire lists key prefixes the format no longer has. They are
	// dropped once the format is recorded, and again by every read-write
	// open while any key under them is left (a crash in between), so an
	// older release never finds them gone from data of its format.
	Retire []string
}

// schemaMigrations lists every format change, in order of To. A change of
// format adds its migration here, raises SchemaVersion, and adds a
// build/testdata/schemaN fixture made by the release before it (see
// build/upgrade_test.go).
func schemaMigrations() []migration {
	return []migration{
		{To: 2, Name: "ticket: index by last change or due time (ticket.touch)", Backfill: backfillTicketTouch},
		// Older data has no kept requests (they lived in memory), so there
		// is nothing to rewrite: the step records that the data may now
		// hold r/request records, which a format-2 release would not know.
		{To: 3, Name: "request: idempotency keys kept with their result (r/request, request.time)"},
		{To: 4, Name: "ticket: report records for the KPIs and the closing (ticket.report)", Backfill: backfillTicketReport},
		// Format 5 was a build withdrawn the day it landed (merge c1d58db,
		// reverted in 5ffbe11): posting blocks under s/post/ beside the
		// x/ticket.text entries. Data of format 4 has nothing to change for
		// it; format 6 drops what it wrote.
		{To: 5, Name: "ticket: withdrawn posting lists (s/post, s/count), replaced by format 6"},
		{To: postingsFormat, Name: "ticket: free-text terms in posting blocks with a count per term (p/, c/) instead of x/ticket.text",
			Backfill: backfillPostings, Retire: []string{textPrefix, "s/post/", "s/count/"}},
	}
}

// dropRetired drops the keys under every prefix that a migration up to
// the open format retired (migration.Retire) and that still holds one.
func (db *DB) dropRetired(ms []migration) error {
	for _, m := range ms {
		if m.To > db.format {
			continue
		}
		for _, p := range m.Retire {
			var left bool
			err := db.bdb.View(func(txn *badger.Txn) error {
				opts := badger.DefaultIteratorOptions
				opts.PrefetchValues = false
				opts.Prefix = []byte(p)
				it := txn.NewIterator(opts)
				defer it.Close()
				it.Rewind()
				left = it.Valid()
				return nil
			})
			if err != nil {
				return fmt.Errorf("store: look for retired %s: %w", p, err)
			}
			if !left {
				continue
			}
			if err := db.bdb.DropPrefix([]byte(p)); err != nil {
				return fmt.Errorf("store: drop retired %s: %w", p, err)
			}
		}
	}
	return nil
}

// backfillBatch is how many records a backfill transaction rewrites.
const backfillBatch = 1000

// backfillTicketTouch writes the ticket.touch entry of every ticket
// (format 2), a batch per transaction.
func backfillTicketTouch(db *DB) error {
	after := ""
	for {
		var last string
		n := 0
		err := db.Update(func(tx *Txn) error {
			return tx.eachTicketAfter(after, backfillBatch, func(t *appliance.Ticket) error {
				last, n = t.Number, n+1
				return tickets.setIndex(tx, t.Number, indexEntry{name: idxTicketTouch, value: touchStamp(t)})
			})
		})
		if err != nil {
			return fmt.Errorf("store: index tickets after %q: %w", after, err)
		}
		if n < backfillBatch {
			return nil
		}
		after = last
	}
}

// eachTicketAfter calls fn with up to limit tickets numbered after after
// ("" for the first), in number order.
func (tx *Txn) eachTicketAfter(after string, limit int, fn func(*appliance.Ticket) error) error {
	prefix := []byte("r/" + tickets.name + "/")
	opts := badger.DefaultIteratorOptions
	opts.Prefix = prefix
	it := tx.t.NewIterator(opts)
	defer it.Close()
	it.Seek(append(append([]byte{}, prefix...), after...))
	for n := 0; it.Valid() && n < limit; it.Next() {
		if after != "" && string(it.Item().Key()[len(prefix):]) == after {
			continue
		}
		t := new(appliance.Ticket)
		if err := it.Item().Value(func(v []byte) error { return decode(v, t) }); err != nil {
			return fmt.Errorf("read %s: %w", it.Item().Key(), err)
		}
		if err := fn(t); err != nil {
			return err
		}
		n++
	}
	return nil
}

// migrate brings data of format have up to format want with ms: first
// the backfills of every migration whose To lies in (have, want], then
// one transaction in which each of those migrations applies in order and
// is audited as "store.migrate" by "system" with the formats before and
// after, and the new format is recorded in m/schema. If any step fails
// or is missing, the transaction writes nothing and the data keeps its
// format (a backfill's entries, harmless, may stay).
func (db *DB) migrate(have, want int, ms []migration) error {
	for v := have + 1; v <= want; v++ {
		if m, ok := findMigration(ms, v); ok && m.Backfill != nil {
			if err := m.Backfill(db); err != nil {
				return fmt.Errorf("store: migrate to data format %d (%s): %w", v, m.Name, err)
			}
		}
	}
	return db.Update(func(tx *Txn) error {
		for v := have + 1; v <= want; v++ {
			m, ok := findMigration(ms, v)
			if !ok {
				return fmt.Errorf("store: no migration from data format %d to %d", v-1, v)
			}
			if m.Apply != nil {
				if err := m.Apply(tx); err != nil {
					return fmt.Errorf("store: migrate to data format %d (%s): %w", v, m.Name, err)
				}
			}
			before, after := map[string]int{"schema": v - 1}, map[string]int{"schema": v}
			if err := tx.Audit("system", "store.migrate", "schema", m.Name, before, after); err != nil {
				return err
			}
		}
		return tx.t.Set([]byte("m/schema"), []byte(strconv.Itoa(want)))
	})
}

func findMigration(ms []migration, to int) (migration, bool) {
	for _, m := range ms {
		if m.To == to {
			return m, true
		}
	}
	return migration{}, false
}
