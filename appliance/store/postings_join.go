package store

import (
	"cmp"
	"slices"
	"sort"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

// The join of posting blocks (format 6). Numbers are walked in the order
// of their blocks, then of their suffixes, newest first; for numbers of
// one length (every T20261123-0001) that is the order of the numbers.

// blockStepsBeforeSeek is how many blocks a cursor steps over before it
// seeks (measured in docs/benchmarks.md, issue 14).
const blockStepsBeforeSeek = 16

// pos is a place in a posting list: a block and a suffix in it.
type pos struct{ block, suf string }

func (p pos) id() string { return p.block + p.suf }

func comparePos(a, b pos) int {
	if c := cmp.Compare(a.block, b.block); c != 0 {
		return c
	}
	return cmp.Compare(a.suf, b.suf)
}

// postCursor walks the posting list of one term from the newest number
// down, a block at a time.
type postCursor struct {
	it     *badger.Iterator // reverse, over the term's blocks
	prefix []byte
	block  string
	sufs   []string // the block read last, ascending
	i      int      // the current number is block + sufs[i]
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
// number; sufs is empty once the blocks run out.
func (c *postCursor) load() {
	c.sufs = c.sufs[:0]
	for c.it.ValidForPrefix(c.prefix) {
		item := c.it.Item()
		c.block = string(item.Key()[len(c.prefix):])
		err := item.Value(func(v []byte) (err error) {
			c.sufs, err = decodeBlock(c.sufs, v)
			return err
		})
		if err != nil {
			c.err = err
			c.sufs = c.sufs[:0]
			return
		}
		if len(c.sufs) > 0 {
			c.i = len(c.sufs) - 1
			return
		}
		c.it.Next() // an empty block is never written; skip one anyway
	}
}

// cur returns the current place; ok is false once the list is done.
func (c *postCursor) cur() (pos, bool) {
	if len(c.sufs) == 0 {
		return pos{}, false
	}
	return pos{c.block, c.sufs[c.i]}, true
}

// next goes to the next older number.
func (c *postCursor) next() {
	if c.i > 0 {
		c.i--
		return
	}
	if len(c.sufs) > 0 {
		c.it.Next()
		c.load()
	}
}

// seekLE goes to the newest number not after p (never forward).
func (c *postCursor) seekLE(p pos) {
	cur, ok := c.cur()
	if !ok || comparePos(cur, p) <= 0 {
		return
	}
	if c.block > p.block {
		// p is in an older block, most often one of the next few: steps
		// stay in the table block the iterator has read, a seek reads and
		// decompresses one on every level.
		for range blockStepsBeforeSeek {
			c.it.Next()
			if !c.it.ValidForPrefix(c.prefix) || string(c.it.Item().Key()[len(c.prefix):]) <= p.block {
				break
			}
		}
		if c.it.ValidForPrefix(c.prefix) && string(c.it.Item().Key()[len(c.prefix):]) > p.block {
			c.it.Seek(append(slices.Clone(c.prefix), p.block...))
		}
		c.load()
		if cur, ok = c.cur(); !ok || comparePos(cur, p) <= 0 {
			return
		}
	}
	// c.block == p.block: the largest suffix not above p.suf, if any.
	i := sort.SearchStrings(c.sufs[:c.i+1], p.suf+"\x00") - 1
	if i >= 0 {
		c.i = i
		return
	}
	c.it.Next()
	c.load()
}

// textPostings joins the posting lists of grams, the rarest first, newest
// number first, and returns the candidates match accepts.
func (tx *Txn) textPostings(grams []string, floor string, limit int, match func(*appliance.Ticket) bool) ([]*appliance.Ticket, error) {
	if !tx.readOnly {
		if err := tx.flushPostings(); err != nil {
			return nil, err
		}
	}
	counts := make(map[string]uint64, len(grams))
	for _, g := range grams {
		n, err := tx.termCount(g)
		if err != nil || n == 0 {
			return nil, err
		}
		counts[g] = n
	}
	grams = slices.Clone(grams)
	slices.SortStableFunc(grams, func(a, b string) int { return cmp.Compare(counts[a], counts[b]) })
	cs := make([]*postCursor, len(grams))
	for i, g := range grams {
		cs[i] = newPostCursor(tx, g)
		defer cs[i].it.Close()
	}
	var out []*appliance.Ticket
	target, ok := cs[0].cur()
	for ok && len(out) < limit && target.id() >= floor {
		// Every list goes to the newest number not after target; an older
		// one becomes the new target, and the rarest list follows it.
		agreed := true
		for _, c := range cs {
			c.seekLE(target)
			p, more := c.cur()
			if c.err != nil {
				return nil, c.err
			}
			if !more {
				return out, nil
			}
			if comparePos(p, target) < 0 {
				target, agreed = p, false
				break
			}
		}
		if !agreed {
			continue
		}
		t, err := tickets.mustGet(tx, target.id())
		if err != nil {
			return nil, err
		}
		if match(t) {
			out = append(out, t)
		}
		cs[0].next()
		target, ok = cs[0].cur()
	}
	return out, cs[0].err
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
