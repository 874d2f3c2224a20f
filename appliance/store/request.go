package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"time"
	"unicode"

	"shouhou/appliance"
)

// idxRequestTime indexes the kept requests by when they were made, for
// the sweep (SweepRequests).
const idxRequestTime = "request.time"

// maxKeyLen bounds an idempotency key (a UUID is 36 characters).
const maxKeyLen = 128

// Request is one request made with a client's idempotency key: what a
// retry of it must match, and, once the store has seen it, whether this
// was a retry. Make it with NewRequest; hand it to the domain method that
// does the work through WithRequest. It belongs to one request and one
// goroutine.
//
// The card ledger keeps its keys in its entries (the ledger.key index),
// for as long as the ledger itself; a Request is the same idea for every
// other op that creates or moves something (intake, pickup, ticket
// charges, print jobs): the key and a reference to its result are stored
// in the transaction that makes the change, so a retry, after a restart
// too, gets the first result, and a key reused for other content is a
// conflict naming the argument that differs.
type Request struct {
	op     string
	key    string
	fields map[string]string // argument → hash of its JSON
	// replayed is set by Recall when the key had been used for this request.
	replayed bool
}

// requestRecord is what the store keeps of a Request (r/request/KEY).
type requestRecord struct {
	// Key is the idempotency key.
	Key string `json:"key"`
	// Op is the operation it was made for, e.g. "ticket.intake".
	Op string `json:"op"`
	// Actor is who made it first.
	Actor string `json:"actor"`
	// Fields hashes each argument, so a retry with other content is
	// refused naming the argument, without keeping the content.
	Fields map[string]string `json:"fields"`
	// Result names what the request made: a ticket number, a print job ID.
	Result string `json:"result"`
	// Time is when it was made; SweepRequests forgets it after the retention.
	Time time.Time `json:"time"`
}

var requests = kind[requestRecord]{
	name: "request",
	id:   func(r *requestRecord) string { return r.Key },
	indexes: func(r *requestRecord) []indexEntry {
		return []indexEntry{{name: idxRequestTime, value: r.Time.UTC().Format(dueFormat)}}
	},
}

// NewRequest describes a request to op with key and its arguments (any
// value that encodes as a JSON object; a "key" member is left out). An
// empty key returns nil: the request is not idempotent, and Recall and
// Remember do nothing for it. A key too long or holding control
// characters is an EINVALID error on "key".
func NewRequest(op, key string, args any) (*Request, error) {
	if key == "" {
		return nil, nil
	}
	if len(key) > maxKeyLen || slices.ContainsFunc([]rune(key), unicode.IsControl) {
		return nil, appliance.FieldError("key", "幂等键无效（最长 %d 个字符，不含控制字符） / the idempotency key is invalid: at most %d characters, no control characters", maxKeyLen, maxKeyLen)
	}
	raw, err := json.Marshal(args)
	if err != nil {
		return nil, fmt.Errorf("store: request %s: encode arguments: %w", op, err)
	}
	var members map[string]json.RawMessage
	if err := json.Unmarshal(raw, &members); err != nil {
		members = map[string]json.RawMessage{"": raw} // not an object: one unnamed argument
	}
	delete(members, "key")
	fields := make(map[string]string, len(members))
	for name, v := range members {
		sum := sha256.Sum256(v)
		fields[name] = hex.EncodeToString(sum[:8])
	}
	return &Request{op: op, key: key, fields: fields}, nil
}

// Replayed reports whether Recall found the key used before for this
// request: the result is the first one and nothing was done again.
func (r *Request) Replayed() bool { return r != nil && r.replayed }

type requestCtxKey struct{}

// WithRequest returns ctx carrying r to the domain method it is passed
// to (nil r returns ctx). Pass it to the one call that does the request's
// work, not to the calls after it (the slip printed after an intake is
// another request).
func WithRequest(ctx context.Context, r *Request) context.Context {
	if r == nil {
		return ctx
	}
	return context.WithValue(ctx, requestCtxKey{}, r)
}

// RequestFrom returns the Request ctx carries, or nil.
func RequestFrom(ctx context.Context) *Request {
	r, _ := ctx.Value(requestCtxKey{}).(*Request)
	return r
}

// Recall looks r's key up in the transaction that is to do r's work. A
// key used before for the same op and arguments returns that request's
// result with found true and marks r replayed: the caller returns the
// first result and changes nothing. A key used for another op or other
// arguments is an ECONFLICT error on "key" naming what differs. A new key
// (or a nil r) returns found false: the caller does the work and calls
// Remember in the same transaction.
func (tx *Txn) Recall(r *Request) (result string, found bool, err error) {
	if r == nil {
		return "", false, nil
	}
	prev, ok, err := requests.get(tx, r.key)
	if err != nil || !ok {
		return "", false, err
	}
	if prev.Op != r.op {
		return "", false, keyConflict(r.key, "用于 "+prev.Op, "it was used for "+prev.Op)
	}
	if name, differs := firstDifference(prev.Fields, r.fields); differs {
		return "", false, keyConflict(r.key, name+" 不同", fmt.Sprintf("%s differs", name))
	}
	r.replayed = true
	return prev.Result, true, nil
}

// keyConflict is the error of a key reused for another request.
func keyConflict(key, zh, en string) error {
	return &appliance.Error{Code: appliance.ECONFLICT, Field: "key", Message: fmt.Sprintf(
		"幂等键 %s 已用于另一次请求（%s） / idempotency key %q was used for another request (%s)", key, zh, key, en)}
}

// firstDifference returns the first argument, in name order, that one
// request has and the other has not, or has with another value.
func firstDifference(a, b map[string]string) (string, bool) {
	names := slices.Sorted(maps.Keys(a))
	for n := range b {
		if _, ok := a[n]; !ok {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	for _, n := range names {
		if a[n] != b[n] {
			return n, true
		}
	}
	return "", false
}

// Remember stores r with its result (what the work made) by actor in the
// transaction that made it, so that the two commit together or not at
// all. A nil r does nothing.
func (tx *Txn) Remember(r *Request, actor, result string) error {
	if r == nil {
		return nil
	}
	return requests.put(tx, &requestRecord{Key: r.key, Op: r.op, Actor: actor, Fields: r.fields, Result: result, Time: tx.now()})
}

// SweepRequests forgets up to limit requests made before before, oldest
// first, and returns how many it forgot; a retry of one of them is then a
// new request. The scheduler calls it with the configured retention,
// a batch per transaction, until it returns less than limit.
func (tx *Txn) SweepRequests(before time.Time, limit int) (int, error) {
	prefix := []byte("x/" + idxRequestTime + "/")
	stop := append(append([]byte(nil), prefix...), before.UTC().Format(dueFormat)...)
	keys, err := tx.scanIDsBefore(prefix, stop, limit)
	if err != nil {
		return 0, err
	}
	for _, k := range keys {
		if err := requests.delete(tx, k); err != nil {
			return 0, fmt.Errorf("store: forget request %q: %w", k, err)
		}
	}
	return len(keys), nil
}
