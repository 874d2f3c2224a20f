// Package benchcache keeps the large stores the benchmarks generate (a
// million tickets takes the better part of an hour to write on the
// appliance's two cores) in a cache directory between runs, so that
// `make bench` builds each once and later runs start from a copy in
// seconds. It is for benchmarks and tests only.
package benchcache

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"shouhou/appliance/store"
)

// Env names the cache directory (default: the user's cache directory,
// shouhou-bench). `make bench` leaves it to the default; a CI runner may
// point it at a volume that outlives the checkout.
const Env = "SHOUHOU_BENCH_CACHE"

// Store returns the directory of a fresh copy of the store build writes
// for n, built once into the cache and copied from there on every call,
// so a benchmark may write to what it gets.
//
// The cache entry is named by what, n, gen and the store's
// SchemaVersion: gen is the caller's generator version, to be raised
// whenever build, or the store's key layout without a change of
// SchemaVersion, changes, so that a store built by old code is never
// reused. A store the same generator made in an older format is migrated
// (a copy opened by store.Open) instead of generated again. An entry
// appears only once complete and settled (store.DB.Settle) (built under a temporary
// name, then renamed), so a run killed while building leaves nothing a
// later run would take for a store.
func Store(tb testing.TB, what string, n, gen int, build func(tb testing.TB, dir string, n int)) string {
	tb.Helper()
	root := os.Getenv(Env)
	if root == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			tb.Fatalf("benchcache: no cache directory (set %s): %v", Env, err)
		}
		root = filepath.Join(dir, "shouhou-bench")
	}
	name := func(format int) string {
		return filepath.Join(root, fmt.Sprintf("%s-n%d-format%d-gen%d", what, n, format, gen))
	}
	entry := name(store.SchemaVersion)
	if _, err := os.Stat(entry); errors.Is(err, os.ErrNotExist) {
		tmp := entry + ".building-" + strconv.Itoa(os.Getpid())
		if err := os.MkdirAll(tmp, 0o750); err != nil {
			tb.Fatalf("benchcache: %v", err)
		}
		defer os.RemoveAll(tmp)
		start := time.Now()
		if older := olderEntry(name); older != "" {
			// The same generator's store of an older format: settle
			// migrates a copy (store.Open does) rather than generating
			// it again.
			copyDir(tb, filepath.Join(older, "data"), filepath.Join(tmp, "data"))
			tb.Logf("benchcache: migrating %s to format %d", older, store.SchemaVersion)
		} else {
			build(tb, filepath.Join(tmp, "data"), n)
		}
		settle(tb, filepath.Join(tmp, "data"))
		if tb.Failed() {
			tb.FailNow()
		}
		if err := os.Rename(tmp, entry); err != nil {
			tb.Fatalf("benchcache: keep the generated store: %v", err)
		}
		tb.Logf("benchcache: generated %s of %d in %s, kept in %s", what, n, time.Since(start).Round(time.Second), entry)
	} else if err != nil {
		tb.Fatalf("benchcache: %v", err)
	}
	dst := filepath.Join(tb.TempDir(), "data")
	copyDir(tb, filepath.Join(entry, "data"), dst)
	return dst
}

// copyDir copies directory src to dst (which must not exist), keeping
// modes and times.
func copyDir(tb testing.TB, src, dst string) {
	tb.Helper()
	if out, err := exec.Command("cp", "-a", src, dst).CombinedOutput(); err != nil {
		tb.Fatalf("benchcache: copy %s: %v\n%s", src, err, out)
	}
}

// olderEntry is the newest cache entry of an older format than this
// store's that name gives, or "".
func olderEntry(name func(format int) string) string {
	for f := store.SchemaVersion - 1; f >= 1; f-- {
		if _, err := os.Stat(name(f)); err == nil {
			return name(f)
		}
	}
	return ""
}

// settle opens a generated or copied store, which migrates one of an
// older format, and compacts it into the shape a store that grew
// over years has (store.DB.Settle): written in one go, its levels are far
// out of shape, and every benchmark that opened it would first measure
// the compactions catching up, hundreds of MiB of table builders in the
// heap.
func settle(tb testing.TB, dir string) {
	tb.Helper()
	db, err := store.Open(dir, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatalf("benchcache: settle: %v", err)
	}
	if err := db.Settle(2); err != nil {
		db.Close()
		tb.Fatalf("benchcache: %v", err)
	}
	if err := db.Close(); err != nil {
		tb.Fatalf("benchcache: settle: %v", err)
	}
}
