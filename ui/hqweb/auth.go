package hqweb

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// cookieName is the session cookie's name.
const cookieName = "hq_session"

// maxLoginBody bounds a login form.
const maxLoginBody = 4 << 10

// tokenOK reports whether given is the token, in time independent of
// where they differ and of their lengths (both are hashed first).
func (s *Server) tokenOK(given string) bool {
	a, b := sha256.Sum256([]byte(given)), sha256.Sum256([]byte(s.o.Token))
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

// sessionMAC signs a session's issue time with the token: a session
// proves its holder typed the token, and a new token ends every session.
func (s *Server) sessionMAC(issued string) string {
	m := hmac.New(sha256.New, []byte(s.o.Token))
	m.Write([]byte("shouhou hq session\x00" + issued))
	return hex.EncodeToString(m.Sum(nil))
}

// newSession is a session cookie's value issued now: the unix time and
// its MAC.
func (s *Server) newSession() string {
	issued := strconv.FormatInt(s.o.Now().Unix(), 10)
	return issued + "." + s.sessionMAC(issued)
}

// sessionOK reports whether r carries a session this server issued that
// has not expired.
func (s *Server) sessionOK(r *http.Request) bool {
	c, err := r.Cookie(cookieName)
	if err != nil {
		return false
	}
	issued, mac, ok := strings.Cut(c.Value, ".")
	if !ok || !hmac.Equal([]byte(mac), []byte(s.sessionMAC(issued))) {
		return false
	}
	at, err := strconv.ParseInt(issued, 10, 64)
	if err != nil {
		return false
	}
	age := s.o.Now().Sub(time.Unix(at, 0))
	return age >= -time.Minute && age < s.o.SessionAge
}

// page guards a page: without a session the browser is sent to the login
// form.
func (s *Server) page(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.sessionOK(r) {
			http.Redirect(w, r, "/login", http.StatusSeeOther)
			return
		}
		h(w, r)
	}
}

// api guards a download: without a session it is 401.
func (s *Server) api(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if !s.sessionOK(r) {
			http.Error(w, "请先登录 / log in first", http.StatusUnauthorized)
			return
		}
		h(w, r)
	}
}

func (s *Server) serveLogin(w http.ResponseWriter, r *http.Request) {
	s.render(w, http.StatusOK, "login", &pageData{Title: "登录 Log in"})
}

// login checks the token typed on the form and, when it is right, sets
// the session cookie and sends the browser to the reports.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginBody)
	if err := r.ParseForm(); err != nil || !s.tokenOK(r.PostFormValue("token")) {
		s.failMu.Lock()
		time.Sleep(s.o.FailDelay)
		s.failMu.Unlock()
		s.render(w, http.StatusUnauthorized, "login", &pageData{Title: "登录 Log in", Error: "口令不对 / wrong token"})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: s.newSession(), Path: "/", MaxAge: int(s.o.SessionAge / time.Second),
		HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// logout clears the session cookie.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}
