package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"github.com/dgraph-io/badger/v4"
)

// Posting blocks of the free-text terms (data format 6, issue 14).
//
// Format 5's x/ticket.text entries held one key per term and ticket, so a
// join of common terms walked a key per ticket. Format 6 holds the same
// (term, ticket) pairs in blocks named by the ticket number without its
// last two characters, and one count per term:
//
//	p/屏幕\x00T20261123-00   the numbers T20261123-0001 … T20261123-0099 that hold 屏幕
//	c/屏幕                   how many tickets hold 屏幕 (uvarint)
//
// A block holds at most 100 numbers, and a write finds its block from the
// number alone, with one Get: no iterator, no search for the block whose
// range holds the number, no split. A block's value is postingCodec, then
// each number's last two characters (the rest is the block's name) as a
// uvarint length and the bytes, ascending.
//
// Writes coalesce per transaction: kind.put and delete change the blocks
// and counts in tx.postings (read once, on first touch), and Update writes
// each changed block and count once before it commits (flushPostings), so
// a transaction that makes a thousand tickets of one day rewrites each of
// their terms' ten blocks once, not once per ticket.
//
// The counts let a query's join start from its rarest term. One key per
// term (rather than a count per term and day) costs a ticket write one Get
// and one Set per distinct term per transaction, beside the block it
// writes anyway, and a query one Get per term; per-day counts would make
// the query sum a range for every term. Verify checks the blocks against
// the tickets and the counts against the blocks (verifyPostings).

const (
	postPrefix      = "p/"
	termCountPrefix = "c/"
	// postingCodec is the version byte of a block value.
	postingCodec byte = 1
	// suffixLen is how many trailing characters of a ticket number a block
	// keeps; the rest names the block (at most 100 numbers share it).
	suffixLen = 2
)

// blockOf splits a ticket number into the name of its block and the
// suffix the block keeps.
func blockOf(id string) (block, suffix string) {
	if len(id) <= suffixLen {
		return "", id
	}
	return id[:len(id)-suffixLen], id[len(id)-suffixLen:]
}

func postKey(term, block string) []byte { return []byte(postPrefix + term + "\x00" + block) }
func countKey(term string) []byte       { return []byte(termCountPrefix + term) }

// encodeBlock returns the value of a block of ascending suffixes.
func encodeBlock(sufs []string) []byte {
	b := make([]byte, 1, 1+3*len(sufs))
	b[0] = postingCodec
	for _, s := range sufs {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	return b
}

// decodeBlock appends the suffixes of a block value to sufs.
func decodeBlock(sufs []string, b []byte) ([]string, error) {
	if len(b) == 0 || b[0] != postingCodec {
		return nil, errors.New("store: posting block of unknown encoding")
	}
	all := string(b[1:]) // one allocation; the suffixes are slices of it
	for i := 0; i < len(all); {
		n, k := binary.Uvarint(b[1+i:])
		if k <= 0 || uint64(len(all)-i-k) < n {
			return nil, errors.New("store: malformed posting block")
		}
		i += k
		sufs = append(sufs, all[i:i+int(n)])
		i += int(n)
	}
	return sufs, nil
}

// postingWrites are the blocks and counts a transaction has changed and
// not yet written.
type postingWrites struct {
	blocks map[string]*pendingBlock // by postKey
	counts map[string]int64         // term → change of its count
}

// pendingBlock is one block as the transaction has it.
type pendingBlock struct {
	key    []byte
	sufs   []string // ascending
	stored bool     // the block was in the store when first read
	dirty  bool
}

// block returns the transaction's copy of a block, reading it on first touch.
func (tx *Txn) block(term, name string) (*pendingBlock, error) {
	if tx.postings == nil {
		tx.postings = &postingWrites{blocks: make(map[string]*pendingBlock), counts: make(map[string]int64)}
	}
	key := postKey(term, name)
	if b, ok := tx.postings.blocks[string(key)]; ok {
		return b, nil
	}
	b := &pendingBlock{key: key}
	item, err := tx.t.Get(key)
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
	case err != nil:
		return nil, fmt.Errorf("store: get posting block %q: %w", key, err)
	default:
		b.stored = true
		err = item.Value(func(v []byte) (err error) {
			b.sufs, err = decodeBlock(nil, v)
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("store: read posting block %q: %w", key, err)
		}
	}
	tx.postings.blocks[string(key)] = b
	return b, nil
}

// postAdd puts ticket id in the posting list of term (nothing if it is there).
func (tx *Txn) postAdd(term, id string) error {
	name, suf := blockOf(id)
	b, err := tx.block(term, name)
	if err != nil {
		return err
	}
	i, found := slices.BinarySearch(b.sufs, suf)
	if found {
		return nil
	}
	b.sufs = slices.Insert(b.sufs, i, suf)
	b.dirty = true
	tx.postings.counts[term]++
	return nil
}

// postRemove takes ticket id out of the posting list of term.
func (tx *Txn) postRemove(term, id string) error {
	name, suf := blockOf(id)
	b, err := tx.block(term, name)
	if err != nil {
		return err
	}
	i, found := slices.BinarySearch(b.sufs, suf)
	if !found {
		return nil
	}
	b.sufs = slices.Delete(b.sufs, i, i+1)
	b.dirty = true
	tx.postings.counts[term]--
	return nil
}

// flushPostings writes the blocks and counts the transaction changed, each
// once, and forgets them; Update calls it before it commits, and a search
// in a read-write transaction before it reads the blocks.
func (tx *Txn) flushPostings() error {
	p := tx.postings
	if p == nil {
		return nil
	}
	tx.postings = nil
	for _, b := range p.blocks {
		if !b.dirty {
			continue
		}
		var err error
		switch {
		case len(b.sufs) > 0:
			err = tx.t.Set(b.key, encodeBlock(b.sufs))
		case b.stored:
			err = tx.t.Delete(b.key)
		}
		if err != nil {
			return fmt.Errorf("store: write posting block %q: %w", b.key, err)
		}
	}
	for term, d := range p.counts {
		if d == 0 {
			continue
		}
		n, err := tx.termCount(term)
		if err != nil {
			return err
		}
		n = uint64(int64(n) + d)
		if n == 0 {
			err = tx.t.Delete(countKey(term))
		} else {
			err = tx.t.Set(countKey(term), binary.AppendUvarint(nil, n))
		}
		if err != nil {
			return fmt.Errorf("store: set count of %q: %w", term, err)
		}
	}
	return nil
}

// termCount returns how many tickets the posting list of term holds, as
// stored (flushPostings has written this transaction's changes).
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
		if n, k = binary.Uvarint(v); k <= 0 {
			return errors.New("malformed count")
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: read count of %q: %w", term, err)
	}
	return n, nil
}
