package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/user"
	"path/filepath"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/purchases"
	"shouhou/appliance/store"
	"shouhou/conf"
)

// runImport imports a till export (sales or the product catalogue) with a
// progress bar on stderr and the report on stdout. When a server holds
// -data the file goes through its admin socket and is read with the
// server's config; otherwise the directory is opened here with -conf.
// It exits 1 when any line was rejected (the report says whether the good
// lines were kept).
func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", stderr)
	data := fs.String("data", "./var/data", "data `DIR`")
	confDir := fs.String("conf", "", "config `DIR` (till.toml's mapping, the policy) when no server holds -data")
	kind := fs.String("kind", kindPurchases, "what the file is: purchases or catalogue")
	dry := fs.Bool("dry-run", false, "check every line, write nothing")
	all := fs.Bool("all-or-nothing", false, "write nothing when any line is rejected (default: keep the good lines)")
	operator := fs.String("operator", defaultOperator(), "who imports, for the audit log")
	memLimit := fs.Int64("memlimit", 256<<20, "Go memory limit in `bytes` for an offline import (0: leave GOMEMLIMIT alone)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *memLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(*memLimit))
	}
	if fs.NArg() != 1 {
		return errors.New("usage: shouhou import -data DIR [-conf DIR] [-dry-run] [-all-or-nothing] [-kind purchases|catalogue] FILE")
	}
	if *kind != kindPurchases && *kind != kindCatalogue {
		return fmt.Errorf("-kind must be purchases or catalogue, got %q", *kind)
	}
	if _, err := os.Stat(*data); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	req := importRequest{Kind: *kind, Name: filepath.Base(fs.Arg(0)), Operator: *operator, DryRun: *dry, AllOrNothing: *all}
	bar := newBar(stderr)
	rep, how, err := importOnline(*data, req, f, bar)
	if errors.Is(err, store.ErrNoServer) {
		how = "offline (no server held the directory)"
		rep, err = importOffline(ctx, *data, *confDir, req, f, bar)
	}
	bar.end()
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, rep.String())
	fmt.Fprintf(stdout, "%s\n", how)
	if rep.Rejected > 0 {
		return exitError(1)
	}
	return nil
}

func defaultOperator() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "shell:" + u.Username
	}
	return "shell"
}

// importOnline sends the file to the server holding dataDir.
func importOnline(dataDir string, req importRequest, f *os.File, bar *bar) (purchases.Report, string, error) {
	line, err := json.Marshal(req)
	if err != nil {
		return purchases.Report{}, "", err
	}
	rc, err := store.AdminVia(dataDir, "import "+string(line), bar.reader("send", f))
	if err != nil {
		return purchases.Report{}, "", err
	}
	defer rc.Close()
	sc := bufio.NewScanner(rc)
	sc.Buffer(make([]byte, 64<<10), 64<<20)
	for sc.Scan() {
		verb, rest, _ := strings.Cut(sc.Text(), " ")
		switch verb {
		case "progress":
			p := strings.Fields(rest)
			if len(p) == 3 {
				done, _ := strconv.Atoi(p[1])
				total, _ := strconv.Atoi(p[2])
				bar.show(p[0], done, total)
			}
		case "error":
			return purchases.Report{}, "", fmt.Errorf("the server: %s", rest)
		case "report":
			var rep purchases.Report
			err := json.Unmarshal([]byte(rest), &rep)
			return rep, "online, through the running server (its till.toml)", err
		}
	}
	return purchases.Report{}, "", fmt.Errorf("the server ended the import without a report: %v", sc.Err())
}

// importOffline opens dataDir itself and imports with the config of confDir.
func importOffline(ctx context.Context, dataDir, confDir string, req importRequest, f *os.File, bar *bar) (purchases.Report, error) {
	snap, err := conf.Load(confDir)
	if err != nil {
		return purchases.Report{}, err
	}
	db, err := store.Open(dataDir, store.Options{Logger: quietLogger(bar.w)})
	if err != nil {
		return purchases.Report{}, err
	}
	defer db.Close()
	cfg := func() *conf.Snapshot { return snap }
	svc := newPurchases(db, cfg, nil, func() time.Time { return time.Now().In(snap.Store.Location) })
	b := purchases.Batch{Source: "file:" + req.Name, DryRun: req.DryRun, AllOrNothing: req.AllOrNothing, Progress: bar.show}
	actor := appliance.Actor{ID: req.Operator, Role: appliance.RoleAdmin}
	return importFile(ctx, svc, snap, actor, req.Kind, bar.reader("read", f), b)
}

// bar is the progress bar on stderr: one line redrawn in place.
type bar struct {
	w    io.Writer
	last string
	used bool
}

func newBar(w io.Writer) *bar { return &bar{w: w} }

// show draws stage at done of total, when the drawing changes.
func (b *bar) show(stage string, done, total int) {
	pct := 100
	if total > 0 {
		pct = done * 100 / total
	}
	const width = 30
	s := fmt.Sprintf("\r%-5s [%s%s] %3d%% %d/%d", stage, strings.Repeat("#", pct*width/100), strings.Repeat(".", width-pct*width/100), pct, done, total)
	if s == b.last {
		return
	}
	if b.last != "" && !strings.HasPrefix(b.last, "\r"+fmt.Sprintf("%-5s", stage)) {
		fmt.Fprint(b.w, "\n")
	}
	b.last, b.used = s, true
	fmt.Fprint(b.w, s)
}

// end finishes the bar's line.
func (b *bar) end() {
	if b.used {
		fmt.Fprint(b.w, "\n")
	}
}

// reader counts what is read from f as stage's progress (in bytes).
func (b *bar) reader(stage string, f *os.File) io.Reader {
	size := 0
	if fi, err := f.Stat(); err == nil {
		size = int(fi.Size())
	}
	return &countingReader{r: f, on: func(n int) { b.show(stage, n*100/max(size, 1), 100) }}
}

type countingReader struct {
	r  io.Reader
	n  int
	on func(n int)
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	c.on(c.n)
	return n, err
}
