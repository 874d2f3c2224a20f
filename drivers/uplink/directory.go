package uplink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"shouhou/appliance"
	"shouhou/appliance/chain"
	"shouhou/appliance/store"
)

// DirectoryStore is what the card directory writer needs of the store:
// the outbox, read from where the directory's cursor stands, and the
// cards themselves, for a directory that is behind what the outbox
// still holds.
type DirectoryStore interface {
	OutboxHead() (uint64, error)
	OutboxOldest() (uint64, error)
	OutboxFrom(from uint64, max int) ([]chain.Event, error)
	View(fn func(*store.Txn) error) error
}

var _ DirectoryStore = (*store.DB)(nil)

// DirectoryOptions configure a CardDirectory.
type DirectoryOptions struct {
	// URL is the NATS server (or comma-separated servers), nats://host:4222.
	URL string
	// Branch is this box's branch id: the directory's entries for this
	// box's cards name it.
	Branch string
	// User and Password log in to NATS; both empty for no login.
	User, Password string
	// Logger gets connection changes and errors; nil is slog.Default.
	Logger *slog.Logger
	// Timeout bounds one call to the bucket; 0 means 5 s.
	Timeout time.Duration
	// Poll is how often the outbox is read for new card events; 0 means 1 s.
	Poll time.Duration
	// Batch is how many outbox events one read takes; 0 means 200.
	Batch int
}

// CardDirectory writes this box's cards into the chain's card directory,
// the JetStream key-value bucket chain.BucketCards: for every UID of a
// card the box issued, bound or replaced, key UID → chain.CardHome{Branch,
// Card}. It reads the card events of the box's own outbox, so a card
// issued while head office was out of reach is written when the link is
// back, and keeps its cursor (the last outbox seq written) in the bucket
// itself under CursorKey, so the cursor and the entries it stands for go
// together: a bucket made again starts from the outbox's beginning, and
// an outbox pruned past the cursor is made up for by writing every card
// the store holds.
type CardDirectory struct {
	db  DirectoryStore
	o   DirectoryOptions
	log *slog.Logger

	health *health

	// mu guards the fields below it.
	mu      sync.Mutex
	nc      *nats.Conn
	written uint64
}

// DirectoryStatus is how far the directory writer has got.
type DirectoryStatus struct {
	// Connected is whether the NATS connection is up now.
	Connected bool
	// Written is the outbox seq up to which the card events are in the
	// directory.
	Written uint64
	// LastError is the last failure since the writer last worked ("" if none).
	LastError string
}

// NewCardDirectory returns a directory writer for db's cards; Run starts it.
func NewCardDirectory(db DirectoryStore, o DirectoryOptions) (*CardDirectory, error) {
	if err := checkLink(o.Branch, o.URL); err != nil {
		return nil, err
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Batch <= 0 {
		o.Batch = 200
	}
	log := o.Logger.With("branch", o.Branch)
	return &CardDirectory{db: db, o: o, log: log, health: &health{log: log,
		failing: "uplink: cannot write the card directory, retrying / 无法写入连锁卡目录，重试中",
		working: "uplink: writing the card directory again / 已恢复写入连锁卡目录"}}, nil
}

// CursorKey is the directory key that holds how far branch has written
// its cards (an outbox seq, in decimal). UIDs are hex, so it is never a
// UID.
func CursorKey(branch string) string { return "cursor." + branch }

// Status reports the connection and how far the directory is written.
func (d *CardDirectory) Status() DirectoryStatus {
	d.mu.Lock()
	defer d.mu.Unlock()
	return DirectoryStatus{Connected: d.nc != nil && d.nc.IsConnected(), Written: d.written, LastError: d.health.last()}
}

// Run writes the directory until ctx ends, then closes the connection and
// returns nil. It returns an error only when it cannot start at all; a
// server that is down is retried for ever.
func (d *CardDirectory) Run(ctx context.Context) error {
	reconnected := make(chan struct{}, 1)
	nc, err := dial(d.o.URL, "shouhou cards "+d.o.Branch, d.o.User, d.o.Password, d.log, reconnected, d.health.note)
	if err != nil {
		return err
	}
	d.mu.Lock()
	d.nc = nc
	d.mu.Unlock()
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("uplink: jetstream.New: %w", err)
	}
	var kv jetstream.KeyValue
	backoff := time.Duration(0)
	for ctx.Err() == nil {
		err := d.step(ctx, nc, js, &kv)
		if ctx.Err() != nil {
			break
		}
		d.health.note(err)
		wait := d.o.Poll
		if err != nil {
			kv = nil // look the bucket up again: it may have been removed
			backoff = min(max(2*backoff, minBackoff), maxBackoff)
			wait = backoff
		} else {
			backoff = 0
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
		case <-t.C:
		case <-reconnected:
		}
		t.Stop()
	}
	return nil
}

// step writes what the outbox holds past the directory's cursor.
func (d *CardDirectory) step(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, kv *jetstream.KeyValue) error {
	if !nc.IsConnected() {
		return fmt.Errorf("uplink: not connected to %s (%s)", d.o.URL, nc.Status())
	}
	if *kv == nil {
		b, err := EnsureCardBucket(ctx, js, d.o.Timeout)
		if err != nil {
			return err
		}
		*kv = b
	}
	cursor, err := d.cursor(ctx, *kv)
	if err != nil {
		return err
	}
	head, err := d.db.OutboxHead()
	if err != nil {
		return fmt.Errorf("uplink: card directory: %w", err)
	}
	oldest, err := d.db.OutboxOldest()
	if err != nil {
		return fmt.Errorf("uplink: card directory: %w", err)
	}
	if cursor > head || cursor+1 < oldest {
		// The outbox no longer holds what the directory lacks (pruned),
		// or is not the one the cursor counted (a store restored from an
		// older backup): write every card, then follow from the head.
		if err := d.writeAll(ctx, *kv); err != nil {
			return err
		}
		if cursor, err = head, d.putCursor(ctx, *kv, head); err != nil {
			return err
		}
	}
	for cursor < head && ctx.Err() == nil {
		evs, err := d.db.OutboxFrom(cursor+1, d.o.Batch)
		if err != nil {
			return fmt.Errorf("uplink: card directory: %w", err)
		}
		if len(evs) == 0 {
			break
		}
		for i := range evs {
			if err := d.writeEvent(ctx, *kv, &evs[i]); err != nil {
				return err
			}
		}
		cursor = evs[len(evs)-1].Seq
		if err := d.putCursor(ctx, *kv, cursor); err != nil {
			return err
		}
	}
	return nil
}

// cursor reads the directory's cursor for this branch (0 when it has none).
func (d *CardDirectory) cursor(ctx context.Context, kv jetstream.KeyValue) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, d.o.Timeout)
	defer cancel()
	e, err := kv.Get(ctx, CursorKey(d.o.Branch))
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("uplink: card directory cursor: %w", err)
	}
	n, err := strconv.ParseUint(string(e.Value()), 10, 64)
	if err != nil {
		d.log.Warn("uplink: card directory cursor unreadable, writing every card / 卡目录游标无法读取，重写全部卡", "value", string(e.Value()))
		return ^uint64(0), nil
	}
	d.mu.Lock()
	d.written = n
	d.mu.Unlock()
	return n, nil
}

// putCursor records that the directory holds the card events up to seq.
func (d *CardDirectory) putCursor(ctx context.Context, kv jetstream.KeyValue, seq uint64) error {
	ctx, cancel := context.WithTimeout(ctx, d.o.Timeout)
	defer cancel()
	if _, err := kv.Put(ctx, CursorKey(d.o.Branch), []byte(strconv.FormatUint(seq, 10))); err != nil {
		return fmt.Errorf("uplink: card directory cursor %d: %w", seq, err)
	}
	d.mu.Lock()
	d.written = seq
	d.mu.Unlock()
	return nil
}

// writeEvent writes the UIDs of a card event; other events, and a card's
// deletion, change nothing.
func (d *CardDirectory) writeEvent(ctx context.Context, kv jetstream.KeyValue, ev *chain.Event) error {
	if ev.Kind != chain.KindCard || string(ev.Data) == "null" {
		return nil
	}
	var c appliance.Card
	if err := json.Unmarshal(ev.Data, &c); err != nil {
		d.log.Warn("uplink: card event unreadable, not in the directory / 卡事件无法解析，未写入目录", "seq", ev.Seq, "err", err)
		return nil
	}
	return d.writeCard(ctx, kv, c.Number, c.UIDs)
}

// writeCard puts uid → this branch's card for each of uids.
func (d *CardDirectory) writeCard(ctx context.Context, kv jetstream.KeyValue, number string, uids []string) error {
	body, err := json.Marshal(chain.CardHome{Branch: d.o.Branch, Card: number})
	if err != nil {
		return fmt.Errorf("uplink: card directory entry %s: %w", number, err)
	}
	for _, uid := range uids {
		if !validUIDKey(uid) {
			continue
		}
		pctx, cancel := context.WithTimeout(ctx, d.o.Timeout)
		_, err := kv.Put(pctx, uid, body)
		cancel()
		if err != nil {
			return fmt.Errorf("uplink: card directory put %s → %s: %w", uid, number, err)
		}
	}
	return nil
}

// writeAll writes every card the store holds.
func (d *CardDirectory) writeAll(ctx context.Context, kv jetstream.KeyValue) error {
	type card struct {
		number string
		uids   []string
	}
	var all []card
	err := d.db.View(func(tx *store.Txn) error {
		return tx.EachCard(func(c *appliance.Card) error {
			if len(c.UIDs) > 0 {
				all = append(all, card{c.Number, c.UIDs})
			}
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("uplink: card directory: read the cards: %w", err)
	}
	for _, c := range all {
		if err := d.writeCard(ctx, kv, c.number, c.uids); err != nil {
			return err
		}
	}
	d.log.Info("uplink: every card written to the card directory / 已将全部卡写入连锁卡目录", "cards", len(all))
	return nil
}

// validUIDKey reports whether uid is upper-case hex, as the store keeps
// UIDs: a directory key, and never a CursorKey.
func validUIDKey(uid string) bool {
	return uid != "" && len(uid) <= 64 && strings.Trim(uid, "0123456789ABCDEF") == ""
}

// EnsureCardBucket looks the card directory bucket up and creates it when
// it is not there (history 1, on file). A bucket that exists is left as
// it is.
func EnsureCardBucket(ctx context.Context, js jetstream.JetStream, timeout time.Duration) (jetstream.KeyValue, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	kv, err := js.KeyValue(ctx, chain.BucketCards)
	if err == nil {
		return kv, nil
	}
	if !errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, fmt.Errorf("uplink: look up bucket %s: %w", chain.BucketCards, err)
	}
	kv, err = js.CreateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: chain.BucketCards, History: 1,
		Storage: jetstream.FileStorage, Description: "shouhou card directory: chip UID → issuing branch and card"})
	if errors.Is(err, jetstream.ErrBucketExists) {
		kv, err = js.KeyValue(ctx, chain.BucketCards)
	}
	if err != nil {
		return nil, fmt.Errorf("uplink: create bucket %s: %w", chain.BucketCards, err)
	}
	return kv, nil
}

// LookupCard reads which branch issued the card with uid (upper-case
// hex) from the directory: ok false when no branch has written it.
func LookupCard(ctx context.Context, kv jetstream.KeyValue, uid string) (home chain.CardHome, ok bool, err error) {
	if !validUIDKey(uid) {
		return home, false, nil
	}
	e, err := kv.Get(ctx, uid)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return home, false, nil
	}
	if err != nil {
		return home, false, fmt.Errorf("uplink: card directory get %s: %w", uid, err)
	}
	if err := json.Unmarshal(e.Value(), &home); err != nil {
		return home, false, fmt.Errorf("uplink: card directory entry %s: %w", uid, err)
	}
	return home, home.Branch != "" && home.Card != "", nil
}
