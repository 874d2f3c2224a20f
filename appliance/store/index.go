package store

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

// indexEntry is one secondary-index entry a record asks for.
type indexEntry struct {
	name   string // e.g. "customer.phone"
	value  string // the looked-up value
	unique bool   // at most one record per value
	// data is what a non-unique entry's key holds (nil for most indexes;
	// ticket.report keeps a ticket's report record there).
	data []byte
	// posting says the entry is a free-text term, kept in the term's
	// posting blocks (postings.go) instead of under its key; the key
	// still names it, for Verify.
	posting bool
}

// key returns the Badger key of the entry for the record id.
func (e indexEntry) key(id string) []byte {
	if e.unique {
		return joinKey("u/", e.name, "/", e.value)
	}
	return joinKey("x/", e.name, "/", e.value, "\x00", id)
}

// joinKey returns its parts joined as a new key, in one allocation.
func joinKey(parts ...string) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	k := make([]byte, 0, n)
	for _, p := range parts {
		k = append(k, p...)
	}
	return k
}

// kind describes how one record type is stored: its key and its indexes.
type kind[T any] struct {
	name string
	// event is the chain event kind (chain.KindTicket …) each write of a
	// record of this kind puts in the outbox; "" for kinds the chain does
	// not carry.
	event string
	// once says a record is written once and never changed or deleted
	// (ledger and audit entries): its event refers to it instead of
	// holding a copy. A retention that deletes such records must first
	// wait for their events to be acked (OutboxAcked).
	once bool
	// keepRead says a read in a read-write transaction notes the index
	// entries of the version read (Txn.readIndexes), so that a put of the
	// record later in the transaction, the card after a top-up, neither
	// reads nor decodes it again. For kinds whose indexes are cheap to
	// list (cards).
	keepRead bool
	id       func(*T) string
	indexes  func(*T) []indexEntry
}

// spec is what Verify needs of every kind, whatever its Go type.
type spec interface {
	kindName() string
	indexKeys(raw []byte) (id string, keys map[string]string, err error)
}

func (k kind[T]) kindName() string { return k.name }

// indexKeys decodes a stored record and returns the index keys it should
// have, each mapped to the value the key must hold.
func (k kind[T]) indexKeys(raw []byte) (string, map[string]string, error) {
	var rec T
	if err := decode(raw, &rec); err != nil {
		return "", nil, err
	}
	id := k.id(&rec)
	keys := make(map[string]string)
	for _, e := range k.indexes(&rec) {
		if e.unique {
			keys[string(e.key(id))] = id
		} else {
			keys[string(e.key(id))] = string(e.data)
		}
	}
	return id, keys, nil
}

func (k kind[T]) recordKey(id string) []byte { return joinKey("r/", k.name, "/", id) }

// get reads the record id; found is false when there is none.
func (k kind[T]) get(tx *Txn, id string) (rec *T, found bool, err error) {
	key := k.recordKey(id)
	item, err := tx.t.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("store: get %s %s: %w", k.name, id, err)
	}
	rec = new(T)
	err = item.Value(func(v []byte) error { return decode(v, rec) })
	if err != nil {
		return nil, false, fmt.Errorf("store: read %s %s: %w", k.name, id, err)
	}
	if k.keepRead && !tx.readOnly {
		tx.noteIndexes(string(key), k.indexes(rec))
	}
	return rec, true, nil
}

// mustGet is get with a not-found error for people.
func (k kind[T]) mustGet(tx *Txn, id string) (*T, error) {
	rec, ok, err := k.get(tx, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound(k.name, id)
	}
	return rec, nil
}

// put writes rec and brings its index entries up to date in the same
// transaction. A unique value held by another record is a conflict.
// Index entries the stored version already has, with the same data, are
// left as they are: a card's top-up rewrites the card, not its customer
// and UID entries.
//
// A record of a kind written once (ledger and audit entries) is new by
// construction: its caller has refused an existing ID and a taken unique
// value in the same transaction (AppendLedger), or the ID cannot repeat
// (newAuditID); put neither reads a previous version nor looks its unique
// values up again.
func (k kind[T]) put(tx *Txn, rec *T) error { return k.write(tx, rec, false) }

// rewrite is put writing every index entry again, whether or not the
// stored version has it (ReindexTickets).
func (k kind[T]) rewrite(tx *Txn, rec *T) error { return k.write(tx, rec, true) }

// write is put; all says to write index entries the stored version has.
func (k kind[T]) write(tx *Txn, rec *T, all bool) error {
	if tx.readOnly {
		return errors.New("store: write in a read-only transaction")
	}
	id := k.id(rec)
	if id == "" {
		return appliance.FieldError("id", "%s 缺少编号 / %s has no id", k.name, k.name)
	}
	want := k.indexes(rec)
	key := k.recordKey(id)
	wantKeys := make([][]byte, len(want))
	for i, e := range want {
		wantKeys[i] = e.key(id)
	}
	var had []bool
	var data [][]byte
	if !k.once {
		old, found, err := k.storedIndexes(tx, id, key)
		if err != nil {
			return err
		}
		if found {
			if had, data, err = k.dropStale(tx, id, old, wantKeys); err != nil {
				return err
			}
		}
	}
	for i, e := range want {
		if had != nil && had[i] && (e.posting || !all && (e.unique || bytes.Equal(data[i], e.data))) {
			continue // the stored version has this entry already (a posting: in its block)
		}
		if k.once && !e.posting {
			if err := tx.setIndexKey(wantKeys[i], id, e); err != nil {
				return err
			}
		} else if err := k.setIndex(tx, id, e); err != nil {
			return err
		}
	}
	v, err := encode(rec)
	if err != nil {
		return err
	}
	if err := tx.t.Set(key, v); err != nil {
		return fmt.Errorf("store: put %s %s: %w", k.name, id, err)
	}
	if k.keepRead {
		tx.noteIndexes(string(key), want)
	}
	if k.once && k.event != "" {
		tx.recordEventRef(k.event, id, string(key))
	} else {
		tx.recordEvent(k.event, id, v)
	}
	return nil
}

// storedIndexes returns the index entries of the stored version of id
// (at key), found false when there is none: those noted when the
// transaction read or wrote it (keepRead), else read from the store.
func (k kind[T]) storedIndexes(tx *Txn, id string, key []byte) ([]indexEntry, bool, error) {
	if es, ok := tx.readIndexes[string(key)]; ok {
		return es, true, nil
	}
	old, found, err := k.get(tx, id)
	if err != nil || !found {
		return nil, false, err
	}
	return k.indexes(old), true, nil
}

// noteIndexes keeps the index entries of the version of a record
// (keepRead) this transaction read or wrote.
func (tx *Txn) noteIndexes(key string, es []indexEntry) {
	if tx.readIndexes == nil {
		tx.readIndexes = make(map[string][]indexEntry)
	}
	tx.readIndexes[key] = es
}

// dropStale deletes the old index entries that the new version, whose
// entries have the keys wantKeys, no longer has, and says for each of
// those whether the old version has it (had) and with what data.
func (k kind[T]) dropStale(tx *Txn, id string, old []indexEntry, wantKeys [][]byte) (had []bool, data [][]byte, err error) {
	had, data = make([]bool, len(wantKeys)), make([][]byte, len(wantKeys))
	var at map[string][]int // the places of each wanted key, for many entries (a ticket's terms)
	if len(old)*len(wantKeys) > 64 {
		at = make(map[string][]int, len(wantKeys))
		for i, key := range wantKeys {
			at[string(key)] = append(at[string(key)], i)
		}
	}
	for _, e := range old {
		key := e.key(id)
		kept := false
		if at != nil {
			for _, i := range at[string(key)] {
				had[i], data[i], kept = true, e.data, true
			}
		} else {
			for i, w := range wantKeys {
				if bytes.Equal(w, key) {
					had[i], data[i], kept = true, e.data, true
				}
			}
		}
		if kept {
			continue
		}
		if err := tx.dropIndex(id, e); err != nil {
			return nil, nil, err
		}
	}
	return had, data, nil
}

// dropIndex deletes one index entry of record id.
func (tx *Txn) dropIndex(id string, e indexEntry) error {
	if e.posting {
		return tx.postRemove(e.value, id)
	}
	if err := tx.t.Delete(e.key(id)); err != nil {
		return fmt.Errorf("store: drop index %s: %w", e.key(id), err)
	}
	return nil
}

// setIndex writes one index entry, refusing a unique value held by another record.
func (k kind[T]) setIndex(tx *Txn, id string, e indexEntry) error {
	if e.posting {
		return tx.postAdd(e.value, id)
	}
	key := e.key(id)
	if !e.unique {
		if err := tx.t.Set(key, e.data); err != nil {
			return fmt.Errorf("store: set index %s: %w", key, err)
		}
		return nil
	}
	holder, err := tx.uniqueHolder(key)
	if err != nil {
		return err
	}
	if holder != "" && holder != id {
		return &appliance.Error{Code: appliance.ECONFLICT, Field: e.name, Message: fmt.Sprintf(
			"%s 已被 %s 使用 / %s %q is already used by %s", e.value, holder, e.name, e.value, holder)}
	}
	if err := tx.t.Set(key, []byte(id)); err != nil {
		return fmt.Errorf("store: set index %s: %w", key, err)
	}
	return nil
}

// setIndexKey writes index entry e of record id at its key without
// looking a unique value up: the caller has (kind.write of a once kind).
func (tx *Txn) setIndexKey(key []byte, id string, e indexEntry) error {
	v := e.data
	if e.unique {
		v = []byte(id)
	}
	if err := tx.t.Set(key, v); err != nil {
		return fmt.Errorf("store: set index %s: %w", key, err)
	}
	return nil
}

// uniqueHolder returns the ID a unique index key points to, or "".
func (tx *Txn) uniqueHolder(key []byte) (string, error) {
	item, err := tx.t.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: get index %s: %w", key, err)
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return "", fmt.Errorf("store: read index %s: %w", key, err)
	}
	return string(v), nil
}

// delete removes record id and its index entries; a missing record is not found.
func (k kind[T]) delete(tx *Txn, id string) error {
	old, err := k.mustGet(tx, id)
	if err != nil {
		return err
	}
	for _, e := range k.indexes(old) {
		if err := tx.dropIndex(id, e); err != nil {
			return err
		}
	}
	if err := tx.t.Delete(k.recordKey(id)); err != nil {
		return fmt.Errorf("store: delete %s %s: %w", k.name, id, err)
	}
	delete(tx.readIndexes, string(k.recordKey(id)))
	tx.recordEvent(k.event, id, nil)
	return nil
}

// byUnique returns the record a unique index value points to.
func (k kind[T]) byUnique(tx *Txn, index, value string) (*T, error) {
	id, err := tx.uniqueHolder(indexEntry{name: index, value: value, unique: true}.key(""))
	if err != nil {
		return nil, err
	}
	if id == "" {
		return nil, notFoundBy(index, value)
	}
	return k.mustGet(tx, id)
}

// idsWith returns the IDs of the records whose non-unique index has value,
// in ID order, at most limit of them (0 for all).
func (tx *Txn) idsWith(index, value string, limit int) ([]string, error) {
	return tx.scanIDsBefore([]byte("x/"+index+"/"+value+"\x00"), nil, limit)
}

// scanIDsBefore walks the index keys under prefix in order, stopping at
// the first key not below stop (when stop is given) or after limit IDs
// (when limit > 0), and returns the IDs after each key's last NUL.
func (tx *Txn) scanIDsBefore(prefix, stop []byte, limit int) ([]string, error) {
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = prefix
	it := tx.t.NewIterator(opts)
	defer it.Close()
	var ids []string
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		key := it.Item().Key()
		if stop != nil && bytes.Compare(key, stop) >= 0 {
			break
		}
		i := bytes.LastIndexByte(key, 0)
		if i < 0 {
			return nil, fmt.Errorf("store: malformed index key %q", key)
		}
		ids = append(ids, string(key[i+1:]))
		if limit > 0 && len(ids) == limit {
			break
		}
	}
	return ids, nil
}
