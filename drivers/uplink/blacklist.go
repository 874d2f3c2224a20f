package uplink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"shouhou/appliance/chain"
	"shouhou/appliance/store"
)

// BlacklistStore is what the follower needs of the store: the last
// StreamBlacklist seq applied, and a transaction to apply an entry and
// record its seq together.
type BlacklistStore interface {
	View(fn func(*store.Txn) error) error
	Update(fn func(*store.Txn) error) error
}

var _ BlacklistStore = (*store.DB)(nil)

// FollowerOptions configure a BlacklistFollower.
type FollowerOptions struct {
	// URL is the NATS server (or comma-separated servers), nats://host:4222.
	URL string
	// Branch is this box's branch id; it only names the connection.
	Branch string
	// User and Password log in to NATS; both empty for no login.
	User, Password string
	// Logger gets connection changes, skipped entries and errors; nil is
	// slog.Default.
	Logger *slog.Logger
	// Timeout bounds the stream lookup and the consumer's creation; 0
	// means 5 s.
	Timeout time.Duration
}

// BlacklistFollower applies head office's blacklist stream
// (chain.StreamBlacklist) to one store, in stream order, each entry in
// the transaction that records its stream seq, so the box refuses a card
// another branch reported and, after a restart, goes on from the entry
// after the last it applied. Its cursor is the store's (BlacklistSeq),
// not a consumer kept on the server: head office holds no state per box,
// and the ordered consumer it reads with is made again from the store's
// seq after every failure.
type BlacklistFollower struct {
	db  BlacklistStore
	o   FollowerOptions
	log *slog.Logger

	health *health

	// mu guards nc.
	mu sync.Mutex
	nc *nats.Conn
}

// FollowerStatus is how far the follower has got.
type FollowerStatus struct {
	// Connected is whether the NATS connection is up now.
	Connected bool
	// Applied is the stream seq of the last entry applied to the store.
	Applied uint64
	// LastError is the last failure since the follower last read the
	// stream ("" if none).
	LastError string
}

// NewBlacklistFollower returns a follower that applies the blacklist to
// db; Run starts it.
func NewBlacklistFollower(db BlacklistStore, o FollowerOptions) (*BlacklistFollower, error) {
	if o.URL == "" {
		return nil, errors.New("uplink: no NATS URL")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	log := o.Logger.With("branch", o.Branch)
	return &BlacklistFollower{db: db, o: o, log: log, health: &health{log: log,
		failing: "uplink: cannot follow the blacklist, retrying / 无法同步黑名单，重试中", working: "uplink: following the blacklist again / 已恢复同步黑名单"}}, nil
}

// Status reports the connection and the last stream seq applied.
func (f *BlacklistFollower) Status() FollowerStatus {
	f.mu.Lock()
	s := FollowerStatus{Connected: f.nc != nil && f.nc.IsConnected(), LastError: f.health.last()}
	f.mu.Unlock()
	seq, err := appliedSeq(f.db)
	if err != nil {
		s.LastError = err.Error()
	}
	s.Applied = seq
	return s
}

// appliedSeq reads the store's last applied blacklist seq.
func appliedSeq(db BlacklistStore) (seq uint64, err error) {
	err = db.View(func(tx *store.Txn) error {
		seq, err = tx.BlacklistSeq()
		return err
	})
	return seq, err
}

// Run follows the blacklist until ctx ends, then closes the connection
// and returns nil. It returns an error only when it cannot start at all;
// a server that is down or refuses is retried for ever, and meanwhile the
// store keeps the list as it was last heard.
func (f *BlacklistFollower) Run(ctx context.Context) error {
	reconnected := make(chan struct{}, 1)
	nc, err := dial(f.o.URL, "shouhou blacklist "+f.o.Branch, f.o.User, f.o.Password, f.log, reconnected, f.health.note)
	if err != nil {
		return err
	}
	f.mu.Lock()
	f.nc = nc
	f.mu.Unlock()
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("uplink: jetstream.New: %w", err)
	}
	backoff := time.Duration(0)
	for ctx.Err() == nil {
		err := f.follow(ctx, nc, js)
		if ctx.Err() != nil {
			break
		}
		f.health.note(err)
		backoff = min(max(2*backoff, minBackoff), maxBackoff)
		if err == nil {
			backoff = 0
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
		case <-t.C:
		case <-reconnected:
		}
		t.Stop()
	}
	return nil
}

// follow reads the stream from the entry after the store's seq and
// applies each entry until ctx ends or something fails.
func (f *BlacklistFollower) follow(ctx context.Context, nc *nats.Conn, js jetstream.JetStream) error {
	if !nc.IsConnected() {
		return fmt.Errorf("uplink: not connected to %s (%s)", f.o.URL, nc.Status())
	}
	if err := EnsureBlacklistStream(ctx, js, f.o.Timeout); err != nil {
		return err
	}
	from, err := f.startSeq(ctx, js)
	if err != nil {
		return err
	}
	octx, cancel := context.WithTimeout(ctx, f.o.Timeout)
	defer cancel()
	cons, err := js.OrderedConsumer(octx, chain.StreamBlacklist, jetstream.OrderedConsumerConfig{
		FilterSubjects: []string{chain.SubjectBlacklist},
		DeliverPolicy:  jetstream.DeliverByStartSequencePolicy,
		OptStartSeq:    from,
	})
	if err != nil {
		return fmt.Errorf("uplink: blacklist consumer from seq %d: %w", from, err)
	}
	it, err := cons.Messages()
	if err != nil {
		return fmt.Errorf("uplink: blacklist messages: %w", err)
	}
	defer it.Stop()
	f.health.note(nil)
	for last := from - 1; ; {
		m, err := it.Next(jetstream.NextContext(ctx))
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("uplink: read blacklist: %w", err)
		}
		md, err := m.Metadata()
		if err != nil {
			return fmt.Errorf("uplink: blacklist message metadata: %w", err)
		}
		if seq := md.Sequence.Stream; seq > last {
			if err := f.apply(seq, m.Data()); err != nil {
				return err
			}
			last = seq
		}
	}
}

// startSeq is the stream seq to read from: the one after the store's. A
// stream that ends before the store's seq was made again (head office
// reset it), so the box reads it all again.
func (f *BlacklistFollower) startSeq(ctx context.Context, js jetstream.JetStream) (uint64, error) {
	applied, err := appliedSeq(f.db)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithTimeout(ctx, f.o.Timeout)
	defer cancel()
	st, err := js.Stream(ctx, chain.StreamBlacklist)
	if err != nil {
		return 0, fmt.Errorf("uplink: look up stream %s: %w", chain.StreamBlacklist, err)
	}
	info, err := st.Info(ctx)
	if err != nil {
		return 0, fmt.Errorf("uplink: stream %s info: %w", chain.StreamBlacklist, err)
	}
	if info.State.LastSeq < applied {
		f.log.Warn("uplink: blacklist stream is behind the box, reading it again / 黑名单流比本机旧，重新读取",
			"applied", applied, "stream_last", info.State.LastSeq)
		return 1, nil
	}
	return applied + 1, nil
}

// apply writes the entry at stream seq and records seq, in one
// transaction. Entries come in stream order, so of two entries for a
// card the later one stays. An entry the box
// cannot use is logged and passed over, so one bad message does not stop
// the list.
func (f *BlacklistFollower) apply(seq uint64, data []byte) error {
	var e chain.BlacklistEntry
	bad := json.Unmarshal(data, &e)
	if bad == nil {
		bad = checkEntry(&e)
	}
	if bad != nil {
		f.log.Warn("uplink: blacklist entry skipped / 跳过无效黑名单条目", "seq", seq, "err", bad)
	}
	err := f.db.Update(func(tx *store.Txn) error {
		if bad == nil {
			if err := tx.PutBlacklisted(&e); err != nil {
				return err
			}
		}
		return tx.SetBlacklistSeq(seq)
	})
	if err != nil {
		return fmt.Errorf("uplink: apply blacklist entry %d: %w", seq, err)
	}
	return nil
}

// checkEntry reports what makes an entry unusable.
func checkEntry(e *chain.BlacklistEntry) error {
	switch {
	case !chain.ValidBranch(e.Branch):
		return fmt.Errorf("branch %q is not a branch id", e.Branch)
	case e.Card == "":
		return errors.New("no card number")
	case e.Status == "":
		return errors.New("no status")
	}
	return nil
}

// EnsureBlacklistStream looks the blacklist stream up and creates it when
// it is not there: subject chain.SubjectBlacklist, on file, with
// DuplicateWindow. A stream that exists is left as head office
// configured it.
func EnsureBlacklistStream(ctx context.Context, js jetstream.JetStream, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	_, err := js.Stream(ctx, chain.StreamBlacklist)
	if err == nil {
		return nil
	}
	if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("uplink: look up stream %s: %w", chain.StreamBlacklist, err)
	}
	_, err = js.CreateStream(ctx, jetstream.StreamConfig{
		Name:       chain.StreamBlacklist,
		Subjects:   []string{chain.SubjectBlacklist},
		Storage:    jetstream.FileStorage,
		Duplicates: DuplicateWindow,
	})
	if err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return fmt.Errorf("uplink: create stream %s: %w", chain.StreamBlacklist, err)
	}
	return nil
}

// BlacklistMsgID is an entry's JetStream message id: the entry head
// office makes from a branch's event seq is stored once however often it
// is published.
func BlacklistMsgID(e *chain.BlacklistEntry) string {
	return fmt.Sprintf("%s-%d-blacklist", e.Branch, e.Seq)
}

// PublishBlacklist publishes e on the blacklist stream (head office does
// this when a branch's card event changes a card's listing) and returns
// the stream seq it was stored at; a republished entry is the first
// one's seq.
func PublishBlacklist(ctx context.Context, js jetstream.JetStream, e *chain.BlacklistEntry) (uint64, error) {
	if err := checkEntry(e); err != nil {
		return 0, fmt.Errorf("uplink: blacklist entry for card %q: %w", e.Card, err)
	}
	body, err := json.Marshal(e)
	if err != nil {
		return 0, fmt.Errorf("uplink: encode blacklist entry %s: %w", BlacklistMsgID(e), err)
	}
	ack, err := js.Publish(ctx, chain.SubjectBlacklist, body, jetstream.WithMsgID(BlacklistMsgID(e)),
		jetstream.WithExpectStream(chain.StreamBlacklist))
	if err != nil {
		return 0, fmt.Errorf("uplink: publish blacklist entry %s: %w", BlacklistMsgID(e), err)
	}
	return ack.Sequence, nil
}
