package conf

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the goldens in testdata/load")

// testNow is a fixed load time inside 2026.
var testNow = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)

// TestLoadGolden loads each testdata/load/FILE_CASE.toml as FILE.toml over
// the embedded defaults and compares the result with FILE_CASE-want.json
// (that file's section of the snapshot) or FILE_CASE.err (the errors).
// -update rewrites them.
func TestLoadGolden(t *testing.T) {
	cases, err := filepath.Glob("testdata/load/*.toml")
	if err != nil || len(cases) == 0 {
		t.Fatalf("no cases: %v", err)
	}
	for _, in := range cases {
		base := strings.TrimSuffix(in, ".toml")
		target, _, _ := strings.Cut(filepath.Base(base), "_")
		target += ".toml"
		t.Run(filepath.Base(base), func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			var got []byte
			golden, other := base+"-want.json", base+".err"
			snap, err := LoadFiles(map[string][]byte{target: data}, testNow)
			if err != nil {
				got = []byte(err.Error() + "\n")
				golden, other = other, golden
			} else {
				got, err = json.MarshalIndent(snap.Section(target), "", "  ")
				if err != nil {
					t.Fatal(err)
				}
				got = append(got, '\n')
			}
			if *update {
				os.Remove(other)
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("LoadFiles(%s) gave %s\nbut %s is missing (run with -update)", in, got, golden)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("LoadFiles(%s) =\n%s\nwant (%s)\n%s", in, got, golden, want)
			}
		})
	}
}
