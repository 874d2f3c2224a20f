package store

import (
	"encoding/hex"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

// cardChain is what verifyLedger learns of one card's entries.
type cardChain struct {
	card    string
	count   int64
	sum     int64
	balance int64
	head    string
}

// seqWindow is how many store-wide sequence numbers one pass of the
// store-wide chain check holds (a 33-byte slot each: 8.6 MiB).
const seqWindow = 1 << 18

// hashSlot is one sequence number's entry hash in a window: the 32 bytes
// of a well-formed hash, or (odd) the text of one that is not hex.
type hashSlot struct {
	sum [32]byte
	set bool
}

// verifyLedger checks the card ledger: on every card the entries run
// 1..n, each names the hash of the one before, each hash is recomputed
// from its fields, each balance is the one before plus the amount and
// never negative; the card record's balance, count and head match its
// entries; the store-wide sequence runs 1..N and folds to the stored head.
//
// A card's entries are contiguous in key order, so each card's chain is
// checked as the walk passes it, against its card record; the store-wide
// chain is folded in windows of seqWindow sequence numbers, one walk of
// the ledger per window. Memory stays bounded by the window.
func (tx *Txn) verifyLedger(r *Report) error {
	total, err := tx.verifyCardChains(r)
	if err != nil {
		return err
	}
	if err := tx.verifyCardsWithoutLedger(r); err != nil {
		return err
	}
	head, err := tx.foldStoreChain(r, total, seqWindow)
	if err != nil {
		return err
	}
	stored, err := tx.LedgerHead()
	if err != nil {
		return err
	}
	if stored != head {
		r.problem("the store-wide ledger head does not match the entries (an entry was added, removed or altered)")
	}
	r.Records["ledger"] = int(total)
	return nil
}

// verifyCardChains walks the ledger in key order, checking each card's
// chain and, when its last entry has passed, its card record. It returns
// how many entries decoded.
func (tx *Txn) verifyCardChains(r *Report) (int64, error) {
	var total int64
	var c *cardChain
	err := tx.eachRecord("r/ledger/", func(raw []byte) error {
		var e appliance.LedgerEntry
		if err := decode(raw, &e); err != nil {
			return nil // reported by the record check
		}
		total++
		if c == nil || c.card != e.Card {
			if err := tx.checkCard(c, r); err != nil {
				return err
			}
			c = &cardChain{card: e.Card}
		}
		checkEntry(c, &e, r)
		c.count, c.sum, c.balance, c.head = e.Seq, c.sum+e.AmountFen, e.BalanceFen, e.Hash
		return nil
	})
	if err != nil {
		return 0, err
	}
	return total, tx.checkCard(c, r)
}

// checkEntry checks one entry against its card's chain so far.
func checkEntry(c *cardChain, e *appliance.LedgerEntry, r *Report) {
	at := fmt.Sprintf("ledger %s#%d", e.Card, e.Seq)
	switch {
	case e.Seq != c.count+1:
		r.problem("%s: expected entry #%d here (an entry is missing)", at, c.count+1)
	case e.PrevHash != c.head:
		r.problem("%s: prev_hash does not name the entry before (chain broken)", at)
	case e.Hash != e.ComputeHash():
		r.problem("%s: hash does not match its fields (entry altered)", at)
	case e.BalanceFen != c.balance+e.AmountFen:
		r.problem("%s: balance %d is not %d + %d", at, e.BalanceFen, c.balance, e.AmountFen)
	case e.BalanceFen < 0:
		r.problem("%s: negative balance %d", at, e.BalanceFen)
	}
}

// checkCard compares a card's record with its chain (nil: none yet).
func (tx *Txn) checkCard(ch *cardChain, r *Report) error {
	if ch == nil {
		return nil
	}
	c, found, err := cards.get(tx, ch.card)
	switch {
	case err != nil:
		return nil // a card record that does not decode is reported by the record check
	case !found:
		r.problem("ledger entries for card %s, which does not exist", ch.card)
		return nil
	}
	compareCard(c, ch, r)
	return nil
}

// compareCard reports a card record that disagrees with its chain.
func compareCard(c *appliance.Card, ch *cardChain, r *Report) {
	if c.BalanceFen != ch.sum || c.BalanceFen != ch.balance {
		r.problem("card %s: balance %d but its ledger sums to %d", c.Number, c.BalanceFen, ch.sum)
	}
	if c.LedgerCount != ch.count || c.LedgerHead != ch.head {
		r.problem("card %s: ledger count/head %d/%.8s but the ledger has %d/%.8s", c.Number, c.LedgerCount, c.LedgerHead, ch.count, ch.head)
	}
}

// verifyCardsWithoutLedger checks that a card with no ledger entry claims
// none: no balance, count or head.
func (tx *Txn) verifyCardsWithoutLedger(r *Report) error {
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = []byte("r/ledger/")
	probe := tx.t.NewIterator(opts)
	defer probe.Close()
	return tx.eachRecord("r/card/", func(raw []byte) error {
		var c appliance.Card
		if err := decode(raw, &c); err != nil {
			return nil
		}
		prefix := []byte("r/ledger/" + c.Number + "/")
		if probe.Seek(prefix); probe.ValidForPrefix(prefix) {
			return nil // checked with its chain
		}
		compareCard(&c, &cardChain{card: c.Number}, r)
		return nil
	})
}

// foldStoreChain folds the store-wide chain over the entries' global
// sequence 1..total, window numbers at a time, and returns its head. A number
// missing, used twice or beyond total is reported, and the fold stops at
// the first gap (the head then cannot match).
func (tx *Txn) foldStoreChain(r *Report, total, window int64) (string, error) {
	head := ""
	for lo := int64(1); lo <= total; lo += window {
		hi := min(lo+window, total+1) // this window is [lo, hi)
		slots := make([]hashSlot, hi-lo)
		odd := map[int64]string{} // hashes that are not 64 hex digits (tampered)
		err := tx.eachRecord("r/ledger/", func(raw []byte) error {
			var e struct {
				Card      string `json:"card"`
				Seq       int64  `json:"seq"`
				GlobalSeq int64  `json:"global_seq"`
				Hash      string `json:"hash"`
			}
			if decode(raw, &e) != nil {
				return nil
			}
			at := fmt.Sprintf("ledger %s#%d", e.Card, e.Seq)
			switch {
			case lo == 1 && (e.GlobalSeq < 1 || e.GlobalSeq > total):
				r.problem("%s: store-wide sequence %d where 1..%d was expected (an entry is missing)", at, e.GlobalSeq, total)
			case e.GlobalSeq < lo || e.GlobalSeq >= hi:
			case slots[e.GlobalSeq-lo].set:
				r.problem("%s: store-wide sequence %d is used twice", at, e.GlobalSeq)
			default:
				sl := &slots[e.GlobalSeq-lo]
				sl.set = true
				if n, err := hex.Decode(sl.sum[:], []byte(e.Hash)); err != nil || n != len(sl.sum) || hex.EncodeToString(sl.sum[:]) != e.Hash {
					odd[e.GlobalSeq] = e.Hash
				}
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		for i, sl := range slots {
			seq := lo + int64(i)
			if !sl.set {
				r.problem("store-wide sequence %d is missing (an entry was removed)", seq)
				return head, nil
			}
			h, ok := odd[seq]
			if !ok {
				h = hex.EncodeToString(sl.sum[:])
			}
			head = appliance.ChainHead(head, h)
		}
	}
	return head, nil
}

// CheckCardLedger checks one card's ledger as Verify does, for records
// held outside the store (head office's copies): entries, the card's in
// seq order, run from #1, each naming the one before by hash, each hash
// matching its fields and each balance following from the one before;
// and the card record (nil: none held) agrees with the chain's sum,
// count and head. It returns the problems, none when the ledger is sound.
func CheckCardLedger(number string, c *appliance.Card, entries []*appliance.LedgerEntry) []string {
	r := &Report{Records: map[string]int{}}
	ch := &cardChain{card: number}
	for _, e := range entries {
		checkEntry(ch, e, r)
		ch.count, ch.sum, ch.balance, ch.head = e.Seq, ch.sum+e.AmountFen, e.BalanceFen, e.Hash
	}
	switch {
	case c == nil && len(entries) > 0:
		r.problem("ledger entries for card %s, which does not exist", number)
	case c != nil:
		compareCard(c, ch, r)
	}
	return r.Problems
}
