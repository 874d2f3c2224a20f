package ui

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"runtime/debug"
	"strings"
	"time"

	"shouhou/appliance"
)

// roleNone is the role of a connection nobody is logged in on.
const roleNone appliance.Role = ""

// roleSet is who may call an operation.
type roleSet map[appliance.Role]bool

func roles(rs ...appliance.Role) roleSet {
	s := roleSet{}
	for _, r := range rs {
		s[r] = true
	}
	return s
}

// Who may do what (DOMAIN.md "People").
var (
	anyone    = roles(roleNone, appliance.RoleCustomer, appliance.RoleClerk, appliance.RoleTechnician, appliance.RoleSupervisor, appliance.RoleAdmin)
	staff     = roles(appliance.RoleClerk, appliance.RoleTechnician, appliance.RoleSupervisor, appliance.RoleAdmin)
	deskStaff = roles(appliance.RoleClerk, appliance.RoleSupervisor, appliance.RoleAdmin)
	approvers = roles(appliance.RoleSupervisor, appliance.RoleAdmin)
	repairers = roles(appliance.RoleTechnician, appliance.RoleSupervisor, appliance.RoleAdmin)
	customer  = roles(appliance.RoleCustomer)
	ownOrDesk = roles(appliance.RoleCustomer, appliance.RoleClerk, appliance.RoleSupervisor, appliance.RoleAdmin)
	demoRoles = roles(appliance.RoleClerk, appliance.RoleAdmin)
	admins    = roles(appliance.RoleAdmin)
	nobody    = roles(roleNone) // the idle kiosk, nobody logged in and no card on the reader
)

// Roles lists every role an operation may be checked against, anonymous first.
var Roles = []appliance.Role{roleNone, appliance.RoleCustomer, appliance.RoleClerk, appliance.RoleTechnician, appliance.RoleSupervisor, appliance.RoleAdmin}

// call is one request being answered.
type call struct {
	srv   *Server
	conn  *conn
	actor appliance.Actor
	sess  *session
	ctx   context.Context
}

// opSpec is one row of the op table.
type opSpec struct {
	roles roleSet
	run   func(c *call, args json.RawMessage) (any, error)
	// heavy names, in Chinese and English, work whose cost grows with the
	// store (a report, the audit list): the memory budget admits it only
	// while memory leaves room (MemoryBudget.Admit). "" for the desk's
	// own ops, which are never refused for memory.
	heavy [2]string
}

// heavyAs marks s as heavy work named zh / en.
func (s opSpec) heavyAs(zh, en string) opSpec {
	s.heavy = [2]string{zh, en}
	return s
}

// op builds a row whose handler takes its arguments decoded into A.
func op[A any](who roleSet, fn func(c *call, a *A) (any, error)) opSpec {
	return opSpec{roles: who, run: func(c *call, raw json.RawMessage) (any, error) {
		a := new(A)
		if len(raw) > 0 && string(raw) != "null" {
			if err := decodeArgs(raw, a); err != nil {
				return nil, argsError(err)
			}
			if err := checkExactKeys(raw, reflect.TypeFor[A]()); err != nil {
				return nil, err
			}
		}
		return fn(c, a)
	}}
}

// none is the argument type of operations without arguments.
type none struct{}

// opTable is every operation a screen may ask for: the one place that
// says who may call what. docs/protocol.md documents each row.
func opTable() map[string]opSpec {
	return map[string]opSpec{
		"login":     op(anyone, opLogin),
		"logout":    op(anyone, opLogout),
		"whoami":    op(anyone, opWhoami),
		"subscribe": op(anyone, opSubscribe),

		"customer.lookup": op(staff, opCustomerLookup),
		"my.panel":        op(customer, opMyPanel),

		"card.issue":   op(deskStaff, opCardIssue),
		"card.bind":    op(deskStaff, opCardBind),
		"card.topup":   op(deskStaff, opCardTopUp),
		"card.charge":  op(deskStaff, opCardCharge),
		"card.refund":  op(deskStaff, opCardRefund),
		"card.reverse": op(deskStaff, opCardReverse),
		"card.lost":    op(deskStaff, opCardLost),
		"card.unblock": op(approvers, opCardUnblock),
		"card.replace": op(deskStaff, opCardReplace),
		"card.cancel":  op(deskStaff, opCardCancel),
		"card.ledger":  op(deskStaff, opCardLedger),

		"tickets.list":   op(staff, opTicketsList),
		"ticket.get":     op(ownOrDesk.with(appliance.RoleTechnician), opTicketGet),
		"ticket.search":  op(staff, opTicketSearch),
		"ticket.status":  op(nobody, opTicketStatus),
		"desk.today":     op(anyone, opDeskToday),
		"ticket.move":    op(staff, opTicketMove),
		"ticket.assign":  op(deskStaff, opTicketAssign),
		"ticket.approve": op(approvers, opTicketApprove),
		"ticket.reject":  op(approvers, opTicketReject),
		"ticket.pickup":  op(deskStaff, opTicketPickup),
		"ticket.survey":  op(ownOrDesk, opTicketSurvey),
		"calls.list":     op(deskStaff, opCallsList),
		"call.close":     op(deskStaff, opCallClose),

		"ticket.preview":       op(deskStaff, opTicketPreview),
		"ticket.intake":        op(deskStaff, opTicketIntake),
		"ticket.print":         op(staff, opTicketPrint),
		"ticket.diagnose":      op(repairers, opTicketDiagnose),
		"ticket.quote":         op(staff, opTicketQuote),
		"ticket.answer_quote":  op(ownOrDesk.with(appliance.RoleTechnician), opTicketAnswerQuote),
		"ticket.conclude":      op(repairers, opTicketConclude),
		"ticket.charge":        op(deskStaff, opTicketCharge),
		"ticket.vendor_send":   op(staff, opTicketVendorSend),
		"ticket.vendor_back":   op(staff, opTicketVendorBack),
		"ticket.settle":        op(approvers, opTicketSettle),
		"ticket.stock_arrived": op(staff, opTicketStockArrived),
		"ticket.stock_confirm": op(staff, opTicketStockConfirm),
		"fees.list":            op(staff, opFeesList),
		"purchase.find":        op(deskStaff, opPurchaseFind),
		"purchase.correct":     op(approvers, opPurchaseCorrect),
		"complaint.reasons":    op(deskStaff, opComplaintReasons),
		"technicians.list":     op(deskStaff, opTechnicians),
		"report.get":           op(approvers, opReportGet).heavyAs("报表", "the report"),

		"config.status":  op(staff, opConfigStatus),
		"reader.status":  op(staff, opReaderStatus),
		"printer.status": op(staff, opPrinterStatus),
		"chain.status":   op(staff, opChainStatus),
		"print.queue":    op(staff, opPrintQueue),
		"print.cancel":   op(deskStaff, opPrintCancel),
		"print.retry":    op(deskStaff, opPrintRetry),
		"print.reprint":  op(deskStaff, opPrintReprint),
		"print.move":     op(deskStaff, opPrintMove),

		"forms.list":   op(staff, opFormsList),
		"form.get":     op(staff, opFormGet),
		"form.print":   op(staff, opFormPrint),
		"form.preview": op(staff, opFormPreview),

		"demo.present": op(demoRoles, opDemoPresent),
		"demo.remove":  op(demoRoles, opDemoRemove),

		"day.close": op(approvers, opDayClose),

		"session.list":   op(admins, opSessionList),
		"session.revoke": op(admins, opSessionRevoke),
		"audit.list":     op(approvers, opAuditList).heavyAs("操作记录查询", "the audit list"),
		"audit.get":      op(approvers, opAuditGet),
	}
}

// with returns a copy of s with more roles.
func (s roleSet) with(rs ...appliance.Role) roleSet {
	out := roleSet{}
	for r := range s {
		out[r] = true
	}
	for _, r := range rs {
		out[r] = true
	}
	return out
}

// OpRoles returns, for each operation, the roles that may call it (""
// for a screen nobody is logged in on), for docs and tests.
func OpRoles() map[string][]appliance.Role {
	out := map[string][]appliance.Role{}
	for name, spec := range opTable() {
		for _, r := range Roles {
			if spec.roles[r] {
				out[name] = append(out[name], r)
			}
		}
	}
	return out
}

// opTimeout bounds one operation.
const opTimeout = 15 * time.Second

// handle answers one request: the op exists, the role may call it, the
// arguments decode, then the handler. A panic in a handler is an internal
// error for that request only.
func (s *Server) handle(c *conn, req Request) (rep Reply) {
	rep.ID = req.ID
	spec, ok := s.ops()[req.Op]
	if !ok {
		rep.Error = &WireError{Code: CodeUnknownOp, Message: fmt.Sprintf("没有这个操作 / no such operation %q", req.Op), Field: "op"}
		return rep
	}
	actor, sess := c.actor()
	actor.Desk, actor.Addr = c.desk, c.remote // where from, for the audit log
	if sess != nil {
		sess.touch(s.opts.Now())
	}
	if !spec.roles[actor.Role] {
		if actor.Role == roleNone {
			rep.Error = &WireError{Code: errorTable[appliance.EUNAUTHORIZED].wire, Message: "请先登录 / please log in first"}
		} else {
			rep.Error = &WireError{Code: CodeForbidden, Message: fmt.Sprintf("您的角色无权执行此操作 / the %s role may not do %s", actor.Role, req.Op)}
		}
		return rep
	}
	if spec.heavy[0] != "" {
		if err := s.opts.Memory.Admit(spec.heavy[0], spec.heavy[1]); err != nil {
			rep.Error = wireError(err)
			return rep
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	defer cancel()
	defer func() {
		if p := recover(); p != nil {
			s.opts.Logger.Error("ui: op panicked", "op", req.Op, "panic", p, "stack", string(debug.Stack()))
			rep.Result, rep.Error = nil, wireError(fmt.Errorf("panic in %s", req.Op))
		}
	}()
	res, err := spec.run(&call{srv: s, conn: c, actor: actor, sess: sess, ctx: ctx}, req.Args)
	if err != nil {
		if appliance.ErrorCode(err) == appliance.EINTERNAL {
			s.opts.Logger.Error("ui: op failed", "op", req.Op, "actor", actor.ID, "err", err)
		}
		rep.Error = wireError(err)
		return rep
	}
	rep.Result = res
	return rep
}

// ops returns the table, built once.
func (s *Server) ops() map[string]opSpec {
	s.opsOnce.Do(func() { s.opTable = opTable() })
	return s.opTable
}

// argsError names the argument that did not decode.
func argsError(err error) error {
	var te *json.UnmarshalTypeError
	if ok := asType(err, &te); ok && te.Field != "" {
		return appliance.FieldError(te.Field, "参数类型错误 / %s has the wrong type (want %s)", te.Field, te.Type)
	}
	if name, ok := strings.CutPrefix(err.Error(), `json: unknown field "`); ok {
		name = strings.TrimSuffix(name, `"`)
		return appliance.FieldError(name, "没有参数 %q / there is no argument %q", name, name)
	}
	return appliance.FieldError("args", "参数无效 / the arguments are not valid: %v", err)
}

func asType(err error, te **json.UnmarshalTypeError) bool {
	t, ok := err.(*json.UnmarshalTypeError)
	if ok {
		*te = t
	}
	return ok
}

// unavailable is the error of an operation whose part is not running.
func unavailable(what string) error {
	return appliance.Errorf(appliance.EUNAVAILABLE, "%s", what)
}
