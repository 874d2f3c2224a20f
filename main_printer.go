package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"os"

	"shouhou/appliance"
	"shouhou/drivers/printer"
	"shouhou/forms"
)

// defaultPrintDir is where print-test prints without -to: the demo printer.
const defaultPrintDir = "dir:./var/prints"

// runPrintTest prints a sample of a form: flags → drivers/printer → a line
// saying where the job went and what the printer said.
func runPrintTest(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("print-test", stderr)
	confDir := fs.String("conf", "", "config directory (not wired yet: use -to)")
	name := fs.String("printer", "", "configured printer name (not wired yet: use -to)")
	form := fs.String("form", "intake", fmt.Sprintf("form to print a sample of: %v", printer.SampleForms()))
	to := fs.String("to", "", "where to print: tcp://HOST[:PORT], file:///PATH, dir:PATH or a device such as /dev/usb/lp0 (default "+defaultPrintDir+")")
	width := fs.Int("width", 80, "paper width in mm: 58 or 80")
	show := fs.Bool("show", false, "also write the text preview to stdout")
	htmlOut := fs.String("html", "", "also write the HTML preview to this file")
	noStatus := fs.Bool("no-status", false, "do not query the printer's status (for printers that do not answer DLE EOT)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *name != "" || *confDir != "" {
		fmt.Fprintln(stderr, "print-test: -printer 和 -conf 尚未接入配置，请用 -to / -printer and -conf are not wired to the config yet; use -to")
		if *to == "" {
			return exitError(2)
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
	addr := *to
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
