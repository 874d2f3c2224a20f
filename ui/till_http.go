package ui

import (
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/purchases"
)

// tillSale is the body of POST /till/sales: one till receipt (docs/till.md).
type tillSale struct {
	// Receipt is the receipt number.
	Receipt string `json:"receipt"`
	// Sold is when it was sold: RFC 3339, or "YYYY-MM-DD HH:MM:SS" /
	// "YYYY-MM-DD" in the store's time zone.
	Sold string `json:"sold"`
	// Channel is "store" (the default) or "online".
	Channel string `json:"channel,omitempty"`
	// Lines are the receipt's lines.
	Lines []tillLine `json:"lines"`
}

// tillLine is one line of a pushed receipt.
type tillLine struct {
	Line     int    `json:"line"`
	SKU      string `json:"sku"`
	Name     string `json:"name,omitempty"`
	Spec     string `json:"spec,omitempty"`
	Category string `json:"category,omitempty"`
	Serial   string `json:"serial,omitempty"`
	PriceFen int64  `json:"price_fen"`
	Special  bool   `json:"special,omitempty"`
	Gift     bool   `json:"gift,omitempty"`
	Custom   bool   `json:"custom,omitempty"`
}

// tillGate limits the push endpoint: pushes per till per minute, and
// wrong tokens per remote address (a guessing till is locked out).
type tillGate struct {
	now  func() time.Time
	bad  *limiter
	mu   sync.Mutex             // guards seen
	seen map[string][]time.Time // till ID -> its pushes in the last minute
}

func newTillGate(now func() time.Time) *tillGate {
	return &tillGate{now: now, bad: newLimiter(10, time.Minute, time.Minute, now), seen: map[string][]time.Time{}}
}

// allow records a push of till and reports whether it is within perMinute.
func (g *tillGate) allow(till string, perMinute int) bool {
	now := g.now()
	g.mu.Lock()
	defer g.mu.Unlock()
	recent := g.seen[till][:0]
	for _, t := range g.seen[till] {
		if now.Sub(t) < time.Minute {
			recent = append(recent, t)
		}
	}
	if len(recent) >= perMinute {
		g.seen[till] = recent
		return false
	}
	g.seen[till] = append(recent, now)
	return true
}

// postTillSale stores one pushed receipt: the till's token (constant-time
// compare) names the till, the body is size-limited, each till is
// rate-limited, and the receipt is stored whole or not at all. Pushing the
// same receipt again stores nothing more (idempotent by receipt and line).
func (s *Server) postTillSale(w http.ResponseWriter, r *http.Request) {
	cfg := s.config().Till
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	if d := s.tillGate.bad.locked(host); d > 0 {
		tillReply(w, http.StatusTooManyRequests, "too many wrong tokens: wait a minute", nil)
		return
	}
	token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	till, ok := cfg.ByToken(strings.TrimSpace(token))
	if !ok {
		s.tillGate.bad.fail(host)
		s.opts.Logger.Warn("till push refused: wrong token", "remote", r.RemoteAddr)
		tillReply(w, http.StatusUnauthorized, "收银机令牌无效 / the till's token is not valid", nil)
		return
	}
	if !s.tillGate.allow(till.ID, cfg.Push.PerMinute) {
		tillReply(w, http.StatusTooManyRequests, "推送过于频繁 / too many pushes from this till: slow down", nil)
		return
	}
	if s.opts.Purchases == nil {
		tillReply(w, http.StatusServiceUnavailable, "购买记录服务未启动 / purchases are not available", nil)
		return
	}
	var body tillSale
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, int64(cfg.Push.MaxBodyBytes)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			tillReply(w, http.StatusRequestEntityTooLarge, "请求过大 / the body is over the limit of till.toml push.max_body_bytes", nil)
			return
		}
		tillReply(w, http.StatusBadRequest, "JSON 无效 / the body is not a valid sale: "+err.Error(), nil)
		return
	}
	sales, err := s.tillSales(body, cfg.Categories)
	if err != nil {
		tillReply(w, http.StatusBadRequest, appliance.ErrorMessage(err), nil)
		return
	}
	actor := appliance.Actor{ID: "till:" + till.ID, Role: appliance.RoleClerk}
	rep, err := s.opts.Purchases.ImportSales(r.Context(), actor, purchases.Batch{Source: "push:" + till.ID, AllOrNothing: true}, sales)
	switch {
	case err != nil:
		s.opts.Logger.Error("till push", "till", till.ID, "err", err)
		tillReply(w, http.StatusInternalServerError, appliance.ErrorMessage(err), nil)
	case rep.Rejected > 0:
		tillReply(w, http.StatusUnprocessableEntity, "小票有错误行，未保存 / the receipt has rejected lines: nothing stored", &rep)
	default:
		tillReply(w, http.StatusOK, "", &rep)
	}
}

// tillSales turns a pushed receipt into sale lines.
func (s *Server) tillSales(b tillSale, categories map[string]string) ([]purchases.Sale, error) {
	if len(b.Lines) == 0 {
		return nil, appliance.FieldError("lines", "小票没有商品行 / the receipt has no lines")
	}
	loc := s.config().Store.Location
	sold, err := time.Parse(time.RFC3339, b.Sold)
	for _, layout := range []string{"2006-01-02 15:04:05", "2006-01-02"} {
		if err != nil {
			sold, err = time.ParseInLocation(layout, b.Sold, loc)
		}
	}
	if err != nil {
		return nil, appliance.FieldError("sold", "销售时间应为 RFC 3339 或 YYYY-MM-DD HH:MM:SS / sold must be RFC 3339 or YYYY-MM-DD HH:MM:SS, got %q", b.Sold)
	}
	out := make([]purchases.Sale, len(b.Lines))
	for i, l := range b.Lines {
		cat := l.Category
		if id, ok := categories[cat]; ok {
			cat = id
		}
		out[i] = purchases.Sale{Receipt: b.Receipt, Line: l.Line, SKU: l.SKU, Name: l.Name, Spec: l.Spec, Category: cat,
			Serial: l.Serial, Sold: sold, PriceFen: l.PriceFen, Channel: b.Channel, Special: l.Special, Gift: l.Gift, Custom: l.Custom}
	}
	return out, nil
}

// tillReply writes the push's answer: {"ok", "error", "report"}.
func tillReply(w http.ResponseWriter, code int, msg string, rep *purchases.Report) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(struct {
		OK     bool              `json:"ok"`
		Error  string            `json:"error,omitempty"`
		Report *purchases.Report `json:"report,omitempty"`
	}{OK: code == http.StatusOK, Error: msg, Report: rep})
}
