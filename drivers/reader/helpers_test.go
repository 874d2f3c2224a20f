package reader_test

import (
	"context"
	"encoding/hex"
	"os"
	"runtime"
	"testing"
	"time"

	"shouhou/drivers/reader"
	"shouhou/drivers/reader/vpcdtest"
)

func TestMain(m *testing.M) { vpcdtest.Main(m) }

// eventWait bounds every wait for an event: pcscd polls vpcd every 400 ms
// and the watcher re-establishes within 2 s, so this is only a hang guard.
const eventWait = 15 * time.Second

// stream reads a watcher's events in a test; its methods fail the test
// or subtest they are given.
type stream struct {
	w *reader.Watcher
	c <-chan reader.Event
}

// MustWatch starts a watcher with default options, closed when tb ends.
func MustWatch(tb testing.TB) *stream {
	tb.Helper()
	w, err := reader.New(nil)
	if err != nil {
		tb.Fatalf("reader.New(nil) = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(func() {
		cancel()
		w.Close()
	})
	return &stream{w: w, c: w.Watch(ctx)}
}

// next returns the next event that match accepts, failing tb if none
// comes or if skip rejects one passed over.
func (s *stream) next(tb testing.TB, what string, match, skip func(reader.Event) bool) reader.Event {
	tb.Helper()
	timeout := time.NewTimer(eventWait)
	defer timeout.Stop()
	for {
		select {
		case e, ok := <-s.c:
			if !ok {
				tb.Fatalf("waiting for %s: event channel closed", what)
			}
			if match(e) {
				return e
			}
			if skip != nil && !skip(e) {
				tb.Fatalf("waiting for %s: got unexpected %+v", what, e)
			}
		case <-timeout.C:
			tb.Fatalf("waiting for %s: none after %v", what, eventWait)
		}
	}
}

// card returns the next present, removed or error event of name, skipping
// status events only.
func (s *stream) card(tb testing.TB, name string) reader.Event {
	tb.Helper()
	return s.next(tb, "a card event on "+name, func(e reader.Event) bool {
		return e.Reader == name && e.Kind != reader.KindStatus
	}, func(e reader.Event) bool { return e.Kind == reader.KindStatus })
}

// status returns the next status event of name ("" for the service) with
// status st, skipping everything else.
func (s *stream) status(tb testing.TB, name string, st reader.Status) reader.Event {
	tb.Helper()
	return s.next(tb, "status "+string(st)+" of "+quote(name), func(e reader.Event) bool {
		return e.Kind == reader.KindStatus && e.Reader == name && e.Status == st
	}, nil)
}

// ready waits until the watcher has listed the readers and reports the
// service ok (it sends the readers' statuses first).
func (s *stream) ready(tb testing.TB) {
	tb.Helper()
	s.status(tb, "", reader.StatusOK)
}

func quote(s string) string {
	if s == "" {
		return "the service"
	}
	return s
}

// counts returns the goroutines and open file descriptors of the process.
func counts(tb testing.TB) (goroutines, fds int) {
	tb.Helper()
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		tb.Fatalf("counting fds: %v", err)
	}
	return runtime.NumGoroutine(), len(ents)
}

// settled waits until the goroutines and fds are at most g0+slack and
// fd0+slack, which goroutines on their way out need a moment for, and
// returns the last counts and whether they got there. A leak never does.
func settled(tb testing.TB, g0, fd0, slack int) (g, fd int, ok bool) {
	tb.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		g, fd = counts(tb)
		if g <= g0+slack && fd <= fd0+slack {
			return g, fd, true
		}
		if time.Now().After(deadline) {
			return g, fd, false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// fmtHex formats b as lower-case hex, as a UI might send it.
func fmtHex(b []byte) string { return hex.EncodeToString(b) }
