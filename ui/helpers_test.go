package ui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/demo"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
	"shouhou/conf"
)

// testRig is a real Server on a real store with the demo data, served on
// 127.0.0.1:0.
type testRig struct {
	srv  *Server
	http *httptest.Server
	bus  *appliance.Bus
	url  string   // ws://127.0.0.1:PORT/ws
	keys sync.Map // cookie ("name=value") -> the device key its login gave
}

// MustRig starts a server; change adjusts its options first.
func MustRig(tb testing.TB, change func(*Options)) *testRig {
	tb.Helper()
	cfg, err := conf.Load("")
	if err != nil {
		tb.Fatalf("conf.Load: %v", err)
	}
	now := func() time.Time { return time.Now().In(cfg.Store.Location) }
	db, err := store.Open(tb.TempDir(), store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: now})
	if err != nil {
		tb.Fatalf("store.Open: %v", err)
	}
	bus := appliance.NewBus(now)
	cs := cards.New(db, cards.Options{Policy: func() *policy.Tables { return cfg.Policy }, Bus: bus, Now: now})
	if _, err := demo.Load(context.Background(), db, demo.Options{Rules: TicketRules(cfg), Now: now()}); err != nil {
		tb.Fatalf("demo.Load: %v", err)
	}
	o := Options{Store: db, Cards: cs, Bus: bus, Config: func() *conf.Snapshot { return cfg },
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test", RatePerSecond: 1000, RateBurst: 1000}
	if change != nil {
		change(&o)
	}
	s := NewServer(o)
	hs := httptest.NewServer(s)
	tb.Cleanup(func() {
		hs.Close()
		s.Close()
		cs.Close()
		db.Close()
	})
	return &testRig{srv: s, http: hs, bus: bus, url: "ws" + strings.TrimPrefix(hs.URL, "http") + "/ws"}
}

// client is a gorilla websocket client speaking the protocol.
type client struct {
	tb     testing.TB
	ws     *websocket.Conn
	seq    atomic.Int64
	frames chan map[string]json.RawMessage
	closed chan error
}

// dial opens /ws?desk=desk with an optional cookie, and the device key of
// that cookie's login (as the page sends it).
func (r *testRig) dial(tb testing.TB, desk, cookie string) *client {
	tb.Helper()
	return r.dialURL(tb, r.url+"?"+r.query(desk, cookie), cookie)
}

// query is /ws's query for desk and the device key of cookie's login.
func (r *testRig) query(desk, cookie string) string {
	q := url.Values{}
	if desk != "" {
		q.Set("desk", desk)
	}
	if k, ok := r.keys.Load(cookie); ok {
		q.Set("key", k.(string))
	}
	return q.Encode()
}

// dialURL opens the websocket u with an optional cookie.
func (r *testRig) dialURL(tb testing.TB, u, cookie string) *client {
	tb.Helper()
	h := http.Header{}
	if cookie != "" {
		h.Set("Cookie", cookie)
	}
	ws, resp, err := websocket.DefaultDialer.Dial(u, h)
	if err != nil {
		tb.Fatalf("dial %s: %v (%v)", u, err, resp)
	}
	c := &client{tb: tb, ws: ws, frames: make(chan map[string]json.RawMessage, 256), closed: make(chan error, 1)}
	go c.read()
	tb.Cleanup(func() { ws.Close() })
	return c
}

func (c *client) read() {
	for {
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			c.closed <- err
			close(c.frames)
			return
		}
		var f map[string]json.RawMessage
		if json.Unmarshal(b, &f) == nil {
			c.frames <- f
		}
	}
}

// reply is a decoded reply frame.
type reply struct {
	ID     string          `json:"id"`
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  *WireError      `json:"error"`
}

// call sends op and waits for its reply, skipping events.
func (c *client) call(op string, args any) reply {
	c.tb.Helper()
	id := fmt.Sprint(c.seq.Add(1))
	raw, _ := json.Marshal(args)
	if err := c.ws.WriteJSON(Request{ID: id, Op: op, Args: raw}); err != nil {
		c.tb.Fatalf("%s: write: %v", op, err)
	}
	return c.replyTo(id)
}

func (c *client) replyTo(id string) reply {
	c.tb.Helper()
	deadline := time.After(30 * time.Second)
	for {
		select {
		case f, ok := <-c.frames:
			if !ok {
				c.tb.Fatalf("connection closed waiting for reply %s", id)
			}
			if _, ev := f["event"]; ev {
				continue
			}
			var r reply
			b, _ := json.Marshal(f)
			json.Unmarshal(b, &r)
			if r.ID == id {
				return r
			}
		case <-deadline:
			c.tb.Fatalf("no reply to %s", id)
		}
	}
}

// event waits for an event of kind, skipping other frames.
func (c *client) event(kind string) json.RawMessage {
	c.tb.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case f, ok := <-c.frames:
			if !ok {
				c.tb.Fatalf("connection closed waiting for %s", kind)
			}
			var k string
			json.Unmarshal(f["event"], &k)
			if k == kind {
				return f["data"]
			}
		case <-deadline:
			c.tb.Fatalf("no %s event", kind)
		}
	}
}

// MustLogin logs the client in with pin and returns the session cookie
// the nonce buys.
func (r *testRig) MustLogin(tb testing.TB, c *client, staff, pin string) string {
	tb.Helper()
	rep := c.call("login", map[string]string{"staff": staff, "pin": pin})
	if !rep.OK {
		tb.Fatalf("login %s: %+v", staff, rep.Error)
	}
	var lr loginResult
	json.Unmarshal(rep.Result, &lr)
	resp, err := http.Post(r.http.URL+"/session", "application/json", bytes.NewReader([]byte(`{"nonce":"`+lr.Nonce+`"}`)))
	if err != nil {
		tb.Fatalf("POST /session: %v", err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == cookieName {
			if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode {
				tb.Errorf("session cookie %+v: want HttpOnly and SameSite=Strict", ck)
			}
			cookie := ck.Name + "=" + ck.Value
			r.keys.Store(cookie, lr.Key)
			return cookie
		}
	}
	tb.Fatalf("POST /session = %d, no session cookie", resp.StatusCode)
	return ""
}

// pins are the demo staff's PINs (conf/defaults/staff.toml).
var pins = map[appliance.Role][2]string{
	appliance.RoleClerk: {"clerk", "1111"}, appliance.RoleTechnician: {"tech", "2222"},
	appliance.RoleSupervisor: {"boss", "3333"}, appliance.RoleAdmin: {"admin", "4444"},
}

// asRole returns a client acting as role: logged in for staff, a customer
// whose card lies on desk1's reader, or nobody.
func (r *testRig) asRole(tb testing.TB, role appliance.Role) *client {
	tb.Helper()
	switch role {
	case roleNone:
		return r.dial(tb, "", "")
	case appliance.RoleCustomer:
		c := r.dial(tb, "desk1", "")
		c.call("whoami", nil) // registered before the swipe
		if res, err := r.srv.CardSwipe(context.Background(), "desk1", "04DE3001", time.Time{}); err != nil || res != SwipeCustomer {
			tb.Fatalf("CardSwipe = %v, %v", res, err)
		}
		c.event(EventCardPresented)
		return c
	default:
		c := r.dial(tb, "", "")
		r.MustLogin(tb, c, pins[role][0], pins[role][1])
		return c
	}
}
