package ui

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/appliance/tickets"
)

// boardStatuses are the statuses the board shows by default: every open one.
var boardStatuses = []appliance.TicketStatus{appliance.StatusOpen, appliance.StatusApproval, appliance.StatusInRepair,
	appliance.StatusAtVendor, appliance.StatusReady, appliance.StatusMailBack}

// workflow returns the ticket workflow or an unavailable error.
func (c *call) workflow() (*tickets.Service, error) {
	if c.srv.opts.Tickets == nil {
		return nil, unavailable("服务单流程未启动 / the ticket workflow is not running")
	}
	return c.srv.opts.Tickets, nil
}

type listArgs struct {
	Status     appliance.TicketStatus `json:"status,omitempty"`
	Kind       appliance.TicketKind   `json:"kind,omitempty"`
	Technician string                 `json:"technician,omitempty"`
	Overdue    bool                   `json:"overdue,omitempty"`
	Limit      int                    `json:"limit,omitempty"`
}

// opTicketsList is the ticket board, filtered, soonest due first.
// withPeople names the customer (name, first phone) and the technician of
// each board line.
func (c *call) withPeople(tx *store.Txn, out []TicketSummary) error {
	techs := map[string]string{}
	for _, m := range c.srv.config().Staff {
		techs[m.ID] = m.Name
	}
	for i := range out {
		out[i].TechnicianName = techs[out[i].Technician]
		if out[i].CustomerID == "" {
			continue
		}
		cu, err := tx.Customer(out[i].CustomerID)
		if appliance.ErrorCode(err) == appliance.ENOTFOUND {
			continue
		}
		if err != nil {
			return fmt.Errorf("tickets.list: customer of %s: %w", out[i].Number, err)
		}
		out[i].CustomerName = cu.Name
		if len(cu.Phones) > 0 {
			out[i].Phone = cu.Phones[0]
		}
	}
	return nil
}

func opTicketsList(c *call, a *listArgs) (any, error) {
	if a.Limit <= 0 || a.Limit > 500 {
		a.Limit = 200
	}
	statuses := boardStatuses
	if a.Status != "" {
		statuses = []appliance.TicketStatus{a.Status}
	}
	now := c.srv.opts.Now()
	out := []TicketSummary{}
	err := c.srv.opts.Store.View(func(tx *store.Txn) error {
		for _, st := range statuses {
			ts, err := tx.TicketsByStatus(st, a.Limit)
			if err != nil {
				return err
			}
			for _, t := range ts {
				sum := summarize(t, now)
				if (a.Kind == "" || t.Kind == a.Kind) && (a.Technician == "" || t.Technician == a.Technician) && (!a.Overdue || sum.Overdue) {
					out = append(out, sum)
				}
			}
		}
		sort.SliceStable(out, func(i, j int) bool { return dueBefore(out[i].Due, out[j].Due) })
		if len(out) > a.Limit {
			out = out[:a.Limit]
		}
		return c.withPeople(tx, out)
	})
	return out, err
}

// dueBefore orders the board soonest due first, tickets without a
// deadline last.
func dueBefore(a, b time.Time) bool {
	if a.IsZero() || b.IsZero() {
		return !a.IsZero() && b.IsZero()
	}
	return a.Before(b)
}

type numberArgs struct {
	Number string `json:"number"`
}

// ticketDetail is a ticket with its customer and what the caller may do next.
type ticketDetail struct {
	Ticket   *appliance.Ticket        `json:"ticket"`
	Customer *appliance.Customer      `json:"customer,omitempty"`
	Purchase *appliance.Purchase      `json:"purchase,omitempty"`
	Next     []appliance.TicketStatus `json:"next"`
	// Names are the staff names of the ids on the ticket (its technician,
	// the operators of its history), for the screen to show people by name.
	Names map[string]string `json:"names"`
	// ComplaintReason is the name of a complaint's reason (policy.toml
	// [[complaint_reasons]] name), "" when the ticket has none or its code
	// is no longer in the list (the screen then shows the code).
	ComplaintReason string `json:"complaint_reason,omitempty"`
}

// complaintReasonName is the name policy.toml in force gives a complaint
// reason code, "" for one it does not list.
func (c *call) complaintReasonName(code string) string {
	for _, r := range c.srv.config().Policy.ComplaintReasons {
		if code != "" && r.Code == code {
			return r.Name
		}
	}
	return ""
}

// staffNames maps the staff ids among ids to their names (staff.toml).
func (c *call) staffNames(ids ...string) map[string]string {
	out := map[string]string{}
	for _, m := range c.srv.config().Staff {
		if slices.Contains(ids, m.ID) && m.Name != "" {
			out[m.ID] = m.Name
		}
	}
	return out
}

// opTicketGet is one ticket with its history; a customer sees only their own.
func opTicketGet(c *call, a *numberArgs) (any, error) {
	if a.Number == "" {
		return nil, appliance.FieldError("number", "请输入服务单号 / enter a ticket number")
	}
	var d ticketDetail
	err := c.srv.opts.Store.View(func(tx *store.Txn) (err error) {
		if d.Ticket, err = tx.Ticket(a.Number); err != nil {
			return err
		}
		if c.actor.Role == appliance.RoleCustomer && d.Ticket.CustomerID != c.actor.ID {
			return appliance.Errorf(appliance.ENOTFOUND, "未找到服务单 / no such ticket")
		}
		if c.actor.Role != appliance.RoleCustomer {
			if d.Customer, err = tx.Customer(d.Ticket.CustomerID); err != nil && appliance.ErrorCode(err) != appliance.ENOTFOUND {
				return err
			}
			if d.Ticket.PurchaseID != "" {
				if d.Purchase, err = tx.Purchase(d.Ticket.PurchaseID); err != nil && appliance.ErrorCode(err) != appliance.ENOTFOUND {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	d.Next = tickets.Allowed(d.Ticket.Kind, d.Ticket.Status, c.actor.Role)
	if d.Next == nil {
		d.Next = []appliance.TicketStatus{}
	}
	ids := []string{d.Ticket.Technician}
	for _, h := range d.Ticket.History {
		ids = append(ids, h.Operator)
	}
	d.Names = c.staffNames(ids...)
	d.ComplaintReason = c.complaintReasonName(d.Ticket.ComplaintReason)
	return d, nil
}

func opTicketSearch(c *call, a *tickets.Query) (any, error) {
	if a.WalksText() {
		if err := c.srv.opts.Memory.Admit("全文查找", "a free-text search"); err != nil {
			return nil, err
		}
	}
	w, err := c.workflow()
	if err != nil {
		return nil, err
	}
	ts, err := w.Search(c.ctx, *a)
	if err != nil {
		return nil, err
	}
	now := c.srv.opts.Now()
	out := []TicketSummary{}
	for _, t := range ts {
		out = append(out, summarize(t, now))
	}
	return out, nil
}

type moveArgs struct {
	Number string                 `json:"number"`
	To     appliance.TicketStatus `json:"to"`
	Reason string                 `json:"reason,omitempty"`
}

func opTicketMove(c *call, a *moveArgs) (any, error) {
	w, err := c.workflow()
	if err != nil {
		return nil, err
	}
	return w.Move(c.ctx, c.actor, a.Number, a.To, a.Reason)
}

type assignArgs struct {
	Number     string `json:"number"`
	Technician string `json:"technician"`
}

func opTicketAssign(c *call, a *assignArgs) (any, error) {
	w, err := c.workflow()
	if err != nil {
		return nil, err
	}
	return w.Assign(c.ctx, c.actor, a.Number, a.Technician)
}

type reasonArgs struct {
	Number string `json:"number"`
	Reason string `json:"reason,omitempty"`
}

func opTicketApprove(c *call, a *reasonArgs) (any, error) {
	w, err := c.workflow()
	if err != nil {
		return nil, err
	}
	return w.Approve(c.ctx, c.actor, a.Number, a.Reason)
}

func opTicketReject(c *call, a *reasonArgs) (any, error) {
	w, err := c.workflow()
	if err != nil {
		return nil, err
	}
	return w.Reject(c.ctx, c.actor, a.Number, a.Reason)
}

type pickupArgs struct {
	Number string            `json:"number"`
	Survey *appliance.Survey `json:"survey,omitempty"`
	// Key is the client-made idempotency key ("" for none).
	Key string `json:"key,omitempty"`
}

// pickupSlip is the slip the customer signs when the item is handed
// over: the delivery slip (售后服务送货单), part 1 kept by the store.
const pickupSlip = "delivery"

// opTicketPickup hands the item over, closing the ticket, and prints the
// delivery slip on the desk's printer; a print problem does not undo the
// pickup.
func opTicketPickup(c *call, a *pickupArgs) (any, error) {
	w, err := c.workflow()
	if err != nil {
		return nil, err
	}
	ctx, req, err := c.keyed("ticket.pickup", a.Key, a)
	if err != nil {
		return nil, err
	}
	t, err := w.Pickup(ctx, c.actor, a.Number, a.Survey)
	if err != nil {
		return nil, err
	}
	if req.Replayed() {
		return ticketPrinted{Ticket: t, Replayed: true}, nil
	}
	p, perr := c.printTicketAfter(t, pickupSlip)
	return ticketPrinted{Ticket: t, printed: p, PrintError: perr}, nil
}

type surveyArgs struct {
	Number string `json:"number"`
	appliance.Survey
}

// opTicketSurvey records the satisfaction survey; the workflow lets a
// customer answer for their own ticket only.
func opTicketSurvey(c *call, a *surveyArgs) (any, error) {
	w, err := c.workflow()
	if err != nil {
		return nil, err
	}
	return w.RecordSurvey(c.ctx, c.actor, a.Number, a.Survey)
}

func opCallsList(c *call, _ *none) (any, error) {
	w, err := c.workflow()
	if err != nil {
		return nil, err
	}
	return w.CallList(c.ctx, c.srv.opts.Now())
}

type callCloseArgs struct {
	Number  string `json:"number"`
	Kind    string `json:"kind"`
	Outcome string `json:"outcome"`
	Note    string `json:"note,omitempty"`
}

func opCallClose(c *call, a *callCloseArgs) (any, error) {
	w, err := c.workflow()
	if err != nil {
		return nil, err
	}
	return w.CloseCall(c.ctx, c.actor, a.Number, a.Kind, a.Outcome, a.Note)
}
