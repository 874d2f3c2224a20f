package appliance

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// LedgerKind is the kind of a card transaction.
type LedgerKind string

// Ledger kinds (DOMAIN.md "Records").
const (
	LedgerIssue       LedgerKind = "issue"
	LedgerTopup       LedgerKind = "topup"
	LedgerCharge      LedgerKind = "charge"
	LedgerRefund      LedgerKind = "refund"
	LedgerReversal    LedgerKind = "reversal"
	LedgerTransferOut LedgerKind = "transfer_out"
	LedgerTransferIn  LedgerKind = "transfer_in"
	LedgerCashout     LedgerKind = "cashout"
)

// LedgerEntry is one immutable card transaction. A mistake is corrected by
// a reversal entry, never by an edit.
type LedgerEntry struct {
	// Card is the card number the entry belongs to.
	Card string `json:"card"`
	// Seq is the entry's position on its card, from 1.
	Seq int64 `json:"seq"`
	// Kind is the kind of transaction.
	Kind LedgerKind `json:"kind"`
	// AmountFen is the signed change to the balance in fen.
	AmountFen int64 `json:"amount_fen"`
	// BalanceFen is the balance after this entry.
	BalanceFen int64 `json:"balance_fen"`
	// Ticket is the service ticket the money is for, if any.
	Ticket string `json:"ticket,omitempty"`
	// Reverses names the entry a reversal undoes, as "CARD#SEQ".
	Reverses string `json:"reverses,omitempty"`
	// Operator is the staff member who made the entry.
	Operator string `json:"operator"`
	// Key is the client-made idempotency key.
	Key string `json:"key"`
	// Time is when the entry was made.
	Time time.Time `json:"time"`
	// GlobalSeq is the entry's position in the store-wide ledger, from 1.
	GlobalSeq int64 `json:"global_seq"`
	// PrevHash is the hash of the previous entry on the card ("" for the first).
	PrevHash string `json:"prev_hash"`
	// Hash is the hash of this entry, covering every field above.
	Hash string `json:"hash"`
}

// ComputeHash returns the SHA-256, in hex, of every field of the entry but
// Hash itself, in a fixed order with lengths, so that changing any byte of
// any field changes the hash. Hash should equal it; Verify checks.
func (e *LedgerEntry) ComputeHash() string {
	var buf [512]byte // the usual entry's fields, without an allocation
	b := buf[:0]
	field := func(f string) {
		b = strconv.AppendInt(b, int64(len(f)), 10)
		b = append(b, ':')
		b = append(b, f...)
	}
	num := func(n int64) {
		var d [20]byte
		field(string(strconv.AppendInt(d[:0], n, 10)))
	}
	field("v1")
	field(e.Card)
	num(e.Seq)
	num(e.GlobalSeq)
	field(string(e.Kind))
	num(e.AmountFen)
	num(e.BalanceFen)
	field(e.Ticket)
	field(e.Reverses)
	field(e.Operator)
	field(e.Key)
	var t [64]byte
	field(string(e.Time.UTC().AppendFormat(t[:0], time.RFC3339Nano)))
	field(e.PrevHash)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ChainHead folds an entry's hash into the store-wide chain head.
func ChainHead(prevHead, entryHash string) string {
	sum := sha256.Sum256([]byte(prevHead + entryHash))
	return hex.EncodeToString(sum[:])
}
