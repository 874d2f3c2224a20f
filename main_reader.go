package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

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
