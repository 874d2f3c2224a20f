package reader

import "time"

// Kind says what an Event reports.
type Kind string

// Event kinds.
const (
	// KindPresent: a card was laid on Reader; UID and ATR are set. Sent
	// once per placement however long the card stays.
	KindPresent Kind = "present"
	// KindRemoved: the card on Reader was taken off (or its reader or
	// pcscd went away).
	KindRemoved Kind = "removed"
	// KindStatus: the state of Reader, or of the service when Reader is
	// "", changed; Status says to what.
	KindStatus Kind = "status"
	// KindError: a card was laid on Reader but could not be read; Detail
	// says why. A removed event follows when it is taken off.
	KindError Kind = "error"
)

// Status is the state a KindStatus event reports.
type Status string

// Statuses.
const (
	// StatusOK: pcscd answers and there is at least one reader (with
	// Reader set: that reader is plugged in).
	StatusOK Status = "ok"
	// StatusNoReader: pcscd answers but lists no reader (with Reader set:
	// that reader was unplugged).
	StatusNoReader Status = "no_reader"
	// StatusNoService: pcscd is not running or stopped answering.
	StatusNoService Status = "no_service"
	// StatusError: PC/SC failed in another way; Detail says how.
	StatusError Status = "error"
)

// Event is one thing that happened at a reader.
type Event struct {
	// Kind says what happened.
	Kind Kind `json:"kind"`
	// Reader is the PC/SC reader name, e.g. "ACS ACR122U PICC Interface
	// 00 00"; a desk is bound to its reader by this name. Empty for the
	// service's own status.
	Reader string `json:"reader,omitempty"`
	// UID is the card's UID in upper-case hex (present events).
	UID string `json:"uid,omitempty"`
	// ATR is the card's answer to reset in upper-case hex (present and
	// error events, when known).
	ATR string `json:"atr,omitempty"`
	// Unsupported marks a present event for a card whose UID is random
	// per activation (ISO 14443-3 4-byte UID starting 08): the UID
	// identifies nothing and must not be taken for a new card.
	Unsupported bool `json:"unsupported,omitempty"`
	// Status is set on status events.
	Status Status `json:"status,omitempty"`
	// Detail explains an error event, an unsupported card or a status.
	Detail string `json:"detail,omitempty"`
	// Time is when the change was seen: for present, when pcscd reported
	// the card, before it was read.
	Time time.Time `json:"time"`
}
