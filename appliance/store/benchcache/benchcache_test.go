package benchcache

import (
	"os"
	"path/filepath"
	"testing"
)

// TestStoreBuildsOnceAndCopies: the first call builds, the second copies
// the cached entry without building, and each caller gets its own copy.
func TestStoreBuildsOnceAndCopies(t *testing.T) {
	t.Setenv(Env, t.TempDir())
	builds := 0
	build := func(tb testing.TB, dir string, n int) {
		builds++
		if err := os.MkdirAll(dir, 0o750); err != nil {
			tb.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "MANIFEST"), []byte{byte(n)}, 0o640); err != nil {
			tb.Fatal(err)
		}
	}
	a := Store(t, "probe", 7, 1, build)
	if err := os.WriteFile(filepath.Join(a, "MANIFEST"), []byte("changed by the first caller"), 0o640); err != nil {
		t.Fatal(err)
	}
	b := Store(t, "probe", 7, 1, build)
	if builds != 1 {
		t.Errorf("built %d times, want once", builds)
	}
	if got, err := os.ReadFile(filepath.Join(b, "MANIFEST")); err != nil || string(got) != "\x07" {
		t.Errorf("the second copy holds %q, %v; want the cached store, not the first caller's change", got, err)
	}
	Store(t, "probe", 7, 2, build)
	if builds != 2 {
		t.Errorf("a new generator version built %d times in all, want 2", builds)
	}
}
