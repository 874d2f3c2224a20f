package store

import (
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"
)

// kv is a Badger transaction as the store's code uses it. Outside a
// Pipeline it is the Badger transaction itself. In a Pipeline it also
// sees the writes of the transaction before it, whose commit is still
// under way (staged), and notes its own writes for the transaction after.
type kv struct {
	*badger.Txn
	// prev are the writes of the transaction being committed before this
	// one (nil outside a Pipeline): the snapshot this one reads was taken
	// before that commit, so a read looks here first.
	prev map[string]staged
	// own are this transaction's writes (nil outside a Pipeline).
	own map[string]staged
	// iterated is set when an iterator was opened while prev was set: an
	// iterator does not see prev, so the transaction is run again after
	// the commit before it (Pipeline.Update).
	iterated bool
	// absent are the keys Get found missing and the transaction has not
	// written since: looking one up again (a new idempotency key, by the
	// replay check and then by AppendLedger) answers from here instead of
	// searching every memtable and level again.
	absent map[string]struct{}
}

// staged is one write of a transaction: a value, or a delete.
type staged struct {
	v       []byte
	deleted bool
}

// item is what kv.Get returns: a Badger item or a value staged by the
// transaction before.
type item struct {
	b *badger.Item
	v []byte
}

// Value calls fn with the value, valid only during the call.
func (i *item) Value(fn func([]byte) error) error {
	if i.b != nil {
		return i.b.Value(fn)
	}
	return fn(i.v)
}

// ValueCopy returns a copy of the value, appended to dst.
func (i *item) ValueCopy(dst []byte) ([]byte, error) {
	if i.b != nil {
		return i.b.ValueCopy(dst)
	}
	return append(dst[:0], i.v...), nil
}

// Get reads key: this transaction's own writes and then, in a Pipeline,
// the writes of the one being committed before it, then the snapshot.
func (t *kv) Get(key []byte) (*item, error) {
	if t.prev != nil {
		if _, own := t.own[string(key)]; !own { // Badger's Get sees those
			if s, ok := t.prev[string(key)]; ok && s.deleted {
				return nil, badger.ErrKeyNotFound
			} else if ok {
				return &item{v: s.v}, nil
			}
		}
	}
	if _, ok := t.absent[string(key)]; ok {
		return nil, badger.ErrKeyNotFound
	}
	bi, err := t.Txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		if t.absent == nil {
			t.absent = make(map[string]struct{})
		}
		t.absent[string(key)] = struct{}{}
	}
	if err != nil {
		return nil, err
	}
	return &item{b: bi}, nil
}

// Set writes key.
func (t *kv) Set(key, v []byte) error {
	if err := t.Txn.Set(key, v); err != nil {
		return err
	}
	if len(t.absent) > 0 {
		delete(t.absent, string(key))
	}
	if t.own != nil {
		t.own[string(key)] = staged{v: v}
	}
	return nil
}

// Delete deletes key.
func (t *kv) Delete(key []byte) error {
	if err := t.Txn.Delete(key); err != nil {
		return err
	}
	if len(t.absent) > 0 {
		delete(t.absent, string(key))
	}
	if t.own != nil {
		t.own[string(key)] = staged{deleted: true}
	}
	return nil
}

// NewIterator opens an iterator over the snapshot and this transaction's
// writes; in a Pipeline, one that would miss the writes of the
// transaction before marks the transaction to be run again.
func (t *kv) NewIterator(o badger.IteratorOptions) *badger.Iterator {
	if t.prev != nil {
		t.iterated = true
	}
	return t.Txn.NewIterator(o)
}

// errStale says a pipelined transaction iterated over a snapshot that
// misses the commit before it; it is run again once that one is done.
var errStale = errors.New("store: pipelined transaction needs the commit before it")

// Pipeline is a run of read-write transactions by one writer in which a
// transaction is built while the one before it is being committed, and
// its own commit starts the moment the one before it is durable: the
// group commit of a writer that always has work queued. While a Pipeline
// is open it is the store's only writer (other Updates wait for Close).
//
// A transaction of the pipeline reads a snapshot taken before the commit
// of the one before it, plus that one's writes: reads by key see exactly
// what they would after that commit. An iterator cannot see those writes,
// so a transaction that opens one is discarded and run again after the
// commit before it (its fn must be safe to run twice, as Badger's own
// Update may also retry).
type Pipeline struct {
	db *DB
	// next is the Badger transaction the next Update builds in, begun
	// before the commit under way (nil: begin one).
	next *badger.Txn
	// flight is the commit under way, nil when none.
	flight *flight
	closed bool
}

// flight is a commit under way.
type flight struct {
	writes map[string]staged
	done   chan struct{} // closed once the commit's callback has run
	err    error         // the commit's outcome, set before done closes
}

// Pipeline opens a pipeline, waiting for the writers under way.
func (db *DB) Pipeline() *Pipeline {
	db.writeWaiting.Add(1)
	db.writeMu.Lock()
	db.writeWaiting.Add(-1)
	return &Pipeline{db: db}
}

// Contended reports whether another writer waits for the store: the
// pipeline's owner should Close it soon, so that the other one runs.
func (p *Pipeline) Contended() bool { return p.db.writeWaiting.Load() > 0 }

// Update builds fn in a transaction that sees every earlier Update of the
// pipeline, waits for the commit before it to be durable, starts its own
// commit and returns without waiting for it. done is called once with the
// commit's outcome (nil: durable), after every earlier done and before the
// commit of the next Update starts; it runs on another goroutine and must
// not block long. An error from fn (or from the outbox) is returned, the
// transaction discarded and done not called.
func (p *Pipeline) Update(fn func(*Txn) error, done func(error)) error {
	if p.closed {
		return errors.New("store: pipeline closed")
	}
	tx, wrote, err := p.build(fn)
	if errors.Is(err, errStale) {
		p.wait()
		tx, wrote, err = p.build(fn)
	}
	if err != nil {
		tx.t.Discard()
		return err
	}
	if err := p.wait(); err != nil {
		// The commit before failed, and this one was built on it.
		tx.t.Discard()
		return fmt.Errorf("store: the commit before failed: %w", err)
	}
	// The next transaction's snapshot is taken now, with every commit but
	// this one done: it reads this one's writes from f.writes.
	p.next = p.db.bdb.NewTransaction(true)
	f := &flight{writes: tx.t.own, done: make(chan struct{})}
	p.flight = f
	tx.t.CommitWith(func(err error) {
		if err != nil {
			err = fmt.Errorf("store: commit: %w", err)
		}
		f.err = err
		done(err)
		if err == nil && wrote > 0 {
			p.db.signalOutbox()
		}
		close(f.done)
	})
	return nil
}

// build runs fn in the pipeline's next transaction.
func (p *Pipeline) build(fn func(*Txn) error) (*Txn, int, error) {
	bt := p.next
	p.next = nil
	if bt == nil {
		bt = p.db.bdb.NewTransaction(true)
	}
	t := &kv{Txn: bt, own: make(map[string]staged)}
	if p.flight != nil {
		t.prev = p.flight.writes
	}
	tx := &Txn{t: t, now: *p.db.clock.Load(), format: p.db.format}
	err := fn(tx)
	if t.iterated { // whatever fn made of what it iterated over is void
		bt.Discard()
		return tx, 0, errStale
	}
	wrote := 0
	if err == nil {
		wrote, err = tx.writeOutboxLocked(p.db.branch)
	}
	return tx, wrote, err
}

// wait waits for the commit under way, if any, and returns its outcome.
func (p *Pipeline) wait() error {
	f := p.flight
	if f == nil {
		return nil
	}
	<-f.done
	p.flight = nil
	if p.next != nil && f.err != nil {
		p.next.Discard() // its snapshot was to be read with f's writes
		p.next = nil
	}
	return f.err
}

// Committed returns a channel closed once the commit under way (when
// Update last returned) is done; already closed when there is none.
func (p *Pipeline) Committed() <-chan struct{} {
	if p.flight == nil {
		return closedChan
	}
	return p.flight.done
}

var closedChan = func() chan struct{} { c := make(chan struct{}); close(c); return c }()

// Close waits for the commit under way and lets other writers run.
func (p *Pipeline) Close() error {
	if p.closed {
		return nil
	}
	p.closed = true
	err := p.wait()
	if p.next != nil {
		p.next.Discard()
		p.next = nil
	}
	p.db.writeMu.Unlock()
	return err
}
