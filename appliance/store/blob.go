package store

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

// blobPrefix keys the named blobs: opaque bytes an adapter keeps with the
// store so that a backup carries them and a restore brings them back (the
// box's TLS keys, ui/tlsca). Verify does not look inside them.
const blobPrefix = "b/"

// checkBlobName refuses an empty name or one that could escape the prefix.
func checkBlobName(name string) error {
	if name == "" || strings.ContainsAny(name, "\x00\n") {
		return appliance.FieldError("name", "名称无效 / the blob name is empty or has a control character")
	}
	return nil
}

// Blob returns the bytes kept under name: (nil, nil) when there are none.
func (db *DB) Blob(name string) ([]byte, error) {
	if err := checkBlobName(name); err != nil {
		return nil, err
	}
	var out []byte
	err := db.bdb.View(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte(blobPrefix + name))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		out, err = item.ValueCopy(nil)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("store: blob %s: %w", name, err)
	}
	return out, nil
}

// PutBlobs keeps every named blob in one durable transaction, audited with
// operator (all or none is written).
func (db *DB) PutBlobs(operator, reason string, blobs map[string][]byte) error {
	for name := range blobs {
		if err := checkBlobName(name); err != nil {
			return err
		}
	}
	return db.Update(func(tx *Txn) error {
		for name, b := range blobs {
			if err := tx.t.Set([]byte(blobPrefix+name), b); err != nil {
				return fmt.Errorf("store: blob %s: %w", name, err)
			}
			if err := tx.Audit(operator, "blob.put", name, reason, nil, map[string]int{"bytes": len(b)}); err != nil {
				return err
			}
		}
		return nil
	})
}

// serveBlob answers the admin request "blob NAME": "OK\n" and the bytes,
// or "ERR message\n" (none kept under that name, or a read failure).
func (db *DB) serveBlob(w io.Writer, name string) {
	b, err := db.Blob(name)
	switch {
	case err != nil:
		fmt.Fprintf(w, "ERR %v\n", err)
	case b == nil:
		fmt.Fprintf(w, "ERR no blob %q\n", name)
	default:
		io.WriteString(w, "OK\n")
		w.Write(b)
	}
}

// BlobVia asks the server holding dataDir for the blob kept under name.
// It returns ErrNoServer when nothing listens on the socket.
func BlobVia(dataDir, name string) ([]byte, error) {
	if err := checkBlobName(name); err != nil {
		return nil, err
	}
	conn, br, err := askAdmin(dataDir, "blob "+name)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	b, err := io.ReadAll(br)
	if err != nil {
		return nil, fmt.Errorf("store: blob %s: %w", name, err)
	}
	return b, nil
}
