package store

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
	"shouhou/appliance/chain"
)

// The outbox (package chain says what it is for) lives under o/:
//
//	o/head          the seq of the last event written (8 bytes, big-endian)
//	o/acked         the seq up to which the chain's stream has acked (same)
//	o/e/SEQ         one event (SEQ 8 bytes big-endian, so keys sort by seq);
//	                the value is the codec-versioned JSON of a chain.Event
//	                (storedEvent: a record written once is referred to, not copied)
//
// Every box keeps an outbox, whether or not it belongs to a chain, so a
// box that joins one later can forward its whole history. Events are
// written by Update in the transaction that made the change, after the
// function given to it returns: a transaction that fails writes none and
// uses no seq, and as read-write transactions run one at a time, seqs run
// 1, 2, 3 … without gaps.
const (
	outboxHeadKey   = "o/head"
	outboxAckedKey  = "o/acked"
	outboxEventsKey = "o/e/"
)

// outboxPageMax is what OutboxFrom returns when asked for no limit.
const outboxPageMax = 500

// pruneBatch is how many events one PruneOutbox transaction deletes.
const pruneBatch = 1000

// pendingEvent is a change a transaction made that its outbox event will
// carry once the transaction's function has returned.
type pendingEvent struct {
	kind, id string
	data     json.RawMessage // the record's JSON; "null" for a delete; nil with ref
	ref      string          // the key of a record written once, whose value is the data
}

// storedEvent is an outbox value. For a record that is written once and
// never changed or deleted (a ledger entry, an audit entry, a closing),
// Data is left out and Ref names the record, read back when the event is:
// the outbox does not hold a second copy of the store's largest records.
type storedEvent struct {
	chain.Event
	Ref string `json:"ref,omitempty"`
}

// recordEvent notes a put of a record of chain kind (the record's stored
// value, codec byte first) or, with stored nil, a delete. A record the
// transaction wrote before has only its last version carried, at the
// place of its last write: an event is the record "as it is after the
// change" (chain.KindCard …), and no reader can see the versions in
// between, which were never committed. A batch of top-ups on one card is
// one card event, not one a top-up.
func (tx *Txn) recordEvent(kind, id string, stored []byte) {
	if kind == "" {
		return
	}
	data := json.RawMessage("null")
	if stored != nil {
		data = json.RawMessage(stored[1:]) // drop the codec byte: the JSON alone
	}
	k := kind + "/" + id
	if i, ok := tx.eventAt[k]; ok {
		tx.events[i].kind = "" // superseded: writeOutboxLocked skips it
	} else if tx.eventAt == nil {
		tx.eventAt = make(map[string]int)
	}
	tx.eventAt[k] = len(tx.events)
	tx.events = append(tx.events, pendingEvent{kind: kind, id: id, data: data})
}

// recordEventRef notes the write of a record that is never changed or
// deleted again, at key.
func (tx *Txn) recordEventRef(kind, id, key string) {
	tx.events = append(tx.events, pendingEvent{kind: kind, id: id, ref: key})
}

// outboxKey is the key of event seq.
func outboxKey(seq uint64) []byte {
	k := make([]byte, len(outboxEventsKey)+8)
	copy(k, outboxEventsKey)
	binary.BigEndian.PutUint64(k[len(outboxEventsKey):], seq)
	return k
}

// writeOutboxLocked appends the transaction's pending events to the outbox
// under the next seqs and advances o/head; it returns how many it wrote.
// The caller holds db.writeMu (Update).
func (tx *Txn) writeOutboxLocked(branch string) (int, error) {
	if len(tx.events) == 0 {
		return 0, nil
	}
	head, err := tx.counter(outboxHeadKey)
	if err != nil {
		return 0, err
	}
	at := tx.now()
	n := 0
	for _, p := range tx.events {
		if p.kind == "" {
			continue // a later write of the same record carries it
		}
		head++
		n++
		ev := storedEvent{Event: chain.Event{Branch: branch, Seq: head, Time: at, Kind: p.kind, ID: p.id, Data: p.data}, Ref: p.ref}
		v, err := encode(&ev)
		if err != nil {
			return 0, err
		}
		if err := tx.t.Set(outboxKey(head), v); err != nil {
			return 0, fmt.Errorf("store: outbox event %d: %w", head, err)
		}
	}
	if err := tx.setCounter(outboxHeadKey, head); err != nil {
		return 0, err
	}
	return n, nil
}

// counter reads an 8-byte big-endian value; a missing key is 0.
func (tx *Txn) counter(key string) (uint64, error) {
	item, err := tx.t.Get([]byte(key))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: %s: %w", key, err)
	}
	var n uint64
	err = item.Value(func(v []byte) error {
		if len(v) != 8 {
			return fmt.Errorf("store: %s holds %d bytes", key, len(v))
		}
		n = binary.BigEndian.Uint64(v)
		return nil
	})
	return n, err
}

// setCounter writes an 8-byte big-endian value.
func (tx *Txn) setCounter(key string, n uint64) error {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	if err := tx.t.Set([]byte(key), b[:]); err != nil {
		return fmt.Errorf("store: %s: %w", key, err)
	}
	return nil
}

// OutboxNotify returns a channel that receives (without blocking the
// writer, so signals coalesce) after each committed Update that wrote
// outbox events. It is the same channel every call: meant for one reader,
// the chain forwarder.
func (db *DB) OutboxNotify() <-chan struct{} { return db.outboxNotify }

// signalOutbox tells the OutboxNotify reader that events were written.
func (db *DB) signalOutbox() {
	select {
	case db.outboxNotify <- struct{}{}:
	default:
	}
}

// OutboxHead returns the seq of the last event written (0 before the first).
func (db *DB) OutboxHead() (uint64, error) { return db.readCounter(outboxHeadKey) }

// OutboxAcked returns the seq up to which the chain's stream has acked the
// outbox (0 before the first ack).
func (db *DB) OutboxAcked() (uint64, error) { return db.readCounter(outboxAckedKey) }

func (db *DB) readCounter(key string) (uint64, error) {
	var n uint64
	err := db.View(func(tx *Txn) (err error) {
		n, err = tx.counter(key)
		return err
	})
	return n, err
}

// OutboxOldest returns the seq of the oldest event the outbox still holds,
// or head+1 when it holds none (every event was pruned, or none written).
func (db *DB) OutboxOldest() (uint64, error) {
	var oldest uint64
	err := db.View(func(tx *Txn) error {
		head, err := tx.counter(outboxHeadKey)
		if err != nil {
			return err
		}
		oldest = head + 1
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false
		opts.Prefix = []byte(outboxEventsKey)
		it := tx.t.NewIterator(opts)
		defer it.Close()
		if it.Rewind(); it.Valid() {
			oldest, err = outboxSeq(it.Item().Key())
		}
		return err
	})
	return oldest, err
}

// outboxSeq reads the seq out of an event key.
func outboxSeq(key []byte) (uint64, error) {
	if len(key) != len(outboxEventsKey)+8 {
		return 0, fmt.Errorf("store: malformed outbox key %q", key)
	}
	return binary.BigEndian.Uint64(key[len(outboxEventsKey):]), nil
}

// OutboxFrom returns the events from seq from on, in seq order, at most
// max of them (max <= 0 means 500). It returns fewer, or none, when the
// outbox holds no more; events already pruned are not returned, so the
// first event's Seq may be above from.
func (db *DB) OutboxFrom(from uint64, max int) ([]chain.Event, error) {
	if max <= 0 {
		max = outboxPageMax
	}
	var out []chain.Event
	err := db.View(func(tx *Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = []byte(outboxEventsKey)
		opts.PrefetchSize = min(max, 100)
		it := tx.t.NewIterator(opts)
		defer it.Close()
		for it.Seek(outboxKey(from)); it.Valid() && len(out) < max; it.Next() {
			ev, err := tx.readEvent(it.Item())
			if err != nil {
				return err
			}
			out = append(out, ev)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: outbox from %d: %w", from, err)
	}
	return out, nil
}

// readEvent decodes one outbox value, reading a referenced record's data.
func (tx *Txn) readEvent(item *badger.Item) (chain.Event, error) {
	var ev storedEvent
	if err := item.Value(func(v []byte) error { return decode(v, &ev) }); err != nil {
		return chain.Event{}, fmt.Errorf("store: outbox %q: %w", item.Key(), err)
	}
	if ev.Ref == "" {
		return ev.Event, nil
	}
	rec, err := tx.t.Get([]byte(ev.Ref))
	if err != nil {
		return chain.Event{}, fmt.Errorf("store: outbox event %d: its record %s: %w", ev.Seq, ev.Ref, err)
	}
	v, err := rec.ValueCopy(nil)
	if err != nil || len(v) == 0 {
		return chain.Event{}, fmt.Errorf("store: outbox event %d: read %s: %v", ev.Seq, ev.Ref, err)
	}
	ev.Data = v[1:]
	return ev.Event, nil
}

// SetOutboxAcked records that the chain's stream has acked every event up
// to seq. Acks only move forward: a seq at or below the current ack is
// ignored. A seq beyond the head is refused.
func (db *DB) SetOutboxAcked(seq uint64) error {
	return db.Update(func(tx *Txn) error {
		head, err := tx.counter(outboxHeadKey)
		if err != nil {
			return err
		}
		if seq > head {
			return appliance.Errorf(appliance.EINVALID,
				"确认序号 %d 超过发件箱末尾 %d / ack %d is beyond the outbox head %d", seq, head, seq, head)
		}
		acked, err := tx.counter(outboxAckedKey)
		if err != nil || seq <= acked {
			return err
		}
		return tx.setCounter(outboxAckedKey, seq)
	})
}

// PruneOutbox deletes the events up to seq upTo that the stream has acked
// (never one above OutboxAcked) and returns how many it deleted. Head and
// ack stay, so seqs go on from where they were.
func (db *DB) PruneOutbox(upTo uint64) (int, error) {
	n, err := db.pruneOutbox(upTo, time.Time{})
	if err != nil {
		return n, fmt.Errorf("store: prune outbox to %d: %w", upTo, err)
	}
	return n, nil
}

// PruneOutboxBefore deletes the acked events written before cutoff and
// returns how many it deleted. It goes from the oldest event on and stops
// at the first one written at or after cutoff (or not acked), so what is
// kept is always every event from some seq to the head, even if the
// clock was once set back. Head and ack stay.
func (db *DB) PruneOutboxBefore(cutoff time.Time) (int, error) {
	n, err := db.pruneOutbox(math.MaxUint64, cutoff)
	if err != nil {
		return n, fmt.Errorf("store: prune outbox before %s: %w", cutoff.Format(time.RFC3339), err)
	}
	return n, nil
}

// pruneOutbox deletes, in transactions of pruneBatch, the oldest events
// at or below both upTo and the ack and, with a cutoff, written before it.
func (db *DB) pruneOutbox(upTo uint64, cutoff time.Time) (int, error) {
	total := 0
	for {
		n, err := db.pruneOutboxBatch(upTo, cutoff)
		total += n
		if err != nil || n < pruneBatch {
			return total, err
		}
	}
}

// pruneOutboxBatch deletes up to pruneBatch of the oldest events at or
// below both upTo and the ack and, unless cutoff is zero, written before
// cutoff; it stops at the first event that is not.
func (db *DB) pruneOutboxBatch(upTo uint64, cutoff time.Time) (int, error) {
	n := 0
	err := db.Update(func(tx *Txn) error {
		acked, err := tx.counter(outboxAckedKey)
		if err != nil {
			return err
		}
		limit := min(upTo, acked)
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = !cutoff.IsZero()
		opts.Prefix = []byte(outboxEventsKey)
		it := tx.t.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid() && n < pruneBatch; it.Next() {
			key := it.Item().KeyCopy(nil)
			seq, err := outboxSeq(key)
			if err != nil {
				return err
			}
			if seq > limit {
				break
			}
			if !cutoff.IsZero() {
				var at struct {
					Time time.Time `json:"time"`
				}
				if err := it.Item().Value(func(v []byte) error { return decode(v, &at) }); err != nil {
					return fmt.Errorf("event %d: %w", seq, err)
				}
				if !at.Time.Before(cutoff) {
					break
				}
			}
			if err := tx.t.Delete(key); err != nil {
				return fmt.Errorf("delete event %d: %w", seq, err)
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// verifyOutbox checks the outbox from its keys alone: the seqs from the
// oldest kept to o/head have no gap, the ack is not beyond the head, and
// no event above the ack was pruned. It reads no event value (a copy of
// a record, Badger checksums it), so it costs a walk of the keys.
func (tx *Txn) verifyOutbox(r *Report) error {
	head, err := tx.counter(outboxHeadKey)
	if err != nil {
		return err
	}
	acked, err := tx.counter(outboxAckedKey)
	if err != nil {
		return err
	}
	if acked > head {
		r.problem("outbox: acked %d is beyond the head %d", acked, head)
	}
	opts := badger.DefaultIteratorOptions
	opts.Prefix = []byte(outboxEventsKey)
	opts.PrefetchValues = false // keys only: the values are records Verify has read once already
	it := tx.t.NewIterator(opts)
	defer it.Close()
	var oldest, last uint64
	count := 0
	for it.Rewind(); it.Valid(); it.Next() {
		seq, err := outboxSeq(it.Item().Key())
		if err != nil {
			r.problem("outbox: %v", err)
			continue
		}
		if count == 0 {
			oldest = seq
		} else if seq != last+1 {
			r.problem("outbox: events %d to %d are missing (gap after %d)", last+1, seq-1, last)
		}
		last = seq
		count++
	}
	r.Records["outbox"] = count
	switch {
	case count == 0 && head > acked:
		r.problem("outbox: events %d to %d are missing (none kept, head %d, acked %d)", acked+1, head, head, acked)
	case count > 0 && last != head:
		r.problem("outbox: the last event is %d but the head is %d", last, head)
	case count > 0 && oldest > acked+1:
		r.problem("outbox: events %d to %d are missing (not acked, so not pruned)", acked+1, oldest-1)
	}
	return nil
}
