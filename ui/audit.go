package ui

import (
	"strings"
	"time"
	"unicode/utf8"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// auditListArgs filter the audit log (audit.list).
type auditListArgs struct {
	// Operator is a staff id, exactly ("anonymous" for failed logins).
	Operator string `json:"operator,omitempty"`
	// Action is an action or its start ("session." for logins).
	Action string `json:"action,omitempty"`
	// Record is a record or its start ("ticket/T20261123-0042", "card/").
	Record string `json:"record,omitempty"`
	// From and To are days, YYYY-MM-DD in the store's zone, both included.
	From string `json:"from,omitempty"`
	To   string `json:"to,omitempty"`
	// Before is the previous page's next.
	Before string `json:"before,omitempty"`
	// Limit is the page size, 1–500 (default 50).
	Limit int `json:"limit,omitempty"`
}

// auditPageSize is audit.list's page size when none is asked for.
const auditPageSize = 50

// opAuditList pages through the audit log, newest first, for supervisors
// and admins: who did what, when, from which desk and address.
func opAuditList(c *call, a *auditListArgs) (any, error) {
	if c.srv.opts.Store == nil {
		return nil, unavailable("数据库未打开 / the store is not open")
	}
	q := appliance.AuditQuery{Operator: a.Operator, Action: a.Action, Record: a.Record, Before: a.Before, Limit: a.Limit}
	if q.Limit == 0 {
		q.Limit = auditPageSize
	}
	if q.Limit < 0 || q.Limit > 500 {
		return nil, appliance.FieldError("limit", "每页 1 到 500 条 / limit is 1 to 500")
	}
	var err error
	if q.From, err = c.srv.auditDay("from", a.From); err != nil {
		return nil, err
	}
	if q.To, err = c.srv.auditDay("to", a.To); err != nil {
		return nil, err
	}
	if !q.To.IsZero() {
		q.To = q.To.AddDate(0, 0, 1) // the whole last day
	}
	if !q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To) {
		return nil, appliance.FieldError("to", "结束日期早于开始日期 / to is before from")
	}
	var page *appliance.AuditPage
	err = c.srv.opts.Store.View(func(tx *store.Txn) error {
		page, err = tx.Audits(q)
		return err
	})
	if err != nil {
		return nil, err
	}
	out := auditList{Next: page.Next, Entries: make([]auditRow, len(page.Entries))}
	for i, e := range page.Entries {
		out.Entries[i] = auditRow{AuditEntry: *e, Detail: len(e.Before) > 0 || len(e.After) > 0}
		out.Entries[i].Before, out.Entries[i].After = nil, nil
	}
	return out, nil
}

// auditList is a page of audit.list: the entries without the records
// before and after (audit.get has them), which can be large.
type auditList struct {
	Entries []auditRow `json:"entries"`
	Next    string     `json:"next,omitempty"`
}

// auditRow is one entry of audit.list.
type auditRow struct {
	appliance.AuditEntry
	// Detail says audit.get has the record before or after.
	Detail bool `json:"detail,omitempty"`
}

type auditGetArgs struct {
	// ID is an entry's id.
	ID string `json:"id"`
}

// opAuditGet returns one audit entry whole, with the record before and after.
func opAuditGet(c *call, a *auditGetArgs) (any, error) {
	if c.srv.opts.Store == nil {
		return nil, unavailable("数据库未打开 / the store is not open")
	}
	if a.ID == "" {
		return nil, appliance.FieldError("id", "缺少审计记录号 / the id is missing")
	}
	var e *appliance.AuditEntry
	err := c.srv.opts.Store.View(func(tx *store.Txn) (err error) {
		e, err = tx.AuditEntry(a.ID)
		return err
	})
	return e, err
}

// auditDay parses a day of audit.list ("" for no bound).
func (s *Server) auditDay(field, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	d, err := time.ParseInLocation("2006-01-02", v, s.config().Store.Location)
	if err != nil {
		return d, appliance.FieldError(field, "日期应为 YYYY-MM-DD：%q / %s is written YYYY-MM-DD: %q", clip(v), field, clip(v))
	}
	return d, nil
}

// Login audit actions.
const (
	auditLogin       = "session.login"
	auditLoginFailed = "session.login_failed"
	auditLockout     = "session.lockout"
)

// auditLoginOK records a login: by PIN or staff card, at which desk and
// address.
func (s *Server) auditLoginOK(actor appliance.Actor, how string) {
	s.writeAudit(actor, auditLogin, "staff/"+actor.ID, how)
}

// auditLoginFailure records a wrong PIN, by "anonymous" against the staff
// id tried (or the desk or address), and a lockout it caused. Attempts
// refused during a lockout are not recorded: there are at most as many
// failures as the limits allow, so the log cannot be flooded.
func (s *Server) auditLoginFailure(c *conn, staff, deskKey string) {
	who := appliance.Actor{ID: "anonymous", Desk: c.desk, Addr: c.remote}
	record := deskKey
	if staff != "" {
		record = "staff/" + clip(staff)
	}
	s.writeAudit(who, auditLoginFailed, record, "PIN 不正确 / wrong PIN")
	if s.deskPIN.locked(deskKey) > 0 {
		s.writeAudit(who, auditLockout, deskKey, "PIN 错误次数过多，锁定 / too many wrong PINs: locked out")
	}
	if staff != "" && s.userPIN.locked(staff) > 0 {
		s.writeAudit(who, auditLockout, record, "PIN 错误次数过多，锁定 / too many wrong PINs: locked out")
	}
}

// writeAudit writes one audit entry in its own transaction; a failure is
// logged (the login itself is answered either way).
func (s *Server) writeAudit(actor appliance.Actor, action, record, reason string) {
	if s.opts.Store == nil {
		return
	}
	err := s.opts.Store.Update(func(tx *store.Txn) error {
		return tx.AuditBy(actor, action, record, reason, nil, nil)
	})
	if err != nil {
		s.opts.Logger.Error("ui: audit", "action", action, "record", record, "err", err)
	}
}

// clipRunes is the most of a typed value that goes into an audit record
// name or an error message.
const clipRunes = 64

// clip shortens s to clipRunes runes and makes it valid UTF-8.
func clip(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if utf8.RuneCountInString(s) <= clipRunes {
		return s
	}
	return string([]rune(s)[:clipRunes]) + "…"
}
