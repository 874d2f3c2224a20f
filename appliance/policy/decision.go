package policy

// Outcome kinds.
const (
	KindReturn     = "return"
	KindExchange   = "exchange"
	KindFreeRepair = "free_repair"
	KindPaidRepair = "paid_repair"
	KindNone       = "none" // nothing is owed; the outcome's rules say why
)

// outcomeWords names an outcome kind in both languages for the texts a
// decision carries (an unknown kind is named as it is).
func outcomeWords(kind string) (zh, en string) {
	switch kind {
	case KindReturn:
		return "退货", "return"
	case KindExchange:
		return "换货", "exchange"
	case KindFreeRepair:
		return "免费维修", "free repair"
	case KindPaidRepair:
		return "收费维修", "paid repair"
	case KindNone:
		return "不予处理", "nothing"
	}
	return kind, kind
}

// Fee names.
const (
	FeeRestocking   = "restocking"   // no-reason return fee, share of the price
	FeeDepreciation = "depreciation" // unrepairable item, share of the price
	FeeShipping     = "shipping"     // one mailed parcel
)

// Fee is one fee line of an outcome.
type Fee struct {
	// Name is one of the Fee* names.
	Name string `json:"name"`
	// Fen is the amount.
	Fen int64 `json:"fen"`
	// Payer is "store" or "customer".
	Payer string `json:"payer"`
}

// Approval says whether a supervisor must approve and why.
type Approval struct {
	// Needed is true when a supervisor must approve.
	Needed bool `json:"needed"`
	// Reason says why, Chinese first, then English; several reasons are
	// joined with "; ".
	Reason string `json:"reason,omitempty"`
}

// Outcome is one thing the customer is entitled to.
type Outcome struct {
	// Kind is return, exchange, free_repair, paid_repair or none.
	Kind string `json:"kind"`
	// Fees are the fee lines; labour and parts of a repair are priced at
	// diagnosis and are not known here (see CapFen).
	Fees []Fee `json:"fees"`
	// RefundFen is what a return pays back: the price paid less the
	// customer's restocking and depreciation fees.
	RefundFen int64 `json:"refund_fen,omitempty"`
	// CapFen is the most a paid repair may cost the customer, 0 = no cap.
	CapFen int64 `json:"cap_fen,omitempty"`
	// Shipping is who pays a mailed parcel: store, customer or split.
	Shipping string `json:"shipping,omitempty"`
	// Until is the last day (YYYY-MM-DD) of the window giving this outcome.
	Until string `json:"until,omitempty"`
	// RepairWarranty is the warranty a repair carries, e.g. "1m".
	RepairWarranty string `json:"repair_warranty,omitempty"`
	// BoardRepairWarranty is the warranty on a repaired board, e.g. "6m".
	BoardRepairWarranty string `json:"board_repair_warranty,omitempty"`
	// Requested is true when this is what the customer asked for.
	Requested bool `json:"requested"`
	// Approval is set when this outcome itself needs a supervisor.
	Approval *Approval `json:"approval,omitempty"`
	// Rules are the IDs of the rules that give (or, for none, deny) it.
	Rules []string `json:"rules"`
}

// Decision is what Decide returns. It is kept on the ticket with the config
// version that made it.
type Decision struct {
	// Category is the facts' category.
	Category string `json:"category"`
	// CategoryName is the category's name for people (policy.toml name),
	// "" for a category the tables do not know.
	CategoryName string `json:"category_name,omitempty"`
	// Day is the claim's day counted from the purchase (purchase day 0).
	Day int `json:"day"`
	// Outcomes the customer may choose among; never empty on valid facts
	// (a single "none" outcome when nothing is owed).
	Outcomes []Outcome `json:"outcomes"`
	// Approval is whether a supervisor must approve the requested outcome.
	Approval Approval `json:"approval"`
	// Rules are the texts of every rule cited, in order of first citation.
	Rules []Rule `json:"rules"`
	// ConfigVersion is the version of the config that made the decision.
	ConfigVersion string `json:"config_version"`
	// Error is set, and Outcomes empty, when the facts were invalid.
	Error string `json:"error,omitempty"`
	// Field names the fact at fault when Error is set.
	Field string `json:"field,omitempty"`
}

// Outcome returns the first outcome of the given kind.
func (d Decision) Outcome(kind string) (Outcome, bool) {
	for _, o := range d.Outcomes {
		if o.Kind == kind {
			return o, true
		}
	}
	return Outcome{}, false
}

// Kinds returns the kinds of the outcomes in order.
func (d Decision) Kinds() []string {
	out := make([]string, len(d.Outcomes))
	for i, o := range d.Outcomes {
		out[i] = o.Kind
	}
	return out
}
