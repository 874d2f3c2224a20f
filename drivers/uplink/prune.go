package uplink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"shouhou/appliance/store"
)

// PruneStore is what the outbox pruner needs of the store: deleting the
// acked events written before a time (never one the stream has not acked).
type PruneStore interface {
	PruneOutboxBefore(cutoff time.Time) (int, error)
}

var _ PruneStore = (*store.DB)(nil)

// PrunerOptions configure an OutboxPruner.
type PrunerOptions struct {
	// Keep is how long an acked event is kept, for a replay head office
	// asks for; required.
	Keep time.Duration
	// Every is how often the pruner runs; 0 means an hour.
	Every time.Duration
	// Now is the clock events are dated by; nil means time.Now.
	Now func() time.Time
	// Logger gets what each prune deleted and its errors; nil is slog.Default.
	Logger *slog.Logger
}

// OutboxPruner keeps the outbox from growing for ever: when it starts and
// then every Every, it deletes the events head office's stream acked that
// were written more than Keep ago (store PruneOutboxBefore). An event not
// yet acked is never deleted, however old; a replay head office asks for
// from a pruned seq is answered with the seqs that are gone
// (ReplayResponder).
type OutboxPruner struct {
	db  PruneStore
	o   PrunerOptions
	log *slog.Logger
}

// NewOutboxPruner returns a pruner of db's outbox; Run starts it.
func NewOutboxPruner(db PruneStore, o PrunerOptions) (*OutboxPruner, error) {
	if o.Keep <= 0 {
		return nil, errors.New("uplink: the outbox keep time must be positive")
	}
	if o.Every <= 0 {
		o.Every = time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	return &OutboxPruner{db: db, o: o, log: o.Logger}, nil
}

// Prune deletes the acked events written before Keep ago, once, and
// returns how many it deleted.
func (p *OutboxPruner) Prune() (int, error) {
	n, err := p.db.PruneOutboxBefore(p.o.Now().Add(-p.o.Keep))
	if err != nil {
		return n, fmt.Errorf("uplink: prune the outbox: %w", err)
	}
	return n, nil
}

// Run prunes at once and then every Every until ctx ends, and returns nil.
// A prune that fails is logged and tried again at the next tick.
func (p *OutboxPruner) Run(ctx context.Context) error {
	tick := time.NewTicker(p.o.Every)
	defer tick.Stop()
	for {
		n, err := p.Prune()
		switch {
		case err != nil:
			p.log.Warn("uplink: outbox prune failed / 清理发件箱失败", "err", err)
		case n > 0:
			p.log.Info("uplink: outbox pruned / 已清理发件箱", "deleted", n, "keep", p.o.Keep)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}
