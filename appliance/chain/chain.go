// Package chain is what a branch box and head office say to each other
// when a store belongs to a chain: the events a box's outbox carries up,
// the blacklist head office sends back down, and the NATS JetStream
// streams and subjects both travel on.
//
// The box is the authority for its own desk. Every change the chain must
// see (a ticket, a card, a ledger entry, a closing, an audit entry) is
// appended to the box's outbox in the same Badger transaction as the
// change itself, numbered 1, 2, 3 … per branch with no gaps. A forwarder
// publishes the outbox in order with MsgID as the JetStream message id, so
// the stream drops a republished duplicate, and moves its cursor only
// after the stream's ack. Head office applies events idempotently by
// (branch, seq), notices a gap in a branch's sequence and asks the box to
// replay from its outbox. Nothing here is a replication protocol: the
// ordering, storage and de-duplication are JetStream's.
//
// This package only names things; it imports no network code, so the
// store, the forwarder and head office all agree by importing it.
package chain

import (
	"encoding/json"
	"fmt"
	"regexp"
	"time"
)

// Streams and subjects.
const (
	// StreamEvents is the JetStream stream of every branch's events; its
	// subjects are SubjectEvents + branch.
	StreamEvents = "SHOUHOU_EVENTS"
	// SubjectEvents prefixes a branch's event subject: "shouhou.events.SH01".
	SubjectEvents = "shouhou.events."
	// StreamBlacklist is the JetStream stream head office publishes card
	// blacklist changes on (subject SubjectBlacklist). Every box reads it
	// from its own durable consumer, so a box that was offline catches up.
	StreamBlacklist = "SHOUHOU_BLACKLIST"
	// SubjectBlacklist is the subject of every BlacklistEntry.
	SubjectBlacklist = "shouhou.blacklist"
	// SubjectReplay prefixes a branch's replay subject (request/reply):
	// head office sends a ReplayRequest, the box republishes and answers a
	// ReplayReply.
	SubjectReplay = "shouhou.replay."
	// SubjectCharge prefixes the issuing branch's charge subject
	// (request/reply) for a card used at another branch: a ChargeRequest,
	// answered by a ChargeReply.
	SubjectCharge = "shouhou.charge."
	// BucketCards is the JetStream key-value bucket of the chain's card
	// directory: key a chip UID (upper-case hex), value the CardHome of
	// the card that has it. Every box writes its own cards' UIDs, so a box
	// can tell which branch issued a card it does not hold.
	BucketCards = "SHOUHOU_CARDS"
)

// Event kinds: what an Event's Data holds.
const (
	// KindTicket: an appliance.Ticket as it is after the change.
	KindTicket = "ticket"
	// KindCard: an appliance.Card as it is after the change (status, UIDs,
	// balance).
	KindCard = "card"
	// KindCustomer: an appliance.Customer as it is after the change.
	KindCustomer = "customer"
	// KindLedger: one appliance.LedgerEntry (entries are never edited).
	KindLedger = "ledger"
	// KindClosing: a day's closing as the box froze it
	// (appliance/reports.Closing).
	KindClosing = "closing"
	// KindAudit: one appliance.AuditEntry.
	KindAudit = "audit"
)

// Event is one change on a branch box, as its outbox keeps it and as it
// travels on StreamEvents.
type Event struct {
	// Branch is the branch id that made the change (store.toml [chain] branch).
	Branch string `json:"branch"`
	// Seq is the event's place in the branch's outbox: 1 for the first,
	// then one more for each event, with no gaps.
	Seq uint64 `json:"seq"`
	// Time is when the change was committed, by the box's clock.
	Time time.Time `json:"time"`
	// Kind says what Data holds (KindTicket …).
	Kind string `json:"kind"`
	// ID is the record's own id: a ticket number, a card number, a
	// customer id, a ledger entry id, a closing's day, an audit entry id.
	ID string `json:"id"`
	// Data is the record as JSON, the same encoding the box stores. When
	// the record was deleted (a customer's personal data removed, a ticket
	// removed by a data repair) Kind is still the record's kind and Data
	// is JSON null.
	Data json.RawMessage `json:"data"`
}

// MsgID is the event's JetStream message id (the Nats-Msg-Id header):
// the same event published twice is stored once.
func (e *Event) MsgID() string { return MsgID(e.Branch, e.Seq) }

// MsgID is the JetStream message id of a branch's event seq.
func MsgID(branch string, seq uint64) string { return fmt.Sprintf("%s-%d", branch, seq) }

// Subject is the subject a branch's events are published on.
func Subject(branch string) string { return SubjectEvents + branch }

// branchID is what a branch id may be: it becomes a subject token and a
// NATS user name, so no dots, spaces or wildcards.
var branchID = regexp.MustCompile(`^[A-Za-z0-9_-]{1,32}$`)

// ValidBranch reports whether id can name a branch.
func ValidBranch(id string) bool { return branchID.MatchString(id) }

// Card statuses a BlacklistEntry carries; they are appliance.CardStatus
// values.
const (
	// Listed entries: the card is refused at every branch.
	BlacklistLost      = "lost"
	BlacklistCancelled = "cancelled"
	BlacklistReplaced  = "replaced"
	// BlacklistCleared takes a card off the list (found again).
	BlacklistCleared = "active"
)

// BlacklistEntry is one change to the chain's card blacklist, published by
// head office when a branch reports a card lost, cancelled, replaced or
// found. A box applies entries in stream order and refuses a listed card's
// UIDs at its reader whether or not the card was issued there.
type BlacklistEntry struct {
	// Card is the card number; UIDs are the chip UIDs it had.
	Card string   `json:"card"`
	UIDs []string `json:"uids"`
	// Branch is the branch that issued the card and reported the change.
	Branch string `json:"branch"`
	// Status is the card's status now (Blacklist*).
	Status string `json:"status"`
	// Time is when the branch made the change.
	Time time.Time `json:"time"`
	// Seq is the seq of Branch's event head office made the entry from, so
	// a box can tell a repeat from a new change.
	Seq uint64 `json:"seq"`
}

// Listed reports whether the entry puts the card on the list.
func (b *BlacklistEntry) Listed() bool { return b.Status != BlacklistCleared }

// ReplayRequest asks a box to publish its events again from seq From on
// (head office saw a gap after From-1). To, when set, is the last seq of
// that gap: head office lacks From..To for sure, so the box publishes
// those again even if the stream's duplicate window still remembers
// their message ids (the messages were lost or deleted from the stream
// within it).
type ReplayRequest struct {
	Branch string `json:"branch"`
	From   uint64 `json:"from"`
	To     uint64 `json:"to,omitempty"`
}

// ReplayReply is the box's answer to a ReplayRequest.
type ReplayReply struct {
	// Republished is how many events were published again.
	Republished int `json:"republished"`
	// Oldest is the oldest seq the outbox still holds; a From below it
	// cannot be replayed (Error says so).
	Oldest uint64 `json:"oldest"`
	Error  string `json:"error,omitempty"`
}

// ChargeRequest asks the issuing branch to move money on one of its cards
// for a desk at another branch. Key is the idempotency key: the issuing
// box applies a key once and answers every repeat with the first result.
type ChargeRequest struct {
	Key    string `json:"key"`
	Card   string `json:"card"`
	UID    string `json:"uid,omitempty"`
	Amount int64  `json:"amount"` // fen, > 0: the amount to take off the card
	// From is the branch and desk asking, Operator the clerk there.
	From     string `json:"from"`
	Desk     string `json:"desk"`
	Operator string `json:"operator"`
	Ticket   string `json:"ticket,omitempty"`
}

// ChargeReply is the issuing branch's answer.
type ChargeReply struct {
	// Entry is the ledger entry id made (or made by the first request with
	// this key); Balance the card's balance after it, in fen.
	Entry   string `json:"entry,omitempty"`
	Balance int64  `json:"balance"`
	// Code and Message are set when the charge was refused (an
	// appliance error code, and the message in Chinese / English).
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// CardHome is a card directory entry (BucketCards): the branch that
// issued the card with a UID, and the card's number there (card numbers
// are per box, so the number alone names no card).
type CardHome struct {
	Branch string `json:"branch"`
	Card   string `json:"card"`
}

// ChargeSubject is the subject the issuing branch answers charges on.
func ChargeSubject(branch string) string { return SubjectCharge + branch }

// ChargeQueue is the queue group of a branch's charge responders: a
// request is answered by one of them.
const ChargeQueue = "shouhou-charge"
