package chaintest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// NATSUser is an account user a test server accepts (user/password).
type NATSUser struct {
	User, Password string
	// Permissions, if set, is the user's permissions object in
	// nats-server's config syntax, `{publish: [...], subscribe: [...]}`;
	// empty allows everything.
	Permissions string
}

// NATSOptions shape a test nats-server.
type NATSOptions struct {
	// Users, if any, are required to connect (else anyone may).
	Users []NATSUser
}

// NATS is a running nats-server with JetStream on, for one test.
type NATS struct {
	bin  string
	dir  string // config, JetStream store and log live here
	port int

	mu   sync.Mutex
	cmd  *exec.Cmd
	done <-chan struct{}
	log  *logBuffer
}

// StartNATS starts a nats-server (JetStream on, store in a temporary dir)
// on a free loopback port; it is killed when the test ends. The test is
// skipped when nats-server is not installed.
func StartNATS(t testing.TB, o NATSOptions) *NATS {
	t.Helper()
	bin := lookBin("nats-server", "/usr/sbin/nats-server", "/usr/bin/nats-server")
	if bin == "" {
		t.Skip("chaintest: nats-server is not installed (Debian package nats-server; build/deps.sh installs it)")
	}
	n := &NATS{bin: bin, dir: t.TempDir(), port: freePort(t)}
	if err := os.WriteFile(filepath.Join(n.dir, "nats.conf"), []byte(n.config(o)), 0o600); err != nil {
		t.Fatalf("chaintest: nats config: %v", err)
	}
	t.Cleanup(func() { _ = n.Kill() })
	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	return n
}

func (n *NATS) config(o NATSOptions) string {
	var b strings.Builder
	fmt.Fprintf(&b, "listen: \"127.0.0.1:%d\"\n", n.port)
	fmt.Fprintf(&b, "server_name: \"chaintest-%d\"\n", n.port)
	fmt.Fprintf(&b, "jetstream {\n  store_dir: %q\n}\n", filepath.Join(n.dir, "js"))
	if len(o.Users) > 0 {
		b.WriteString("authorization {\n  users = [\n")
		for _, u := range o.Users {
			if u.Permissions != "" {
				fmt.Fprintf(&b, "    {user: %q, password: %q, permissions: %s}\n", u.User, u.Password, u.Permissions)
			} else {
				fmt.Fprintf(&b, "    {user: %q, password: %q}\n", u.User, u.Password)
			}
		}
		b.WriteString("  ]\n}\n")
	}
	return b.String()
}

// URL is the server's client URL, nats://127.0.0.1:PORT.
func (n *NATS) URL() string { return fmt.Sprintf("nats://127.0.0.1:%d", n.port) }

// Port is the server's client port; it stays the same across restarts.
func (n *NATS) Port() int { return n.port }

// Log returns what the server has written so far (all runs).
func (n *NATS) Log() string {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.log == nil {
		return ""
	}
	return n.log.String()
}

// Start starts the server again on the same port and JetStream store
// (after Stop or Kill) and waits until JetStream is ready.
func (n *NATS) Start() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd != nil {
		return fmt.Errorf("chaintest: nats-server is already running")
	}
	if n.log == nil {
		n.log = new(logBuffer)
	}
	mark := len(n.log.String())
	cmd := exec.Command(n.bin, "-c", filepath.Join(n.dir, "nats.conf"))
	cmd.Stdout, cmd.Stderr = n.log, n.log
	done, err := start(cmd)
	if err != nil {
		return fmt.Errorf("chaintest: start nats-server: %w", err)
	}
	ready := waitFor(20*time.Second, func() bool {
		select {
		case <-done:
			return true
		default:
		}
		return strings.Contains(n.log.String()[mark:], "Server is ready") && dialable(n.port)
	})
	select {
	case <-done:
		return fmt.Errorf("chaintest: nats-server exited at start:\n%s", n.log.String()[mark:])
	default:
	}
	if !ready {
		_ = killGroup(cmd, done, syscall.SIGKILL)
		return fmt.Errorf("chaintest: nats-server not ready in 20 s:\n%s", n.log.String()[mark:])
	}
	n.cmd, n.done = cmd, done
	return nil
}

// Stop shuts the server down cleanly (SIGTERM).
func (n *NATS) Stop() error { return n.signal(syscall.SIGTERM) }

// Kill kills the server with SIGKILL, as a power cut or an OOM kill would.
func (n *NATS) Kill() error { return n.signal(syscall.SIGKILL) }

func (n *NATS) signal(sig syscall.Signal) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.cmd == nil {
		return nil
	}
	err := killGroup(n.cmd, n.done, sig)
	n.cmd, n.done = nil, nil
	return err
}
