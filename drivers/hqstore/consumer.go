package hqstore

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
	"shouhou/drivers/uplink"
)

// Applier is what the Consumer needs of the store: Apply returns applied
// false and a nil error for an event already recorded, and an error only
// when nothing was committed; BlacklistEntry returns the blacklist entry
// a recorded event makes (nil for none), the same however often it is
// asked.
type Applier interface {
	Apply(ctx context.Context, ev chain.Event) (applied bool, err error)
	BlacklistEntry(ctx context.Context, ev chain.Event) (*chain.BlacklistEntry, error)
	Gaps(ctx context.Context, branch string) ([]Gap, error)
	Branches(ctx context.Context) ([]string, error)
}

var _ Applier = (*DB)(nil)

// ConsumerOptions configure a Consumer.
type ConsumerOptions struct {
	// URL is the NATS server (or comma-separated servers), nats://host:4222.
	URL string
	// User and Password log in to NATS; both empty for no login.
	User, Password string
	// Durable names the JetStream consumer, which keeps head office's place
	// in the stream across restarts; "" means DefaultDurable.
	Durable string
	// Batch is how many messages one fetch asks for; 0 means 100.
	Batch int
	// AckWait is how long the server waits for an ack before it delivers a
	// message again; 0 means 30 s. The consumer extends it while it retries
	// a message PostgreSQL refused.
	AckWait time.Duration
	// Timeout bounds a stream or consumer lookup and one fetch's wait;
	// 0 means 5 s.
	Timeout time.Duration
	// Logger gets connection changes and failures; nil is slog.Default.
	Logger *slog.Logger
	// ReplayEvery is how often, at most, the consumer asks one branch's
	// box to replay a gap in its events (chain.ReplayRequest), and how
	// long it waits for the answer; 0 means 10 s. A branch's gaps are
	// looked for when an event of it skips seqs, every ReplayEvery while
	// it has a gap, and for every branch once at the start.
	ReplayEvery time.Duration
}

// DefaultDurable is the durable consumer name when ConsumerOptions.Durable is "".
const DefaultDurable = "HQ"

// Backoff bounds: after a failure the consumer waits minBackoff, doubling
// up to maxBackoff, before it tries again.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 5 * time.Second
)

// Consumer reads chain.StreamEvents from a durable pull consumer into a
// store, acking each message only after the store committed it.
type Consumer struct {
	db  Applier
	o   ConsumerOptions
	log *slog.Logger

	// asked is when each branch's box was last asked to replay, pending
	// the branches with a gap not yet filled, seen the highest seq of each
	// branch recorded since Run started; only Run's goroutine uses them.
	asked   map[string]time.Time
	pending map[string]bool
	seen    map[string]uint64
	// replays tracks the replay requests waiting for an answer.
	replays sync.WaitGroup

	// mu guards the fields below it.
	mu    sync.Mutex
	nc    *nats.Conn
	stats Stats
}

// Stats is what a Consumer has done since it started.
type Stats struct {
	// Connected is whether the NATS connection is up now.
	Connected bool
	// Applied counts events recorded; Duplicates events that were
	// recorded already (redeliveries, replays); Rejected messages that
	// are not events, terminated so they are not delivered again.
	Applied, Duplicates, Rejected uint64
	// Blacklisted counts blacklist entries published (a republish after
	// a redelivery counts again; the stream stores it once).
	Blacklisted uint64
	// ReplayRequests counts replay requests sent to branch boxes.
	ReplayRequests uint64
	// LastError is the last failure since the last success ("" if none).
	LastError string
}

// NewConsumer returns a Consumer into db; Run starts it.
func NewConsumer(db Applier, o ConsumerOptions) (*Consumer, error) {
	if o.URL == "" {
		return nil, errors.New("hqstore: no NATS URL")
	}
	if o.Durable == "" {
		o.Durable = DefaultDurable
	}
	if o.Batch <= 0 {
		o.Batch = 100
	}
	if o.AckWait <= 0 {
		o.AckWait = 30 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.ReplayEvery <= 0 {
		o.ReplayEvery = 10 * time.Second
	}
	return &Consumer{db: db, o: o, log: o.Logger.With("consumer", o.Durable), asked: map[string]time.Time{},
		pending: map[string]bool{}, seen: map[string]uint64{}}, nil
}

// Stats reports the connection and the counts so far.
func (c *Consumer) Stats() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Connected = c.nc != nil && c.nc.IsConnected()
	return s
}

// Run consumes until ctx ends, then closes the connection and returns
// nil. It returns an error only when it cannot start at all; NATS or
// PostgreSQL being down is retried for ever.
func (c *Consumer) Run(ctx context.Context) error {
	nc, err := c.connect()
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.nc = nc
	c.mu.Unlock()
	defer nc.Close()
	defer c.replays.Wait() // before the connection closes
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("hqstore: jetstream.New: %w", err)
	}
	var cons jetstream.Consumer
	backoff := time.Duration(0)
	var swept time.Time
	for ctx.Err() == nil {
		suspect := map[string]bool{}
		if cons == nil {
			cons, err = c.consumer(ctx, js)
		}
		if err == nil {
			err = c.fetch(ctx, js, cons, suspect)
		}
		if time.Since(swept) >= c.o.ReplayEvery {
			if swept.IsZero() {
				c.allBranches(ctx, suspect)
			}
			swept = time.Now()
			for b := range c.pending {
				suspect[b] = true
			}
		}
		c.checkGaps(ctx, nc, suspect)
		c.note(err)
		if err == nil || ctx.Err() != nil {
			backoff = 0
			continue
		}
		cons = nil // look the stream and consumer up again
		backoff = min(max(2*backoff, minBackoff), maxBackoff)
		sleep(ctx, backoff)
	}
	return nil
}

// connect dials NATS, retrying for ever in the background when the
// server is not there yet.
func (c *Consumer) connect() (*nats.Conn, error) {
	opts := []nats.Option{
		nats.Name("shouhou hq " + c.o.Durable),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.RetryOnFailedConnect(true),
		nats.Timeout(2 * time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			c.log.Warn("hqstore: NATS connection lost / 与消息服务器的连接断开", "err", err)
		}),
		nats.ReconnectHandler(func(*nats.Conn) {
			c.log.Info("hqstore: NATS connection back / 与消息服务器的连接已恢复")
		}),
	}
	if c.o.User != "" || c.o.Password != "" {
		opts = append(opts, nats.UserInfo(c.o.User, c.o.Password))
	}
	nc, err := nats.Connect(c.o.URL, opts...)
	if err != nil {
		return nil, fmt.Errorf("hqstore: nats.Connect(%s): %w", c.o.URL, err)
	}
	return nc, nil
}

// consumer makes sure the events stream exists (with the forwarder's
// configuration, if head office is first) and returns the durable
// consumer on it, creating it when it is not there.
func (c *Consumer) consumer(ctx context.Context, js jetstream.JetStream) (jetstream.Consumer, error) {
	ctx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	st, err := js.Stream(ctx, chain.StreamEvents)
	if errors.Is(err, jetstream.ErrStreamNotFound) {
		st, err = js.CreateStream(ctx, jetstream.StreamConfig{
			Name:       chain.StreamEvents,
			Subjects:   []string{chain.SubjectEvents + ">"},
			Storage:    jetstream.FileStorage,
			Duplicates: uplink.DuplicateWindow,
		})
		if errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
			st, err = js.Stream(ctx, chain.StreamEvents)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("hqstore: stream %s: %w", chain.StreamEvents, err)
	}
	if err := uplink.EnsureBlacklistStream(ctx, js, c.o.Timeout); err != nil {
		return nil, fmt.Errorf("hqstore: %w", err)
	}
	cons, err := st.CreateOrUpdateConsumer(ctx, jetstream.ConsumerConfig{
		Durable:       c.o.Durable,
		DeliverPolicy: jetstream.DeliverAllPolicy,
		AckPolicy:     jetstream.AckExplicitPolicy,
		AckWait:       c.o.AckWait,
		FilterSubject: chain.SubjectEvents + ">",
		MaxAckPending: 10 * c.o.Batch,
	})
	if err != nil {
		return nil, fmt.Errorf("hqstore: consumer %s on %s: %w", c.o.Durable, chain.StreamEvents, err)
	}
	return cons, nil
}

// fetch takes one batch and handles its messages in order. When ctx
// ends or a message cannot be acked it stops, leaving the rest of the
// batch unacked, to be delivered again.
func (c *Consumer) fetch(ctx context.Context, js jetstream.JetStream, cons jetstream.Consumer, suspect map[string]bool) error {
	batch, err := cons.Fetch(c.o.Batch, jetstream.FetchMaxWait(min(c.o.Timeout, time.Second)))
	if err != nil {
		return fmt.Errorf("hqstore: fetch: %w", err)
	}
	for msg := range batch.Messages() {
		if err := c.handle(ctx, js, msg, suspect); err != nil {
			for range batch.Messages() { // drain; the server redelivers them
			}
			return err
		}
	}
	if err := batch.Error(); err != nil && !errors.Is(err, nats.ErrTimeout) && !errors.Is(err, jetstream.ErrNoMessages) {
		return fmt.Errorf("hqstore: fetch: %w", err)
	}
	return nil
}

// handle applies one message, publishes the blacklist entry it makes and
// acks it once the store has committed it and the entry is stored; a
// message that is not an event is terminated. The branch of an event
// recorded that is not the one after the last recorded since Run started
// (the first since then, one past a gap, an older one) is added to
// suspect.
func (c *Consumer) handle(ctx context.Context, js jetstream.JetStream, msg jetstream.Msg, suspect map[string]bool) error {
	var ev chain.Event
	if err := json.Unmarshal(msg.Data(), &ev); err != nil || ev.Branch == "" || ev.Seq == 0 {
		c.log.Error("hqstore: a message on the events stream is not an event, dropped / 事件流中的消息无法解析，已丢弃",
			"subject", msg.Subject(), "err", err)
		c.count(func(s *Stats) { s.Rejected++ })
		if err := msg.Term(); err != nil {
			return fmt.Errorf("hqstore: terminate message on %s: %w", msg.Subject(), err)
		}
		return nil
	}
	applied, err := c.apply(ctx, msg, &ev)
	if errors.Is(err, ErrInvalidEvent) {
		c.log.Error("hqstore: an event head office cannot record, dropped / 总部无法记录的事件，已丢弃",
			"event", ev.MsgID(), "err", err)
		c.count(func(s *Stats) { s.Rejected++ })
		return msg.Term()
	}
	if err != nil {
		return err // ctx ended: the message stays unacked and comes again
	}
	if applied {
		if last, ok := c.seen[ev.Branch]; !ok || ev.Seq != last+1 {
			suspect[ev.Branch] = true
		}
		c.seen[ev.Branch] = max(c.seen[ev.Branch], ev.Seq)
	}
	c.count(func(s *Stats) {
		if applied {
			s.Applied++
		} else {
			s.Duplicates++
		}
	})
	if err := c.blacklist(ctx, js, &ev); err != nil {
		// Delivered again at once: the event is a duplicate then, and
		// its entry is published again.
		_ = msg.Nak()
		return err
	}
	// An ack that is lost only means the event comes again: a duplicate.
	if err := msg.Ack(); err != nil {
		return fmt.Errorf("hqstore: ack event %s: %w", ev.MsgID(), err)
	}
	return nil
}

// apply applies ev, retrying with backoff while the store fails (PostgreSQL
// down or restarting) and telling the server the message is still being
// worked on, so events are recorded in the order they came. It returns
// an error only when ctx ends or the event is invalid.
func (c *Consumer) apply(ctx context.Context, msg jetstream.Msg, ev *chain.Event) (bool, error) {
	backoff := time.Duration(0)
	for {
		applied, err := c.db.Apply(ctx, *ev)
		if err == nil || errors.Is(err, ErrInvalidEvent) {
			return applied, err
		}
		if ctx.Err() != nil {
			return false, ctx.Err()
		}
		c.note(err)
		_ = msg.InProgress() // keep it ours while PostgreSQL is retried
		backoff = min(max(2*backoff, minBackoff), maxBackoff)
		sleep(ctx, backoff)
	}
}

// blacklist publishes the blacklist entry ev makes, if any. It runs
// after ev is committed, for a duplicate too, so an entry whose publish
// was lost (head office crashed or NATS failed between the commit and
// the publish) goes out when the event is delivered again; the entry's
// message id makes a second publish harmless.
func (c *Consumer) blacklist(ctx context.Context, js jetstream.JetStream, ev *chain.Event) error {
	e, err := c.db.BlacklistEntry(ctx, *ev)
	if err != nil || e == nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	seq, err := uplink.PublishBlacklist(ctx, js, e)
	if err != nil {
		return fmt.Errorf("hqstore: event %s: %w", ev.MsgID(), err)
	}
	c.count(func(s *Stats) { s.Blacklisted++ })
	c.log.Info("hqstore: blacklist entry published / 已发布黑名单条目", "card", e.Card, "branch", e.Branch,
		"status", e.Status, "event", ev.MsgID(), "stream_seq", seq)
	return nil
}

// allBranches adds every branch head office has events of to suspect:
// gaps left from before the consumer started.
func (c *Consumer) allBranches(ctx context.Context, suspect map[string]bool) {
	branches, err := c.db.Branches(ctx)
	if err != nil {
		c.log.Warn("hqstore: cannot list branches to look for gaps / 无法列出分店以检查缺失事件", "err", err)
		return
	}
	for _, b := range branches {
		suspect[b] = true
	}
}

// checkGaps looks for gaps in the events of each branch in suspect, and
// asks the box of one with a gap, unless it was asked in the last
// ReplayEvery, to replay from the first missing seq. A branch with a gap
// stays pending, to be looked at again every ReplayEvery, until it has
// none. The request is answered in the background.
func (c *Consumer) checkGaps(ctx context.Context, nc *nats.Conn, suspect map[string]bool) {
	for b := range suspect {
		if last, ok := c.asked[b]; ok && time.Since(last) < c.o.ReplayEvery {
			continue // still pending: looked at again once the wait is over
		}
		gaps, err := c.db.Gaps(ctx, b)
		if err != nil {
			c.log.Warn("hqstore: cannot look for gaps / 无法检查缺失事件", "branch", b, "err", err)
			continue
		}
		if len(gaps) == 0 {
			delete(c.pending, b)
			continue
		}
		c.pending[b] = true
		c.asked[b] = time.Now()
		c.count(func(s *Stats) { s.ReplayRequests++ })
		c.replays.Add(1)
		go func() {
			defer c.replays.Done()
			c.askReplay(ctx, nc, chain.ReplayRequest{Branch: b, From: gaps[0].From, To: gaps[0].To})
		}()
	}
}

// askReplay sends req to its branch's box and logs the answer; the
// events it republishes come in on the stream like any other.
func (c *Consumer) askReplay(ctx context.Context, nc *nats.Conn, req chain.ReplayRequest) {
	log := c.log.With("branch", req.Branch, "from", req.From, "to", req.To)
	body, err := json.Marshal(req)
	if err != nil {
		log.Error("hqstore: encode replay request", "err", err)
		return
	}
	ctx, cancel := context.WithTimeout(ctx, c.o.ReplayEvery)
	defer cancel()
	log.Info("hqstore: events missing, asking the branch to replay / 事件缺失，请求分店重发")
	m, err := nc.RequestWithContext(ctx, chain.SubjectReplay+req.Branch, body)
	if err != nil {
		if ctx.Err() == nil || errors.Is(ctx.Err(), context.DeadlineExceeded) {
			log.Warn("hqstore: the branch did not answer the replay request / 分店未答复重发请求", "err", err)
		}
		return
	}
	var reply chain.ReplayReply
	if err := json.Unmarshal(m.Data, &reply); err != nil {
		log.Warn("hqstore: the branch's replay reply cannot be read / 分店的重发答复无法解析", "err", err)
		return
	}
	if reply.Error != "" {
		log.Warn("hqstore: the branch could not replay everything / 分店未能全部重发", "republished", reply.Republished,
			"oldest", reply.Oldest, "err", reply.Error)
		return
	}
	log.Info("hqstore: the branch replayed its events / 分店已重发事件", "republished", reply.Republished)
}

// count updates the stats under the lock.
func (c *Consumer) count(f func(*Stats)) {
	c.mu.Lock()
	f(&c.stats)
	c.mu.Unlock()
}

// note keeps the last error and logs a change between failing and
// working once, not every retry.
func (c *Consumer) note(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case err != nil && c.stats.LastError != err.Error():
		if c.stats.LastError == "" {
			c.log.Warn("hqstore: cannot consume events, retrying / 无法写入总部数据库，重试中", "err", err)
		}
		c.stats.LastError = err.Error()
	case err == nil && c.stats.LastError != "":
		c.log.Info("hqstore: consuming again / 已恢复写入")
		c.stats.LastError = ""
	}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
