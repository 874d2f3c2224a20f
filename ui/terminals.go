package ui

import (
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// deviceSession returns the live session of a request's cookie when the
// request also carries that session's device key (?key=, which the page
// keeps in localStorage), else nil: a cookie copied off its browser
// alone logs nobody in.
func (s *Server) deviceSession(r *http.Request) *session {
	ck, err := r.Cookie(cookieName)
	if err != nil {
		return nil
	}
	sess := s.sessions.get(ck.Value)
	if sess == nil {
		return nil
	}
	if !sess.keyMatches(r.URL.Query().Get("key")) {
		s.opts.Logger.Warn("ui: a session cookie came without its device key; refused", "staff", sess.actor.ID,
			"remote", remoteKey(r.RemoteAddr), "session_remote", sess.remote)
		return nil
	}
	return sess
}

// terminal is one live session as the admin's list shows it.
type terminal struct {
	ID          string          `json:"id"`
	Actor       appliance.Actor `json:"actor"`
	Name        string          `json:"name"`
	Desk        string          `json:"desk,omitempty"`
	Remote      string          `json:"remote"`
	Agent       string          `json:"agent,omitempty"`
	Created     time.Time       `json:"created"`
	LastSeen    time.Time       `json:"last_seen"`
	Connections int             `json:"connections"`
	Current     bool            `json:"current"`
}

// opSessionList lists every live session: who, where, since when, and
// how many open screens it has.
func opSessionList(c *call, _ *none) (any, error) {
	open := map[*session]int{}
	c.srv.each("", func(cn *conn) {
		cn.mu.Lock()
		if cn.sess != nil {
			open[cn.sess]++
		}
		cn.mu.Unlock()
	})
	out := []terminal{}
	for _, s := range c.srv.sessions.list() {
		s.mu.Lock()
		seen := s.lastSeen
		s.mu.Unlock()
		out = append(out, terminal{ID: s.id, Actor: s.actor, Name: s.name, Desk: s.desk, Remote: s.remote, Agent: s.agent,
			Created: s.created, LastSeen: seen, Connections: open[s], Current: s == c.sess})
	}
	return map[string]any{"sessions": out}, nil
}

type revokeArgs struct {
	// ID is the session's id from session.list.
	ID string `json:"id"`
}

// opSessionRevoke logs a terminal out: its session ends, its screens are
// told (session.ended, reason "revoked") and their connections closed, so
// they reconnect to the login; the revocation is audited.
func opSessionRevoke(c *call, a *revokeArgs) (any, error) {
	if a.ID == "" {
		return nil, appliance.FieldError("id", "请选择终端 / choose the terminal to log out")
	}
	s := c.srv.sessions.byID(a.ID)
	if s == nil {
		return nil, appliance.Errorf(appliance.ENOTFOUND, "没有这个登录 / no live session %q", a.ID)
	}
	before := map[string]any{"staff": s.actor.ID, "desk": s.desk, "remote": s.remote, "created": s.created}
	if err := c.srv.opts.Store.Update(func(tx *store.Txn) error {
		return tx.AuditBy(c.actor, "session.revoke", "session/"+s.id, "", before, nil)
	}); err != nil {
		return nil, err
	}
	c.srv.sessions.end(s.token)
	c.srv.revoked(s.token)
	return map[string]any{"revoked": a.ID, "staff": s.actor.ID}, nil
}

// revoked tells the screens of a revoked session so (session.ended,
// reason "revoked") and then closes their connections.
func (s *Server) revoked(token string) {
	s.each("", func(c *conn) {
		c.mu.Lock()
		mine := c.sess != nil && c.sess.token == token
		if mine {
			c.sess = nil
		}
		c.mu.Unlock()
		if mine {
			c.send(EventFrame{Event: "session.ended", Data: map[string]string{"reason": "revoked"}})
			c.closeAfterQueued()
		}
	})
}

// closeRevoked is the websocket close code of a revoked session.
const closeRevoked = 4001

// closeAfterQueued asks the writer to close the connection once what is
// queued before has been sent.
func (c *conn) closeAfterQueued() {
	select {
	case c.out <- c.closeWith(closeRevoked, "session revoked"):
	case <-c.quit:
	default:
		go c.close()
	}
}

// closeWith records the close frame the writer sends when it reaches the
// nil that closeWith returns for the out queue (the first one chosen wins).
func (c *conn) closeWith(code int, text string) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closeMsg == nil {
		c.closeMsg = websocket.FormatCloseMessage(code, text)
	}
	return nil
}

// closeMessage is the close frame closeWith chose (a normal close if none).
func (c *conn) closeMessage() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closeMsg == nil {
		return websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
	}
	return c.closeMsg
}
