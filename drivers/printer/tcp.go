package printer

import (
	"context"
	"fmt"
	"io"
	"net"
	"time"
)

// tcpTransport is a raw TCP connection to a network printer's port 9100.
type tcpTransport struct {
	conn    net.Conn
	addr    string
	timeout time.Duration
	cancel  cancelled
}

// dialTCP connects to host:port within timeout (or ctx's deadline).
func dialTCP(ctx context.Context, hostport string, dialTimeout, writeTimeout time.Duration) (*tcpTransport, error) {
	d := net.Dialer{Timeout: dialTimeout}
	conn, err := d.DialContext(ctx, "tcp", hostport)
	if err != nil {
		return nil, classify("dial", "tcp://"+hostport, err)
	}
	return &tcpTransport{conn: conn, addr: "tcp://" + hostport, timeout: writeTimeout}, nil
}

// Write sends p, each chunk under the write timeout.
func (t *tcpTransport) Write(p []byte) (int, error) {
	n, err := writeAll(t.conn, t.conn.SetWriteDeadline, &t.cancel, p, t.timeout)
	if err != nil {
		return n, classify(fmt.Sprintf("write (%d of %d bytes sent)", n, len(p)), t.addr, err)
	}
	return n, nil
}

// RealTimeStatus sends DLE EOT n and reads the one-byte reply.
func (t *tcpTransport) RealTimeStatus(n byte, deadline time.Time) (byte, error) {
	if err := t.conn.SetDeadline(deadline); err != nil {
		return 0, fmt.Errorf("printer: set deadline: %w", err)
	}
	if t.cancel.flag.Load() {
		return 0, fmt.Errorf("printer: %s: %w", t.addr, errInterrupted)
	}
	if _, err := t.conn.Write([]byte{dle, eot, n}); err != nil {
		return 0, classify(fmt.Sprintf("write DLE EOT %d", n), t.addr, err)
	}
	var b [1]byte
	if _, err := io.ReadFull(t.conn, b[:]); err != nil {
		return 0, classify(fmt.Sprintf("read DLE EOT %d reply", n), t.addr, err)
	}
	return b[0], nil
}

// Interrupt ends the blocked call and fails every later one.
func (t *tcpTransport) Interrupt() { t.cancel.interrupt(t.conn.SetDeadline) }

// Close closes the connection.
func (t *tcpTransport) Close() error { return t.conn.Close() }
