package store

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// Report is what Verify found.
type Report struct {
	// Records counts the records of each kind.
	Records map[string]int
	// IndexEntries counts the index entries read.
	IndexEntries int
	// Problems lists every violated invariant, in key order; empty means sound.
	Problems []string
}

// OK reports whether no invariant is violated.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// String is a one-screen summary for people.
func (r *Report) String() string {
	var b strings.Builder
	kinds := make([]string, 0, len(r.Records))
	for k := range r.Records {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, k := range kinds {
		fmt.Fprintf(&b, "%-10s %d\n", k, r.Records[k])
	}
	fmt.Fprintf(&b, "%-10s %d\n", "indexes", r.IndexEntries)
	if r.OK() {
		b.WriteString(okLine)
		return b.String()
	}
	fmt.Fprintf(&b, "FAILED: %d problem(s)\n", len(r.Problems))
	for _, p := range r.Problems {
		b.WriteString("  " + p + "\n")
	}
	return b.String()
}

// okLine ends the report of a sound store.
const okLine = "OK: every invariant holds\n"

// maxProblems keeps a badly broken store's report readable.
const maxProblems = 1000

func (r *Report) problem(format string, args ...any) {
	if len(r.Problems) < maxProblems {
		r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
	}
}

// Verify checks every invariant the store holds over one consistent
// snapshot: each record decodes; each record's index entries exist and
// point to it; no index entry is left over from a record that changed or
// went away; every card's balance equals the sum of its ledger and its
// hash chain is whole (see verifyLedger). It returns an error only when
// the store cannot be read.
func (db *DB) Verify() (*Report, error) {
	r := &Report{Records: make(map[string]int)}
	err := db.View(func(tx *Txn) error {
		want := make(map[string]string) // index key -> value it must hold
		for _, s := range specs {
			if err := tx.expectIndexes(s, r, want); err != nil {
				return err
			}
		}
		if err := tx.checkIndexes("u/", want, r); err != nil {
			return err
		}
		if err := tx.checkIndexes("x/", want, r); err != nil {
			return err
		}
		missing := make([]string, 0, len(want))
		for k := range want {
			missing = append(missing, k)
		}
		sort.Strings(missing)
		for _, k := range missing {
			r.problem("index entry %q is missing", k)
		}
		return tx.verifyLedger(r)
	})
	if err != nil {
		return nil, fmt.Errorf("store: verify: %w", err)
	}
	return r, nil
}

// expectIndexes reads every record of one kind and adds the index keys it
// needs to want.
func (tx *Txn) expectIndexes(s spec, r *Report, want map[string]string) error {
	prefix := "r/" + s.kindName() + "/"
	opts := badger.DefaultIteratorOptions
	opts.Prefix = []byte(prefix)
	it := tx.t.NewIterator(opts)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		key := string(it.Item().KeyCopy(nil))
		raw, err := it.Item().ValueCopy(nil)
		if err != nil {
			return fmt.Errorf("read %s: %w", key, err)
		}
		r.Records[s.kindName()]++
		id, keys, err := s.indexKeys(raw)
		if err != nil {
			r.problem("record %q does not decode: %v", key, err)
			continue
		}
		if prefix+id != key {
			r.problem("record %q carries the id %q", key, id)
		}
		for k, v := range keys {
			if tx.format < 2 && strings.HasPrefix(k, "x/"+idxTicketTouch+"/") {
				continue // data of format 1, opened read-only: not indexed yet
			}
			want[k] = v
		}
	}
	return nil
}

// checkIndexes reads every index entry under prefix, removing the ones it
// finds from want and reporting the ones no record asked for.
func (tx *Txn) checkIndexes(prefix string, want map[string]string, r *Report) error {
	opts := badger.DefaultIteratorOptions
	opts.Prefix = []byte(prefix)
	it := tx.t.NewIterator(opts)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		r.IndexEntries++
		key := string(it.Item().KeyCopy(nil))
		v, err := it.Item().ValueCopy(nil)
		if err != nil {
			return fmt.Errorf("read %s: %w", key, err)
		}
		w, ok := want[key]
		switch {
		case !ok:
			r.problem("index entry %q is stale: no record asks for it", key)
		case !bytes.Equal(v, []byte(w)):
			r.problem("index entry %q points to %q, want %q", key, v, w)
		}
		delete(want, key)
	}
	return nil
}
