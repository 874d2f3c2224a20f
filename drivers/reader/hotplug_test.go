package reader_test

import (
	"fmt"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"shouhou/drivers/reader"
	"shouhou/drivers/reader/vpcdtest"
)

// Issue 6: unplugging the reader and plugging it back never takes the
// appliance down. Debian's pcscd adds and removes readers at run time only
// for USB devices that udev announces, and this machine has neither USB
// nor udevd; it reads reader.conf only when it starts (TestRescanSignal).
// So these tests take the readers away and bring them back across a pcscd
// restart, the way a reader unplugged while pcscd restarts goes. A reader
// unplugged under a running pcscd (the `\\?PnP?\Notification` path of the
// watcher) cannot be played here.

// TestReaderHotplug: the readers go away while pcscd restarts and come
// back at the next restart. The watcher reports the card removed and each
// reader no_reader, recovers by itself, reads one new card exactly once,
// does not spin while there is no reader and leaks nothing.
func TestReaderHotplug(t *testing.T) {
	d := vpcdtest.Start(t)
	s := MustWatch(t)
	s.ready(t)
	g0, fd0 := counts(t)
	name := vpcdtest.ReaderName(0)
	card := vpcdtest.Insert(t, 0, vpcdtest.ATR14443, vpcdtest.UIDScript([]byte{0x04, 0x0A, 0x0B, 0x0C}))
	if e := s.card(t, name); e.Kind != reader.KindPresent || e.UID != "040A0B0C" {
		t.Fatalf("before unplug: %+v, want present 040A0B0C", e)
	}

	d.RestartWith(false)
	s.sequence(t, "after unplug", []string{
		"removed " + name,
		"status no_service",
		"status no_reader " + vpcdtest.ReaderName(0),
		"status no_reader " + vpcdtest.ReaderName(1),
		"status no_reader",
	})
	card.Remove()
	// The watcher waits on the PnP pseudo-reader, waking once per Opts.Wait
	// (1 s); a loop that spins would burn the whole window.
	if cpu := cpuDuring(t, 1500*time.Millisecond); cpu > 300*time.Millisecond {
		t.Errorf("without readers the process used %v of CPU in 1.5s, want under 300ms", cpu)
	}

	d.RestartWith(true)
	s.sequence(t, "after replug", []string{
		"status no_service",
		"status ok " + vpcdtest.ReaderName(0),
		"status ok " + vpcdtest.ReaderName(1),
		"status ok",
	})
	card = vpcdtest.Insert(t, 0, vpcdtest.ATR14443, vpcdtest.UIDScript([]byte{0x04, 0x1A, 0x2B, 0x3C, 0x4D, 0x5E, 0x6F}))
	if e := s.card(t, name); e.Kind != reader.KindPresent || e.UID != "041A2B3C4D5E6F" || e.ATR != atrHex {
		t.Fatalf("after replug: %+v, want present 041A2B3C4D5E6F", e)
	}
	card.Remove()
	// The very next card event is the removal: one present per placement.
	if e := s.card(t, name); e.Kind != reader.KindRemoved {
		t.Fatalf("after replug, card taken off: %+v, want removed", e)
	}

	if g1, fd1, ok := settled(t, g0, fd0, 1); !ok {
		t.Errorf("after unplug and replug: goroutines %d -> %d, fds %d -> %d", g0, g1, fd0, fd1)
	}
}

// TestRescanSignal checks what the vpcdtest harness assumes of pcscd:
// SIGUSR1 (pcscd --hotplug) does not make it re-read reader.conf, so a
// reader can be neither removed from nor added to a running pcscd. If this
// fails, pcscd has learnt to, and TestReaderHotplug should use Rescan to
// unplug the reader under a running pcscd instead of restarting it.
func TestRescanSignal(t *testing.T) {
	d := vpcdtest.Start(t)
	want := []string{vpcdtest.ReaderName(0), vpcdtest.ReaderName(1)}
	d.WriteConf(false)
	if err := d.Rescan(); err != nil {
		t.Fatalf("Rescan() = %v", err)
	}
	// pcscd handles the signal on its signal thread right after logging
	// it; a rescan that did anything would show within a few polls.
	deadline := time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		got, err := reader.List()
		if err != nil || !slices.Equal(got, want) {
			t.Fatalf("after the vpcd entry was emptied and SIGUSR1: List() = %q, %v; pcscd re-reads reader.conf now: update vpcdtest.WriteConf and TestReaderHotplug", got, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sequence reads events until it has len(want) of them and fails tb
// unless they are want, each written as "kind [status] [reader]". It passes
// over service status errors: when pcscd is killed, libpcsclite 1.9.9 may
// first fail SCardListReaders with "Access denied" (SCARD_E_NO_ACCESS),
// which the watcher reports as such before no_service.
func (s *stream) sequence(tb testing.TB, what string, want []string) {
	tb.Helper()
	var got []string
	for len(got) < len(want) {
		e := s.next(tb, fmt.Sprintf("%s: event %d of %q (so far %q)", what, len(got)+1, want, got),
			func(e reader.Event) bool {
				return e.Kind != reader.KindStatus || e.Reader != "" || e.Status != reader.StatusError
			}, nil)
		got = append(got, strings.Join(strings.Fields(fmt.Sprintf("%s %s %s", e.Kind, e.Status, e.Reader)), " "))
	}
	if !slices.Equal(got, want) {
		tb.Fatalf("%s: events %q, want %q", what, got, want)
	}
}

// cpuDuring waits d and returns the CPU time the process used meanwhile.
func cpuDuring(tb testing.TB, d time.Duration) time.Duration {
	tb.Helper()
	used := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			tb.Fatalf("getrusage: %v", err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	before := used()
	time.Sleep(d)
	return used() - before
}
