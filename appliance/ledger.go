package appliance

import "time"

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
	// PrevHash is the hash of the previous entry on the card ("" for the first).
	PrevHash string `json:"prev_hash"`
	// Hash is the hash of this entry, covering every field above.
	Hash string `json:"hash"`
}
