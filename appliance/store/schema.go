package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

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
