package ui

import (
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"shouhou/appliance"
	"shouhou/conf"
)

// Websocket timings.
const (
	writeWait  = 10 * time.Second
	pongWait   = 60 * time.Second
	pingPeriod = 25 * time.Second
	replyQueue = 64 // replies waiting for the writer; a client that lets it fill is dropped
	eventQueue = 64 // events waiting for the writer; beyond, the bus reports events.lost
)

// conn is one websocket: one browser tab.
type conn struct {
	srv    *Server
	ws     *websocket.Conn
	desk   string // the kiosk's desk ("" for a LAN browser)
	remote string // the client's address, for PIN limits off a desk
	agent  string // the browser's User-Agent, shown in the session list
	sub    *appliance.Subscription
	out    chan []byte // replies and server notices, drained by the writer; nil asks it to close
	quit   chan struct{}
	once   sync.Once

	mu       sync.Mutex // guards the fields below
	sess     *session
	customer *appliance.Actor // the customer whose card lies on the desk's reader, without staff
	filter   []string         // event kind prefixes asked for; nil for all
	tokens   float64          // rate limit bucket
	last     time.Time
	closeMsg []byte // the close frame the writer sends at a nil in out (closeWith)
}

// upgrader checks Origin itself (checkOrigin) and sizes buffers small.
func (s *Server) upgrader() *websocket.Upgrader {
	return &websocket.Upgrader{ReadBufferSize: 4096, WriteBufferSize: 4096, CheckOrigin: s.sameOrigin}
}

// sameOrigin accepts a request whose Origin names the host the page came
// from or a configured host (cross-site websocket hijacking: a page on
// another site must not use the desk's cookie). No Origin (not a browser)
// is accepted: it cannot carry a browser's cookie on its own.
func (s *Server) sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	host := u.Hostname()
	for _, h := range s.opts.AllowedHosts {
		if strings.EqualFold(h, u.Host) || strings.EqualFold(h, host) {
			return true
		}
	}
	return false
}

// serveWS upgrades /ws?desk=ID to a websocket.
func (s *Server) serveWS(w http.ResponseWriter, r *http.Request) {
	if !s.sameOrigin(r) {
		http.Error(w, "跨站请求被拒绝 / cross-origin websocket refused", http.StatusForbidden)
		return
	}
	desk := r.URL.Query().Get("desk")
	if desk != "" {
		if err := knownDesk(s.config(), desk); err != nil {
			http.Error(w, err.Message, http.StatusBadRequest)
			return
		}
	}
	ws, err := s.upgrader().Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader answered
	}
	c := &conn{srv: s, ws: ws, desk: desk, remote: remoteKey(r.RemoteAddr), agent: r.UserAgent(), sub: s.opts.Bus.Subscribe(eventQueue),
		out: make(chan []byte, replyQueue), quit: make(chan struct{}),
		tokens: s.opts.RateBurst, last: s.opts.Now()}
	c.sess = s.deviceSession(r)
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		ws.Close()
		c.sub.Close()
		return
	}
	s.conns[c] = struct{}{}
	s.mu.Unlock()
	go c.writer()
	c.reader()
}

// knownDesk refuses a desk id that devices.toml does not have, naming
// the desks it has.
func knownDesk(cfg *conf.Snapshot, desk string) *appliance.Error {
	if _, ok := cfg.Desk(desk); ok {
		return nil
	}
	known := make([]appliance.Known, 0, len(cfg.Devices.Desks))
	for _, d := range cfg.Devices.Desks {
		known = append(known, appliance.Known{ID: d.ID, Name: d.Name})
	}
	return appliance.UnknownError("desk", "服务台", "desk", desk, known)
}

// close ends the connection once.
func (c *conn) close() {
	c.once.Do(func() {
		close(c.quit)
		c.sub.Close()
		c.ws.Close()
		c.srv.mu.Lock()
		delete(c.srv.conns, c)
		c.srv.mu.Unlock()
	})
}

// reader reads requests until the connection ends. A frame over the size
// limit ends the connection (close 1009), and so does a text frame that
// is not UTF-8 (close 1007, RFC 6455 §8.1, after a bad_request reply); a
// malformed one gets an error reply and the connection stays.
func (c *conn) reader() {
	defer c.close()
	c.ws.SetReadLimit(c.srv.opts.MaxMessage)
	c.ws.SetReadDeadline(time.Now().Add(pongWait))
	c.ws.SetPongHandler(func(string) error { return c.ws.SetReadDeadline(time.Now().Add(pongWait)) })
	for {
		kind, msg, err := c.ws.ReadMessage()
		if err != nil {
			return
		}
		c.ws.SetReadDeadline(time.Now().Add(pongWait))
		rep, fatal := c.answer(kind, msg)
		c.reply(rep)
		if fatal {
			c.closeInvalidUTF8()
			return
		}
	}
}

// answer is the reply to one frame; fatal says the connection must close
// after it (a text frame that is not UTF-8). A frame that is not a
// request, whose objects repeat a key (in any case), or whose top level
// has a key beside id, op and args, is a bad_request.
func (c *conn) answer(kind int, msg []byte) (rep Reply, fatal bool) {
	if kind == websocket.TextMessage && !utf8.Valid(msg) {
		return Reply{Error: errBadRequest("文本帧不是有效的 UTF-8 / the text frame is not valid UTF-8")}, true
	}
	var req Request
	if err := json.Unmarshal(msg, &req); err != nil {
		return Reply{Error: errBadRequest("消息不是有效的 JSON 请求 / the message is not a JSON request")}, false
	}
	if we := checkStrict(msg); we != nil {
		return Reply{ID: req.ID, Error: we}, false
	}
	if we := checkFrameKeys(msg); we != nil {
		return Reply{ID: req.ID, Error: we}, false
	}
	if !c.allow() {
		return Reply{ID: req.ID, Error: &WireError{Code: CodeRateLimited, Message: "请求过于频繁 / too many requests: slow down"}}, false
	}
	return c.srv.handle(c, req), false
}

// closeInvalidUTF8 closes the connection after a text frame that is not
// UTF-8 (RFC 6455 §8.1): the close frame 1007 goes out once the writer
// has sent what was queued before it, the bad_request reply included.
func (c *conn) closeInvalidUTF8() {
	select {
	case c.out <- c.closeWith(websocket.CloseInvalidFramePayloadData, "invalid UTF-8"):
	case <-c.quit:
		return
	}
	select {
	case <-c.quit: // the writer sent the close frame and ended
	case <-time.After(writeWait):
	}
}

// allow takes a token from the connection's bucket.
func (c *conn) allow() bool {
	now := c.srv.opts.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tokens += now.Sub(c.last).Seconds() * c.srv.opts.RatePerSecond
	c.last = now
	if c.tokens > c.srv.opts.RateBurst {
		c.tokens = c.srv.opts.RateBurst
	}
	if c.tokens < 1 {
		return false
	}
	c.tokens--
	return true
}

// reply queues a reply; a client that does not read its replies is dropped
// rather than allowed to hold anything up.
func (c *conn) reply(r Reply) {
	r.OK = r.Error == nil
	if !r.OK {
		r.Result = nil
	}
	c.send(r)
}

// send queues one frame for the writer.
func (c *conn) send(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		c.srv.opts.Logger.Error("ui: encode frame", "err", err)
		b, _ = json.Marshal(Reply{Error: wireError(err)})
	}
	select {
	case c.out <- b:
	case <-c.quit:
	default:
		c.srv.opts.Logger.Warn("ui: client does not read its replies; dropped", "desk", c.desk)
		go c.close()
	}
}

// writer sends replies and events, and pings, until the connection ends.
func (c *conn) writer() {
	ping := time.NewTicker(pingPeriod)
	defer ping.Stop()
	defer c.close()
	for {
		var frame []byte
		select {
		case <-c.quit:
			return
		case frame = <-c.out:
			if frame == nil { // closeAfterQueued: the close frame it chose
				c.ws.WriteControl(websocket.CloseMessage, c.closeMessage(), time.Now().Add(writeWait))
				return
			}
		case ev, ok := <-c.sub.C():
			if !ok {
				return
			}
			if frame = c.eventFrame(ev); frame == nil {
				continue
			}
		case <-ping.C:
			c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.ws.WriteMessage(websocket.PingMessage, nil); err != nil {
				return
			}
			continue
		}
		c.ws.SetWriteDeadline(time.Now().Add(writeWait))
		if err := c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
			return
		}
	}
}

// actor returns who the connection acts for: the staff session, else the
// customer whose card is on the desk's reader, else nobody.
func (c *conn) actor() (appliance.Actor, *session) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sess != nil {
		if live := c.srv.sessions.get(c.sess.token); live != nil {
			return live.actor, live
		}
		c.sess = nil
	}
	if c.customer != nil {
		return *c.customer, nil
	}
	return appliance.Actor{}, nil
}

// setSession binds (or with nil unbinds) a staff session.
func (c *conn) setSession(s *session) {
	c.mu.Lock()
	c.sess = s
	if s != nil {
		c.customer = nil
	}
	c.mu.Unlock()
}

// each calls fn for every open connection, at desk when desk != "".
func (s *Server) each(desk string, fn func(*conn)) {
	s.mu.Lock()
	cs := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		if desk == "" || c.desk == desk {
			cs = append(cs, c)
		}
	}
	s.mu.Unlock()
	for _, c := range cs {
		fn(c)
	}
}

// sessionEnded tells the connections of a session that it ended.
func (s *Server) sessionEnded(token, why string) {
	s.each("", func(c *conn) {
		c.mu.Lock()
		mine := c.sess != nil && c.sess.token == token
		if mine {
			c.sess = nil
		}
		c.mu.Unlock()
		if mine {
			c.send(EventFrame{Event: "session.ended", Data: map[string]string{"reason": why}})
		}
	})
}

// remoteKey is the rate-limit key of a connection without a desk.
func remoteKey(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return host
}
