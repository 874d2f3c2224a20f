package appliance

import (
	"encoding/json"
	"time"
)

// PrintJobStatus is where a print job stands.
type PrintJobStatus string

// Print job statuses.
const (
	PrintQueued    PrintJobStatus = "queued"
	PrintDone      PrintJobStatus = "done"
	PrintCancelled PrintJobStatus = "cancelled"
)

// PrintJob is one document waiting for, or sent to, a printer. It survives a restart.
type PrintJob struct {
	// ID orders jobs: a zero-padded sequence, so byte order is queue order.
	ID string `json:"id"`
	// Form names the form printed, e.g. "intake".
	Form string `json:"form"`
	// Data is the record data the form is filled from.
	Data json.RawMessage `json:"data,omitempty"`
	// Copies is how many copies to print.
	Copies int `json:"copies"`
	// Printer is the configured printer's name.
	Printer string `json:"printer"`
	// Status is where the job stands.
	Status PrintJobStatus `json:"status"`
	// Attempts counts the sends tried.
	Attempts int `json:"attempts"`
	// LastError is the last send's error, for the clerk.
	LastError string `json:"last_error,omitempty"`
	// MayHavePrinted is set while a send is under way and stays set when
	// that send's end is unknown (the process stopped meanwhile) or the
	// device took some bytes of a send that failed: the slip may already
	// be on paper, so a later send can make a second copy and the clerk
	// checks the paper.
	MayHavePrinted bool `json:"may_have_printed,omitempty"`
	// Created is when the job was queued.
	Created time.Time `json:"created"`
	// Updated is when the job last changed.
	Updated time.Time `json:"updated"`
}
