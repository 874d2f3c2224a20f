package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"shouhou/appliance"
	"shouhou/appliance/calendar"
	"shouhou/appliance/store"
	"shouhou/appliance/tickets"
)

// Panel is the customer panel a swipe or a phone lookup opens: who, their
// card and balance, their purchases with warranty status, open tickets.
type Panel struct {
	// Customer is the card holder (masked for a customer at the kiosk).
	Customer *appliance.Customer `json:"customer"`
	// Card is the customer's card in use, if any.
	Card *appliance.Card `json:"card,omitempty"`
	// Purchases are the registered products, newest first.
	Purchases []PurchaseView `json:"purchases"`
	// Tickets are the customer's tickets, open ones first.
	Tickets []TicketSummary `json:"tickets"`
	// Masked is set when personal data was masked.
	Masked bool `json:"masked,omitempty"`
	// UID is the chip swiped, when the panel comes from a swipe.
	UID string `json:"uid,omitempty"`
	// Seen is when the reader saw the card (pcscd's event), for the
	// swipe-to-screen latency.
	Seen *time.Time `json:"seen,omitempty"`
	// Partial is set on a swipe's card.presented: it carries the customer
	// and the card (balance) only, and Purchases and Tickets are nil; the
	// whole panel follows in card.panel.
	Partial bool `json:"partial,omitempty"`
	// Foreign is the branch that issued the card, when another branch of
	// the chain did: its ledger keeps the balance (not shown here), and
	// the desk may only charge the card (card.charge with UID).
	Foreign string `json:"foreign,omitempty"`
}

// PurchaseView is a purchase with its free-repair warranty status today.
type PurchaseView struct {
	*appliance.Purchase
	// InWarranty says whether a quality problem is repaired free today.
	InWarranty bool `json:"in_warranty"`
	// WarrantyUntil is the last day of free repair ("" when the category has none).
	WarrantyUntil string `json:"warranty_until,omitempty"`
}

// TicketSummary is one line of a ticket board.
type TicketSummary struct {
	Number     string                 `json:"number"`
	Kind       appliance.TicketKind   `json:"kind"`
	Status     appliance.TicketStatus `json:"status"`
	CustomerID string                 `json:"customer_id"`
	Card       string                 `json:"card,omitempty"`
	Fault      string                 `json:"fault,omitempty"`
	Technician string                 `json:"technician,omitempty"`
	// TechnicianName, CustomerName and Phone are filled on a staff board
	// (tickets.list): the people by the names the desk knows them by.
	TechnicianName string `json:"technician_name,omitempty"`
	CustomerName   string `json:"customer_name,omitempty"`
	Phone          string `json:"phone,omitempty"`
	// Due is the ticket's deadline, left out when it has none.
	Due     time.Time `json:"due,omitzero"`
	Overdue bool      `json:"overdue,omitempty"`
	Survey  bool      `json:"surveyed,omitempty"`
	// Pickup is set when the desk can hand the item over (ticket.pickup):
	// the ticket is ready and its kind closes from ready at the desk.
	Pickup bool `json:"pickup,omitempty"`
}

func summarize(t *appliance.Ticket, now time.Time) TicketSummary {
	return TicketSummary{Number: t.Number, Kind: t.Kind, Status: t.Status, CustomerID: t.CustomerID, Card: t.Card,
		Fault: t.Fault, Technician: t.Technician, Due: t.Due, Survey: t.Survey != nil,
		Overdue: !t.Due.IsZero() && now.After(t.Due) && openStatus(t.Status),
		Pickup: t.Status == appliance.StatusReady &&
			slices.Contains(tickets.Allowed(t.Kind, t.Status, appliance.RoleClerk), appliance.StatusClosed)}
}

func openStatus(s appliance.TicketStatus) bool {
	return s != appliance.StatusClosed && s != appliance.StatusCancelled
}

// panelOf builds the panel of a customer inside one read transaction.
func (s *Server) panelOf(tx *store.Txn, c *appliance.Customer, card *appliance.Card) (*Panel, error) {
	p := &Panel{Customer: c, Card: card}
	if card == nil {
		cs, err := tx.CardsOfCustomer(c.ID)
		if err != nil {
			return nil, err
		}
		for _, k := range cs {
			if k.Status == appliance.CardActive || (p.Card == nil && k.Status == appliance.CardLost) {
				p.Card = k
			}
		}
	}
	buys, err := tx.PurchasesOfCustomer(c.ID)
	if err != nil {
		return nil, err
	}
	now := s.opts.Now()
	cfg := s.config()
	today := calendar.DateOf(now.In(cfg.Store.Location))
	for _, b := range buys {
		v := PurchaseView{Purchase: b}
		if cat, ok := cfg.Policy.Categories[b.Category]; ok && !cat.FreeRepair.None() {
			bought := calendar.DateOf(b.Purchased.In(cfg.Store.Location))
			v.InWarranty = cat.FreeRepair.Contains(bought, today)
			v.WarrantyUntil = cat.FreeRepair.LastDay(bought).String()
		}
		p.Purchases = append(p.Purchases, v)
	}
	ts, err := tx.TicketsOfCustomer(c.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range ts {
		if openStatus(t.Status) || (t.Survey == nil && t.Status == appliance.StatusClosed) {
			p.Tickets = append(p.Tickets, summarize(t, now))
		}
	}
	return p, nil
}

// masked returns a copy of p fit for the customer's own eyes on a screen
// others may see: name, phones and address masked, no notes.
func (p *Panel) masked() *Panel {
	q := *p
	c := *p.Customer
	c.Name = maskName(c.Name)
	c.Phones = nil
	for _, ph := range p.Customer.Phones {
		c.Phones = append(c.Phones, maskPhone(ph))
	}
	c.Address, c.Notes = "", ""
	q.Customer, q.Masked = &c, true
	if p.Card != nil {
		card := *p.Card
		card.UIDs, card.LedgerHead = nil, ""
		q.Card = &card
	}
	return &q
}

// maskName keeps the first character: 王芳 → 王*.
func maskName(n string) string {
	r, size := utf8.DecodeRuneInString(n)
	if r == utf8.RuneError {
		return ""
	}
	return n[:size] + strings.Repeat("*", max(1, utf8.RuneCountInString(n)-1))
}

// maskPhone keeps the first 3 and last 4 digits: 138****0001.
func maskPhone(p string) string {
	if len(p) <= 7 {
		return strings.Repeat("*", len(p))
	}
	return p[:3] + strings.Repeat("*", len(p)-7) + p[len(p)-4:]
}

// SwipeResult says what a swipe did, for the log.
type SwipeResult string

// Swipe results.
const (
	SwipeStaff    SwipeResult = "staff_login" // a staff card logged its holder in at the desk
	SwipeCustomer SwipeResult = "customer"    // card.presented went to the desk
	SwipeRefused  SwipeResult = "refused"     // unknown, blocked or unsupported card
)

// CardSwipe handles a card laid on desk's reader: a staff card logs its
// holder in at that desk; a customer's card is resolved (a blocked card is
// refused and card.blocked goes to the desk) and the customer panel goes
// to that desk's screens only, in two frames so that the screen can show
// the customer at once: card.presented with what resolving the card found
// (the customer, the card and its balance; Partial set), then card.panel
// with the whole panel (purchases with their warranty, tickets).
// seen is when the reader saw the card (zero if unknown). An error after
// card.presented went out is returned with SwipeCustomer.
func (s *Server) CardSwipe(ctx context.Context, desk, uid string, seen time.Time) (SwipeResult, error) {
	if m, ok := s.config().StaffByCardUID(uid); ok {
		s.staffCardLogin(desk, m.ID, m.Name, appliance.Role(m.Role))
		return SwipeStaff, nil
	}
	if s.opts.Cards == nil {
		return SwipeRefused, appliance.Errorf(appliance.EUNAVAILABLE, "卡服务未启动 / the card service is not running")
	}
	h, err := s.opts.Cards.Resolve(uid, desk)
	if appliance.ErrorCode(err) == appliance.ENOTFOUND && s.opts.ForeignCards != nil {
		if err = s.foreignSwipe(ctx, desk, uid, seen); err == nil {
			return SwipeCustomer, nil
		}
	}
	if err != nil {
		s.opts.Bus.Publish(EventCardRefused, desk, map[string]any{"uid": uid, "error": wireError(err)})
		return SwipeRefused, err
	}
	var seenAt *time.Time
	if !seen.IsZero() {
		seenAt = &seen
	}
	s.opts.Bus.Publish(EventCardPresented, desk, &Panel{Customer: h.Customer, Card: h.Card, UID: uid, Seen: seenAt, Partial: true})
	var p *Panel
	err = s.opts.Store.View(func(tx *store.Txn) (err error) {
		p, err = s.panelOf(tx, h.Customer, h.Card)
		return err
	})
	if err != nil {
		return SwipeCustomer, fmt.Errorf("ui: panel of %s: %w", h.Customer.ID, err)
	}
	p.UID, p.Seen = uid, seenAt
	s.opts.Bus.Publish(EventCardPanel, desk, p)
	return SwipeCustomer, nil
}

// foreignSwipe shows at desk a card that another branch of the chain
// issued (the card directory names it): a panel with the card's number
// and branch, from which only a charge can be made.
func (s *Server) foreignSwipe(ctx context.Context, desk, uid string, seen time.Time) error {
	uid = strings.ToUpper(strings.TrimSpace(uid))
	home, err := s.opts.ForeignCards.Locate(ctx, uid)
	if err != nil {
		return err
	}
	p := &Panel{Customer: &appliance.Customer{Name: fmt.Sprintf("%s 分店的卡 / a card of branch %s", home.Branch, home.Branch)},
		Card: &appliance.Card{Number: home.Card, Status: appliance.CardActive}, UID: uid,
		Purchases: []PurchaseView{}, Tickets: []TicketSummary{}, Foreign: home.Branch}
	if !seen.IsZero() {
		p.Seen = &seen
	}
	s.opts.Bus.Publish(EventCardPresented, desk, p)
	s.opts.Bus.Publish(EventCardPanel, desk, p)
	return nil
}

// CardRemoved handles a card taken off desk's reader.
func (s *Server) CardRemoved(desk string) {
	s.opts.Bus.Publish(EventCardRemoved, desk, nil)
}

// ReaderStatus publishes a reader's (or the PC/SC service's) state to
// every screen.
func (s *Server) ReaderStatus(status any) {
	s.opts.Bus.Publish(EventReaderStatus, "", status)
}
