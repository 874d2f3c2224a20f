package store

import (
	"fmt"

	"shouhou/appliance"
	"shouhou/appliance/chain"
)

// idxBlacklistUID lists the blacklist entries by chip UID. It is not
// unique: a chip found again and bound to another card may appear in two
// entries, one of them cleared.
const idxBlacklistUID = "blacklist.uid"

// blacklistSeqKey holds the StreamBlacklist sequence of the last entry
// applied, so a follower restarted on this store resumes after it.
const blacklistSeqKey = "m/blacklistseq"

// blacklist is the chain's card blacklist as this box last heard it from
// head office: one record per card, the latest entry for it. Every box
// numbers its cards from SC-000001, so a card is its issuing branch and
// its number: "r/blacklist/b2/SC-000009". The list is head office's to
// write, so its writes put nothing in the outbox.
var blacklist = kind[chain.BlacklistEntry]{
	name: "blacklist",
	id:   func(e *chain.BlacklistEntry) string { return blacklistID(e.Branch, e.Card) },
	indexes: func(e *chain.BlacklistEntry) []indexEntry {
		es := make([]indexEntry, 0, len(e.UIDs))
		for _, u := range e.UIDs {
			es = append(es, indexEntry{name: idxBlacklistUID, value: u})
		}
		return es
	},
}

// blacklistID is the record ID of branch's card number.
func blacklistID(branch, card string) string { return branch + "/" + card }

// PutBlacklisted records e as the chain's latest word on card e.Card of
// branch e.Branch, replacing what was recorded for it before (a cleared entry is kept: it
// says the card may be used again).
func (tx *Txn) PutBlacklisted(e *chain.BlacklistEntry) error {
	if !chain.ValidBranch(e.Branch) {
		return appliance.FieldError("branch", "黑名单条目分店 %q 无效 / blacklist entry branch %q is not a branch id", e.Branch, e.Branch)
	}
	return blacklist.put(tx, e)
}

// Blacklisted returns the latest entry for branch's card number; found is
// false when the chain never listed it.
func (tx *Txn) Blacklisted(branch, card string) (e *chain.BlacklistEntry, found bool, err error) {
	return blacklist.get(tx, blacklistID(branch, card))
}

// BlacklistedUID returns the entry naming chip uid, a listed one before a
// cleared one when the UID appears in several; found is false when no
// entry names it.
func (tx *Txn) BlacklistedUID(uid string) (e *chain.BlacklistEntry, found bool, err error) {
	es, err := collect(tx, blacklist, idxBlacklistUID, uid, 0)
	if err != nil {
		return nil, false, fmt.Errorf("store: blacklist by uid %s: %w", uid, err)
	}
	for _, c := range es {
		if e == nil || (c.Listed() && !e.Listed()) {
			e = c
		}
	}
	return e, e != nil, nil
}

// BlacklistSeq returns the StreamBlacklist sequence of the last entry
// applied (SetBlacklistSeq), 0 before the first.
func (tx *Txn) BlacklistSeq() (uint64, error) { return tx.counter(blacklistSeqKey) }

// SetBlacklistSeq records seq as the last StreamBlacklist sequence
// applied; the follower writes it in the transaction that applies the
// entry.
func (tx *Txn) SetBlacklistSeq(seq uint64) error {
	if tx.readOnly {
		return fmt.Errorf("store: set blacklist seq in a read-only transaction")
	}
	return tx.setCounter(blacklistSeqKey, seq)
}
