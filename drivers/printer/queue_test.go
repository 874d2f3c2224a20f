package printer

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"shouhou/appliance"
	"shouhou/drivers/printer/escpostest"
	"shouhou/forms"
)

// TestQueuePrinterAppears: the printer is not there when the jobs are
// queued (nothing listens); once it listens every job prints once, in
// order.
func TestQueuePrinterAppears(t *testing.T) {
	db := mustStore(t, t.TempDir())
	bus := appliance.NewBus(nil)
	sub := bus.Subscribe(256)
	px := newProxy(t)
	q := mustQueue(t, db, fastQueue(bus), target("p1", px.device(), 80))

	ids := mustEnqueue(t, q, "p1", 1, 5)
	st := waitEvent(t, sub, EventStatus, stateIs("p1", StateAbsent))
	if st.Detail == "" {
		t.Error("absent state has no detail for the desk")
	}
	waitEvent(t, sub, EventStatus, func(s PrinterState) bool { return s.Printer == "p1" && s.Queued == 5 })
	for _, id := range ids {
		if j, err := q.Job(id); err != nil || j.Status != appliance.PrintQueued || j.Attempts != 0 {
			t.Fatalf("Job(%s) = %+v, %v; want queued, never sent to an absent printer", id, j, err)
		}
	}

	srv := escpostest.NewServer(t, escpostest.Ready, escpostest.Answering)
	px.forward(t, srv)
	waitStatus(t, q, appliance.PrintDone, ids...)
	waitEvent(t, sub, EventStatus, func(s PrinterState) bool { return s.Printer == "p1" && s.State == StateOK && s.Queued == 0 })
	if got, want := printedNumbers(t, px.jobs(), forms.Columns80), []int{1, 2, 3, 4, 5}; !reflect.DeepEqual(got, want) {
		t.Errorf("printed %v, want %v", got, want)
	}
	for _, id := range ids {
		if j, _ := q.Job(id); j.Attempts != 1 || j.MayHavePrinted || j.LastError != "" {
			t.Errorf("done job %s = attempts %d, may have printed %v, last error %q; want 1, false, none", id, j.Attempts, j.MayHavePrinted, j.LastError)
		}
	}
}

// TestQueuePaperOut: jobs wait while the paper is out, the status event
// says so, and they print in order once paper is loaded.
func TestQueuePaperOut(t *testing.T) {
	db := mustStore(t, t.TempDir())
	bus := appliance.NewBus(nil)
	sub := bus.Subscribe(256)
	srv, px := newPrinter(t, escpostest.PaperOut)
	q := mustQueue(t, db, fastQueue(bus), target("p1", px.device(), 58))

	ids := mustEnqueue(t, q, "p1", 1, 3)
	st := waitEvent(t, sub, EventStatus, stateIs("p1", StatePaperOut))
	if !strings.Contains(st.Detail, "缺纸") {
		t.Errorf("paper out detail = %q, want it to say 缺纸", st.Detail)
	}
	waitFor(t, "the worker to ask the printer again", func() bool { return len(px.jobs()) >= 4 })
	if got := printedNumbers(t, px.jobs(), forms.Columns58); len(got) != 0 {
		t.Fatalf("printed %v while the paper was out", got)
	}
	for _, id := range ids {
		if j, _ := q.Job(id); j.Status != appliance.PrintQueued || j.MayHavePrinted {
			t.Fatalf("job %s = %+v while the paper was out, want queued and not printed", id, j)
		}
	}

	srv.SetState(escpostest.Ready)
	if err := q.Retry("p1"); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, q, appliance.PrintDone, ids...)
	waitEvent(t, sub, EventStatus, stateIs("p1", StateOK))
	if got, want := printedNumbers(t, px.jobs(), forms.Columns58), []int{1, 2, 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("printed %v, want %v", got, want)
	}
}

// TestQueueDeafPrinter: a printer that accepts and never reads times out,
// shows offline, and is asked again until a working one answers there.
func TestQueueDeafPrinter(t *testing.T) {
	db := mustStore(t, t.TempDir())
	bus := appliance.NewBus(nil)
	sub := bus.Subscribe(256)
	deaf := escpostest.NewServer(t, escpostest.Ready, escpostest.Deaf)
	px := newProxy(t)
	px.forward(t, deaf)
	q := mustQueue(t, db, fastQueue(bus), target("p1", px.device(), 80))

	ids := mustEnqueue(t, q, "p1", 1, 2)
	waitEvent(t, sub, EventStatus, stateIs("p1", StateOffline))
	waitFor(t, "retries", func() bool { return px.accepted() >= 3 })
	if j, _ := q.Job(ids[0]); j.Status != appliance.PrintQueued || j.MayHavePrinted {
		t.Fatalf("job = %+v at a deaf printer, want queued, nothing sent", j)
	}

	srv := escpostest.NewServer(t, escpostest.Ready, escpostest.Answering)
	px.forward(t, srv)
	waitStatus(t, q, appliance.PrintDone, ids...)
	if got, want := printedNumbers(t, px.jobs(), forms.Columns80), []int{1, 2}; !reflect.DeepEqual(got, want) {
		t.Errorf("printed %v, want %v", got, want)
	}
}

// TestQueueCancelMoveReprint: a clerk cancels one job and moves another
// from a stalled 80 mm printer to a 58 mm one, where it is laid out for
// 58 mm paper; done jobs can only be reprinted.
func TestQueueCancelMoveReprint(t *testing.T) {
	db := mustStore(t, t.TempDir())
	bus := appliance.NewBus(nil)
	sub := bus.Subscribe(256)
	wide, wpx := newPrinter(t, escpostest.PaperOut)
	_, npx := newPrinter(t, escpostest.Ready)
	q := mustQueue(t, db, fastQueue(bus), target("wide", wpx.device(), 80), target("narrow", npx.device(), 58))
	ctx := t.Context()

	ids := mustEnqueue(t, q, "wide", 1, 3)
	waitEvent(t, sub, EventStatus, stateIs("wide", StatePaperOut))
	if err := q.Cancel(ctx, "0007", ids[1], "顾客不要了"); err != nil {
		t.Fatalf("Cancel: %v", err)
	}
	if err := q.Move(ctx, "0007", ids[2], "narrow"); err != nil {
		t.Fatalf("Move: %v", err)
	}
	waitStatus(t, q, appliance.PrintDone, ids[2])
	if got, want := printedNumbers(t, npx.jobs(), forms.Columns58), []int{3}; !reflect.DeepEqual(got, want) {
		t.Errorf("narrow printer printed %v, want %v", got, want)
	}
	res := decodeLast(t, npx.jobs())
	if w := maxColumns(res); w != forms.Columns58 {
		t.Errorf("moved job's widest line is %d columns, want %d (laid out for 58 mm)", w, forms.Columns58)
	}

	wide.SetState(escpostest.Ready)
	waitStatus(t, q, appliance.PrintDone, ids[0])
	if got, want := printedNumbers(t, wpx.jobs(), forms.Columns80), []int{1}; !reflect.DeepEqual(got, want) {
		t.Errorf("wide printer printed %v, want %v", got, want)
	}
	if j, _ := q.Job(ids[1]); j.Status != appliance.PrintCancelled {
		t.Errorf("cancelled job = %s", j.Status)
	}

	for _, c := range []struct {
		name string
		err  error
		code string
	}{
		{"cancel a done job", q.Cancel(ctx, "0007", ids[0], ""), appliance.ECONFLICT},
		{"move a cancelled job", q.Move(ctx, "0007", ids[1], "narrow"), appliance.ECONFLICT},
		{"cancel an unknown job", q.Cancel(ctx, "0007", "999999999999", ""), appliance.ENOTFOUND},
		{"move to an unknown printer", q.Move(ctx, "0007", ids[0], "nowhere"), appliance.ENOTFOUND},
	} {
		t.Run(c.name, func(t *testing.T) { wantCode(t, c.name, c.err, c.code) })
	}
	mustEnqueue(t, q, "wide", 4, 4)
	if _, err := q.Reprint(ctx, "0007", ids[0], ""); err != nil {
		t.Fatalf("Reprint: %v", err)
	}
	waitFor(t, "the reprint", func() bool { return len(printedNumbers(t, wpx.jobs(), forms.Columns80)) == 3 })
	if got, want := printedNumbers(t, wpx.jobs(), forms.Columns80), []int{1, 4, 1}; !reflect.DeepEqual(got, want) {
		t.Errorf("wide printer printed %v, want %v", got, want)
	}
}

func decodeLast(tb testing.TB, jobs [][]byte) *escpostest.Result {
	tb.Helper()
	for i := len(jobs) - 1; i >= 0; i-- {
		if len(jobs[i]) > 0 {
			return mustDecode(tb, jobs[i], forms.Columns80)
		}
	}
	tb.Fatal("no job printed")
	return nil
}

func maxColumns(r *escpostest.Result) int {
	w := 0
	for _, c := range r.Columns {
		w = max(w, c)
	}
	return w
}

// TestQueueVirtualPrinter: the directory printer of the demo keeps each
// job's exact bytes (copies and both parts of a two-part form, a cut after
// each) with a text preview beside them.
func TestQueueVirtualPrinter(t *testing.T) {
	db := mustStore(t, t.TempDir())
	dir := t.TempDir()
	bus := appliance.NewBus(nil)
	sub := bus.Subscribe(256)
	q := mustQueue(t, db, fastQueue(bus), target("demo", "dir:"+dir, 58))
	doc := SampleIntake(forms.Columns80)
	id, err := q.Enqueue(t.Context(), "0007", "intake", doc, "demo", 2)
	if err != nil {
		t.Fatal(err)
	}
	waitStatus(t, q, appliance.PrintDone, id)
	waitEvent(t, sub, EventStatus, func(s PrinterState) bool { return s.Queued == 0 })
	if st := q.Printers(); len(st) != 1 || st[0].State != StateOK {
		t.Errorf("Printers() = %+v after a job, want the virtual printer ok", st)
	}
	for len(sub.C()) > 0 {
		if ev := <-sub.C(); ev.Kind == EventStatus && ev.Data.(PrinterState).State != StateOK {
			t.Errorf("status event %+v from a virtual printer", ev.Data)
		}
	}
	bins, _ := filepath.Glob(filepath.Join(dir, "*-intake-1.bin"))
	if len(bins) != 1 {
		t.Fatalf("files %v, want one NNNN-intake-1.bin", bins)
	}
	got, err := os.ReadFile(bins[0])
	if err != nil {
		t.Fatal(err)
	}
	one, err := Encode(SampleIntake(forms.Columns58))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, bytes.Repeat(one, 2)) {
		t.Errorf(".bin holds %d bytes, want the 58 mm encoding twice (%d)", len(got), 2*len(one))
	}
	cuts := 0
	for _, b := range bytes.SplitAfter(got, one) {
		if len(b) > 0 {
			for _, blk := range mustDecode(t, b, forms.Columns58).Blocks {
				if blk.Kind == forms.KindCut {
					cuts++
				}
			}
		}
	}
	if cuts != 4 {
		t.Errorf("%d cuts, want 4 (two parts, two copies)", cuts)
	}
	txt, err := os.ReadFile(strings.TrimSuffix(bins[0], ".bin") + ".txt")
	if err != nil || !strings.Contains(string(txt), "售后服务跟踪卡") {
		t.Errorf("text preview = %.60q, %v", txt, err)
	}
}

// TestEnqueueRefuses: what Enqueue turns away, and that it stores nothing
// then.
func TestEnqueueRefuses(t *testing.T) {
	db := mustStore(t, t.TempDir())
	q := mustQueue(t, db, fastQueue(nil), target("narrow", "dir:"+t.TempDir(), 58))
	longBarcode := forms.New("slip", forms.Columns80).Barcode(strings.Repeat("X", 60))
	for _, c := range []struct {
		name    string
		doc     *forms.Document
		printer string
		copies  int
		code    string
	}{
		{"unknown printer", numbered(1), "nowhere", 1, appliance.ENOTFOUND},
		{"no document", nil, "narrow", 1, appliance.EINVALID},
		{"too many copies", numbered(1), "narrow", MaxCopies + 1, appliance.EINVALID},
		{"negative copies", numbered(1), "narrow", -1, appliance.EINVALID},
		{"barcode wider than 58 mm", longBarcode, "narrow", 1, appliance.EINVALID},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := q.Enqueue(t.Context(), "0007", "slip", c.doc, c.printer, c.copies)
			wantCode(t, "Enqueue", err, c.code)
		})
	}
	if js, err := q.Queued("narrow"); err != nil || len(js) != 0 {
		t.Errorf("Queued = %d jobs, %v; want none", len(js), err)
	}
	if _, err := q.Enqueue(t.Context(), "", "slip", numbered(1), "narrow", 1); err == nil {
		t.Error("Enqueue without an operator succeeded; every change is audited with its operator")
	}
}

// TestQueuePaperRunsOut: the paper runs out at a chosen status query, so
// a job either reached the printer before (done, not sent again) or was
// refused by the printer's own check before any byte (queued, sent again
// once paper is loaded). Either way every slip prints once, in order.
func TestQueuePaperRunsOut(t *testing.T) {
	// Queries: 3 for the first status read, then 3 before and 3 after
	// each job.
	for _, c := range []struct {
		name     string
		after    int // status answers before the paper is out
		attempts int // sends of job 2
	}{
		{"after job 2 reached the printer", 3 + 6 + 3, 1},
		{"before job 2 was sent", 3 + 6, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			db := mustStore(t, t.TempDir())
			bus := appliance.NewBus(nil)
			sub := bus.Subscribe(256)
			srv, px := newPrinter(t, escpostest.Ready)
			srv.SetStateAfter(c.after, escpostest.PaperOut)
			q := mustQueue(t, db, fastQueue(bus), target("p1", px.device(), 80))
			ids := mustEnqueue(t, q, "p1", 1, 3)
			waitEvent(t, sub, EventStatus, stateIs("p1", StatePaperOut))
			srv.SetState(escpostest.Ready)
			waitStatus(t, q, appliance.PrintDone, ids...)
			if got, want := printedNumbers(t, px.jobs(), forms.Columns80), []int{1, 2, 3}; !reflect.DeepEqual(got, want) {
				t.Errorf("printed %v, want %v", got, want)
			}
			if j, _ := q.Job(ids[1]); j.Attempts != c.attempts || j.MayHavePrinted {
				t.Errorf("job 2: attempts %d, may have printed %v; want %d, false", j.Attempts, j.MayHavePrinted, c.attempts)
			}
		})
	}
}

// TestQueueRefusesChangesWhileSending: a job the worker has claimed for
// a send cannot be cancelled or moved until the send's end is recorded.
func TestQueueRefusesChangesWhileSending(t *testing.T) {
	db := mustStore(t, t.TempDir())
	_, px := newPrinter(t, escpostest.PaperOut) // the worker itself never claims
	_, other := newPrinter(t, escpostest.PaperOut)
	q := mustQueue(t, db, fastQueue(nil), target("p1", px.device(), 80), target("p2", other.device(), 80))
	id := mustEnqueue(t, q, "p1", 1, 1)[0]
	prior, ok, err := q.claim(id, "p1")
	if err != nil || !ok || prior {
		t.Fatalf("claim = %v, %v, %v; want false, true, nil", prior, ok, err)
	}
	if j, _ := q.Job(id); j.Attempts != 1 || !j.MayHavePrinted {
		t.Errorf("claimed job = attempts %d, may have printed %v; want 1, true", j.Attempts, j.MayHavePrinted)
	}
	wantCode(t, "Cancel while sending", q.Cancel(t.Context(), "0007", id, ""), appliance.ECONFLICT)
	wantCode(t, "Move while sending", q.Move(t.Context(), "0007", id, "p2"), appliance.ECONFLICT)
	if err := q.finish(id, false, false, "打印机缺纸 / printer is out of paper"); err != nil {
		t.Fatal(err)
	}
	if err := q.Move(t.Context(), "0007", id, "p2"); err != nil {
		t.Errorf("Move after the send ended: %v", err)
	}
	if err := q.Cancel(t.Context(), "0007", id, ""); err != nil {
		t.Errorf("Cancel after the send ended: %v", err)
	}
}
