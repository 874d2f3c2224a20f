package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

// Posting lists of the free-text terms (data format 5, issue 14).
//
// The x/ticket.text entries hold one key per term and ticket, so a join of
// common terms walks a key per ticket. The posting lists hold the same
// pairs in blocks: one key per block of up to postingBlock ticket numbers,
// named by the block's smallest number, and a count per term:
//
//	s/post/屏幕\x00T20261123-0001   the numbers T20261123-0001 … in order
//	s/count/屏幕                    how many tickets hold 屏幕 (uvarint)
//
// A block's value is postingCodec, then each number as the length of the
// prefix it shares with the one before (uvarint), the length of the rest
// (uvarint) and the rest: numbers of one day share 10 of their 14 bytes.
// Both are written in the ticket's own transaction (kind.put and delete),
// derived from the same terms as x/ticket.text, and Verify checks them
// against those entries (verifyPostings).

const (
	postPrefix      = "s/post/"
	termCountPrefix = "s/count/"
	// postingBlock is the most numbers one block holds: a block is read
	// and rewritten whole on every change of one of its tickets.
	postingBlock = 128
	// postingCodec is the version byte of a block value.
	postingCodec byte = 1
)

func postKey(term, start string) []byte { return []byte(postPrefix + term + "\x00" + start) }
func countKey(term string) []byte       { return []byte(termCountPrefix + term) }

// encodeBlock returns the value of a block of ascending numbers.
func encodeBlock(ids []string) []byte {
	b := []byte{postingCodec}
	prev := ""
	for _, id := range ids {
		n := 0
		for n < len(prev) && n < len(id) && prev[n] == id[n] {
			n++
		}
		b = binary.AppendUvarint(b, uint64(n))
		b = binary.AppendUvarint(b, uint64(len(id)-n))
		b = append(b, id[n:]...)
		prev = id
	}
	return b
}

// decodeBlock appends the numbers of a block value to ids.
func decodeBlock(ids []string, b []byte) ([]string, error) {
	if len(b) == 0 || b[0] != postingCodec {
		return nil, fmt.Errorf("store: posting block of unknown encoding")
	}
	b = b[1:]
	prev := ""
	for len(b) > 0 {
		shared, n1 := binary.Uvarint(b)
		if n1 <= 0 {
			return nil, errors.New("store: malformed posting block")
		}
		rest, n2 := binary.Uvarint(b[n1:])
		if n2 <= 0 || shared > uint64(len(prev)) || uint64(len(b)-n1-n2) < rest {
			return nil, errors.New("store: malformed posting block")
		}
		b = b[n1+n2:]
		id := prev[:shared] + string(b[:rest])
		b = b[rest:]
		ids = append(ids, id)
		prev = id
	}
	return ids, nil
}

// ticketTerms are the terms of a ticket's posting lists: those of its
// x/ticket.text entries.
func ticketTerms(t *appliance.Ticket) []string { return textGrams(t.Fault) }

// updatePostings moves ticket id from the posting lists of the terms old
// has and new has not to those new has and old has not.
func (tx *Txn) updatePostings(id string, old, new []string) error {
	if tx.format < 5 {
		return nil // the backfill of format 5 writes them
	}
	for _, term := range old {
		if _, found := slices.BinarySearch(new, term); !found {
			if err := tx.postRemove(term, id); err != nil {
				return err
			}
		}
	}
	for _, term := range new {
		if _, found := slices.BinarySearch(old, term); !found {
			if _, err := tx.postAdd(term, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// blockOf finds the block of term whose range holds id: the one with the
// largest start not above id, or else the first. key is nil when term has
// no block.
func (tx *Txn) blockOf(term, id string) (key []byte, ids []string, err error) {
	prefix := []byte(postPrefix + term + "\x00")
	for _, reverse := range []bool{true, false} {
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false // one block is read
		opts.Prefix = prefix
		opts.Reverse = reverse
		it := tx.t.NewIterator(opts)
		if reverse {
			it.Seek(postKey(term, id))
		} else {
			it.Seek(prefix)
		}
		if it.ValidForPrefix(prefix) {
			item := it.Item()
			key = item.KeyCopy(nil)
			err = item.Value(func(v []byte) (err error) {
				ids, err = decodeBlock(nil, v)
				return err
			})
			it.Close()
			if err != nil {
				return nil, nil, fmt.Errorf("store: read %s: %w", key, err)
			}
			return key, ids, nil
		}
		it.Close()
	}
	return nil, nil, nil
}

// writeBlocks replaces the block at key (nil for none) with ids, split
// into blocks of at most postingBlock numbers.
func (tx *Txn) writeBlocks(term string, key []byte, ids []string) error {
	if key != nil && (len(ids) == 0 || !bytes.Equal(key, postKey(term, ids[0]))) {
		if err := tx.t.Delete(key); err != nil {
			return fmt.Errorf("store: drop posting block %s: %w", key, err)
		}
	}
	for len(ids) > 0 {
		n := min(len(ids), postingBlock)
		if len(ids) > postingBlock && len(ids) < 2*postingBlock {
			n = len(ids) / 2
		}
		if err := tx.t.Set(postKey(term, ids[0]), encodeBlock(ids[:n])); err != nil {
			return fmt.Errorf("store: set posting block of %q: %w", term, err)
		}
		ids = ids[n:]
	}
	return nil
}

// postAdd puts id in the posting list of term; added is false when it was
// there already (a repeated backfill).
func (tx *Txn) postAdd(term, id string) (added bool, err error) {
	key, ids, err := tx.blockOf(term, id)
	if err != nil {
		return false, err
	}
	i, found := slices.BinarySearch(ids, id)
	if found {
		return false, nil
	}
	if i == len(ids) && len(ids) == postingBlock {
		// The newest number after a full block (the common case) starts a
		// block of its own instead of leaving two half-full ones.
		key, ids, i = nil, nil, 0
	}
	ids = slices.Insert(ids, i, id)
	if err := tx.writeBlocks(term, key, ids); err != nil {
		return false, err
	}
	return true, tx.addCount(term, 1)
}

// postRemove takes id out of the posting list of term.
func (tx *Txn) postRemove(term, id string) error {
	key, ids, err := tx.blockOf(term, id)
	if err != nil {
		return err
	}
	i, found := slices.BinarySearch(ids, id)
	if !found {
		return nil
	}
	if err := tx.writeBlocks(term, key, slices.Delete(ids, i, i+1)); err != nil {
		return err
	}
	return tx.addCount(term, -1)
}

// termCount returns how many tickets the posting list of term holds.
func (tx *Txn) termCount(term string) (uint64, error) {
	item, err := tx.t.Get(countKey(term))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: get count of %q: %w", term, err)
	}
	var n uint64
	err = item.Value(func(v []byte) error {
		var k int
		n, k = binary.Uvarint(v)
		if k <= 0 {
			return errors.New("malformed count")
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: read count of %q: %w", term, err)
	}
	return n, nil
}

func (tx *Txn) addCount(term string, d int) error {
	n, err := tx.termCount(term)
	if err != nil {
		return err
	}
	n = uint64(int64(n) + int64(d))
	if n == 0 {
		err = tx.t.Delete(countKey(term))
	} else {
		err = tx.t.Set(countKey(term), binary.AppendUvarint(nil, n))
	}
	if err != nil {
		return fmt.Errorf("store: set count of %q: %w", term, err)
	}
	return nil
}

// postCursor walks the posting list of one term from the newest number
// down, a block at a time.
type postCursor struct {
	it     *badger.Iterator // reverse, over the term's blocks
	prefix []byte
	ids    []string // the block read last, ascending
	i      int      // the current number is ids[i]
	err    error
}

func newPostCursor(tx *Txn, term string) *postCursor {
	c := &postCursor{prefix: []byte(postPrefix + term + "\x00")}
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false // a seek may skip most blocks
	opts.Prefix = c.prefix
	opts.Reverse = true
	c.it = tx.t.NewIterator(opts)
	c.it.Seek(append(slices.Clone(c.prefix), 0xff))
	c.load()
	return c
}

// load decodes the block the iterator stands on and goes to its last
// number; ids is empty once the blocks run out.
func (c *postCursor) load() {
	c.ids = c.ids[:0]
	if !c.it.ValidForPrefix(c.prefix) {
		return
	}
	item := c.it.Item()
	err := item.Value(func(v []byte) (err error) {
		c.ids, err = decodeBlock(c.ids, v)
		return err
	})
	if err != nil {
		c.err = fmt.Errorf("store: read %s: %w", item.Key(), err)
		c.ids = c.ids[:0]
	}
	c.i = len(c.ids) - 1
}

// cur returns the current number; ok is false once the list is done.
func (c *postCursor) cur() (string, bool) {
	if len(c.ids) == 0 {
		return "", false
	}
	return c.ids[c.i], true
}

// next goes to the next smaller number.
func (c *postCursor) next() {
	if c.i > 0 {
		c.i--
		return
	}
	if len(c.ids) > 0 {
		c.it.Next()
		c.load()
	}
}

// seekLE goes to the largest number not above id (never up).
func (c *postCursor) seekLE(id string) {
	if len(c.ids) == 0 || c.ids[c.i] <= id {
		return
	}
	if c.ids[0] > id {
		// The number is in an older block: the one just before, or a seek.
		c.it.Next()
		if c.it.ValidForPrefix(c.prefix) && string(c.it.Item().Key()[len(c.prefix):]) > id {
			c.it.Seek(append(slices.Clone(c.prefix), id...))
		}
		c.load()
		if len(c.ids) == 0 || c.ids[c.i] <= id {
			return
		}
	}
	c.i = sort.SearchStrings(c.ids[:c.i+1], id+"\x00") - 1 // ids[c.i] <= id < ids[c.i+1]
}

// textPostings joins the posting lists of grams, the rarest first, newest
// number first, and returns the candidates match accepts.
func (tx *Txn) textPostings(grams []string, floor string, limit int, match func(*appliance.Ticket) bool) ([]*appliance.Ticket, error) {
	counts := make(map[string]uint64, len(grams))
	for _, g := range grams {
		n, err := tx.termCount(g)
		if err != nil {
			return nil, err
		}
		if n == 0 {
			return nil, nil
		}
		counts[g] = n
	}
	grams = slices.Clone(grams)
	slices.SortStableFunc(grams, func(a, b string) int { return int(counts[a]) - int(counts[b]) })
	cs := make([]*postCursor, len(grams))
	for i, g := range grams {
		cs[i] = newPostCursor(tx, g)
		defer cs[i].it.Close()
	}
	var out []*appliance.Ticket
	target, ok := cs[0].cur()
	for ok && len(out) < limit && target >= floor {
		// Every list goes to the largest number not above target; one
		// below it becomes the new target, and the rarest list follows.
		agreed := true
		for _, c := range cs {
			c.seekLE(target)
			id, more := c.cur()
			if c.err != nil {
				return nil, c.err
			}
			if !more {
				return out, nil
			}
			if id < target {
				target, agreed = id, false
				break
			}
		}
		if !agreed {
			continue
		}
		t, err := tickets.mustGet(tx, target)
		if err != nil {
			return nil, err
		}
		if match(t) {
			out = append(out, t)
		}
		cs[0].next()
		target, ok = cs[0].cur()
	}
	if err := cs[0].err; err != nil {
		return nil, err
	}
	return out, nil
}

// backfillPostings writes the posting lists and counts of every ticket
// (format 5) from the x/ticket.text entries, which list the same (term,
// number) pairs in the order of the blocks: a walk that writes a block
// every postingBlock numbers, so it reads no block back. It first drops
// whatever posting lists an earlier, interrupted run left, since the
// tickets may have changed since under the release before. Each
// transaction writes up to backfillBatch blocks.
func backfillPostings(db *DB) error {
	for _, p := range []string{postPrefix, termCountPrefix} {
		if err := db.bdb.DropPrefix([]byte(p)); err != nil {
			return fmt.Errorf("store: drop %s: %w", p, err)
		}
	}
	textPrefix := []byte("x/" + idxTicketText + "/")
	type write struct{ key, value []byte }
	var (
		resume = slices.Clone(textPrefix)
		term   string
		ids    []string
		count  uint64
		writes []write
		end    bool
	)
	flush := func(last bool) {
		if len(ids) > 0 {
			writes = append(writes, write{postKey(term, ids[0]), encodeBlock(ids)})
			ids = nil
		}
		if last && count > 0 {
			writes = append(writes, write{countKey(term), binary.AppendUvarint(nil, count)})
			count = 0
		}
	}
	for !end {
		writes = writes[:0]
		err := db.View(func(tx *Txn) error {
			opts := badger.DefaultIteratorOptions
			opts.PrefetchValues = false
			opts.Prefix = textPrefix
			it := tx.t.NewIterator(opts)
			defer it.Close()
			for it.Seek(resume); ; it.Next() {
				if !it.ValidForPrefix(textPrefix) {
					flush(true)
					end = true
					return nil
				}
				key := it.Item().Key()
				if bytes.Equal(key, resume) {
					continue // read by the transaction before
				}
				if len(writes) >= backfillBatch {
					return nil
				}
				k := string(key[len(textPrefix):])
				i := strings.LastIndexByte(k, 0)
				if i < 0 {
					return fmt.Errorf("malformed index key %q", key)
				}
				if k[:i] != term {
					flush(true)
					term = k[:i]
				}
				ids = append(ids, k[i+1:])
				count++
				if len(ids) == postingBlock {
					flush(false)
				}
				resume = slices.Clone(key)
			}
		})
		if err != nil {
			return fmt.Errorf("store: read the term index: %w", err)
		}
		err = db.Update(func(tx *Txn) error {
			for _, w := range writes {
				if err := tx.t.Set(w.key, w.value); err != nil {
					return fmt.Errorf("store: set %s: %w", w.key, err)
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

// verifyPostings checks the posting lists and counts against the
// x/ticket.text entries (themselves checked against the tickets by
// verifyIndexes): both list the same (term, number) pairs in the same
// order, so one walk of each compares them in bounded memory.
func (tx *Txn) verifyPostings(r *Report) error {
	if tx.format < 5 {
		return nil
	}
	textPrefix := []byte("x/" + idxTicketText + "/")
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = textPrefix
	want := tx.t.NewIterator(opts)
	defer want.Close()
	want.Seek(textPrefix)
	popts := badger.DefaultIteratorOptions
	popts.PrefetchValues = false
	popts.Prefix = []byte(postPrefix)
	have := tx.t.NewIterator(popts)
	defer have.Close()
	have.Seek(popts.Prefix)

	var ids []string
	term := ""
	nextHave := func() (string, string, bool) {
		for len(ids) == 0 {
			if !have.ValidForPrefix(popts.Prefix) {
				return "", "", false
			}
			item := have.Item()
			k := string(item.Key()[len(postPrefix):])
			i := strings.IndexByte(k, 0)
			err := item.Value(func(v []byte) (err error) {
				ids, err = decodeBlock(ids[:0], v)
				return err
			})
			if i < 0 || err != nil || len(ids) == 0 || ids[0] != k[i+1:] || !slices.IsSorted(ids) {
				r.problem("posting block %q is malformed or not named by its first number", item.Key())
				ids = ids[:0]
			} else {
				term = k[:i]
			}
			have.Next()
		}
		id := ids[0]
		ids = ids[1:]
		return term, id, true
	}
	checkCount := func(t string, n uint64) error {
		got, err := tx.termCount(t)
		if err != nil {
			return err
		}
		if got != n {
			r.problem("count of term %q is %d, its posting list holds %d", t, got, n)
		}
		return nil
	}
	ht, hid, hok := nextHave()
	counted, n := "", uint64(0)
	terms, keys := 0, 0
	for ; want.ValidForPrefix(textPrefix) && !r.full(); want.Next() {
		k := string(want.Item().Key()[len(textPrefix):])
		i := strings.LastIndexByte(k, 0)
		if i < 0 {
			continue // verifyIndexes reports it
		}
		wt, wid := k[:i], k[i+1:]
		for hok && (ht < wt || ht == wt && hid < wid) {
			r.problem("posting list of %q holds %s, which has no such term", ht, hid)
			ht, hid, hok = nextHave()
		}
		if !hok || ht != wt || hid != wid {
			r.problem("posting list of %q lacks %s", wt, wid)
		} else {
			ht, hid, hok = nextHave()
		}
		if wt != counted {
			if counted != "" {
				if err := checkCount(counted, n); err != nil {
					return err
				}
			}
			counted, n = wt, 0
			terms++
		}
		n++
	}
	if counted != "" {
		if err := checkCount(counted, n); err != nil {
			return err
		}
	}
	for ; hok && !r.full(); ht, hid, hok = nextHave() {
		r.problem("posting list of %q holds %s, which has no such term", ht, hid)
	}
	if r.full() {
		return nil
	}
	// A count key of a term no ticket holds any more.
	copts := badger.DefaultIteratorOptions
	copts.PrefetchValues = false
	copts.Prefix = []byte(termCountPrefix)
	it := tx.t.NewIterator(copts)
	defer it.Close()
	for it.Seek(copts.Prefix); it.ValidForPrefix(copts.Prefix); it.Next() {
		keys++
	}
	if keys != terms {
		r.problem("%d term counts for %d terms with postings", keys, terms)
	}
	return nil
}
