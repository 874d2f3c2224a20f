package reader

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/ebfe/scard"
)

// pnpReader is the pseudo-reader whose state changes when a reader is
// plugged in or out.
const pnpReader = `\\?PnP?\Notification`

// stateMask keeps the state bits of an event state; the high 16 bits are
// pcsc-lite's event counter (or, for pnpReader, the reader count).
const stateMask = 0xFFFF

// loop is the state of the watcher's goroutine; only that goroutine
// touches it.
type loop struct {
	opts    Opts
	ctx     context.Context
	out     chan<- Event
	status  Status           // last service status sent, "" before the first
	readers map[string]*slot // the readers listed last, in this session or the one before
}

// slot is what the loop remembers of one reader.
type slot struct {
	open    bool   // a card placement is open: present or error was sent
	counter uint16 // pcsc-lite's event counter when last seen
}

// run establishes PC/SC contexts and watches with them until ctx is done,
// backing off while pcscd is unreachable. It closes out on return.
func (l *loop) run() {
	defer close(l.out)
	backoff := l.opts.MinBackoff
	for {
		established, err := l.session()
		l.closePlacements()
		if l.ctx.Err() != nil {
			return
		}
		if established {
			backoff = l.opts.MinBackoff
		}
		l.setStatus(statusOf(err), errorDetail(err))
		if !sleep(l.ctx, backoff) {
			return
		}
		backoff = min(2*backoff, l.opts.MaxBackoff)
	}
}

// session runs one PC/SC context until it fails; it reports whether the
// context was established.
func (l *loop) session() (bool, error) {
	c, err := scard.EstablishContext()
	if err != nil {
		return false, fmt.Errorf("reader: SCardEstablishContext: %w", err)
	}
	g := guard(l.ctx, c)
	defer g.release()
	states := []scard.ReaderState{{Reader: pnpReader, CurrentState: scard.StateUnaware}}
	for {
		states, err = l.relist(c, states)
		if err != nil {
			return true, err
		}
		if l.ctx.Err() != nil {
			return true, errStopped // its Cancel may have come before this wait
		}
		// states is never empty (pnpReader), which scard would panic on.
		err = c.GetStatusChange(states, l.opts.Wait)
		if l.ctx.Err() != nil {
			return true, errStopped
		}
		if err = l.changed(c, states, err); err != nil {
			return true, err
		}
	}
}

// changed handles the outcome of one GetStatusChange. It returns an error
// only when the context must be re-established.
func (l *loop) changed(c *scard.Context, states []scard.ReaderState, err error) error {
	switch {
	case err == nil:
	case errors.Is(err, scard.ErrTimeout), errors.Is(err, scard.ErrUnknownReader), errors.Is(err, scard.ErrReaderUnavailable):
		return nil // the next relist sorts the readers out
	case serviceLost(err):
		return fmt.Errorf("reader: SCardGetStatusChange: %w", err)
	default:
		l.setStatus(StatusError, fmt.Sprintf("reader: SCardGetStatusChange: %v", err))
		sleep(l.ctx, l.opts.MinBackoff)
		return nil
	}
	seen := l.opts.Now()
	for i := 1; i < len(states); i++ {
		rs := &states[i]
		if rs.EventState&scard.StateChanged == 0 {
			continue
		}
		rs.CurrentState = rs.EventState &^ scard.StateChanged
		if err := l.readerChanged(c, rs, seen); err != nil {
			return err
		}
	}
	pnp := &states[0]
	pnp.CurrentState = pnp.EventState &^ scard.StateChanged
	return nil
}

// readerChanged turns one reader's new state into events. It returns an
// error only when pcscd was lost while reading the card.
func (l *loop) readerChanged(c *scard.Context, rs *scard.ReaderState, seen time.Time) error {
	sl := l.readers[rs.Reader]
	if sl == nil {
		return nil
	}
	state := rs.EventState & stateMask
	counter := uint16(rs.EventState >> 16)
	gone := state&(scard.StateUnknown|scard.StateUnavailable) != 0
	present := !gone && state&scard.StatePresent != 0
	// Between two waits a card may have been taken off and laid on again:
	// the state stays present but the counter moved by two or more.
	replaced := sl.open && present && counter-sl.counter >= 2
	sl.counter = counter
	if sl.open && (!present || replaced) {
		sl.open = false
		l.emit(Event{Kind: KindRemoved, Reader: rs.Reader, Time: seen})
	}
	if !present || sl.open {
		return nil
	}
	sl.open = true
	if state&scard.StateMute != 0 {
		l.emit(Event{Kind: KindError, Reader: rs.Reader, Time: seen,
			Detail: "卡片无应答 / the card is mute (no answer to reset)"})
		return nil
	}
	return l.read(c, rs.Reader, seen)
}

// read reads the card on reader and sends present or error.
func (l *loop) read(c *scard.Context, reader string, seen time.Time) error {
	uid, atr, err := exchange(c, reader)
	if serviceLost(err) {
		return err
	}
	e := Event{Kind: KindPresent, Reader: reader, UID: hexUpper(uid), ATR: hexUpper(atr), Time: seen}
	switch {
	case err != nil:
		e.Kind, e.UID, e.Detail = KindError, "", errorDetail(err)
	case RandomUID(uid):
		e.Unsupported = true
		e.Detail = "卡片不支持：每次读卡 UID 都不同 / card not supported: it sends a random UID"
	}
	l.emit(e)
	return nil
}

// relist lists the readers and returns the states to wait on: pnpReader
// first, then every reader, keeping what is known of each. It sends
// status events for readers that came or went and for the service, and
// removed events for cards on readers that went.
func (l *loop) relist(c *scard.Context, states []scard.ReaderState) ([]scard.ReaderState, error) {
	names, err := c.ListReaders()
	switch {
	case errors.Is(err, scard.ErrNoReadersAvailable):
		names, err = nil, nil
	case serviceLost(err):
		return nil, fmt.Errorf("reader: SCardListReaders: %w", err)
	case err != nil:
		l.setStatus(StatusError, fmt.Sprintf("reader: SCardListReaders: %v", err))
		return states, nil
	}
	slices.Sort(names)
	next := []scard.ReaderState{states[0]}
	for _, n := range names {
		if i := slices.IndexFunc(states, func(rs scard.ReaderState) bool { return rs.Reader == n }); i > 0 {
			next = append(next, states[i])
			continue
		}
		next = append(next, scard.ReaderState{Reader: n, CurrentState: scard.StateUnaware})
		l.readers[n] = &slot{}
		l.emit(Event{Kind: KindStatus, Reader: n, Status: StatusOK, Time: l.opts.Now()})
	}
	// l.readers, not states: after pcscd was away, states holds only
	// pnpReader, and a reader unplugged meanwhile must still be reported.
	for _, n := range l.readerNames() {
		if !slices.Contains(names, n) {
			l.dropReader(n)
		}
	}
	if len(names) == 0 {
		l.setStatus(StatusNoReader, "未连接读卡器 / no card reader is connected")
	} else {
		l.setStatus(StatusOK, "")
	}
	return next, nil
}

// dropReader forgets a reader that is no longer listed: removed for an
// open placement, then its no_reader status.
func (l *loop) dropReader(name string) {
	sl := l.readers[name]
	delete(l.readers, name)
	if sl != nil && sl.open {
		l.emit(Event{Kind: KindRemoved, Reader: name, Time: l.opts.Now()})
	}
	l.emit(Event{Kind: KindStatus, Reader: name, Status: StatusNoReader, Time: l.opts.Now()})
}

// closePlacements sends removed for every open placement at the end of a
// session. The readers stay known, so that the next session's first
// listing reports those that did not come back (unplugged while pcscd was
// away or restarting) as no_reader; otherwise their desks would keep
// showing the ok of the last session.
func (l *loop) closePlacements() {
	for _, n := range l.readerNames() {
		if sl := l.readers[n]; sl.open {
			sl.open = false
			l.emit(Event{Kind: KindRemoved, Reader: n, Time: l.opts.Now()})
		}
	}
}

// readerNames returns the known readers' names, sorted.
func (l *loop) readerNames() []string {
	names := make([]string, 0, len(l.readers))
	for n := range l.readers {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// setStatus sends a service status event when the status changes.
func (l *loop) setStatus(s Status, detail string) {
	if s == l.status {
		return
	}
	l.status = s
	l.emit(Event{Kind: KindStatus, Status: s, Detail: detail, Time: l.opts.Now()})
}

// emit hands e to the subscriber, or gives up when the watcher stops.
func (l *loop) emit(e Event) {
	select {
	case l.out <- e:
	case <-l.ctx.Done():
	}
}

// statusOf is the service status a session's end reports.
func statusOf(err error) Status {
	if serviceLost(err) {
		return StatusNoService
	}
	return StatusError
}
