package printer

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/drivers/printer/escpostest"
	"shouhou/forms"
)

// keyedCtx returns ctx carrying a request to op with key and args.
func keyedCtx(tb testing.TB, op, key string, args any) (context.Context, *store.Request) {
	tb.Helper()
	req, err := store.NewRequest(op, key, args)
	if err != nil {
		tb.Fatal(err)
	}
	return store.WithRequest(tb.Context(), req), req
}

// TestQueueKeyedJobsPrintOnce: an Enqueue or a Reprint retried with its
// key, after the queue and the store were reopened too, returns the first
// job and queues nothing; the printer gets each slip once.
func TestQueueKeyedJobsPrintOnce(t *testing.T) {
	dir := t.TempDir()
	db := mustStore(t, dir)
	srv, px := newPrinter(t, escpostest.PaperOut)
	q := mustQueue(t, db, fastQueue(nil), target("p1", px.device(), 80))
	args := map[string]string{"form": "slip", "number": "T1"}
	ctx, _ := keyedCtx(t, "form.print", "print-1", args)
	first, err := q.Enqueue(ctx, "0007", "slip", numbered(1), "p1", 1)
	if err != nil {
		t.Fatal(err)
	}
	q.Close()
	db.Close()

	db = mustStore(t, dir)
	q = mustQueue(t, db, fastQueue(nil), target("p1", px.device(), 80))
	ctx, req := keyedCtx(t, "form.print", "print-1", args)
	again, err := q.Enqueue(ctx, "0007", "slip", numbered(1), "p1", 1)
	if err != nil || again != first || !req.Replayed() {
		t.Fatalf("retried Enqueue = %s, replayed %v, %v; want %s", again, req.Replayed(), err, first)
	}
	ctx, _ = keyedCtx(t, "form.print", "print-1", map[string]string{"form": "slip", "number": "T2"})
	if _, err := q.Enqueue(ctx, "0007", "slip", numbered(2), "p1", 1); appliance.ErrorCode(err) != appliance.ECONFLICT || !strings.Contains(err.Error(), "number differs") {
		t.Fatalf("the key on another slip = %v, want a conflict naming number", err)
	}
	srv.SetState(escpostest.Ready)
	if err := q.Retry("p1"); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, q, appliance.PrintDone, first)

	reprint := map[string]string{"id": first}
	var ids []string
	for range 2 {
		ctx, _ := keyedCtx(t, "print.reprint", "reprint-1", reprint)
		id, err := q.Reprint(ctx, "0007", first, "")
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	if ids[0] != ids[1] || ids[0] == first {
		t.Fatalf("reprints = %v, want one new job twice", ids)
	}
	waitStatus(t, q, appliance.PrintDone, ids[0])
	mustEnqueue(t, q, "p1", 3, 3) // printed after the reprint: nothing else was queued between
	waitFor(t, "slip 3", func() bool { return len(printedNumbers(t, px.jobs(), forms.Columns80)) >= 3 })
	if got, want := printedNumbers(t, px.jobs(), forms.Columns80), []int{1, 1, 3}; !reflect.DeepEqual(got, want) {
		t.Errorf("printed %v, want %v", got, want)
	}
}
