package store

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"time"
)

// Random reads on a small box (issue 14).
//
// Badger reads its tables through memory maps, and a page fault on a map
// reads ahead as far as the disk's read-ahead setting: 8 MiB on this
// appliance's virtual disk. On a box whose memory limit leaves the page
// cache far less than the store (1M tickets are 550 MB of tables; a
// 128 MB cgroup leaves ~60 MB), each random look-up then pulls in megabytes
// and pushes out the pages the next look-ups need: the 1M desk load in
// 128 MB, started cold, ran at 64–85 of its 120 ops/s with the limit met
// nine million times in 30 s, and at the full 120 ops/s with 118,000 once
// read-ahead was 128 KiB (docs/benchmarks.md, "Memory at 10k, 100k and
// 1M"). So under a small memory budget the store tells the kernel its
// tables are read at random (madvise MADV_RANDOM: the faulted page only),
// for each table map, checking for new tables every adviseEvery, since
// compactions write new ones. Large boxes keep read-ahead, which a
// sequential walk (verify, reports) gains from.

// adviseEvery is how often the table maps are looked for.
const adviseEvery = 5 * time.Second

// adviseLoop advises random reads on the table maps of dir until ctx ends.
func (db *DB) adviseLoop(ctx context.Context, dir string) {
	defer db.gcDone.Done()
	seen := make(map[uint64]bool) // start addresses advised already
	t := time.NewTicker(adviseEvery)
	defer t.Stop()
	for {
		if err := adviseTables(dir, seen); err != nil {
			db.log.Warn("store: advising random reads / 随机读提示", "err", err)
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// tableMaps returns the start and end addresses of this process's maps
// of the .sst files directly in dir, read from maps (/proc/self/maps).
func tableMaps(maps []byte, dir string) [][2]uint64 {
	var out [][2]uint64
	sc := bufio.NewScanner(bytes.NewReader(maps))
	for sc.Scan() {
		// 7f12a000-7f12b000 r--s 00000000 fd:01 1234   /data/000012.sst
		f := bytes.Fields(sc.Bytes())
		if len(f) < 6 || !bytes.HasSuffix(f[len(f)-1], []byte(".sst")) ||
			filepath.Dir(string(f[len(f)-1])) != dir {
			continue
		}
		lo, hi, ok := bytes.Cut(f[0], []byte("-"))
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(string(lo), 16, 64)
		end, err2 := strconv.ParseUint(string(hi), 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		out = append(out, [2]uint64{start, end})
	}
	return out
}

// adviseTables advises random reads on the table maps of dir not in
// seen, and forgets the maps that are gone.
func adviseTables(dir string, seen map[uint64]bool) error {
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return err
	}
	now := make(map[uint64]bool)
	for _, m := range tableMaps(maps, dir) {
		now[m[0]] = true
		if seen[m[0]] {
			continue
		}
		// A map Badger closed since it was read fails with ENOMEM, and an
		// address reused since gets a hint it can do without: neither
		// touches memory.
		if adviseRandom(uintptr(m[0]), uintptr(m[1]-m[0])) == nil {
			seen[m[0]] = true
		}
	}
	for a := range seen {
		if !now[a] {
			delete(seen, a)
		}
	}
	return nil
}
