package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"shouhou/drivers/reader"
)

// runReaderTest lists the card readers and prints their events until
// Ctrl-C, for installers checking a reader.
func runReaderTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("reader-test", stderr)
	list := fs.Bool("list", false, "list the readers and exit (status 3 when pcscd is not running)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	names, err := reader.List()
	switch {
	case errors.Is(err, reader.ErrNoService):
		fmt.Fprintln(stdout, "读卡服务 pcscd 未运行：请执行 systemctl start pcscd / the PC/SC service pcscd is not running: start it with systemctl start pcscd")
		if *list {
			return exitError(3)
		}
	case err != nil:
		return err
	case len(names) == 0:
		fmt.Fprintln(stdout, "未发现读卡器：请检查 USB 连接 / no card reader found: check the USB cable")
	default:
		fmt.Fprintf(stdout, "读卡器 / readers (%d):\n", len(names))
		for _, n := range names {
			fmt.Fprintf(stdout, "  %s\n", n)
		}
	}
	if *list {
		return nil
	}
	w, err := reader.New(nil)
	if err != nil {
		return err
	}
	defer w.Close()
	fmt.Fprintln(stdout, "请把卡放到读卡器上，Ctrl-C 结束 / lay a card on a reader; Ctrl-C to stop")
	for e := range w.Watch(ctx) {
		fmt.Fprintln(stdout, formatReaderEvent(e))
	}
	return nil
}

// formatReaderEvent is one line of reader-test output.
func formatReaderEvent(e reader.Event) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  %-8s", e.Time.Format("15:04:05.000"), e.Kind)
	if e.Status != "" {
		fmt.Fprintf(&b, " %s", e.Status)
	}
	if e.Reader != "" {
		fmt.Fprintf(&b, " [%s]", e.Reader)
	} else if e.Kind == reader.KindStatus {
		b.WriteString(" [pcscd]")
	}
	if e.UID != "" {
		fmt.Fprintf(&b, " uid=%s", e.UID)
	}
	if e.ATR != "" {
		fmt.Fprintf(&b, " atr=%s", e.ATR)
	}
	if e.Unsupported {
		b.WriteString(" UNSUPPORTED")
	}
	if e.Detail != "" {
		fmt.Fprintf(&b, "  %s", e.Detail)
	}
	return b.String()
}

// readers are serve's card readers: the PC/SC watcher (which waits for
// pcscd and the readers by itself, so a missing reader never stops serve)
// and, with -demo, the demo reader the screens can lay a card on.
type readers struct {
	watcher *reader.Watcher
	demo    *reader.Demo // nil without -demo
	cancel  context.CancelFunc
	done    sync.WaitGroup
}

// openReaders makes the readers; startReaders starts them.
func (m *Main) openReaders() error {
	w, err := reader.New(nil)
	if err != nil {
		return fmt.Errorf("card reader: %w", err)
	}
	m.readers = &readers{watcher: w}
	if m.Demo {
		m.readers.demo = reader.NewDemo(m.Now)
	}
	return nil
}

// startReaders turns every reader event into the desk's business: the
// reader's desk from devices.toml; a staff card logs its holder in there;
// a customer's card opens the customer panel on that desk's screens only.
func (m *Main) startReaders() {
	ctx, cancel := context.WithCancel(context.Background())
	r := m.readers
	r.cancel = cancel
	sources := []<-chan reader.Event{r.watcher.Watch(ctx)}
	if r.demo != nil {
		sources = append(sources, r.demo.Watch(ctx))
	}
	for _, ch := range sources {
		r.done.Add(1)
		go func() {
			defer r.done.Done()
			for e := range ch {
				m.readerEvent(ctx, e)
			}
		}()
	}
}

// stopReaders stops the readers and waits for their goroutines.
func (m *Main) stopReaders() {
	if m.readers == nil || m.readers.cancel == nil {
		return
	}
	m.readers.cancel()
	m.readers.watcher.Close()
	if m.readers.demo != nil {
		m.readers.demo.Close()
	}
	m.readers.done.Wait()
	m.readers = nil
}

// readerStatus is what reader.status carries to the screens.
type readerStatus struct {
	reader.Event
	// Desk is the desk the reader belongs to ("" for none or for pcscd).
	Desk string `json:"desk,omitempty"`
}

// readerEvent routes one reader event.
func (m *Main) readerEvent(ctx context.Context, e reader.Event) {
	desk := m.deskOf(e.Reader)
	switch e.Kind {
	case reader.KindPresent:
		if desk == "" {
			m.Logger.Warn("card on a reader no desk is bound to (devices.toml reader)", "reader", e.Reader, "uid", e.UID)
			return
		}
		// Latency is measured on the system clock, which stamped e.Time,
		// not m.Now, which a test may set to a holiday.
		got := time.Now()
		res, err := m.ui.CardSwipe(ctx, desk, e.UID, e.Time)
		m.Logger.Info("card swiped", "desk", desk, "uid", e.UID, "result", res, "err", err,
			"since_seen", got.Sub(e.Time), "took", time.Since(got))
	case reader.KindRemoved:
		if desk != "" {
			m.ui.CardRemoved(desk)
		}
	case reader.KindStatus, reader.KindError:
		m.Logger.Info("card reader", "kind", e.Kind, "reader", e.Reader, "status", e.Status, "detail", e.Detail)
		m.ui.ReaderStatus(readerStatus{Event: e, Desk: desk})
	}
}

// deskOf returns the desk a reader belongs to. The demo reader belongs
// to the first desk unless devices.toml names it.
func (m *Main) deskOf(name string) string {
	cfg := m.Config()
	if d, ok := cfg.DeskByReader(name); ok {
		return d.ID
	}
	if name == reader.DemoReaderName && len(cfg.Devices.Desks) > 0 {
		return cfg.Devices.Desks[0].ID
	}
	return ""
}
