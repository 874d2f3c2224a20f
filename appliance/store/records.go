package store

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/chain"
)

// Index names, as they appear in keys.
const (
	idxCustomerPhone   = "customer.phone"
	idxCardUID         = "card.uid"
	idxCardCustomer    = "card.customer"
	idxPurchaseSerial  = "purchase.serial"
	idxPurchaseReceipt = "purchase.receipt"
	idxPurchaseCust    = "purchase.customer"
	idxTicketStatus    = "ticket.status"
	idxTicketCustomer  = "ticket.customer"
	idxTicketDue       = "ticket.due"
	idxTicketTouch     = "ticket.touch"
	idxTicketPurchase  = "ticket.purchase"
	idxTicketText      = "ticket.text"
	idxTicketCall      = "ticket.call"
	idxTicketWatch     = "ticket.watch"
	idxCustomerName    = "customer.name"
	idxLedgerKey       = "ledger.key"
	idxLedgerDay       = "ledger.day"
	idxPrintQueue      = "printjob.queue"
)

// dueFormat makes due times sort as bytes in time order.
const dueFormat = "20060102T150405Z"

// touchStamp is a ticket's ticket.touch index value (data format 2): the
// later of its last change and its due time, to the second, so that the
// tickets a report about a period can count are found without reading
// the others (EachTicketTouched).
func touchStamp(t *appliance.Ticket) string {
	at := t.Updated
	if t.Due.After(at) {
		at = t.Due
	}
	return at.UTC().Format(dueFormat)
}

var (
	customers = kind[appliance.Customer]{
		name:  "customer",
		event: chain.KindCustomer,
		id:    func(c *appliance.Customer) string { return c.ID },
		indexes: func(c *appliance.Customer) []indexEntry {
			var es []indexEntry
			if c.Name != "" {
				es = append(es, indexEntry{name: idxCustomerName, value: c.Name})
			}
			for _, p := range c.Phones {
				es = append(es, indexEntry{name: idxCustomerPhone, value: p, unique: true})
			}
			return es
		},
	}
	cards = kind[appliance.Card]{
		name:     "card",
		event:    chain.KindCard,
		keepRead: true,
		id:       func(c *appliance.Card) string { return c.Number },
		indexes: func(c *appliance.Card) []indexEntry {
			es := []indexEntry{{name: idxCardCustomer, value: c.CustomerID}}
			for _, u := range c.UIDs {
				es = append(es, indexEntry{name: idxCardUID, value: u, unique: true})
			}
			return es
		},
	}
	purchases = kind[appliance.Purchase]{
		name: "purchase",
		id:   func(p *appliance.Purchase) string { return p.ID },
		indexes: func(p *appliance.Purchase) []indexEntry {
			var es []indexEntry
			if p.CustomerID != "" { // a purchase from the till has no customer until intake
				es = append(es, indexEntry{name: idxPurchaseCust, value: p.CustomerID})
			}
			if p.Serial != "" {
				es = append(es, indexEntry{name: idxPurchaseSerial, value: p.Serial})
			}
			if p.Receipt != "" {
				es = append(es, indexEntry{name: idxPurchaseReceipt, value: p.Receipt})
			}
			return es
		},
	}
	tickets = kind[appliance.Ticket]{
		name:  "ticket",
		event: chain.KindTicket,
		id:    func(t *appliance.Ticket) string { return t.Number },
		indexes: func(t *appliance.Ticket) []indexEntry {
			es := []indexEntry{
				{name: idxTicketStatus, value: string(t.Status)},
				{name: idxTicketCustomer, value: t.CustomerID},
				{name: idxTicketTouch, value: touchStamp(t)},
				reportEntry(t),
			}
			// Only tickets still being handled are due; closed ones leave the index.
			if !t.Due.IsZero() && t.Status != appliance.StatusClosed && t.Status != appliance.StatusCancelled {
				es = append(es, indexEntry{name: idxTicketDue, value: t.Due.UTC().Format(dueFormat)})
			}
			return append(es, ticketSearchIndexes(t)...)
		},
	}
	ledger = kind[appliance.LedgerEntry]{
		name:  "ledger",
		event: chain.KindLedger,
		once:  true,
		id:    func(e *appliance.LedgerEntry) string { return ledgerID(e.Card, e.Seq) },
		indexes: func(e *appliance.LedgerEntry) []indexEntry {
			return []indexEntry{
				{name: idxLedgerKey, value: e.Key, unique: true},
				{name: idxLedgerDay, value: e.Time.Format("20060102")},
			}
		},
	}
	printJobs = kind[appliance.PrintJob]{
		name: "printjob",
		id:   func(j *appliance.PrintJob) string { return j.ID },
		indexes: func(j *appliance.PrintJob) []indexEntry {
			if j.Status != appliance.PrintQueued {
				return nil
			}
			return []indexEntry{{name: idxPrintQueue, value: j.Printer}}
		},
	}
	audits = kind[appliance.AuditEntry]{
		name:    "audit",
		event:   chain.KindAudit,
		once:    true,
		id:      func(a *appliance.AuditEntry) string { return a.ID },
		indexes: func(*appliance.AuditEntry) []indexEntry { return nil },
	}
)

// specs lists every kind, for Verify.
var specs = []spec{customers, cards, purchases, products, tickets, ledger, printJobs, audits, requests, blacklist}

// ledgerID is a ledger entry's record ID: the card, then the sequence
// padded so that a card's entries sort in order.
func ledgerID(card string, seq int64) string {
	if seq < 0 {
		return fmt.Sprintf("%s/%012d", card, seq)
	}
	var digits [20]byte
	d := strconv.AppendInt(digits[:0], seq, 10)
	b := make([]byte, 0, len(card)+1+max(12, len(d)))
	b = append(append(b, card...), '/')
	for range 12 - len(d) {
		b = append(b, '0')
	}
	return string(append(b, d...))
}

// PutCustomer creates or replaces a customer. A phone number already held by
// another customer is a conflict naming the field.
func (tx *Txn) PutCustomer(c *appliance.Customer) error { return customers.put(tx, c) }

// Customer returns the customer id, or an ENOTFOUND error.
func (tx *Txn) Customer(id string) (*appliance.Customer, error) { return customers.mustGet(tx, id) }

// CustomerByPhone returns the customer holding phone, or an ENOTFOUND error.
func (tx *Txn) CustomerByPhone(phone string) (*appliance.Customer, error) {
	return customers.byUnique(tx, idxCustomerPhone, phone)
}

// DeleteCustomer removes a customer (after card cancellation removes personal data).
func (tx *Txn) DeleteCustomer(id string) error { return customers.delete(tx, id) }

// PutCard creates or replaces a card. A UID bound to another card is a conflict.
func (tx *Txn) PutCard(c *appliance.Card) error { return cards.put(tx, c) }

// Card returns the card with the printed number, or an ENOTFOUND error.
func (tx *Txn) Card(number string) (*appliance.Card, error) { return cards.mustGet(tx, number) }

// CardByUID returns the card bound to the chip UID, or an ENOTFOUND error.
func (tx *Txn) CardByUID(uid string) (*appliance.Card, error) {
	return cards.byUnique(tx, idxCardUID, uid)
}

// CardsOfCustomer returns every card of a customer, whatever its status.
func (tx *Txn) CardsOfCustomer(customerID string) ([]*appliance.Card, error) {
	return collect(tx, cards, idxCardCustomer, customerID, 0)
}

// PutPurchase creates or replaces a registered purchase.
func (tx *Txn) PutPurchase(p *appliance.Purchase) error { return purchases.put(tx, p) }

// Purchase returns the purchase id, or an ENOTFOUND error.
func (tx *Txn) Purchase(id string) (*appliance.Purchase, error) { return purchases.mustGet(tx, id) }

// DeletePurchase removes a purchase registered by mistake.
func (tx *Txn) DeletePurchase(id string) error { return purchases.delete(tx, id) }

// PurchasesBySerial returns the purchases with a serial number (normally one).
func (tx *Txn) PurchasesBySerial(serial string) ([]*appliance.Purchase, error) {
	return collect(tx, purchases, idxPurchaseSerial, serial, 0)
}

// PurchasesByReceipt returns the purchases on one till receipt.
func (tx *Txn) PurchasesByReceipt(receipt string) ([]*appliance.Purchase, error) {
	return collect(tx, purchases, idxPurchaseReceipt, receipt, 0)
}

// PurchasesOfCustomer returns a customer's registered purchases.
func (tx *Txn) PurchasesOfCustomer(customerID string) ([]*appliance.Purchase, error) {
	return collect(tx, purchases, idxPurchaseCust, customerID, 0)
}

// PutTicket creates or replaces a ticket, keeping its indexes.
func (tx *Txn) PutTicket(t *appliance.Ticket) error { return tickets.put(tx, t) }

// Ticket returns the ticket with the human number, or an ENOTFOUND error.
func (tx *Txn) Ticket(number string) (*appliance.Ticket, error) { return tickets.mustGet(tx, number) }

// DeleteTicket removes a ticket (only a test or a data repair does this).
func (tx *Txn) DeleteTicket(number string) error { return tickets.delete(tx, number) }

// TicketsByStatus returns up to limit tickets (0 for all) in a status, oldest number first.
func (tx *Txn) TicketsByStatus(s appliance.TicketStatus, limit int) ([]*appliance.Ticket, error) {
	return collect(tx, tickets, idxTicketStatus, string(s), limit)
}

// TicketsOfCustomer returns a customer's tickets, oldest number first.
func (tx *Txn) TicketsOfCustomer(customerID string) ([]*appliance.Ticket, error) {
	return collect(tx, tickets, idxTicketCustomer, customerID, 0)
}

// TicketsDueBefore returns the tickets still being handled whose due time
// is before t, earliest due first, at most limit (0 for all).
func (tx *Txn) TicketsDueBefore(t time.Time, limit int) ([]*appliance.Ticket, error) {
	prefix := []byte("x/" + idxTicketDue + "/")
	// Keys sort by due time; the first key at or after t ends the walk.
	stop := append(append([]byte(nil), prefix...), t.UTC().Format(dueFormat)...)
	ids, err := tx.scanIDsBefore(prefix, stop, limit)
	if err != nil {
		return nil, err
	}
	return loadAll(tx, tickets, ids)
}

// newAuditID returns an ID that sorts by time and never collides.
func newAuditID(t time.Time) string {
	var b [4]byte
	rand.Read(b[:])
	return fmt.Sprintf("%020d-%s", t.UnixNano(), hex.EncodeToString(b[:]))
}

// Audit records who did what to which record, with the record before and
// after (either may be nil). It is written in the caller's transaction, so
// a change and its audit entry are committed together or not at all.
func (tx *Txn) Audit(operator, action, record, reason string, before, after any) error {
	return tx.audit(appliance.Actor{ID: operator}, action, record, reason, before, after)
}

// audit writes one entry for actor (Audit, AuditBy).
func (tx *Txn) audit(actor appliance.Actor, action, record, reason string, before, after any) error {
	if actor.ID == "" {
		return appliance.FieldError("operator", "缺少操作员 / the operator is missing")
	}
	a := &appliance.AuditEntry{ID: newAuditID(tx.now()), Time: tx.now(), Operator: actor.ID,
		Desk: actor.Desk, Addr: actor.Addr, Action: action, Record: record, Reason: reason}
	var err error
	if a.Before, err = rawJSON(before); err != nil {
		return err
	}
	if a.After, err = rawJSON(after); err != nil {
		return err
	}
	return audits.put(tx, a)
}

func rawJSON(v any) (json.RawMessage, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("store: audit encode %T: %w", v, err)
	}
	return b, nil
}

// collect loads the records a non-unique index lists for value.
func collect[T any](tx *Txn, k kind[T], index, value string, limit int) ([]*T, error) {
	ids, err := tx.idsWith(index, value, limit)
	if err != nil {
		return nil, err
	}
	return loadAll(tx, k, ids)
}

// loadAll reads the records ids, in order.
func loadAll[T any](tx *Txn, k kind[T], ids []string) ([]*T, error) {
	out := make([]*T, 0, len(ids))
	for _, id := range ids {
		rec, err := k.mustGet(tx, id)
		if err != nil {
			return nil, fmt.Errorf("store: index %s points to a missing record: %w", k.name, err)
		}
		out = append(out, rec)
	}
	return out, nil
}
