package conf

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// watched is a Watcher running on a real temp dir, with its callbacks
// feeding channels.
type watched struct {
	*Watcher
	dir      string
	reloaded chan *Snapshot
	errs     chan error
}

func startWatcher(tb testing.TB) *watched {
	tb.Helper()
	dir := tb.TempDir()
	w, err := NewWatcher(dir, nil)
	if err != nil {
		tb.Fatal(err)
	}
	tw := &watched{Watcher: w, dir: dir, reloaded: make(chan *Snapshot, 1000), errs: make(chan error, 1000)}
	w.OnReload = func(_, s *Snapshot) {
		select {
		case tw.reloaded <- s:
		default:
		}
	}
	w.OnError = func(err error) {
		select {
		case tw.errs <- err:
		default:
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	tb.Cleanup(func() { cancel(); <-done })
	return tw
}

// storeFile is store.toml with the given name and a phone derived from it,
// so a reader can tell a snapshot's fields belong together.
func storeFile(tb testing.TB, name string) string {
	tb.Helper()
	data, err := DefaultFile(FileStore)
	if err != nil {
		tb.Fatal(err)
	}
	s := strings.Replace(string(data), `name = "示例百货"`, fmt.Sprintf("name = %q", name), 1)
	return strings.Replace(s, `phone = "400-000-0000"`, fmt.Sprintf("phone = %q", "tel-"+name), 1)
}

// waitFor polls cond until it holds, failing after a generous timeout (a
// deadline for a hung test, not a performance assertion).
func waitFor(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func name(w *watched) string { return w.Current().Store.Name }

func TestWatchValidEdit(t *testing.T) {
	w := startWatcher(t)
	old := w.Current()
	writeFile(t, w.dir, FileStore, storeFile(t, "甲店"))
	waitFor(t, "the edit to be applied", func() bool { return name(w) == "甲店" })
	s := <-w.reloaded
	if s.Version == old.Version || s.Policy.Version != s.Version || s.Store.Name != "甲店" {
		t.Errorf("reloaded snapshot %s (policy %s) name %q, old %s", s.Version, s.Policy.Version, s.Store.Name, old.Version)
	}
}

func TestWatchInvalidEditRefused(t *testing.T) {
	w := startWatcher(t)
	writeFile(t, w.dir, FileStore, storeFile(t, "甲店"))
	waitFor(t, "the valid edit", func() bool { return name(w) == "甲店" })
	good := w.Current()
	data, _ := DefaultFile(FilePolicy)
	lines := strings.Split(string(data), "\n")
	line := 0
	for i, l := range lines {
		if strings.HasPrefix(l, "repairs_before_exchange") {
			lines[i], line = "repairs_before_exchange = \"three\"", i+1
		}
	}
	writeFile(t, w.dir, FilePolicy, strings.Join(lines, "\n"))
	var err error
	select {
	case err = <-w.errs:
	case <-time.After(10 * time.Second):
		t.Fatal("no OnError for an invalid policy.toml")
	}
	want := fmt.Sprintf("%s:%d:", filepath.Join(w.dir, FilePolicy), line)
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("OnError(%q), want it to start with %q", err, want)
	}
	var errs Errors
	if !errors.As(err, &errs) || errs[0].Line != line {
		t.Errorf("OnError error = %#v, want Errors at line %d", err, line)
	}
	if w.Current() != good {
		t.Errorf("snapshot changed to %s after an invalid edit", w.Current().Version)
	}
	// Fixing the file clears the error: OnReload is called again.
	os.Remove(filepath.Join(w.dir, FilePolicy))
	select {
	case <-w.reloaded:
	case <-time.After(10 * time.Second):
		t.Fatal("no OnReload after the invalid file was removed")
	}
}

func TestWatchRenameSave(t *testing.T) {
	w := startWatcher(t)
	tmp := filepath.Join(w.dir, ".store.toml.swp")
	if err := os.WriteFile(tmp, []byte(storeFile(t, "乙店")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(w.dir, FileStore)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the renamed file to be applied", func() bool { return name(w) == "乙店" })
	// A second rename-save over the existing file.
	if err := os.WriteFile(tmp, []byte(storeFile(t, "丙店")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(w.dir, FileStore)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the second rename-save", func() bool { return name(w) == "丙店" })
}

func TestWatchDeleteRestore(t *testing.T) {
	w := startWatcher(t)
	embedded := name(w)
	p := filepath.Join(w.dir, FileStore)
	writeFile(t, w.dir, FileStore, storeFile(t, "丁店"))
	waitFor(t, "the custom file", func() bool { return name(w) == "丁店" })
	if err := os.Remove(p); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the embedded default after delete", func() bool { return name(w) == embedded })
	writeFile(t, w.dir, FileStore, storeFile(t, "丁店"))
	waitFor(t, "the restored file", func() bool { return name(w) == "丁店" })
}

// TestWatchRapidEdits: 100 edits in a burst, some invalid, converge on the
// last valid set.
func TestWatchRapidEdits(t *testing.T) {
	w := startWatcher(t)
	for i := range 100 {
		content := storeFile(t, fmt.Sprintf("店%03d", i))
		if i%7 == 3 {
			content += "\nbogus = 1\n"
		}
		writeFile(t, w.dir, FileStore, content)
	}
	waitFor(t, "the last edit", func() bool { return name(w) == "店099" })
	reloads := len(w.reloaded)
	t.Logf("100 edits gave %d reloads", reloads)
}

// TestWatchReadersNeverSeeAMix: readers during swaps always see one whole
// snapshot (run with -race).
func TestWatchReadersNeverSeeAMix(t *testing.T) {
	w := startWatcher(t)
	var stop atomic.Bool
	var wg sync.WaitGroup
	var reads atomic.Int64
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				s := w.Current()
				if s.Store.Phone != "tel-"+s.Store.Name && s.Store.Phone != "400-000-0000" {
					t.Errorf("snapshot %s mixes name %q and phone %q", s.Version, s.Store.Name, s.Store.Phone)
					return
				}
				if s.Policy.Version != s.Version {
					t.Errorf("snapshot %s holds policy tables of %s", s.Version, s.Policy.Version)
					return
				}
				reads.Add(1)
			}
		}()
	}
	for i := range 20 {
		writeFile(t, w.dir, FileStore, storeFile(t, fmt.Sprintf("读%02d", i)))
		waitFor(t, "edit applied", func() bool { return name(w) == fmt.Sprintf("读%02d", i) })
	}
	stop.Store(true)
	wg.Wait()
	if reads.Load() == 0 {
		t.Error("readers read nothing")
	}
}

// TestWatchVerifyRefuses: a Verify hook can refuse a valid change.
func TestWatchVerifyRefuses(t *testing.T) {
	dir := t.TempDir()
	w, err := NewWatcher(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	w.Verify = func(old, new *Snapshot) error {
		if len(new.Devices.Desks) < len(old.Devices.Desks) {
			return errors.New("a desk in use was removed")
		}
		return nil
	}
	var got error
	w.OnError = func(err error) { got = err }
	old := w.Current()
	data, _ := DefaultFile(FileDevices)
	more := string(data) + "\n[[desks]]\nid = \"desk2\"\nname = \"服务台 2\"\nprinter = \"receipt1\"\n"
	writeFile(t, dir, FileDevices, more)
	if s, err := w.Reload(); err != nil || len(s.Devices.Desks) != 2 {
		t.Fatalf("Reload(two desks) = %d desks, %v", len(s.Devices.Desks), err)
	}
	writeFile(t, dir, FileDevices, string(data))
	s, err := w.Reload()
	if err == nil || got == nil || !strings.Contains(got.Error(), "desk in use") || len(s.Devices.Desks) != 2 || w.Current() == old {
		t.Errorf("Reload(one desk) = %d desks, %v (OnError %v), want the refusal and two desks kept", len(s.Devices.Desks), err, got)
	}
}

func TestNewWatcherRefusesBrokenConfig(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, FileStaff, "version = 1\n[[staff]]\nid = 'x'\n")
	if _, err := NewWatcher(dir, nil); err == nil {
		t.Fatal("NewWatcher on a broken dir = nil error")
	}
}

// BenchmarkReloadLatency measures the time from writing a file to the new
// snapshot being current, debounce (100 ms) included.
func BenchmarkReloadLatency(b *testing.B) {
	w := startWatcher(b)
	i := 0
	for b.Loop() {
		i++
		want := fmt.Sprintf("bench%d", i)
		writeFile(b, w.dir, FileStore, storeFile(b, want))
		for name(w) != want {
			time.Sleep(time.Millisecond)
		}
	}
}
