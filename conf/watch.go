package conf

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/fsnotify/fsnotify"
)

// DefaultDebounce is how long the watcher waits after the last change in a
// burst before it reloads: editors write, rename and chmod in quick
// succession, and a copy of several files arrives as many events.
const DefaultDebounce = 100 * time.Millisecond

// Watcher keeps the current snapshot of a config directory and reloads it
// when files there change (model: syncthing lib/config wrapper). A valid
// change replaces the whole snapshot atomically; an invalid one keeps the
// old snapshot. It watches the directory, not the files, so editors that
// save by writing a temporary file and renaming it, and files created or
// removed, are all seen. A removed file falls back to its embedded default.
//
// Set OnReload, OnError, Debounce and Now before calling Run; Run calls the
// callbacks from its own goroutine, one at a time.
type Watcher struct {
	// OnReload is called after a new snapshot is swapped in, with the old
	// one. It is also called, with old == new, when a valid load follows a
	// failed one without changing the config, so an error shown on screen
	// can be cleared.
	OnReload func(old, new *Snapshot)
	// OnError is called when a reload fails; the old snapshot stays. The
	// error's message is one "file:line:col: message" per problem.
	OnError func(err error)
	// Verify, if set, sees every valid new snapshot with the one in force
	// before the swap and may refuse it (model: syncthing's committers): a
	// refusal is handled like an invalid file.
	Verify func(old, new *Snapshot) error
	// Debounce is the quiet time before a reload; DefaultDebounce if zero.
	Debounce time.Duration
	// Now gives the load time; time.Now if nil.
	Now func() time.Time

	dir    string
	log    *slog.Logger
	fsw    *fsnotify.Watcher
	cur    atomic.Pointer[Snapshot]
	failed bool // the last reload failed; only Run's goroutine touches it
}

// NewWatcher loads dir and starts watching it. It fails when the initial
// load fails: the appliance does not start on a broken config. Call Run to
// process changes and Close (or cancel Run's context) to stop.
func NewWatcher(dir string, log *slog.Logger) (*Watcher, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	snap, err := Load(dir)
	if err != nil {
		return nil, err
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("conf: fsnotify: %w", err)
	}
	if err := fsw.Add(dir); err != nil {
		fsw.Close()
		return nil, fmt.Errorf("conf: watching %s: %w", dir, err)
	}
	w := &Watcher{dir: dir, log: log, fsw: fsw}
	w.cur.Store(snap)
	log.Info("配置已加载 / config loaded", "dir", dir, "version", snap.Version, "warnings", len(snap.Warnings))
	return w, nil
}

// Current returns the snapshot in force. It never returns nil and never a
// snapshot that is being built: readers keep the pointer they got for the
// whole of one operation.
func (w *Watcher) Current() *Snapshot { return w.cur.Load() }

// Run processes file changes until ctx is done, then closes the watcher.
func (w *Watcher) Run(ctx context.Context) error {
	defer w.fsw.Close()
	debounce := w.Debounce
	if debounce <= 0 {
		debounce = DefaultDebounce
	}
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	for {
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return nil
			}
			if relevant(ev) {
				timer.Reset(debounce)
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return nil
			}
			w.log.Warn("config watcher", "err", err)
			timer.Reset(debounce) // events may have been lost: look again
		case <-timer.C:
			w.Reload()
		}
	}
}

// relevant reports whether an event may change the config: any .toml name.
func relevant(ev fsnotify.Event) bool {
	return strings.HasSuffix(filepath.Base(ev.Name), ".toml")
}

// Reload loads the directory now. On success with a new version it swaps
// the snapshot and calls OnReload; on failure it keeps the old snapshot,
// logs and calls OnError. It returns the snapshot in force and the load
// error. Run calls it; call it yourself only when Run is not running.
func (w *Watcher) Reload() (*Snapshot, error) {
	now := time.Now
	if w.Now != nil {
		now = w.Now
	}
	old := w.cur.Load()
	snap, err := LoadAt(w.dir, now())
	if err == nil && w.Verify != nil && snap.Version != old.Version {
		if verr := w.Verify(old, snap); verr != nil {
			err = fmt.Errorf("配置被拒绝 / config refused: %w", verr)
		}
	}
	if err != nil {
		w.failed = true
		var errs Errors
		if errors.As(err, &errs) {
			w.log.Warn("配置有误，继续使用旧配置 / config refused, keeping the old one", "version", old.Version, "errors", len(errs), "err", err.Error())
		} else {
			w.log.Warn("配置读取失败 / config load failed", "version", old.Version, "err", err)
		}
		if w.OnError != nil {
			w.OnError(err)
		}
		return old, err
	}
	wasFailed := w.failed
	w.failed = false
	if snap.Version == old.Version {
		if wasFailed && w.OnReload != nil {
			w.OnReload(old, old)
		}
		return old, nil
	}
	w.cur.Store(snap)
	w.log.Info("配置已更新 / config reloaded", "version", snap.Version, "old", old.Version, "warnings", len(snap.Warnings))
	for _, warn := range snap.Warnings {
		w.log.Warn(warn)
	}
	if w.OnReload != nil {
		w.OnReload(old, snap)
	}
	return snap, nil
}

// Close stops watching. Run returns soon after; Current keeps working.
func (w *Watcher) Close() error { return w.fsw.Close() }
