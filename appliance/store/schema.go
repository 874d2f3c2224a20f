package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/dgraph-io/badger/v4"
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
	// Apply rewrites the data inside the migration's transaction.
	Apply func(tx *Txn) error
}

// schemaMigrations lists every format change, in order of To. It is empty:
// format 1 is the first. A change of format adds its migration here, raises
// SchemaVersion, and adds a build/testdata/schemaN fixture made by the
// release before it (see build/upgrade_test.go).
func schemaMigrations() []migration { return nil }

// migrate brings data of format have up to format want with ms, in one
// transaction: every migration whose To lies in (have, want] runs in
// order and is audited as "store.migrate" by "system" with the formats
// before and after, and the new format is recorded in m/schema. If any
// step fails or is missing, nothing is written and the data keeps its
// format. (A migration too large for one transaction must be split into
// formats of its own.)
func (db *DB) migrate(have, want int, ms []migration) error {
	return db.Update(func(tx *Txn) error {
		for v := have + 1; v <= want; v++ {
			m, ok := findMigration(ms, v)
			if !ok {
				return fmt.Errorf("store: no migration from data format %d to %d", v-1, v)
			}
			if err := m.Apply(tx); err != nil {
				return fmt.Errorf("store: migrate to data format %d (%s): %w", v, m.Name, err)
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
