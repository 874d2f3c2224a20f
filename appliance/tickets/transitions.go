package tickets

import (
	"fmt"
	"slices"
	"strings"

	"shouhou/appliance"
)

// RoleSystem is the role of the scheduler: it marks overdue tickets and
// sends uncollected items to mail-back.
const RoleSystem appliance.Role = "system"

// System returns the actor the scheduler works as.
func System() appliance.Actor { return appliance.Actor{ID: "system", Role: RoleSystem} }

// Step is one row of the transition table: tickets of Kinds may move from
// From to To by an actor of one of Roles; Reason says whether the actor
// must give a reason.
type Step struct {
	// Kinds the row applies to.
	Kinds []appliance.TicketKind
	// From is the status left.
	From appliance.TicketStatus
	// To is the status entered.
	To appliance.TicketStatus
	// Roles may make the move.
	Roles []appliance.Role
	// Reason is true when a reason is required.
	Reason bool
	// What says what the move means at the desk.
	What string
}

const (
	open      = appliance.StatusOpen
	approval  = appliance.StatusApproval
	inRepair  = appliance.StatusInRepair
	atVendor  = appliance.StatusAtVendor
	ready     = appliance.StatusReady
	mailBack  = appliance.StatusMailBack
	closed    = appliance.StatusClosed
	cancelled = appliance.StatusCancelled
)

// Table is the one transition table of the desk's procedure (seed 001
// 第十七–三十六条). Nothing else decides whether a status may change.
func Table() []Step {
	all := appliance.TicketKinds
	desk := []appliance.Role{appliance.RoleClerk, appliance.RoleSupervisor, appliance.RoleAdmin}
	staff := []appliance.Role{appliance.RoleClerk, appliance.RoleTechnician, appliance.RoleSupervisor, appliance.RoleAdmin}
	tech := []appliance.Role{appliance.RoleTechnician, appliance.RoleSupervisor, appliance.RoleAdmin}
	boss := []appliance.Role{appliance.RoleSupervisor, appliance.RoleAdmin}
	deskSys := []appliance.Role{appliance.RoleClerk, appliance.RoleSupervisor, appliance.RoleAdmin, RoleSystem}
	k := func(ks ...appliance.TicketKind) []appliance.TicketKind { return ks }
	repair, onsite := appliance.KindRepair, appliance.KindOnSite
	return []Step{
		{all, open, approval, staff, true, "escalate to a supervisor (第二十条)"},
		{all, approval, open, boss, false, "approve"},
		{all, approval, cancelled, boss, true, "reject"},
		{all, open, cancelled, desk, true, "cancel"},
		{k(appliance.KindReturn, appliance.KindExchange), open, closed, desk, false, "refund paid or goods exchanged"},
		{k(repair, onsite), open, inRepair, staff, false, "assign a technician / dispatch"},
		{k(repair), inRepair, atVendor, tech, false, "send to the maker (送厂)"},
		{k(repair), atVendor, inRepair, staff, false, "back from the maker"},
		{k(repair), inRepair, ready, staff, false, "repaired, exchanged or declined: ready for pickup (第二十七条)"},
		{k(repair, onsite), inRepair, approval, tech, true, "unrepairable: a supervisor settles (第二十九条)"},
		{k(repair), approval, ready, boss, true, "settled: the customer collects"},
		{k(repair, onsite), approval, closed, boss, true, "settled at the desk"},
		{k(repair), ready, inRepair, tech, true, "fails again at pickup: back to repair"},
		{k(repair, appliance.KindOutOfStock), ready, closed, desk, false, "collected"},
		{k(repair), ready, mailBack, deskSys, true, "three notices without pickup: mail back (第二十八条)"},
		{k(repair), mailBack, closed, desk, true, "mailed back"},
		{k(onsite), inRepair, closed, staff, false, "done on site"},
		{k(appliance.KindComplaint), open, closed, desk, true, "answered (reply within 2 working days)"},
		{k(appliance.KindConsult), open, closed, staff, false, "answered"},
		{k(appliance.KindStorage), open, closed, desk, false, "collected from storage"},
		{k(appliance.KindDelivery), open, closed, desk, false, "delivered"},
		{k(appliance.KindOutOfStock), open, ready, desk, false, "stock arrived: notify (第三十六条)"},
		{k(appliance.KindOutOfStock), ready, cancelled, desk, true, "the customer no longer wants it"},
		{k(appliance.KindMaintenance), open, closed, desk, false, "contract ended or renewed"},
	}
}

// move is one key of the table index.
type move struct {
	kind     appliance.TicketKind
	from, to appliance.TicketStatus
}

// steps indexes Table by (kind, from, to). It is built once and only read.
var steps = func() map[move]Step {
	m := map[move]Step{}
	for _, s := range Table() {
		for _, k := range s.Kinds {
			key := move{k, s.From, s.To}
			if _, dup := m[key]; dup {
				panic(fmt.Sprintf("tickets: transition %v listed twice", key))
			}
			m[key] = s
		}
	}
	return m
}()

// Allowed returns the statuses a ticket of kind in status from may move to
// by an actor of role, in procedure order.
func Allowed(kind appliance.TicketKind, from appliance.TicketStatus, role appliance.Role) []appliance.TicketStatus {
	var out []appliance.TicketStatus
	for _, to := range appliance.TicketStatuses {
		if s, ok := steps[move{kind, from, to}]; ok && slices.Contains(s.Roles, role) {
			out = append(out, to)
		}
	}
	return out
}

// CheckMove returns nil when an actor of role may move a ticket of kind
// from from to to with the given reason, and otherwise an *appliance.Error
// that names the statuses the role may move it to: EUNAUTHORIZED when the
// move exists for other roles, EINVALID when a required reason is missing,
// ECONFLICT when the move does not exist.
func CheckMove(kind appliance.TicketKind, from, to appliance.TicketStatus, role appliance.Role, reason string) error {
	s, ok := steps[move{kind, from, to}]
	allowed := names(Allowed(kind, from, role))
	switch {
	case !ok:
		return appliance.Errorf(appliance.ECONFLICT, "%s单不能从「%s」转为「%s」，可转为：%s / a %s ticket cannot move from %s to %s; allowed: %s",
			kindName(kind), statusName(from), statusName(to), allowed, kind, from, to, allowed)
	case !slices.Contains(s.Roles, role):
		return appliance.Errorf(appliance.EUNAUTHORIZED, "%s无权将%s单从「%s」转为「%s」，可转为：%s / a %s may not move a %s ticket from %s to %s; allowed: %s",
			roleName(role), kindName(kind), statusName(from), statusName(to), allowed, role, kind, from, to, allowed)
	case s.Reason && strings.TrimSpace(reason) == "":
		return appliance.FieldError("reason", "此操作需要说明原因 / moving a %s ticket from %s to %s needs a reason", kind, from, to)
	}
	return nil
}

func names(ss []appliance.TicketStatus) string {
	if len(ss) == 0 {
		return "（无 / none）"
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = string(s)
	}
	return strings.Join(out, ", ")
}

// statusName returns the status's name for people, in Chinese.
func statusName(s appliance.TicketStatus) string {
	switch s {
	case open:
		return "受理"
	case approval:
		return "待审批"
	case inRepair:
		return "维修中"
	case atVendor:
		return "送厂"
	case ready:
		return "待取件"
	case mailBack:
		return "待寄回"
	case closed:
		return "已结案"
	case cancelled:
		return "已取消"
	}
	return string(s)
}

func kindName(k appliance.TicketKind) string {
	switch k {
	case appliance.KindReturn:
		return "退货"
	case appliance.KindExchange:
		return "换货"
	case appliance.KindRepair:
		return "维修"
	case appliance.KindOnSite:
		return "上门"
	case appliance.KindComplaint:
		return "投诉"
	case appliance.KindConsult:
		return "咨询"
	case appliance.KindStorage:
		return "暂存"
	case appliance.KindDelivery:
		return "送货"
	case appliance.KindOutOfStock:
		return "缺货登记"
	case appliance.KindMaintenance:
		return "保养合同"
	}
	return string(k)
}

func roleName(r appliance.Role) string {
	switch r {
	case appliance.RoleCustomer:
		return "顾客"
	case appliance.RoleClerk:
		return "受理员"
	case appliance.RoleTechnician:
		return "维修员"
	case appliance.RoleSupervisor:
		return "主管"
	case appliance.RoleAdmin:
		return "管理员"
	case RoleSystem:
		return "系统"
	}
	return string(r)
}
