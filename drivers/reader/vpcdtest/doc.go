// Package vpcdtest runs the real PC/SC stack for tests: a private pcscd
// (Debian's pcscd with the vsmartcard vpcd virtual reader driver) and
// virtual cards that talk to vpcd over its socket protocol.
//
// Isolation: Main re-executes the test binary under `unshare -m -n` (as
// root), so the tests run in their own mount and network namespaces. There
// it brings up the loopback interface and mounts a private tmpfs on
// /run/pcscd, where pcscd puts its fixed socket (/run/pcscd/pcscd.comm).
// Each Daemon is a child `pcscd --foreground -c DIR` reading only its own
// reader config in a temporary DIR, and is stopped by its PID. So a test
// never talks to, nor collides with, a system pcscd or a vpcd port of the
// host, and vpcd (which listens on every interface) is reachable only from
// inside the test's network namespace.
//
// The vpcd socket protocol (vsmartcard, virtualsmartcard/src/vpcd): vpcd
// listens on TCP port 35963 for slot 0 and 35964 for slot 1; a card
// connects as the client. Each frame is a 2-byte big-endian length and the
// payload. A 1-byte payload is a control: 0 power off, 1 power on, 2 reset,
// 4 get ATR (the card answers with the ATR). A longer payload is a command
// APDU, answered with the response APDU (data, SW1, SW2). The card is
// removed by closing its socket.
//
// Tests skip (with the reason) only when not run as root or when pcscd,
// the vpcd driver, unshare or ip are not installed; build/deps.sh installs
// them. This package imports no shouhou package; it is for tests only.
package vpcdtest
