package benchcache

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"shouhou/appliance/store"
)

// TestStoreBuildsOnceAndCopies: the first call builds, the second copies
// the cached entry without building, and each caller gets its own copy.
func TestStoreBuildsOnceAndCopies(t *testing.T) {
	t.Setenv(Env, t.TempDir())
	builds := 0
	build := func(tb testing.TB, dir string, n int) {
		builds++
		db, err := store.Open(dir, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			tb.Fatal(err)
		}
		if err := db.Close(); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "PROBE"), []byte{byte(n)}, 0o640); err != nil {
			tb.Fatal(err)
		}
	}
	a := Store(t, "probe", 7, 1, build)
	if err := os.WriteFile(filepath.Join(a, "PROBE"), []byte("changed by the first caller"), 0o640); err != nil {
		t.Fatal(err)
	}
	b := Store(t, "probe", 7, 1, build)
	if builds != 1 {
		t.Errorf("built %d times, want once", builds)
	}
	if got, err := os.ReadFile(filepath.Join(b, "PROBE")); err != nil || string(got) != "\x07" {
		t.Errorf("the second copy holds %q, %v; want the cached store, not the first caller's change", got, err)
	}
	Store(t, "probe", 7, 2, build)
	if builds != 2 {
		t.Errorf("a new generator version built %d times in all, want 2", builds)
	}
}

// TestStoreMigratesAnOlderFormat: a cached store of an older format (the
// committed schema3 fixture, made by a release of format 3) is migrated,
// not generated again, and kept under the current format.
func TestStoreMigratesAnOlderFormat(t *testing.T) {
	root := t.TempDir()
	t.Setenv(Env, root)
	older := filepath.Join(root, "fixture-n1-format3-gen1")
	if err := os.MkdirAll(older, 0o750); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("cp", "-a", "../../../build/testdata/schema3/data", filepath.Join(older, "data")).CombinedOutput(); err != nil {
		t.Fatalf("copy the fixture: %v\n%s", err, out)
	}
	dir := Store(t, "fixture", 1, 1, func(tb testing.TB, dir string, n int) {
		tb.Fatal("generated a store an older format of which is cached")
	})
	db, err := store.Open(dir, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if got := db.Format(); got != store.SchemaVersion {
		t.Errorf("the migrated copy is of format %d, want %d", got, store.SchemaVersion)
	}
	if _, err := os.Stat(filepath.Join(root, fmt.Sprintf("fixture-n1-format%d-gen1", store.SchemaVersion))); err != nil {
		t.Errorf("the migrated store is not kept: %v", err)
	}
}
