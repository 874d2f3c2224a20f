package printer

import (
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"golang.org/x/sys/unix"
)

// usbTransport is a USB printer class device node of the kernel usblp
// driver, such as /dev/usb/lp0. Opened with O_RDWR; Go makes it
// non-blocking and pollable, so deadlines bound every call. Facts from
// drivers/usb/class/usblp.c: open fails with EBUSY while another program
// (CUPS) holds the device; read fails with EINVAL on a unidirectional
// interface; read and write fail with ENODEV after unplug; a write waits
// while the paper is out unless LPABORT is set (then ENOSPC); with
// O_NONBLOCK a write can return before its bytes left, and close cancels
// them, so a job ends with a DLE EOT round trip or Drain before Close.
type usbTransport struct {
	f        *os.File
	path     string
	timeout  time.Duration
	pollable bool
	cancel   cancelled

	mu sync.Mutex
	// unidirectional is set once a read failed with EINVAL. Guarded by mu.
	unidirectional bool
}

// openUSB opens the device node at path.
func openUSB(path string, writeTimeout time.Duration) (*usbTransport, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, classify("open", path, err)
	}
	if fi.IsDir() {
		return nil, fmt.Errorf("printer: open %s: is a directory (use dir:%s for a directory sink)", path, path)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return nil, classify("open", path, err)
	}
	return newUSB(f, path, writeTimeout), nil
}

// newUSB wraps an open device file.
func newUSB(f *os.File, path string, writeTimeout time.Duration) *usbTransport {
	return &usbTransport{
		f:        f,
		path:     path,
		timeout:  writeTimeout,
		pollable: f.SetDeadline(time.Time{}) == nil,
	}
}

// Write sends p, each chunk under the write timeout when the device is
// pollable.
func (t *usbTransport) Write(p []byte) (int, error) {
	var set func(time.Time) error
	if t.pollable {
		set = t.f.SetWriteDeadline
	}
	n, err := writeAll(t.f, set, &t.cancel, p, t.timeout)
	if err != nil {
		return n, classify(fmt.Sprintf("write (%d of %d bytes sent)", n, len(p)), t.path, err)
	}
	return n, nil
}

// RealTimeStatus sends DLE EOT n and reads the reply; ErrNoStatus on a
// unidirectional interface or a device without deadlines.
func (t *usbTransport) RealTimeStatus(n byte, deadline time.Time) (byte, error) {
	t.mu.Lock()
	uni := t.unidirectional
	t.mu.Unlock()
	if uni || !t.pollable {
		return 0, fmt.Errorf("%w: %s cannot be read", ErrNoStatus, t.path)
	}
	if err := t.f.SetDeadline(deadline); err != nil {
		return 0, fmt.Errorf("printer: set deadline on %s: %w", t.path, err)
	}
	if t.cancel.flag.Load() {
		return 0, fmt.Errorf("printer: %s: %w", t.path, errInterrupted)
	}
	if _, err := t.f.Write([]byte{dle, eot, n}); err != nil {
		return 0, classify(fmt.Sprintf("write DLE EOT %d", n), t.path, err)
	}
	var b [1]byte
	for {
		k, err := t.f.Read(b[:])
		if k == 1 {
			return b[0], nil
		}
		if err != nil {
			err = classify(fmt.Sprintf("read DLE EOT %d reply", n), t.path, err)
			if errors.Is(err, ErrNoStatus) {
				t.mu.Lock()
				t.unidirectional = true
				t.mu.Unlock()
			}
			return 0, err
		}
	}
}

// Drain waits until the device has taken the last bytes written: usblp
// reports POLLOUT once its write URB completed.
func (t *usbTransport) Drain(deadline time.Time) error {
	if !t.pollable {
		return nil
	}
	rc, err := t.f.SyscallConn()
	if err != nil {
		return fmt.Errorf("printer: drain %s: %w", t.path, err)
	}
	if err := t.f.SetWriteDeadline(deadline); err != nil {
		return fmt.Errorf("printer: drain %s: %w", t.path, err)
	}
	werr := rc.Write(func(fd uintptr) bool {
		pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLOUT}}
		n, err := unix.Poll(pfd, 0)
		return err != nil || n > 0
	})
	return classify("drain", t.path, werr)
}

// Interrupt ends the blocked call and fails every later one (when the
// device is pollable; a blocking device finishes its call first).
func (t *usbTransport) Interrupt() {
	if t.pollable {
		t.cancel.interrupt(t.f.SetDeadline)
	} else {
		t.cancel.flag.Store(true)
	}
}

// Close closes the device.
func (t *usbTransport) Close() error { return t.f.Close() }
