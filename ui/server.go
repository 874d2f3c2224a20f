package ui

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/purchases"
	"shouhou/appliance/store"
	"shouhou/appliance/tickets"
	"shouhou/conf"
	"shouhou/forms"
	"shouhou/ui/catalog"
)

// DemoReader is the in-process demo card reader of `serve -demo`: the UI
// can lay a demo card on it. Present returns an error for a bad UID.
type DemoReader interface {
	Present(uid string) error
	Remove()
}

// PrintQueue is the durable print queue as the screens see it
// (*printer.Queue behind a view in main). Printers returns every
// configured printer's state, a slice whose elements encode with at least
// "printer" (its ID). Queued returns the jobs waiting on a printer
// (ENOTFOUND-free: an unknown printer has none). Enqueue stores a document
// as a job and returns its ID once it is durable: ENOTFOUND for an unknown
// printer, EINVALID for a document that cannot print on its paper. Cancel,
// Move and Reprint return *appliance.Error refusals: ENOTFOUND for an
// unknown job or printer, ECONFLICT for a job being sent or no longer
// queued.
type PrintQueue interface {
	Printers() any
	Queued(printer string) ([]*appliance.PrintJob, error)
	Enqueue(ctx context.Context, actor, form string, doc *forms.Document, printer string, copies int) (string, error)
	Cancel(ctx context.Context, actor, id, reason string) error
	Move(ctx context.Context, actor, id, printer string) error
	Retry(printer string) error
	Reprint(ctx context.Context, actor, id, printer string) (string, error)
}

// Options configure a Server.
type Options struct {
	// Memory is the memory budget that admits heavy work; nil admits
	// everything.
	Memory *MemoryBudget
	// Store is the appliance's open store.
	Store *store.DB
	// Cards is the card service (required for card operations and swipes).
	Cards *cards.Service
	// Tickets is the ticket workflow; nil leaves the ticket board read-only.
	Tickets *tickets.Service
	// Bus carries the events the screens receive.
	Bus *appliance.Bus
	// Config returns the config snapshot in force.
	Config func() *conf.Snapshot
	// Demo is the demo reader (nil unless serve -demo).
	Demo DemoReader
	// CA is the box's certificate authority, offered at /ca.crt with its
	// fingerprint on screen (nil: no HTTPS).
	CA CertAuthority
	// Purchases keeps the till's purchases (nil: no receipt lookup, no push).
	Purchases *purchases.Service
	// Printers is the print queue (nil: no print operations).
	Printers PrintQueue
	// Chain returns the chain uplink's state for chain.status (main's
	// view of drivers/uplink), a value that encodes with at least
	// "connected", "lag" and "last_error"; nil outside a chain.
	Chain func() any
	// ForeignCards charges the cards other branches of the chain issued;
	// nil unless store.toml [chain] cross_branch_charge is on, when a
	// card this box does not hold is refused as unknown.
	ForeignCards ForeignCards
	// PaperText draws a document as its paper shows it, one paper line a
	// line (drivers/printer.Text), for form.preview; nil: no preview.
	PaperText func(*forms.Document) string
	// Logger receives request errors.
	Logger *slog.Logger
	// Version is the build version shown on screen.
	Version string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// AllowedHosts are host names (or host:port) a websocket's Origin may
	// name besides the Host the page was served from.
	AllowedHosts []string
	// IdleTimeout ends a staff session unused this long; 0 means 15 minutes.
	IdleTimeout time.Duration
	// MaxMessage is the largest websocket frame read, in bytes; 0 means 64 KiB.
	MaxMessage int64
	// RatePerSecond and RateBurst limit each connection's requests; 0
	// means 20 per second with bursts of 40.
	RatePerSecond, RateBurst float64
}

// Server is the appliance's HTTP handler: static UI, /ws, /session, /healthz.
type Server struct {
	opts     Options
	mux      *http.ServeMux
	static   *staticFiles
	sessions *sessions
	deskPIN  *limiter      // failed PINs per desk (or per remote address off a desk)
	userPIN  *limiter      // failed PINs per person
	lookups  *lookupLimits // failed ticket.status lookups per desk and per number
	status   *statusBoard

	opsOnce  sync.Once
	opTable  map[string]opSpec
	tillGate *tillGate // limits POST /till/sales

	mu     sync.Mutex         // guards conns and closed
	conns  map[*conn]struct{} // every open websocket
	closed bool

	stop context.CancelFunc
	done chan struct{}
}

// NewServer returns the handler serving the embedded UI, the websocket and
// the health check. Call Close to end its connections and goroutines.
func NewServer(o Options) *Server {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.IdleTimeout <= 0 {
		o.IdleTimeout = 15 * time.Minute
	}
	if o.MaxMessage <= 0 {
		o.MaxMessage = 64 << 10
	}
	if o.RatePerSecond <= 0 {
		o.RatePerSecond, o.RateBurst = 20, 40
	}
	if o.Bus == nil {
		o.Bus = appliance.NewBus(o.Now)
	}
	s := &Server{opts: o, mux: http.NewServeMux(), static: loadStatic(catalog.New().JS()),
		sessions: newSessions(o.IdleTimeout, o.Now),
		deskPIN:  newLimiter(5, 5*time.Minute, 5*time.Minute, o.Now),
		userPIN:  newLimiter(5, 15*time.Minute, 15*time.Minute, o.Now),
		lookups:  newLookupLimits(o.Now),
		status:   newStatusBoard(),
		tillGate: newTillGate(o.Now),
		conns:    map[*conn]struct{}{}, done: make(chan struct{})}
	s.routes()
	ctx, stop := context.WithCancel(context.Background())
	s.stop = stop
	go s.background(ctx)
	return s
}

func (s *Server) routes() {
	s.mux.HandleFunc("GET /healthz", s.health)
	s.mux.HandleFunc("GET /ws", s.serveWS)
	s.mux.HandleFunc("POST /session", s.postSession)
	s.mux.HandleFunc("POST /session/logout", s.postLogout)
	s.mux.HandleFunc("GET /s/{version}/{file...}", s.static.serveAsset)
	s.mux.HandleFunc("GET /{$}", s.static.page("index.html"))
	s.mux.HandleFunc("GET /kiosk", s.static.page("kiosk.html"))
	s.mux.HandleFunc("GET /staff", s.static.page("staff.html"))
	s.mux.HandleFunc("GET /reports/{file}", s.getReportCSV)
	s.mux.HandleFunc("GET /ca.crt", s.getCA)
	s.mux.HandleFunc("POST /till/sales", s.postTillSale)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Close ends every websocket and the server's goroutines. The HTTP
// listener is the caller's.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	cs := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		cs = append(cs, c)
	}
	s.mu.Unlock()
	for _, c := range cs {
		c.close()
	}
	s.stop()
	<-s.done
	return nil
}

// background follows the bus for the status screens and ends idle sessions.
func (s *Server) background(ctx context.Context) {
	defer close(s.done)
	sub := s.opts.Bus.Subscribe(64)
	defer sub.Close()
	tick := time.NewTicker(15 * time.Second)
	defer tick.Stop()
	record := func() {
		if err := s.recordConfig(s.config()); err != nil {
			s.opts.Logger.Warn("config log", "err", err)
		}
	}
	record()
	for {
		select {
		case <-ctx.Done():
			return
		case ev := <-sub.C():
			s.status.note(ev)
			if ev.Kind == "config.reloaded" {
				record()
			}
		case <-tick.C:
			for _, ss := range s.sessions.expired() {
				s.sessionEnded(ss.token, "idle")
			}
		}
	}
}

// config returns the snapshot in force (the embedded defaults if none given).
func (s *Server) config() *conf.Snapshot {
	if s.opts.Config != nil {
		if c := s.opts.Config(); c != nil {
			return c
		}
	}
	c, err := conf.Load("")
	if err != nil {
		panic(err) // the embedded defaults are validated at build time
	}
	s.opts.Config = func() *conf.Snapshot { return c }
	return c
}

// health answers whether the store can be read, for monitoring and the kiosk launcher.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	status, code := "ok", http.StatusOK
	if err := s.opts.Store.Ping(); err != nil {
		s.opts.Logger.Error("health check", "err", err)
		status, code = "store unavailable", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"status": status, "version": s.opts.Version, "time": s.opts.Now().Format(time.RFC3339)})
}

// postSession sets the session cookie for a nonce a websocket login gave.
func (s *Server) postSession(w http.ResponseWriter, r *http.Request) {
	if !s.sameOrigin(r) {
		http.Error(w, "cross-origin", http.StatusForbidden)
		return
	}
	var body struct {
		Nonce string `json:"nonce"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1024)).Decode(&body); err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	tok, ok := s.sessions.redeem(body.Nonce)
	if !ok {
		http.Error(w, "unknown nonce", http.StatusForbidden)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: tok, Path: "/", HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	w.WriteHeader(http.StatusNoContent)
}

// postLogout clears the session cookie (the websocket's logout ends the session).
func (s *Server) postLogout(w http.ResponseWriter, r *http.Request) {
	if !s.sameOrigin(r) {
		http.Error(w, "cross-origin", http.StatusForbidden)
		return
	}
	if c, err := r.Cookie(cookieName); err == nil {
		s.sessions.end(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	w.WriteHeader(http.StatusNoContent)
}
