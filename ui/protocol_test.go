package ui

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"shouhou/appliance"
)

// refusedForRole reports whether a reply is the role check's refusal (not
// a domain refusal of the arguments).
func refusedForRole(r reply) bool {
	if r.OK || r.Error == nil {
		return false
	}
	return r.Error.Code == CodeForbidden || (r.Error.Code == "unauthorized" && strings.HasPrefix(r.Error.Message, "请先登录"))
}

func TestAuthorizationMatrix(t *testing.T) {
	rig := MustRig(t, nil)
	table := OpRoles()
	ops := make([]string, 0, len(table))
	for op := range table {
		ops = append(ops, op)
	}
	sort.Slice(ops, func(i, j int) bool { // logout last: it ends the session
		if (ops[i] == "logout") != (ops[j] == "logout") {
			return ops[j] == "logout"
		}
		return ops[i] < ops[j]
	})
	for _, role := range Roles {
		name := string(role)
		if name == "" {
			name = "anonymous"
		}
		t.Run(name, func(t *testing.T) {
			c := rig.asRole(t, role)
			for _, op := range ops {
				allowed := slices.Contains(table[op], role)
				r := c.call(op, map[string]any{})
				if refusedForRole(r) == allowed {
					t.Errorf("%s as %s = %+v, want allowed=%v", op, name, r.Error, allowed)
				}
			}
		})
	}
}

func TestOpTableCoversDocs(t *testing.T) {
	// Every op has at least one role, and only the login family and the
	// idle kiosk's lookup and hours (rate-limited, nothing personal) are
	// open to a screen nobody is logged in on.
	open := []string{"login", "logout", "whoami", "subscribe", "ticket.status", "desk.today"}
	for op, rs := range OpRoles() {
		if len(rs) == 0 {
			t.Errorf("op %s: no role may call it", op)
		}
		if slices.Contains(rs, roleNone) != slices.Contains(open, op) {
			t.Errorf("op %s: anonymous allowed = %v", op, slices.Contains(rs, roleNone))
		}
	}
}

func TestOriginChecked(t *testing.T) {
	rig := MustRig(t, func(o *Options) { o.AllowedHosts = []string{"desk.local"} })
	host := strings.TrimPrefix(rig.http.URL, "http://")
	tests := []struct {
		name, origin string
		want         int
	}{
		{"same origin", "http://" + host, http.StatusSwitchingProtocols},
		{"configured host", "http://desk.local:8080", http.StatusSwitchingProtocols},
		{"no origin (not a browser)", "", http.StatusSwitchingProtocols},
		{"another site", "http://evil.example", http.StatusForbidden},
		{"same name other port", "http://127.0.0.1:1", http.StatusForbidden},
		{"garbage", "::", http.StatusForbidden},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			if tc.origin != "" {
				h.Set("Origin", tc.origin)
			}
			ws, resp, err := websocket.DefaultDialer.Dial(rig.url, h)
			if ws != nil {
				ws.Close()
			}
			if resp == nil {
				t.Fatalf("Dial(%q): %v", tc.origin, err)
			}
			if resp.StatusCode != tc.want {
				t.Errorf("Dial(Origin %q) = %d, want %d", tc.origin, resp.StatusCode, tc.want)
			}
		})
	}
}

func TestMalformedFrameKeepsConnection(t *testing.T) {
	rig := MustRig(t, nil)
	c := rig.dial(t, "", "")
	for _, frame := range []string{"not json", `{"id":`, `[1,2]`, `{"id":"x","op":"whoami","args":"nope"}`} {
		if err := c.ws.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
			t.Fatal(err)
		}
	}
	var got []string
	for len(got) < 4 {
		f := <-c.frames
		var r reply
		b, _ := json.Marshal(f)
		json.Unmarshal(b, &r)
		if r.OK || r.Error == nil {
			t.Fatalf("malformed frame answered %s", b)
		}
		got = append(got, r.Error.Code)
	}
	want := []string{CodeBadRequest, CodeBadRequest, CodeBadRequest, "invalid"}
	if !slices.Equal(got, want) {
		t.Errorf("error codes = %v, want %v", got, want)
	}
	if r := c.call("nope.op", nil); r.Error == nil || r.Error.Code != CodeUnknownOp {
		t.Errorf("unknown op = %+v", r)
	}
	if r := c.call("whoami", nil); !r.OK {
		t.Errorf("whoami after malformed frames = %+v, want the connection to stay", r.Error)
	}
}

func TestOversizedFrameClosesConnection(t *testing.T) {
	rig := MustRig(t, func(o *Options) { o.MaxMessage = 1024 })
	c := rig.dial(t, "", "")
	big := `{"id":"1","op":"whoami","args":{"pad":"` + strings.Repeat("x", 2048) + `"}}`
	c.ws.WriteMessage(websocket.TextMessage, []byte(big))
	err := <-c.closed
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseMessageTooBig {
		t.Errorf("after an oversized frame: %v, want close %d", err, websocket.CloseMessageTooBig)
	}
	// Another connection is unaffected.
	if r := rig.dial(t, "", "").call("whoami", nil); !r.OK {
		t.Errorf("neighbour's whoami = %+v", r.Error)
	}
}

func TestRateLimitPerConnection(t *testing.T) {
	rig := MustRig(t, func(o *Options) { o.RatePerSecond, o.RateBurst = 0.001, 3 })
	c := rig.dial(t, "", "")
	var codes []string
	for range 5 {
		r := c.call("whoami", nil)
		code := "ok"
		if r.Error != nil {
			code = r.Error.Code
		}
		codes = append(codes, code)
	}
	want := []string{"ok", "ok", "ok", CodeRateLimited, CodeRateLimited}
	if !slices.Equal(codes, want) {
		t.Errorf("5 quick requests = %v, want %v", codes, want)
	}
	if r := rig.dial(t, "", "").call("whoami", nil); !r.OK {
		t.Errorf("another connection limited too: %+v", r.Error)
	}
}

func TestPINLockout(t *testing.T) {
	t.Run("per desk", func(t *testing.T) {
		rig := MustRig(t, nil)
		c := rig.dial(t, "desk1", "")
		for i := range 5 {
			if r := c.call("login", map[string]string{"pin": "9999"}); r.Error == nil || r.Error.Code != "unauthorized" {
				t.Fatalf("wrong PIN %d = %+v", i, r)
			}
		}
		r := c.call("login", map[string]string{"pin": "1111"})
		if r.Error == nil || r.Error.Code != CodeRateLimited || !strings.Contains(r.Error.Message, "分钟") {
			t.Fatalf("right PIN at a locked desk = %+v, want a lockout message", r)
		}
		// Off the desk (a LAN browser) the same person may still log in.
		rig.MustLogin(t, rig.dial(t, "", ""), "clerk", "1111")
	})
	t.Run("per person", func(t *testing.T) {
		rig := MustRig(t, nil)
		desk, lan := rig.dial(t, "desk1", ""), rig.dial(t, "", "")
		for i := range 5 {
			c := desk
			if i%2 == 1 {
				c = lan
			}
			c.call("login", map[string]string{"staff": "tech", "pin": "0000"})
		}
		if r := lan.call("login", map[string]string{"staff": "tech", "pin": "2222"}); r.Error == nil || r.Error.Code != CodeRateLimited {
			t.Fatalf("tech after 5 wrong PINs = %+v, want locked", r)
		}
		rig.MustLogin(t, desk, "clerk", "1111") // the desk itself is not locked
	})
}

func TestSessionCookieAndLogout(t *testing.T) {
	rig := MustRig(t, nil)
	cookie := rig.MustLogin(t, rig.dial(t, "", ""), "boss", "3333")
	c := rig.dial(t, "", cookie)
	var w whoami
	json.Unmarshal(c.call("whoami", nil).Result, &w)
	if w.Actor.Role != appliance.RoleSupervisor {
		t.Fatalf("whoami with the cookie = %+v", w)
	}
	c.call("logout", nil)
	if r := rig.dial(t, "", cookie).call("card.ledger", map[string]string{"card": "SC-000001"}); !refusedForRole(r) {
		t.Errorf("ledger with a logged-out cookie = %+v, want refused", r)
	}
	// A nonce buys one cookie only.
	resp, _ := http.Post(rig.http.URL+"/session", "application/json", strings.NewReader(`{"nonce":"00"}`))
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST /session with an unknown nonce = %d", resp.StatusCode)
	}
}

func TestSwipeGoesToItsDeskMasked(t *testing.T) {
	rig := MustRig(t, nil)
	kiosk := rig.dial(t, "desk1", "")
	kiosk.call("whoami", nil)
	if res, err := rig.srv.CardSwipe(context.Background(), "desk1", "04DE3002", time.Time{}); err != nil || res != SwipeCustomer {
		t.Fatalf("CardSwipe = %v %v", res, err)
	}
	// First the customer and the card, then the whole panel, both masked.
	var first, p Panel
	json.Unmarshal(kiosk.event(EventCardPresented), &first)
	json.Unmarshal(kiosk.event(EventCardPanel), &p)
	for _, f := range []struct {
		event   string
		p       Panel
		partial bool
		buys    int
	}{{EventCardPresented, first, true, 0}, {EventCardPanel, p, false, 1}} {
		if !f.p.Masked || f.p.Customer.Name != "李*" || f.p.Customer.Phones[0] != "138****0002" || f.p.Customer.Address != "" {
			t.Errorf("%s at a kiosk without staff: customer %+v, want masked", f.event, f.p.Customer)
		}
		if f.p.Card == nil || f.p.Card.BalanceFen != 10000 || f.p.UID != "04DE3002" {
			t.Errorf("%s: card %+v uid %q, want the card with ¥100.00 and the UID", f.event, f.p.Card, f.p.UID)
		}
		if f.p.Partial != f.partial || len(f.p.Purchases) != f.buys {
			t.Errorf("%s: partial %v with %d purchases, want %v with %d", f.event, f.p.Partial, len(f.p.Purchases), f.partial, f.buys)
		}
	}
	// The customer sees their own panel and nothing of the staff's.
	if r := kiosk.call("my.panel", nil); !r.OK {
		t.Errorf("my.panel = %+v", r.Error)
	}
	if r := kiosk.call("tickets.list", nil); !refusedForRole(r) {
		t.Errorf("tickets.list as customer = %+v", r)
	}

	// A lost card is refused and the desk is told.
	if res, err := rig.srv.CardSwipe(context.Background(), "desk1", "04DE3013", time.Time{}); res != SwipeRefused || appliance.ErrorCode(err) != appliance.EUNAUTHORIZED {
		t.Fatalf("lost card swipe = %v %v", res, err)
	}
	var b struct{ Card, Status string }
	json.Unmarshal(kiosk.event("card.blocked"), &b)
	if b.Card != "SC-000019" || b.Status != "lost" {
		t.Errorf("card.blocked = %+v", b)
	}
	if r := kiosk.call("my.panel", nil); !refusedForRole(r) {
		t.Errorf("my.panel after a refused swipe = %+v, want the kiosk to be nobody's", r)
	}
}

// TestCardPanelOnlyToThatCustomer checks that card.panel reaches a kiosk
// nobody is logged in on only while that customer's card.presented holds
// it: not after the card was taken off, not for another customer.
func TestCardPanelOnlyToThatCustomer(t *testing.T) {
	rig := MustRig(t, nil)
	kiosk := rig.dial(t, "desk1", "")
	kiosk.call("whoami", nil)
	wang := &appliance.Customer{ID: "cust-1", Name: "王秀英", Phones: []string{"13800130001"}}
	li := &appliance.Customer{ID: "cust-2", Name: "李娜", Phones: []string{"13800130002"}}
	tests := []struct {
		name    string
		before  []appliance.Event // published first, their frames read
		panelOf *appliance.Customer
		want    bool
	}{
		{"after its card.presented", []appliance.Event{{Kind: EventCardPresented, Data: &Panel{Customer: wang, Partial: true}}}, wang, true},
		{"after the card was taken off", []appliance.Event{{Kind: EventCardRemoved}}, wang, false},
		{"of another customer", []appliance.Event{{Kind: EventCardPresented, Data: &Panel{Customer: wang, Partial: true}}}, li, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, ev := range tt.before {
				rig.bus.Publish(ev.Kind, "desk1", ev.Data)
				kiosk.event(ev.Kind)
			}
			rig.bus.Publish(EventCardPanel, "desk1", &Panel{Customer: tt.panelOf})
			rig.bus.Publish(EventCardRefused, "desk1", map[string]any{"uid": "marker"}) // public: always delivered
			var next string
			f := <-kiosk.frames
			json.Unmarshal(f["event"], &next)
			if got := next == EventCardPanel; got != tt.want {
				t.Fatalf("next event %q, want card.panel delivered %v", next, tt.want)
			}
			if tt.want {
				var p Panel
				json.Unmarshal(f["data"], &p)
				if !p.Masked || p.Customer.Name != "王**" {
					t.Errorf("card.panel = %+v, want masked", p.Customer)
				}
				kiosk.event(EventCardRefused)
			}
		})
	}
}

func TestStaffCardLogsInAtDesk(t *testing.T) {
	rig := MustRig(t, nil)
	kiosk := rig.dial(t, "desk1", "")
	kiosk.call("whoami", nil)
	if res, _ := rig.srv.CardSwipe(context.Background(), "desk1", "04c0ffee000001", time.Time{}); res != SwipeStaff {
		t.Fatalf("staff card = %v", res)
	}
	var lr loginResult
	json.Unmarshal(kiosk.event(EventSessionLogin), &lr)
	if lr.Actor.ID != "boss" || lr.Nonce == "" {
		t.Errorf("session.login = %+v", lr)
	}
	if r := kiosk.call("card.ledger", map[string]string{"card": "SC-000003"}); !r.OK {
		t.Errorf("ledger after staff card login = %+v", r.Error)
	}
}

func TestTopUpIsIdempotentOverTheWire(t *testing.T) {
	rig := MustRig(t, nil)
	c := rig.asRole(t, appliance.RoleClerk)
	args := map[string]any{"key": "k-1", "card": "SC-000001", "amount_fen": 1234}
	first, second := c.call("card.topup", args), c.call("card.topup", args)
	if !first.OK || !second.OK {
		t.Fatalf("topup = %+v / %+v", first.Error, second.Error)
	}
	var r1, r2 struct {
		Card     appliance.Card `json:"card"`
		Replayed bool           `json:"replayed"`
	}
	json.Unmarshal(first.Result, &r1)
	json.Unmarshal(second.Result, &r2)
	if r1.Card.BalanceFen != 5000+1234 || r2.Card.BalanceFen != r1.Card.BalanceFen || !r2.Replayed {
		t.Errorf("balances %d, %d (replayed %v), want one top-up", r1.Card.BalanceFen, r2.Card.BalanceFen, r2.Replayed)
	}
	if r := c.call("card.topup", map[string]any{"key": "k-2", "card": "SC-000001", "amount_fen": -5}); r.Error == nil || r.Error.Field != "amount_fen" {
		t.Errorf("negative top-up = %+v, want invalid amount_fen", r.Error)
	}
}

func TestBroadcastTo200Sessions(t *testing.T) {
	rig := MustRig(t, nil)
	cookie := rig.MustLogin(t, rig.dial(t, "", ""), "clerk", "1111")
	const n = 200
	clients := make([]*client, n)
	for i := range clients {
		clients[i] = rig.dial(t, "", cookie)
		clients[i].call("subscribe", map[string]any{"events": []string{"ticket."}})
	}
	rig.bus.Publish("ticket.updated", "", map[string]string{"number": "T20261123-0001"})
	var wg sync.WaitGroup
	for _, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var d map[string]string
			json.Unmarshal(c.event("ticket.updated"), &d)
			if d["number"] != "T20261123-0001" {
				t.Errorf("event data %v", d)
			}
		}()
	}
	wg.Wait()
}
