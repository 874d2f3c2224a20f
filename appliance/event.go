package appliance

import (
	"sync"
	"time"
)

// Event kinds published on the Bus. Packages outside appliance add their
// own kinds (for example "reader.status"); these are the domain's.
const (
	// EventLost is delivered to a subscriber that fell behind; Data is a
	// LostEvents. The subscriber should reload its view.
	EventLost = "events.lost"
)

// Event is one thing that happened, for whoever listens.
type Event struct {
	// Kind names the event, e.g. "ticket.updated" or "config.reloaded".
	Kind string `json:"event"`
	// Desk limits the event to the sessions of one desk; "" is for all.
	Desk string `json:"desk,omitempty"`
	// Time is when the event was published.
	Time time.Time `json:"time"`
	// Data is the event's payload, encodable as JSON.
	Data any `json:"data,omitempty"`
}

// LostEvents is the payload of an EventLost event.
type LostEvents struct {
	// Count is how many events were dropped since the last delivery.
	Count int `json:"count"`
}

// Bus delivers events to subscribers. A publisher never blocks: each
// subscriber has a bounded buffer, and a subscriber whose buffer is full
// loses events and is then told how many with an EventLost event.
// The zero Bus is not usable; call NewBus.
type Bus struct {
	now func() time.Time

	mu   sync.Mutex // guards subs and every Subscription's lost count
	subs map[*Subscription]struct{}
}

// NewBus returns an empty bus that stamps events with now.
func NewBus(now func() time.Time) *Bus {
	if now == nil {
		now = time.Now
	}
	return &Bus{now: now, subs: make(map[*Subscription]struct{})}
}

// Subscription is one listener's end of the bus.
type Subscription struct {
	bus  *Bus
	c    chan Event
	lost int // events dropped and not yet reported; guarded by bus.mu
}

// C returns the channel events arrive on. It is closed by Close.
func (s *Subscription) C() <-chan Event { return s.c }

// Close detaches the subscription and closes its channel. It is safe to
// call more than once.
func (s *Subscription) Close() {
	s.bus.mu.Lock()
	defer s.bus.mu.Unlock()
	if _, ok := s.bus.subs[s]; ok {
		delete(s.bus.subs, s)
		close(s.c)
	}
}

// Subscribe returns a subscription buffering up to buffer events
// (at least 2, so that a lost-events notice always fits).
func (b *Bus) Subscribe(buffer int) *Subscription {
	if buffer < 2 {
		buffer = 2
	}
	s := &Subscription{bus: b, c: make(chan Event, buffer)}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	return s
}

// Publish sends an event of the given kind to every subscriber without
// blocking. desk may be "" for an event meant for every desk.
func (b *Bus) Publish(kind, desk string, data any) {
	ev := Event{Kind: kind, Desk: desk, Time: b.now(), Data: data}
	b.mu.Lock()
	defer b.mu.Unlock()
	for s := range b.subs {
		s.deliverLocked(ev, b.now)
	}
}

// deliverLocked queues ev on s, first reporting any lost events. Only
// publishers send on s.c and they hold bus.mu, so a length check followed
// by a send cannot block.
func (s *Subscription) deliverLocked(ev Event, now func() time.Time) {
	room := cap(s.c) - len(s.c)
	if s.lost > 0 && room > 0 {
		s.c <- Event{Kind: EventLost, Time: now(), Data: LostEvents{Count: s.lost}}
		s.lost = 0
		room--
	}
	if room == 0 {
		s.lost++
		return
	}
	s.c <- ev
}
