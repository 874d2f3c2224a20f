package ui

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
)

// The idle kiosk's lookup over the wire: number and last four both match
// or nothing; the answer holds no one's name, phone or card; misses lock
// the desk out and, from any desk, the number; desk.today's queue counts
// the day's intakes.
func TestTicketStatusLookup(t *testing.T) {
	w := mustWorkflowRig(t)
	clerk := w.deskClerk(t)
	anon := w.dial(t, "desk1", "")
	var before deskToday
	mustOK(t, anon, "desk.today", nil, &before)
	var n, m ticketReply
	mustOK(t, clerk, "ticket.intake", repairArgs("lookup-1"), &n)
	mustOK(t, clerk, "ticket.intake", repairArgs("lookup-2"), &m)
	var after deskToday
	mustOK(t, anon, "desk.today", nil, &after)
	h := w.srv.config().Store.Hours
	if after.Queue != before.Queue+2 || after.Open != h.Open.String() || after.Close != h.Close.String() {
		t.Errorf("desk.today = %+v (before the intakes %+v), want queue +2 and hours %s–%s", after, before, h.Open, h.Close)
	}

	r := anon.call("ticket.status", map[string]string{"number": n.Ticket.Number, "last4": "0020"})
	if !r.OK {
		t.Fatalf("ticket.status with the right digits = %+v", r.Error)
	}
	var keys map[string]json.RawMessage
	if err := json.Unmarshal(r.Result, &keys); err != nil {
		t.Fatal(err)
	}
	for k := range keys {
		if !slices.Contains([]string{"number", "kind", "status", "due", "fee_fen", "paid_fen", "quote_open"}, k) {
			t.Errorf("ticket.status result has %q (%s), want only the ticket's state, due date and fee", k, r.Result)
		}
	}
	wantRefused(t, anon, "ticket.status", map[string]string{"number": n.Ticket.Number, "last4": "20"}, "invalid", "last4")
	wantRefused(t, anon, "ticket.status", map[string]string{"number": "0001", "last4": "0020"}, "invalid", "number")
	wantRefused(t, clerk, "ticket.status", map[string]string{"number": n.Ticket.Number, "last4": "0020"}, CodeForbidden, "")

	// Five misses on n from desk1: desk1 and the number n are locked out.
	for i := range 5 {
		wantRefused(t, anon, "ticket.status", map[string]string{"number": n.Ticket.Number, "last4": fmt.Sprintf("%04d", i)}, "not_found", "")
	}
	wantRefused(t, anon, "ticket.status", map[string]string{"number": m.Ticket.Number, "last4": "0020"}, CodeRateLimited, "")
	other := w.dial(t, "", "")
	wantRefused(t, other, "ticket.status", map[string]string{"number": n.Ticket.Number, "last4": "0020"}, CodeRateLimited, "")
	mustOK(t, other, "ticket.status", map[string]string{"number": m.Ticket.Number, "last4": "0020"}, nil)

	// Misses on numbers that do not exist count against the desk just the same.
	for i := range 5 {
		wantRefused(t, other, "ticket.status", map[string]string{"number": fmt.Sprintf("T20000101-%04d", i+1), "last4": "0020"}, "not_found", "")
	}
	wantRefused(t, other, "ticket.status", map[string]string{"number": m.Ticket.Number, "last4": "0020"}, CodeRateLimited, "")
}
