package ui

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"

	"shouhou/appliance"
	"shouhou/appliance/reports"
)

// reportOp is the op whose roles may download reports as CSV: the same
// people who may see them on screen (ops.go is the one place for roles).
const reportOp = "report.get"

// getReportCSV answers GET /reports/{kind}.csv?from=&to=&table=: the
// report's tables as CSV (UTF-8 after a BOM), as an attachment. It needs
// the session cookie of someone whose role may call report.get, else 403.
// table= keeps only the tables of that name (e.g. closing-tickets); one
// table is written as a header row and rows, several each after a title row.
func (s *Server) getReportCSV(w http.ResponseWriter, r *http.Request) {
	sess := s.deviceSession(r)
	if sess == nil || !s.ops()[reportOp].roles[sess.actor.Role] {
		http.Error(w, "无权下载报表 / you may not download reports", http.StatusForbidden)
		return
	}
	sess.touch(s.opts.Now())
	kind, ok := strings.CutSuffix(r.PathValue("file"), ".csv")
	if !ok {
		http.Error(w, "报表只能下载 CSV / reports download as .csv", http.StatusNotFound)
		return
	}
	q := r.URL.Query()
	rep := s.reportBuilder()
	from, err := parseDay(rep, "from", q.Get("from"))
	to := from
	if err == nil && q.Get("to") != "" {
		to, err = parseDay(rep, "to", q.Get("to"))
	}
	var all []reports.Table
	if err == nil {
		_, all, err = rep.Build(kind, from, to)
	}
	if err != nil {
		s.httpError(w, "report "+kind, sess.actor, err)
		return
	}
	tables, name := all, kind
	if want := q.Get("table"); want != "" {
		tables, name = nil, want
		for _, t := range all {
			if t.Name == want {
				tables = append(tables, t)
			}
		}
		if len(tables) == 0 {
			http.Error(w, fmt.Sprintf("报表 %s 没有表格 %q / the %s report has no table %q", kind, want, kind, want), http.StatusNotFound)
			return
		}
	}
	var b bytes.Buffer
	if len(tables) == 1 {
		err = reports.WriteCSV(&b, tables[0])
	} else {
		err = reports.WriteCSVTables(&b, tables)
	}
	if err != nil {
		s.httpError(w, "report "+kind, sess.actor, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, csvFileName(name, from.Format(reports.DayFormat), to.Format(reports.DayFormat))))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.Write(b.Bytes())
}

// csvFileName is a download's name: shouhou-NAME-DAY.csv for one day,
// shouhou-NAME-FROM_TO.csv for a period. name is a report kind or a table
// name the report has, so it is safe in the header.
func csvFileName(name, from, to string) string {
	if from == to {
		return fmt.Sprintf("shouhou-%s-%s.csv", name, from)
	}
	return fmt.Sprintf("shouhou-%s-%s_%s.csv", name, from, to)
}

// httpError answers a plain HTTP request's error: the domain's message for
// bad input or a missing record, a generic one (and a log line) otherwise.
func (s *Server) httpError(w http.ResponseWriter, what string, actor appliance.Actor, err error) {
	switch appliance.ErrorCode(err) {
	case appliance.EINVALID:
		http.Error(w, appliance.ErrorMessage(err), http.StatusBadRequest)
	case appliance.ENOTFOUND:
		http.Error(w, appliance.ErrorMessage(err), http.StatusNotFound)
	default:
		s.opts.Logger.Error("ui: http request failed", "what", what, "actor", actor.ID, "err", err)
		http.Error(w, errorTable[appliance.EINTERNAL].fallback, http.StatusInternalServerError)
	}
}
