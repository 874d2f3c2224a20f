package ui

import (
	"encoding/json"
	"strings"
	"sync"

	"shouhou/appliance"
)

// Events the ui package publishes (the domain's come from its packages).
const (
	EventCardPresented = "card.presented" // Data: *Panel (Partial), to the swiping desk only
	EventCardPanel     = "card.panel"     // Data: *Panel, the whole panel after card.presented
	EventCardRemoved   = "card.removed"   // the card left the desk's reader
	EventCardRefused   = "card.refused"   // Data: {uid, error}: unknown or unsupported card
	EventReaderStatus  = "reader.status"  // Data: the reader's event (status, reader, detail)
	EventSessionLogin  = "session.login"  // to one connection: {actor, name, nonce}
	EventSessionEnded  = "session.ended"  // to one connection: {reason}
)

// publicEvents reach screens without a staff session (the kiosk waiting
// for a customer); every other event goes to staff only.
var publicEvents = map[string]bool{
	appliance.EventLost: true, EventCardPresented: true, EventCardPanel: true, EventCardRemoved: true, EventCardRefused: true,
	"card.blocked": true, EventReaderStatus: true, "config.reloaded": true,
}

// eventFrame encodes ev for this connection, or returns nil when the
// connection must not see it: another desk's event, a staff event without
// a staff session, or a kind it did not ask for. A customer panel is
// masked unless staff are logged in, and makes the kiosk the customer's.
func (c *conn) eventFrame(ev appliance.Event) []byte {
	if ev.Desk != "" && ev.Desk != c.desk {
		return nil
	}
	actor, sess := c.actor()
	staff := sess != nil
	data := ev.Data
	switch ev.Kind {
	case EventCardPresented, EventCardPanel:
		p, ok := ev.Data.(*Panel)
		if !ok {
			return nil
		}
		if !staff {
			if !c.presented(ev.Kind, p) {
				return nil
			}
			data = p.masked()
		}
	case EventCardRemoved, "card.blocked", EventCardRefused:
		if !staff {
			c.mu.Lock()
			c.customer = nil
			c.mu.Unlock()
		}
	default:
		if !staff && !publicEvents[ev.Kind] {
			return c.customerEvent(ev, actor)
		}
	}
	if !c.wants(ev.Kind) {
		return nil
	}
	b, err := json.Marshal(EventFrame{Event: ev.Kind, Data: data})
	if err != nil {
		c.srv.opts.Logger.Error("ui: encode event", "event", ev.Kind, "err", err)
		return nil
	}
	return b
}

// presented makes the kiosk the customer's on card.presented, and for
// card.panel reports whether the kiosk is still that customer's (the card
// may have been taken off in between).
func (c *conn) presented(kind string, p *Panel) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if kind == EventCardPresented {
		c.customer = &appliance.Actor{ID: p.Customer.ID, Role: appliance.RoleCustomer}
		return true
	}
	return c.customer != nil && c.customer.ID == p.Customer.ID
}

// customerEvent passes a customer at the kiosk the updates of their own
// tickets and card (after a pickup, the survey appears), and nothing else.
func (c *conn) customerEvent(ev appliance.Event, actor appliance.Actor) []byte {
	if actor.Role != appliance.RoleCustomer {
		return nil
	}
	raw, err := json.Marshal(ev.Data)
	if err != nil {
		return nil
	}
	var probe struct {
		CustomerID string `json:"customer_id"`
		Ticket     *struct {
			CustomerID string `json:"customer_id"`
		} `json:"ticket"`
	}
	if json.Unmarshal(raw, &probe) != nil {
		return nil
	}
	owner := probe.CustomerID
	if probe.Ticket != nil {
		owner = probe.Ticket.CustomerID
	}
	if owner == "" || owner != actor.ID {
		return nil
	}
	b, _ := json.Marshal(EventFrame{Event: ev.Kind, Data: map[string]any{"mine": true}})
	return b
}

// wants reports whether the connection subscribed to kind.
func (c *conn) wants(kind string) bool {
	if kind == appliance.EventLost || strings.HasPrefix(kind, "session.") {
		return true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.filter == nil {
		return true
	}
	for _, p := range c.filter {
		if p == kind || (strings.HasSuffix(p, ".") && strings.HasPrefix(kind, p)) || p == "*" {
			return true
		}
	}
	return false
}

// statusBoard remembers the latest reader states and config error for
// the status screens.
type statusBoard struct {
	mu        sync.Mutex     // guards the fields below
	readers   map[string]any // latest reader.status by reader name ("" = the service)
	lastError any            // the latest config.error payload, nil after a good reload
}

func newStatusBoard() *statusBoard { return &statusBoard{readers: map[string]any{}} }

// note records ev if it is one the board keeps.
func (b *statusBoard) note(ev appliance.Event) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev.Kind {
	case EventReaderStatus:
		raw, _ := json.Marshal(ev.Data)
		var r struct {
			Reader string `json:"reader"`
		}
		json.Unmarshal(raw, &r)
		b.readers[r.Reader] = ev.Data
	case "config.error":
		b.lastError = map[string]any{"error": ev.Data, "time": ev.Time}
	}
}

func (b *statusBoard) snapshot() (readers []any, lastError any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, r := range b.readers {
		readers = append(readers, r)
	}
	return readers, b.lastError
}
