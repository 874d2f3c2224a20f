package appliance

import (
	"encoding/json"
	"strings"
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
	// Operator is the staff member (or "system"; "anonymous" for a failed
	// login, whose Record names the account or desk tried).
	Operator string `json:"operator"`
	// Desk is the desk the request came from ("" for a LAN browser or the
	// system).
	Desk string `json:"desk,omitempty"`
	// Addr is the client's network address ("" for the system).
	Addr string `json:"addr,omitempty"`
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

// AuditQuery selects audit entries, newest first: every non-empty field
// must match.
type AuditQuery struct {
	// Operator is the operator's staff id, exactly.
	Operator string
	// Action is an action or the start of one ("session." for every login
	// entry).
	Action string
	// Record is a record or the start of one ("ticket/" for every ticket).
	Record string
	// From and To bound the time: From ≤ Time < To (zero: unbounded).
	From, To time.Time
	// Before continues a listing: only entries older than this ID (a
	// page's Next).
	Before string
	// Limit is the page size.
	Limit int
}

// Match reports whether e passes the query's filters (not its time
// bounds, paging or limit).
func (q AuditQuery) Match(e *AuditEntry) bool {
	return (q.Operator == "" || e.Operator == q.Operator) &&
		strings.HasPrefix(e.Action, q.Action) && recordMatch(e.Record, q.Record)
}

// recordMatch reports whether an entry's record matches the query's
// record prefix. A batch's entry names several records of one kind,
// comma-separated ("card/SC-000001,SC-000007": the card ledger audits a
// batch of money ops once), and matches when any of them does.
func recordMatch(record, prefix string) bool {
	if strings.HasPrefix(record, prefix) {
		return true
	}
	kind, ids, ok := strings.Cut(record, "/")
	if !ok || !strings.Contains(ids, ",") {
		return false
	}
	for id := range strings.SplitSeq(ids, ",") {
		if strings.HasPrefix(kind+"/"+id, prefix) {
			return true
		}
	}
	return false
}

// AuditPage is one page of audit entries, newest first.
type AuditPage struct {
	// Entries are the entries found.
	Entries []*AuditEntry `json:"entries"`
	// Next continues the listing (AuditQuery.Before); "" when nothing older
	// is left.
	Next string `json:"next,omitempty"`
}
