package store

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

// ledgerHeadKey holds the store-wide ledger chain head.
const ledgerHeadKey = "m/ledgerhead"

// AppendLedger writes a new ledger entry. Entries are immutable: an entry
// at an existing (card, seq) is refused, as is a reused idempotency key.
// The caller sets Card, Seq, Kind, amounts, Operator, Key, Time and
// PrevHash (the card's LedgerHead); AppendLedger gives the entry its
// store-wide GlobalSeq and its Hash and folds it into the store-wide chain
// head. Keeping the card record's balance, count and head in step is the
// caller's job, in the same transaction; Verify checks all of it.
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
	if holder, err := tx.uniqueHolder(indexEntry{name: idxLedgerKey, value: e.Key, unique: true}.key("")); err != nil {
		return err
	} else if holder != "" {
		return &appliance.Error{Code: appliance.ECONFLICT, Field: "key", Message: fmt.Sprintf(
			"幂等键 %s 已用于 %s / idempotency key %q was already used for %s", e.Key, holder, e.Key, holder)}
	}
	if e.GlobalSeq, err = tx.next("n/ledger"); err != nil {
		return err
	}
	e.Hash = e.ComputeHash()
	head, err := tx.LedgerHead()
	if err != nil {
		return err
	}
	if err := tx.t.Set([]byte(ledgerHeadKey), []byte(appliance.ChainHead(head, e.Hash))); err != nil {
		return fmt.Errorf("store: ledger head: %w", err)
	}
	return ledger.put(tx, e)
}

// LedgerHead returns the store-wide ledger chain head ("" before the first entry).
func (tx *Txn) LedgerHead() (string, error) {
	item, err := tx.t.Get([]byte(ledgerHeadKey))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: ledger head: %w", err)
	}
	v, err := item.ValueCopy(nil)
	return string(v), err
}

// LedgerOfDay returns the entries made on a day (yyyymmdd in the store's
// time zone), in the order they were indexed.
func (tx *Txn) LedgerOfDay(day string) ([]*appliance.LedgerEntry, error) {
	return collect(tx, ledger, idxLedgerDay, day, 0)
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
