package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"

	"shouhou/appliance"
)

// SchemaVersion is the data format version this build writes. A directory
// with a higher version was written by a newer shouhou and is refused.
const SchemaVersion = 6

// Options configure Open.
type Options struct {
	// Logger receives Badger's warnings and the store's own messages.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Tune, if set, adjusts the Badger options after the appliance set is
	// applied (benchmarks use it to compare with Badger's defaults).
	Tune func(badger.Options) badger.Options
	// GCInterval is how often value-log garbage collection runs; 0 means 10 minutes.
	GCInterval time.Duration
	// ReadOnly opens the directory without writing (verify of a copy).
	ReadOnly bool
	// Branch is the chain branch id stamped on each outbox event
	// (chain.Event.Branch). A box outside a chain leaves it empty and still
	// keeps its outbox; the forwarder publishes such events under the
	// branch it is configured with, so a box that joins a chain later
	// forwards its whole history.
	Branch string
	// AdmitVerify, if set, is asked before an online verify through the
	// admin socket starts; its error refuses it ("ERR …") with the
	// reason, e.g. that memory is short (ui.MemoryBudget).
	AdmitVerify func() error
	// MemoryBudget, if positive, is the process's memory budget in bytes
	// (store.toml memory_budget_mib); under the default 192 MiB, Badger's
	// caches are halved (BadgerForBudget) and its tables are advised
	// to the kernel as read at random (readahead.go).
	MemoryBudget int64
}

// smallBudget is the budget under which BadgerForBudget halves Badger's
// caches: the default budget (conf, 192 MiB).
const smallBudget = 192 << 20

// smallBox reports whether budget (bytes, 0 for none) is under the
// default: Badger's caches are halved (BadgerForBudget) and its tables
// are read without read-ahead (readahead.go).
func smallBox(budget int64) bool { return budget > 0 && budget < smallBudget }

// BadgerForBudget returns bo sized for a process memory budget of budget
// bytes. Badger's caches, 16 MiB each for blocks and indexes in
// ApplianceOptions, are a sixth of the default budget; under it
// (memory_budget_mib = 96 for a 128 MB box) each is halved to 8 MiB,
// leaving the store's pages more of the page cache: at 1M tickets in a
// 128 MB cgroup the desk load is bound by how much of the store's tables
// the kernel can keep cached (docs/benchmarks.md, issue 14), and a
// compressed table page there holds more than a block decompressed in
// Badger's cache. The memtables stay 16 MiB: a transaction may hold 15 %
// of one, and the store's batches (a scheduler pass, a migration or import
// batch, a day's postings) are sized for 2.4 MiB. A budget of 0 (none)
// keeps bo.
func BadgerForBudget(bo badger.Options, budget int64) badger.Options {
	if !smallBox(budget) {
		return bo
	}
	return bo.WithBlockCacheSize(8 << 20).WithIndexCacheSize(8 << 20)
}

// DB is an open store directory. It is safe for concurrent use.
type DB struct {
	bdb    *badger.DB
	dir    string
	log    *slog.Logger
	clock  atomic.Pointer[func() time.Time] // what records and audit entries are stamped with
	stopGC context.CancelFunc
	// writeMu serialises read-write transactions (see Update); a
	// Pipeline holds it while open.
	writeMu sync.Mutex
	// writeWaiting counts the writers waiting for writeMu
	// (Pipeline.Contended).
	writeWaiting atomic.Int32
	gcDone       sync.WaitGroup
	// format is the data format of the open directory: SchemaVersion,
	// except for older data opened read-only, which is not migrated.
	format int
	// branch is stamped on outbox events (Options.Branch).
	branch string
	// admitVerify is Options.AdmitVerify.
	admitVerify func() error
	// outboxNotify gets a token after a commit that wrote outbox events
	// (OutboxNotify); buffered 1, so signals coalesce.
	outboxNotify chan struct{}
}

// ApplianceOptions returns the Badger options for a small box (2–4 GB RAM,
// eMMC or SSD): SyncWrites on; two 16 MiB memtables; L0 compaction at 5
// tables with a stall at 15 (at 2 and 8 before issue 14: compacting L0
// into L1 less often rewrote L1 less often, a quarter less CPU per card
// operation over 300,000 of them, same disk and memory in the option-set
// load; docs/benchmarks.md); 16 MiB block and index caches; 64 MiB value-log
// files; values over 1 KiB go to the value log; two compactors; ZSTD; no
// conflict detection: read-write transactions run one at a time (Update),
// so no two can conflict, and a Pipeline's transaction reads a snapshot
// taken before the commit of the one before it, which Badger would count
// as a conflict. docs/benchmarks.md records what each choice buys against
// Badger's defaults.
func ApplianceOptions(dir string) badger.Options {
	return badger.DefaultOptions(dir).
		WithSyncWrites(true).
		WithMemTableSize(16 << 20).
		WithNumMemtables(2).
		WithNumLevelZeroTables(5).
		WithNumLevelZeroTablesStall(15).
		WithBlockCacheSize(16 << 20).
		WithIndexCacheSize(16 << 20).
		WithValueLogFileSize(64 << 20).
		WithValueThreshold(1 << 10).
		WithNumCompactors(2).
		WithCompression(options.ZSTD).
		WithDetectConflicts(false).
		WithMetricsEnabled(false)
}

// Open opens (creating if needed) the store in dir.
func Open(dir string, o Options) (*DB, error) {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	bo := BadgerForBudget(ApplianceOptions(dir), o.MemoryBudget).WithLogger(badgerLogger{o.Logger}).WithReadOnly(o.ReadOnly)
	if o.Tune != nil {
		bo = o.Tune(bo)
	}
	if !o.ReadOnly {
		if err := refuseNewer(dir, bo); err != nil {
			return nil, err
		}
	}
	bdb, err := badger.Open(bo)
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", dir, err)
	}
	db := &DB{bdb: bdb, dir: dir, log: o.Logger, branch: o.Branch, admitVerify: o.AdmitVerify, outboxNotify: make(chan struct{}, 1)}
	db.clock.Store(&o.Now)
	if err := db.checkSchema(o.ReadOnly); err != nil {
		bdb.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	db.stopGC = cancel
	if !o.ReadOnly {
		interval := o.GCInterval
		if interval == 0 {
			interval = 10 * time.Minute
		}
		db.gcDone.Add(1)
		go db.gcLoop(ctx, interval)
	}
	if smallBox(o.MemoryBudget) && randomReadsAdvisable {
		if abs, err := filepath.Abs(dir); err == nil {
			if real, err := filepath.EvalSymlinks(abs); err == nil {
				db.gcDone.Add(1)
				go db.adviseLoop(ctx, real) // readahead.go
			}
		}
	}
	return db, nil
}

// SetClock replaces the store's clock, which stamps audit entries and
// what the store dates itself, and returns the clock it replaced.
// Transactions begun after it returns use the new clock. The demo month
// (package demo) runs on a fake clock this way, before the appliance serves.
func (db *DB) SetClock(now func() time.Time) (previous func() time.Time) {
	if now == nil {
		now = time.Now
	}
	return *db.clock.Swap(&now)
}

// Dir returns the directory the store was opened on.
func (db *DB) Dir() string { return db.dir }

// Settle compacts the whole store into its last level (Badger's
// Flatten, with workers compactions at once) and returns when done: the
// shape a store reaches after years of slow growth, which a store written
// in one go (a benchmark's, or an import) does not have until its
// compactions catch up. Nothing else may write meanwhile.
func (db *DB) Settle(workers int) error {
	if err := db.bdb.Flatten(workers); err != nil {
		return fmt.Errorf("store: settle: %w", err)
	}
	return nil
}

// Format returns the data format of the open directory (SchemaVersion,
// or an older one opened read-only).
func (db *DB) Format() int { return db.format }

// Branch returns the chain branch id the store was opened with
// (Options.Branch), "" for a box outside a chain.
func (db *DB) Branch() string { return db.branch }

// Close stops background work and closes Badger, flushing what is in memory.
func (db *DB) Close() error {
	if db.stopGC != nil {
		db.stopGC()
		db.gcDone.Wait()
	}
	if err := db.bdb.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// checkSchema writes the schema version into a new directory and refuses
// one written by a newer release.
func (db *DB) checkSchema(readOnly bool) error {
	var have int
	err := db.bdb.View(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte("m/schema"))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			have, err = strconv.Atoi(string(v))
			return err
		})
	})
	if err != nil {
		return fmt.Errorf("store: read schema version: %w", err)
	}
	switch {
	case have > SchemaVersion:
		return &appliance.Error{Code: appliance.EUNAVAILABLE, Message: fmt.Sprintf(
			"数据目录由较新版本写入（格式 %d，本程序支持 %d），请升级 shouhou / the data was written by a newer shouhou (format %d, this build reads up to %d): upgrade, do not downgrade",
			have, SchemaVersion, have, SchemaVersion)}
	case readOnly:
		db.format = have
		return nil
	case have == SchemaVersion:
		db.format = have
		return db.dropRetired(schemaMigrations()) // after a crash in the last migration's end
	}
	db.format = SchemaVersion
	if have == 0 { // a new directory
		return db.bdb.Update(func(txn *badger.Txn) error {
			return txn.Set([]byte("m/schema"), []byte(strconv.Itoa(SchemaVersion)))
		})
	}
	// Data of an older format: migrate it, each step audited (schema.go).
	if err := db.migrate(have, SchemaVersion, schemaMigrations()); err != nil {
		return err
	}
	return db.dropRetired(schemaMigrations())
}

// gcLoop runs value-log garbage collection until ctx ends.
func (db *DB) gcLoop(ctx context.Context, every time.Duration) {
	defer db.gcDone.Done()
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for db.bdb.RunValueLogGC(0.5) == nil {
			if ctx.Err() != nil {
				return
			}
		}
	}
}

// Update runs fn in a read-write transaction and commits it durably; an
// error from fn discards every write fn made.
//
// Read-write transactions run one at a time. With SyncWrites each commit
// pays its own fsync whatever the concurrency (measured: 2,400 txn/s with
// one writer, 3,000 with 16), so running them in parallel buys nothing and
// would only add optimistic-concurrency conflicts on hot keys such as the
// day's ticket counter. Throughput comes from folding many operations into
// one transaction instead.
//
// When fn has written records the chain carries (tickets, cards,
// customers, ledger entries, closings, audit entries), Update appends one
// outbox event per record written (a record written twice is carried
// once, as it was last written) to the same transaction before it
// commits (outbox.go), and signals OutboxNotify after the commit.
func (db *DB) Update(fn func(*Txn) error) error {
	db.writeWaiting.Add(1)
	db.writeMu.Lock()
	db.writeWaiting.Add(-1)
	defer db.writeMu.Unlock()
	wrote := 0
	err := db.bdb.Update(func(bt *badger.Txn) error {
		tx := &Txn{t: &kv{Txn: bt}, now: *db.clock.Load(), format: db.format}
		if err := fn(tx); err != nil {
			return err
		}
		if err := tx.flushPostings(); err != nil {
			return err
		}
		var err error
		wrote, err = tx.writeOutboxLocked(db.branch)
		return err
	})
	if err == nil && wrote > 0 {
		db.signalOutbox()
	}
	return err
}

// View runs fn in a read-only transaction over a consistent snapshot.
func (db *DB) View(fn func(*Txn) error) error {
	return db.bdb.View(func(bt *badger.Txn) error {
		return fn(&Txn{t: &kv{Txn: bt}, now: *db.clock.Load(), readOnly: true, format: db.format})
	})
}

// Txn is one transaction on the store. Its methods must not be used after
// the function given to Update or View returns.
type Txn struct {
	t        *kv
	now      func() time.Time
	readOnly bool
	format   int // the data format (DB.format)
	// events are the outbox events of the writes made so far (outbox.go).
	events []pendingEvent
	// eventAt is where in events each record's ("kind/id") latest event is.
	eventAt map[string]int
	// readIndexes are the index entries of the records of keepRead kinds
	// this transaction read or wrote, by record key (index.go).
	readIndexes map[string][]indexEntry
	// postings are the posting blocks and term counts changed and not yet
	// written (postings.go).
	postings *postingWrites
}

// Now returns the store's clock.
func (tx *Txn) Now() time.Time { return tx.now() }

// badgerLogger sends Badger's log lines to slog, keeping warnings and errors.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any)   { b.l.Error(fmt.Sprintf("badger: "+f, a...)) }
func (b badgerLogger) Warningf(f string, a ...any) { b.l.Warn(fmt.Sprintf("badger: "+f, a...)) }
func (b badgerLogger) Infof(string, ...any)        {}
func (b badgerLogger) Debugf(string, ...any)       {}

// Ping reads the schema key, to tell whether the store answers at all.
func (db *DB) Ping() error {
	return db.bdb.View(func(txn *badger.Txn) error {
		_, err := txn.Get([]byte("m/schema"))
		return err
	})
}
