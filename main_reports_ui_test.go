package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// TestReportsScreenInChromium logs a supervisor in on the staff page,
// opens the reports, sees the KPI chart, closes the day through the
// confirm dialog, and finds the closing slip in the demo printer's
// directory and the closing's CSV behind its download link.
func TestReportsScreenInChromium(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	m := runMainAt(t, "", filepath.Join(dir, "data"), "127.0.0.1:0")
	defer func() { m.Close() }()
	prints := filepath.Join(dir, "prints") // serve -demo prints beside the data directory

	staff := newTab(t, ctx, "staff", "http://"+m.Addr()+"/staff")
	staff.run("log in as the supervisor", chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#staffid"), "boss"), chromedp.SendKeys(chromedp.CSS("#pin"), "3333"),
		chromedp.Click(chromedp.CSS("#login button")), chromedp.WaitVisible(chromedp.CSS(`a[href="#reports"]`)))

	t.Run("KPI chart", func(t *testing.T) {
		staff.t = t
		staff.run("open the reports", chromedp.Click(chromedp.CSS(`a[href="#reports"]`)))
		staff.waitJS("the KPI chart", `document.querySelectorAll('svg#kpichart rect.track').length >= 6 && !!document.querySelector('svg#kpichart line.target')`)
		staff.waitJS("tickets per day", `!!document.querySelector('svg#daychart rect.bar')`)
		staff.waitJS("a CSV link on the KPI table", `document.querySelector('a[data-csv="kpi"]')?.getAttribute('href').startsWith('/reports/kpi.csv?from=')`)
	})
	t.Run("complaints and daily reports", func(t *testing.T) {
		staff.t = t
		staff.run("complaints", chromedp.Click(chromedp.CSS("#rv-complaints")), chromedp.WaitVisible(chromedp.CSS("#complainttotals")))
		staff.waitJS("complaint CSV links", `document.querySelectorAll('a[data-csv^="complaints"]').length === 3`)
		staff.run("daily reports", chromedp.Click(chromedp.CSS("#rv-daily")), chromedp.WaitVisible(chromedp.CSS("#supervisordaily")),
			chromedp.WaitVisible(chromedp.CSS("#techdaily")))
	})
	t.Run("close the day", func(t *testing.T) {
		staff.t = t
		staff.run("open the closing", chromedp.Click(chromedp.CSS("#rv-closing")), chromedp.WaitVisible(chromedp.CSS("#closeday")))
		staff.waitJS("not closed yet", `document.querySelector('#closingstate')?.textContent.includes('未日结')`)
		staff.run("close it", chromedp.Click(chromedp.CSS("#closeday")), chromedp.WaitVisible(chromedp.CSS("#confirmclose")),
			chromedp.Click(chromedp.CSS("#confirmclose")))
		staff.waitJS("frozen figures", `document.querySelector('#closingstate')?.textContent.includes('已日结') && !!document.querySelector('#closedok')`)
		staff.waitJS("slip printing", `!!document.querySelector('#printnote[data-job]')`)
		if waitForSlip(t, prints, "日结单") == "" {
			t.Errorf("no closing slip (日结单) in %s", prints)
		}
		// fetch's text() drops the BOM (UTF-8 decode); ui's tests check the bytes.
		staff.waitJS("the closing's CSV downloads with the session cookie",
			`(window.csvTotals ??= fetch(document.querySelector('a[data-csv="closing-totals"]').href).then((r) => r.text()).then((x) => window.csvText = x), `+
				`(window.csvText || '').startsWith('项目 figure,值 value') && window.csvText.includes('已冻结 frozen,true'))`)
	})
}

// waitForSlip waits for a printed job in the demo printer's directory
// whose text preview (NNNN-name.txt beside the .bin) contains want, and
// returns its path ("" after 10 s).
func waitForSlip(t *testing.T, dir, want string) string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if b, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && strings.HasSuffix(e.Name(), ".txt") && strings.Contains(string(b), want) {
				return filepath.Join(dir, e.Name())
			}
		}
	}
	return ""
}
