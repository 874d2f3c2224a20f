package printer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// worker sends one printer's jobs, one at a time, in queue order.
type worker struct {
	q *Queue
	t Target
	p *Printer
	// work is poked when the printer's queue changed; retry when a clerk
	// asks to try the printer again now. Both hold at most one poke.
	work, retry chan struct{}
	cancel      context.CancelFunc
	done        chan struct{}

	mu    sync.Mutex // guards state
	state PrinterState
}

func newWorker(q *Queue, t Target, p *Printer) *worker {
	w := &worker{q: q, t: t, p: p, work: make(chan struct{}, 1), retry: make(chan struct{}, 1),
		done: make(chan struct{}), state: PrinterState{Printer: t.ID, Name: t.Name, State: StateUnknown}}
	if s := p.Addr().Scheme; s == SchemeDir || s == SchemeFile {
		// A virtual printer's state is known without I/O: it starts
		// known, and only a change is published.
		st, err := p.Status(context.Background())
		w.state.State, w.state.Detail = stateOf(st, err)
	}
	return w
}

func (w *worker) start() {
	ctx, cancel := context.WithCancel(context.Background())
	w.cancel = cancel
	go w.run(ctx)
}

// stop interrupts the worker and waits for it to end.
func (w *worker) stop() {
	w.cancel()
	<-w.done
}

// poke wakes the worker through c without blocking.
func (w *worker) poke(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}

// State returns the printer's state as last found.
func (w *worker) State() PrinterState {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.state
}

// run is the worker's loop: take the head of the queue and send it; while
// the printer is not ready, ask it again after a growing backoff and send
// nothing (so a job's Attempts count only sends to a printer that said it
// was ready).
func (w *worker) run(ctx context.Context) {
	defer close(w.done)
	w.probe(ctx)
	var backoff time.Duration
	for ctx.Err() == nil {
		job, err := w.head()
		if err != nil {
			w.q.log.Error("printer queue: read queue", "printer", w.t.ID, "err", err)
			w.wait(ctx, w.nextBackoff(&backoff), w.retry)
			continue
		}
		if job == nil {
			w.idle(ctx)
			continue
		}
		if w.State().State != StateOK && !w.probe(ctx) {
			w.wait(ctx, w.nextBackoff(&backoff), w.retry)
			continue
		}
		if w.send(ctx, job) {
			backoff = 0
		} else if ctx.Err() == nil {
			w.wait(ctx, w.nextBackoff(&backoff), w.retry)
		}
	}
}

// nextBackoff doubles *b within [MinBackoff, MaxBackoff] and returns it.
func (w *worker) nextBackoff(b *time.Duration) time.Duration {
	*b = min(max(*b*2, w.q.opts.MinBackoff), w.q.opts.MaxBackoff)
	return *b
}

// head returns the printer's first queued job (nil for none) and reports
// the queued count (up to MaxQueuedCount).
func (w *worker) head() (*appliance.PrintJob, error) {
	var js []*appliance.PrintJob
	err := w.q.db.View(func(tx *store.Txn) (err error) {
		js, err = tx.QueuedPrintJobs(w.t.ID, MaxQueuedCount)
		return err
	})
	if err != nil {
		return nil, err
	}
	w.update(func(s *PrinterState) { s.Queued = len(js) })
	if len(js) == 0 {
		return nil, nil
	}
	return js[0], nil
}

// idle waits for work, a retry, or the idle poll, and reads the status
// on a poll or retry.
func (w *worker) idle(ctx context.Context) {
	var poll <-chan time.Time
	if w.q.opts.IdlePoll > 0 {
		t := time.NewTimer(w.q.opts.IdlePoll)
		defer t.Stop()
		poll = t.C
	}
	select {
	case <-ctx.Done():
	case <-w.work:
	case <-w.retry:
		w.probe(ctx)
	case <-poll:
		w.probe(ctx)
	}
}

// wait sleeps d or until ctx ends or wake is poked; meanwhile a change
// of the queue only refreshes the queued count.
func (w *worker) wait(ctx context.Context, d time.Duration, wake chan struct{}) {
	t := time.NewTimer(d)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			return
		case <-wake:
			return
		case <-w.work:
			w.head()
		}
	}
}

// probe reads the printer's status, reports it, and says whether the
// printer is ready.
func (w *worker) probe(ctx context.Context) bool {
	st, err := w.p.Status(ctx)
	if ctx.Err() != nil {
		return false
	}
	w.report(st, err)
	return err == nil && st.Err() == nil
}

// report records the state a status read or a print left the printer in.
func (w *worker) report(st Status, err error) {
	state, detail := stateOf(st, err)
	w.update(func(s *PrinterState) {
		s.State, s.Detail, s.PaperNearEnd = state, detail, st.PaperNearEnd
	})
}

// update changes the state and publishes it when it changed.
func (w *worker) update(change func(*PrinterState)) {
	w.mu.Lock()
	old := w.state
	change(&w.state)
	cur := w.state
	w.mu.Unlock()
	if cur != old && cur.State != StateUnknown {
		w.q.publish(EventStatus, cur)
	}
}

// send prints job and records the outcome; it returns false when the
// printer failed (the job stays queued and the worker backs off).
func (w *worker) send(ctx context.Context, job *appliance.PrintJob) bool {
	pj, err := w.prepare(job)
	if err != nil {
		w.q.fail(job.ID, w.t.ID, err)
		return true
	}
	prior, ok, err := w.q.claim(job.ID, w.t.ID)
	if err != nil {
		w.q.log.Error("printer queue: claim job", "printer", w.t.ID, "job", job.ID, "err", err)
		return false
	}
	if !ok {
		return true // cancelled or moved meanwhile
	}
	r, perr := w.p.Print(ctx, pj)
	done := perr == nil || (r.Confirmed && r.Written == len(pj.Data))
	may := prior || (!done && r.Written > 0)
	msg := ""
	if perr != nil {
		msg = appliance.ErrorMessage(DomainError(perr))
		w.q.log.Warn("printer queue: send failed", "printer", w.t.ID, "job", job.ID, "written", r.Written, "of", len(pj.Data), "err", perr)
	}
	if err := w.q.finish(job.ID, done, may, msg); err != nil {
		w.q.log.Error("printer queue: record send", "printer", w.t.ID, "job", job.ID, "done", done, "err", err)
	}
	if ctx.Err() != nil {
		return false
	}
	if perr == nil && r.Status == (Status{}) {
		// Sent to a device that reads no status back: it took the job.
		w.update(func(s *PrinterState) {
			if s.State != StateOK {
				s.State, s.Detail = StateOK, "就绪 / ready"
			}
		})
		return true
	}
	w.report(r.Status, perr)
	return perr == nil
}

// prepare lays the job's document out at this printer's width and encodes
// it, Copies times over.
func (w *worker) prepare(job *appliance.PrintJob) (*Job, error) {
	doc, err := jobDocument(job)
	if err != nil {
		return nil, err
	}
	one, err := encodeFor(w.t, doc)
	if err != nil {
		return nil, err
	}
	doc.Columns = w.t.Columns
	n := max(job.Copies, 1)
	return &Job{
		Name: fmt.Sprintf("%s-%s", doc.Name, strings.TrimLeft(job.ID, "0")),
		Data: bytes.Repeat(one, n),
		Text: strings.Repeat(Text(doc), n),
	}, nil
}

// claim marks the queued job id as being sent by printer: one more
// attempt, MayHavePrinted set (in case the process dies during the send),
// and in flight so it cannot be moved or cancelled meanwhile. ok is false
// when the job is no longer queued for printer; prior is MayHavePrinted
// as it was.
func (q *Queue) claim(id, printer string) (prior, ok bool, err error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	var j *appliance.PrintJob
	err = q.db.Update(func(tx *store.Txn) (err error) {
		if j, err = tx.PrintJob(id); err != nil {
			return err
		}
		if j.Status != appliance.PrintQueued || j.Printer != printer {
			return nil
		}
		before := auditView(j)
		prior, ok = j.MayHavePrinted, true
		j.Attempts++
		j.MayHavePrinted = true
		if err := tx.PutPrintJob(j); err != nil {
			return err
		}
		return tx.Audit(SystemOperator, "printjob.send", recordName(id), "", before, auditView(j))
	})
	if err != nil || !ok {
		return false, false, err
	}
	q.inflight[id] = printer
	q.publishJob(j, ActionSending)
	return prior, true, nil
}

// finish records how the send of a claimed job ended and releases it.
func (q *Queue) finish(id string, done, may bool, msg string) error {
	defer func() {
		q.mu.Lock()
		delete(q.inflight, id)
		q.mu.Unlock()
	}()
	var j *appliance.PrintJob
	action := ActionRetry
	err := q.db.Update(func(tx *store.Txn) (err error) {
		if j, err = tx.PrintJob(id); err != nil {
			return err
		}
		before := auditView(j)
		j.MayHavePrinted, j.LastError = may, msg
		if done {
			j.Status, action = appliance.PrintDone, ActionDone
		}
		if err := tx.PutPrintJob(j); err != nil {
			return err
		}
		return tx.Audit(SystemOperator, "printjob."+action, recordName(id), msg, before, auditView(j))
	})
	if err != nil {
		return err
	}
	q.publishJob(j, action)
	return nil
}

// fail cancels a queued job whose document cannot print on its printer,
// so the jobs behind it are not held up.
func (q *Queue) fail(id, printer string, cause error) {
	msg := "单据无法打印 / the slip cannot be printed: " + cause.Error()
	j, err := q.changeQueued(id, func(j *appliance.PrintJob) error {
		if j.Printer != printer {
			return errMoved
		}
		j.Status, j.LastError = appliance.PrintCancelled, msg
		return nil
	}, SystemOperator, "printjob.fail", msg)
	if err != nil {
		if !errors.Is(err, errMoved) {
			q.log.Error("printer queue: cancel unprintable job", "job", id, "err", err)
		}
		return
	}
	q.log.Warn("printer queue: job cannot print; cancelled", "printer", printer, "job", id, "err", cause)
	q.publishJob(j, ActionFailed)
}

// errMoved stops fail for a job another printer now owns.
var errMoved = errors.New("printer: job moved")
