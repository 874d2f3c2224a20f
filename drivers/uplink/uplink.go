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

// Outbox is what the forwarder needs of the store. OutboxFrom returns no
// events (and no error) when none is left from its seq; SetOutboxAcked
// ignores a seq at or below the current ack.
type Outbox interface {
	OutboxHead() (uint64, error)
	OutboxAcked() (uint64, error)
	OutboxFrom(from uint64, max int) ([]chain.Event, error)
	SetOutboxAcked(seq uint64) error
	OutboxNotify() <-chan struct{}
}

var _ Outbox = (*store.DB)(nil)

// Options configure a Forwarder.
type Options struct {
	// URL is the NATS server (or comma-separated servers), nats://host:4222.
	URL string
	// Branch is this box's branch id (chain.ValidBranch); it names the
	// subject events go to, and is stamped on events the store wrote
	// before the box had a branch.
	Branch string
	// User and Password log in to NATS; both empty for no login.
	User, Password string
	// Logger gets connection changes and forwarding errors; nil is slog.Default.
	Logger *slog.Logger
	// Batch is how many events one read of the outbox publishes before the
	// ack is recorded; 0 means 100.
	Batch int
	// Poll is how often the outbox is looked at without a notification;
	// 0 means 1 s.
	Poll time.Duration
	// Timeout bounds one publish's wait for the stream's ack and the
	// stream lookup; 0 means 5 s.
	Timeout time.Duration
}

// DuplicateWindow is the duplicate window the forwarder gives the stream
// when it creates it: an event republished within it is stored once.
const DuplicateWindow = 2 * time.Hour

// Backoff bounds: after a failure the forwarder waits minBackoff, doubling
// up to maxBackoff, before it tries again.
const (
	minBackoff = 100 * time.Millisecond
	maxBackoff = 5 * time.Second
)

// Forwarder publishes one store's outbox to the chain's stream.
type Forwarder struct {
	db  Outbox
	o   Options
	log *slog.Logger

	health *health

	// mu guards nc.
	mu sync.Mutex
	nc *nats.Conn
}

// Status is how far the forwarder has got.
type Status struct {
	// Connected is whether the NATS connection is up now.
	Connected bool
	// Head is the outbox's last seq, Acked the last the stream acked, Lag
	// the events not yet acked (Head - Acked).
	Head, Acked, Lag uint64
	// LastError is the last failure since the last successful publish ("" if none).
	LastError string
}

// New returns a Forwarder of db's outbox; Run starts it.
func New(db Outbox, o Options) (*Forwarder, error) {
	if err := checkLink(o.Branch, o.URL); err != nil {
		return nil, err
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Batch <= 0 {
		o.Batch = 100
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	log := o.Logger.With("branch", o.Branch)
	return &Forwarder{db: db, o: o, log: log, health: &health{log: log,
		failing: "uplink: cannot forward events, retrying / 无法上传事件，重试中", working: "uplink: forwarding again / 已恢复上传"}}, nil
}

// checkLink refuses what no link to head office can run with: a branch
// id that cannot name a subject, or no NATS URL.
func checkLink(branch, url string) error {
	if !chain.ValidBranch(branch) {
		return fmt.Errorf("uplink: branch %q is not a valid branch id (letters, digits, _ and -, up to 32)", branch)
	}
	if url == "" {
		return errors.New("uplink: no NATS URL")
	}
	return nil
}

// Status reports the connection and the outbox's head and ack.
func (f *Forwarder) Status() Status {
	f.mu.Lock()
	s := Status{Connected: f.nc != nil && f.nc.IsConnected(), LastError: f.health.last()}
	f.mu.Unlock()
	var err error
	if s.Head, err = f.db.OutboxHead(); err == nil {
		s.Acked, err = f.db.OutboxAcked()
	}
	if err != nil {
		s.LastError = err.Error()
	}
	if s.Head > s.Acked {
		s.Lag = s.Head - s.Acked
	}
	return s
}

// Run forwards the outbox until ctx ends, then closes the connection and
// returns nil. It returns an error only when it cannot start at all; a
// server that is down or refuses is retried for ever.
func (f *Forwarder) Run(ctx context.Context) error {
	reconnected := make(chan struct{}, 1)
	nc, err := f.connect(reconnected)
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
	f.loop(ctx, nc, js, reconnected)
	return nil
}

// connect dials NATS, retrying for ever in the background when the
// server is not there yet (Connect returns at once either way).
func (f *Forwarder) connect(reconnected chan<- struct{}) (*nats.Conn, error) {
	return dial(f.o.URL, "shouhou uplink "+f.o.Branch, f.o.User, f.o.Password, f.log, reconnected, f.health.note)
}

// dial connects to url as name, retrying for ever in the background, and
// signals reconnected at each (re)connection. The server's asynchronous
// errors (a permissions violation: a fetch or a publish the user may not
// make fails only so) go to asyncErr, for the caller's Status.
func dial(url, name, user, password string, log *slog.Logger, reconnected chan<- struct{}, asyncErr func(error)) (*nats.Conn, error) {
	opts := []nats.Option{
		nats.Name(name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.RetryOnFailedConnect(true),
		nats.Timeout(2 * time.Second),
		nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
			log.Warn("uplink: NATS connection lost / 与总部的连接断开", "err", err)
		}),
		nats.ConnectHandler(func(*nats.Conn) { signal(reconnected) }),
		nats.ErrorHandler(func(_ *nats.Conn, _ *nats.Subscription, err error) {
			if err != nil {
				asyncErr(fmt.Errorf("uplink: NATS server: %w", err))
			}
		}),
		nats.ReconnectHandler(func(*nats.Conn) {
			log.Info("uplink: NATS connection back / 与总部的连接已恢复")
			signal(reconnected)
		}),
	}
	if user != "" || password != "" {
		opts = append(opts, nats.UserInfo(user, password))
	}
	nc, err := nats.Connect(url, opts...)
	if err != nil {
		return nil, fmt.Errorf("uplink: nats.Connect(%s): %w", url, err)
	}
	return nc, nil
}

// loop publishes what the outbox holds, then waits for more, a
// reconnect, the poll tick or the backoff after a failure.
func (f *Forwarder) loop(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, reconnected <-chan struct{}) {
	tick := time.NewTicker(f.o.Poll)
	defer tick.Stop()
	streamReady := false
	backoff := time.Duration(0)
	for ctx.Err() == nil {
		more, err := f.step(ctx, nc, js, &streamReady)
		f.health.note(err)
		switch {
		case err != nil:
			streamReady = false // look again: head office may have removed it
			backoff = min(max(2*backoff, minBackoff), maxBackoff)
		case more:
			backoff = 0
			continue
		default:
			backoff = 0
		}
		f.wait(ctx, backoff, tick.C, reconnected)
	}
}

// wait returns after the backoff (if any) or, without one, at the next
// notification or tick; at a reconnect and when ctx ends either way.
func (f *Forwarder) wait(ctx context.Context, backoff time.Duration, tick <-chan time.Time, reconnected <-chan struct{}) {
	if backoff > 0 {
		t := time.NewTimer(backoff)
		defer t.Stop()
		select {
		case <-ctx.Done():
		case <-t.C:
		case <-reconnected:
		}
		return
	}
	select {
	case <-ctx.Done():
	case <-f.db.OutboxNotify():
	case <-reconnected:
	case <-tick:
	}
}

// step makes sure the stream exists, then publishes one batch from the
// ack on and records the ack. more says a full batch went, so there may
// be more waiting.
func (f *Forwarder) step(ctx context.Context, nc *nats.Conn, js jetstream.JetStream, streamReady *bool) (more bool, err error) {
	if !nc.IsConnected() {
		return false, fmt.Errorf("uplink: not connected to %s (%s)", f.o.URL, nc.Status())
	}
	if !*streamReady {
		if err := f.ensureStream(ctx, js); err != nil {
			return false, err
		}
		*streamReady = true
	}
	acked, err := f.db.OutboxAcked()
	if err != nil {
		return false, err
	}
	evs, err := f.db.OutboxFrom(acked+1, f.o.Batch)
	if err != nil || len(evs) == 0 {
		return false, err
	}
	for i := range evs {
		if err := f.publish(ctx, js, &evs[i]); err != nil {
			if i > 0 {
				err = errors.Join(err, f.db.SetOutboxAcked(evs[i-1].Seq))
			}
			return false, err
		}
	}
	if err := f.db.SetOutboxAcked(evs[len(evs)-1].Seq); err != nil {
		return false, err
	}
	return len(evs) == f.o.Batch, nil
}

// ensureStream looks the events stream up and creates it when head office
// has not: every branch's subjects, on file, with DuplicateWindow. A
// stream that exists is left as head office configured it.
func (f *Forwarder) ensureStream(ctx context.Context, js jetstream.JetStream) error {
	ctx, cancel := context.WithTimeout(ctx, f.o.Timeout)
	defer cancel()
	_, err := js.Stream(ctx, chain.StreamEvents)
	if err == nil {
		return nil
	}
	if !errors.Is(err, jetstream.ErrStreamNotFound) {
		return fmt.Errorf("uplink: look up stream %s: %w", chain.StreamEvents, err)
	}
	_, err = js.CreateStream(ctx, jetstream.StreamConfig{
		Name:       chain.StreamEvents,
		Subjects:   []string{chain.SubjectEvents + ">"},
		Storage:    jetstream.FileStorage,
		Duplicates: DuplicateWindow,
	})
	if err != nil && !errors.Is(err, jetstream.ErrStreamNameAlreadyInUse) {
		return fmt.Errorf("uplink: create stream %s: %w", chain.StreamEvents, err)
	}
	return nil
}

// publish sends one event and waits for the stream's ack.
func (f *Forwarder) publish(ctx context.Context, js jetstream.JetStream, ev *chain.Event) error {
	_, err := publishEvent(ctx, js, f.o.Branch, f.o.Timeout, ev, ev.MsgID())
	return err
}

// publishEvent sends one of branch's events with message id msgID
// (chain.MsgID but for a replay) and waits up to timeout for the stream's
// ack; duplicate says the stream already held the message id. An event the store wrote before the box
// had a branch goes out under branch; one stamped with another branch is
// refused, as it would be filed under the wrong shop.
func publishEvent(ctx context.Context, js jetstream.JetStream, branch string, timeout time.Duration, ev *chain.Event,
	msgID string) (duplicate bool, err error) {
	if ev.Branch == "" {
		ev.Branch = branch
	}
	if ev.Branch != branch {
		return false, fmt.Errorf("uplink: event %d belongs to branch %q, not %q: the store's branch changed", ev.Seq, ev.Branch, branch)
	}
	body, err := json.Marshal(ev)
	if err != nil {
		return false, fmt.Errorf("uplink: encode event %d: %w", ev.Seq, err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	ack, err := js.Publish(ctx, chain.Subject(branch), body, jetstream.WithMsgID(msgID),
		jetstream.WithExpectStream(chain.StreamEvents))
	if err != nil {
		return false, fmt.Errorf("uplink: publish event %d: %w", ev.Seq, err)
	}
	if ack.Stream != chain.StreamEvents {
		return false, fmt.Errorf("uplink: event %d was stored in stream %q, want %s", ev.Seq, ack.Stream, chain.StreamEvents)
	}
	return ack.Duplicate, nil
}

// health is one link's last error, for its Status: a change between
// failing and working is logged once, not on every retry.
type health struct {
	log *slog.Logger
	// failing and working are what the log says when the link starts
	// failing and when it works again.
	failing, working string

	mu      sync.Mutex // guards lastErr
	lastErr string
}

// note records the result of a try: err, or nil for one that worked.
func (h *health) note(err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case err != nil && h.lastErr != err.Error():
		if h.lastErr == "" {
			h.log.Warn(h.failing, "err", err)
		}
		h.lastErr = err.Error()
	case err == nil && h.lastErr != "":
		h.log.Info(h.working)
		h.lastErr = ""
	}
}

// last is the last failure since the last success ("" if none).
func (h *health) last() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.lastErr
}

// signal sends on c without blocking.
func signal(c chan<- struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
