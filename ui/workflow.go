package ui

import (
	"context"
	"fmt"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/tickets"
	"shouhou/conf"
)

// TicketRules turns a config snapshot into the ticket workflow's rules:
// serve passes it to tickets.New, so the workflow runs on the config in
// force, technicians of staff.toml included.
func TicketRules(c *conf.Snapshot) tickets.Rules {
	r := tickets.Rules{Version: c.Version, Policy: c.Policy, Calendar: c.Calendar,
		SLA: tickets.SLA{
			FirstResponse: c.SLA.FirstResponse.D(), ComplaintReplyWorkingDays: c.SLA.ComplaintReplyWorkingDays,
			QualityCaseWorkingDays: c.SLA.QualityCaseWorkingDays, ReturnProcessingWorkingDays: c.SLA.ReturnProcessingWorkingDays,
			RepairCompletionDays: c.SLA.RepairCompletionDays, PickupNoticeIntervalDays: c.SLA.PickupNoticeIntervalDays,
			PickupNoticeCount: c.SLA.PickupNoticeCount, OutOfStockCallbackDays: c.SLA.OutOfStockCallbackDays,
			ContractExpiryNotice: c.SLA.ContractExpiryNotice.Policy(), OnsiteSolve: c.SLA.OnsiteSolve.D()},
		KeyRetention: c.Store.IdempotencyRetention.D()}
	for _, p := range c.Fees.Parts {
		r.Parts = append(r.Parts, tickets.Part{Code: p.Code, Name: p.Name, Category: p.Category, PriceFen: p.Price.Fen()})
	}
	for _, l := range c.Fees.Labour {
		r.Labour = append(r.Labour, tickets.Labour{ID: l.ID, Name: l.Name, FeeFen: l.Fee.Fen(), Categories: l.Categories})
	}
	for _, z := range c.Fees.Zones {
		r.Zones = append(r.Zones, tickets.Zone{ID: z.ID, Name: z.Name, FeeFen: z.Fee.Fen(), Response: z.Response.D()})
	}
	for _, m := range c.Staff {
		if m.Role == conf.RoleTechnician {
			r.Technicians = append(r.Technicians, tickets.Staff{ID: m.ID, Name: m.Name})
		}
	}
	return r
}

// CardCharger charges a card for a ticket through the card ledger
// (tickets.CardCharger over a cards.Service).
type CardCharger struct {
	// Cards is the card service whose ledger takes the charge.
	Cards *cards.Service
}

// Charge implements tickets.CardCharger; the reference is "CARD#SEQ".
func (c CardCharger) Charge(ctx context.Context, actor appliance.Actor, key, card string, amountFen int64, ticket string) (string, error) {
	res, err := c.Cards.Charge(ctx, actor, cards.MoneyArgs{Key: key, Card: card, AmountFen: amountFen, Ticket: ticket})
	if err != nil {
		return "", err
	}
	if len(res.Entries) == 0 {
		return card, nil
	}
	return fmt.Sprintf("%s#%d", card, res.Entries[0].Seq), nil
}

var _ tickets.CardCharger = CardCharger{}
