package printer

import (
	"context"
	"encoding/json"
	"fmt"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/forms"
)

// Job actions, as JobUpdate.Action names them.
const (
	ActionQueued    = "queued"    // enqueued, or reprinted as a new job
	ActionSending   = "sending"   // a send began
	ActionDone      = "done"      // the printer took every byte
	ActionRetry     = "retry"     // a send failed; the job waits and is tried again
	ActionCancelled = "cancelled" // a clerk cancelled it
	ActionMoved     = "moved"     // a clerk moved it to another printer
	ActionFailed    = "failed"    // the document cannot print on this printer; cancelled
)

// JobUpdate is the Data of an EventJob event: the job as it now stands,
// without its document.
type JobUpdate struct {
	// Job is the print job; Job.Data is left out.
	Job *appliance.PrintJob `json:"job"`
	// Action says what happened: one of the Action* constants.
	Action string `json:"action"`
	// Notice is the line for the clerk (see JobNotice).
	Notice string `json:"notice"`
}

// JobNotice is the line a clerk sees for a job: where it stands and, when
// a slip may have printed twice or not at all, what to do about it.
func JobNotice(j *appliance.PrintJob) string {
	switch {
	case j.Status == appliance.PrintDone && j.MayHavePrinted:
		return fmt.Sprintf("已打印，可能重复一份：请核对纸张（发送 %d 次）/ printed, possibly twice: check the paper (%d sends)", j.Attempts, j.Attempts)
	case j.Status == appliance.PrintDone:
		return "已打印 / printed"
	case j.Status == appliance.PrintCancelled && j.LastError != "":
		return "未打印 / not printed: " + j.LastError
	case j.Status == appliance.PrintCancelled:
		return "已取消 / cancelled"
	case j.MayHavePrinted:
		return "等待重发，上次可能已打印：请核对纸张 / waiting to resend; the last send may have printed: check the paper"
	case j.LastError != "":
		return fmt.Sprintf("等待打印（已尝试 %d 次）/ waiting (%d tries): %s", j.Attempts, j.Attempts, j.LastError)
	}
	return "等待打印 / waiting to print"
}

func (q *Queue) publishJob(j *appliance.PrintJob, action string) {
	c := *j
	c.Data = nil
	q.publish(EventJob, JobUpdate{Job: &c, Action: action, Notice: JobNotice(&c)})
}

// auditView is a job as the audit log keeps it: without the document,
// which the job record itself holds.
func auditView(j *appliance.PrintJob) *appliance.PrintJob {
	c := *j
	c.Data = nil
	return &c
}

func recordName(id string) string { return "printjob/" + id }

// Enqueue stores doc as a print job for printer (a configured printer ID)
// and returns the job's ID. The job and its audit entry are committed in
// one transaction before Enqueue returns, so an acknowledged job survives
// any crash. copies 0 means 1. The document must print on the printer's
// paper (it is laid out again at the printer's width): a document that
// cannot is an EINVALID error, an unknown printer ENOTFOUND. A
// store.Request in ctx is kept with the job in that transaction: a retry
// with its key returns the first job's ID and queues nothing.
func (q *Queue) Enqueue(ctx context.Context, actor, form string, doc *forms.Document, printer string, copies int) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("printer: enqueue: %w", err)
	}
	if doc == nil {
		return "", appliance.FieldError("document", "缺少打印内容 / the document is missing")
	}
	if copies == 0 {
		copies = 1
	}
	if copies < 1 || copies > MaxCopies {
		return "", appliance.FieldError("copies", "份数应为 1 到 %d / copies must be 1 to %d, got %d", MaxCopies, MaxCopies, copies)
	}
	t, err := q.target(printer)
	if err != nil {
		return "", err
	}
	if _, err := encodeFor(t, doc); err != nil {
		return "", appliance.FieldError("document", "单据无法在打印机 %s 上打印 / the slip cannot print on printer %s: %v", t.ID, t.ID, err)
	}
	data, err := json.Marshal(doc)
	if err != nil {
		return "", fmt.Errorf("printer: enqueue: encode document: %w", err)
	}
	if form == "" {
		form = doc.Name
	}
	j := &appliance.PrintJob{Form: form, Data: data, Copies: copies, Printer: printer}
	req := store.RequestFrom(ctx)
	err = q.db.Update(func(tx *store.Txn) error {
		if id, found, err := tx.Recall(req); err != nil || found {
			j.ID = id
			return err
		}
		if err := tx.AddPrintJob(j); err != nil {
			return err
		}
		if err := tx.Audit(actor, "printjob.enqueue", recordName(j.ID), "", nil, auditView(j)); err != nil {
			return err
		}
		return tx.Remember(req, actor, j.ID)
	})
	if err != nil {
		return "", fmt.Errorf("printer: enqueue %s for %s: %w", form, printer, err)
	}
	if req.Replayed() {
		return j.ID, nil
	}
	q.publishJob(j, ActionQueued)
	q.changed(printer)
	return j.ID, nil
}

// encodeFor lays doc out at t's width and encodes it for t's model.
func encodeFor(t Target, doc *forms.Document) ([]byte, error) {
	d := *doc
	d.Columns = t.Columns
	var eo *EncodeOpts
	if t.Opts != nil {
		eo = &t.Opts.Encode
	}
	return NewEncoder(eo).Encode(&d)
}

// Cancel cancels a queued job. A job being sent right now, or no longer
// queued, is an ECONFLICT error; an unknown job ENOTFOUND.
func (q *Queue) Cancel(ctx context.Context, actor, id, reason string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("printer: cancel: %w", err)
	}
	j, err := q.changeQueued(id, func(j *appliance.PrintJob) error {
		j.Status = appliance.PrintCancelled
		return nil
	}, actor, "printjob.cancel", reason)
	if err != nil {
		return err
	}
	q.publishJob(j, ActionCancelled)
	q.changed(j.Printer)
	return nil
}

// Move sends a queued job to another configured printer instead, where it
// is laid out again for that printer's paper. It keeps its place in queue
// order (its ID). A job being sent, or no longer queued, is an ECONFLICT
// error; an unknown job or printer ENOTFOUND; a document that cannot
// print on the new printer's paper EINVALID.
func (q *Queue) Move(ctx context.Context, actor, id, printer string) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("printer: move: %w", err)
	}
	t, err := q.target(printer)
	if err != nil {
		return err
	}
	var from string
	j, err := q.changeQueued(id, func(j *appliance.PrintJob) error {
		if err := checkDocument(t, j); err != nil {
			return err
		}
		from, j.Printer = j.Printer, printer
		return nil
	}, actor, "printjob.move", "")
	if err != nil {
		return err
	}
	q.publishJob(j, ActionMoved)
	q.changed(from, printer)
	return nil
}

// checkDocument returns an EINVALID error when j's document cannot print on t.
func checkDocument(t Target, j *appliance.PrintJob) error {
	doc, err := jobDocument(j)
	if err == nil {
		_, err = encodeFor(t, doc)
	}
	if err != nil {
		return appliance.FieldError("printer", "单据无法在打印机 %s 上打印 / the slip cannot print on printer %s: %v", t.ID, t.ID, err)
	}
	return nil
}

// jobDocument decodes the document a job carries.
func jobDocument(j *appliance.PrintJob) (*forms.Document, error) {
	var doc forms.Document
	if err := json.Unmarshal(j.Data, &doc); err != nil {
		return nil, fmt.Errorf("printer: job %s: decode document: %w", j.ID, err)
	}
	return &doc, nil
}

// changeQueued applies change to the queued job id and audits it, in one
// transaction, refusing a job that is being sent or is not queued.
func (q *Queue) changeQueued(id string, change func(*appliance.PrintJob) error, actor, action, reason string) (*appliance.PrintJob, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if _, busy := q.inflight[id]; busy {
		return nil, appliance.Errorf(appliance.ECONFLICT, "打印任务 %s 正在打印 / print job %s is printing now", id, id)
	}
	var j *appliance.PrintJob
	err := q.db.Update(func(tx *store.Txn) (err error) {
		if j, err = tx.PrintJob(id); err != nil {
			return err
		}
		if j.Status != appliance.PrintQueued {
			return appliance.Errorf(appliance.ECONFLICT, "打印任务 %s 已不在队列中（%s）/ print job %s is no longer queued (%s)", id, j.Status, id, j.Status)
		}
		before := auditView(j)
		if err := change(j); err != nil {
			return err
		}
		if err := tx.PutPrintJob(j); err != nil {
			return err
		}
		return tx.Audit(actor, action, recordName(id), reason, before, auditView(j))
	})
	if err != nil {
		return nil, err
	}
	return j, nil
}

// Reprint queues a new job with the same document and copies as the done
// or cancelled job id, on printer ("" for the same printer), and returns
// its ID. A job still queued is an ECONFLICT error (it will print anyway).
// A store.Request in ctx makes it idempotent, as for Enqueue.
func (q *Queue) Reprint(ctx context.Context, actor, id, printer string) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", fmt.Errorf("printer: reprint: %w", err)
	}
	old, err := q.Job(id)
	if err != nil {
		return "", err
	}
	if printer == "" {
		printer = old.Printer
	}
	t, err := q.target(printer) // before the transaction: see Queue.mu
	if err != nil {
		return "", err
	}
	var nj *appliance.PrintJob
	req := store.RequestFrom(ctx)
	err = q.db.Update(func(tx *store.Txn) error {
		if first, found, err := tx.Recall(req); err != nil || found {
			nj = &appliance.PrintJob{ID: first}
			return err
		}
		old, err := tx.PrintJob(id)
		if err != nil {
			return err
		}
		if old.Status == appliance.PrintQueued {
			return appliance.Errorf(appliance.ECONFLICT, "打印任务 %s 还在队列中 / print job %s is still queued", id, id)
		}
		if err := checkDocument(t, old); err != nil {
			return err
		}
		nj = &appliance.PrintJob{Form: old.Form, Data: old.Data, Copies: old.Copies, Printer: printer}
		if err := tx.AddPrintJob(nj); err != nil {
			return err
		}
		if err := tx.Audit(actor, "printjob.reprint", recordName(nj.ID), "重印 / reprint of "+id, nil, auditView(nj)); err != nil {
			return err
		}
		return tx.Remember(req, actor, nj.ID)
	})
	if err != nil {
		return "", err
	}
	if req.Replayed() {
		return nj.ID, nil
	}
	q.publishJob(nj, ActionQueued)
	q.changed(printer)
	return nj.ID, nil
}
