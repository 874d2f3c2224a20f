package till

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"
)

// Inbox watches a folder the store drops its till exports into. Each file
// is imported once, once nothing has written to it for Settle, then moved
// to done/ (every line imported) or failed/ (anything else) beside its
// report, NAME.report.txt. Files already there when it starts are taken
// too; names starting with "." or ending in .part or .tmp (a copy under
// way) are left alone.
type Inbox struct {
	// Dir is the watched folder.
	Dir string
	// Import reads one file; it returns the report to keep beside it and
	// whether every line was imported.
	Import func(ctx context.Context, name string, r io.Reader) (report string, ok bool)
	// Logger receives what happened to each file; nil means slog.Default().
	Logger *slog.Logger
	// Settle is the quiet time before a file is taken; 0 means one second.
	Settle time.Duration
}

// Run watches until ctx ends. It returns an error only when the folder
// cannot be watched at all.
func (in *Inbox) Run(ctx context.Context) error {
	if in.Logger == nil {
		in.Logger = slog.Default()
	}
	if in.Settle <= 0 {
		in.Settle = time.Second
	}
	for _, sub := range []string{"done", "failed"} {
		if err := os.MkdirAll(filepath.Join(in.Dir, sub), 0o750); err != nil {
			return fmt.Errorf("till: inbox: %w", err)
		}
	}
	w, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("till: inbox: fsnotify.NewWatcher: %w", err)
	}
	defer w.Close()
	if err := w.Add(in.Dir); err != nil {
		return fmt.Errorf("till: inbox: watch %s: %w", in.Dir, err)
	}
	pending := map[string]time.Time{}
	if entries, err := os.ReadDir(in.Dir); err == nil {
		for _, e := range entries {
			pending[e.Name()] = time.Time{}
		}
	}
	tick := time.NewTicker(in.Settle / 4)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.Events:
			if !ok {
				return nil
			}
			if ev.Has(fsnotify.Create) || ev.Has(fsnotify.Write) {
				pending[filepath.Base(ev.Name)] = time.Now()
			}
		case err := <-w.Errors:
			in.Logger.Warn("till inbox", "err", err)
		case now := <-tick.C:
			for name, at := range pending {
				if now.Sub(at) >= in.Settle {
					delete(pending, name)
					in.take(ctx, name)
				}
			}
		}
	}
}

// wanted reports whether a name in the folder is an export to take.
func wanted(name string) bool {
	return !strings.HasPrefix(name, ".") && !strings.HasSuffix(name, ".part") && !strings.HasSuffix(name, ".tmp") &&
		!strings.HasSuffix(name, ".report.txt")
}

// take imports one file and files it away with its report.
func (in *Inbox) take(ctx context.Context, name string) {
	path := filepath.Join(in.Dir, name)
	if fi, err := os.Stat(path); err != nil || !fi.Mode().IsRegular() || !wanted(name) {
		return
	}
	f, err := os.Open(path)
	if err != nil {
		in.Logger.Warn("till inbox: open", "file", name, "err", err)
		return
	}
	report, ok := in.Import(ctx, name, f)
	f.Close()
	sub := "done"
	if !ok {
		sub = "failed"
	}
	dest := freeName(filepath.Join(in.Dir, sub), name)
	if err := os.Rename(path, dest); err != nil {
		in.Logger.Error("till inbox: move", "file", name, "err", err)
		return
	}
	if err := os.WriteFile(dest+".report.txt", []byte(report), 0o640); err != nil {
		in.Logger.Error("till inbox: report", "file", name, "err", err)
	}
	in.Logger.Info("till inbox: imported", "file", name, "to", dest, "ok", ok)
}

// freeName returns dir/name, or dir/name with a time stamp when that is taken.
func freeName(dir, name string) string {
	p := filepath.Join(dir, name)
	if _, err := os.Lstat(p); errors.Is(err, os.ErrNotExist) {
		return p
	}
	return filepath.Join(dir, time.Now().Format("20060102T150405.000000000-")+name)
}
