package store

import (
	"fmt"

	"shouhou/appliance"
)

// AddPrintJob gives j the next queue ID, stamps it queued and stores it.
// Once the transaction commits the job survives any crash.
func (tx *Txn) AddPrintJob(j *appliance.PrintJob) error {
	n, err := tx.next("n/printjob")
	if err != nil {
		return err
	}
	j.ID = fmt.Sprintf("%012d", n)
	j.Status = appliance.PrintQueued
	j.Created, j.Updated = tx.now(), tx.now()
	if j.Copies < 1 {
		j.Copies = 1
	}
	return printJobs.put(tx, j)
}

// PutPrintJob replaces a print job (status, attempts, printer).
func (tx *Txn) PutPrintJob(j *appliance.PrintJob) error {
	j.Updated = tx.now()
	return printJobs.put(tx, j)
}

// PrintJob returns the job id, or an ENOTFOUND error.
func (tx *Txn) PrintJob(id string) (*appliance.PrintJob, error) { return printJobs.mustGet(tx, id) }

// QueuedPrintJobs returns a printer's queued jobs in queue order, at most limit (0 for all).
func (tx *Txn) QueuedPrintJobs(printer string, limit int) ([]*appliance.PrintJob, error) {
	return collect(tx, printJobs, idxPrintQueue, printer, limit)
}
