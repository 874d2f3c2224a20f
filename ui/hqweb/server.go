package hqweb

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"sync"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/reports"
)

//go:embed static
var static embed.FS

// Source builds head office's reports (drivers/hqreports.Reports).
type Source interface {
	// Tables builds the report name for month (2006-01; ignored by the
	// reports over all time). An unknown name or a malformed month is an
	// appliance EINVALID error, shown to the user; any other error is
	// logged and shown as an internal error.
	Tables(ctx context.Context, name, month string) ([]reports.Table, error)
	// Month is the current month, 2006-01, the default.
	Month() string
}

// tab is one report's tab.
type tab struct {
	// Name is the Source's report name.
	Name string
	// Label is the tab's text, Chinese then English.
	Label string
	// Monthly says the report is of a month (a month picker shows).
	Monthly bool
}

// tabs are the tabs, in order (drivers/hqreports' report names). It is
// never changed.
var tabs = []tab{
	{"kpi", "服务指标 KPIs", true},
	{"cards", "储值卡资金 Card money", false},
	{"closings", "日结 Closings", true},
	{"reconcile", "对账 Reconciliation", false},
	{"branches", "门店 Branches", false},
}

// Options configure a Server.
type Options struct {
	// Token is head office's secret: whoever types it may read the reports.
	// It must not be empty.
	Token string
	// SessionAge is how long a login lasts; 0 means 12 hours.
	SessionAge time.Duration
	// FailDelay is how long a wrong token is answered after; wrong tokens
	// are answered one at a time, so guessing runs at one a FailDelay. 0
	// means a second.
	FailDelay time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives internal errors; nil means slog.Default().
	Logger *slog.Logger
}

// Server serves head office's reports. It holds no state but its options
// (sessions are signed, not stored) and is safe for concurrent use.
type Server struct {
	src  Source
	o    Options
	tmpl *template.Template
	css  []byte
	// failMu is held while a wrong token's answer waits (Options.FailDelay).
	failMu sync.Mutex
}

// New returns the reports' server over src.
func New(src Source, o Options) (*Server, error) {
	if o.Token == "" {
		return nil, errors.New("hqweb: the token is empty")
	}
	if o.SessionAge <= 0 {
		o.SessionAge = 12 * time.Hour
	}
	if o.FailDelay <= 0 {
		o.FailDelay = time.Second
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	tmpl, err := template.ParseFS(static, "static/page.html")
	if err != nil {
		return nil, fmt.Errorf("hqweb: templates: %w", err)
	}
	css, err := static.ReadFile("static/hq.css")
	if err != nil {
		return nil, fmt.Errorf("hqweb: hq.css: %w", err)
	}
	return &Server{src: src, o: o, tmpl: tmpl, css: css}, nil
}

// Handler returns the server's routes, every one behind the security
// headers and the cross-origin check, the reports behind the login.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /s/hq.css", s.serveCSS)
	mux.HandleFunc("GET /login", s.serveLogin)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("GET /{$}", s.page(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/r/"+tabs[0].Name, http.StatusSeeOther)
	}))
	mux.HandleFunc("GET /r/{report}", s.page(s.serveReport))
	mux.HandleFunc("GET /csv/{report}/{table}", s.api(s.serveCSV))
	return headers(http.NewCrossOriginProtection().Handler(mux))
}

// csp allows the page its own style sheet and forms, and nothing else: no
// script at all, no frames, no other site.
const csp = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

// headers sets the security headers every response carries.
func headers(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("X-Frame-Options", "DENY")
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Referrer-Policy", "no-referrer")
		w.Header().Set("Cache-Control", "no-store")
		h.ServeHTTP(w, r)
	})
}

func (s *Server) serveCSS(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	w.Write(s.css)
}

// navItem is one tab of the page.
type navItem struct {
	Href, Label string
	On          bool
}

// tableView is a table as the page shows it, with its CSV link.
type tableView struct {
	reports.Table
	CSV string
}

// pageData is what the templates are given.
type pageData struct {
	Title, Error, Path, Month string
	Nav                       []navItem
	Tables                    []tableView
}

// render writes a template, buffered so an error does not leave half a page.
func (s *Server) render(w http.ResponseWriter, status int, name string, d *pageData) {
	var b bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&b, name, d); err != nil {
		s.o.Logger.Error("hqweb: render", "template", name, "err", err)
		http.Error(w, "内部错误 / internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// report finds a report by name.
func report(name string) (tab, bool) {
	for _, rp := range tabs {
		if rp.Name == name {
			return rp, true
		}
	}
	return tab{}, false
}

// month is the request's month, or the current one.
func (s *Server) month(r *http.Request) string {
	if m := r.URL.Query().Get("month"); m != "" {
		return m
	}
	return s.src.Month()
}

// errorText is what a user is shown of err, and the status it answers.
func (s *Server) errorText(err error) (string, int) {
	if appliance.ErrorCode(err) == appliance.EINVALID {
		return appliance.ErrorMessage(err), http.StatusBadRequest
	}
	s.o.Logger.Error("hqweb: report", "err", err)
	return appliance.ErrorMessage(err), http.StatusInternalServerError
}

func (s *Server) serveReport(w http.ResponseWriter, r *http.Request) {
	rp, ok := report(r.PathValue("report"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	d := &pageData{Title: rp.Label, Path: r.URL.Path}
	for _, o := range tabs {
		d.Nav = append(d.Nav, navItem{Href: "/r/" + o.Name, Label: o.Label, On: o.Name == rp.Name})
	}
	month := s.month(r)
	if rp.Monthly {
		d.Month = month
	}
	ts, err := s.src.Tables(r.Context(), rp.Name, month)
	if err != nil {
		msg, status := s.errorText(err)
		d.Error = msg
		s.render(w, status, "report", d)
		return
	}
	for _, t := range ts {
		q := url.Values{}
		if rp.Monthly {
			q.Set("month", month)
		}
		d.Tables = append(d.Tables, tableView{Table: t, CSV: "/csv/" + rp.Name + "/" + url.PathEscape(t.Name) + "?" + q.Encode()})
	}
	s.render(w, http.StatusOK, "report", d)
}

// monthName and tableName are a month and a table name fit for a file name.
var (
	monthName = regexp.MustCompile(`^[0-9]{4}-[0-9]{2}$`)
	tableName = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)
)

func (s *Server) serveCSV(w http.ResponseWriter, r *http.Request) {
	rp, ok := report(r.PathValue("report"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	month := s.month(r)
	ts, err := s.src.Tables(r.Context(), rp.Name, month)
	if err != nil {
		msg, status := s.errorText(err)
		http.Error(w, msg, status)
		return
	}
	for _, t := range ts {
		if t.Name != r.PathValue("table") {
			continue
		}
		var b bytes.Buffer
		if err := reports.WriteCSV(&b, t); err != nil {
			msg, status := s.errorText(err)
			http.Error(w, msg, status)
			return
		}
		file := "report"
		if tableName.MatchString(t.Name) {
			file = t.Name
		}
		if rp.Monthly && monthName.MatchString(month) {
			file += "-" + month
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="`+file+`.csv"`)
		w.Write(b.Bytes())
		return
	}
	http.NotFound(w, r)
}
