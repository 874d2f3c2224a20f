package ui

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"sort"
	"sync"
	"time"

	"shouhou/appliance"
)

// cookieName is the session cookie: HttpOnly, SameSite=Strict.
const cookieName = "shouhou_session"

// session is one logged-in member of staff in one browser.
type session struct {
	token   string // the cookie's value
	key     string // the device key the page keeps (localStorage) and sends on /ws: the cookie alone is not enough
	id      string // the public name an admin revokes it by (never the token)
	actor   appliance.Actor
	name    string    // the staff member's name, for the screen
	desk    string    // where the login happened ("" for a LAN browser)
	remote  string    // the address the login came from
	agent   string    // the browser's User-Agent at login
	created time.Time // when the login happened

	mu       sync.Mutex // guards lastSeen
	lastSeen time.Time
}

// touch records activity at now.
func (s *session) touch(now time.Time) {
	s.mu.Lock()
	s.lastSeen = now
	s.mu.Unlock()
}

// idle returns how long the session has been unused at now.
func (s *session) idle(now time.Time) time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return now.Sub(s.lastSeen)
}

// sessions are the logged-in staff and the one-time nonces that turn a
// websocket login into a cookie.
type sessions struct {
	idle time.Duration
	now  func() time.Time

	mu     sync.Mutex          // guards byTok and nonces
	byTok  map[string]*session // by cookie token
	nonces map[string]nonce    // by nonce
}

// nonce lets one POST /session set the cookie of a session.
type nonce struct {
	token   string
	expires time.Time
}

func newSessions(idle time.Duration, now func() time.Time) *sessions {
	return &sessions{idle: idle, now: now, byTok: map[string]*session{}, nonces: map[string]nonce{}}
}

// randomHex returns n random bytes in hex.
func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("ui: crypto/rand: %v", err)) // the kernel's RNG does not fail
	}
	return hex.EncodeToString(b)
}

// keyMatches reports whether key is the session's device key.
func (s *session) keyMatches(key string) bool {
	return key != "" && subtle.ConstantTimeCompare([]byte(key), []byte(s.key)) == 1
}

// where is the terminal a session was made on.
type where struct {
	desk   string // the kiosk's desk, "" for a LAN browser
	remote string // the client's address
	agent  string // the browser's User-Agent
}

// create starts a session and returns it with a nonce for POST /session.
func (ss *sessions) create(actor appliance.Actor, name string, at where) (*session, string) {
	now := ss.now()
	s := &session{token: randomHex(32), key: randomHex(16), id: randomHex(6), actor: actor, name: name,
		desk: at.desk, remote: at.remote, agent: at.agent, created: now, lastSeen: now}
	n := randomHex(16)
	ss.mu.Lock()
	ss.byTok[s.token] = s
	ss.nonces[n] = nonce{token: s.token, expires: now.Add(time.Minute)}
	ss.mu.Unlock()
	return s, n
}

// nonceFor issues another nonce for an existing session.
func (ss *sessions) nonceFor(s *session) string {
	n := randomHex(16)
	ss.mu.Lock()
	ss.nonces[n] = nonce{token: s.token, expires: ss.now().Add(time.Minute)}
	ss.mu.Unlock()
	return n
}

// redeem turns a nonce into its session token, once.
func (ss *sessions) redeem(n string) (string, bool) {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	v, ok := ss.nonces[n]
	delete(ss.nonces, n)
	if !ok || ss.now().After(v.expires) {
		return "", false
	}
	if _, live := ss.byTok[v.token]; !live {
		return "", false
	}
	return v.token, true
}

// get returns the live session of a token; an idle one is ended.
func (ss *sessions) get(token string) *session {
	if token == "" {
		return nil
	}
	ss.mu.Lock()
	defer ss.mu.Unlock()
	s := ss.byTok[token]
	if s != nil && s.idle(ss.now()) > ss.idle {
		delete(ss.byTok, token)
		return nil
	}
	return s
}

// byID returns the live session an admin names by its public id.
func (ss *sessions) byID(id string) *session {
	ss.mu.Lock()
	defer ss.mu.Unlock()
	for _, s := range ss.byTok {
		if s.id == id {
			return s
		}
	}
	return nil
}

// list returns the live sessions, oldest login first.
func (ss *sessions) list() []*session {
	now := ss.now()
	ss.mu.Lock()
	out := make([]*session, 0, len(ss.byTok))
	for _, s := range ss.byTok {
		if s.idle(now) <= ss.idle {
			out = append(out, s)
		}
	}
	ss.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].created.Before(out[j].created) })
	return out
}

// end removes a session.
func (ss *sessions) end(token string) {
	ss.mu.Lock()
	delete(ss.byTok, token)
	ss.mu.Unlock()
}

// expired removes and returns the sessions idle for too long, and drops
// stale nonces.
func (ss *sessions) expired() []*session {
	now := ss.now()
	ss.mu.Lock()
	defer ss.mu.Unlock()
	var out []*session
	for tok, s := range ss.byTok {
		if s.idle(now) > ss.idle {
			delete(ss.byTok, tok)
			out = append(out, s)
		}
	}
	for n, v := range ss.nonces {
		if now.After(v.expires) {
			delete(ss.nonces, n)
		}
	}
	return out
}

// limiter counts failed PIN attempts per key (a desk, a person) and locks
// the key out after too many within the window.
type limiter struct {
	max     int
	window  time.Duration
	lockout time.Duration
	now     func() time.Time

	mu    sync.Mutex // guards fails and until
	fails map[string][]time.Time
	until map[string]time.Time
}

func newLimiter(max int, window, lockout time.Duration, now func() time.Time) *limiter {
	return &limiter{max: max, window: window, lockout: lockout, now: now,
		fails: map[string][]time.Time{}, until: map[string]time.Time{}}
}

// locked returns how much longer key is locked out (0 for not locked).
func (l *limiter) locked(key string) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if u, ok := l.until[key]; ok {
		if left := u.Sub(l.now()); left > 0 {
			return left
		}
		delete(l.until, key)
	}
	return 0
}

// fail records a failed attempt for key and locks it out at the limit.
func (l *limiter) fail(key string) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	recent := l.fails[key][:0]
	for _, t := range l.fails[key] {
		if now.Sub(t) < l.window {
			recent = append(recent, t)
		}
	}
	recent = append(recent, now)
	if len(recent) >= l.max {
		l.until[key] = now.Add(l.lockout)
		recent = nil
	}
	l.fails[key] = recent
}

// reset forgets key's failures after a good attempt.
func (l *limiter) reset(key string) {
	l.mu.Lock()
	delete(l.fails, key)
	l.mu.Unlock()
}

// lockedError is the message shown while a desk or person is locked out.
func lockedError(left time.Duration) *WireError {
	min := int(left.Minutes()) + 1
	return &WireError{Code: CodeRateLimited, Message: fmt.Sprintf(
		"PIN 错误次数过多，请 %d 分钟后再试 / too many wrong PINs: try again in %d minutes", min, min)}
}
