package vpcdtest

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ebfe/scard"
)

// BasePort is vpcd's port for slot 0; slot n listens on BasePort+n.
const BasePort = 35963

// Slots is how many virtual readers one vpcd entry gives (Debian 12).
const Slots = 2

// readerConf is the reader.conf entry for vpcd; %d is the port.
const readerConf = `FRIENDLYNAME "Virtual PCD"
DEVICENAME   /dev/null:%d
LIBPATH      ` + vpcdDriver + `
CHANNELID    %d
`

// Daemon is a private pcscd with the vpcd driver, started by Start.
type Daemon struct {
	tb      testing.TB
	confDir string // pcscd -c: the reader config directory

	mu   sync.Mutex    // guards cmd, log and done
	cmd  *exec.Cmd     // the running pcscd, or nil
	log  *bytes.Buffer // pcscd's output, shown when a test fails
	done chan struct{} // closed when cmd has been reaped
}

// Start starts pcscd --foreground with vpcd on BasePort and waits until its
// readers are listed. It skips tb when the stack cannot run here, fails it
// when pcscd does not come up, and stops pcscd when tb ends.
func Start(tb testing.TB) *Daemon {
	tb.Helper()
	if r := skipReason(); r != "" {
		tb.Skip(r)
	}
	d := &Daemon{tb: tb, confDir: tb.TempDir()}
	d.WriteConf(true)
	tb.Cleanup(func() {
		if err := d.Stop(); err != nil {
			tb.Errorf("vpcdtest: stop pcscd: %v", err)
		}
		if tb.Failed() {
			tb.Logf("pcscd output:\n%s", d.Output())
		}
	})
	d.Restart()
	return d
}

// WriteConf writes the reader config: with vpcd, or empty (no readers).
// pcscd reads it only when it starts: Debian's pcscd 1.9.9 is built with
// the libudev hotplug backend, whose answer to the rescan signal (SIGUSR1,
// what pcscd --hotplug sends) is an empty HPReCheckSerialReaders. It logs
// "Received signal: 10" and lists the same readers as before, whether the
// vpcd entry was emptied, deleted or added. So the only way to add or
// remove a reader here is RestartWith; TestRescanSignal checks this.
func (d *Daemon) WriteConf(vpcd bool) {
	d.tb.Helper()
	conf := ""
	if vpcd {
		conf = fmt.Sprintf(readerConf, BasePort, BasePort)
	}
	if err := os.WriteFile(filepath.Join(d.confDir, "vpcd"), []byte(conf), 0o644); err != nil {
		d.tb.Fatalf("vpcdtest: %v", err)
	}
}

// Restart starts pcscd again after Kill or Stop (or for the first time)
// and waits until it lists the configured readers.
func (d *Daemon) Restart() {
	d.tb.Helper()
	d.mu.Lock()
	if d.cmd != nil {
		d.mu.Unlock()
		d.tb.Fatal("vpcdtest: pcscd is already running")
	}
	log := new(bytes.Buffer)
	cmd := exec.Command(pcscdPath, "--foreground", "--info", "-c", d.confDir)
	cmd.Stdout, cmd.Stderr = &lockedWriter{mu: &d.mu, w: log}, &lockedWriter{mu: &d.mu, w: log}
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		d.mu.Unlock()
		d.tb.Fatalf("vpcdtest: start pcscd: %v", err)
	}
	done := make(chan struct{})
	d.cmd, d.log, d.done = cmd, log, done
	d.mu.Unlock()
	go func() {
		cmd.Wait()
		close(done)
	}()
	if err := d.waitReady(10 * time.Second); err != nil {
		d.tb.Fatalf("vpcdtest: pcscd did not come up: %v\n%s", err, d.Output())
	}
}

// RestartWith kills pcscd and starts it again with the vpcd readers (vpcd
// true) or with none: a reader unplugged, or plugged in, while pcscd was
// away. See WriteConf for why a running pcscd cannot be given one.
func (d *Daemon) RestartWith(vpcd bool) {
	d.tb.Helper()
	d.Kill()
	d.WriteConf(vpcd)
	d.Restart()
}

// Rescan sends the running pcscd SIGUSR1, as pcscd --hotplug does, and
// returns once pcscd has logged that it handled the signal, or after 5 s
// with an error. What a rescan changes is for the caller to check.
func (d *Daemon) Rescan() error {
	const logged = "Received signal: 10"
	before := strings.Count(d.Output(), logged)
	if err := d.signal(syscall.SIGUSR1); err != nil {
		return err
	}
	deadline := time.Now().Add(5 * time.Second)
	for strings.Count(d.Output(), logged) == before {
		if time.Now().After(deadline) {
			return fmt.Errorf("pcscd did not log %q within 5s", logged)
		}
		time.Sleep(10 * time.Millisecond)
	}
	return nil
}

// waitReady polls pcscd until a client can list readers.
func (d *Daemon) waitReady(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-d.doneChan():
			return errors.New("pcscd exited")
		default:
		}
		ctx, err := scard.EstablishContext()
		if err == nil {
			_, err = ctx.ListReaders()
			ctx.Release()
			if err == nil || errors.Is(err, scard.ErrNoReadersAvailable) {
				return nil
			}
		}
		last = err
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("after %v: %v", limit, last)
}

func (d *Daemon) doneChan() chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.done
}

// Kill kills pcscd with SIGKILL, as a crash would, and reaps it.
func (d *Daemon) Kill() {
	d.tb.Helper()
	if err := d.signal(syscall.SIGKILL); err != nil {
		d.tb.Fatalf("vpcdtest: kill pcscd: %v", err)
	}
	<-d.doneChan()
	d.reaped()
}

// Stop stops pcscd by its PID with SIGTERM (SIGKILL after 5 s) and reaps
// it. Stopping a stopped daemon does nothing.
func (d *Daemon) Stop() error {
	done := d.doneChan()
	if done == nil {
		return nil
	}
	if err := d.signal(syscall.SIGTERM); err != nil {
		return err
	}
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		d.signal(syscall.SIGKILL)
		<-done
	}
	d.reaped()
	return nil
}

// reaped forgets the reaped process and removes what it left in SocketDir.
func (d *Daemon) reaped() {
	d.mu.Lock()
	d.cmd, d.done = nil, nil
	d.mu.Unlock()
	os.Remove(filepath.Join(SocketDir, "pcscd.comm"))
	os.Remove(filepath.Join(SocketDir, "pcscd.pid"))
}

// signal sends sig to the running pcscd by its PID.
func (d *Daemon) signal(sig syscall.Signal) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cmd == nil {
		return errors.New("pcscd is not running")
	}
	return syscall.Kill(d.cmd.Process.Pid, sig)
}

// PID returns the running pcscd's process id, or 0.
func (d *Daemon) PID() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.cmd == nil {
		return 0
	}
	return d.cmd.Process.Pid
}

// Output returns what pcscd has logged so far.
func (d *Daemon) Output() string {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.log == nil {
		return ""
	}
	return d.log.String()
}

// ReaderName is the PC/SC name of vpcd slot n (0 or 1).
func ReaderName(slot int) string {
	return fmt.Sprintf("Virtual PCD 00 %02d", slot)
}

// Addr is the address a card dials to sit in vpcd slot n.
func Addr(slot int) string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(BasePort+slot))
}

// lockedWriter serialises writes to w under mu.
type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
