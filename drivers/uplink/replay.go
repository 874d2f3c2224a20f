package uplink

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"shouhou/appliance/chain"
	"shouhou/appliance/store"
)

// ReplayStore is what the replay responder needs of the store: the
// outbox's head, its oldest kept event, and its events in seq order.
type ReplayStore interface {
	OutboxHead() (uint64, error)
	OutboxOldest() (uint64, error)
	OutboxFrom(from uint64, max int) ([]chain.Event, error)
}

var _ ReplayStore = (*store.DB)(nil)

// ReplayOptions configure a ReplayResponder.
type ReplayOptions struct {
	// URL is the NATS server (or comma-separated servers), nats://host:4222.
	URL string
	// Branch is this box's branch id; the responder answers on
	// chain.SubjectReplay + Branch.
	Branch string
	// User and Password log in to NATS; both empty for no login.
	User, Password string
	// Logger gets connection changes, replays and errors; nil is
	// slog.Default.
	Logger *slog.Logger
	// Batch is how many events one read of the outbox takes; 0 means 100.
	Batch int
	// Timeout bounds one publish's wait for the stream's ack; 0 means 5 s.
	Timeout time.Duration
}

// ReplayResponder answers head office's chain.ReplayRequest for one box:
// it publishes the outbox's events again from the requested seq up to the
// head, with the same message ids the forwarder used (so the stream
// stores only the events it lacks), and replies with a chain.ReplayReply.
// Requests are answered one at a time, in the order they come.
type ReplayResponder struct {
	db  ReplayStore
	o   ReplayOptions
	log *slog.Logger

	// mu guards the fields below it.
	mu       sync.Mutex
	nc       *nats.Conn
	answered int
}

// NewReplayResponder returns a responder for db's outbox; Run starts it.
func NewReplayResponder(db ReplayStore, o ReplayOptions) (*ReplayResponder, error) {
	if err := checkLink(o.Branch, o.URL); err != nil {
		return nil, err
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Batch <= 0 {
		o.Batch = 100
	}
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	return &ReplayResponder{db: db, o: o, log: o.Logger.With("branch", o.Branch)}, nil
}

// Answered is how many requests the responder has answered.
func (r *ReplayResponder) Answered() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.answered
}

// Ready reports whether the responder is connected and subscribed.
func (r *ReplayResponder) Ready() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.nc != nil && r.nc.IsConnected()
}

// Run answers requests until ctx ends, then closes the connection and
// returns nil. It returns an error only when it cannot start at all; a
// server that is down is retried for ever, and the subscription is made
// again on every reconnection.
func (r *ReplayResponder) Run(ctx context.Context) error {
	nc, err := dial(r.o.URL, "shouhou replay "+r.o.Branch, r.o.User, r.o.Password, r.log, nil, func(err error) { r.log.Warn("uplink: replay responder / 重放应答出错", "err", err) })
	if err != nil {
		return err
	}
	defer nc.Close()
	js, err := jetstream.New(nc)
	if err != nil {
		return fmt.Errorf("uplink: jetstream.New: %w", err)
	}
	sub, err := nc.Subscribe(chain.SubjectReplay+r.o.Branch, func(m *nats.Msg) {
		reply := r.answer(ctx, js, m.Data)
		body, _ := json.Marshal(reply) // a ReplayReply always encodes
		// Counted before the reply leaves: whoever got the reply finds it counted.
		r.mu.Lock()
		r.answered++
		r.mu.Unlock()
		if err := m.Respond(body); err != nil {
			r.log.Warn("uplink: cannot answer a replay request / 无法答复重发请求", "err", err)
		}
	})
	if err != nil {
		return fmt.Errorf("uplink: subscribe %s: %w", chain.SubjectReplay+r.o.Branch, err)
	}
	defer sub.Unsubscribe() //nolint:errcheck // the connection closes next
	r.mu.Lock()
	r.nc = nc
	r.mu.Unlock()
	<-ctx.Done()
	return nil
}

// answer decodes one request and replays it.
func (r *ReplayResponder) answer(ctx context.Context, js jetstream.JetStream, data []byte) chain.ReplayReply {
	var req chain.ReplayRequest
	if err := json.Unmarshal(data, &req); err != nil {
		return chain.ReplayReply{Error: fmt.Sprintf("重发请求无法解析 / the replay request cannot be read: %v", err)}
	}
	if req.Branch != r.o.Branch {
		return chain.ReplayReply{Error: fmt.Sprintf("本机是分店 %s，不是 %s / this box is branch %s, not %s",
			r.o.Branch, req.Branch, r.o.Branch, req.Branch)}
	}
	reply := r.Replay(ctx, js, req.From, req.To)
	if reply.Error != "" {
		r.log.Warn("uplink: replay incomplete / 重发未完成", "from", req.From, "republished", reply.Republished, "err", reply.Error)
	} else {
		r.log.Info("uplink: events replayed for head office / 已为总部重发事件", "from", req.From, "republished", reply.Republished)
	}
	return reply
}

// Replay publishes the outbox's events from seq from up to the head as it
// is now, and says how many went. Each goes with its chain.MsgID, so the
// stream keeps only those it lacks; one of from..to (the seqs head office
// says it lacks) that the stream drops as a duplicate (its message was
// deleted within the duplicate window) is published once more under a
// message id of this replay's own. A from below the oldest event the
// outbox keeps (the rest were pruned) replays what is kept and says in
// Error that the older ones are gone; a publish that fails stops the
// replay there.
func (r *ReplayResponder) Replay(ctx context.Context, js jetstream.JetStream, from, to uint64) chain.ReplayReply {
	var reply chain.ReplayReply
	head, err := r.db.OutboxHead()
	if err == nil {
		reply.Oldest, err = r.db.OutboxOldest()
	}
	if err != nil {
		reply.Error = fmt.Sprintf("读取发件箱失败 / cannot read the outbox: %v", err)
		return reply
	}
	from = max(from, 1)
	nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
	if from < reply.Oldest {
		reply.Error = fmt.Sprintf("事件 %d 至 %d 已从发件箱清除 / events %d to %d were pruned from the outbox",
			from, reply.Oldest-1, from, reply.Oldest-1)
		from = reply.Oldest
	}
	for from <= head && ctx.Err() == nil {
		evs, err := r.db.OutboxFrom(from, r.o.Batch)
		if err != nil || len(evs) == 0 {
			if err != nil {
				reply.Error = joinError(reply.Error, fmt.Sprintf("读取发件箱失败 / cannot read the outbox: %v", err))
			}
			return reply
		}
		for i := range evs {
			if evs[i].Seq > head {
				return reply
			}
			dup, err := publishEvent(ctx, js, r.o.Branch, r.o.Timeout, &evs[i], evs[i].MsgID())
			if err == nil && dup && evs[i].Seq <= to {
				_, err = publishEvent(ctx, js, r.o.Branch, r.o.Timeout, &evs[i], fmt.Sprintf("%s-replay-%s", evs[i].MsgID(), nonce))
			}
			if err != nil {
				reply.Error = joinError(reply.Error, fmt.Sprintf("重发事件 %d 失败 / republishing event %d failed: %v",
					evs[i].Seq, evs[i].Seq, err))
				return reply
			}
			reply.Republished++
			from = evs[i].Seq + 1
		}
	}
	return reply
}

// joinError appends msg to an error text.
func joinError(text, msg string) string {
	if text == "" {
		return msg
	}
	return text + "; " + msg
}
