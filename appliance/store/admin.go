package store

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
)

// AdminHandler answers one admin request beyond backup and verify (see
// ServeAdminWith): args is the rest of the request line, body what the
// client sent after it (up to its half-close), w the connection. It
// answers "OK\n" then its stream, or "ERR message\n".
type AdminHandler func(args string, body io.Reader, w io.Writer)

// AdminVia sends the server holding dataDir the request line and then
// body, half-closes, and returns the answer after its "OK" line, to be
// closed by the caller. It returns ErrNoServer when nothing listens on
// the socket, and the server's message when it answers ERR.
func AdminVia(dataDir, request string, body io.Reader) (io.ReadCloser, error) {
	conn, err := net.Dial("unix", filepath.Join(dataDir, AdminSocket))
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrNoServer, err)
	}
	fail := func(err error) (io.ReadCloser, error) {
		conn.Close()
		return nil, fmt.Errorf("store: admin socket: %w", err)
	}
	if _, err := io.WriteString(conn, request+"\n"); err != nil {
		return fail(err)
	}
	if body != nil {
		if _, err := io.Copy(conn, body); err != nil {
			return fail(err)
		}
	}
	if uc, ok := conn.(*net.UnixConn); ok {
		if err := uc.CloseWrite(); err != nil {
			return fail(err)
		}
	}
	br := bufio.NewReader(conn)
	status, err := br.ReadString('\n')
	if err != nil {
		return fail(err)
	}
	if status != "OK\n" {
		conn.Close()
		return nil, fmt.Errorf("store: the server refused %s: %s", firstWord(request), strings.TrimPrefix(strings.TrimSpace(status), "ERR "))
	}
	return readCloser{br, conn}, nil
}

type readCloser struct {
	io.Reader
	io.Closer
}

func firstWord(s string) string {
	w, _, _ := strings.Cut(s, " ")
	return w
}
