package cards

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
)

// Event kinds published after a commit.
const (
	EventCardUpdated = "card.updated" // Data: *appliance.Card
	EventLedger      = "ledger.entry" // Data: *appliance.LedgerEntry
	EventCardBlocked = "card.blocked" // Data: Blocked
)

// Options configure a Service.
type Options struct {
	// Policy returns the policy tables in force (reversal window and
	// threshold, refund threshold, balance expiry).
	Policy func() *policy.Tables
	// Bus receives card events; nil for none.
	Bus *appliance.Bus
	// Now is the clock in the store's time zone; nil means time.Now.
	Now func() time.Time
	// Logger receives failures.
	Logger *slog.Logger
	// MaxBatch caps how many operations share one transaction; 0 means 128.
	MaxBatch int
}

// Service runs card operations. Create it with New and stop it with Close.
type Service struct {
	db   *store.DB
	opts Options
	ops  chan *op
	quit chan struct{}
	done sync.WaitGroup

	mu     sync.RWMutex // guards closed; held for reading while sending on ops
	closed bool
}

// op is one queued operation. apply runs inside the batch's transaction:
// it must make every check before its first write and return a refusal
// (an *appliance.Error) only before writing. A write that fails returns
// a writeError, which aborts the whole batch.
type op struct {
	actor appliance.Actor
	apply func(tx *store.Txn, b *batch) (*Result, error)
	reply chan reply
}

type reply struct {
	res *Result
	err error
}

// writeError marks a failure after an operation began writing: the batch's
// transaction is no longer clean and is discarded.
type writeError struct{ err error }

func (e writeError) Error() string { return e.err.Error() }
func (e writeError) Unwrap() error { return e.err }

// batch collects the events of the operations that succeeded, published
// only after the transaction commits, and the ledger entries they made,
// which the batch's audit entries point to.
type batch struct {
	events []appliance.Event
	audits []*auditGroup
}

// auditGroup is one audit entry of a batch: the ledger entries of one
// kind that one actor made in it.
type auditGroup struct {
	actor   appliance.Actor
	action  string
	cards   []string   // the cards, in the order first met
	entries []entryRef // in the order made
}

// entryRef is how an audit entry points to a ledger entry: its id and, so
// that the audit log reads without a look-up, the amount and the balance.
type entryRef struct {
	Entry      string `json:"entry"` // "card#seq"
	AmountFen  int64  `json:"amount_fen"`
	BalanceFen int64  `json:"balance_fen"`
}

func (b *batch) publish(kind string, data any) {
	b.events = append(b.events, appliance.Event{Kind: kind, Data: data})
}

// audit notes that actor made ledger entry e by action.
func (b *batch) audit(actor appliance.Actor, action string, e *appliance.LedgerEntry) {
	var g *auditGroup
	for _, have := range b.audits {
		if have.actor == actor && have.action == action {
			g = have
			break
		}
	}
	if g == nil {
		g = &auditGroup{actor: actor, action: action}
		b.audits = append(b.audits, g)
	}
	if !slices.Contains(g.cards, e.Card) {
		g.cards = append(g.cards, e.Card)
	}
	g.entries = append(g.entries, entryRef{e.Card + "#" + strconv.FormatInt(e.Seq, 10), e.AmountFen, e.BalanceFen})
}

// writeAudits writes one audit entry per actor and action of the batch,
// whose After lists the ledger entries ({"entries": [{"entry":
// "SC-000001#7", "amount_fen": …, "balance_fen": …}, …]}): the entries
// themselves are the record (operator, time, amounts, chain), so the audit
// adds the desk and the address and points to them.
// Its Record is "card/" and the cards, comma-separated ("card/SC-000001"
// for the usual batch of one).
func (b *batch) writeAudits(tx *store.Txn) error {
	for _, g := range b.audits {
		err := tx.AuditBy(g.actor, g.action, "card/"+strings.Join(g.cards, ","), "", nil, map[string][]entryRef{"entries": g.entries})
		if err != nil {
			return fmt.Errorf("cards: audit %s: %w", g.action, err)
		}
	}
	return nil
}

// Result is what an operation did.
type Result struct {
	// Card is the card after the operation.
	Card *appliance.Card `json:"card"`
	// Entries are the ledger entries it made (or found, on a replay).
	Entries []*appliance.LedgerEntry `json:"entries,omitempty"`
	// Replayed is true when the idempotency key had been used before with
	// the same content: nothing was done this time.
	Replayed bool `json:"replayed,omitempty"`
}

// New starts the service's writer goroutine.
func New(db *store.DB, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.MaxBatch <= 0 {
		o.MaxBatch = 128
	}
	s := &Service{db: db, opts: o, ops: make(chan *op, o.MaxBatch), quit: make(chan struct{})}
	s.done.Add(1)
	go s.writer()
	return s
}

// Close stops the writer after the operations already queued. Calls made
// after Close return an EUNAVAILABLE error.
func (s *Service) Close() {
	s.mu.Lock()
	already := s.closed
	s.closed = true
	s.mu.Unlock()
	if !already {
		close(s.quit) // no send is under way now, so drain sees every queued op
	}
	s.done.Wait()
}

// ErrClosed is returned by operations submitted after Close.
var ErrClosed = appliance.Errorf(appliance.EUNAVAILABLE, "售后服务卡服务已停止 / the card service is stopped")

// submit queues an operation and waits for its durable result.
func (s *Service) submit(ctx context.Context, actor appliance.Actor, apply func(*store.Txn, *batch) (*Result, error)) (*Result, error) {
	if err := actor.Check(); err != nil {
		return nil, err
	}
	o := &op{actor: actor, apply: apply, reply: make(chan reply, 1)}
	if err := s.enqueue(ctx, o); err != nil {
		return nil, err
	}
	// Once queued the operation will be applied or refused; wait for the
	// answer even if ctx ends, so a caller never mistakes a commit for a
	// failure (its retry with the same key would be a harmless replay).
	r := <-o.reply
	return r.res, r.err
}

// enqueue hands o to the writer unless the service is closed.
func (s *Service) enqueue(ctx context.Context, o *op) error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return ErrClosed
	}
	select {
	case s.ops <- o:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// writer folds queued operations into transactions until Close.
func (s *Service) writer() {
	defer s.done.Done()
	for {
		var first *op
		select {
		case first = <-s.ops:
		case <-s.quit:
			s.drain()
			return
		}
		s.pipeline(first)
	}
}

// pipeline runs batches back to back in a store.Pipeline, starting with
// first, for as long as operations keep coming. While a batch commits,
// the operations that arrive wait for it (gather); the next batch takes
// them and starts the moment the commit before it is durable. Only when a
// whole batch (MaxBatch) is queued before that does it start building at
// once, its commit still following the one before: the disk, not the
// building, is then what operations wait for. Measured on the 2-core box
// (docs/benchmarks.md, issue 14), building smaller batches sooner costs
// more CPU per operation than it saves in waiting. The pipeline closes,
// letting the store's other writers run, when nothing is queued or under
// way, or when another writer waits.
func (s *Service) pipeline(first *op) {
	p := s.db.Pipeline()
	defer p.Close()
	next := []*op{first}
	for len(next) > 0 {
		s.runBatch(p, s.fill(next))
		if p.Contended() {
			return
		}
		next = s.gather(p)
	}
}

// gather collects the operations that arrive while the commit under way
// runs, until it is durable (then with whatever else is queued) or until
// a whole batch has arrived.
func (s *Service) gather(p *store.Pipeline) []*op {
	var ops []*op
	for len(ops) < s.opts.MaxBatch {
		select {
		case o := <-s.ops:
			ops = append(ops, o)
		case <-p.Committed():
			return s.fill(ops)
		}
	}
	return ops
}

// fill adds to ops whatever is already queued, up to MaxBatch.
func (s *Service) fill(ops []*op) []*op {
	for len(ops) < s.opts.MaxBatch {
		select {
		case o := <-s.ops:
			ops = append(ops, o)
		default:
			return ops
		}
	}
	return ops
}

// drain answers what was queued before Close.
func (s *Service) drain() {
	p := s.db.Pipeline()
	defer p.Close()
	for {
		select {
		case o := <-s.ops:
			s.runBatch(p, []*op{o})
		default:
			return
		}
	}
}

// errUnsaved is the answer to every operation of a batch that could not
// be committed.
var errUnsaved = &appliance.Error{Code: appliance.EUNAVAILABLE,
	Message: "暂时无法保存，请用同一单号重试 / could not be saved: retry with the same key"}

// runBatch applies ops in one transaction of p and, once its commit is
// durable, answers each and publishes the batch's events. It returns when
// the commit has started, not when it is done.
func (s *Service) runBatch(p *store.Pipeline, ops []*op) {
	replies := make([]reply, len(ops))
	var b batch
	answer := func(err error) {
		if err != nil {
			s.opts.Logger.Error("card batch failed; every operation in it is refused", "ops", len(ops), "err", err)
			for i := range replies {
				replies[i] = reply{nil, errUnsaved}
			}
			b = batch{}
		}
		for i, o := range ops {
			o.reply <- replies[i]
		}
		if s.opts.Bus != nil {
			for _, ev := range b.events {
				s.opts.Bus.Publish(ev.Kind, "", ev.Data)
			}
		}
	}
	err := p.Update(func(tx *store.Txn) error {
		b = batch{}
		for i, o := range ops {
			res, err := o.apply(tx, &b)
			var we writeError
			if errors.As(err, &we) {
				return fmt.Errorf("cards: %w", we.err)
			}
			replies[i] = reply{res, err}
		}
		return b.writeAudits(tx)
	}, answer)
	if err != nil {
		answer(err)
	}
}

// write wraps a store write's error so that it aborts the batch.
func write(err error) error {
	if err == nil {
		return nil
	}
	return writeError{err}
}
