package ui

import (
	"embed"
	"encoding/json"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"shouhou/appliance/store"
)

//go:embed static
var staticFiles embed.FS

// Options configure a Server.
type Options struct {
	// Store is the appliance's open store.
	Store *store.DB
	// Logger receives request errors.
	Logger *slog.Logger
	// Version is the build version shown on screen.
	Version string
}

// Server is the appliance's HTTP handler.
type Server struct {
	opts Options
	mux  *http.ServeMux
}

// NewServer returns the handler serving the embedded UI and the health check.
func NewServer(o Options) *Server {
	s := &Server{opts: o, mux: http.NewServeMux()}
	static, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err) // the embedded tree is fixed at build time
	}
	s.mux.Handle("GET /", http.FileServerFS(static))
	s.mux.HandleFunc("GET /healthz", s.health)
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// health answers whether the store can be read, for monitoring and the kiosk launcher.
func (s *Server) health(w http.ResponseWriter, r *http.Request) {
	status, code := "ok", http.StatusOK
	if err := s.opts.Store.Ping(); err != nil {
		s.opts.Logger.Error("health check", "err", err)
		status, code = "store unavailable", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]any{"status": status, "version": s.opts.Version, "time": time.Now().Format(time.RFC3339)})
}
