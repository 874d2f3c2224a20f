package policy

import (
	"fmt"
	"slices"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/calendar"
)

// Window is a period counted from the purchase date: Days, or Months (a
// year is 12 months). The zero Window is "none": nothing is ever within it.
type Window struct {
	// Days is the length in days; purchase day is day 0.
	Days int `json:"days,omitempty"`
	// Months is the length in calendar months.
	Months int `json:"months,omitempty"`
}

// None reports whether the window is empty (the right does not exist).
func (w Window) None() bool { return w.Days <= 0 && w.Months <= 0 }

// LastDay returns the last date inside the window for a purchase date.
// Meaningless when None.
func (w Window) LastDay(purchased calendar.Date) calendar.Date {
	if w.Months > 0 {
		return purchased.AddMonths(w.Months)
	}
	return purchased.AddDays(w.Days)
}

// Contains reports whether a claim on claimed is within the window of a
// purchase on purchased: claimed ≤ LastDay(purchased).
func (w Window) Contains(purchased, claimed calendar.Date) bool {
	return !w.None() && !claimed.After(w.LastDay(purchased))
}

// String formats the window as config writes it: "7d", "3m", "1y", "none".
func (w Window) String() string {
	switch {
	case w.None():
		return "none"
	case w.Months > 0 && w.Months%12 == 0:
		return fmt.Sprintf("%dy", w.Months/12)
	case w.Months > 0:
		return fmt.Sprintf("%dm", w.Months)
	}
	return fmt.Sprintf("%dd", w.Days)
}

// Condition keys: what "unused and resaleable" is made of.
const (
	CondUnused       = "unused"        // not used or processed (seed 001 第十一条)
	CondPackaging    = "packaging"     // original packaging complete (第十三条)
	CondAccessories  = "accessories"   // accessories complete (第十三条)
	CondWarrantyCard = "warranty_card" // warranty card present (第十三条)
	CondTags         = "tags"          // tags on (seed 000)
)

// ConditionKeys lists every condition key in a fixed order.
func ConditionKeys() []string {
	return []string{CondUnused, CondPackaging, CondAccessories, CondWarrantyCard, CondTags}
}

// Flags of a purchase.
const (
	FlagSpecial = "special" // bought at a special price 特价
	FlagGift    = "gift"    // a gift 赠品
	FlagCustom  = "custom"  // custom-made 定制
)

// FlagKeys lists every flag in a fixed order.
func FlagKeys() []string { return []string{FlagSpecial, FlagGift, FlagCustom} }

// Shipping payers.
const (
	PayerStore    = "store"    // the store pays
	PayerCustomer = "customer" // the customer pays
	PayerSplit    = "split"    // each pays half (the store's half rounded down)
)

// Category is the policy of one product category.
type Category struct {
	// ID is the policy key, e.g. "electronics".
	ID string `json:"id"`
	// Name is the category's name for people.
	Name string `json:"name"`
	// NoReasonReturn is the no-reason return window (unused, resaleable);
	// none for intimate apparel (seed 002).
	NoReasonReturn Window `json:"no_reason_return"`
	// NoReasonRequires are the condition keys a no-reason return needs.
	NoReasonRequires []string `json:"no_reason_requires"`
	// QualityReturn is the window for a return with a quality problem.
	QualityReturn Window `json:"quality_return"`
	// QualityExchange is the window for an exchange with a quality problem.
	QualityExchange Window `json:"quality_exchange"`
	// FreeRepair is the free-repair (warranty) period.
	FreeRepair Window `json:"free_repair"`
	// Depreciation says whether an item unrepairable within the free-repair
	// period may be returned or exchanged less depreciation (seed 002 三包:
	// apparel, leather).
	Depreciation bool `json:"depreciation"`
	// NonQuality lists what is not a quality problem for this category
	// (seed 002: apparel), shown with a not-quality decision.
	NonQuality []string `json:"non_quality,omitempty"`
}

// DepreciationStep is one row of the depreciation schedule: claims up to
// and including UpToDays after purchase lose Rate of the price paid.
type DepreciationStep struct {
	// UpToDays is the last day (purchase day 0) the step covers.
	UpToDays int `json:"up_to_days"`
	// Rate is the depreciation.
	Rate BP `json:"rate"`
}

// ShippingStep is one row of the shipping schedule for a mailed return with
// a quality problem: up to and including UpToDays, Payer pays.
type ShippingStep struct {
	// UpToDays is the last day (purchase day 0) the step covers.
	UpToDays int `json:"up_to_days"`
	// Payer is PayerStore, PayerCustomer or PayerSplit.
	Payer string `json:"payer"`
}

// Tables are the policy tables of one config snapshot. Decide only reads
// them; they must not be changed once built.
type Tables struct {
	// Version is the config version that produced the tables; every
	// decision carries it.
	Version string `json:"version"`
	// Categories by ID.
	Categories map[string]Category `json:"categories"`
	// NoReturnExchangeFlags are flags that rule out any return or exchange
	// (seed 001 第十五条: special price, gift).
	NoReturnExchangeFlags []string `json:"no_return_exchange_flags"`
	// NoReasonReturnFlags are flags that rule out a return without a
	// quality problem (seed 001 第十二条: custom-made).
	NoReasonReturnFlags []string `json:"no_reason_return_flags"`
	// Depreciation is the schedule for unrepairable items, ascending.
	Depreciation []DepreciationStep `json:"depreciation"`
	// RestockingFee is charged on a no-reason return (0 = none).
	RestockingFee BP `json:"restocking_fee"`
	// Shipping is the payer schedule for a mailed quality return, ascending.
	Shipping []ShippingStep `json:"shipping"`
	// ShippingAfter pays after the last step.
	ShippingAfter string `json:"shipping_after"`
	// ShippingNotQuality pays for mailing goods without a quality problem.
	ShippingNotQuality string `json:"shipping_not_quality"`
	// ShippingFeeFen is the fee of one mailed parcel (fees.toml).
	ShippingFeeFen int64 `json:"shipping_fee_fen"`
	// RepairCap caps an out-of-warranty repair as a share of the price paid
	// (seed 001 6.5.3: 20 %).
	RepairCap BP `json:"repair_cap"`
	// RepairWarranty is the warranty on a repair, parts and labour.
	RepairWarranty Window `json:"repair_warranty"`
	// BoardRepairWarranty is the warranty on a repaired board.
	BoardRepairWarranty Window `json:"board_repair_warranty"`
	// RepairsBeforeExchange: after this many repairs of the same defect
	// within warranty, a failing item is exchanged for a new one (seed 003).
	RepairsBeforeExchange int `json:"repairs_before_exchange"`
	// RefundApprovalAboveFen: a refund above this needs a supervisor (a
	// decision's refund; a clerk's card limits default to it, see
	// MoneyLimits).
	RefundApprovalAboveFen int64 `json:"refund_approval_above_fen"`
	// ReversalApprovalAboveFen: a card reversal above this needs a supervisor.
	ReversalApprovalAboveFen int64 `json:"reversal_approval_above_fen"`
	// ReversalWindow is how long after a charge it may be reversed at the
	// desk (seed 000 壹卡通 FAQ 11).
	ReversalWindow time.Duration `json:"reversal_window"`
	// CardBalanceExpiry is how long a card balance stays valid after the
	// last top-up; none = never expires (seed 000 壹卡通 FAQ 10).
	CardBalanceExpiry Window `json:"card_balance_expiry"`
	// MoneyLimits are the money limits of each role that has any; a role
	// without an entry is unlimited (see CheckLimit).
	MoneyLimits map[appliance.Role]MoneyLimits `json:"money_limits"`
	// ComplaintReasons are the reasons a complaint is taken in under, in
	// the order screens and the summary show them; one is ComplaintOther.
	ComplaintReasons []ComplaintReason `json:"complaint_reasons"`
}

// Validate checks the tables' own invariants: windows ordered, schedules
// ascending, payers and keys known, amounts not negative. Package conf
// reports the same problems with file positions; this is the last guard.
func (t *Tables) Validate() error {
	if len(t.Categories) == 0 {
		return fmt.Errorf("policy: no categories")
	}
	for id, c := range t.Categories {
		if c.ID != id {
			return fmt.Errorf("policy: category %q has id %q", id, c.ID)
		}
		for _, k := range c.NoReasonRequires {
			if !slices.Contains(ConditionKeys(), k) {
				return fmt.Errorf("policy: category %q: unknown condition %q", id, k)
			}
		}
	}
	for _, f := range append(slices.Clone(t.NoReturnExchangeFlags), t.NoReasonReturnFlags...) {
		if !slices.Contains(FlagKeys(), f) {
			return fmt.Errorf("policy: unknown flag %q", f)
		}
	}
	for i, s := range t.Depreciation {
		if s.Rate < 0 || s.Rate > 10000 || (i > 0 && s.UpToDays <= t.Depreciation[i-1].UpToDays) {
			return fmt.Errorf("policy: depreciation step %d out of order or range", i+1)
		}
	}
	for i, s := range t.Shipping {
		if !validPayer(s.Payer) || (i > 0 && s.UpToDays <= t.Shipping[i-1].UpToDays) {
			return fmt.Errorf("policy: shipping step %d out of order or unknown payer", i+1)
		}
	}
	if !validPayer(t.ShippingAfter) || !validPayer(t.ShippingNotQuality) {
		return fmt.Errorf("policy: unknown shipping payer")
	}
	if t.RestockingFee < 0 || t.RestockingFee > 10000 || t.RepairCap < 0 || t.RepairCap > 10000 {
		return fmt.Errorf("policy: rate out of range 0–100%%")
	}
	if t.ShippingFeeFen < 0 || t.RefundApprovalAboveFen < 0 || t.ReversalApprovalAboveFen < 0 || t.RepairsBeforeExchange < 1 {
		return fmt.Errorf("policy: negative amount or repairs_before_exchange < 1")
	}
	for role, l := range t.MoneyLimits {
		for op, fen := range l.PerOpFen {
			if fen < 0 {
				return fmt.Errorf("policy: %s's %s limit is negative", role, op)
			}
		}
	}
	if len(t.ComplaintReasons) > 0 {
		if _, ok := t.ComplaintReason(ComplaintOther); !ok {
			return fmt.Errorf("policy: the complaint reasons lack %q", ComplaintOther)
		}
	}
	return nil
}

func validPayer(p string) bool { return p == PayerStore || p == PayerCustomer || p == PayerSplit }
