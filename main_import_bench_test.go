package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// writeExport writes a sales export of n lines in the default mapping
// (GB18030, header, yuan): receipts of four lines, each with a serial.
func writeExport(tb testing.TB, path string, n int) {
	tb.Helper()
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	w := bufio.NewWriterSize(simplifiedchinese.GB18030.NewEncoder().Writer(f), 1<<20)
	fmt.Fprint(w, "小票号,行号,销售时间,商品编码,商品名称,规格,类别,序列号,实收金额\n")
	day := time.Now().AddDate(0, 0, -10)
	cats := []string{"数码家电", "家居用品", "服装", "皮具"}
	for i := 0; i < n; i++ {
		r := i / 4
		fmt.Fprintf(w, "R%08d,%d,%s,SKU%05d,商品%05d,规格%d,%s,SN%09d,%d.%02d\n", r, i%4+1,
			day.Add(time.Duration(r)*time.Second).Format("2006-01-02 15:04:05"), i%5000, i%5000, i%7, cats[i%4], i, 10+i%9000, i%100)
	}
	if err := w.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
}

// peakRSS is the process's peak resident set (VmHWM) in MiB.
func peakRSS(tb testing.TB) float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		tb.Skip("no /proc/self/status")
	}
	for _, l := range strings.Split(string(b), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.Atoi(f[1])
			return float64(kb) / 1024
		}
	}
	return 0
}

// BenchmarkImport100k imports a 100,000-line till export into a fresh
// store in one run of `shouhou import` (offline: parse GB18030, check
// every line, write and audit), then imports it again, which must change
// nothing. It reports rows/s of both runs and the process's peak RSS.
// Run alone: go test -run '^$' -bench Import100k -benchtime 1x .
func BenchmarkImport100k(b *testing.B) {
	const n = 100_000
	dir := b.TempDir()
	file := filepath.Join(dir, "sales.csv")
	writeExport(b, file, n)
	for i := 0; i < b.N; i++ {
		data := filepath.Join(dir, fmt.Sprintf("data%d", i))
		if err := os.MkdirAll(data, 0o750); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		code, out := runCmd("import", "-data", data, file)
		first := time.Since(start)
		if code != 0 || !strings.Contains(out, fmt.Sprintf("rows %d, added %d, updated 0, unchanged 0, rejected 0", n, n)) {
			b.Fatalf("import = %d\n%s", code, tail(out))
		}
		start = time.Now()
		code, out = runCmd("import", "-data", data, file)
		again := time.Since(start)
		if code != 0 || !strings.Contains(out, fmt.Sprintf("added 0, updated 0, unchanged %d, rejected 0", n)) {
			b.Fatalf("re-import = %d\n%s", code, tail(out))
		}
		b.ReportMetric(n/first.Seconds(), "rows/s")
		b.ReportMetric(n/again.Seconds(), "reimport-rows/s")
	}
	b.ReportMetric(peakRSS(b), "peak-RSS-MiB")
}

func tail(s string) string {
	if len(s) > 2000 {
		return s[len(s)-2000:]
	}
	return s
}
