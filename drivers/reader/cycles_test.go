package reader_test

import (
	"context"
	"flag"
	"fmt"
	"testing"
	"time"

	"shouhou/drivers/reader"
	"shouhou/drivers/reader/vpcdtest"
)

// soak runs TestCycles with 1,000 placements instead of 20 (about 14
// minutes: pcscd polls vpcd every 400 ms): go test -run Cycles -soak.
var soak = flag.Bool("soak", false, "TestCycles: 1,000 insert/remove cycles instead of 20")

// TestCycles lays and takes off a card many times and checks that the
// process has no more goroutines or file descriptors than after the first
// cycles.
func TestCycles(t *testing.T) {
	cycles := 20
	if *soak {
		cycles = 1000
	}
	vpcdtest.Start(t)
	s := MustWatch(t)
	s.ready(t)
	name := vpcdtest.ReaderName(0)
	cycle := func(i int) {
		uid := []byte{0x04, byte(i >> 16), byte(i >> 8), byte(i)}
		card, err := vpcdtest.Dial(vpcdtest.Addr(0), vpcdtest.ATR14443, vpcdtest.UIDScript(uid))
		if err != nil {
			t.Fatal(err)
		}
		want := fmt.Sprintf("%08X", uid)
		if e := s.card(t, name); e.Kind != reader.KindPresent || e.UID != want {
			t.Fatalf("cycle %d: %+v, want present %s", i, e, want)
		}
		card.Remove()
		if e := s.card(t, name); e.Kind != reader.KindRemoved {
			t.Fatalf("cycle %d: %+v, want removed", i, e)
		}
	}
	const warmup = 3
	for i := range warmup {
		cycle(i)
	}
	g0, fd0 := counts(t)
	for i := warmup; i < cycles; i++ {
		cycle(i)
	}
	// A leak grows with the cycles: 1 per cycle would show as 17 here.
	g1, fd1, ok := settled(t, g0, fd0, 1)
	t.Logf("%d cycles: goroutines %d -> %d, fds %d -> %d", cycles, g0, g1, fd0, fd1)
	if !ok {
		t.Errorf("after %d cycles: goroutines %d -> %d, fds %d -> %d", cycles-warmup, g0, g1, fd0, fd1)
	}
}

// TestClose checks that cancelling Watch's context or Close ends the
// goroutine, closes the channel and releases the PC/SC context.
func TestClose(t *testing.T) {
	vpcdtest.Start(t)
	tests := []struct {
		name string
		stop func(context.CancelFunc, *reader.Watcher)
	}{
		{"cancel", func(cancel context.CancelFunc, _ *reader.Watcher) { cancel() }},
		{"Close", func(_ context.CancelFunc, w *reader.Watcher) { w.Close() }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g0, fd0 := counts(t)
			w, err := reader.New(nil)
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			c := w.Watch(ctx)
			s := &stream{w: w, c: c}
			s.ready(t)
			tt.stop(cancel, w)
			deadline := time.After(eventWait)
			for open := true; open; {
				select {
				case _, open = <-c:
				case <-deadline:
					t.Fatal("event channel not closed")
				}
			}
			w.Close()
			if g1, fd1, ok := settled(t, g0, fd0, 0); !ok {
				t.Errorf("after stop: goroutines %d -> %d, fds %d -> %d", g0, g1, fd0, fd1)
			}
		})
	}
}

func TestWatchAfterClose(t *testing.T) {
	w, err := reader.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Close()
	if e, ok := <-w.Watch(context.Background()); ok {
		t.Fatalf("Watch after Close gave %+v, want a closed channel", e)
	}
}

func TestNewOpts(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(*reader.Opts)
		wantErr string
	}{
		{"default", func(*reader.Opts) {}, ""},
		{"zero wait", func(o *reader.Opts) { o.Wait = 0 }, "reader: Opts.Wait 0s: want more than 0 and at most 1m"},
		{"zero backoff", func(o *reader.Opts) { o.MinBackoff = 0 }, "reader: Opts.MinBackoff 0s: want more than 0"},
		{"max below min", func(o *reader.Opts) { o.MaxBackoff = time.Millisecond }, "reader: Opts.MaxBackoff 1ms is less than MinBackoff 100ms"},
		{"negative buffer", func(o *reader.Opts) { o.Buffer = -1 }, "reader: Opts.Buffer -1: want 0 or more"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := reader.DefaultOpts()
			tt.edit(&o)
			_, err := reader.New(&o)
			if got := fmt.Sprint(err); (tt.wantErr == "" && err != nil) || (tt.wantErr != "" && got != tt.wantErr) {
				t.Errorf("New(%+v) = %v, want %q", o, err, tt.wantErr)
			}
		})
	}
}
