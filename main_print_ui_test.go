package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shouhou/appliance"
	"shouhou/drivers/printer/escpostest"
	"shouhou/forms"
)

// printQueueConf writes a config dir with desk1's printer receipt1 as a
// directory sink in prints and a second printer, jammed, at jammed (a
// tcp:// address).
func printQueueConf(t *testing.T, prints, jammed string) string {
	t.Helper()
	dir := t.TempDir()
	b, err := os.ReadFile("conf/defaults/devices.toml")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), `device = "dir:var/prints"`, fmt.Sprintf("device = %q", "dir:"+prints), 1)
	s = strings.Replace(s, "# How staff browsers", "[[printers]]\nid = \"jammed\"\nname = \"卡纸的打印机\"\ndevice = \""+jammed+"\"\nwidth = 58\n\n# How staff browsers", 1)
	if err := os.WriteFile(filepath.Join(dir, "devices.toml"), []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// printedWith counts the jobs in dir whose decoded ESC/POS text holds want.
func printedWith(t *testing.T, dir, want string) int {
	t.Helper()
	bins, _ := filepath.Glob(filepath.Join(dir, "*.bin"))
	var jobs [][]byte
	for _, bin := range bins {
		if b, err := os.ReadFile(bin); err == nil {
			jobs = append(jobs, b)
		}
	}
	return withText(t, jobs, want)
}

// withText counts the jobs whose decoded ESC/POS text holds want.
func withText(t *testing.T, jobs [][]byte, want string) int {
	t.Helper()
	n := 0
	for _, b := range jobs {
		res, err := escpostest.Decode(b)
		if err != nil {
			t.Fatalf("a job does not decode: %v", err)
		}
		if slices.ContainsFunc(res.Blocks, func(bl forms.Block) bool { return bl.Kind == forms.KindText && strings.Contains(bl.Text, want) }) {
			n++
		}
	}
	return n
}

// TestPrintQueueInChromium drives the print tab: a job on a printer out
// of paper (an escpostest server) cancelled, another moved to the working
// printer and printed there, the paper put back and the printer retried
// at once, a printed job reprinted; each checked in the queue's store and
// in the decoded printer bytes.
func TestPrintQueueInChromium(t *testing.T) {
	ctx := browser(t)
	tmp := t.TempDir()
	prints := filepath.Join(tmp, "prints")
	jammed := escpostest.NewServer(t, escpostest.PaperOut, escpostest.Answering)
	m := NewMain(slog.New(slog.NewTextHandler(io.Discard, nil)))
	m.ConfDir, m.DataDir, m.Listen, m.ListenTLS = printQueueConf(t, prints, jammed.Addr), filepath.Join(tmp, "data"), "127.0.0.1:0", "127.0.0.1:0"
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		t.Fatalf("Run: %v", err)
	}
	defer m.Close()
	q := m.PrintQueue()
	enqueue := func(text, to string) string {
		id, err := q.Enqueue(context.Background(), "clerk", "test", forms.New("test", forms.Columns58).Line(text), to, 1)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	job := func(id string) *appliance.PrintJob {
		j, err := q.Job(id)
		if err != nil {
			t.Fatal(err)
		}
		return j
	}
	until := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(15 * time.Second); !ok(); time.Sleep(50 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: not after 15 s", what)
			}
		}
	}
	cancelMe, moveMe, retryMe := enqueue("取消测试 CANCEL-1", "jammed"), enqueue("移动测试 MOVE-2", "jammed"), enqueue("重试测试 RETRY-4", "jammed")
	reprintMe := enqueue("重打测试 REPRINT-3", "receipt1")
	until("the reprint's first copy", func() bool { return printedWith(t, prints, "REPRINT-3") == 1 })
	if j := job(moveMe); j.Status != appliance.PrintQueued {
		t.Fatalf("a job on the jammed printer is %s, want queued", j.Status)
	}

	staff := newTab(t, ctx, "staff", "http://"+m.Addr()+"/staff#print")
	staff.run("log in", chromedp.WaitVisible(chromedp.CSS("#login")), chromedp.SendKeys(chromedp.CSS("#staffid"), "clerk"),
		chromedp.SendKeys(chromedp.CSS("#pin"), "1111"), chromedp.Click(chromedp.CSS("#login button")))
	staff.waitJS("jammed jobs listed", `document.querySelectorAll('[data-printer="jammed"] tr[data-job]').length === 3`)
	staff.shoot(shotsDir(t), "staff-print")

	t.Run("cancel", func(t *testing.T) {
		staff.t = t
		staff.tap("cancel", fmt.Sprintf(`[data-cancel=%q]`, cancelMe))
		staff.waitJS("gone", fmt.Sprintf(`!document.querySelector('tr[data-job=%q]')`, cancelMe))
		if j := job(cancelMe); j.Status != appliance.PrintCancelled {
			t.Errorf("cancelled job is %s, want cancelled", j.Status)
		}
		if n := printedWith(t, prints, "CANCEL-1"); n != 0 {
			t.Errorf("the cancelled job printed %d times", n)
		}
	})
	t.Run("move to the working printer", func(t *testing.T) {
		staff.t = t
		// A send under way refuses the move (conflict): the clerk clicks again.
		until("moved", func() bool {
			staff.eval("click move", fmt.Sprintf(`(document.querySelector('[data-move=%q]')?.click(), '')`, moveMe))
			time.Sleep(300 * time.Millisecond)
			return job(moveMe).Printer == "receipt1"
		})
		until("printed on receipt1", func() bool { return job(moveMe).Status == appliance.PrintDone && printedWith(t, prints, "MOVE-2") == 1 })
		staff.waitJS("one job left on the jammed printer", `document.querySelectorAll('[data-printer="jammed"] tr[data-job]').length === 1`)
	})
	t.Run("paper back, retry now", func(t *testing.T) {
		staff.t = t
		if j, n := job(retryMe), withText(t, jammed.Jobs(), "RETRY-4"); j.Status != appliance.PrintQueued || n != 0 {
			t.Fatalf("before the paper is back the job is %s and printed %d times, want queued and never", j.Status, n)
		}
		jammed.SetState(escpostest.Ready)
		staff.tap("retry", `[data-retry="jammed"]`)
		until("printed on the jammed printer", func() bool { return job(retryMe).Status == appliance.PrintDone })
		until("its bytes at the printer", func() bool { return withText(t, jammed.Jobs(), "RETRY-4") == 1 })
		staff.waitJS("jammed queue empty", `document.querySelectorAll('[data-printer="jammed"] tr[data-job]').length === 0`)
	})
	t.Run("reprint", func(t *testing.T) {
		staff.t = t
		// The job id is typed and sent in one step: the print tab redraws on
		// every print event, which can land between keystrokes on a slow box.
		staff.eval("reprint", fmt.Sprintf(`(() => { const f = document.querySelector('form[data-reprint="receipt1"]');
			f.querySelector('input[name=id]').value = %q; f.querySelector('button').click(); return ''; })()`, reprintMe))
		until("a second copy", func() bool { return printedWith(t, prints, "REPRINT-3") == 2 })
	})
}
