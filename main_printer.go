package main

import (
	"context"
	"flag"
	"fmt"
	"html"
	"io"
	"os"
	"path/filepath"

	"shouhou/appliance"
	"shouhou/conf"
	"shouhou/drivers/printer"
	"shouhou/forms"
)

// defaultPrintDir is where print-test prints without -to: the demo printer.
const defaultPrintDir = "dir:./var/prints"

// runPrintTest prints a sample of a form: flags → drivers/printer → a line
// saying where the job went and what the printer said.
func runPrintTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("print-test", stderr)
	confDir := fs.String("conf", "", "config `DIR` whose devices.toml names the printers (default: the embedded config)")
	name := fs.String("printer", "", "configured printer `ID`: print on its device at its paper width (default with -conf: the first printer)")
	form := fs.String("form", "intake", fmt.Sprintf("form to print a sample of: %v", printer.SampleForms()))
	to := fs.String("to", "", "where to print: tcp://HOST[:PORT], file:///PATH, dir:PATH or a device such as /dev/usb/lp0 (default "+defaultPrintDir+")")
	width := fs.Int("width", 80, "paper width in mm: 58 or 80")
	show := fs.Bool("show", false, "also write the text preview to stdout")
	htmlOut := fs.String("html", "", "also write the HTML preview to this file")
	noStatus := fs.Bool("no-status", false, "do not query the printer's status (for printers that do not answer DLE EOT)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	addr := *to
	if *name != "" || *confDir != "" {
		p, err := configuredPrinter(*confDir, *name)
		if err != nil {
			fmt.Fprintf(stderr, "print-test: %v\n", err)
			return exitError(2)
		}
		if addr == "" {
			addr = p.Device
		}
		if !flagSet(fs, "width") {
			*width = p.Width
		}
	}
	cols, err := forms.ColumnsFor(*width)
	if err != nil {
		fmt.Fprintf(stderr, "print-test: -width: 纸宽只能是 58 或 80 / %v\n", err)
		return exitError(2)
	}
	doc, err := printer.Sample(*form, cols)
	if err != nil {
		fmt.Fprintf(stderr, "print-test: -form: 没有这种单据 / %v\n", err)
		return exitError(2)
	}
	if addr == "" {
		addr = defaultPrintDir
	}
	p, err := printer.New(addr, &printer.Opts{NoStatus: *noStatus})
	if err != nil {
		fmt.Fprintf(stderr, "print-test: -to: 打印机地址无效 / %v\n", err)
		return exitError(2)
	}
	r, err := p.PrintDocument(ctx, doc)
	if err != nil {
		return fmt.Errorf("%s: %w", appliance.ErrorMessage(printer.DomainError(err)), err)
	}
	where := p.Addr().String()
	if r.Path != "" {
		where = r.Path
	}
	fmt.Fprintf(stdout, "已打印 / printed: %s, %d mm, %d bytes → %s\n", doc.Name, *width, r.Written, where)
	if r.Confirmed {
		fmt.Fprintf(stdout, "打印机状态 / printer status: %s\n", r.Status.Detail)
	}
	if *show {
		fmt.Fprint(stdout, printer.Text(doc))
	}
	if *htmlOut != "" {
		page := "<!doctype html><meta charset=utf-8><title>" + html.EscapeString(doc.Name) + "</title>\n" + printer.HTML(doc)
		if err := os.WriteFile(*htmlOut, []byte(page), 0o644); err != nil {
			return fmt.Errorf("预览写入失败 / writing the preview: %w", err)
		}
		fmt.Fprintf(stdout, "预览 / preview: %s\n", *htmlOut)
	}
	return nil
}

// flagSet reports whether the flag name was given on the command line.
func flagSet(fs *flag.FlagSet, name string) bool {
	found := false
	fs.Visit(func(f *flag.Flag) { found = found || f.Name == name })
	return found
}

// configuredPrinter returns the printer id of the config in dir ("" for
// the embedded defaults); id "" means the first printer.
func configuredPrinter(dir, id string) (conf.Printer, error) {
	snap, err := conf.Load(dir)
	if err != nil {
		return conf.Printer{}, fmt.Errorf("-conf: 配置无效 / the config is invalid: %w", err)
	}
	if id == "" {
		return snap.Devices.Printers[0], nil
	}
	p, ok := snap.Printer(id)
	if !ok {
		var ids []string
		for _, p := range snap.Devices.Printers {
			ids = append(ids, p.ID)
		}
		return conf.Printer{}, fmt.Errorf("-printer: 没有 id 为 %q 的打印机 / no printer with id %q (devices.toml has %q)", id, id, ids)
	}
	return p, nil
}

// printers is serve's print queue and the goroutine that hands it the
// printers of each reloaded config.
type printers struct {
	queue *printer.Queue
	sub   *appliance.Subscription
	done  chan struct{}
}

// startPrinters starts the print queue on the store with the printers of
// the config in force, and follows config reloads. In demo mode every
// printer is the virtual printer writing each job into var/prints beside
// the data directory.
func (m *Main) startPrinters() error {
	targets, err := m.printerTargets()
	if err != nil {
		return err
	}
	q, err := printer.NewQueue(m.db, targets, &printer.QueueOpts{Logger: m.Logger, Events: m.bus})
	if err != nil {
		return fmt.Errorf("print queue: %w", err)
	}
	p := &printers{queue: q, sub: m.bus.Subscribe(16), done: make(chan struct{})}
	go m.followPrinters(p)
	m.printers = p
	for _, t := range targets {
		m.Logger.Info("printer", "id", t.ID, "device", t.Device, "columns", t.Columns)
	}
	return nil
}

// followPrinters gives the queue the printers of every reloaded config.
func (m *Main) followPrinters(p *printers) {
	defer close(p.done)
	for ev := range p.sub.C() {
		// A lost event may have been a reload: apply the config anyway.
		if ev.Kind != "config.reloaded" && ev.Kind != appliance.EventLost {
			continue
		}
		targets, err := m.printerTargets()
		if err == nil {
			err = p.queue.SetPrinters(targets)
		}
		if err != nil {
			m.Logger.Error("printers not changed after the config reload", "err", err)
		}
	}
}

// close stops following the config, then the queue's workers.
func (p *printers) close() error {
	p.sub.Close()
	<-p.done
	return p.queue.Close()
}

// printerTargets turns the config's printers into queue targets.
func (m *Main) printerTargets() ([]printer.Target, error) {
	var ts []printer.Target
	for _, p := range m.Config().Devices.Printers {
		cols, err := forms.ColumnsFor(p.Width)
		if err != nil {
			return nil, fmt.Errorf("printer %s: %w", p.ID, err)
		}
		dev := p.Device
		if m.Demo {
			dev = "dir:" + filepath.Join(filepath.Dir(m.DataDir), "prints")
		}
		ts = append(ts, printer.Target{ID: p.ID, Name: p.Name, Device: dev, Columns: cols})
	}
	return ts, nil
}

// PrintQueue returns serve's print queue (nil before Run): what the
// ticket and card code enqueue slips on.
func (m *Main) PrintQueue() *printer.Queue {
	if m.printers == nil {
		return nil
	}
	return m.printers.queue
}
