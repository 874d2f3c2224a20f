package printer

import (
	"bufio"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/drivers/printer/escpostest"
	"shouhou/forms"
)

const (
	queueChildDir     = "SHOUHOU_QUEUE_CHILD_DIR"
	queueChildPrinter = "SHOUHOU_QUEUE_CHILD_PRINTER"
	queueChildJobs    = "SHOUHOU_QUEUE_CHILD_JOBS" // "FIRST-LAST"
)

// TestQueueCrashChild is the child of TestQueueSurvivesKill: it runs a
// queue on the store and printer it is given, enqueues the numbered slips
// it is given, printing "ACK n id" after each Enqueue returned, and keeps
// printing until it is killed.
func TestQueueCrashChild(t *testing.T) {
	dir := os.Getenv(queueChildDir)
	if dir == "" {
		t.Skip("the child of TestQueueSurvivesKill")
	}
	var first, last int
	if _, err := fmt.Sscanf(os.Getenv(queueChildJobs), "%d-%d", &first, &last); err != nil {
		t.Fatal(err)
	}
	db, err := store.Open(dir, store.Options{Logger: quiet})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	q, err := NewQueue(db, []Target{target("p1", os.Getenv(queueChildPrinter), 80)}, fastQueue(nil))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	for n := first; n <= last; n++ {
		id, err := q.Enqueue(t.Context(), "0007", "slip", numbered(n), "p1", 1)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
		fmt.Printf("ACK %d %s\n", n, id)
	}
	select {}
}

// TestQueueSurvivesKill kills a child printing from the queue with
// SIGKILL, three times, then lets a queue in this process finish. Every
// acknowledged slip prints, in order; a job the store had marked done by
// the time of a kill is never sent again; a slip that printed more than
// once had a send cut off by a kill, and its job says it may have.
func TestQueueSurvivesKill(t *testing.T) {
	if os.Getenv(queueChildDir) != "" {
		t.Skip("in the child")
	}
	dir := t.TempDir()
	srv, px := newPrinter(t, escpostest.Ready)
	const perCycle, cycles = 12, 3
	acked := map[int]string{} // slip number → job ID
	doneAt := map[int]int{}   // slip number → times printed when first seen done
	for c := range cycles {
		first := c*perCycle + 1
		if c == 0 {
			// The paper runs out after four slips: jobs are surely
			// queued when the child dies.
			srv.SetStateAfter(3+4*6, escpostest.PaperOut)
		}
		// Later cycles kill the child after a few slips, at any moment.
		after := 1 + rand.IntN(4)
		kill := func(printed, acks int) bool {
			if c == 0 {
				return printed >= 4 && acks == perCycle
			}
			return printed >= after
		}
		for n, id := range runQueueChild(t, dir, px, first, first+perCycle-1, kill) {
			acked[n] = id
		}
		// Paper loaded; SetStateAfter(0) also drops a paper-out still
		// pending when the child died before it came.
		srv.SetState(escpostest.Ready)
		srv.SetStateAfter(0, escpostest.Ready)
		settle(px)
		counts := countPrinted(t, px)
		db := mustStore(t, dir)
		err := db.View(func(tx *store.Txn) error {
			for n, id := range acked {
				j, err := tx.PrintJob(id)
				if err != nil {
					t.Errorf("cycle %d: acknowledged slip %d (job %s) lost: %v", c, n, id, err)
					continue
				}
				if _, seen := doneAt[n]; !seen && j.Status == appliance.PrintDone {
					doneAt[n] = counts[n]
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		db.Close()
	}

	db := mustStore(t, dir)
	q := mustQueue(t, db, fastQueue(nil), target("p1", px.device(), 80))
	waitFor(t, "the queue to drain", func() bool {
		js, err := q.Queued("p1")
		return err == nil && len(js) == 0
	})
	q.Close()
	settle(px)
	counts := countPrinted(t, px)
	seq := printedNumbers(t, px.jobs(), forms.Columns80)
	for i := 1; i < len(seq); i++ {
		if seq[i] < seq[i-1] {
			t.Errorf("slip %d printed after slip %d: out of order (%v)", seq[i], seq[i-1], seq)
		}
	}
	twice := 0
	for n, id := range acked {
		j, err := q.Job(id)
		if err != nil || j.Status != appliance.PrintDone {
			t.Errorf("slip %d (job %s) = %+v, %v; want done", n, id, j, err)
			continue
		}
		switch {
		case counts[n] == 0:
			t.Errorf("slip %d (job %s) is done but never printed", n, id)
		case doneAt[n] > 0 && counts[n] != doneAt[n]:
			t.Errorf("slip %d was done by a kill and printed again after (%d times, %d then)", n, counts[n], doneAt[n])
		case counts[n] > 1+cycles:
			t.Errorf("slip %d printed %d times, more than once plus once per kill", n, counts[n])
		case counts[n] > 1:
			twice++
			if !j.MayHavePrinted {
				t.Errorf("slip %d printed %d times but its job does not say it may have printed (%+v)", n, counts[n], auditView(j))
			}
		}
	}
	if len(acked) < perCycle {
		t.Errorf("%d slips acknowledged, want at least the first cycle's %d", len(acked), perCycle)
	}
	t.Logf("%d slips, %d done before a kill, %d printed more than once (a kill during the send)", len(acked), len(doneAt), twice)
}

// runQueueChild runs the child on dir with slips first..last, kills it
// with SIGKILL once kill(slips it printed, slips it acknowledged) says so,
// and returns the slips it acknowledged.
func runQueueChild(t *testing.T, dir string, px *proxy, first, last int, kill func(printed, acks int) bool) map[int]string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestQueueCrashChild$")
	cmd.Env = append(os.Environ(), queueChildDir+"="+dir, queueChildPrinter+"="+px.device(),
		fmt.Sprintf("%s=%d-%d", queueChildJobs, first, last))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[int]string{}
	lines := make(chan []string)
	go func() {
		defer close(lines)
		br := bufio.NewReader(out)
		for {
			s, err := br.ReadString('\n')
			if err != nil {
				return // a line without its newline was not acknowledged
			}
			if f := strings.Fields(s); len(f) == 3 && f[0] == "ACK" {
				lines <- f
			}
		}
	}()
	base := len(printedNumbers(t, px.jobs(), forms.Columns80))
	deadline := time.After(20 * time.Second)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case f, ok := <-lines:
			if !ok {
				cmd.Wait()
				return acked
			}
			n, _ := strconv.Atoi(f[1])
			acked[n] = f[2]
		case <-tick.C:
			if p := len(printedNumbers(t, px.jobs(), forms.Columns80)) - base; kill(p, len(acked)) {
				cmd.Process.Signal(syscall.SIGKILL)
				tick.Stop()
			}
		case <-deadline:
			cmd.Process.Kill()
			t.Fatal("the queue child did not get far enough in 20 s")
		}
	}
}

// settle waits until no connection to the test printer has ended for a
// moment, so that the bytes of a killed child have all arrived.
func settle(px *proxy) {
	n := -1
	for n != len(px.jobs()) {
		n = len(px.jobs())
		time.Sleep(50 * time.Millisecond)
	}
}

// countPrinted counts each slip number the test printer has printed.
func countPrinted(tb testing.TB, px *proxy) map[int]int {
	counts := map[int]int{}
	for _, n := range printedNumbers(tb, px.jobs(), forms.Columns80) {
		counts[n]++
	}
	return counts
}
