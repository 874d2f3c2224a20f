package printer

import (
	"errors"

	"shouhou/appliance"
)

// Printer states as the queue reports them in PrinterState.State.
const (
	StateOK        = "ok"         // ready, or a device that cannot say otherwise
	StatePaperOut  = "paper_out"  // the roll is empty
	StateCoverOpen = "cover_open" // the cover is open
	StateOffline   = "offline"    // offline, or no answer in time
	StateAbsent    = "absent"     // no device node, unplugged, connection refused
	StateError     = "error"      // the printer reports an error, or another failure
	StateUnknown   = "unknown"    // not asked yet (never published)
)

// MaxQueuedCount caps PrinterState.Queued: the worker reads at most this
// many queued jobs each time it takes the next one.
const MaxQueuedCount = 100

// PrinterState is the Data of an EventStatus event: one configured
// printer as its queue worker last found it.
type PrinterState struct {
	// Printer is the printer's ID (devices.toml id).
	Printer string `json:"printer"`
	// Name is the printer's name for people.
	Name string `json:"name,omitempty"`
	// State is one of the State* constants.
	State string `json:"state"`
	// Detail says the state in words for the desk, Chinese first.
	Detail string `json:"detail"`
	// PaperNearEnd is true when the roll is nearly empty (still printing).
	PaperNearEnd bool `json:"paper_near_end,omitempty"`
	// Queued counts the printer's jobs waiting to print, up to
	// MaxQueuedCount (a longer queue shows as that many).
	Queued int `json:"queued"`
}

// stateOf names the state a status read or a print left the printer in.
func stateOf(st Status, err error) (state, detail string) {
	if err == nil {
		err = st.Err()
		if err == nil {
			return StateOK, st.Detail
		}
	}
	detail = appliance.ErrorMessage(DomainError(err))
	if st.Detail != "" && st.Err() != nil {
		detail = st.Detail
	}
	switch {
	case errors.Is(err, ErrPaperOut):
		return StatePaperOut, detail
	case errors.Is(err, ErrCoverOpen):
		return StateCoverOpen, detail
	case errors.Is(err, ErrAbsent):
		return StateAbsent, detail
	case errors.Is(err, ErrOffline), errors.Is(err, ErrTimeout):
		return StateOffline, detail
	}
	return StateError, detail
}
