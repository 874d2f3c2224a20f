package reader

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

// Opts configures a Watcher.
type Opts struct {
	// Wait bounds each SCardGetStatusChange wait: a safety net after which
	// the readers are listed again even if no change was signalled.
	Wait time.Duration
	// MinBackoff is the first pause before re-establishing the PC/SC
	// context after pcscd went away; it doubles up to MaxBackoff.
	MinBackoff time.Duration
	// MaxBackoff caps the pause between attempts to reach pcscd.
	MaxBackoff time.Duration
	// Buffer is the capacity of the event channel. The watcher waits for
	// the subscriber when it is full; events are never dropped.
	Buffer int
	// Now is the clock that stamps events.
	Now func() time.Time
}

// DefaultOpts returns the options New uses when given nil: a 1 s wait,
// backoff from 100 ms to 2 s, a buffer of 64 events, the system clock.
func DefaultOpts() Opts {
	return Opts{
		Wait:       time.Second,
		MinBackoff: 100 * time.Millisecond,
		MaxBackoff: 2 * time.Second,
		Buffer:     64,
		Now:        time.Now,
	}
}

// validate checks o and fills a nil clock.
func (o *Opts) validate() error {
	switch {
	case o.Wait <= 0 || o.Wait > time.Minute:
		return fmt.Errorf("reader: Opts.Wait %v: want more than 0 and at most 1m", o.Wait)
	case o.MinBackoff <= 0:
		return fmt.Errorf("reader: Opts.MinBackoff %v: want more than 0", o.MinBackoff)
	case o.MaxBackoff < o.MinBackoff:
		return fmt.Errorf("reader: Opts.MaxBackoff %v is less than MinBackoff %v", o.MaxBackoff, o.MinBackoff)
	case o.Buffer < 0:
		return fmt.Errorf("reader: Opts.Buffer %d: want 0 or more", o.Buffer)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return nil
}

// Watcher watches every PC/SC reader and reports cards and reader states
// as Events. One goroutine, started by Watch, owns its PC/SC context.
type Watcher struct {
	opts Opts

	mu     sync.Mutex         // guards events, cancel, done and closed
	events chan Event         // nil until Watch
	cancel context.CancelFunc // stops the goroutine
	done   chan struct{}      // closed when the goroutine has returned
	closed bool               // Close was called
}

// New returns a Watcher with opts (DefaultOpts when nil). It does not
// touch PC/SC until Watch.
func New(opts *Opts) (*Watcher, error) {
	o := DefaultOpts()
	if opts != nil {
		o = *opts
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	return &Watcher{opts: o}, nil
}

// Watch starts watching and returns the channel events arrive on. The
// first events are a status per reader, then one for the service. The
// channel is closed when ctx is done or Close is called, after the PC/SC
// context is released. Watch starts one goroutine; later calls return the
// same channel. After Close it returns a closed channel.
func (w *Watcher) Watch(ctx context.Context) <-chan Event {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.events != nil {
		return w.events
	}
	if w.closed {
		w.events = make(chan Event)
		close(w.events)
		return w.events
	}
	ctx, cancel := context.WithCancel(ctx)
	w.events, w.cancel, w.done = make(chan Event, w.opts.Buffer), cancel, make(chan struct{})
	l := &loop{opts: w.opts, ctx: ctx, out: w.events, readers: map[string]*slot{}}
	go func() {
		defer close(w.done)
		defer cancel()
		l.run()
	}()
	return w.events
}

// Close stops watching, waits until the PC/SC context is released and the
// event channel closed, and returns nil. Closing a Watcher that never
// watched, or closing twice, is fine.
func (w *Watcher) Close() error {
	w.mu.Lock()
	cancel, done := w.cancel, w.done
	w.closed = true
	w.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	<-done
	return nil
}

// sleep waits d or until ctx is done, and reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// errStopped ends a session because the watcher is stopping.
var errStopped = errors.New("reader: stopped")
