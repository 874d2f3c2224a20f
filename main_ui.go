package main

import (
	"context"
	"fmt"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/tickets"
	"shouhou/conf"
	"shouhou/drivers/printer"
	"shouhou/ui"
)

// newUI builds the desk's screens on what Run opened: the store, the card
// service, the ticket workflow, the bus, the config, the print queue and
// the demo reader.
func (m *Main) newUI() *ui.Server {
	o := ui.Options{Store: m.db, Cards: m.cards, Bus: m.bus, Config: m.Config, Logger: m.Logger,
		Version: version, Now: m.Now}
	o.Tickets = tickets.New(m.db, tickets.Options{Rules: func() tickets.Rules { return ticketRules(m.Config()) },
		Bus: m.bus, Charger: cardCharger{m.cards}, Now: m.Now, Logger: m.Logger})
	if m.readers != nil && m.readers.demo != nil {
		o.Demo = m.readers.demo
	}
	if q := m.PrintQueue(); q != nil {
		o.Printers = printQueueView{q}
	}
	return ui.NewServer(o)
}

// ticketRules turns a config snapshot into the ticket workflow's rules.
func ticketRules(c *conf.Snapshot) tickets.Rules {
	r := tickets.Rules{Version: c.Version, Policy: c.Policy, Calendar: c.Calendar,
		SLA: tickets.SLA{
			FirstResponse: c.SLA.FirstResponse.D(), ComplaintReplyWorkingDays: c.SLA.ComplaintReplyWorkingDays,
			QualityCaseWorkingDays: c.SLA.QualityCaseWorkingDays, ReturnProcessingWorkingDays: c.SLA.ReturnProcessingWorkingDays,
			RepairCompletionDays: c.SLA.RepairCompletionDays, PickupNoticeIntervalDays: c.SLA.PickupNoticeIntervalDays,
			PickupNoticeCount: c.SLA.PickupNoticeCount, OutOfStockCallbackDays: c.SLA.OutOfStockCallbackDays,
			ContractExpiryNotice: c.SLA.ContractExpiryNotice.Policy(), OnsiteSolve: c.SLA.OnsiteSolve.D()}}
	for _, p := range c.Fees.Parts {
		r.Parts = append(r.Parts, tickets.Part{Code: p.Code, Name: p.Name, Category: p.Category, PriceFen: p.Price.Fen()})
	}
	for _, l := range c.Fees.Labour {
		r.Labour = append(r.Labour, tickets.Labour{ID: l.ID, Name: l.Name, FeeFen: l.Fee.Fen(), Categories: l.Categories})
	}
	for _, z := range c.Fees.Zones {
		r.Zones = append(r.Zones, tickets.Zone{ID: z.ID, Name: z.Name, FeeFen: z.Fee.Fen(), Response: z.Response.D()})
	}
	return r
}

// cardCharger charges a card for a ticket through the card ledger.
type cardCharger struct{ svc *cards.Service }

// Charge implements tickets.CardCharger; the reference is "CARD#SEQ".
func (c cardCharger) Charge(ctx context.Context, actor appliance.Actor, key, card string, amountFen int64, ticket string) (string, error) {
	res, err := c.svc.Charge(ctx, actor, cards.MoneyArgs{Key: key, Card: card, AmountFen: amountFen, Ticket: ticket})
	if err != nil {
		return "", err
	}
	if len(res.Entries) == 0 {
		return card, nil
	}
	return fmt.Sprintf("%s#%d", card, res.Entries[0].Seq), nil
}

var _ tickets.CardCharger = cardCharger{}

// printQueueView shows the print queue to the screens.
type printQueueView struct{ *printer.Queue }

// Printers returns every printer's state.
func (v printQueueView) Printers() any { return v.Queue.Printers() }

var _ ui.PrintQueue = printQueueView{}
