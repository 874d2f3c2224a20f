package appliance

import (
	"encoding/json"
	"time"
)

// AuditEntry records who did what to which record, when, with the record
// before and after. Audit entries are never edited.
type AuditEntry struct {
	// ID orders the audit log store-wide: the time in nanoseconds, zero
	// padded, then a random suffix, so concurrent writers never contend.
	ID string `json:"id"`
	// Time is when it happened.
	Time time.Time `json:"time"`
	// Operator is the staff member (or "system").
	Operator string `json:"operator"`
	// Action names the change, e.g. "ticket.transition".
	Action string `json:"action"`
	// Record names the record, e.g. "ticket/T20261123-0042".
	Record string `json:"record"`
	// Reason is the operator's stated reason, when one is required.
	Reason string `json:"reason,omitempty"`
	// Before is the record before the change (null for a creation).
	Before json.RawMessage `json:"before,omitempty"`
	// After is the record after the change (null for a deletion).
	After json.RawMessage `json:"after,omitempty"`
}
