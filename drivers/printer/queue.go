package printer

import (
	"fmt"
	"log/slog"
	"sort"
	"sync"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/forms"
)

// EventJob is the event kind for a print job that changed; its Data is a
// JobUpdate.
const EventJob = "printjob.updated"

// SystemOperator is the operator the queue worker audits its own changes
// (a send tried, a job done) under.
const SystemOperator = "system"

// MaxCopies bounds PrintJob.Copies.
const MaxCopies = 9

// Publisher receives the queue's events; *appliance.Bus is one.
type Publisher interface {
	// Publish sends an event without blocking; desk "" is every desk.
	Publish(kind, desk string, data any)
}

// Target is one configured printer the queue sends jobs to.
type Target struct {
	// ID is the printer's key (devices.toml id); jobs name it.
	ID string
	// Name is the printer's name for people.
	Name string
	// Device is the printer's address (see ParseAddr).
	Device string
	// Columns is the paper width in columns (forms.Columns58 or
	// forms.Columns80); every job is laid out again at this width.
	Columns int
	// Opts tunes the printer; nil means the defaults.
	Opts *Opts
}

// QueueOpts configure a Queue. Zero values mean the defaults.
type QueueOpts struct {
	// Logger receives the workers' messages; nil means slog.Default().
	Logger *slog.Logger
	// Events receives EventStatus and EventJob events; nil for none.
	Events Publisher
	// MinBackoff is the first wait before asking a failed printer again.
	// Default 500 ms.
	MinBackoff time.Duration
	// MaxBackoff caps the wait, which doubles after each failure.
	// Default 10 s.
	MaxBackoff time.Duration
	// IdlePoll is how often an idle printer's status is read, so the desk
	// sees paper out before the next slip. Default 30 s; negative: never.
	IdlePoll time.Duration
}

func (o QueueOpts) withDefaults() QueueOpts {
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 500 * time.Millisecond
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(10*time.Second, o.MinBackoff)
	}
	if o.IdlePoll == 0 {
		o.IdlePoll = 30 * time.Second
	}
	return o
}

// Queue is the durable print queue: jobs are stored in the store before
// Enqueue returns, and one worker per configured printer sends that
// printer's jobs in queue order (see doc.go, "The queue"). Safe for
// concurrent use.
type Queue struct {
	db   *store.DB
	opts QueueOpts
	log  *slog.Logger

	// mu guards targets, workers and inflight, and is held across the
	// store transactions that claim a job for sending or change a queued
	// job (cancel, move), so a job being sent cannot be moved or cancelled.
	// Lock order: mu before the store's write lock; never take mu inside
	// a transaction.
	mu       sync.Mutex
	targets  map[string]Target
	workers  map[string]*worker
	inflight map[string]string // job ID → printer, while a worker sends it
	closed   bool
}

// NewQueue starts a worker for each target, sending the jobs already
// queued in db. Close stops them; close db only after.
func NewQueue(db *store.DB, targets []Target, opts *QueueOpts) (*Queue, error) {
	var o QueueOpts
	if opts != nil {
		o = *opts
	}
	o = o.withDefaults()
	q := &Queue{db: db, opts: o, log: o.Logger, targets: map[string]Target{},
		workers: map[string]*worker{}, inflight: map[string]string{}}
	if err := q.SetPrinters(targets); err != nil {
		return nil, err
	}
	return q, nil
}

// check validates a target and builds its printer.
func (t Target) check() (*Printer, error) {
	if t.ID == "" {
		return nil, fmt.Errorf("printer: queue target %q: empty id", t.Name)
	}
	if t.Columns < forms.MinColumns || t.Columns > forms.MaxColumns {
		return nil, fmt.Errorf("printer: queue target %s: %d columns, want %d to %d", t.ID, t.Columns, forms.MinColumns, forms.MaxColumns)
	}
	p, err := New(t.Device, t.Opts)
	if err != nil {
		return nil, fmt.Errorf("printer: queue target %s: %w", t.ID, err)
	}
	return p, nil
}

func sameTarget(a, b Target) bool {
	if a.Device != b.Device || a.Columns != b.Columns || a.Name != b.Name || (a.Opts == nil) != (b.Opts == nil) {
		return false
	}
	return a.Opts == nil || *a.Opts == *b.Opts
}

// SetPrinters makes targets the configured printers (after a config
// reload): a worker starts for each new printer, and stops for each one
// gone or changed (its current send is interrupted and stays queued).
// Jobs of a printer no longer configured wait until it comes back or a
// clerk moves them. On an invalid target nothing changes.
func (q *Queue) SetPrinters(targets []Target) error {
	printers := make(map[string]*Printer, len(targets))
	next := make(map[string]Target, len(targets))
	for _, t := range targets {
		p, err := t.check()
		if err != nil {
			return err
		}
		if _, dup := next[t.ID]; dup {
			return fmt.Errorf("printer: queue target %s given twice", t.ID)
		}
		printers[t.ID], next[t.ID] = p, t
	}
	q.mu.Lock()
	if q.closed {
		q.mu.Unlock()
		return fmt.Errorf("printer: queue closed")
	}
	var stop []*worker
	for id, w := range q.workers {
		if t, ok := next[id]; !ok || !sameTarget(t, w.t) {
			stop = append(stop, w)
			delete(q.workers, id)
		}
	}
	q.targets = next
	q.mu.Unlock()
	for _, w := range stop {
		w.stop()
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return nil
	}
	for id, t := range q.targets {
		if _, ok := q.workers[id]; !ok {
			w := newWorker(q, t, printers[id])
			q.workers[id] = w
			w.start()
		}
	}
	return nil
}

// Close stops every worker, interrupting the sends under way (they stay
// queued), and waits for them. It does not close the store.
func (q *Queue) Close() error {
	q.mu.Lock()
	q.closed = true
	ws := make([]*worker, 0, len(q.workers))
	for _, w := range q.workers {
		ws = append(ws, w)
	}
	q.workers = map[string]*worker{}
	q.mu.Unlock()
	for _, w := range ws {
		w.stop()
	}
	return nil
}

// Retry makes the printer's worker ask the printer again now instead of
// at the end of its backoff, e.g. after the clerk loaded paper. An unknown
// printer is an ENOTFOUND error.
func (q *Queue) Retry(printer string) error {
	w := q.worker(printer)
	if w == nil {
		return notConfigured(printer)
	}
	w.poke(w.retry)
	return nil
}

// Printers returns the state of every configured printer, by ID.
func (q *Queue) Printers() []PrinterState {
	q.mu.Lock()
	out := make([]PrinterState, 0, len(q.workers))
	for _, w := range q.workers {
		out = append(out, w.State())
	}
	q.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Printer < out[j].Printer })
	return out
}

// Job returns the print job id, or an ENOTFOUND error.
func (q *Queue) Job(id string) (*appliance.PrintJob, error) {
	var j *appliance.PrintJob
	err := q.db.View(func(tx *store.Txn) (err error) {
		j, err = tx.PrintJob(id)
		return err
	})
	return j, err
}

// Queued returns the printer's queued jobs in the order they will print.
func (q *Queue) Queued(printer string) ([]*appliance.PrintJob, error) {
	var js []*appliance.PrintJob
	err := q.db.View(func(tx *store.Txn) (err error) {
		js, err = tx.QueuedPrintJobs(printer, 0)
		return err
	})
	return js, err
}

// worker returns the printer's worker, or nil.
func (q *Queue) worker(printer string) *worker {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.workers[printer]
}

// target returns the configured printer, or an ENOTFOUND error.
func (q *Queue) target(printer string) (Target, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	t, ok := q.targets[printer]
	if !ok {
		return Target{}, notConfigured(printer)
	}
	return t, nil
}

func notConfigured(printer string) error {
	return &appliance.Error{Code: appliance.ENOTFOUND, Field: "printer",
		Message: fmt.Sprintf("没有配置打印机 %q / no printer %q is configured", printer, printer)}
}

// changed tells the printers' workers that their queues changed: new
// work to send and a queued count to publish.
func (q *Queue) changed(printers ...string) {
	for _, p := range printers {
		if w := q.worker(p); w != nil {
			w.poke(w.work)
		}
	}
}

// publish sends an event when the queue has a publisher.
func (q *Queue) publish(kind string, data any) {
	if q.opts.Events != nil {
		q.opts.Events.Publish(kind, "", data)
	}
}
