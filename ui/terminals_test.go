package ui

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"shouhou/appliance"
)

func TestSessionOpsAreAdminOnly(t *testing.T) {
	for _, op := range []string{"session.list", "session.revoke"} {
		if got := OpRoles()[op]; !slices.Equal(got, []appliance.Role{appliance.RoleAdmin}) {
			t.Errorf("%s roles = %v, want admin only", op, got)
		}
	}
}

// roleOf is whoami's role on c.
func roleOf(c *client) appliance.Role {
	var w whoami
	json.Unmarshal(c.call("whoami", nil).Result, &w)
	return w.Actor.Role
}

func TestCookieAloneIsRefused(t *testing.T) {
	rig := MustRig(t, nil)
	cookie := rig.MustLogin(t, rig.dial(t, "", ""), "boss", "3333")
	key, _ := rig.keys.Load(cookie)
	tests := []struct {
		name, query string
		want        appliance.Role
	}{
		{"cookie and its key", "key=" + key.(string), appliance.RoleSupervisor},
		{"cookie alone", "", roleNone},
		{"cookie and another key", "key=00112233445566778899aabbccddeeff", roleNone},
		{"cookie and an empty key", "key=", roleNone},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := roleOf(rig.dialURL(t, rig.url+"?"+tc.query, cookie)); got != tc.want {
				t.Errorf("whoami = %q, want %q", got, tc.want)
			}
		})
	}
	req, _ := http.NewRequest("GET", rig.http.URL+"/reports/kpi.csv", nil)
	req.Header.Set("Cookie", cookie)
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusForbidden {
		t.Errorf("CSV with the cookie alone = %v %v, want 403", resp.StatusCode, err)
	}
}

// terminals lists the live sessions as c sees them.
func terminals(t *testing.T, c *client) []terminal {
	t.Helper()
	r := c.call("session.list", nil)
	if !r.OK {
		t.Fatalf("session.list: %+v", r.Error)
	}
	var out struct{ Sessions []terminal }
	json.Unmarshal(r.Result, &out)
	return out.Sessions
}

func TestRevokeLogsTheTerminalOut(t *testing.T) {
	rig := MustRig(t, nil)
	admin := rig.dial(t, "", "")
	rig.MustLogin(t, admin, "admin", "4444")
	clerkCookie := rig.MustLogin(t, rig.dial(t, "", ""), "clerk", "1111")
	clerk := rig.dial(t, "", clerkCookie)
	if roleOf(clerk) != appliance.RoleClerk {
		t.Fatal("the clerk's second screen is not logged in")
	}
	var target terminal
	for _, s := range terminals(t, admin) {
		if s.Actor.ID == "clerk" {
			target = s
		}
		if s.Actor.ID == "admin" && !s.Current {
			t.Errorf("the admin's own session is not marked current: %+v", s)
		}
	}
	if target.ID == "" || target.Remote != "127.0.0.1" || target.Connections != 2 {
		t.Fatalf("the clerk's session in the list = %+v, want it from 127.0.0.1 with 2 screens", target)
	}
	if r := admin.call("session.revoke", map[string]string{"id": "nope"}); r.Error == nil || r.Error.Code != "not_found" {
		t.Errorf("revoke of an unknown session = %+v, want not_found", r.Error)
	}
	if r := admin.call("session.revoke", map[string]string{"id": target.ID}); !r.OK {
		t.Fatalf("session.revoke: %+v", r.Error)
	}
	var ended map[string]string
	json.Unmarshal(clerk.event("session.ended"), &ended)
	if ended["reason"] != "revoked" {
		t.Errorf("session.ended = %v, want reason revoked", ended)
	}
	select {
	case err := <-clerk.closed:
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != closeRevoked {
			t.Errorf("the revoked screen's connection ended with %v, want close %d", err, closeRevoked)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the revoked screen's connection stays open")
	}
	if got := roleOf(rig.dial(t, "", clerkCookie)); got != roleNone {
		t.Errorf("reconnecting with the revoked cookie and key: whoami %q, want nobody (the login)", got)
	}
	for _, s := range terminals(t, admin) {
		if s.ID == target.ID {
			t.Errorf("the revoked session is still listed")
		}
	}
}
