package store

import (
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
	// Problems lists every violated invariant (index problems in key order
	// within each group of buckets, see verify_index.go); empty means sound.
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

// full reports whether the report holds as many problems as it shows.
func (r *Report) full() bool { return len(r.Problems) >= maxProblems }

// Verify checks every invariant the store holds over one consistent
// snapshot: each record decodes and carries its key's ID; each record's
// index entries exist and point to it; no index entry is left over from a
// record that changed or went away; every card's balance equals the sum
// of its ledger and its hash chain is whole, and the store-wide chain
// folds to the stored head (see verifyLedger); the outbox's seqs run
// without a gap from the oldest kept to its head (see verifyOutbox). It returns an error only
// when the store cannot be read.
//
// Its memory does not grow with the store: records and index entries are
// streamed, never collected (verify_index.go says how the two are
// compared), and the ledger is walked card by card and in windows of the
// store-wide sequence. An online verify runs inside the server, under its
// memory limit.
func (db *DB) Verify() (*Report, error) {
	r := &Report{Records: make(map[string]int)}
	err := db.View(func(tx *Txn) error {
		if err := tx.verifyIndexes(r); err != nil {
			return err
		}
		if err := tx.verifyOutbox(r); err != nil {
			return err
		}
		return tx.verifyLedger(r)
	})
	if err != nil {
		return nil, fmt.Errorf("store: verify: %w", err)
	}
	return r, nil
}

// eachWantedIndex reads every record of every kind and calls fn with each
// index key the record needs and the value the key must hold. With r, it
// also counts the records and reports those that do not decode or carry
// another ID than their key's.
func (tx *Txn) eachWantedIndex(r *Report, fn func(key, value string)) error {
	for _, s := range specs {
		if err := tx.wantedIndexesOf(s, r, fn); err != nil {
			return err
		}
	}
	return nil
}

func (tx *Txn) wantedIndexesOf(s spec, r *Report, fn func(key, value string)) error {
	prefix := "r/" + s.kindName() + "/"
	opts := badger.DefaultIteratorOptions
	opts.Prefix = []byte(prefix)
	it := tx.t.NewIterator(opts)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		key := string(it.Item().Key())
		var id string
		var keys map[string]string
		err := it.Item().Value(func(raw []byte) (err error) {
			id, keys, err = s.indexKeys(raw)
			return err
		})
		if r != nil {
			r.Records[s.kindName()]++
		}
		if err != nil {
			if r != nil {
				r.problem("record %q does not decode: %v", key, err)
			}
			continue
		}
		if r != nil && prefix+id != key {
			r.problem("record %q carries the id %q", key, id)
		}
		for k, v := range keys {
			if tx.format < 2 && strings.HasPrefix(k, "x/"+idxTicketTouch+"/") ||
				tx.format < 4 && strings.HasPrefix(k, "x/"+idxTicketReport+"/") {
				continue // older data, opened read-only: not indexed yet
			}
			fn(k, v)
		}
	}
	return nil
}

// eachIndexEntry calls fn with every index entry (u/ and x/) and its
// value, and from data format 6 every posting (eachPosting, which with r
// reports malformed blocks and wrong counts).
func (tx *Txn) eachIndexEntry(r *Report, fn func(key, value []byte)) error {
	if tx.format >= postingsFormat {
		if err := tx.eachPosting(r, fn); err != nil {
			return err
		}
	}
	for _, prefix := range []string{"u/", "x/"} {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = []byte(prefix)
		opts.PrefetchValues = false
		it := tx.t.NewIterator(opts)
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			if err := item.Value(func(v []byte) error { fn(item.Key(), v); return nil }); err != nil {
				it.Close()
				return fmt.Errorf("read %s: %w", item.Key(), err)
			}
		}
		it.Close()
	}
	return nil
}
