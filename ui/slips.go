package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/conf"
	"shouhou/forms"
)

// intakeSlip is the ticket.print name of a ticket's intake slip: the form
// its kind is taken in on (intakeForm).
const intakeSlip = "intake"

// printed is where a slip went: the job's ID and the printer's ID, both
// "" when nothing was queued.
type printed struct {
	Job     string `json:"print_job"`
	Printer string `json:"printer"`
}

// slips renders the store's forms and queues them on a desk's printer.
type slips struct {
	queue  PrintQueue            // nil: no print queue runs
	config func() *conf.Snapshot // the config in force
	now    func() time.Time
}

// slipOpts are the choices of one slip.
type slipOpts struct {
	// drawer kicks the cash drawer open before the slip prints (a cash payout).
	drawer bool
	// parts are the parts of a multi-part form to print (1-based, e.g. [2]
	// to reprint a lost customer copy); nil prints them all.
	parts []int
	// req is the print's own keyed request (store.Request), if the client
	// sent a key: a retry returns the first job instead of a second slip.
	req *store.Request
}

// slips returns the server's slip printer.
func (s *Server) slips() slips {
	return slips{queue: s.opts.Printers, config: s.config, now: s.opts.Now}
}

// deskPrinter returns the printer of desk in cfg: the desk's own, or for
// a screen on no desk (a LAN browser) the first desk's. ok is false when
// there is none in devices.toml.
func deskPrinter(cfg *conf.Snapshot, desk string) (conf.Printer, bool) {
	d, ok := cfg.Desk(desk)
	if !ok {
		if desk != "" || len(cfg.Devices.Desks) == 0 {
			return conf.Printer{}, false
		}
		d = cfg.Devices.Desks[0]
	}
	return cfg.Printer(d.Printer)
}

// print renders form from rec at the paper width of desk's printer and
// queues it there. With no print queue or no printer for the desk it
// queues nothing and returns a zero printed. The form's definition decides
// its parts (a two-part form prints both, cut between, unless o.parts
// picks some). A form that cannot
// be filled from rec is an EINVALID error on "form".
func (sl slips) print(ctx context.Context, actor appliance.Actor, desk, form string, rec forms.Record, o slipOpts) (printed, error) {
	if sl.queue == nil {
		return printed{}, nil
	}
	doc, p, err := sl.render(actor, desk, form, rec, o)
	if err != nil || doc == nil {
		return printed{}, err
	}
	id, err := sl.queue.Enqueue(store.WithRequest(ctx, o.req), actor.ID, form, doc, p.ID, 1)
	if err != nil {
		return printed{Printer: p.ID}, fmt.Errorf("queue %s on %s: %w", form, p.ID, err)
	}
	return printed{Job: id, Printer: p.ID}, nil
}

// render is the document print queues: form filled from rec at the
// paper width of desk's printer. It is nil, with no error, when the desk
// has no printer.
func (sl slips) render(actor appliance.Actor, desk, form string, rec forms.Record, o slipOpts) (*forms.Document, conf.Printer, error) {
	cfg := sl.config()
	p, ok := deskPrinter(cfg, desk)
	if !ok {
		return nil, p, nil
	}
	f, err := forms.ByName(form)
	if err != nil {
		return nil, p, appliance.FieldError("form", "没有单据 %q / no form %q", form, form)
	}
	cols, err := forms.ColumnsFor(p.Width)
	if err != nil {
		return nil, p, fmt.Errorf("printer %s: %w", p.ID, err)
	}
	rec.Store = storeInfo(cfg)
	rec.Operator, rec.Printed = actor.ID, sl.now()
	doc, err := forms.RenderParts(f, rec, cols, o.parts...)
	if err != nil {
		return nil, p, appliance.FieldError("form", "单据 %s 无法填写 / the %s form cannot be filled: %s", form, form, appliance.ErrorMessage(err))
	}
	if o.drawer {
		doc.Blocks = slices.Insert(doc.Blocks, 0, forms.Block{Kind: forms.KindDrawer})
	}
	return doc, p, nil
}

// storeInfo is the store's header on every slip (store.toml).
func storeInfo(cfg *conf.Snapshot) forms.StoreInfo {
	s := cfg.Store
	return forms.StoreInfo{Name: s.Name, Branch: s.Branch, Address: s.Address, Phone: s.Phone, Location: s.Location}
}

// desk is the desk whose printer the caller's slips go to: the kiosk's,
// else the one its session logged in at ("" for a LAN browser).
func (c *call) desk() string {
	if c.conn.desk != "" || c.sess == nil {
		return c.conn.desk
	}
	return c.sess.desk
}

// printSlip prints form from rec on the caller's desk printer.
func (c *call) printSlip(form string, rec forms.Record, o slipOpts) (printed, error) {
	return c.srv.slips().print(c.ctx, c.actor, c.desk(), form, rec, o)
}

// printAfter prints a slip after a change that has been committed: a print
// problem is logged and shown in the result, never the op's error. The
// printer is named even when the job could not be queued.
func (c *call) printAfter(form string, rec forms.Record, o slipOpts) (printed, string) {
	p, err := c.printSlip(form, rec, o)
	if err != nil {
		c.srv.opts.Logger.Warn("ui: slip not printed", "form", form, "actor", c.actor.ID, "err", err)
		return p, appliance.ErrorMessage(err)
	}
	return p, ""
}

// ticketRecord is what a ticket's slips are filled from: the ticket, its
// customer, purchase and card as the store holds them (a missing one is
// left out).
func ticketRecord(tx *store.Txn, t *appliance.Ticket) (forms.Record, error) {
	rec := forms.Record{Ticket: t}
	var err error
	if rec.Customer, err = tx.Customer(t.CustomerID); err != nil && appliance.ErrorCode(err) != appliance.ENOTFOUND {
		return rec, err
	}
	if t.PurchaseID != "" {
		if rec.Purchase, err = tx.Purchase(t.PurchaseID); err != nil && appliance.ErrorCode(err) != appliance.ENOTFOUND {
			return rec, err
		}
	}
	if t.Card != "" {
		if rec.Card, err = tx.Card(t.Card); err != nil && appliance.ErrorCode(err) != appliance.ENOTFOUND {
			return rec, err
		}
	}
	return rec, nil
}

// loadTicketRecord reads a ticket's record in its own transaction.
func (c *call) loadTicketRecord(t *appliance.Ticket) (forms.Record, error) {
	var rec forms.Record
	err := c.srv.opts.Store.View(func(tx *store.Txn) (err error) {
		rec, err = ticketRecord(tx, t)
		return err
	})
	return rec, err
}

// ticketForms are the forms a ticket's slip can be printed on: those
// that carry the ticket number (the others are a card's receipt or a
// day's report). intakeSlip stands for the ticket kind's intake form.
func ticketForms() []string {
	out := []string{intakeSlip}
	for _, f := range forms.All() {
		for _, fd := range f.Fields() {
			if fd.Source == "ticket.number" {
				out = append(out, f.Name)
				break
			}
		}
	}
	return out
}

// intakeForm is the slip a ticket of kind k is taken in on (DOMAIN.md
// "Forms"; 第二十一条: fill in the matching form): the storage card, the
// delivery slip, the out-of-stock registration, the return/exchange
// registration, and for every other kind the two-part tracking card
// (售后服务跟踪卡), its repair part for the repair department.
func intakeForm(k appliance.TicketKind) string {
	switch k {
	case appliance.KindStorage:
		return "storage"
	case appliance.KindDelivery:
		return "delivery"
	case appliance.KindOutOfStock:
		return "out_of_stock"
	case appliance.KindReturn, appliance.KindExchange:
		return "return"
	}
	return "tracking"
}

// slipValues are the values a ticket's slip takes that no record holds:
// a delivery slip's delivery time is when it is printed (the goods go out
// with it).
func slipValues(form string, now time.Time, loc *time.Location) map[string]string {
	if form != "delivery" {
		return nil
	}
	if loc != nil {
		now = now.In(loc)
	}
	return map[string]string{"delivery_time": now.Format(forms.DateTimeFormat)}
}

// printTicket prints form ("intake" for the kind's intake slip) for t.
func (c *call) printTicket(t *appliance.Ticket, form string, req *store.Request) (printed, error) {
	if form == intakeSlip {
		form = intakeForm(t.Kind)
	}
	if !slices.Contains(ticketForms(), form) {
		return printed{}, appliance.FieldError("form", "单据 %q 不能按服务单打印，可选：%s / the %q form cannot be printed for a ticket; choose one of: %s",
			form, strings.Join(ticketForms(), ", "), form, strings.Join(ticketForms(), ", "))
	}
	rec, err := c.loadTicketRecord(t)
	if err != nil {
		return printed{}, err
	}
	rec.Values = slipValues(form, c.srv.opts.Now(), c.srv.config().Store.Location)
	return c.printSlip(form, rec, slipOpts{req: req})
}

// printTicketAfter prints t's slip after a committed change (see printAfter).
func (c *call) printTicketAfter(t *appliance.Ticket, form string) (printed, string) {
	p, err := c.printTicket(t, form, nil)
	if err != nil {
		c.srv.opts.Logger.Warn("ui: slip not printed", "form", form, "ticket", t.Number, "err", err)
		return p, appliance.ErrorMessage(err)
	}
	return p, ""
}
