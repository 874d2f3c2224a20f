package chaintest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Postgres is a PostgreSQL cluster made by initdb for one test, listening
// on a free loopback port.
type Postgres struct {
	bin  string // the directory holding initdb, pg_ctl and postgres
	dir  string // the cluster's parent dir: data/, sock/, log
	port int
	cred *syscall.Credential // the postgres user, when the test runs as root

	mu      sync.Mutex
	running bool
}

// pgBinDir finds PostgreSQL's server binaries: Debian keeps them in
// /usr/lib/postgresql/VERSION/bin, off PATH; the newest version wins.
func pgBinDir() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if r, err := filepath.EvalSymlinks(p); err == nil {
			return filepath.Dir(r)
		}
	}
	return ""
}

func pgVersion(binDir string) int {
	v, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return v
}

// StartPostgres makes a new cluster (initdb: user shouhou, trust auth on
// loopback only, UTF8) and starts it; it is killed and removed when the
// test ends. PostgreSQL refuses to run as root, so a root test runs it as
// the postgres user (made by the Debian package). The test is skipped when
// PostgreSQL is not installed.
func StartPostgres(t testing.TB) *Postgres {
	t.Helper()
	bin := pgBinDir()
	if bin == "" {
		t.Skip("chaintest: PostgreSQL is not installed (Debian package postgresql; build/deps.sh installs it)")
	}
	// Not t.TempDir: its parent is 0700 root, which the postgres user
	// cannot enter.
	dir, err := os.MkdirTemp("", "shouhou-pg-")
	if err != nil {
		t.Fatalf("chaintest: %v", err)
	}
	p := &Postgres{bin: bin, dir: dir, port: freePort(t)}
	t.Cleanup(func() {
		_ = p.Kill()
		_ = os.RemoveAll(dir)
	})
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skipf("chaintest: running as root and there is no postgres user to run PostgreSQL as: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		p.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatalf("chaintest: %v", err)
		}
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatalf("chaintest: %v", err)
	}
	if err := p.run("initdb", "-D", p.data(), "-U", "shouhou", "--auth=trust", "-E", "UTF8",
		"--locale=C", "--no-sync"); err != nil {
		t.Fatal(err)
	}
	if err := p.run("mkdir", "-p", filepath.Join(dir, "sock")); err != nil {
		t.Fatal(err)
	}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *Postgres) data() string { return filepath.Join(p.dir, "data") }

// run runs a PostgreSQL tool (or any command) as the cluster's user.
func (p *Postgres) run(name string, args ...string) error {
	path := filepath.Join(p.bin, name)
	if _, err := os.Stat(path); err != nil {
		path = name
	}
	cmd := exec.Command(path, args...)
	cmd.Dir = p.dir
	if p.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: p.cred}
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("chaintest: %s %s: %w\n%s", name, strings.Join(args, " "), err, out.String())
	}
	return nil
}

// DSN is a pgx connection string for database db ("" for postgres).
func (p *Postgres) DSN(db string) string {
	if db == "" {
		db = "postgres"
	}
	return fmt.Sprintf("postgres://shouhou@127.0.0.1:%d/%s?sslmode=disable", p.port, db)
}

// Port is the cluster's port; it stays the same across restarts.
func (p *Postgres) Port() int { return p.port }

// Log returns the server log so far.
func (p *Postgres) Log() string {
	b, _ := os.ReadFile(filepath.Join(p.dir, "log"))
	return string(b)
}

// Start starts the cluster (again, after Stop or Kill) and waits until it
// accepts connections; after a Kill, PostgreSQL replays its WAL first.
func (p *Postgres) Start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.running {
		return fmt.Errorf("chaintest: postgres is already running")
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c max_connections=200",
		p.port, filepath.Join(p.dir, "sock"))
	if err := p.run("pg_ctl", "-D", p.data(), "-o", opts, "-l", filepath.Join(p.dir, "log"),
		"-w", "-t", "60", "start"); err != nil {
		return err
	}
	if !waitFor(10*time.Second, func() bool { return dialable(p.port) }) {
		return fmt.Errorf("chaintest: postgres not listening on %d:\n%s", p.port, p.Log())
	}
	p.running = true
	return nil
}

// Stop shuts the cluster down (fast mode: sessions are ended, committed
// work is kept).
func (p *Postgres) Stop() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.running {
		return nil
	}
	p.running = false
	return p.run("pg_ctl", "-D", p.data(), "-m", "fast", "-w", "stop")
}

// Kill kills the postmaster and its backends with SIGKILL, as a power cut
// would; Start then runs crash recovery.
func (p *Postgres) Kill() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.running {
		return nil
	}
	p.running = false
	b, err := os.ReadFile(filepath.Join(p.data(), "postmaster.pid"))
	if err != nil {
		return fmt.Errorf("chaintest: postmaster.pid: %w", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	if err != nil {
		return fmt.Errorf("chaintest: postmaster.pid: %w", err)
	}
	// The backends are the postmaster's children; kill them all, as a
	// power cut would, so none outlives its postmaster holding the port.
	children, _ := exec.Command("pgrep", "-P", strconv.Itoa(pid)).Output()
	_ = syscall.Kill(pid, syscall.SIGKILL)
	for _, f := range strings.Fields(string(children)) {
		if c, err := strconv.Atoi(f); err == nil {
			_ = syscall.Kill(c, syscall.SIGKILL)
		}
	}
	if !waitFor(30*time.Second, func() bool { return syscall.Kill(pid, 0) != nil && !dialable(p.port) }) {
		return fmt.Errorf("chaintest: postmaster %d did not die", pid)
	}
	return nil
}
