package build

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance/store"
)

// testUpgrade opens data written by an older release (testdata/schema1,
// see its README) with the packaged binary: in place, as an upgrade meets
// it, and through a restore of its backup, as a new box meets it.
func testUpgrade(t *testing.T, bin string) {
	data := copyFixture(t)
	mustVerifyOK(t, bin, data)
	_, stop := mustServe(t, bin, "-data", data)
	stop()
	mustVerifyOK(t, bin, data)

	restored := filepath.Join(t.TempDir(), "restored")
	run(t, bin, "restore", "-i", filepath.Join("testdata", "schema1", "demo.bak"), "-data", restored)
	mustVerifyOK(t, bin, restored)
}

// testNewerRefused marks a copy of the fixture as written by a newer
// release and checks that every command that opens data refuses it with
// the message that says to upgrade, and leaves every file as it was.
func testNewerRefused(t *testing.T, bin string) {
	data := copyFixture(t)
	markSchema(t, data, store.SchemaVersion+1)
	before := hashDir(t, data)
	for _, args := range [][]string{
		{"verify", "-data", data},
		{"serve", "-data", data, "-listen", "127.0.0.1:0"},
		{"backup", "-data", data, "-o", filepath.Join(t.TempDir(), "x.bak")},
	} {
		t.Run(args[0], func(t *testing.T) {
			cmd := exec.Command(bin, args...)
			cmd.Dir = t.TempDir()
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("shouhou %s on newer data succeeded, want a refusal:\n%s", args[0], out)
			}
			for _, want := range []string{"较新版本", "written by a newer shouhou", "upgrade"} {
				if !strings.Contains(string(out), want) {
					t.Errorf("shouhou %s on newer data said %q, want it to contain %q", args[0], out, want)
				}
			}
			if after := hashDir(t, data); !equalMaps(before, after) {
				t.Errorf("shouhou %s changed the refused data dir:\nbefore %v\nafter  %v", args[0], before, after)
			}
		})
	}
}

func mustVerifyOK(tb testing.TB, bin, data string) {
	tb.Helper()
	out := run(tb, bin, "verify", "-data", data)
	if !strings.Contains(out, "OK: every invariant holds") || !strings.Contains(out, "ticket") {
		tb.Errorf("verify -data %s:\n%s", data, out)
	}
}

// copyFixture copies testdata/schema1/data into a temp dir: opening a
// Badger directory read-write changes it, and the fixture must stay as the
// old release wrote it.
func copyFixture(tb testing.TB) string {
	tb.Helper()
	dst := filepath.Join(tb.TempDir(), "data")
	run(tb, "cp", "-r", filepath.Join("testdata", "schema1", "data"), dst)
	return dst
}

// markSchema writes schema version v into the store in dir, as a release
// with that version would have.
func markSchema(tb testing.TB, dir string, v int) {
	tb.Helper()
	db, err := badger.Open(store.ApplianceOptions(dir).WithLogger(nil))
	if err != nil {
		tb.Fatal(err)
	}
	err = db.Update(func(txn *badger.Txn) error {
		return txn.Set([]byte("m/schema"), []byte(strconv.Itoa(v)))
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		tb.Fatal(err)
	}
}

// hashDir returns every file's name, mode and SHA-256 under dir.
func hashDir(tb testing.TB, dir string) map[string]string {
	tb.Helper()
	sums := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		rel, _ := filepath.Rel(dir, p)
		sums[rel] = info.Mode().String() + " " + hex.EncodeToString(sum[:8])
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return sums
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
