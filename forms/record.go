package forms

import (
	"strconv"
	"strings"
	"time"

	"shouhou/appliance"
)

// Formats of date and date-time values (FieldDate, FieldDateTime).
const (
	DateFormat     = "2006-01-02"
	DateTimeFormat = "2006-01-02 15:04"
)

// StoreInfo is what forms print about the store: main and ui fill it in
// from the store config (store.toml), so forms need not import conf.
type StoreInfo struct {
	// Name is the store's name, printed at the top of every slip.
	Name string `json:"name"`
	// Branch is the branch (分店) name.
	Branch string `json:"branch,omitempty"`
	// Address is the service point's address.
	Address string `json:"address,omitempty"`
	// Phone is the service phone number.
	Phone string `json:"phone,omitempty"`
	// Location is the store's time zone: dates print in it (nil: as the
	// times are).
	Location *time.Location `json:"-"`
}

// Record is the one data shape every form is filled from: the records the
// slip is about (any may be nil) and free values, for fields no record
// holds and for what the clerk changed on the screen. A field takes
// Values[field ID]; when that is blank, its Source's value from the
// records; when that is blank too, the field's Default (see Form.Fill).
type Record struct {
	// Store is the store's header.
	Store StoreInfo `json:"store"`
	// Ticket is the service ticket.
	Ticket *appliance.Ticket `json:"ticket,omitempty"`
	// Customer is the ticket's or card's customer.
	Customer *appliance.Customer `json:"customer,omitempty"`
	// Purchase is the product concerned.
	Purchase *appliance.Purchase `json:"purchase,omitempty"`
	// Card is the customer's service card.
	Card *appliance.Card `json:"card,omitempty"`
	// Ledger are card transactions, oldest first; the "ledger.*" sources
	// read the last one (the transaction a receipt is printed for).
	Ledger []*appliance.LedgerEntry `json:"ledger,omitempty"`
	// Operator is who prints the form (the clerk), for "print.operator".
	Operator string `json:"operator,omitempty"`
	// Printed is when the form is printed, for "print.time"; pass the
	// clock's now (forms never reads the clock itself).
	Printed time.Time `json:"printed"`
	// Values are field values by field ID, in each kind's string form.
	Values map[string]string `json:"values,omitempty"`
}

// Sources lists every record field a Field.Source may name.
func Sources() []string {
	var out []string
	for _, g := range sourceGroups() {
		for _, n := range g.names {
			out = append(out, g.prefix+"."+n)
		}
	}
	return out
}

// sourceGroup is the source names of one record.
type sourceGroup struct {
	prefix string
	names  []string
}

// sourceGroups returns the source names of each record, for Sources.
func sourceGroups() []sourceGroup {
	return []sourceGroup{
		{"store", []string{"name", "branch", "address", "phone"}},
		{"print", []string{"operator", "time", "date"}},
		{"ticket", []string{"number", "kind", "status", "fault", "request", "created", "created_date", "due",
			"technician", "conclusion", "payment", "card", "parts", "parts_total", "fees", "fees_total", "charged",
			"condition", "appearance", "packaging", "accessories", "tags", "receipt", "unused", "warranty_card",
			"last_notice", "last_notice_outcome", "notices", "survey.attitude", "survey.skill",
			"survey.timeliness", "survey.follow_up", "survey.date"}},
		{"customer", []string{"name", "phone", "phones", "address", "notes"}},
		{"purchase", []string{"code", "name", "category", "serial", "purchased", "price", "receipt", "channel",
			"warranty_card", "flags"}},
		{"card", []string{"number", "number_masked", "status", "balance"}},
		{"ledger", []string{"card_masked", "kind", "amount", "balance", "ticket", "operator", "time", "key_short",
			"reverses"}},
	}
}

// source returns the value of the record field src names, in the string
// form of its kind; ok is false when src names no known field. A nil
// record gives "".
func (r Record) source(src string) (v string, ok bool) {
	group, name, _ := strings.Cut(src, ".")
	loc := r.Store.Location
	switch group {
	case "store":
		return storeValue(r.Store, name)
	case "print":
		return printValue(r, name, loc)
	case "ticket":
		v, ok = ticketValue(orZero(r.Ticket), name, loc)
		return blankIfNil(r.Ticket == nil, v), ok
	case "customer":
		v, ok = customerValue(orZero(r.Customer), name)
		return blankIfNil(r.Customer == nil, v), ok
	case "purchase":
		v, ok = purchaseValue(orZero(r.Purchase), name, loc)
		return blankIfNil(r.Purchase == nil, v), ok
	case "card":
		v, ok = cardValue(orZero(r.Card), name)
		return blankIfNil(r.Card == nil, v), ok
	case "ledger":
		var last *appliance.LedgerEntry
		if n := len(r.Ledger); n > 0 {
			last = r.Ledger[n-1]
		}
		v, ok = ledgerValue(orZero(last), name, loc)
		return blankIfNil(last == nil, v), ok
	}
	return "", false
}

func orZero[T any](p *T) *T {
	if p == nil {
		return new(T)
	}
	return p
}

func blankIfNil(isNil bool, v string) string {
	if isNil {
		return ""
	}
	return v
}

func storeValue(s StoreInfo, name string) (string, bool) {
	switch name {
	case "name":
		return s.Name, true
	case "branch":
		return s.Branch, true
	case "address":
		return s.Address, true
	case "phone":
		return s.Phone, true
	}
	return "", false
}

func printValue(r Record, name string, loc *time.Location) (string, bool) {
	switch name {
	case "operator":
		return r.Operator, true
	case "time":
		return formatTime(r.Printed, DateTimeFormat, loc), true
	case "date":
		return formatTime(r.Printed, DateFormat, loc), true
	}
	return "", false
}

func ticketValue(t *appliance.Ticket, name string, loc *time.Location) (string, bool) {
	if v, ok := conditionValue(t.Condition, name); ok {
		return v, true
	}
	if v, ok := surveyValue(t.Survey, name, loc); ok {
		return v, true
	}
	switch name {
	case "number":
		return t.Number, true
	case "kind":
		return string(t.Kind), true
	case "status":
		return string(t.Status), true
	case "fault":
		return t.Fault, true
	case "request":
		return t.Request, true
	case "created":
		return formatTime(t.Created, DateTimeFormat, loc), true
	case "created_date":
		return formatTime(t.Created, DateFormat, loc), true
	case "due":
		return formatTime(t.Due, DateFormat, loc), true
	case "technician":
		return t.Technician, true
	case "conclusion":
		return t.Conclusion, true
	case "payment":
		return t.Payment, true
	case "card":
		return t.Card, true
	}
	return ticketMoneyValue(t, name, loc)
}

// ticketMoneyValue resolves the parts, fees and notices of a ticket.
func ticketMoneyValue(t *appliance.Ticket, name string, loc *time.Location) (string, bool) {
	switch name {
	case "parts":
		lines := make([]string, 0, len(t.Parts))
		for _, p := range t.Parts {
			lines = append(lines, cell(p.Name)+" ×"+strconv.Itoa(p.Qty)+"\t"+FormatYuan(int64(p.Qty)*p.PriceFen))
		}
		return strings.Join(lines, "\n"), true
	case "parts_total":
		if len(t.Parts) == 0 {
			return "", true
		}
		return yuanValue(partsTotal(t)), true
	case "fees":
		lines := make([]string, 0, len(t.Fees))
		for _, f := range t.Fees {
			lines = append(lines, cell(f.Name)+payerNote(f.Payer)+"\t"+FormatYuan(f.Fen))
		}
		return strings.Join(lines, "\n"), true
	case "fees_total":
		if len(t.Fees) == 0 {
			return "", true
		}
		return yuanValue(customerFees(t)), true
	case "charged":
		if len(t.Fees) == 0 {
			return "", true
		}
		if customerFees(t) > 0 {
			return "charged", true
		}
		return "free", true
	case "last_notice", "last_notice_outcome":
		if len(t.Notices) == 0 {
			return "", true
		}
		n := t.Notices[len(t.Notices)-1]
		if name == "last_notice" {
			return formatTime(n.Time, DateTimeFormat, loc), true
		}
		return n.Outcome, true
	case "notices":
		lines := make([]string, 0, len(t.Notices))
		for _, n := range t.Notices {
			lines = append(lines, formatTime(n.Time, DateTimeFormat, loc)+" "+cell(n.Operator)+"\t"+outcomeZh(n.Outcome))
		}
		return strings.Join(lines, "\n"), true
	}
	return "", false
}

// cell makes s fit one side of a list line: no line breaks, no tabs.
func cell(s string) string { return strings.ReplaceAll(oneLine(s), "\t", " ") }

func partsTotal(t *appliance.Ticket) int64 {
	var sum int64
	for _, p := range t.Parts {
		sum += int64(p.Qty) * p.PriceFen
	}
	return sum
}

// customerFees sums the fees the customer pays.
func customerFees(t *appliance.Ticket) int64 {
	var sum int64
	for _, f := range t.Fees {
		if f.Payer != "store" {
			sum += f.Fen
		}
	}
	return sum
}

func payerNote(payer string) string {
	if payer == "store" {
		return "（店方承担）"
	}
	return ""
}

func outcomeZh(o string) string {
	for _, op := range noticeOutcomes() {
		if op.Value == o {
			return op.Label.Zh
		}
	}
	return o
}

func conditionValue(c appliance.Condition, name string) (string, bool) {
	switch name {
	case "condition":
		return conditionSummary(c), true
	case "appearance":
		return c.Appearance, true
	case "packaging":
		return strconv.FormatBool(c.Packaging), true
	case "accessories":
		return strconv.FormatBool(c.Accessories), true
	case "tags":
		return strconv.FormatBool(c.Tags), true
	case "receipt":
		return strconv.FormatBool(c.Receipt), true
	case "unused":
		return strconv.FormatBool(c.Unused), true
	case "warranty_card":
		return strconv.FormatBool(c.WarrantyCard), true
	}
	return "", false
}

// conditionSummary says in words what was checked at intake.
func conditionSummary(c appliance.Condition) string {
	item := func(ok bool, yes, no string) string {
		if ok {
			return yes
		}
		return no
	}
	parts := []string{
		item(c.Unused, "未使用", "已使用"),
		item(c.Packaging, "包装齐全", "包装不全"),
		item(c.Accessories, "配件齐全", "配件不全"),
		item(c.Tags, "吊牌完好", "无吊牌"),
		item(c.WarrantyCard, "有保修卡", "无保修卡"),
		item(c.Receipt, "有购物凭证", "无购物凭证"),
	}
	return strings.Join(parts, "，")
}

func surveyValue(s *appliance.Survey, name string, loc *time.Location) (string, bool) {
	level := func(n int) string {
		if s == nil || n < 1 || n > 4 {
			return ""
		}
		return strconv.Itoa(n)
	}
	switch name {
	case "survey.attitude":
		return level(orZero(s).Attitude), true
	case "survey.skill":
		return level(orZero(s).Skill), true
	case "survey.timeliness":
		return level(orZero(s).Timeliness), true
	case "survey.follow_up":
		return level(orZero(s).FollowUp), true
	case "survey.date":
		return formatTime(orZero(s).Time, DateFormat, loc), true
	}
	return "", false
}

func customerValue(c *appliance.Customer, name string) (string, bool) {
	switch name {
	case "name":
		return c.Name, true
	case "phone":
		if len(c.Phones) == 0 {
			return "", true
		}
		return c.Phones[0], true
	case "phones":
		return strings.Join(c.Phones, "，"), true
	case "address":
		return c.Address, true
	case "notes":
		return c.Notes, true
	}
	return "", false
}

func purchaseValue(p *appliance.Purchase, name string, loc *time.Location) (string, bool) {
	switch name {
	case "code":
		return p.ProductCode, true
	case "name":
		return p.Name, true
	case "category":
		return p.Category, true
	case "serial":
		return p.Serial, true
	case "purchased":
		return formatTime(p.Purchased, DateFormat, loc), true
	case "price":
		return yuanValue(p.PriceFen), true
	case "receipt":
		return p.Receipt, true
	case "channel":
		return p.Channel, true
	case "warranty_card":
		return p.WarrantyCard, true
	case "flags":
		var f []string
		for _, x := range []struct {
			on bool
			zh string
		}{{p.Special, "特价"}, {p.Gift, "赠品"}, {p.Custom, "定制"}} {
			if x.on {
				f = append(f, x.zh)
			}
		}
		return strings.Join(f, " "), true
	}
	return "", false
}

func cardValue(c *appliance.Card, name string) (string, bool) {
	switch name {
	case "number":
		return c.Number, true
	case "number_masked":
		return MaskCard(c.Number), true
	case "status":
		return string(c.Status), true
	case "balance":
		return yuanValue(c.BalanceFen), true
	}
	return "", false
}

func ledgerValue(e *appliance.LedgerEntry, name string, loc *time.Location) (string, bool) {
	switch name {
	case "card_masked":
		return MaskCard(e.Card), true
	case "kind":
		return string(e.Kind), true
	case "amount":
		return yuanValue(e.AmountFen), true
	case "balance":
		return yuanValue(e.BalanceFen), true
	case "ticket":
		return e.Ticket, true
	case "operator":
		return e.Operator, true
	case "time":
		return formatTime(e.Time, DateTimeFormat, loc), true
	case "key_short":
		return ShortKey(e.Key), true
	case "reverses":
		return e.Reverses, true
	}
	return "", false
}

// formatTime prints t in loc (when set) by layout; the zero time is "".
func formatTime(t time.Time, layout string, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if loc != nil {
		t = t.In(loc)
	}
	return t.Format(layout)
}

// MaskCard hides all but the last 4 characters of a card number behind
// '*', keeping its length: "SC-000123" → "*****0123".
func MaskCard(number string) string {
	r := []rune(number)
	for i := 0; i < len(r)-4; i++ {
		r[i] = '*'
	}
	return string(r)
}

// ShortKey shortens an idempotency key for paper: its first 8 characters
// and "…" when it is longer than 10.
func ShortKey(key string) string {
	r := []rune(key)
	if len(r) <= 10 {
		return key
	}
	return string(r[:8]) + "…"
}
