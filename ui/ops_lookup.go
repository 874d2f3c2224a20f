package ui

import (
	"fmt"
	"strings"
	"time"

	"shouhou/appliance"
)

// The idle kiosk's ticket lookup is open to anyone at the desk, so
// guessing is bounded twice: per desk (or address off a desk) and per
// ticket number; a lookup that matches forgets the desk's misses.
const (
	lookupDeskMax     = 5
	lookupDeskWindow  = 5 * time.Minute
	lookupNumberMax   = 5
	lookupNumberLock  = 30 * time.Minute
	lookupNumberLimit = 15 * time.Minute
)

// lookupLimits are the two limiters of ticket.status.
type lookupLimits struct {
	desk   *limiter // misses per desk (or remote address off a desk)
	number *limiter // misses per ticket number, from anywhere
}

func newLookupLimits(now func() time.Time) *lookupLimits {
	return &lookupLimits{desk: newLimiter(lookupDeskMax, lookupDeskWindow, lookupDeskWindow, now),
		number: newLimiter(lookupNumberMax, lookupNumberLimit, lookupNumberLock, now)}
}

type statusArgs struct {
	// Number is the ticket number, typed or scanned from the slip.
	Number string `json:"number"`
	// Last4 are the last four digits of the customer's phone.
	Last4 string `json:"last4"`
}

// opTicketStatus is the idle kiosk's lookup: a ticket's status, due date
// and fee when the number and the phone's last four digits both match.
// A slip scanned alone does not suffice: a scanner types like a keyboard
// and numbers are sequential, so the number alone is no proof.
func opTicketStatus(c *call, a *statusArgs) (any, error) {
	w, err := c.workflow()
	if err != nil {
		return nil, err
	}
	lim := c.srv.lookups
	deskKey := "desk:" + c.conn.desk
	if c.conn.desk == "" {
		deskKey = "addr:" + c.conn.remote
	}
	number := strings.ToUpper(strings.TrimSpace(a.Number))
	if left := max(lim.desk.locked(deskKey), lim.number.locked(number)); left > 0 {
		return nil, lookupLockedError(left)
	}
	st, err := w.Lookup(c.ctx, number, strings.TrimSpace(a.Last4))
	if appliance.ErrorCode(err) == appliance.ENOTFOUND {
		lim.desk.fail(deskKey)
		lim.number.fail(number)
	}
	if err != nil {
		return nil, err
	}
	lim.desk.reset(deskKey)
	return st, nil
}

// lookupLockedError is the message shown while lookups are locked out.
func lookupLockedError(left time.Duration) *WireError {
	min := int(left.Minutes()) + 1
	return &WireError{Code: CodeRateLimited, Message: fmt.Sprintf(
		"查询失败次数过多，请 %d 分钟后再试或到柜台咨询 / too many failed lookups: try again in %d minutes or ask at the desk", min, min)}
}

// deskToday is what the idle kiosk shows everyone: the desk's hours and
// today's queue.
type deskToday struct {
	// Open and Close are the desk's hours, "09:00" (store.toml [hours]).
	Open  string `json:"open"`
	Close string `json:"close"`
	// Queue counts the tickets taken in today that are still open
	// (tickets.QueueToday: the store's, as tickets carry no desk).
	Queue int `json:"queue"`
}

func opDeskToday(c *call, _ *none) (any, error) {
	w, err := c.workflow()
	if err != nil {
		return nil, err
	}
	n, err := w.QueueToday(c.ctx)
	if err != nil {
		return nil, err
	}
	h := c.srv.config().Store.Hours
	return deskToday{Open: h.Open.String(), Close: h.Close.String(), Queue: n}, nil
}
