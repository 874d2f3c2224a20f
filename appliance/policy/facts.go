package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"slices"
	"strings"

	"shouhou/appliance"
	"shouhou/appliance/calendar"
)

// Problems a customer can report.
const (
	ProblemQuality         = "quality"          // a defect of the goods
	ProblemNotQuality      = "not_quality"      // no defect: changed mind, or on the non-quality list
	ProblemCustomerDamage  = "customer_damage"  // drops, water, self-repair, misuse, force majeure
	ProblemTransportDamage = "transport_damage" // damaged on the way to the customer
)

// Requests a customer can make.
const (
	RequestReturn   = "return"
	RequestExchange = "exchange"
	RequestRepair   = "repair"
)

// MaxPriceFen is the largest price a claim may carry: 100 million yuan.
const MaxPriceFen = 100_000_000_00

// MaxPriorRepairs is the largest prior_repairs accepted.
const MaxPriorRepairs = 100

// Condition is the state of the goods at intake. Each field is true when
// the condition holds.
type Condition struct {
	// Unused: not used or processed, resaleable.
	Unused bool `json:"unused"`
	// Packaging: the original packaging is complete.
	Packaging bool `json:"packaging"`
	// Accessories: every accessory is there.
	Accessories bool `json:"accessories"`
	// WarrantyCard: the warranty card is there.
	WarrantyCard bool `json:"warranty_card"`
	// Tags: the tags are still on.
	Tags bool `json:"tags"`
}

// has reports whether condition key k holds.
func (c Condition) has(k string) bool {
	switch k {
	case CondUnused:
		return c.Unused
	case CondPackaging:
		return c.Packaging
	case CondAccessories:
		return c.Accessories
	case CondWarrantyCard:
		return c.WarrantyCard
	case CondTags:
		return c.Tags
	}
	return false
}

// Facts are what the desk knows about a claim. The JSON field names are
// fixed: tickets store facts in this form.
type Facts struct {
	// Category is the product's policy key, e.g. "electronics".
	Category string `json:"category"`
	// Purchased is the purchase date on the receipt, YYYY-MM-DD.
	Purchased string `json:"purchased"`
	// Claimed is the date of the claim, YYYY-MM-DD.
	Claimed string `json:"claimed"`
	// PriceFen is the price actually paid, after discounts, in fen.
	PriceFen int64 `json:"price_fen"`
	// Flags are any of "special", "gift", "custom".
	Flags []string `json:"flags,omitempty"`
	// Condition is the state of the goods at intake.
	Condition Condition `json:"condition"`
	// Problem is "quality", "not_quality", "customer_damage" or
	// "transport_damage".
	Problem string `json:"problem"`
	// PriorRepairs counts earlier repairs of the same defect under warranty.
	PriorRepairs int `json:"prior_repairs"`
	// Repairable says whether the item can be repaired; absent means
	// repairable (not yet known to be otherwise).
	Repairable *bool `json:"repairable,omitempty"`
	// Request is what the customer asks for: "return", "exchange",
	// "repair", or empty when not yet said.
	Request string `json:"request,omitempty"`
	// MailedIn says the goods came by post (a mail-order claim). Only
	// then is there a parcel whose shipping the decision prices and
	// assigns (seed 000 淘宝售后服务卡); absent means brought to the desk.
	MailedIn bool `json:"mailed_in,omitempty"`
}

// facts are validated Facts.
type facts struct {
	Facts
	cat                category
	purchased, claimed calendar.Date
	day                int
	repairable         bool
}

type category = Category

// ParseFacts decodes facts from JSON strictly (unknown fields are errors)
// without validating them against tables. Errors are *appliance.Error naming
// the field.
func ParseFacts(data []byte) (Facts, error) {
	var f Facts
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return Facts{}, jsonFieldError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return Facts{}, appliance.FieldError("", "JSON 之后还有多余内容 / trailing data after the facts object")
	}
	return f, nil
}

func jsonFieldError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return appliance.FieldError(te.Field, "类型错误，应为 %s / wrong type, want %s", te.Type, te.Type)
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		field := strings.Trim(strings.TrimPrefix(msg, "json: unknown field "), `"`)
		return appliance.FieldError(field, "未知字段 / unknown field %q", field)
	}
	return appliance.FieldError("", "JSON 格式错误 / malformed JSON: %v", err)
}

// Validate checks f against the tables and returns an *appliance.Error
// naming the first field at fault, or nil.
func Validate(t *Tables, f Facts) error {
	_, err := check(t, f)
	return err
}

func check(t *Tables, f Facts) (facts, error) {
	in := facts{Facts: f, repairable: f.Repairable == nil || *f.Repairable}
	var ok bool
	if f.Category == "" {
		return in, appliance.FieldError("category", "缺少商品类别 / category is required")
	}
	if in.cat, ok = t.Categories[f.Category]; !ok {
		return in, appliance.FieldError("category", "未知的商品类别 %q / unknown category %q", f.Category, f.Category)
	}
	var err error
	if in.purchased, err = calendar.ParseDate(f.Purchased); err != nil {
		return in, appliance.FieldError("purchased", "购买日期应为 YYYY-MM-DD / purchased must be a date YYYY-MM-DD")
	}
	if in.claimed, err = calendar.ParseDate(f.Claimed); err != nil {
		return in, appliance.FieldError("claimed", "受理日期应为 YYYY-MM-DD / claimed must be a date YYYY-MM-DD")
	}
	if in.purchased.After(in.claimed) {
		return in, appliance.FieldError("purchased", "购买日期晚于受理日期 / purchase date is after the claim date")
	}
	in.day = in.claimed.Sub(in.purchased)
	if f.PriceFen < 0 || f.PriceFen > MaxPriceFen {
		return in, appliance.FieldError("price_fen", "价格应在 0 到 %s 元之间 / price must be between 0 and %s yuan", Yuan(MaxPriceFen), Yuan(MaxPriceFen))
	}
	for _, fl := range f.Flags {
		if !slices.Contains(FlagKeys(), fl) {
			return in, appliance.FieldError("flags", "未知标记 %q，应为 special、gift 或 custom / unknown flag %q, want special, gift or custom", fl, fl)
		}
	}
	switch f.Problem {
	case ProblemQuality, ProblemNotQuality, ProblemCustomerDamage, ProblemTransportDamage:
	case "":
		return in, appliance.FieldError("problem", "缺少问题类型 / problem is required")
	default:
		return in, appliance.FieldError("problem", "未知问题类型 %q / unknown problem %q", f.Problem, f.Problem)
	}
	if f.PriorRepairs < 0 || f.PriorRepairs > MaxPriorRepairs {
		return in, appliance.FieldError("prior_repairs", "维修次数应在 0 到 %d 之间 / prior_repairs must be 0–%d", MaxPriorRepairs, MaxPriorRepairs)
	}
	switch f.Request {
	case "", RequestReturn, RequestExchange, RequestRepair:
	default:
		return in, appliance.FieldError("request", "未知请求 %q，应为 return、exchange 或 repair / unknown request %q, want return, exchange or repair", f.Request, f.Request)
	}
	return in, nil
}

func (f facts) hasFlag(flags []string) (string, bool) {
	for _, fl := range f.Flags {
		if slices.Contains(flags, fl) {
			return fl, true
		}
	}
	return "", false
}
