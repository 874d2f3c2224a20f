package main

import (
	"context"
	"time"

	"shouhou/appliance/tickets"
	"shouhou/drivers/printer"
	"shouhou/ui"
)

// schedulerEvery is how often the ticket scheduler runs in serve.
const schedulerEvery = time.Minute

// newUI builds the desk's screens on what Run opened: the store, the card
// service, the ticket workflow, the bus, the config, the print queue and
// the demo reader. It starts the workflow's scheduler (overdue tickets,
// mail-back, forgetting idempotency keys past their retention) until bg
// ends; Close waits for it.
func (m *Main) newUI(bg context.Context) *ui.Server {
	o := ui.Options{Store: m.db, Cards: m.cards, Bus: m.bus, Config: m.Config, Logger: m.Logger, Memory: m.memory,
		Version: version, Now: m.Now, Purchases: m.purchases}
	o.Tickets = tickets.New(m.db, tickets.Options{Rules: func() tickets.Rules { return ui.TicketRules(m.Config()) },
		Bus: m.bus, Charger: ui.CardCharger{Cards: m.cards}, Now: m.Now, Logger: m.Logger})
	m.schedDone = make(chan struct{})
	go func() {
		defer close(m.schedDone)
		o.Tickets.Run(bg, schedulerEvery)
	}()
	if m.readers != nil && m.readers.demo != nil {
		o.Demo = m.readers.demo
	}
	if m.tls != nil {
		o.CA = m.tls
	}
	if q := m.PrintQueue(); q != nil {
		o.Printers = printQueueView{q}
	}
	o.PaperText = printer.Text
	if m.uplink != nil {
		o.Chain = func() any { return m.chainStatus() }
	}
	if m.foreign != nil {
		o.ForeignCards = m.foreign
	}
	return ui.NewServer(o)
}

// printQueueView shows the print queue to the screens.
type printQueueView struct{ *printer.Queue }

// Printers returns every printer's state.
func (v printQueueView) Printers() any { return v.Queue.Printers() }

var _ ui.PrintQueue = printQueueView{}
