package store

import (
	"fmt"
	"sort"

	"shouhou/appliance"
)

// cardChain is what verifyLedger learns of one card's entries.
type cardChain struct {
	count   int64
	sum     int64
	balance int64
	head    string
}

// verifyLedger checks the card ledger: on every card the entries run
// 1..n, each names the hash of the one before, each hash is recomputed
// from its fields, each balance is the one before plus the amount and
// never negative; the card record's balance, count and head match its
// entries; the store-wide sequence runs 1..N and folds to the stored head.
func (tx *Txn) verifyLedger(r *Report) error {
	chains := make(map[string]*cardChain)
	type link struct {
		seq  int64
		hash string
		at   string
	}
	var links []link
	err := tx.eachRecord("r/ledger/", func(raw []byte) error {
		var e appliance.LedgerEntry
		if err := decode(raw, &e); err != nil {
			return nil // reported by the record check
		}
		at := fmt.Sprintf("ledger %s#%d", e.Card, e.Seq)
		c := chains[e.Card]
		if c == nil {
			c = &cardChain{}
			chains[e.Card] = c
		}
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
		c.count, c.sum, c.balance, c.head = e.Seq, c.sum+e.AmountFen, e.BalanceFen, e.Hash
		links = append(links, link{e.GlobalSeq, e.Hash, at})
		return nil
	})
	if err != nil {
		return err
	}
	if err := tx.verifyCardsAgainst(chains, r); err != nil {
		return err
	}
	sort.Slice(links, func(i, j int) bool { return links[i].seq < links[j].seq })
	head := ""
	for i, l := range links {
		if l.seq != int64(i+1) {
			r.problem("%s: store-wide sequence %d where %d was expected (an entry is missing)", l.at, l.seq, i+1)
			break
		}
		head = appliance.ChainHead(head, l.hash)
	}
	stored, err := tx.LedgerHead()
	if err != nil {
		return err
	}
	if stored != head {
		r.problem("the store-wide ledger head does not match the entries (an entry was added, removed or altered)")
	}
	r.Records["ledger"] = len(links)
	return nil
}

// verifyCardsAgainst compares each card record with its ledger.
func (tx *Txn) verifyCardsAgainst(chains map[string]*cardChain, r *Report) error {
	seen := make(map[string]bool)
	err := tx.eachRecord("r/card/", func(raw []byte) error {
		var c appliance.Card
		if err := decode(raw, &c); err != nil {
			return nil
		}
		seen[c.Number] = true
		ch := chains[c.Number]
		if ch == nil {
			ch = &cardChain{}
		}
		if c.BalanceFen != ch.sum || c.BalanceFen != ch.balance {
			r.problem("card %s: balance %d but its ledger sums to %d", c.Number, c.BalanceFen, ch.sum)
		}
		if c.LedgerCount != ch.count || c.LedgerHead != ch.head {
			r.problem("card %s: ledger count/head %d/%.8s but the ledger has %d/%.8s", c.Number, c.LedgerCount, c.LedgerHead, ch.count, ch.head)
		}
		return nil
	})
	for card := range chains {
		if !seen[card] {
			r.problem("ledger entries for card %s, which does not exist", card)
		}
	}
	return err
}
