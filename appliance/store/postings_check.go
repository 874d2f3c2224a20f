package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// postingsFormat is the data format that keeps the free-text terms in
// posting blocks (postings.go) instead of x/ticket.text entries.
const postingsFormat = 6

// textPrefix is where data before postingsFormat kept the free-text terms.
const textPrefix = "x/" + idxTicketText + "/"

// backfillPostings writes the posting blocks and counts of format 6 from
// the x/ticket.text entries, which list the same (term, number) pairs in
// the order of the blocks: one walk that writes a block whenever the term
// or the block changes, and a count whenever the term changes, so it reads
// no block back and holds one block at a time. It first drops whatever an
// earlier, interrupted run left (the tickets may have changed since under
// the release before). Each transaction writes up to backfillBatch keys.
func backfillPostings(db *DB) error {
	if err := db.bdb.DropPrefix([]byte(postPrefix), []byte(termCountPrefix)); err != nil {
		return fmt.Errorf("store: drop %s and %s: %w", postPrefix, termCountPrefix, err)
	}
	w := &postingBackfill{}
	resume := []byte(textPrefix)
	for end := false; !end; {
		w.writes = w.writes[:0]
		err := db.View(func(tx *Txn) error {
			var err error
			resume, end, err = w.read(tx, resume)
			return err
		})
		if err != nil {
			return fmt.Errorf("store: read the term index: %w", err)
		}
		if end {
			w.flush(true)
		}
		err = db.Update(func(tx *Txn) error {
			for _, kv := range w.writes {
				if err := tx.t.Set(kv.key, kv.value); err != nil {
					return fmt.Errorf("store: set %q: %w", kv.key, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// postingBackfill is the state of backfillPostings between transactions.
type postingBackfill struct {
	term, block string
	sufs        []string // of term's block
	count       uint64   // of term so far
	writes      []struct{ key, value []byte }
}

// read walks the x/ticket.text entries after resume until a
// transaction's worth of writes is ready, and returns where it stopped.
func (w *postingBackfill) read(tx *Txn, resume []byte) (next []byte, end bool, err error) {
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = []byte(textPrefix)
	it := tx.t.NewIterator(opts)
	defer it.Close()
	for it.Seek(resume); it.ValidForPrefix(opts.Prefix); it.Next() {
		key := it.Item().Key()
		if bytes.Equal(key, resume) {
			continue // read by the transaction before
		}
		if len(w.writes) >= backfillBatch {
			return resume, false, nil
		}
		k := string(key[len(textPrefix):])
		i := strings.LastIndexByte(k, 0)
		if i < 0 {
			return nil, false, fmt.Errorf("malformed index key %q", key)
		}
		term, id := k[:i], k[i+1:]
		block, suf := blockOf(id)
		if term != w.term {
			w.flush(true)
			w.term = term
		} else if block != w.block {
			w.flush(false)
		}
		w.block = block
		w.sufs = append(w.sufs, suf)
		w.count++
		resume = slices.Clone(key)
	}
	return resume, true, nil
}

// flush adds the block read so far to the writes, and with last the
// term's count.
func (w *postingBackfill) flush(last bool) {
	if len(w.sufs) > 0 {
		slices.Sort(w.sufs) // numbers of another length than the block's others
		w.writes = append(w.writes, struct{ key, value []byte }{postKey(w.term, w.block), encodeBlock(slices.Compact(w.sufs))})
		w.sufs = nil
	}
	if last && w.count > 0 {
		w.writes = append(w.writes, struct{ key, value []byte }{countKey(w.term), binary.AppendUvarint(nil, w.count)})
		w.count = 0
	}
}

// eachPosting calls fn with every (term, number) pair of the posting
// blocks, named as the x/ticket.text entry of format 5 and before
// (indexEntry.key of a posting), so that Verify compares them with what
// the tickets ask for like any index entry. It reports blocks that do not
// decode, hold a number twice or out of order, or hold a suffix that is
// not one of the block's numbers. With r it also checks each term's count
// against its blocks.
func (tx *Txn) eachPosting(r *Report, fn func(key, value []byte)) error {
	opts := badger.DefaultIteratorOptions
	opts.Prefix = []byte(postPrefix)
	it := tx.t.NewIterator(opts)
	defer it.Close()
	problem := func(format string, args ...any) {
		if r != nil {
			r.problem(format, args...)
		}
	}
	var (
		sufs  []string
		term  string
		n     uint64
		terms int
		key   []byte
	)
	for it.Rewind(); ; it.Next() {
		valid := it.Valid()
		var t, block string
		if valid {
			k := string(it.Item().Key()[len(postPrefix):])
			i := strings.IndexByte(k, 0)
			if i < 0 {
				problem("posting block %q has no term", it.Item().Key())
				continue
			}
			t, block = k[:i], k[i+1:]
		}
		if (!valid || t != term) && term != "" {
			if err := tx.checkCount(r, term, n); err != nil {
				return err
			}
			terms++
			term, n = "", 0
		}
		if !valid {
			break
		}
		term = t
		err := it.Item().Value(func(v []byte) (err error) {
			sufs, err = decodeBlock(sufs[:0], v)
			return err
		})
		if err != nil || len(sufs) == 0 || !slices.IsSorted(sufs) || len(slices.Compact(slices.Clone(sufs))) != len(sufs) {
			problem("posting block %q is malformed, empty or out of order", it.Item().Key())
			continue
		}
		for _, s := range sufs {
			id := block + s
			if b, _ := blockOf(id); b != block {
				problem("posting block %q holds %q, a number of another block", it.Item().Key(), id)
				continue
			}
			key = append(append(append(key[:0], textPrefix...), t...), 0)
			fn(append(key, id...), nil)
			n++
		}
	}
	return tx.checkCountKeys(r, terms)
}

// checkCount reports a term whose count is not the n its blocks hold.
func (tx *Txn) checkCount(r *Report, term string, n uint64) error {
	if r == nil {
		return nil
	}
	got, err := tx.termCount(term)
	if err != nil {
		return err
	}
	if got != n {
		r.problem("count of term %q is %d, its posting blocks hold %d", term, got, n)
	}
	return nil
}

// checkCountKeys reports count keys of terms without blocks: there are
// more count keys than terms with blocks (each of which checkCount found).
func (tx *Txn) checkCountKeys(r *Report, terms int) error {
	if r == nil {
		return nil
	}
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = []byte(termCountPrefix)
	it := tx.t.NewIterator(opts)
	defer it.Close()
	keys := 0
	for it.Rewind(); it.Valid(); it.Next() {
		keys++
	}
	if keys != terms {
		r.problem("%d term counts for %d terms with posting blocks", keys, terms)
	}
	return nil
}
