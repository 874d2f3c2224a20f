package ui

import (
	"shouhou/appliance"
	"shouhou/conf"
)

type loginArgs struct {
	// Staff is the staff id; "" tries the PIN against everyone.
	Staff string `json:"staff,omitempty"`
	// PIN is the staff member's PIN.
	PIN string `json:"pin"`
}

// loginResult is what a login gives the screen; Nonce, posted to
// /session, sets the HttpOnly session cookie; Key is the device key the
// page keeps (localStorage) and sends as /ws?key= when it reconnects:
// a cookie that left its browser is refused without it.
type loginResult struct {
	Actor appliance.Actor `json:"actor"`
	Name  string          `json:"name"`
	Nonce string          `json:"nonce"`
	Key   string          `json:"key"`
}

// opLogin checks a PIN, rate-limited per desk (or per address off a desk)
// and per person.
func opLogin(c *call, a *loginArgs) (any, error) {
	if a.PIN == "" {
		return nil, appliance.FieldError("pin", "请输入 PIN / enter your PIN")
	}
	s := c.srv
	deskKey := "desk:" + c.conn.desk
	if c.conn.desk == "" {
		deskKey = "addr:" + c.conn.remote
	}
	if left := s.deskPIN.locked(deskKey); left > 0 {
		return nil, lockedError(left)
	}
	if a.Staff != "" {
		if left := s.userPIN.locked(a.Staff); left > 0 {
			return nil, lockedError(left)
		}
	}
	m, ok := s.checkPIN(a.Staff, a.PIN)
	if !ok {
		s.deskPIN.fail(deskKey)
		if a.Staff != "" {
			s.userPIN.fail(a.Staff)
		}
		s.auditLoginFailure(c.conn, a.Staff, deskKey)
		return nil, &WireError{Code: errorTable[appliance.EUNAUTHORIZED].wire, Field: "pin", Message: "PIN 不正确 / wrong PIN"}
	}
	s.deskPIN.reset(deskKey)
	s.userPIN.reset(m.ID)
	actor := appliance.Actor{ID: m.ID, Role: appliance.Role(m.Role)}
	sess, nonce := s.sessions.create(actor, m.Name, where{desk: c.conn.desk, remote: c.conn.remote, agent: c.conn.agent})
	c.conn.setSession(sess)
	s.auditLoginOK(appliance.Actor{ID: actor.ID, Role: actor.Role, Desk: c.conn.desk, Addr: c.conn.remote}, "PIN")
	return loginResult{Actor: actor, Name: m.Name, Nonce: nonce, Key: sess.key}, nil
}

// checkPIN finds the staff member the PIN belongs to.
func (s *Server) checkPIN(id, pin string) (conf.StaffMember, bool) {
	cfg := s.config()
	if id != "" {
		m, ok := cfg.StaffByID(id)
		return m, ok && m.CheckPIN(pin)
	}
	for _, m := range cfg.Staff {
		if m.CheckPIN(pin) {
			return m, true
		}
	}
	return conf.StaffMember{}, false
}

// staffCardLogin logs a member of staff in at desk by their card: every
// screen of that desk gets the session and a nonce for its cookie.
func (s *Server) staffCardLogin(desk, id, name string, role appliance.Role) {
	sess, _ := s.sessions.create(appliance.Actor{ID: id, Role: role}, name, where{desk: desk, remote: "reader:" + desk})
	s.auditLoginOK(appliance.Actor{ID: id, Role: role, Desk: desk}, "员工卡 / staff card")
	s.each(desk, func(c *conn) {
		c.setSession(sess)
		c.send(EventFrame{Event: EventSessionLogin, Data: loginResult{Actor: sess.actor, Name: name, Nonce: s.sessions.nonceFor(sess), Key: sess.key}})
	})
}

func opLogout(c *call, _ *none) (any, error) {
	if c.sess != nil {
		c.srv.sessions.end(c.sess.token)
		c.srv.sessionEnded(c.sess.token, "logout")
	}
	c.conn.setSession(nil)
	c.conn.mu.Lock()
	c.conn.customer = nil
	c.conn.mu.Unlock()
	return map[string]bool{"ok": true}, nil
}

type whoami struct {
	Actor    appliance.Actor `json:"actor"`
	Name     string          `json:"name,omitempty"`
	Desk     string          `json:"desk,omitempty"`
	DeskName string          `json:"desk_name,omitempty"`
	Store    string          `json:"store"`
	// TimeZone is the store's time zone (store.toml), so a screen's
	// "today" is the store's business day whatever the browser's clock.
	TimeZone string `json:"time_zone"`
	Version  string `json:"version"`
	Config   string `json:"config"`
	Demo     bool   `json:"demo"`
	// CAFingerprint is the SHA-256 fingerprint of the box's CA ("" without HTTPS).
	CAFingerprint string `json:"ca_fingerprint,omitempty"`
}

func opWhoami(c *call, _ *none) (any, error) {
	cfg := c.srv.config()
	w := whoami{Actor: c.actor, Desk: c.conn.desk, Store: cfg.Store.Name, TimeZone: cfg.Store.Location.String(), Version: c.srv.opts.Version,
		Config: cfg.Version, Demo: c.srv.opts.Demo != nil, CAFingerprint: c.srv.caFingerprint()}
	if c.sess != nil {
		w.Name = c.sess.name
	}
	if d, ok := cfg.Desk(c.conn.desk); ok {
		w.DeskName = d.Name
	}
	return w, nil
}

type subscribeArgs struct {
	// Events are event kinds, or prefixes ending in "." ("ticket."); empty for all.
	Events []string `json:"events"`
}

func opSubscribe(c *call, a *subscribeArgs) (any, error) {
	c.conn.mu.Lock()
	c.conn.filter = nil
	if len(a.Events) > 0 {
		c.conn.filter = append([]string(nil), a.Events...)
	}
	c.conn.mu.Unlock()
	return map[string]any{"events": a.Events}, nil
}
