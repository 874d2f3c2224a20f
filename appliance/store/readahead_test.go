package store

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"shouhou/appliance"
)

func TestTableMaps(t *testing.T) {
	maps := strings.Join([]string{
		"7f0000001000-7f0000003000 r--s 00000000 fd:01 11   /d/data/000001.sst",
		"7f0000004000-7f0000005000 r--s 00000000 fd:01 12   /d/data/000002.sst",
		"7f0000006000-7f0000007000 rw-s 00000000 fd:01 13   /d/data/000001.vlog", // not a table
		"7f0000008000-7f0000009000 r--s 00000000 fd:01 14   /d/other/000003.sst", // another store
		"7f000000a000-7f000000b000 r--s 00000000 fd:01 15   /d/data/sub/000004.sst",
		"7f000000c000-7f000000d000 rw-p 00000000 00:00 0",             // anonymous
		"zz-7f000000f000 r--s 00000000 fd:01 16   /d/data/000005.sst", // malformed
		"",
	}, "\n")
	got := tableMaps([]byte(maps), "/d/data")
	want := [][2]uint64{{0x7f0000001000, 0x7f0000003000}, {0x7f0000004000, 0x7f0000005000}}
	if !slices.Equal(got, want) {
		t.Errorf("tableMaps = %x, want %x", got, want)
	}
}

// tableFlags returns the VmFlags of this process's maps of dir's tables,
// from /proc/self/smaps.
func tableFlags(t *testing.T, dir string) []string {
	t.Helper()
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var flags []string
	table := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		fs := strings.Fields(line)
		switch {
		case len(fs) >= 5 && strings.Contains(fs[0], "-") && !strings.HasSuffix(fs[0], ":"): // a map's header
			table = len(fs) >= 6 && strings.HasSuffix(fs[len(fs)-1], ".sst") && filepath.Dir(fs[len(fs)-1]) == dir
		case table && strings.HasPrefix(line, "VmFlags:"):
			flags = append(flags, strings.TrimPrefix(line, "VmFlags:"))
		}
	}
	return flags
}

// TestSmallBudgetReadsTablesAtRandom: a store opened under a small memory
// budget advises random reads (smaps flag rr) on every table map; one
// opened without a budget leaves read-ahead alone.
func TestSmallBudgetReadsTablesAtRandom(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("madvise is wired up on Linux only")
	}
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2000; i += 500 {
		err := db.Update(func(tx *Txn) error {
			for j := i; j < i+500; j++ {
				if err := tx.PutCustomer(&appliance.Customer{ID: fmt.Sprintf("c%05d", j), Name: "王芳"}); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil { // the memtable becomes a table
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		budget int64
		random bool
	}{
		{"no budget", 0, false},
		{"default budget", 192 << 20, false},
		{"128 MB box", 96 << 20, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db, err := Open(dir, Options{MemoryBudget: tc.budget})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			var flags []string
			for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(20 * time.Millisecond) {
				flags = tableFlags(t, dir)
				advised := len(flags) > 0
				for _, f := range flags {
					advised = advised && slices.Contains(strings.Fields(f), "rr")
				}
				if len(flags) > 0 && (advised == tc.random || !tc.random) || time.Now().After(deadline) {
					break
				}
			}
			if len(flags) == 0 {
				t.Fatal("no table of the store is mapped")
			}
			for _, f := range flags {
				if got := slices.Contains(strings.Fields(f), "rr"); got != tc.random {
					t.Errorf("a table map's VmFlags %q: random reads %v, want %v", f, got, tc.random)
				}
			}
		})
	}
}
