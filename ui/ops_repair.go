package ui

import (
	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/appliance/tickets"
	"shouhou/forms"
)

// ticketResult is the ticket after a workflow step.
type ticketResult struct {
	Ticket *appliance.Ticket `json:"ticket"`
}

// step runs one workflow step and wraps its ticket.
func step(c *call, fn func(w *tickets.Service) (*appliance.Ticket, error)) (any, error) {
	w, err := c.workflow()
	if err != nil {
		return nil, err
	}
	t, err := fn(w)
	if err != nil {
		return nil, err
	}
	return ticketResult{Ticket: t}, nil
}

// partLine is a part of a diagnosis: tickets.PartLine, whose "code" the
// screens may also send as "id" (the id fees.list gives).
type partLine struct {
	Code string `json:"code,omitempty"`
	ID   string `json:"id,omitempty"`
	Qty  int    `json:"qty"`
}

type diagnoseArgs struct {
	Number string     `json:"number"`
	Parts  []partLine `json:"parts"`
	Labour []string   `json:"labour"`
	Note   string     `json:"note,omitempty"`
}

func opTicketDiagnose(c *call, a *diagnoseArgs) (any, error) {
	d := tickets.DiagnoseArgs{Labour: a.Labour, Note: a.Note}
	for _, p := range a.Parts {
		code := p.Code
		if code == "" {
			code = p.ID
		}
		d.Parts = append(d.Parts, tickets.PartLine{Code: code, Qty: p.Qty})
	}
	return step(c, func(w *tickets.Service) (*appliance.Ticket, error) { return w.Diagnose(c.ctx, c.actor, a.Number, d) })
}

func opTicketQuote(c *call, a *numberArgs) (any, error) {
	return step(c, func(w *tickets.Service) (*appliance.Ticket, error) { return w.Quote(c.ctx, c.actor, a.Number) })
}

type answerArgs struct {
	Number   string `json:"number"`
	Accepted *bool  `json:"accepted"`
}

// opTicketAnswerQuote records the customer's answer to the quote; a
// customer at the kiosk answers for their own ticket only (the workflow
// checks).
func opTicketAnswerQuote(c *call, a *answerArgs) (any, error) {
	if a.Accepted == nil {
		return nil, appliance.FieldError("accepted", "请选择是否接受报价 / say whether the quote is accepted")
	}
	return step(c, func(w *tickets.Service) (*appliance.Ticket, error) {
		return w.AnswerQuote(c.ctx, c.actor, a.Number, *a.Accepted)
	})
}

type concludeArgs struct {
	Number string `json:"number"`
	tickets.ConcludeArgs
}

func opTicketConclude(c *call, a *concludeArgs) (any, error) {
	return step(c, func(w *tickets.Service) (*appliance.Ticket, error) {
		return w.Conclude(c.ctx, c.actor, a.Number, a.ConcludeArgs)
	})
}

type vendorArgs struct {
	Number string `json:"number"`
	Vendor string `json:"vendor"`
	Note   string `json:"note,omitempty"`
}

func opTicketVendorSend(c *call, a *vendorArgs) (any, error) {
	return step(c, func(w *tickets.Service) (*appliance.Ticket, error) {
		return w.SendToVendor(c.ctx, c.actor, a.Number, a.Vendor, a.Note)
	})
}

type noteArgs struct {
	Number string `json:"number"`
	Note   string `json:"note,omitempty"`
}

func opTicketVendorBack(c *call, a *noteArgs) (any, error) {
	return step(c, func(w *tickets.Service) (*appliance.Ticket, error) {
		return w.BackFromVendor(c.ctx, c.actor, a.Number, a.Note)
	})
}

type settleArgs struct {
	Number string `json:"number"`
	tickets.SettleArgs
}

func opTicketSettle(c *call, a *settleArgs) (any, error) {
	return step(c, func(w *tickets.Service) (*appliance.Ticket, error) {
		return w.Settle(c.ctx, c.actor, a.Number, a.SettleArgs)
	})
}

func opTicketStockArrived(c *call, a *noteArgs) (any, error) {
	return step(c, func(w *tickets.Service) (*appliance.Ticket, error) {
		return w.StockArrived(c.ctx, c.actor, a.Number, a.Note)
	})
}

func opTicketStockConfirm(c *call, a *noteArgs) (any, error) {
	return step(c, func(w *tickets.Service) (*appliance.Ticket, error) {
		return w.ConfirmStock(c.ctx, c.actor, a.Number, a.Note)
	})
}

type chargeArgs struct {
	Number string `json:"number"`
	Method string `json:"method"`
	Card   string `json:"card,omitempty"`
	// Key is the client-made idempotency key ("" for none).
	Key string `json:"key,omitempty"`
}

// opTicketCharge takes a finished service's fee, in cash or from the
// card, and prints the card's transaction receipt for a card payment
// (there is no paper form for a cash payment).
func opTicketCharge(c *call, a *chargeArgs) (any, error) {
	w, err := c.workflow()
	if err != nil {
		return nil, err
	}
	ctx, req, err := c.keyed("ticket.charge", a.Key, a)
	if err != nil {
		return nil, err
	}
	t, err := w.Charge(ctx, c.actor, a.Number, a.Method, a.Card)
	if err != nil {
		return nil, err
	}
	res := ticketPrinted{Ticket: t, Replayed: req.Replayed()}
	if t.Payment != tickets.PayCard || res.Replayed {
		return res, nil
	}
	rec, err := c.chargeRecord(t)
	if err != nil {
		c.srv.opts.Logger.Warn("ui: card receipt not printed", "ticket", t.Number, "err", err)
		res.PrintError = appliance.ErrorMessage(err)
		return res, nil
	}
	res.printed, res.PrintError = c.printAfter("card_receipt", rec, slipOpts{})
	return res, nil
}

// chargeRecord is the card receipt's record of a ticket's card charge:
// the ledger entry its charge key made, and the card after it.
func (c *call) chargeRecord(t *appliance.Ticket) (forms.Record, error) {
	var rec forms.Record
	err := c.srv.opts.Store.View(func(tx *store.Txn) error {
		e, err := tx.LedgerByKey(tickets.ChargeKey(t.Number))
		if err != nil {
			return err
		}
		rec.Ledger = []*appliance.LedgerEntry{e}
		if rec.Card, err = tx.Card(e.Card); err != nil {
			return err
		}
		rec.Customer, err = tx.Customer(rec.Card.CustomerID)
		if appliance.ErrorCode(err) == appliance.ENOTFOUND {
			err = nil
		}
		return err
	})
	rec.Ticket = t
	return rec, err
}
