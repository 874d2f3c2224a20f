package ui

import (
	"context"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/appliance/tickets"
)

// previewResult is the ticket an intake would make, not stored.
type previewResult struct {
	Ticket *appliance.Ticket `json:"ticket"`
	// NeedsApproval is true when the intake would wait for a supervisor.
	NeedsApproval bool `json:"needs_approval"`
}

// opTicketPreview shows the decision, due date and fees an intake would
// record, recording nothing. It takes ticket.intake's arguments, so a
// screen may send the same object to both; the key is not used.
func opTicketPreview(c *call, a *intakeArgs) (any, error) {
	w, err := c.workflow()
	if err != nil {
		return nil, err
	}
	t, err := w.Preview(c.ctx, c.actor, a.IntakeArgs)
	if err != nil {
		return nil, err
	}
	return previewResult{Ticket: t, NeedsApproval: t.Status == appliance.StatusApproval}, nil
}

// intakeArgs are an intake with the screen's idempotency key.
type intakeArgs struct {
	tickets.IntakeArgs
	// Key is the client-made idempotency key ("" for none).
	Key string `json:"key,omitempty"`
}

// ticketPrinted is a ticket after an op that printed one of its slips.
type ticketPrinted struct {
	Ticket *appliance.Ticket `json:"ticket"`
	printed
	// PrintError says why no slip was queued, when one should have been.
	PrintError string `json:"print_error,omitempty"`
	// Replayed is true when the key had made the ticket before: nothing
	// was done or printed this time.
	Replayed bool `json:"replayed,omitempty"`
}

// opTicketIntake records a ticket and prints its intake slip on the
// desk's printer. A print problem does not undo the intake.
func opTicketIntake(c *call, a *intakeArgs) (any, error) {
	w, err := c.workflow()
	if err != nil {
		return nil, err
	}
	t, replayed, err := c.intakeOnce(w, a)
	if err != nil {
		return nil, err
	}
	if replayed {
		return ticketPrinted{Ticket: t, Replayed: true}, nil
	}
	p, perr := c.printTicketAfter(t, intakeSlip)
	return ticketPrinted{Ticket: t, printed: p, PrintError: perr}, nil
}

// intakeOnce takes the ticket in, once per key: a retry with the key of
// an intake that succeeded returns that ticket, replayed, after a restart
// too (the key is kept with the ticket, store.Request).
func (c *call) intakeOnce(w *tickets.Service, a *intakeArgs) (t *appliance.Ticket, replayed bool, err error) {
	ctx, req, err := c.keyed("ticket.intake", a.Key, a)
	if err != nil {
		return nil, false, err
	}
	t, err = w.Intake(ctx, c.actor, a.IntakeArgs)
	return t, req.Replayed(), err
}

// keyed returns the call's context carrying the request op with the
// client's idempotency key and its arguments, for the one domain call
// that does the work ("" key: the context as it is, and a nil request).
func (c *call) keyed(op, key string, args any) (context.Context, *store.Request, error) {
	req, err := store.NewRequest(op, key, args)
	if err != nil {
		return nil, nil, err
	}
	return store.WithRequest(c.ctx, req), req, nil
}

type printArgs struct {
	Number string `json:"number"`
	Form   string `json:"form"`
	// Key is the client-made idempotency key ("" for none): a retry
	// returns the first job and prints nothing again.
	Key string `json:"key,omitempty"`
}

// opTicketPrint prints one of a ticket's slips on the desk's printer.
func opTicketPrint(c *call, a *printArgs) (any, error) {
	if a.Number == "" {
		return nil, appliance.FieldError("number", "请输入服务单号 / enter a ticket number")
	}
	if a.Form == "" {
		return nil, appliance.FieldError("form", "请选择单据 / pick a form")
	}
	if _, err := c.printers(); err != nil {
		return nil, err
	}
	var t *appliance.Ticket
	err := c.srv.opts.Store.View(func(tx *store.Txn) (err error) {
		t, err = tx.Ticket(a.Number)
		return err
	})
	if err != nil {
		return nil, err
	}
	req, err := store.NewRequest("ticket.print", a.Key, a)
	if err != nil {
		return nil, err
	}
	p, err := c.printTicket(t, a.Form, req)
	if err != nil {
		return nil, err
	}
	if p.Printer == "" {
		return nil, unavailable("此服务台没有配置打印机 / no printer is configured for this desk")
	}
	return p, nil
}
