package store

import (
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

// auditScanMax bounds the entries one Audits call reads, so a filter that
// matches little over a long log answers in time; the page then ends early
// with a Next to go on from.
const auditScanMax = 20000

// auditMaxPage is the largest page Audits returns.
const auditMaxPage = 500

// AuditBy is Audit for an actor: the entry also records the desk and the
// address the request came from.
func (tx *Txn) AuditBy(actor appliance.Actor, action, record, reason string, before, after any) error {
	return tx.audit(actor, action, record, reason, before, after)
}

// Audits returns a page of the audit entries q selects, newest first. The
// log is read from q.To (or q.Before) back to q.From.
func (tx *Txn) Audits(q appliance.AuditQuery) (*appliance.AuditPage, error) {
	limit := q.Limit
	if limit <= 0 || limit > auditMaxPage {
		limit = auditMaxPage
	}
	prefix := []byte("r/" + audits.name + "/")
	opts := badger.DefaultIteratorOptions
	opts.Reverse = true
	opts.Prefix = prefix
	it := tx.t.NewIterator(opts)
	defer it.Close()
	// Keys sort by time: seek just below the upper bound.
	seek := string(prefix) + "~"
	if !q.To.IsZero() {
		seek = string(prefix) + fmt.Sprintf("%020d", q.To.UnixNano())
	}
	if q.Before != "" && string(prefix)+q.Before < seek {
		seek = string(prefix) + q.Before
	}
	floor := ""
	if !q.From.IsZero() {
		floor = fmt.Sprintf("%020d", q.From.UnixNano())
	}
	page := &appliance.AuditPage{Entries: []*appliance.AuditEntry{}}
	read, last := 0, ""
	for it.Seek([]byte(seek)); it.ValidForPrefix(prefix); it.Next() {
		id := string(it.Item().Key()[len(prefix):])
		if string(prefix)+id >= seek {
			continue // the entry Before names, or one at To
		}
		if id < floor {
			break
		}
		if len(page.Entries) == limit || read == auditScanMax {
			page.Next = last
			break
		}
		read++
		e := new(appliance.AuditEntry)
		if err := it.Item().Value(func(v []byte) error { return decode(v, e) }); err != nil {
			return nil, fmt.Errorf("store: read audit %s: %w", id, err)
		}
		if q.Match(e) {
			page.Entries = append(page.Entries, e)
		}
		last = id
	}
	return page, nil
}

// AuditEntry returns the audit entry id, or an ENOTFOUND error.
func (tx *Txn) AuditEntry(id string) (*appliance.AuditEntry, error) { return audits.mustGet(tx, id) }
