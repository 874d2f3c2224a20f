package conf

import (
	"time"
)

// SchemaVersion is the only `version` every config file may carry today.
const SchemaVersion = 1

// Store is store.toml: who and where the store is.
type Store struct {
	// Version is the schema version of the file (1).
	Version int `toml:"version" json:"-"`
	// Name is the store's name, printed on every slip.
	Name string `toml:"name" json:"name"`
	// Branch is the branch (分店) name.
	Branch string `toml:"branch" json:"branch"`
	// Address is the service point's address.
	Address string `toml:"address" json:"address"`
	// Phone is the service phone number.
	Phone string `toml:"phone" json:"phone"`
	// TimeZone is an IANA zone name; default Asia/Shanghai.
	TimeZone string `toml:"time_zone" json:"time_zone"`
	// Hours are the desk's business hours.
	Hours BusinessHours `toml:"hours" json:"hours"`
	// IdempotencyRetention is how long a request's idempotency key is kept
	// with its result, so that a retry gets the first result; optional,
	// default DefaultIdempotencyRetention.
	IdempotencyRetention Duration `toml:"idempotency_retention" json:"idempotency_retention"`
	// MemoryBudgetMiB is the memory the appliance may use, in MiB
	// (内存预算): serve sets the Go memory limit to it and refuses heavy,
	// deferrable work (reports, free-text search, the audit list, an
	// online verify) with a clear message while the live heap is near
	// it, instead of growing until the unit's MemoryMax kills the
	// process. Optional, default DefaultMemoryBudgetMiB; at least
	// MinMemoryBudgetMiB.
	MemoryBudgetMiB int `toml:"memory_budget_mib" json:"memory_budget_mib"`
	// Chain is the [chain] section: the box's place in a chain of stores;
	// its zero value (no branch) is a store on its own.
	Chain Chain `toml:"chain" json:"chain"`
	// Location is TimeZone loaded.
	Location *time.Location `toml:"-" json:"-"`
}

// Chain is store.toml's [chain] section: which branch of the chain this
// box is and the NATS server of head office its outbox goes to (package
// drivers/uplink). Branch "" turns the chain off.
type Chain struct {
	// Branch is the branch id head office knows the box by: letters,
	// digits, _ and -, up to 32 (chain.ValidBranch); "" for none.
	Branch string `toml:"branch" json:"branch"`
	// URL is head office's NATS server, nats://host:4222 or tls://host:4222
	// (several separated by commas); required with a branch.
	URL string `toml:"url" json:"url"`
	// User is the NATS user ("" for none).
	User string `toml:"user" json:"user"`
	// PasswordFile is the file holding User's password (read when the
	// appliance starts, never kept in the config); required with a user.
	PasswordFile string `toml:"password_file" json:"password_file"`
	// OutboxKeepDays is how many days the box keeps an outbox event after
	// head office's stream acked it, for a replay head office asks for;
	// older acked events are pruned. At least 1; 0 (unset) is
	// DefaultOutboxKeepDays.
	OutboxKeepDays int `toml:"outbox_keep_days" json:"outbox_keep_days"`
	// CrossBranchCharge lets a card issued at another branch be charged
	// at this box's desk (asked of the issuing box over NATS, whose
	// ledger stays the balance's authority) and lets this box answer
	// other branches' charges on its own cards; off by default, when a
	// card of another branch is refused as unknown. Needs a branch.
	CrossBranchCharge bool `toml:"cross_branch_charge" json:"cross_branch_charge"`
}

// DefaultOutboxKeepDays is how long acked outbox events are kept when
// store.toml does not say: a week, for head office's replays.
const DefaultOutboxKeepDays = 7

// MemoryBudget is MemoryBudgetMiB in bytes.
func (s Store) MemoryBudget() int64 { return int64(s.MemoryBudgetMiB) << 20 }

// OutboxKeep is OutboxKeepDays as a duration.
func (c Chain) OutboxKeep() time.Duration { return time.Duration(c.OutboxKeepDays) * 24 * time.Hour }

// On reports whether the box belongs to a chain.
func (c Chain) On() bool { return c.Branch != "" }

// BusinessHours are when the desk is open.
type BusinessHours struct {
	// Open is the opening time, "09:00".
	Open Clock `toml:"open" json:"open"`
	// Close is the closing time, "21:00"; after Open.
	Close Clock `toml:"close" json:"close"`
}

// policyFile is policy.toml as written; conf turns it into policy.Tables.
type policyFile struct {
	Version               int                     `toml:"version"`
	RestockingFee         Percent                 `toml:"restocking_fee"`
	RepairCap             Percent                 `toml:"out_of_warranty_repair_cap"`
	RepairWarranty        Window                  `toml:"repair_warranty"`
	BoardRepairWarranty   Window                  `toml:"board_repair_warranty"`
	RepairsBeforeExchange int                     `toml:"repairs_before_exchange"`
	ExchangePrice         string                  `toml:"exchange_price"`
	Exclusions            exclusionsFile          `toml:"exclusions"`
	Categories            map[string]categoryFile `toml:"categories"`
	Depreciation          []depreciationFile      `toml:"depreciation"`
	Shipping              shippingFile            `toml:"shipping"`
	Approval              approvalFile            `toml:"approval"`
	Cards                 cardsFile               `toml:"cards"`
	ComplaintReasons      []complaintReasonFile   `toml:"complaint_reasons"`
}

type exclusionsFile struct {
	NoReturnOrExchange []string `toml:"no_return_or_exchange"`
	NoReasonReturn     []string `toml:"no_reason_return"`
}

type categoryFile struct {
	Name             string   `toml:"name"`
	NoReasonReturn   Window   `toml:"no_reason_return"`
	NoReasonRequires []string `toml:"no_reason_requires"`
	QualityReturn    Window   `toml:"quality_return"`
	QualityExchange  Window   `toml:"quality_exchange"`
	FreeRepair       Window   `toml:"free_repair"`
	Depreciation     bool     `toml:"depreciation"`
	NonQuality       []string `toml:"non_quality"`
}

type depreciationFile struct {
	UpToDays int     `toml:"up_to_days"`
	Rate     Percent `toml:"rate"`
}

type shippingFile struct {
	Steps      []shippingStepFile `toml:"steps"`
	After      string             `toml:"after"`
	NotQuality string             `toml:"not_quality"`
}

type shippingStepFile struct {
	UpToDays int    `toml:"up_to_days"`
	Payer    string `toml:"payer"`
}

type approvalFile struct {
	RefundAbove    Money                 `toml:"refund_above"`
	ReversalAbove  Money                 `toml:"reversal_above"`
	ReversalWindow Duration              `toml:"reversal_window"`
	Limits         map[string]limitsFile `toml:"limits"`
}

// limitsFile is one role's [approval.limits.ROLE]: every key optional.
type limitsFile struct {
	TopUp    Money `toml:"topup"`
	Charge   Money `toml:"charge"`
	Refund   Money `toml:"refund"`
	Reversal Money `toml:"reversal"`
	Cashout  Money `toml:"cashout"`
	Daily    Money `toml:"daily"`
}

type complaintReasonFile struct {
	Code string `toml:"code"`
	Name string `toml:"name"`
}

type cardsFile struct {
	BalanceExpiry Window `toml:"balance_expiry"`
}

// Fees is fees.toml: the price lists.
type Fees struct {
	// Version is the schema version of the file (1).
	Version int `toml:"version" json:"-"`
	// Labour lists labour items (工时费).
	Labour []LabourItem `toml:"labour" json:"labour"`
	// Parts is the parts price list (配件价格表).
	Parts []Part `toml:"parts" json:"parts"`
	// Zones are the on-site service zones (一级区域, 二级区域, other).
	Zones []Zone `toml:"zones" json:"zones"`
	// Shipping is the fee for mailing goods.
	Shipping ShippingFees `toml:"shipping" json:"shipping"`
}

// LabourItem is one labour charge.
type LabourItem struct {
	// ID is the item's key, unique.
	ID string `toml:"id" json:"id"`
	// Name is shown to people.
	Name string `toml:"name" json:"name"`
	// Fee is the charge.
	Fee Money `toml:"fee" json:"fee"`
	// Categories the item applies to (policy category IDs); empty = all.
	Categories []string `toml:"categories" json:"categories,omitempty"`
}

// Part is one line of the parts price list.
type Part struct {
	// Code is the part's code, unique.
	Code string `toml:"code" json:"code"`
	// Name is the part's name and spec.
	Name string `toml:"name" json:"name"`
	// Category is the policy category it belongs to.
	Category string `toml:"category" json:"category"`
	// Price is the part's price.
	Price Money `toml:"price" json:"price"`
}

// Zone is an on-site service zone.
type Zone struct {
	// ID is the zone's key, unique.
	ID string `toml:"id" json:"id"`
	// Name is shown to people.
	Name string `toml:"name" json:"name"`
	// Fee is the call-out fee.
	Fee Money `toml:"fee" json:"fee"`
	// Response is the time to be on site.
	Response Duration `toml:"response" json:"response"`
}

// ShippingFees are the mailing fees.
type ShippingFees struct {
	// Parcel is the fee of one mailed parcel; the decision's shipping fee.
	Parcel Money `toml:"parcel" json:"parcel"`
}

// SLA is sla.toml: service targets.
type SLA struct {
	// Version is the schema version of the file (1).
	Version int `toml:"version" json:"-"`
	// FirstResponse is the time to the first response to any request.
	FirstResponse Duration `toml:"first_response" json:"first_response"`
	// ComplaintReplyWorkingDays: a complaint is answered within this many working days.
	ComplaintReplyWorkingDays int `toml:"complaint_reply_working_days" json:"complaint_reply_working_days"`
	// QualityCaseWorkingDays: a quality case is settled within this many working days.
	QualityCaseWorkingDays int `toml:"quality_case_working_days" json:"quality_case_working_days"`
	// ReturnProcessingWorkingDays: returned goods are processed within this many working days.
	ReturnProcessingWorkingDays int `toml:"return_processing_working_days" json:"return_processing_working_days"`
	// RepairCompletionDays: a repair is finished within this many days.
	RepairCompletionDays int `toml:"repair_completion_days" json:"repair_completion_days"`
	// PickupNoticeIntervalDays: days between pickup notices.
	PickupNoticeIntervalDays int `toml:"pickup_notice_interval_days" json:"pickup_notice_interval_days"`
	// PickupNoticeCount: notices before the item is mailed back.
	PickupNoticeCount int `toml:"pickup_notice_count" json:"pickup_notice_count"`
	// OutOfStockCallbackDays: an out-of-stock registration is called back within this many days.
	OutOfStockCallbackDays int `toml:"out_of_stock_callback_days" json:"out_of_stock_callback_days"`
	// ContractExpiryNotice: a maintenance contract's expiry notice goes out this long before the end.
	ContractExpiryNotice Window `toml:"contract_expiry_notice" json:"contract_expiry_notice"`
	// DispatchWorkingHoursTown: working hours to dispatch in town.
	DispatchWorkingHoursTown int `toml:"dispatch_working_hours_town" json:"dispatch_working_hours_town"`
	// DispatchWorkingHoursSuburb: working hours to dispatch in the suburbs.
	DispatchWorkingHoursSuburb int `toml:"dispatch_working_hours_suburb" json:"dispatch_working_hours_suburb"`
	// OnsiteSolve: an on-site problem is solved within this time.
	OnsiteSolve Duration `toml:"onsite_solve" json:"onsite_solve"`
	// Targets are the report targets.
	Targets Targets `toml:"targets" json:"targets"`
}

// Targets are the rates the reports are measured against.
type Targets struct {
	// OnTime is the on-time rate target.
	OnTime Percent `toml:"on_time" json:"on_time"`
	// Satisfaction is the satisfaction rate target.
	Satisfaction Percent `toml:"satisfaction" json:"satisfaction"`
}

// calendarFile is calendar.toml as written.
type calendarFile struct {
	Version int `toml:"version"`
	Hours   struct {
		Start Clock `toml:"start"`
		End   Clock `toml:"end"`
	} `toml:"hours"`
	Years []yearFile `toml:"years"`
}

type yearFile struct {
	Year     int      `toml:"year"`
	Holidays []string `toml:"holidays"`
	Workdays []string `toml:"workdays"`
}

// Roles of staff.
const (
	RoleClerk      = "clerk"
	RoleTechnician = "technician"
	RoleSupervisor = "supervisor"
	RoleAdmin      = "admin"
)

// StaffMember is one person who can sign in.
type StaffMember struct {
	// ID is the login name, unique.
	ID string `toml:"id" json:"id"`
	// Name is shown on screens and slips.
	Name string `toml:"name" json:"name"`
	// Role is clerk, technician, supervisor or admin.
	Role string `toml:"role" json:"role"`
	// PINHash is a bcrypt hash of the PIN (shouhou hash-pin makes one).
	PINHash string `toml:"pin_hash" json:"-"`
	// CardUID is the staff card's chip UID in upper-case hex, optional.
	CardUID string `toml:"card_uid" json:"card_uid,omitempty"`
}

type staffFile struct {
	Version int           `toml:"version"`
	Staff   []StaffMember `toml:"staff"`
}

// Devices is devices.toml: desks and printers.
type Devices struct {
	// Version is the schema version of the file (1).
	Version int `toml:"version" json:"-"`
	// Desks are the service desks.
	Desks []Desk `toml:"desks" json:"desks"`
	// Printers are the receipt printers.
	Printers []Printer `toml:"printers" json:"printers"`
	// HTTPS names the box on the store LAN for its server certificate.
	HTTPS HTTPS `toml:"https" json:"https"`
}

// HTTPS is devices.toml's [https]: the names and addresses staff browsers
// reach the box by, which its server certificate covers besides the box's
// host name and interface addresses.
type HTTPS struct {
	// Names are DNS names ("shouhou.store.lan").
	Names []string `toml:"names" json:"names,omitempty"`
	// Addresses are IP addresses ("192.168.1.20"), e.g. a NAT's or a
	// reserved DHCP lease not yet on an interface.
	Addresses []string `toml:"addresses" json:"addresses,omitempty"`
}

// Desk is one service desk position.
type Desk struct {
	// ID is the desk's key, unique.
	ID string `toml:"id" json:"id"`
	// Name is shown to people.
	Name string `toml:"name" json:"name"`
	// Reader is the PC/SC reader name of the desk's card reader ("" = none).
	Reader string `toml:"reader" json:"reader,omitempty"`
	// Printer is the ID of the desk's printer.
	Printer string `toml:"printer" json:"printer"`
}

// Printer is one receipt printer.
type Printer struct {
	// ID is the printer's key, unique.
	ID string `toml:"id" json:"id"`
	// Name is shown to people.
	Name string `toml:"name" json:"name"`
	// Device is a USB device path (/dev/usb/lp0), tcp://host:port, or
	// dir:PATH (a directory each job is written to as a file).
	Device string `toml:"device" json:"device"`
	// Width is the paper width in mm: 58 or 80.
	Width int `toml:"width" json:"width"`
}

// Printer device kinds, as DeviceKind returns them.
const (
	DeviceUSB = "usb"
	DeviceTCP = "tcp"
	DeviceDir = "dir"
)
