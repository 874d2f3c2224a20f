package purchases

import (
	"strconv"
	"strings"
	"time"
	"unicode"

	"shouhou/appliance"
	"shouhou/appliance/calendar"
	"shouhou/appliance/policy"
)

// Sale is one line of a till receipt, as the till reports it.
type Sale struct {
	// Row is the line of the file it was read from (0 for a pushed sale).
	Row int `json:"-"`
	// Receipt is the till receipt number (小票号); required.
	Receipt string `json:"receipt"`
	// Line is the line on the receipt, from 1; required.
	Line int `json:"line"`
	// SKU is the product code or barcode; required.
	SKU string `json:"sku"`
	// Name is the product name; "" takes the catalogue's.
	Name string `json:"name,omitempty"`
	// Spec is the specification; "" takes the catalogue's.
	Spec string `json:"spec,omitempty"`
	// Category is the policy category; "" takes the catalogue's.
	Category string `json:"category,omitempty"`
	// Serial is the product's serial number, if it has one.
	Serial string `json:"serial,omitempty"`
	// Sold is when it was sold, in the store's time zone; required.
	Sold time.Time `json:"sold"`
	// PriceFen is the price actually paid, after discounts.
	PriceFen int64 `json:"price_fen"`
	// Channel is "store" (the default) or "online".
	Channel string `json:"channel,omitempty"`
	// Special, Gift and Custom are the line's flags (特价, 赠品, 定制).
	Special bool `json:"special,omitempty"`
	Gift    bool `json:"gift,omitempty"`
	Custom  bool `json:"custom,omitempty"`
}

// PurchaseID is the ID of the purchase a receipt line becomes: the same
// line always gives the same ID, which makes imports idempotent.
func PurchaseID(receipt string, line int) string {
	return "till/" + receipt + "/" + strconv.Itoa(line)
}

// rowOf is where a sale's errors are reported.
func (s *Sale) rowOf() int {
	if s.Row > 0 {
		return s.Row
	}
	return s.Line
}

// purchase checks the sale and turns it into the purchase to store,
// completing it from the catalogue line (nil when the SKU is not there).
func (s *Sale) purchase(cat *appliance.Product, tables *policy.Tables, till string, now time.Time) (*appliance.Purchase, *RowError) {
	bad := func(field, msg string) (*appliance.Purchase, *RowError) {
		return nil, &RowError{Line: s.rowOf(), Field: field, Message: msg}
	}
	receipt, sku := strings.TrimSpace(s.Receipt), strings.TrimSpace(s.SKU)
	name, spec, category := strings.TrimSpace(s.Name), strings.TrimSpace(s.Spec), strings.TrimSpace(s.Category)
	if cat != nil {
		name, spec, category = or(name, cat.Name), or(spec, cat.Spec), or(category, cat.Category)
	}
	_, known := tables.Categories[category]
	switch {
	case receipt == "":
		return bad("receipt", "缺少小票号 / the receipt number is missing")
	case !plain(receipt) || len(receipt) > 64:
		return bad("receipt", "小票号含控制字符或过长 / the receipt number has control characters or is over 64 bytes")
	case !plain(s.Serial) || !plain(sku):
		return bad("serial", "编码或序列号含控制字符 / the product code or serial has control characters")
	case s.Line < 1:
		return bad("line", "小票行号应从 1 开始 / the receipt line must be 1 or more")
	case sku == "":
		return bad("sku", "缺少商品编码 / the product code is missing")
	case name == "":
		return bad("name", "缺少商品名称，商品资料中也没有 / the product name is missing and the SKU is not in the catalogue")
	case category == "":
		return bad("category", "缺少商品类别，商品资料中也没有 / the category is missing and the SKU is not in the catalogue")
	case !known:
		return bad("category", "政策中没有类别 "+strconv.Quote(category)+" / the policy has no category "+strconv.Quote(category))
	case s.Sold.IsZero():
		return bad("date", "缺少购买日期 / the purchase date is missing")
	case calendar.DateOf(s.Sold.In(now.Location())).After(calendar.DateOf(now)):
		return bad("date", "购买日期晚于今天 / the purchase date is after today")
	case s.PriceFen < 0 || s.PriceFen > policy.MaxPriceFen:
		return bad("price", "实付金额不正确 / the price paid is out of range")
	case s.Channel != "" && s.Channel != "store" && s.Channel != "online":
		return bad("channel", "渠道应为 store 或 online / channel must be store or online")
	}
	if spec != "" && !strings.Contains(name, spec) {
		name += " " + spec
	}
	return &appliance.Purchase{ID: PurchaseID(receipt, s.Line), ProductCode: sku, Name: name,
		Category: category, Serial: strings.TrimSpace(s.Serial), Purchased: s.Sold.In(now.Location()),
		PriceFen: s.PriceFen, Receipt: receipt, Line: s.Line, Channel: or(s.Channel, "store"),
		Special: s.Special, Gift: s.Gift, Custom: s.Custom, Till: till, Created: now}, nil
}

// plain reports whether s has no control characters (the store's index
// keys separate values with NUL).
func plain(s string) bool {
	return !strings.ContainsFunc(s, unicode.IsControl)
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// sameSale reports whether a stored purchase holds what the till said of
// the line: a re-import of it changes nothing. A line a supervisor has
// corrected, or one taken in at the desk since, is left alone whatever the
// till says now.
func sameSale(old, p *appliance.Purchase) bool {
	if old.Corrected {
		return true
	}
	return old.ProductCode == p.ProductCode && old.Name == p.Name && old.Category == p.Category &&
		old.Serial == p.Serial && old.Purchased.Equal(p.Purchased) && old.PriceFen == p.PriceFen &&
		old.Channel == p.Channel && old.Special == p.Special && old.Gift == p.Gift && old.Custom == p.Custom
}
