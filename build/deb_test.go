package build

import (
	"bufio"
	"context"
	"debug/elf"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"
)

// debVersion is the version the test package is built with; deb.sh turns
// it into the Debian version 0.0.0+test.
const debVersion = "v0.0.0-test"

// TestDeb builds the package with deb.sh and checks it the way an
// installer meets it: lintian, the units, the control fields, and the
// unpacked binary running on its own files.
func TestDeb(t *testing.T) {
	for _, tool := range []string{"dpkg-deb", "dpkg-shlibdeps", "lintian", "systemd-analyze", "objcopy", "chromium"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("%s is missing: run build/deps.sh (make deps) to install it", tool)
		}
	}
	t.Parallel()
	deb := mustBuildDeb(t, hostArch(t))
	root := t.TempDir()
	run(t, "dpkg", "-x", deb, root)
	bin := filepath.Join(root, "usr/bin/shouhou")

	t.Run("lintian", func(t *testing.T) { testLintian(t, deb) })
	t.Run("control", func(t *testing.T) { testControl(t, deb) })
	t.Run("contents", func(t *testing.T) { testContents(t, deb, root) })
	t.Run("units", func(t *testing.T) { testUnits(t, root) })
	t.Run("check-config", func(t *testing.T) {
		out := run(t, bin, "check-config", "-conf", filepath.Join(root, "etc/shouhou"))
		if !strings.Contains(out, "desks 1") {
			t.Errorf("check-config output lacks the desk count:\n%s", out)
		}
	})
	t.Run("serve-backup-restore", func(t *testing.T) { testServeBackup(t, root) })
	t.Run("reconnecting-page", func(t *testing.T) { testReconnectingPage(t, root) })
	t.Run("upgrade", func(t *testing.T) { testUpgrade(t, bin) })
	t.Run("downgrade-refused", func(t *testing.T) { testNewerRefused(t, bin) })
}

// TestDebArm64 cross-builds the arm64 package on an amd64 box (Debian
// multiarch, installed by deps.sh) and checks what can be checked without
// an arm64 machine: lintian, the control fields, and that the binary is
// an aarch64 PIE linked against the arm64 loader.
func TestDebArm64(t *testing.T) {
	if hostArch(t) != "amd64" {
		t.Skip("the arm64 cross-build is made on amd64 hosts; on this host TestDeb builds the native package")
	}
	t.Parallel()
	deb := mustBuildDeb(t, "arm64")
	t.Run("lintian", func(t *testing.T) { testLintian(t, deb) })
	t.Run("control", func(t *testing.T) { testControl(t, deb) })
	t.Run("binary", func(t *testing.T) {
		root := t.TempDir()
		run(t, "dpkg", "-x", deb, root)
		f, err := elf.Open(filepath.Join(root, "usr/bin/shouhou"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if f.Machine != elf.EM_AARCH64 || f.Type != elf.ET_DYN {
			t.Errorf("usr/bin/shouhou is %v %v, want an EM_AARCH64 PIE (ET_DYN)", f.Machine, f.Type)
		}
		interp := ""
		for _, p := range f.Progs {
			if p.Type == elf.PT_INTERP {
				b, _ := io.ReadAll(p.Open())
				interp = strings.TrimRight(string(b), "\x00")
			}
		}
		if interp != "/lib/ld-linux-aarch64.so.1" {
			t.Errorf("interpreter = %q, want /lib/ld-linux-aarch64.so.1", interp)
		}
		libs, err := f.ImportedLibraries()
		if err != nil || !slices.Contains(libs, "libpcsclite.so.1") {
			t.Errorf("imported libraries = %v (%v), want libpcsclite.so.1 among them", libs, err)
		}
	})
}

// mustBuildDeb runs deb.sh for a Debian architecture into a temp dir and
// returns the .deb's path.
func mustBuildDeb(tb testing.TB, arch string) string {
	tb.Helper()
	out := tb.TempDir()
	cmd := exec.Command("./deb.sh", out)
	cmd.Env = append(os.Environ(), "VERSION="+debVersion, "ARCH="+arch)
	b, err := cmd.Output()
	if err != nil {
		tb.Fatalf("deb.sh: %v\n%s", err, stderrOf(err))
	}
	deb := strings.TrimSpace(string(b))
	if want := filepath.Join(out, "shouhou_0.0.0+test_"+arch+".deb"); deb != want {
		tb.Fatalf("deb.sh printed %q, want %q", deb, want)
	}
	return deb
}

func testLintian(t *testing.T, deb string) {
	cmd := exec.Command("lintian", "--fail-on", "error", "--no-tag-display-limit", deb)
	b, err := cmd.CombinedOutput()
	var errs, warns []string
	for _, l := range strings.Split(string(b), "\n") {
		switch {
		case strings.HasPrefix(l, "E: "):
			errs = append(errs, l)
		case strings.HasPrefix(l, "W: "):
			warns = append(warns, l)
		}
	}
	if err != nil || len(errs) > 0 {
		t.Errorf("lintian %s: %v\n%s", deb, err, b)
	}
	for _, w := range warns {
		t.Logf("lintian warning: %s", w)
	}
}

func testControl(t *testing.T, deb string) {
	field := func(name string) string {
		return strings.TrimSpace(run(t, "dpkg-deb", "-f", deb, name))
	}
	depends, recommends := field("Depends"), field("Recommends")
	for _, want := range []string{"pcscd", "libpcsclite1", "libc6", "adduser"} {
		if !hasPackage(depends, want) {
			t.Errorf("Depends = %q, want it to list %s", depends, want)
		}
	}
	// Debian 12's cage exits at start without Xwayland, so it comes along.
	for _, want := range []string{"cage", "xwayland", "chromium"} {
		if !hasPackage(recommends, want) {
			t.Errorf("Recommends = %q, want it to list %s", recommends, want)
		}
		if hasPackage(depends, want) {
			t.Errorf("Depends = %q lists %s: a headless install must work", depends, want)
		}
	}
	for _, f := range []string{"Depends", "Recommends", "Suggests"} {
		if v := field(f); strings.Contains(v, "vsmartcard") {
			t.Errorf("%s = %q: the vsmartcard test driver must never be a dependency", f, v)
		}
	}
	if v := field("Version"); v != "0.0.0+test" {
		t.Errorf("Version = %q, want 0.0.0+test", v)
	}
}

// hasPackage reports whether a Depends-style list names pkg.
func hasPackage(list, pkg string) bool {
	for _, alt := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == '|' }) {
		if f := strings.Fields(alt); len(f) > 0 && f[0] == pkg {
			return true
		}
	}
	return false
}

func testContents(t *testing.T, deb, root string) {
	tomls, err := filepath.Glob(filepath.Join(root, "etc/shouhou/*.toml"))
	if err != nil || len(tomls) < 7 {
		t.Fatalf("etc/shouhou has %d toml files (%v), want the 7 from config init", len(tomls), err)
	}
	ctl := t.TempDir()
	run(t, "dpkg-deb", "-e", deb, ctl)
	b, err := os.ReadFile(filepath.Join(ctl, "conffiles"))
	if err != nil {
		t.Fatal(err)
	}
	conffiles := map[string]bool{}
	for _, l := range strings.Fields(string(b)) {
		conffiles[l] = true
	}
	want := []string{"/etc/default/shouhou", "/etc/pam.d/shouhou-kiosk"}
	for _, f := range tomls {
		want = append(want, strings.TrimPrefix(f, root))
	}
	for _, f := range want {
		if !conffiles[f] {
			t.Errorf("conffiles lacks %s:\n%s", f, b)
		}
	}
	for _, f := range []string{
		"usr/bin/shouhou",
		"lib/systemd/system/shouhou.service",
		"lib/systemd/system/shouhou-backup.service",
		"lib/systemd/system/shouhou-backup.timer",
		"lib/systemd/system/shouhou-kiosk.service",
		"lib/udev/rules.d/60-shouhou.rules",
		"usr/libexec/shouhou/shouhou-backup",
		"usr/libexec/shouhou/shouhou-kiosk",
		"usr/share/shouhou/kiosk/reconnecting.html",
		"usr/share/doc/shouhou/copyright",
		"usr/share/doc/shouhou/changelog.gz",
		"usr/share/doc/shouhou/operations.md",
	} {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("package lacks %s: %v", f, err)
		}
	}
	// The binary the package ships answers with the version it was built as.
	if out := run(t, filepath.Join(root, "usr/bin/shouhou"), "version"); !strings.Contains(out, debVersion) {
		t.Errorf("shouhou version = %q, want it to name %s", out, debVersion)
	}
}

// testUnits runs systemd-analyze verify on the package's units inside a
// copy of the unpacked root that also holds the system's own units (the
// targets ours order against). cage comes from a Recommends, so a stand-in
// executable takes its place. Any message counts as a failure: verify
// exits 0 on an unknown key or a bad value and only prints it.
func testUnits(t *testing.T, pkgRoot string) {
	root := t.TempDir()
	run(t, "cp", "-a", pkgRoot+"/.", root)
	sys := filepath.Join(root, "lib/systemd/system")
	run(t, "cp", "-rn", "/lib/systemd/system/.", sys)
	if err := os.WriteFile(filepath.Join(root, "usr/bin/cage"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	units, err := filepath.Glob(filepath.Join(pkgRoot, "lib/systemd/system/shouhou*"))
	if err != nil || len(units) != 4 {
		t.Fatalf("units %v (%v), want 4", units, err)
	}
	args := []string{"verify", "--man=no", "--root=" + root}
	for _, u := range units {
		args = append(args, filepath.Join(sys, filepath.Base(u)))
	}
	out, err := exec.Command("systemd-analyze", args...).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
	svc, err := os.ReadFile(filepath.Join(sys, "shouhou.service"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"ExecStart=/usr/bin/shouhou serve -conf /etc/shouhou -data /var/lib/shouhou",
		"Restart=on-failure", "LimitNOFILE=", "ProtectSystem=strict",
		"ReadWritePaths=/var/lib/shouhou", "NoNewPrivileges=yes", "PrivateTmp=yes", "MemoryMax=",
	} {
		if !strings.Contains(string(svc), "\n"+want) {
			t.Errorf("shouhou.service lacks %q", want)
		}
	}
}

// testServeBackup starts the packaged binary on its packaged config and a
// fresh data dir, asks /healthz, runs the packaged backup script against it
// (online, with retention), and restores and verifies the backup it made.
func testServeBackup(t *testing.T, root string) {
	bin := filepath.Join(root, "usr/bin/shouhou")
	work := t.TempDir()
	data := filepath.Join(work, "data")
	addr, stop := mustServe(t, bin, "-conf", filepath.Join(root, "etc/shouhou"), "-data", data)
	defer stop()
	code, body := httpGet(t, "http://"+addr+"/healthz")
	if code != http.StatusOK || !strings.Contains(body, "ok") {
		t.Fatalf("GET /healthz = %d %q, want 200 ok", code, body)
	}

	backups := filepath.Join(work, "backups")
	if err := os.Mkdir(backups, 0o700); err != nil {
		t.Fatal(err)
	}
	old := []string{"shouhou-20200101-000000.bak", "shouhou-20200102-000000.bak", "shouhou-20200103-000000.bak"}
	for _, f := range append(old, "notes.txt") {
		if err := os.WriteFile(filepath.Join(backups, f), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cmd := exec.Command(filepath.Join(root, "usr/libexec/shouhou/shouhou-backup"))
	cmd.Env = append(os.Environ(), "SHOUHOU="+bin, "DATA_DIR="+data, "BACKUP_DIR="+backups, "BACKUP_KEEP=2")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("shouhou-backup: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "online") {
		t.Errorf("shouhou-backup did not go through the running server:\n%s", out)
	}
	names := listDir(t, backups)
	if len(names) != 3 || names[0] != "notes.txt" || names[1] != old[2] ||
		!regexp.MustCompile(`^shouhou-\d{8}-\d{6}\.bak$`).MatchString(names[2]) {
		t.Fatalf("after a backup with BACKUP_KEEP=2 the directory holds %q, want notes.txt, %s and the new backup", names, old[2])
	}

	restored := filepath.Join(work, "restored")
	run(t, bin, "restore", "-i", filepath.Join(backups, names[2]), "-data", restored)
	if out := run(t, bin, "verify", "-data", restored); !strings.Contains(out, "OK") {
		t.Errorf("verify of the restored backup:\n%s", out)
	}

	cmd = exec.Command(filepath.Join(root, "usr/libexec/shouhou/shouhou-backup"))
	cmd.Env = append(os.Environ(), "SHOUHOU="+bin, "DATA_DIR="+data, "BACKUP_DIR="+filepath.Join(work, "unplugged"))
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "does not exist") {
		t.Errorf("shouhou-backup into a missing directory: err %v, output %q; want a failure naming it", err, out)
	}
}

// mustServe starts `bin serve ARGS -listen 127.0.0.1:0 -listen-tls 127.0.0.1:0` in a temp working
// directory and returns the address from its "addr=" log line and a stop
// function that sends SIGTERM and waits.
func mustServe(tb testing.TB, bin string, args ...string) (addr string, stop func()) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	cmd := exec.CommandContext(ctx, bin, append([]string{"serve", "-listen", "127.0.0.1:0", "-listen-tls", "127.0.0.1:0"}, args...)...)
	cmd.Dir = tb.TempDir()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	found := make(chan string, 1)
	var log strings.Builder
	done := make(chan struct{})
	go func() {
		defer close(done)
		re := regexp.MustCompile(`msg="shouhou serving".* addr=(\S+)`)
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			log.WriteString(sc.Text() + "\n")
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				found <- m[1]
			}
		}
		close(found)
	}()
	stop = func() {
		cmd.Process.Signal(syscall.SIGTERM)
		<-done
		cmd.Wait()
		cancel()
	}
	addr, ok := <-found
	if !ok {
		stop()
		tb.Fatalf("serve %v exited without an addr= line:\n%s", args, log.String())
	}
	return addr, stop
}

func httpGet(tb testing.TB, url string) (int, string) {
	tb.Helper()
	c := &http.Client{Timeout: 30 * time.Second}
	resp, err := c.Get(url)
	if err != nil {
		tb.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, string(b)
}

// run runs a command and returns its stdout; it fails the test on error.
func run(tb testing.TB, name string, args ...string) string {
	tb.Helper()
	out, err := exec.Command(name, args...).Output()
	if err != nil {
		tb.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out, stderrOf(err))
	}
	return string(out)
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

func listDir(tb testing.TB, dir string) []string {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	sort.Strings(names)
	return names
}

func hostArch(tb testing.TB) string {
	tb.Helper()
	return strings.TrimSpace(run(tb, "dpkg", "--print-architecture"))
}
