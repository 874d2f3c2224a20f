package printer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"sync/atomic"
	"syscall"
	"time"
)

// Transport carries one job's bytes to a printer: the device node, a TCP
// connection, a file. Write returns an error wrapping one of this package's
// Err* values when the device fails in a known way; Close releases the
// device and, for files, makes the bytes durable.
type Transport interface {
	io.Writer
	io.Closer
}

// StatusReader is a Transport that can read the printer's answers back
// (TCP, a bidirectional USB interface).
type StatusReader interface {
	// RealTimeStatus sends DLE EOT n and returns the reply byte. It fails
	// with an error wrapping ErrNoStatus when the device cannot answer at
	// all, and ErrTimeout when no answer came before deadline.
	RealTimeStatus(n byte, deadline time.Time) (byte, error)
}

// interrupter is a Transport whose blocked calls can be ended for good.
type interrupter interface {
	// Interrupt makes the current and every later call fail at once.
	Interrupt()
}

// cancelled is an Interrupt for transports with deadlines: the flag stops
// later chunks, the past deadline ends the blocked one. writeAll checks the
// flag after setting each chunk's deadline, so neither order loses it.
type cancelled struct {
	flag atomic.Bool
}

func (c *cancelled) interrupt(setDeadline func(time.Time) error) {
	c.flag.Store(true)
	setDeadline(time.Unix(1, 0))
}

// errInterrupted is returned by calls after Interrupt.
var errInterrupted = errors.New("interrupted")

// drainer is a Transport that can wait until the device has taken every
// byte written (usblp with O_NONBLOCK: the last URB in flight).
type drainer interface {
	Drain(deadline time.Time) error
}

// interruptOn makes ctx's cancellation end t's blocked calls; call the
// returned stop when done.
func interruptOn(ctx context.Context, t Transport) (stop func() bool) {
	i, ok := t.(interrupter)
	if !ok {
		return func() bool { return true }
	}
	return context.AfterFunc(ctx, i.Interrupt)
}

// writeChunk is how many bytes go out under one write deadline, so a slow
// but moving printer is not cut off while a stuck one is.
const writeChunk = 4096

// writeAll writes p in chunks, each with its own deadline timeout from
// when it starts, and returns how many bytes the device took. It stops
// with errInterrupted once c is set.
func writeAll(w io.Writer, setDeadline func(time.Time) error, c *cancelled, p []byte, timeout time.Duration) (int, error) {
	n := 0
	for n < len(p) {
		end := min(n+writeChunk, len(p))
		if setDeadline != nil {
			if err := setDeadline(time.Now().Add(timeout)); err != nil {
				return n, fmt.Errorf("printer: set write deadline: %w", err)
			}
		}
		if c.flag.Load() {
			return n, errInterrupted
		}
		k, err := w.Write(p[n:end])
		n += k
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// classify wraps err from op on dev with the Err* value it means.
func classify(op, dev string, err error) error {
	if err == nil {
		return nil
	}
	var known error
	var errno syscall.Errno
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded) || isTimeout(err):
		known = ErrTimeout
	case errors.As(err, &errno) && errno == syscall.EINVAL && !strings.HasPrefix(op, "read"):
		// EINVAL means "no read-back" only from usblp_read; elsewhere it
		// is a plain failure, reported as is.
	case errors.As(err, &errno):
		known = errnoError(errno)
	case errors.Is(err, os.ErrNotExist):
		known = ErrAbsent
	case errors.Is(err, io.EOF) || errors.Is(err, net.ErrClosed):
		known = ErrOffline
	}
	if known == nil {
		return fmt.Errorf("printer: %s %s: %w", op, dev, err)
	}
	return fmt.Errorf("%w: %s %s: %w", known, op, dev, err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// errnoError maps the errors usblp and sockets return to this package's.
func errnoError(e syscall.Errno) error {
	switch e {
	case syscall.ENOENT, syscall.ENODEV, syscall.ENXIO, syscall.ECONNREFUSED, syscall.EHOSTUNREACH, syscall.ENETUNREACH:
		return ErrAbsent
	case syscall.EBUSY:
		return ErrBusy
	case syscall.EACCES, syscall.EPERM:
		return ErrPermission
	case syscall.ENOSPC:
		return ErrPaperOut // usblp with LPABORT set
	case syscall.EINVAL:
		return ErrNoStatus // usblp read on a unidirectional interface
	case syscall.ETIMEDOUT, syscall.EAGAIN:
		return ErrTimeout
	case syscall.ECONNRESET, syscall.EPIPE, syscall.EIO:
		return ErrOffline
	}
	return nil
}

// The transports and what each can do, checked at compile time.
var (
	_ Transport    = (*tcpTransport)(nil)
	_ StatusReader = (*tcpTransport)(nil)
	_ interrupter  = (*tcpTransport)(nil)
	_ Transport    = (*usbTransport)(nil)
	_ StatusReader = (*usbTransport)(nil)
	_ interrupter  = (*usbTransport)(nil)
	_ drainer      = (*usbTransport)(nil)
	_ Transport    = (*fileTransport)(nil)
	_ Transport    = (*dirTransport)(nil)
)
