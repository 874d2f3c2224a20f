package store

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
	"shouhou/appliance/chain"
)

// closingPrefix holds the frozen daily closings (日结): r/closing/yyyymmdd.
// They are snapshots made by the reports package, stored as JSON it owns;
// Verify does not read them.
const closingPrefix = "r/closing/"

// EachTicket calls fn with every ticket numbered from first on (a ticket
// number or a prefix such as "T20261101"; "" for all), in number order,
// which is creation-day order. fn returning an error stops the walk and
// returns it. A walk reads one snapshot; at 1,000,000 tickets it decodes
// every one of them, so callers bound it by first where they can.
func (tx *Txn) EachTicket(first string, fn func(*appliance.Ticket) error) error {
	prefix := []byte("r/" + tickets.name + "/")
	opts := badger.DefaultIteratorOptions
	opts.Prefix = prefix
	it := tx.t.NewIterator(opts)
	defer it.Close()
	for it.Seek(append(append([]byte{}, prefix...), first...)); it.Valid(); it.Next() {
		var t appliance.Ticket
		if err := it.Item().Value(func(v []byte) error { return decode(v, &t) }); err != nil {
			return fmt.Errorf("store: read %s: %w", it.Item().Key(), err)
		}
		if err := fn(&t); err != nil {
			return err
		}
	}
	return nil
}

// EachTicketTouched calls fn with the tickets numbered in [first, last)
// ("" for no bound) whose Updated or Due time is at or after since, in
// number order. The tickets service sets Updated on every change, so a
// ticket with anything that happened since then is among them. It walks
// the ticket.touch index from since (the later of the two times), so a
// report about a month reads that month's tickets, not the store's.
// Data of format 1 opened read-only has no such index: then every stored
// ticket is looked at (eachTicketTouchedScan).
func (tx *Txn) EachTicketTouched(since time.Time, first, last string, fn func(*appliance.Ticket) error) error {
	if tx.format < 2 {
		return tx.eachTicketTouchedScan(since, first, last, fn)
	}
	prefix := []byte("x/" + idxTicketTouch + "/")
	opts := badger.DefaultIteratorOptions
	opts.Prefix = prefix
	opts.PrefetchValues = false
	it := tx.t.NewIterator(opts)
	defer it.Close()
	// The stamps are whole seconds: start at since's second and check the
	// exact times after decoding.
	var numbers []string
	for it.Seek(append(append([]byte{}, prefix...), since.UTC().Format(dueFormat)...)); it.Valid(); it.Next() {
		k := it.Item().Key()
		n := string(k[bytes.IndexByte(k, 0)+1:])
		if n >= first && (last == "" || n < last) {
			numbers = append(numbers, n)
		}
	}
	slices.Sort(numbers)
	for _, n := range numbers {
		t, err := tickets.mustGet(tx, n)
		if err != nil {
			return err
		}
		if t.Updated.Before(since) && t.Due.Before(since) {
			continue
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	return nil
}

// eachTicketTouchedScan is EachTicketTouched without the index: it reads
// each value but decodes only the tickets it passes on, finding the two
// times in the stored JSON (top-level keys only a ticket has; a quote
// inside a string is escaped, so a fault description cannot fake them).
// A value whose times cannot be read is decoded and passed on.
func (tx *Txn) eachTicketTouchedScan(since time.Time, first, last string, fn func(*appliance.Ticket) error) error {
	prefix := []byte("r/" + tickets.name + "/")
	opts := badger.DefaultIteratorOptions
	opts.Prefix = prefix
	it := tx.t.NewIterator(opts)
	defer it.Close()
	end := append(append([]byte{}, prefix...), last...)
	for it.Seek(append(append([]byte{}, prefix...), first...)); it.Valid(); it.Next() {
		if last != "" && bytes.Compare(it.Item().Key(), end) >= 0 {
			return nil
		}
		var t *appliance.Ticket
		err := it.Item().Value(func(v []byte) error {
			if !touchedSince(v, since) {
				return nil
			}
			t = new(appliance.Ticket)
			return decode(v, t)
		})
		if err != nil {
			return fmt.Errorf("store: read %s: %w", it.Item().Key(), err)
		}
		if t == nil {
			continue
		}
		if err := fn(t); err != nil {
			return err
		}
	}
	return nil
}

// touchedSince reports whether a stored ticket's "updated" or "due" time
// is at or after since; true when either cannot be read. A ticket without
// a deadline has no "due" (it is omitted when zero), which is no touch.
func touchedSince(v []byte, since time.Time) bool {
	for _, key := range [][]byte{[]byte(`"updated":"`), []byte(`"due":"`)} {
		i := bytes.LastIndex(v, key)
		if i < 0 && bytes.Equal(key, []byte(`"due":"`)) {
			continue
		}
		if i < 0 {
			return true
		}
		rest := v[i+len(key):]
		j := bytes.IndexByte(rest, '"')
		if j < 0 {
			return true
		}
		t, err := time.Parse(time.RFC3339Nano, string(rest[:j]))
		if err != nil || !t.Before(since) {
			return true
		}
	}
	return false
}

// EachCard calls fn with every card, in number order.
func (tx *Txn) EachCard(fn func(*appliance.Card) error) error {
	return tx.eachRecord("r/"+cards.name+"/", func(raw []byte) error {
		var c appliance.Card
		if err := decode(raw, &c); err != nil {
			return err
		}
		return fn(&c)
	})
}

// EachLedgerEntry calls fn with every card ledger entry, card by card and
// oldest first on each card.
func (tx *Txn) EachLedgerEntry(fn func(*appliance.LedgerEntry) error) error {
	return tx.eachRecord("r/"+ledger.name+"/", func(raw []byte) error {
		var e appliance.LedgerEntry
		if err := decode(raw, &e); err != nil {
			return err
		}
		return fn(&e)
	})
}

// PutClosing stores the frozen closing of a day (yyyymmdd). A day already
// closed is a conflict: a closing is never rewritten.
func (tx *Txn) PutClosing(day string, snapshot json.RawMessage) error {
	key := []byte(closingPrefix + day)
	if _, err := tx.t.Get(key); err == nil {
		return appliance.Errorf(appliance.ECONFLICT, "%s 已日结 / day %s is already closed", day, day)
	} else if err != badger.ErrKeyNotFound {
		return fmt.Errorf("store: closing %s: %w", day, err)
	}
	v, err := encode(snapshot)
	if err != nil {
		return err
	}
	if err := tx.t.Set(key, v); err != nil {
		return fmt.Errorf("store: put closing %s: %w", day, err)
	}
	tx.recordEventRef(chain.KindClosing, day, string(key)) // a closing is never rewritten
	return nil
}

// Closing returns the frozen closing of a day (yyyymmdd), or an ENOTFOUND
// error when the day was not closed.
func (tx *Txn) Closing(day string) (json.RawMessage, error) {
	item, err := tx.t.Get([]byte(closingPrefix + day))
	if err == badger.ErrKeyNotFound {
		return nil, appliance.Errorf(appliance.ENOTFOUND, "%s 未日结 / day %s is not closed", day, day)
	}
	if err != nil {
		return nil, fmt.Errorf("store: closing %s: %w", day, err)
	}
	var out json.RawMessage
	err = item.Value(func(v []byte) error { return decode(v, &out) })
	return out, err
}

// EachClosing calls fn with every frozen closing from day first (yyyymmdd,
// "" for all) on, in day order.
func (tx *Txn) EachClosing(first string, fn func(day string, snapshot json.RawMessage) error) error {
	opts := badger.DefaultIteratorOptions
	opts.Prefix = []byte(closingPrefix)
	it := tx.t.NewIterator(opts)
	defer it.Close()
	for it.Seek([]byte(closingPrefix + first)); it.Valid(); it.Next() {
		day := string(it.Item().Key()[len(closingPrefix):])
		var raw json.RawMessage
		if err := it.Item().Value(func(v []byte) error { return decode(v, &raw) }); err != nil {
			return fmt.Errorf("store: read closing %s: %w", day, err)
		}
		if err := fn(day, raw); err != nil {
			return err
		}
	}
	return nil
}
