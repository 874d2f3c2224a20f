package reader

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/ebfe/scard"
)

// serviceLost reports whether err means the PC/SC context is dead and must
// be released and established again: pcscd is gone, stopped, or no longer
// knows the context.
func serviceLost(err error) bool {
	for _, e := range []scard.Error{scard.ErrNoService, scard.ErrServiceStopped, scard.ErrCommError, scard.ErrInvalidHandle} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// cardGone reports whether err means the card left during the exchange.
func cardGone(err error) bool {
	for _, e := range []scard.Error{scard.ErrRemovedCard, scard.ErrNoSmartcard, scard.ErrResetCard, scard.ErrUnpoweredCard} {
		if errors.Is(err, e) {
			return true
		}
	}
	return false
}

// errorDetail is the people-facing text of err, Chinese first.
func errorDetail(err error) string {
	var sw *SWError
	switch {
	case serviceLost(err):
		return "读卡服务 pcscd 未运行 / the PC/SC service pcscd is not running: " + err.Error()
	case cardGone(err):
		return "读卡完成前卡片被拿开 / the card was taken away before it was read: " + err.Error()
	case errors.As(err, &sw), !errors.As(err, new(scard.Error)):
		return "读卡失败 / the card could not be read: " + err.Error()
	}
	return "读卡器错误 / reader error: " + err.Error()
}

// exchange connects to the card on reader, reads its ATR and UID, and
// disconnects leaving the card as it is. It turns a panic of the binding
// into an error.
func exchange(c *scard.Context, reader string) (uid, atr []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("reader: %s: scard panicked: %v", reader, r)
		}
	}()
	card, err := c.Connect(reader, scard.ShareShared, scard.ProtocolT0|scard.ProtocolT1)
	if err != nil {
		return nil, nil, fmt.Errorf("reader: SCardConnect(%q): %w", reader, err)
	}
	defer card.Disconnect(scard.LeaveCard)
	st, err := card.Status()
	if err != nil {
		return nil, nil, fmt.Errorf("reader: SCardStatus(%q): %w", reader, err)
	}
	// The ATR comes from SCardStatus: scard's ReaderState.Atr keeps the
	// previous card's ATR when the reader reports none.
	atr = st.Atr
	// scard.Card.Transmit panics on any protocol but T=0 and T=1.
	if p := card.ActiveProtocol(); p != scard.ProtocolT0 && p != scard.ProtocolT1 {
		return nil, atr, fmt.Errorf("reader: %s: card speaks protocol %d, want T=0 or T=1", reader, p)
	}
	uid, err = ReadUID(card)
	return uid, atr, err
}

// ctxGuard cancels a PC/SC context's pending wait when ctx is done, and
// never after the context is released.
type ctxGuard struct {
	c    *scard.Context
	stop func() bool // unregisters the cancel

	mu       sync.Mutex // guards released, so Cancel never follows Release
	released bool
}

// guard watches ctx on behalf of c.
func guard(ctx context.Context, c *scard.Context) *ctxGuard {
	g := &ctxGuard{c: c}
	g.stop = context.AfterFunc(ctx, g.cancel)
	return g
}

func (g *ctxGuard) cancel() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.released {
		g.c.Cancel()
	}
}

// release releases the context.
func (g *ctxGuard) release() {
	g.stop()
	g.mu.Lock()
	defer g.mu.Unlock()
	g.released = true
	g.c.Release()
}

// ErrNoService is wrapped by the errors of List when pcscd is not
// running or stopped answering.
var ErrNoService = errors.New("reader: pcscd is not running")

// List returns the names of the readers pcscd knows, sorted; none is not
// an error. Use it for a one-off look (reader-test), not to watch.
func List() ([]string, error) {
	c, err := scard.EstablishContext()
	if err != nil {
		return nil, listError("SCardEstablishContext", err)
	}
	defer c.Release()
	names, err := c.ListReaders()
	if errors.Is(err, scard.ErrNoReadersAvailable) {
		return nil, nil
	}
	if err != nil {
		return nil, listError("SCardListReaders", err)
	}
	slices.Sort(names)
	return names, nil
}

// listError wraps err from call, with ErrNoService when pcscd is gone.
func listError(call string, err error) error {
	if serviceLost(err) {
		return fmt.Errorf("%w: %s: %v", ErrNoService, call, err)
	}
	return fmt.Errorf("reader: %s: %w", call, err)
}
