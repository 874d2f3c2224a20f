package reports

import (
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// openStatuses are the statuses of a ticket still being handled.
var openStatuses = []appliance.TicketStatus{appliance.StatusOpen, appliance.StatusApproval, appliance.StatusInRepair,
	appliance.StatusAtVendor, appliance.StatusReady, appliance.StatusMailBack}

// numberBefore is the first ticket number of the day after t's: tickets
// are numbered by intake day, so none numbered from there on was taken in
// before that day began.
func (r *Reports) numberBefore(t time.Time) string {
	return "T" + r.startOfDay(t).Format("20060102")
}

// walk calls fn with every ticket that can count in a report about
// [since, until): those numbered before until's day whose last change or
// due time is at or after since (store.EachTicketTouched), and, when
// stale is set, also the tickets still being handled that were untouched
// since then (an old open ticket counts as overdue), each once.
func (r *Reports) walk(tx *store.Txn, since, until time.Time, stale bool, fn func(*appliance.Ticket) error) error {
	if err := tx.EachTicketTouched(since, "", r.numberBefore(until), fn); err != nil {
		return err
	}
	if !stale {
		return nil
	}
	var ferr error
	err := eachOpen(tx, func(t *appliance.Ticket) {
		if ferr == nil && t.Updated.Before(since) && t.Due.Before(since) && t.Created.Before(until) {
			ferr = fn(t)
		}
	})
	if err != nil {
		return err
	}
	return ferr
}

// walkReports calls fn with the report record of every ticket that can
// count in a report about [since, until), as walk without stale does.
func (r *Reports) walkReports(tx *store.Txn, since, until time.Time, fn func(*store.TicketReport) error) error {
	return tx.EachTicketReport(since, "", r.numberBefore(until), fn)
}

// eachOpen calls fn with every ticket still being handled, through the
// status index.
func eachOpen(tx *store.Txn, fn func(*appliance.Ticket)) error {
	for _, s := range openStatuses {
		ts, err := tx.TicketsByStatus(s, 0)
		if err != nil {
			return err
		}
		for _, t := range ts {
			fn(t)
		}
	}
	return nil
}
