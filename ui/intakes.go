package ui

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"shouhou/appliance"
)

// intakeKeyTTL is how long an intake's idempotency key is remembered: a
// desk retries after a lost connection within seconds, a reload within
// minutes.
const intakeKeyTTL = 24 * time.Hour

// intakeKeys makes ticket.intake idempotent on the screen's key: a retry
// with the key of an intake that succeeded gets the first ticket instead
// of a second one. The keys live in memory (the ticket workflow has no
// idempotency record of its own), so a retry across a server restart is
// not recognised.
type intakeKeys struct {
	now func() time.Time

	mu    sync.Mutex             // guards byKey
	byKey map[string]*intakeSlot // by actor ID + key
}

// intakeSlot is one key's intake: under way until done is closed, then
// number is the ticket it made ("" when it failed and the slot is gone).
type intakeSlot struct {
	sum    [32]byte // the request's arguments, to refuse a key reused for another
	done   chan struct{}
	number string
	at     time.Time
}

func newIntakeKeys(now func() time.Time) *intakeKeys {
	return &intakeKeys{now: now, byKey: map[string]*intakeSlot{}}
}

// begin claims key for a request whose arguments hash to sum. It returns
// the slot to finish when the caller is the first (number ""), or the
// first intake's ticket number once it has succeeded. A key used for other
// arguments is an ECONFLICT error; a caller waiting on an intake under way
// that fails claims the key itself.
func (k *intakeKeys) begin(ctx context.Context, key string, sum [32]byte) (slot *intakeSlot, number string, err error) {
	for {
		k.mu.Lock()
		k.expireLocked()
		s, ok := k.byKey[key]
		if !ok {
			s = &intakeSlot{sum: sum, done: make(chan struct{}), at: k.now()}
			k.byKey[key] = s
			k.mu.Unlock()
			return s, "", nil
		}
		k.mu.Unlock()
		if s.sum != sum {
			return nil, "", appliance.FieldError("key", "该幂等键已用于另一次受理 / the key was used for another intake")
		}
		select {
		case <-s.done:
			if s.number != "" {
				return nil, s.number, nil
			}
		case <-ctx.Done():
			return nil, "", ctx.Err()
		}
	}
}

// finish records the outcome of the slot's intake: the ticket number, or
// "" for a failed intake whose key may be used again.
func (k *intakeKeys) finish(key string, s *intakeSlot, number string) {
	k.mu.Lock()
	s.number = number
	if number == "" && k.byKey[key] == s {
		delete(k.byKey, key)
	}
	k.mu.Unlock()
	close(s.done)
}

// expireLocked forgets keys older than intakeKeyTTL.
func (k *intakeKeys) expireLocked() {
	cutoff := k.now().Add(-intakeKeyTTL)
	for key, s := range k.byKey {
		if s.at.Before(cutoff) {
			select {
			case <-s.done:
				delete(k.byKey, key)
			default: // still under way
			}
		}
	}
}

// intakeSum hashes an intake's arguments.
func intakeSum(raw []byte) [32]byte { return sha256.Sum256(raw) }
