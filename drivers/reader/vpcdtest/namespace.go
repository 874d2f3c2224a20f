package vpcdtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"syscall"
	"testing"
)

// Environment variables that carry the namespace state to the re-executed
// test binary.
const (
	// envStage is "inner" in the re-executed binary before it has set up
	// its namespaces, and "ready" once it has (fuzz workers inherit it).
	envStage = "SHOUHOU_VPCDTEST_STAGE"
	// envSkip carries the reason the real stack cannot run here.
	envSkip = "SHOUHOU_VPCDTEST_SKIP"
)

// Paths of the programs the harness needs.
const (
	pcscdPath  = "/usr/sbin/pcscd"
	vpcdDriver = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
	// SocketDir is where pcscd puts its socket; its path is compiled in.
	SocketDir = "/run/pcscd"
)

// Main runs the tests of m inside private mount and network namespaces
// and exits with their status. Call it from TestMain:
//
//	func TestMain(m *testing.M) { vpcdtest.Main(m) }
//
// Not root, or pcscd/vpcd/unshare/ip missing: the tests run as they are
// and Start skips with the reason. Root but the namespaces cannot be set
// up: Main fails, because CI must really run these tests.
func Main(m *testing.M) {
	switch os.Getenv(envStage) {
	case "ready":
		os.Exit(m.Run())
	case "inner":
		if err := setupInner(); err != nil {
			fmt.Fprintf(os.Stderr, "vpcdtest: %v\n", err)
			os.Exit(1)
		}
		os.Setenv(envStage, "ready")
		os.Exit(m.Run())
	}
	if reason := missing(); reason != "" {
		os.Setenv(envSkip, reason)
		os.Exit(m.Run())
	}
	os.Exit(reexec())
}

// missing says why the real stack cannot run here, or "" if it can.
func missing() string {
	if os.Geteuid() != 0 {
		return "vpcdtest: not root: the reader tests need root for unshare -m -n (run as root, as CI does)"
	}
	for _, p := range []string{pcscdPath, vpcdDriver} {
		if _, err := os.Stat(p); err != nil {
			return fmt.Sprintf("vpcdtest: %s not installed (build/deps.sh installs pcscd and vsmartcard-vpcd)", p)
		}
	}
	for _, p := range []string{"unshare", "ip"} {
		if _, err := exec.LookPath(p); err != nil {
			return fmt.Sprintf("vpcdtest: %s not installed (build/deps.sh installs util-linux and iproute2)", p)
		}
	}
	return ""
}

// reexec runs this test binary again under `unshare -m -n` and returns its
// exit status. The child dies with this process.
func reexec() int {
	args := append([]string{"--mount", "--net", "--propagation", "private", "--", os.Args[0]}, os.Args[1:]...)
	cmd := exec.Command("unshare", args...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), envStage+"=inner")
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		return ee.ExitCode()
	default:
		fmt.Fprintf(os.Stderr, "vpcdtest: unshare -m -n %s: %v\n", os.Args[0], err)
		return 1
	}
}

// setupInner brings up loopback and mounts a private tmpfs on SocketDir.
// It runs inside the new namespaces.
func setupInner() error {
	if out, err := exec.Command("ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
		return fmt.Errorf("ip link set lo up: %v: %s", err, out)
	}
	if err := os.MkdirAll(SocketDir, 0o755); err != nil {
		return fmt.Errorf("mkdir %s: %w", SocketDir, err)
	}
	if err := syscall.Mount("tmpfs", SocketDir, "tmpfs", syscall.MS_NOSUID|syscall.MS_NODEV, "mode=0755"); err != nil {
		return fmt.Errorf("mount tmpfs on %s: %w", SocketDir, err)
	}
	// The client library would follow this variable away from SocketDir.
	os.Unsetenv("PCSCLITE_CSOCK_NAME")
	return nil
}

// skipReason returns why the stack cannot run, or "".
func skipReason() string {
	if r := os.Getenv(envSkip); r != "" {
		return r
	}
	if os.Getenv(envStage) != "ready" {
		return "vpcdtest: not inside the test namespace: call vpcdtest.Main from TestMain"
	}
	return ""
}

// Isolated reports whether the tests run inside Main's private network
// namespace, where a test may add addresses to its own loopback device.
func Isolated() bool { return os.Getenv(envStage) == "ready" }
