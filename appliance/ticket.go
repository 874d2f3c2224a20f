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
}

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
	// Facts are the policy facts the decision was made from, kept for replay.
	Facts json.RawMessage `json:"facts,omitempty"`
	// Decision is the policy decision snapshot.
	Decision json.RawMessage `json:"decision,omitempty"`
	// ConfigVersion is the config version that made the decision.
	ConfigVersion string `json:"config_version,omitempty"`
	// Technician is the staff id of the assigned technician.
	Technician string `json:"technician,omitempty"`
	// Due is when the ticket must be settled by the SLA.
	Due time.Time `json:"due"`
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
	// Created is the intake time.
	Created time.Time `json:"created"`
	// Updated is when the ticket last changed.
	Updated time.Time `json:"updated"`
}
