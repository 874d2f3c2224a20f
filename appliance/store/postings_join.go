package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"slices"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

// The join of posting blocks (format 6). Numbers are walked in the order
// of their blocks, then of their suffixes, newest first; for numbers of
// one length (every T20261123-0001) that is the order of the numbers.
//
// A cursor reads a block's value only when the join needs a number in it:
// a block whose name is above the join's target is stepped over by its
// key, and a cursor that stops on a block below the target makes that
// block, not a number in it, the next target, so that a block only one
// list holds is never read. The suffixes of a read block are compared in
// place, in a buffer each cursor keeps, so a cursor allocates nothing per
// block.

// blockStepsBeforeSeek is how many blocks a cursor steps over before it
// seeks (measured in docs/benchmarks.md, issue 14).
const blockStepsBeforeSeek = 16

// target is a place in the posting lists: a number (block and suffix), or
// with top set, the top of a block, above every number in it.
type target struct {
	block, suf []byte // owned copies
	top        bool
}

// set makes t the number block+suf, or the top of block.
func (t *target) set(block, suf []byte, top bool) {
	t.block = append(t.block[:0], block...)
	t.suf = append(t.suf[:0], suf...)
	t.top = top
}

// below reports whether every number t can stand for is below floor.
func (t *target) below(floor string) bool {
	if t.top {
		return string(t.block) < floor && !bytes.HasPrefix([]byte(floor), t.block)
	}
	return string(t.block)+string(t.suf) < floor
}

func (t *target) id() string { return string(t.block) + string(t.suf) }

// postCursor walks the posting list of one term from the newest number
// down, a block at a time.
type postCursor struct {
	it     *badger.Iterator // reverse, over the term's blocks
	prefix []byte
	key    []byte // the key of the last seek
	done   bool   // the list has no more numbers
	block  []byte // the name of the block the iterator stands on
	// read reports whether val and sufs hold that block; until then the
	// cursor stands at the block's top.
	read bool
	val  []byte  // the block's value
	sufs []int32 // start and end in val of each suffix, ascending
	i    int     // the cursor stands on suffix i (when read)
	err  error
}

func newPostCursor(tx *Txn, term string) *postCursor {
	c := &postCursor{prefix: []byte(postPrefix + term + "\x00")}
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false // a seek may skip most blocks
	opts.Prefix = c.prefix
	opts.Reverse = true
	c.it = tx.t.NewIterator(opts)
	c.it.Seek(append(slices.Clone(c.prefix), 0xff))
	c.land()
	return c
}

// land takes the block the iterator stands on, unread.
func (c *postCursor) land() {
	c.read = false
	if !c.it.ValidForPrefix(c.prefix) {
		c.done = true
		return
	}
	c.block = append(c.block[:0], c.it.Item().Key()[len(c.prefix):]...)
}

// suf returns suffix k of the block read.
func (c *postCursor) suf(k int) []byte { return c.val[c.sufs[2*k]:c.sufs[2*k+1]] }

// readBlock reads the value of the block the cursor stands on and goes
// to its last number; an empty block (never written) is skipped.
func (c *postCursor) readBlock() {
	for !c.done && !c.read {
		var err error
		if c.val, err = c.it.Item().ValueCopy(c.val[:0]); err == nil {
			err = c.split()
		}
		if err != nil {
			c.err, c.done = err, true
			return
		}
		if len(c.sufs) > 0 {
			c.read, c.i = true, len(c.sufs)/2-1
			return
		}
		c.it.Next()
		c.land()
	}
}

// split finds the suffixes in val (format: postingCodec, then each suffix
// as a uvarint length and its bytes).
func (c *postCursor) split() error {
	c.sufs = c.sufs[:0]
	b := c.val
	if len(b) == 0 || b[0] != postingCodec {
		return errors.New("store: posting block of unknown encoding")
	}
	for i := 1; i < len(b); {
		n, k := binary.Uvarint(b[i:])
		if k <= 0 || uint64(len(b)-i-k) < n {
			return errors.New("store: malformed posting block")
		}
		i += k
		c.sufs = append(c.sufs, int32(i), int32(i+int(n)))
		i += int(n)
	}
	return nil
}

// next goes to the next older number (the cursor stands on one).
func (c *postCursor) next() {
	if c.i > 0 {
		c.i--
		return
	}
	c.it.Next()
	c.land()
}

// seekLE goes to the newest place not after t (never forward): a number
// not after it, or the top of an older block.
func (c *postCursor) seekLE(t *target) {
	if c.done {
		return
	}
	same := bytes.Equal(c.block, t.block)
	if !same && bytes.Compare(c.block, t.block) > 0 {
		// t is in an older block, most often one of the next few: steps
		// stay in the table block the iterator has read, a seek reads and
		// decompresses one on every level.
		for range blockStepsBeforeSeek {
			c.it.Next()
			if !c.it.ValidForPrefix(c.prefix) || bytes.Compare(c.it.Item().Key()[len(c.prefix):], t.block) <= 0 {
				break
			}
		}
		if c.it.ValidForPrefix(c.prefix) && bytes.Compare(c.it.Item().Key()[len(c.prefix):], t.block) > 0 {
			c.key = append(append(c.key[:0], c.prefix...), t.block...)
			c.it.Seek(c.key)
		}
		c.land()
		same = !c.done && bytes.Equal(c.block, t.block)
	}
	if !same || t.top {
		return
	}
	// The same block: the largest suffix not above t.suf, if any.
	c.readBlock()
	if c.done || !bytes.Equal(c.block, t.block) {
		return // the block was empty: the cursor stands on an older one's newest number
	}
	// Targets only go down, so a step back at a time crosses each suffix
	// of the block once.
	for ; c.i >= 0; c.i-- {
		if bytes.Compare(c.suf(c.i), t.suf) <= 0 {
			return
		}
	}
	c.it.Next()
	c.land()
}

// textPostings joins the posting lists of grams, the rarest first, newest
// number first, and returns the candidates match accepts. counts holds
// every gram's count (none 0).
func (tx *Txn) textPostings(grams []string, counts map[string]uint64, floor string, limit int, match func(*appliance.Ticket) bool) ([]*appliance.Ticket, error) {
	grams = slices.Clone(grams)
	slices.SortStableFunc(grams, func(a, b string) int { return cmp.Compare(counts[a], counts[b]) })
	cs := make([]*postCursor, len(grams))
	for i, g := range grams {
		cs[i] = newPostCursor(tx, g)
		defer cs[i].it.Close()
	}
	var out []*appliance.Ticket
	var t target
	lead := cs[0]
	if lead.done {
		return nil, lead.err
	}
	t.set(lead.block, nil, true)
	for len(out) < limit && !t.below(floor) {
		// Every list goes to the newest place not after t; an older one
		// becomes the new target, and the rarest list follows it.
		agreed := true
		for _, c := range cs {
			c.seekLE(&t)
			if c.err != nil {
				return nil, c.err
			}
			if c.done {
				return out, nil
			}
			if bytes.Compare(c.block, t.block) < 0 {
				t.set(c.block, nil, true)
				agreed = false
				break
			}
			if t.top {
				c.readBlock() // the same block: its newest number is the target
				if c.err != nil || c.done {
					return out, c.err
				}
				t.set(c.block, c.suf(c.i), false)
				agreed = false
				break
			}
			if bytes.Compare(c.suf(c.i), t.suf) < 0 {
				t.set(c.block, c.suf(c.i), false)
				agreed = false
				break
			}
		}
		if !agreed {
			continue
		}
		if t.below(floor) {
			break
		}
		tk, err := tickets.mustGet(tx, t.id())
		if err != nil {
			return nil, err
		}
		if match(tk) {
			out = append(out, tk)
		}
		lead.next()
		if lead.done {
			break
		}
		if lead.read {
			t.set(lead.block, lead.suf(lead.i), false)
		} else {
			t.set(lead.block, nil, true)
		}
	}
	return out, lead.err
}

// postingsByPrefix returns the numbers (unsorted, possibly repeated) in the
// posting lists of every term that starts with prefix, at most max.
func (tx *Txn) postingsByPrefix(prefix string, max int) ([]string, error) {
	if !tx.readOnly {
		if err := tx.flushPostings(); err != nil {
			return nil, err
		}
	}
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = []byte(postPrefix + prefix)
	it := tx.t.NewIterator(opts)
	defer it.Close()
	var ids []string
	var sufs []string
	for it.Rewind(); it.Valid() && len(ids) < max; it.Next() {
		item := it.Item()
		k := item.Key()
		i := slices.Index(k, 0)
		if i < 0 {
			continue // Verify reports it
		}
		block := string(k[i+1:])
		err := item.Value(func(v []byte) (err error) {
			sufs, err = decodeBlock(sufs[:0], v)
			return err
		})
		if err != nil {
			return nil, err
		}
		for _, s := range sufs {
			ids = append(ids, block+s)
		}
	}
	return ids[:min(len(ids), max)], nil
}
