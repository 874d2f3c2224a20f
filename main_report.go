package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"time"

	"shouhou/appliance/reports"
	"shouhou/appliance/store"
	"shouhou/conf"
	"shouhou/ui"
)

// runReport prints the service reports of a stopped server's data
// directory, or of a restored backup, opened read-only (docs/reports.md).
func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("report", stderr)
	data := fs.String("data", "./var/data", "data `DIR` of a stopped server or a restored backup")
	confDir := fs.String("conf", "", "config `DIR` (for the store's time zone; default: the embedded config)")
	from := fs.String("from", "", "first day, `YYYY-MM-DD`")
	to := fs.String("to", "", "last day, `YYYY-MM-DD` (default: -from)")
	format := fs.String("format", "text", "output: text, csv or json")
	kind := fs.String("kind", "kpi", "report: kpi, closing, complaints or daily")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" {
		fmt.Fprintln(stderr, "shouhou report: 缺少 -from / -from is required")
		return exitError(2)
	}
	if *to == "" {
		*to = *from
	}
	if serverHolds(*data) {
		fmt.Fprintf(stderr, "shouhou report: 服务正在使用 %s，请在备份上运行 / a server holds %s: run report on a backup:\n"+
			"  shouhou backup -data %s -o FILE && shouhou restore -i FILE -data COPY && shouhou report -data COPY ...\n", *data, *data, *data)
		return exitError(2)
	}
	snap, err := conf.Load(*confDir)
	if err != nil {
		return err
	}
	db, err := store.Open(*data, store.Options{Logger: quietLogger(stderr), ReadOnly: true})
	if err != nil {
		return err
	}
	defer db.Close()
	rep := reports.New(db, ui.ReportOptions(snap))
	f, err := rep.ParseDay(*from)
	if err != nil {
		return err
	}
	t, err := rep.ParseDay(*to)
	if err != nil {
		return err
	}
	v, tables, err := rep.Build(*kind, f, t)
	if err != nil {
		return err
	}
	return writeReport(stdout, *format, v, tables)
}

// serverHolds reports whether a server answers on the data directory's
// admin socket.
func serverHolds(data string) bool {
	c, err := net.DialTimeout("unix", filepath.Join(data, store.AdminSocket), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func writeReport(w io.Writer, format string, v any, tables []reports.Table) error {
	switch format {
	case "text":
		return reports.WriteText(w, tables)
	case "csv":
		return reports.WriteCSVTables(w, tables)
	case "json":
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		return e.Encode(v)
	}
	return fmt.Errorf("-format %q: 应为 text、csv 或 json / want text, csv or json", format)
}
