package tickets

import (
	"time"

	"shouhou/appliance/calendar"
	"shouhou/appliance/policy"
)

// Rules are the parts of one config snapshot the workflow needs. The
// caller (main) builds them from the snapshot in force; the workflow asks
// for them afresh for every operation, so a reload applies to the next one.
type Rules struct {
	// Version is the config version in force, for messages and logs;
	// decisions carry Policy.Version.
	Version string
	// Policy are the policy tables.
	Policy *policy.Tables
	// Calendar gives working days and hours in the store's time zone.
	Calendar *calendar.Calendar
	// SLA are the service targets of sla.toml.
	SLA SLA
	// Parts is the parts price list (配件价格表).
	Parts []Part
	// Labour are the labour items (工时费).
	Labour []Labour
	// Zones are the on-site service zones.
	Zones []Zone
	// Technicians are the staff of staff.toml with the technician role:
	// the ones a ticket may be assigned to.
	Technicians []Staff
	// KeyRetention is how long a request's idempotency key is kept with
	// its result (store.Request); the scheduler forgets older ones. 0
	// keeps them all.
	KeyRetention time.Duration
}

// SLA are the deadlines of sla.toml.
type SLA struct {
	// FirstResponse is the time to the first response (consultation, delivery).
	FirstResponse time.Duration
	// ComplaintReplyWorkingDays: a complaint is answered within this many working days.
	ComplaintReplyWorkingDays int
	// QualityCaseWorkingDays: a quality case (exchange) is settled within this many working days.
	QualityCaseWorkingDays int
	// ReturnProcessingWorkingDays: a return is processed within this many working days.
	ReturnProcessingWorkingDays int
	// RepairCompletionDays: a repair is finished within this many days (第十六条).
	RepairCompletionDays int
	// PickupNoticeIntervalDays: days between pickup notices (第二十七条).
	PickupNoticeIntervalDays int
	// PickupNoticeCount: notices before the item is mailed back (第二十八条).
	PickupNoticeCount int
	// OutOfStockCallbackDays: an out-of-stock registration is called back within this many days (第三十五条).
	OutOfStockCallbackDays int
	// ContractExpiryNotice: how long before a maintenance contract ends its notice is due.
	ContractExpiryNotice policy.Window
	// OnsiteSolve: an on-site problem is solved within this time.
	OnsiteSolve time.Duration
	// LateWarningWorkingDays: a running repair goes on the call list this
	// many working days before its due date, to tell the customer in time
	// (第二十六条); 0 means 1.
	LateWarningWorkingDays int
}

// Part is one line of the parts price list.
type Part struct {
	// Code is the part's code.
	Code string
	// Name is the part's name and spec.
	Name string
	// Category is the policy category it belongs to.
	Category string
	// PriceFen is the price.
	PriceFen int64
}

// Labour is one labour item.
type Labour struct {
	// ID is the item's key.
	ID string
	// Name is shown to people.
	Name string
	// FeeFen is the charge.
	FeeFen int64
	// Categories the item applies to; empty means all.
	Categories []string
}

// Zone is an on-site service zone.
type Zone struct {
	// ID is the zone's key.
	ID string
	// Name is shown to people.
	Name string
	// FeeFen is the call-out fee.
	FeeFen int64
	// Response is the time to be on site.
	Response time.Duration
}

func (r Rules) part(code string) (Part, bool) {
	for _, p := range r.Parts {
		if p.Code == code {
			return p, true
		}
	}
	return Part{}, false
}

func (r Rules) labour(id string) (Labour, bool) {
	for _, l := range r.Labour {
		if l.ID == id {
			return l, true
		}
	}
	return Labour{}, false
}

func (r Rules) lateWarningDays() int {
	if r.SLA.LateWarningWorkingDays <= 0 {
		return 1
	}
	return r.SLA.LateWarningWorkingDays
}

// nextMorning returns the start of working hours on the next working day after t.
func (r Rules) nextMorning(t time.Time) time.Time {
	d := calendar.DateOf(r.Calendar.AddWorkingDays(t, 1))
	return d.In(r.Calendar.Location()).Add(r.Calendar.Hours().Start)
}

// endOfDay returns midnight after t's date in the store's zone.
func (r Rules) endOfDay(t time.Time) time.Time {
	return calendar.DateOf(t.In(r.Calendar.Location())).AddDays(1).In(r.Calendar.Location())
}
