package reader

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"
)

// DemoReaderName is the name the demo reader reports in its events.
const DemoReaderName = "shouhou 演示读卡器 / demo reader"

// demoATR is the ATR a PC/SC contactless reader builds for a MIFARE
// Classic 1K card (PC/SC part 3, 3.1.3.2.3).
const demoATR = "3B8F8001804F0CA000000306030001000000006A"

// Demo is an in-process stand-in for a card reader, for `serve -demo`
// without hardware: Present and Remove play a card as the UI asks, and
// Watch reports them as a Watcher would. It is not a test double: tests of
// the Watcher use the real pcscd.
type Demo struct {
	now    func() time.Time
	events chan Event

	mu      sync.Mutex // guards uid and closed, and orders sends on events
	uid     string     // the card on the demo reader, "" for none
	closed  bool
	started bool
}

// NewDemo returns a demo reader with no card on it; now stamps events
// (time.Now when nil).
func NewDemo(now func() time.Time) *Demo {
	if now == nil {
		now = time.Now
	}
	return &Demo{now: now, events: make(chan Event, 16)}
}

// Watch returns the demo reader's events, starting with status ok. The
// channel is closed when ctx is done or Close is called; later calls
// return the same channel.
func (d *Demo) Watch(ctx context.Context) <-chan Event {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.started && !d.closed {
		d.started = true
		d.sendLocked(Event{Kind: KindStatus, Reader: DemoReaderName, Status: StatusOK})
		context.AfterFunc(ctx, func() { d.Close() })
	}
	return d.events
}

// Present lays the demo card with uid (hex, 4 to 10 bytes) on the demo
// reader, taking off the card already there. A random UID (08 xx xx xx) is
// reported as unsupported, as the Watcher does.
func (d *Demo) Present(uid string) error {
	b, err := hex.DecodeString(strings.ReplaceAll(uid, " ", ""))
	if err != nil || len(b) < minUID || len(b) > maxUID {
		return fmt.Errorf("reader: demo UID %q: want %d to %d bytes in hex", uid, minUID, maxUID)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return fmt.Errorf("reader: demo reader is closed")
	}
	d.removeLocked()
	d.uid = hexUpper(b)
	e := Event{Kind: KindPresent, Reader: DemoReaderName, UID: d.uid, ATR: demoATR}
	if RandomUID(b) {
		e.Unsupported = true
		e.Detail = "卡片不支持：每次读卡 UID 都不同 / card not supported: it sends a random UID"
	}
	d.sendLocked(e)
	return nil
}

// Remove takes the demo card off the reader; without a card it does
// nothing.
func (d *Demo) Remove() {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.removeLocked()
}

// Close stops the demo reader and closes its event channel.
func (d *Demo) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.closed {
		d.closed = true
		close(d.events)
	}
	return nil
}

func (d *Demo) removeLocked() {
	if d.uid == "" || d.closed {
		return
	}
	d.uid = ""
	d.sendLocked(Event{Kind: KindRemoved, Reader: DemoReaderName})
}

// sendLocked queues e, dropping the oldest queued event when nobody reads:
// a demo must never block the UI that drives it.
func (d *Demo) sendLocked(e Event) {
	if d.closed {
		return
	}
	e.Time = d.now()
	for {
		select {
		case d.events <- e:
			return
		default:
			select {
			case <-d.events:
			default:
			}
		}
	}
}
