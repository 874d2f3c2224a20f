package appliance

import (
	"encoding/json"
	"time"
)

// TicketKind is the kind of case the desk handles (seed 000 "顾客服务的分类", seed 001).
type TicketKind string

// Ticket kinds.
const (
	KindReturn      TicketKind = "return"       // 退货
	KindExchange    TicketKind = "exchange"     // 换货
	KindRepair      TicketKind = "repair"       // 维修 (in store, or sent to the maker 送厂)
	KindOnSite      TicketKind = "onsite"       // 上门 installation or repair
	KindComplaint   TicketKind = "complaint"    // 投诉
	KindConsult     TicketKind = "consultation" // 咨询
	KindStorage     TicketKind = "storage"      // 暂存
	KindDelivery    TicketKind = "delivery"     // 送货
	KindOutOfStock  TicketKind = "out_of_stock" // 缺货登记
	KindMaintenance TicketKind = "maintenance"  // 保养合同
)

// TicketKinds lists every kind, in the order the desk shows them.
var TicketKinds = []TicketKind{KindReturn, KindExchange, KindRepair, KindOnSite, KindComplaint,
	KindConsult, KindStorage, KindDelivery, KindOutOfStock, KindMaintenance}

// TicketStatus is where a ticket stands in the desk's procedure.
type TicketStatus string

// Ticket statuses (seed 001 第十七–三十六条).
const (
	StatusOpen      TicketStatus = "open"      // 受理: taken in, being handled
	StatusApproval  TicketStatus = "approval"  // 待审批: waiting for a supervisor
	StatusInRepair  TicketStatus = "in_repair" // 维修中
	StatusAtVendor  TicketStatus = "at_vendor" // 送厂: sent to the maker
	StatusReady     TicketStatus = "ready"     // 待取件: ready for pickup, the customer is told
	StatusMailBack  TicketStatus = "mail_back" // 待寄回: three notices without pickup (第二十八条)
	StatusClosed    TicketStatus = "closed"    // 已结案
	StatusCancelled TicketStatus = "cancelled" // 已取消
)

// TicketStatuses lists every status in procedure order.
var TicketStatuses = []TicketStatus{StatusOpen, StatusApproval, StatusInRepair, StatusAtVendor,
	StatusReady, StatusMailBack, StatusClosed, StatusCancelled}

// Condition is the state of the goods at intake.
type Condition struct {
	Unused       bool   `json:"unused"`        // unused and resaleable
	Packaging    bool   `json:"packaging"`     // packaging 包装 complete
	Accessories  bool   `json:"accessories"`   // accessories 配件 complete
	WarrantyCard bool   `json:"warranty_card"` // warranty card present
	Tags         bool   `json:"tags"`          // tags 吊牌 on
	Receipt      bool   `json:"receipt"`       // proof of purchase shown
	Appearance   string `json:"appearance,omitempty"`
}

// PartUsed is one line of the parts used on a repair (更换配件明细).
type PartUsed struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Qty      int    `json:"qty"`
	PriceFen int64  `json:"price_fen"`
}

// Fee is one charge on a ticket.
type Fee struct {
	Name  string `json:"name"`
	Fen   int64  `json:"fen"`
	Payer string `json:"payer"` // "customer" or "store"
}

// Notice is one attempt to reach the customer (pickup notice, callback).
type Notice struct {
	Time     time.Time `json:"time"`
	Operator string    `json:"operator"`
	Outcome  string    `json:"outcome"` // reached, no_answer, message_left
	// Kind is the call it answered: pickup, late_repair, stock_callback,
	// complaint_reply or contract_expiry ("" in data from before calls had kinds).
	Kind string `json:"kind,omitempty"`
	// Note is what the clerk wrote down about the call.
	Note string `json:"note,omitempty"`
}

// Call outcomes a clerk records on a Notice.
const (
	OutcomeReached     = "reached"      // spoke to the customer
	OutcomeNoAnswer    = "no_answer"    // nobody answered
	OutcomeMessageLeft = "message_left" // left a message (SMS, voicemail, family)
)

// Quote is the fee told to the customer before paid work (seed 001 第三十条).
type Quote struct {
	// Fen is the total the customer will pay.
	Fen int64 `json:"fen"`
	// Told is when the customer was told.
	Told time.Time `json:"told"`
	// Operator told the customer.
	Operator string `json:"operator"`
	// Accepted is set once the customer accepted (true) or declined (false).
	Accepted *bool `json:"accepted,omitempty"`
	// Answered is when the customer answered.
	Answered time.Time `json:"answered,omitzero"`
}

// Settlement is a supervisor's settlement of an unrepairable item or of
// an exception (seed 001 第二十九条).
type Settlement struct {
	// Outcome is what was agreed: return, exchange, paid_repair or other.
	Outcome string `json:"outcome"`
	// DepreciationFen is the depreciation the customer bears (seed 002 三包).
	DepreciationFen int64 `json:"depreciation_fen"`
	// RefundFen is what is paid back.
	RefundFen int64 `json:"refund_fen"`
	// Note is the supervisor's account of the agreement.
	Note string `json:"note,omitempty"`
	// Operator is the supervisor.
	Operator string `json:"operator"`
	// Time is when it was settled.
	Time time.Time `json:"time"`
}

// Repair results a technician concludes with.
const (
	ResultRepaired     = "repaired"     // fixed
	ResultUnrepairable = "unrepairable" // cannot be fixed: a supervisor settles (第二十九条)
	ResultExchanged    = "exchanged"    // replaced with a new one (seed 003: three repairs)
	ResultDeclined     = "declined"     // the customer declined the quote; returned unrepaired
)

// Survey is the customer's satisfaction survey (seed 001 管理办法 二十五):
// each item on four levels, 1 (poor) to 4 (very satisfied).
type Survey struct {
	Attitude   int       `json:"attitude"`
	Skill      int       `json:"skill"`
	Timeliness int       `json:"timeliness"`
	FollowUp   int       `json:"follow_up"`
	Time       time.Time `json:"time"`
}

// Transition is one step in a ticket's history.
type Transition struct {
	From     TicketStatus `json:"from"`
	To       TicketStatus `json:"to"`
	Operator string       `json:"operator"`
	Reason   string       `json:"reason,omitempty"`
	Time     time.Time    `json:"time"`
}

// Ticket is a service ticket (服务单 / 跟踪卡).
type Ticket struct {
	// Number is the human number: T + yyyymmdd + "-" + a 4-digit daily sequence.
	Number string `json:"number"`
	// Kind is the kind of case.
	Kind TicketKind `json:"kind"`
	// Status is where the ticket stands.
	Status TicketStatus `json:"status"`
	// CustomerID is the customer served.
	CustomerID string `json:"customer_id"`
	// Card is the customer's card number, if they have one.
	Card string `json:"card,omitempty"`
	// PurchaseID is the product concerned, if any.
	PurchaseID string `json:"purchase_id,omitempty"`
	// Fault is the customer's account of the fault (故障描述).
	Fault string `json:"fault,omitempty"`
	// Condition is the state of the goods at intake.
	Condition Condition `json:"condition"`
	// Request is what the customer asks for: return, exchange or repair.
	Request string `json:"request,omitempty"`
	// ComplaintReason is a complaint's reason code (policy.toml
	// [[complaint_reasons]]); "" on complaints stored before the list,
	// which the complaint summary counts under "other".
	ComplaintReason string `json:"complaint_reason,omitempty"`
	// Facts are the policy facts the decision was made from, kept for replay.
	Facts json.RawMessage `json:"facts,omitempty"`
	// Decision is the policy decision snapshot.
	Decision json.RawMessage `json:"decision,omitempty"`
	// ConfigVersion is the config version that made the decision.
	ConfigVersion string `json:"config_version,omitempty"`
	// Technician is the staff id of the assigned technician.
	Technician string `json:"technician,omitempty"`
	// Due is when the ticket must be settled by the SLA; zero (and left
	// out of the JSON) for a kind with no deadline of its own (storage,
	// out-of-stock).
	Due time.Time `json:"due,omitzero"`
	// Parts are the parts used.
	Parts []PartUsed `json:"parts,omitempty"`
	// Fees are the fees charged or quoted.
	Fees []Fee `json:"fees,omitempty"`
	// Payment says how the fees were paid: "", "cash" or "card".
	Payment string `json:"payment,omitempty"`
	// Conclusion is the repair conclusion (维修结论).
	Conclusion string `json:"conclusion,omitempty"`
	// Notices are the pickup notices and callbacks made.
	Notices []Notice `json:"notices,omitempty"`
	// Survey is the satisfaction survey, once answered.
	Survey *Survey `json:"survey,omitempty"`
	// History is every transition, oldest first.
	History []Transition `json:"history,omitempty"`
	// Defect names the defective part or fault (损坏部位) for the
	// same-defect rule (seed 003: three repairs, then exchange).
	Defect string `json:"defect,omitempty"`
	// Problem is the policy problem: quality, not_quality, customer_damage, transport_damage.
	Problem string `json:"problem,omitempty"`
	// MailedIn says the goods came by post, so a return or exchange
	// prices the parcel's shipping (seed 000 淘宝售后服务卡); false for
	// goods brought to the desk.
	MailedIn bool `json:"mailed_in,omitempty"`
	// Outcome is the agreed outcome kind: return, exchange, free_repair, paid_repair.
	Outcome string `json:"outcome,omitempty"`
	// ServiceClass is A paid, B under contract, C free or D internal (seed 001 管理办法 六).
	ServiceClass string `json:"service_class,omitempty"`
	// ApprovalReason says why the ticket waits for a supervisor.
	ApprovalReason string `json:"approval_reason,omitempty"`
	// Zone is the on-site service zone (fees.toml zones).
	Zone string `json:"zone,omitempty"`
	// Vendor is the maker or vendor the item was sent to (送厂).
	Vendor string `json:"vendor,omitempty"`
	// Quote is the fee told to the customer before paid work.
	Quote *Quote `json:"quote,omitempty"`
	// PaidFen is what the customer paid.
	PaidFen int64 `json:"paid_fen,omitempty"`
	// PaymentRef is the card ledger entry or cash receipt of the payment.
	PaymentRef string `json:"payment_ref,omitempty"`
	// Paid is when the fees were paid.
	Paid time.Time `json:"paid,omitzero"`
	// Result is the repair result: repaired, unrepairable, exchanged, declined.
	Result string `json:"result,omitempty"`
	// Settlement is a supervisor's settlement, if any.
	Settlement *Settlement `json:"settlement,omitempty"`
	// ReadyAt is when the item became ready for pickup.
	ReadyAt time.Time `json:"ready_at,omitzero"`
	// PickedUp is when the customer collected the item.
	PickedUp time.Time `json:"picked_up,omitzero"`
	// Overdue is set by the scheduler once Due has passed.
	Overdue bool `json:"overdue,omitempty"`
	// LateWarned is set once the customer was told a repair will be late (第二十六条).
	LateWarned bool `json:"late_warned,omitempty"`
	// Replied is when a complaint was answered.
	Replied time.Time `json:"replied,omitzero"`
	// ContractEnd is when a maintenance contract ends.
	ContractEnd time.Time `json:"contract_end,omitzero"`
	// ExpiryNoticed is set once the contract expiry notice reached the customer.
	ExpiryNoticed bool `json:"expiry_noticed,omitempty"`
	// StockConfirmed is when the customer confirmed an out-of-stock order
	// before the stock was transferred (第三十四条).
	StockConfirmed time.Time `json:"stock_confirmed,omitzero"`
	// CallKind is the next call due on the call list ("" for none).
	CallKind string `json:"call_kind,omitempty"`
	// CallDue is when that call is due.
	CallDue time.Time `json:"call_due,omitzero"`
	// Created is the intake time.
	Created time.Time `json:"created"`
	// Updated is when the ticket last changed.
	Updated time.Time `json:"updated"`
}

// ClosedAt is when the ticket was last closed (zero if it is not closed):
// the last move to closed in its history, else its last change.
func (t *Ticket) ClosedAt() time.Time { return t.lastMoveTo(StatusClosed) }

// CancelledAt is when the ticket was cancelled (zero if it is not): the
// last move to cancelled in its history, else its last change.
func (t *Ticket) CancelledAt() time.Time { return t.lastMoveTo(StatusCancelled) }

// lastMoveTo is when the ticket, now in status s, last moved to it; its
// last change when the history does not say; zero in any other status.
func (t *Ticket) lastMoveTo(s TicketStatus) time.Time {
	if t.Status != s {
		return time.Time{}
	}
	for i := len(t.History) - 1; i >= 0; i-- {
		if t.History[i].To == s {
			return t.History[i].Time
		}
	}
	return t.Updated
}

// ResolvedAt is when the ticket's case was resolved: for a complaint, when
// it was answered; for any other kind, the first move to ready for pickup,
// mailed back or closed. Zero means not resolved yet. A ticket cancelled
// before it got there is never resolved; one cancelled after it was ready
// (the customer no longer wanted the item) was resolved when it was ready:
// the store had done its part by then.
func (t *Ticket) ResolvedAt() time.Time {
	if t.Kind == KindComplaint && !t.Replied.IsZero() {
		return t.Replied
	}
	for _, h := range t.History {
		switch h.To {
		case StatusReady, StatusMailBack, StatusClosed:
			return h.Time
		}
	}
	return time.Time{}
}
