package uplink

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/chain"
	"shouhou/appliance/store"
)

// CardCharger is what the charge responder needs of the card service: a
// charge under an idempotency key (cards.Service.Charge: a repeat of the
// key returns the first result and moves no money).
type CardCharger interface {
	Charge(ctx context.Context, actor appliance.Actor, a cards.MoneyArgs) (*cards.Result, error)
}

var _ CardCharger = (*cards.Service)(nil)

// CardStore is what the charge responder reads of the store: the card a
// UID belongs to.
type CardStore interface {
	View(fn func(*store.Txn) error) error
}

// ChargeOptions configure a ChargeResponder and a ChargeClient.
type ChargeOptions struct {
	// URL is the NATS server (or comma-separated servers), nats://host:4222.
	URL string
	// Branch is this box's branch id: the responder answers on
	// chain.ChargeSubject(Branch); the client asks as Branch.
	Branch string
	// User and Password log in to NATS; both empty for no login.
	User, Password string
	// Logger gets connection changes, charges and errors; nil is slog.Default.
	Logger *slog.Logger
	// Timeout bounds the client's wait for the directory and the issuing
	// box's answer; 0 means 2 s.
	Timeout time.Duration
}

func (o *ChargeOptions) fill() error {
	if err := checkLink(o.Branch, o.URL); err != nil {
		return err
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Timeout <= 0 {
		o.Timeout = 2 * time.Second
	}
	return nil
}

// ChargeResponder answers other branches' chain.ChargeRequest for the
// cards this box issued, on chain.ChargeSubject(branch) in queue group
// chain.ChargeQueue. Each charge goes through the card service with the
// asking branch's key (From + ":" + Key) as its idempotency key, so a
// request repeated after a lost reply is answered with the first result
// and never charged twice; the ledger entry's operator is
// "<branch>/<operator>" and its audit entry names the asking desk. A
// refusal (a lost, cancelled or unknown card, a balance too small, a
// clerk's limit) answers the card service's error code and message.
type ChargeResponder struct {
	db    CardStore
	cards CardCharger
	o     ChargeOptions
	log   *slog.Logger

	// mu guards the fields below it.
	mu       sync.Mutex
	nc       *nats.Conn
	answered int
	stopping bool           // set when Run ends: no new charge starts
	busy     sync.WaitGroup // the charges under way
}

// NewChargeResponder returns a responder charging db's cards through svc;
// Run starts it.
func NewChargeResponder(db CardStore, svc CardCharger, o ChargeOptions) (*ChargeResponder, error) {
	if err := o.fill(); err != nil {
		return nil, err
	}
	return &ChargeResponder{db: db, cards: svc, o: o, log: o.Logger.With("branch", o.Branch)}, nil
}

// Answered is how many requests the responder has answered.
func (r *ChargeResponder) Answered() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.answered
}

// Ready reports whether the responder is connected and subscribed.
func (r *ChargeResponder) Ready() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.nc != nil && r.nc.IsConnected()
}

// Run answers requests until ctx ends, waits for the charges under way,
// closes the connection and returns nil. It returns an error only when
// it cannot start at all; a server that is down is retried for ever.
func (r *ChargeResponder) Run(ctx context.Context) error {
	nc, err := dial(r.o.URL, "shouhou charge "+r.o.Branch, r.o.User, r.o.Password, r.log, nil,
		func(err error) { r.log.Warn("uplink: charge responder / 跨店扣款应答出错", "err", err) })
	if err != nil {
		return err
	}
	defer nc.Close()
	subject := chain.ChargeSubject(r.o.Branch)
	sub, err := nc.QueueSubscribe(subject, chain.ChargeQueue, func(m *nats.Msg) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.stopping {
			return // unanswered: the asker times out, and its retry goes to a box that runs
		}
		r.busy.Add(1)
		go func() {
			defer r.busy.Done()
			r.respond(m)
		}()
	})
	if err != nil {
		return fmt.Errorf("uplink: subscribe %s: %w", subject, err)
	}
	r.mu.Lock()
	r.nc = nc
	r.mu.Unlock()
	<-ctx.Done()
	sub.Unsubscribe() //nolint:errcheck // the connection closes next
	r.mu.Lock()
	r.stopping = true
	r.mu.Unlock()
	r.busy.Wait()
	return nil
}

// respond answers one request. The charge is not bound to Run's context:
// once the card service has it, it commits or refuses, and the asker's
// retry with the same key finds the result.
func (r *ChargeResponder) respond(m *nats.Msg) {
	reply := r.answer(context.Background(), m.Data)
	body, _ := json.Marshal(reply) // a ChargeReply always encodes
	r.mu.Lock()
	r.answered++
	r.mu.Unlock()
	if err := m.Respond(body); err != nil {
		r.log.Warn("uplink: cannot answer a charge request / 无法答复跨店扣款请求", "err", err)
	}
}

// answer decodes one request and charges it.
func (r *ChargeResponder) answer(ctx context.Context, data []byte) chain.ChargeReply {
	var req chain.ChargeRequest
	if err := json.Unmarshal(data, &req); err != nil {
		return refusal(appliance.Errorf(appliance.EINVALID, "跨店扣款请求无法解析 / the charge request cannot be read"))
	}
	if err := r.check(&req); err != nil {
		return refusal(err)
	}
	if err := r.checkUID(&req); err != nil {
		return refusal(err)
	}
	actor := appliance.Actor{ID: req.From + "/" + req.Operator, Role: appliance.RoleClerk, Desk: req.From + "/" + req.Desk, Addr: "chain"}
	args := cards.MoneyArgs{Key: req.From + ":" + req.Key, Card: req.Card, AmountFen: req.Amount}
	if req.Ticket != "" {
		args.Ticket = req.From + "/" + req.Ticket
	}
	res, err := r.cards.Charge(ctx, actor, args)
	if err != nil {
		r.log.Info("uplink: charge for another branch refused / 拒绝他店扣款", "from", req.From, "card", req.Card, "err", err)
		return refusal(err)
	}
	e := res.Entries[0]
	r.log.Info("uplink: charged for another branch / 已为他店扣款", "from", req.From, "desk", req.Desk, "card", e.Card,
		"seq", e.Seq, "amount_fen", e.AmountFen, "replayed", res.Replayed)
	return chain.ChargeReply{Entry: fmt.Sprintf("%s#%d", e.Card, e.Seq), Balance: e.BalanceFen}
}

// check refuses a request that is not one of another branch's.
func (r *ChargeResponder) check(req *chain.ChargeRequest) error {
	switch {
	case !chain.ValidBranch(req.From) || req.From == r.o.Branch:
		return appliance.Errorf(appliance.EINVALID, "跨店扣款请求的来源分店 %q 无效 / the asking branch %q is not another branch", req.From, req.From)
	case req.Key == "":
		return appliance.FieldError("key", "缺少幂等键 / the idempotency key is missing")
	case req.Card == "":
		return appliance.FieldError("card", "缺少卡号 / the card number is missing")
	case req.Operator == "":
		return appliance.FieldError("operator", "缺少操作员 / the operator is missing")
	}
	return nil
}

// checkUID refuses a request whose UID is not on the card it names (the
// directory was stale): the card is not this branch's to charge.
func (r *ChargeResponder) checkUID(req *chain.ChargeRequest) error {
	if req.UID == "" {
		return nil
	}
	var number string
	err := r.db.View(func(tx *store.Txn) error {
		c, err := tx.CardByUID(strings.ToUpper(req.UID))
		if err == nil {
			number = c.Number
		}
		return err
	})
	if appliance.ErrorCode(err) == appliance.ENOTFOUND || (err == nil && number != req.Card) {
		return &appliance.Error{Code: appliance.ENOTFOUND, Field: "card", Message: fmt.Sprintf(
			"分店 %s 没有此卡 / branch %s has no such card", r.o.Branch, r.o.Branch)}
	}
	return err
}

// refusal is the reply of a refused charge.
func refusal(err error) chain.ChargeReply {
	return chain.ChargeReply{Code: appliance.ErrorCode(err), Message: appliance.ErrorMessage(err)}
}

// ChargeClient charges, for this box's desk, a card another branch
// issued: it looks the card's UID up in the chain's card directory
// (chain.BucketCards) and asks the issuing box (chain.ChargeSubject) with
// the desk's idempotency key, so a retry after a timeout is answered
// with the first result, never charged twice.
type ChargeClient struct {
	o   ChargeOptions
	log *slog.Logger

	// mu guards the fields below it.
	mu sync.Mutex
	nc *nats.Conn
	js jetstream.JetStream
	kv jetstream.KeyValue // nil until the directory is first found
	// homes are the directory entries last read, so that a charge with
	// the link down can name the issuing branch it cannot reach.
	homes map[string]chain.CardHome
}

// maxHomes bounds ChargeClient.homes; when full it starts again empty.
const maxHomes = 1000

// NewChargeClient returns a client asking as o.Branch; Run connects it.
func NewChargeClient(o ChargeOptions) (*ChargeClient, error) {
	if err := o.fill(); err != nil {
		return nil, err
	}
	return &ChargeClient{o: o, log: o.Logger.With("branch", o.Branch)}, nil
}

// Run keeps the client's connection until ctx ends, then closes it and
// returns nil; an error only when it cannot start at all.
func (c *ChargeClient) Run(ctx context.Context) error {
	nc, err := dial(c.o.URL, "shouhou charge client "+c.o.Branch, c.o.User, c.o.Password, c.log, nil,
		func(err error) { c.log.Warn("uplink: charge client / 跨店扣款出错", "err", err) })
	if err != nil {
		return err
	}
	js, err := jetstream.New(nc)
	if err != nil {
		nc.Close()
		return fmt.Errorf("uplink: jetstream.New: %w", err)
	}
	c.mu.Lock()
	c.nc, c.js = nc, js
	c.mu.Unlock()
	<-ctx.Done()
	c.mu.Lock()
	c.nc, c.js, c.kv = nil, nil, nil
	c.mu.Unlock()
	nc.Close()
	return nil
}

// Ready reports whether the client is connected.
func (c *ChargeClient) Ready() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nc != nil && c.nc.IsConnected()
}

// Charge asks the branch that issued the card with chip uid to charge
// req.Amount; req carries the desk's Key, Desk, Operator and Ticket, and
// Card, UID and From are filled in here. It returns the issuing box's
// reply, or an *appliance.Error: ENOTFOUND when no other branch has the
// card, the issuing box's refusal (its code, its message after the
// branch's name), and EUNAVAILABLE when the directory or the issuing box
// cannot be reached (nothing charged) or did not answer in time (the
// charge not confirmed: a retry with the same key is answered with the
// first result).
func (c *ChargeClient) Charge(ctx context.Context, uid string, req chain.ChargeRequest) (*chain.ChargeReply, error) {
	uid = strings.ToUpper(strings.TrimSpace(uid))
	if nc := c.conn(); nc == nil || !nc.IsConnected() {
		// At once: a request would only wait for the reconnection.
		if home, ok := c.knownHome(uid); ok {
			return nil, unreachable(home.Branch)
		}
		return nil, directoryUnreachable()
	}
	ctx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	home, err := c.lookup(ctx, uid)
	if err != nil {
		return nil, err
	}
	req.Card, req.UID, req.From = home.Card, uid, c.o.Branch
	body, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("uplink: encode charge request: %w", err)
	}
	nc := c.conn()
	if nc == nil || !nc.IsConnected() {
		return nil, unreachable(home.Branch)
	}
	m, err := nc.RequestWithContext(ctx, chain.ChargeSubject(home.Branch), body)
	if err != nil {
		c.log.Warn("uplink: charge at another branch failed / 跨店扣款失败", "issuer", home.Branch, "card", home.Card, "key", req.Key, "err", err)
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, nats.ErrTimeout) {
			return nil, appliance.Errorf(appliance.EUNAVAILABLE,
				"发卡门店 %s 未在 %s 内答复，扣款未确认：请再按确认重试，不会重复扣款 / the issuing branch %s did not answer within %s; the charge is not confirmed: confirm again to retry, it is never charged twice",
				home.Branch, c.o.Timeout, home.Branch, c.o.Timeout)
		}
		return nil, unreachable(home.Branch)
	}
	var reply chain.ChargeReply
	if err := json.Unmarshal(m.Data, &reply); err != nil {
		return nil, fmt.Errorf("uplink: charge reply from %s: %w", home.Branch, err)
	}
	if reply.Code != "" {
		return nil, &appliance.Error{Code: reply.Code, Message: fmt.Sprintf("发卡门店 %s：%s", home.Branch, reply.Message)}
	}
	return &reply, nil
}

// Locate returns the other branch and card the chain's card directory
// gives for chip uid: ENOTFOUND when no other branch has it, EUNAVAILABLE
// when the directory cannot be reached (within the client's timeout).
func (c *ChargeClient) Locate(ctx context.Context, uid string) (chain.CardHome, error) {
	uid = strings.ToUpper(strings.TrimSpace(uid))
	if nc := c.conn(); nc == nil || !nc.IsConnected() {
		if home, ok := c.knownHome(uid); ok {
			return home, nil
		}
		return chain.CardHome{}, directoryUnreachable()
	}
	ctx, cancel := context.WithTimeout(ctx, c.o.Timeout)
	defer cancel()
	return c.lookup(ctx, uid)
}

// conn is the client's connection, nil before Run or after it.
func (c *ChargeClient) conn() *nats.Conn {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nc
}

// lookup finds which other branch issued the card with uid.
func (c *ChargeClient) lookup(ctx context.Context, uid string) (chain.CardHome, error) {
	kv, err := c.directory(ctx)
	if err != nil {
		return chain.CardHome{}, err
	}
	home, ok, err := LookupCard(ctx, kv, uid)
	if err != nil {
		c.log.Warn("uplink: card directory lookup failed / 查询连锁卡目录失败", "uid", uid, "err", err)
		return home, directoryUnreachable()
	}
	if !ok || home.Branch == c.o.Branch {
		return home, &appliance.Error{Code: appliance.ENOTFOUND, Field: "card", Message: fmt.Sprintf(
			"连锁各门店都没有此卡（%s） / no branch of the chain has this card (%s)", uid, uid)}
	}
	c.mu.Lock()
	if c.homes == nil || len(c.homes) >= maxHomes {
		c.homes = make(map[string]chain.CardHome)
	}
	c.homes[uid] = home
	c.mu.Unlock()
	return home, nil
}

// knownHome is the directory entry of uid last read, if any.
func (c *ChargeClient) knownHome(uid string) (chain.CardHome, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	h, ok := c.homes[uid]
	return h, ok
}

// directory returns the card directory bucket, looked up once.
func (c *ChargeClient) directory(ctx context.Context) (jetstream.KeyValue, error) {
	c.mu.Lock()
	nc, js, kv := c.nc, c.js, c.kv
	c.mu.Unlock()
	if kv != nil {
		return kv, nil
	}
	if nc == nil || !nc.IsConnected() {
		return nil, directoryUnreachable()
	}
	kv, err := js.KeyValue(ctx, chain.BucketCards)
	if errors.Is(err, jetstream.ErrBucketNotFound) {
		return nil, &appliance.Error{Code: appliance.ENOTFOUND, Field: "card",
			Message: "连锁卡目录尚未建立，没有他店的卡 / the chain's card directory does not exist yet: no other branch's card is known"}
	}
	if err != nil {
		c.log.Warn("uplink: card directory unreachable / 连锁卡目录无法访问", "err", err)
		return nil, directoryUnreachable()
	}
	c.mu.Lock()
	if c.nc == nc {
		c.kv = kv
	}
	c.mu.Unlock()
	return kv, nil
}

// unreachable is the refusal when the issuing box cannot be asked.
func unreachable(branch string) error {
	return appliance.Errorf(appliance.EUNAVAILABLE, "发卡门店 %s 暂时无法连接，未扣款 / the issuing branch %s cannot be reached; nothing was charged", branch, branch)
}

// directoryUnreachable is the refusal when the card directory cannot be read.
func directoryUnreachable() error {
	return appliance.Errorf(appliance.EUNAVAILABLE, "连锁卡目录暂时无法连接，无法确认发卡门店，未扣款 / the chain's card directory cannot be reached, so the issuing branch is not known; nothing was charged")
}
