package vpcdtest

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Control bytes vpcd sends as 1-byte frames.
const (
	ctrlPowerOff = 0
	ctrlPowerOn  = 1
	ctrlReset    = 2
	ctrlATR      = 4
)

// ATR14443 is the ATR a PC/SC contactless reader builds for a MIFARE
// Classic 1K card (PC/SC part 3, 3.1.3.2.3).
var ATR14443 = []byte{0x3B, 0x8F, 0x80, 0x01, 0x80, 0x4F, 0x0C, 0xA0, 0x00, 0x00, 0x03, 0x06, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x6A}

// GetDataUID is the PC/SC part 3 GET DATA command for the card's UID.
var GetDataUID = []byte{0xFF, 0xCA, 0x00, 0x00, 0x00}

// Script answers the APDUs a card receives. Answering nil pulls the card
// off the reader in the middle of the exchange: its socket is closed
// without an answer.
type Script func(apdu []byte) []byte

// UIDScript answers GET DATA with uid and 90 00, anything else 6D 00.
func UIDScript(uid []byte) Script {
	return func(apdu []byte) []byte {
		if bytes.Equal(apdu, GetDataUID) {
			return append(append([]byte{}, uid...), 0x90, 0x00)
		}
		return []byte{0x6D, 0x00}
	}
}

// PullScript pulls the card off the reader when it gets its first APDU.
func PullScript() Script {
	return func([]byte) []byte { return nil }
}

// SlowScript answers like s, after a pause of d.
func SlowScript(d time.Duration, s Script) Script {
	return func(apdu []byte) []byte {
		time.Sleep(d)
		return s(apdu)
	}
}

// FixedScript answers every APDU with rsp: a bare status word such as
// 6A 81, or garbage.
func FixedScript(rsp []byte) Script {
	return func([]byte) []byte { return append([]byte{}, rsp...) }
}

// Card is a virtual card sitting in a vpcd slot until Remove.
type Card struct {
	conn   net.Conn
	atr    []byte
	script Script
	done   chan struct{} // closed when serve returns

	mu    sync.Mutex // guards apdus and err
	apdus [][]byte   // the APDUs received, in order
	err   error      // why serve stopped, if not Remove
}

// Insert puts a card with atr, answering APDUs with script, into vpcd
// slot n: it connects to vpcd's port and serves until Remove. tb ends
// with the card removed.
func Insert(tb testing.TB, slot int, atr []byte, script Script) *Card {
	tb.Helper()
	c, err := Dial(Addr(slot), atr, script)
	if err != nil {
		tb.Fatalf("vpcdtest: insert card in slot %d: %v", slot, err)
	}
	tb.Cleanup(c.Remove)
	return c
}

// Dial connects a card to the vpcd listening at addr and serves it.
func Dial(addr string, atr []byte, script Script) (*Card, error) {
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		return nil, fmt.Errorf("dial vpcd %s: %w", addr, err)
	}
	c := &Card{conn: conn, atr: atr, script: script, done: make(chan struct{})}
	go c.serve()
	return c, nil
}

// Remove takes the card off the reader: it closes the socket and waits
// for the card's goroutine. Removing twice does nothing.
func (c *Card) Remove() {
	c.conn.Close()
	<-c.done
}

// APDUs returns the command APDUs the card has received.
func (c *Card) APDUs() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([][]byte(nil), c.apdus...)
}

// Err returns why the card stopped serving before Remove, or nil.
func (c *Card) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// serve answers vpcd's frames until the socket closes.
func (c *Card) serve() {
	defer close(c.done)
	for {
		quickACK(c.conn)
		req, err := readFrame(c.conn)
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, net.ErrClosed) {
				c.setErr(err)
			}
			return
		}
		rsp, ok := c.answer(req)
		if !ok {
			continue
		}
		if rsp == nil && len(req) > 1 {
			c.conn.Close()
			return
		}
		if err := writeFrame(c.conn, rsp); err != nil {
			if !errors.Is(err, net.ErrClosed) {
				c.setErr(err)
			}
			return
		}
	}
}

// answer returns the reply to one frame, and false if it needs none.
func (c *Card) answer(req []byte) ([]byte, bool) {
	if len(req) == 1 {
		switch req[0] {
		case ctrlATR:
			return c.atr, true
		case ctrlPowerOff, ctrlPowerOn, ctrlReset:
			return nil, false
		}
		c.setErr(fmt.Errorf("unknown vpcd control byte %#x", req[0]))
		return nil, false
	}
	c.mu.Lock()
	c.apdus = append(c.apdus, append([]byte{}, req...))
	c.mu.Unlock()
	return c.script(req), true
}

func (c *Card) setErr(err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.err == nil {
		c.err = err
	}
}

// readFrame reads one length-prefixed vpcd frame.
func readFrame(r io.Reader) ([]byte, error) {
	var n [2]byte
	if _, err := io.ReadFull(r, n[:]); err != nil {
		return nil, err
	}
	buf := make([]byte, binary.BigEndian.Uint16(n[:]))
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, err
	}
	return buf, nil
}

// writeFrame writes p as one length-prefixed vpcd frame.
func writeFrame(w io.Writer, p []byte) error {
	if len(p) > 0xFFFF {
		return fmt.Errorf("frame of %d bytes is too long", len(p))
	}
	buf := make([]byte, 2+len(p))
	binary.BigEndian.PutUint16(buf, uint16(len(p)))
	copy(buf[2:], p)
	_, err := w.Write(buf)
	return err
}

// quickACK asks the kernel to acknowledge at once what conn receives next.
// vpcd writes a frame's length and payload in two sends without
// TCP_NODELAY; with delayed ACKs Nagle then holds the payload for up to
// 40 ms, a cost of vpcd that no real reader has.
func quickACK(conn net.Conn) {
	tc, ok := conn.(*net.TCPConn)
	if !ok {
		return
	}
	raw, err := tc.SyscallConn()
	if err != nil {
		return
	}
	raw.Control(func(fd uintptr) {
		syscall.SetsockoptInt(int(fd), syscall.IPPROTO_TCP, syscall.TCP_QUICKACK, 1)
	})
}
