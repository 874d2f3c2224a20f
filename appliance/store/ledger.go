package store

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

// AppendLedger writes a new ledger entry. Entries are immutable: an entry
// at an existing (card, seq) is refused, as is a reused idempotency key.
// Keeping the card's balance and hash chain right is the caller's job;
// Verify checks both.
func (tx *Txn) AppendLedger(e *appliance.LedgerEntry) error {
	if e.Key == "" {
		return appliance.FieldError("key", "缺少幂等键 / the idempotency key is missing")
	}
	_, err := tx.t.Get(ledger.recordKey(ledgerID(e.Card, e.Seq)))
	if err == nil {
		return appliance.Errorf(appliance.ECONFLICT, "账目 %s#%d 已存在，不可修改 / ledger entry %s#%d exists and cannot be changed",
			e.Card, e.Seq, e.Card, e.Seq)
	}
	if !errors.Is(err, badger.ErrKeyNotFound) {
		return fmt.Errorf("store: ledger %s#%d: %w", e.Card, e.Seq, err)
	}
	return ledger.put(tx, e)
}

// LedgerOf returns every entry of a card, oldest first.
func (tx *Txn) LedgerOf(card string) ([]*appliance.LedgerEntry, error) {
	var out []*appliance.LedgerEntry
	err := tx.eachRecord("r/ledger/"+card+"/", func(raw []byte) error {
		e := new(appliance.LedgerEntry)
		if err := decode(raw, e); err != nil {
			return err
		}
		out = append(out, e)
		return nil
	})
	return out, err
}

// LedgerByKey returns the entry made with an idempotency key, or ENOTFOUND.
func (tx *Txn) LedgerByKey(key string) (*appliance.LedgerEntry, error) {
	return ledger.byUnique(tx, idxLedgerKey, key)
}

// eachRecord calls fn with the value of every key under prefix, in key order.
func (tx *Txn) eachRecord(prefix string, fn func(raw []byte) error) error {
	opts := badger.DefaultIteratorOptions
	opts.Prefix = []byte(prefix)
	it := tx.t.NewIterator(opts)
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		if err := it.Item().Value(fn); err != nil {
			return fmt.Errorf("store: read %s: %w", it.Item().Key(), err)
		}
	}
	return nil
}
