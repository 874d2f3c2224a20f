package policy

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"shouhou/appliance"
)

// fx returns facts for a purchase on 2026-03-01 at 800.00 yuan in perfect
// condition, claimed on the given date.
func fx(cat, problem, claimed string, mods ...func(*Facts)) Facts {
	f := Facts{Category: cat, Purchased: "2026-03-01", Claimed: claimed, PriceFen: 80000, Problem: problem,
		Condition: Condition{Unused: true, Packaging: true, Accessories: true, WarrantyCard: true, Tags: true}}
	for _, m := range mods {
		m(&f)
	}
	return f
}

func flags(fl ...string) func(*Facts)      { return func(f *Facts) { f.Flags = fl } }
func request(r string) func(*Facts)        { return func(f *Facts) { f.Request = r } }
func price(fen int64) func(*Facts)         { return func(f *Facts) { f.PriceFen = fen } }
func mailed(f *Facts)                      { f.MailedIn = true }
func priorRepairs(n int) func(*Facts)      { return func(f *Facts) { f.PriorRepairs = n } }
func cond(m func(*Condition)) func(*Facts) { return func(f *Facts) { m(&f.Condition) } }
func unrepairable() func(*Facts) {
	return func(f *Facts) { no := false; f.Repairable = &no }
}

type decideCase struct {
	name     string
	facts    Facts
	kinds    []string // outcome kinds, in order
	approval bool
	rules    []string // rule IDs the decision must cite
}

func runDecide(t *testing.T, tables *Tables, tests []decideCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := Validate(tables, tt.facts); err != nil {
				t.Fatalf("Validate(%+v) = %v", tt.facts, err)
			}
			d := Decide(tables, tt.facts)
			if got := d.Kinds(); !slices.Equal(got, tt.kinds) {
				t.Errorf("Decide(%+v).Kinds() = %v, want %v", tt.facts, got, tt.kinds)
			}
			if d.Approval.Needed != tt.approval {
				t.Errorf("Decide(%+v).Approval = %+v, want needed=%v", tt.facts, d.Approval, tt.approval)
			}
			for _, id := range tt.rules {
				if !slices.ContainsFunc(d.Rules, func(r Rule) bool { return r.ID == id }) {
					t.Errorf("Decide(%+v) cites %v, want %s among them", tt.facts, ruleIDs(d), id)
				}
			}
			if d.ConfigVersion != tables.Version {
				t.Errorf("ConfigVersion = %q, want %q", d.ConfigVersion, tables.Version)
			}
		})
	}
}

func ruleIDs(d Decision) []string {
	var ids []string
	for _, r := range d.Rules {
		ids = append(ids, r.ID)
	}
	return ids
}

const (
	Q  = ProblemQuality
	NQ = ProblemNotQuality
)

var (
	retExFree = []string{KindReturn, KindExchange, KindFreeRepair}
	exFree    = []string{KindExchange, KindFreeRepair}
	free      = []string{KindFreeRepair}
	paid      = []string{KindPaidRepair}
	ret       = []string{KindReturn}
	none      = []string{KindNone}
)

// TestDecidePolicyTable covers every row of DOMAIN.md's per-category table
// on both sides of each window's last day. Purchase day (2026-03-01) is day 0.
func TestDecidePolicyTable(t *testing.T) {
	runDecide(t, defaultTables(), []decideCase{
		// electronics: seed 000 淘宝 三包 (7 return / 15 exchange), seed 004 warranty 1 year.
		{"electronics/seed000-淘宝/no-reason-day7", fx("electronics", NQ, "2026-03-08"), ret, false, []string{RuleNoReasonReturn}},
		{"electronics/seed000-淘宝/no-reason-day8", fx("electronics", NQ, "2026-03-09"), none, false, []string{RuleNoReasonExpired}},
		{"electronics/seed000-淘宝/quality-day7", fx("electronics", Q, "2026-03-08"), retExFree, false, []string{RuleQualityReturn}},
		{"electronics/seed000-淘宝/quality-day8", fx("electronics", Q, "2026-03-09"), exFree, false, []string{RuleQualityExchange}},
		{"electronics/seed000-淘宝/quality-day15", fx("electronics", Q, "2026-03-16"), exFree, false, nil},
		{"electronics/seed000-淘宝/quality-day16", fx("electronics", Q, "2026-03-17"), free, false, []string{RuleFreeRepair}},
		{"electronics/seed004/warranty-last-day", fx("electronics", Q, "2027-03-01"), free, false, nil},
		{"electronics/seed001-第十条/warranty-day-after", fx("electronics", Q, "2027-03-02"), paid, false, []string{RulePaidRepair, RuleOutsideWarranty}},
		// home goods: seed 001 第六–十条, seed 004 warranty 2 years.
		{"home_goods/seed001-第六条/no-reason-day7", fx("home_goods", NQ, "2026-03-08"), ret, false, nil},
		{"home_goods/seed001-第六条/no-reason-day8", fx("home_goods", NQ, "2026-03-09"), none, false, nil},
		{"home_goods/seed001-第七条/quality-day15", fx("home_goods", Q, "2026-03-16"), retExFree, false, nil},
		{"home_goods/seed001-第七条/quality-day16", fx("home_goods", Q, "2026-03-17"), exFree, false, nil},
		{"home_goods/seed001-第八条/quality-day30", fx("home_goods", Q, "2026-03-31"), exFree, false, nil},
		{"home_goods/seed001-第八条/quality-day31", fx("home_goods", Q, "2026-04-01"), free, false, nil},
		{"home_goods/seed004/warranty-last-day", fx("home_goods", Q, "2028-03-01"), free, false, nil},
		{"home_goods/seed001-第十条/warranty-day-after", fx("home_goods", Q, "2028-03-02"), paid, false, nil},
		// apparel and textiles: seed 001 第六–十条, seed 002 textiles 3 months.
		{"apparel/seed001-第六条/no-reason-day7", fx("apparel", NQ, "2026-03-08"), ret, false, nil},
		{"apparel/seed001-第六条/no-reason-day8", fx("apparel", NQ, "2026-03-09"), none, false, nil},
		{"apparel/seed001-第七条/quality-day15", fx("apparel", Q, "2026-03-16"), retExFree, false, nil},
		{"apparel/seed001-第七条/quality-day16", fx("apparel", Q, "2026-03-17"), exFree, false, nil},
		{"apparel/seed001-第八条/quality-day30", fx("apparel", Q, "2026-03-31"), exFree, false, nil},
		{"apparel/seed001-第八条/quality-day31", fx("apparel", Q, "2026-04-01"), free, false, nil},
		{"apparel/seed002/warranty-last-day", fx("apparel", Q, "2026-06-01"), free, false, nil},
		{"apparel/seed001-第十条/warranty-day-after", fx("apparel", Q, "2026-06-02"), paid, false, nil},
		// leather: seed 002 leather 6 months.
		{"leather/seed001-第六条/no-reason-day7", fx("leather", NQ, "2026-03-08"), ret, false, nil},
		{"leather/seed001-第六条/no-reason-day8", fx("leather", NQ, "2026-03-09"), none, false, nil},
		{"leather/seed001-第七条/quality-day15", fx("leather", Q, "2026-03-16"), retExFree, false, nil},
		{"leather/seed001-第七条/quality-day16", fx("leather", Q, "2026-03-17"), exFree, false, nil},
		{"leather/seed001-第八条/quality-day30", fx("leather", Q, "2026-03-31"), exFree, false, nil},
		{"leather/seed001-第八条/quality-day31", fx("leather", Q, "2026-04-01"), free, false, nil},
		{"leather/seed002/warranty-last-day", fx("leather", Q, "2026-09-01"), free, false, nil},
		{"leather/seed001-第十条/warranty-day-after", fx("leather", Q, "2026-09-02"), paid, false, nil},
		// intimate apparel: seed 002, never returned without a quality problem.
		{"intimate/seed002/no-reason-day0", fx("intimate", NQ, "2026-03-01"), none, false, []string{RuleNoReasonNone}},
		{"intimate/seed001-第七条/quality-day15", fx("intimate", Q, "2026-03-16"), retExFree, false, nil},
		{"intimate/seed001-第七条/quality-day16", fx("intimate", Q, "2026-03-17"), exFree, false, nil},
		{"intimate/seed001-第八条/quality-day30", fx("intimate", Q, "2026-03-31"), exFree, false, nil},
		{"intimate/seed001-第八条/quality-day31", fx("intimate", Q, "2026-04-01"), free, false, nil},
		{"intimate/seed002/warranty-last-day", fx("intimate", Q, "2026-06-01"), free, false, nil},
		{"intimate/seed001-第十条/warranty-day-after", fx("intimate", Q, "2026-06-02"), paid, false, nil},
	})
}

// TestDecideExclusions covers the "Rules across categories" of DOMAIN.md.
func TestDecideExclusions(t *testing.T) {
	runDecide(t, defaultTables(), []decideCase{
		{"seed001-第十五条/special-quality", fx("electronics", Q, "2026-03-04", flags(FlagSpecial)), free, false, []string{RuleSpecialGift}},
		{"seed001-第十五条/special-no-reason", fx("electronics", NQ, "2026-03-04", flags(FlagSpecial)), none, false, []string{RuleSpecialGift}},
		{"seed001-第十五条/gift-quality", fx("home_goods", Q, "2026-03-04", flags(FlagGift)), free, false, []string{RuleSpecialGift}},
		{"seed001-第十五条/gift-no-reason", fx("apparel", NQ, "2026-03-04", flags(FlagGift)), none, false, []string{RuleSpecialGift}},
		{"seed001-第十五条/gift-request-return-needs-approval", fx("home_goods", Q, "2026-03-04", flags(FlagGift), request(RequestReturn)), free, true, []string{RuleApprovalOutside}},
		{"seed001-第十二条/custom-no-reason", fx("home_goods", NQ, "2026-03-04", flags(FlagCustom)), none, false, []string{RuleCustom}},
		{"seed001-第十二条/custom-quality", fx("home_goods", Q, "2026-03-04", flags(FlagCustom)), retExFree, false, nil},
		{"seed001-第十一条/used-no-reason", fx("electronics", NQ, "2026-03-04", cond(func(c *Condition) { c.Unused = false })), none, false, []string{RuleUsed}},
		{"seed001-第十一条/used-quality", fx("electronics", Q, "2026-03-04", cond(func(c *Condition) { c.Unused = false })), retExFree, false, nil},
		{"seed001-第十三条/packaging-missing", fx("electronics", NQ, "2026-03-04", cond(func(c *Condition) { c.Packaging = false })), none, false, []string{RuleIncomplete}},
		{"seed001-第十三条/accessories-missing", fx("home_goods", NQ, "2026-03-04", cond(func(c *Condition) { c.Accessories = false })), none, false, []string{RuleIncomplete}},
		{"seed001-第十三条/warranty-card-missing", fx("electronics", NQ, "2026-03-04", cond(func(c *Condition) { c.WarrantyCard = false })), none, false, []string{RuleIncomplete}},
		{"seed000-淘宝/tags-removed-apparel", fx("apparel", NQ, "2026-03-04", cond(func(c *Condition) { c.Tags = false }), mailed), none, false, []string{RuleTags}},
		{"seed000-淘宝/tags-irrelevant-electronics", fx("electronics", NQ, "2026-03-04", cond(func(c *Condition) { c.Tags = false }), mailed), ret, false, nil},
		{"seed001-第十四条/customer-damage-in-warranty", fx("electronics", ProblemCustomerDamage, "2026-03-04"), paid, false, []string{RuleCustomerDamage}},
		{"seed001-第十四条/customer-damage-unrepairable", fx("electronics", ProblemCustomerDamage, "2026-03-04", unrepairable()), none, true, []string{RuleCustomerDamage, RuleUnrepairable}},
		{"seed001-第十四条/customer-damage-asks-return", fx("apparel", ProblemCustomerDamage, "2026-03-02", request(RequestReturn)), paid, true, []string{RuleApprovalOutside}},
		{"seed002/apparel-non-quality-list", fx("apparel", NQ, "2026-03-20"), none, false, []string{RuleNonQuality}},
		{"seed000-淘宝/transport-damage-day20", fx("home_goods", ProblemTransportDamage, "2026-03-21", mailed), exFree, false, []string{RuleTransportDamage}},
		{"seed001-第二十九条/electronics-unrepairable", fx("electronics", Q, "2026-06-09", unrepairable()), none, true, []string{RuleUnrepairable}},
		{"seed001-第二十九条/electronics-unrepairable-day3", fx("electronics", Q, "2026-03-04", unrepairable()), []string{KindReturn, KindExchange}, false, nil},
		{"seed001-第二十九条/out-of-warranty-unrepairable", fx("electronics", Q, "2027-03-02", unrepairable()), none, true, nil},
		{"seed003-三包/two-repairs", fx("electronics", Q, "2026-06-09", priorRepairs(2)), free, false, nil},
		{"seed003-三包/three-repairs", fx("electronics", Q, "2026-06-09", priorRepairs(3)), exFree, false, []string{RuleThreeRepairs}},
		{"seed003-三包/three-repairs-in-exchange-window", fx("electronics", Q, "2026-03-10", priorRepairs(3)), exFree, false, []string{RuleThreeRepairs, RuleQualityExchange}},
		{"seed003-三包/three-repairs-out-of-warranty", fx("electronics", Q, "2027-03-02", priorRepairs(3)), paid, false, nil},
		{"seed003-三包/three-repairs-gift", fx("electronics", Q, "2026-06-09", priorRepairs(3), flags(FlagGift)), free, false, nil},
		{"seed001-第二十条/request-exchange-outside", fx("electronics", Q, "2026-03-20", request(RequestExchange)), free, true, []string{RuleApprovalOutside}},
		{"store/approval/request-repair-inside", fx("electronics", Q, "2026-03-20", request(RequestRepair)), free, false, nil},
	})
}

// TestDecideDepreciation: seed 002 三包, unrepairable apparel and leather
// within the free-repair period: ≤30 days 5 %, 31–60 10 %, 61–90 20 %.
func TestDecideDepreciation(t *testing.T) {
	tables := defaultTables()
	tests := []struct {
		name    string
		cat     string
		claimed string
		kinds   []string
		depRet  int64 // depreciation on the return, fen; -1 = no return
		depEx   int64 // depreciation on the exchange, fen; -1 = no exchange
		approve bool
	}{
		{"seed002-三包/apparel-day15-full-return", "apparel", "2026-03-16", []string{KindReturn, KindExchange}, 0, 0, false},
		{"seed002-三包/apparel-day16-5pct", "apparel", "2026-03-17", []string{KindExchange, KindReturn}, 4000, 0, false},
		{"seed002-三包/apparel-day30-5pct", "apparel", "2026-03-31", []string{KindExchange, KindReturn}, 4000, 0, false},
		{"seed002-三包/apparel-day31-10pct", "apparel", "2026-04-01", []string{KindReturn, KindExchange}, 8000, 8000, false},
		{"seed002-三包/apparel-day60-10pct", "apparel", "2026-04-30", []string{KindReturn, KindExchange}, 8000, 8000, false},
		{"seed002-三包/apparel-day61-20pct", "apparel", "2026-05-01", []string{KindReturn, KindExchange}, 16000, 16000, false},
		{"seed002-三包/apparel-day90-20pct", "apparel", "2026-05-30", []string{KindReturn, KindExchange}, 16000, 16000, false},
		{"seed002-三包/apparel-day91-supervisor", "apparel", "2026-05-31", none, -1, -1, true},
		{"seed002-三包/apparel-after-warranty-supervisor", "apparel", "2026-06-02", none, -1, -1, true},
		{"seed002-三包/leather-day61-20pct", "leather", "2026-05-01", []string{KindReturn, KindExchange}, 16000, 16000, false},
		{"seed002-三包/leather-day91-supervisor", "leather", "2026-05-31", none, -1, -1, true},
		{"seed002-三包/home-goods-no-depreciation", "home_goods", "2026-04-01", none, -1, -1, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(tables, fx(tt.cat, Q, tt.claimed, unrepairable()))
			if got := d.Kinds(); !slices.Equal(got, tt.kinds) {
				t.Fatalf("Decide(%s %s).Kinds() = %v, want %v", tt.cat, tt.claimed, got, tt.kinds)
			}
			for _, k := range []struct {
				kind string
				want int64
			}{{KindReturn, tt.depRet}, {KindExchange, tt.depEx}} {
				o, ok := d.Outcome(k.kind)
				if !ok {
					continue
				}
				if got := feeOf(o, FeeDepreciation, PayerCustomer); got != k.want {
					t.Errorf("%s depreciation = %d, want %d", k.kind, got, k.want)
				}
				if k.kind == KindReturn && o.RefundFen != 80000-k.want {
					t.Errorf("return refund = %d, want %d", o.RefundFen, 80000-k.want)
				}
			}
			if d.Approval.Needed != tt.approve {
				t.Errorf("Approval = %+v, want needed=%v", d.Approval, tt.approve)
			}
		})
	}
}

func feeOf(o Outcome, name, payer string) int64 {
	var n int64
	for _, f := range o.Fees {
		if f.Name == name && f.Payer == payer {
			n += f.Fen
		}
	}
	return n
}

// TestDecideFees: seed 000 淘宝 shipping schedule and restocking fee, seed
// 001 6.5.3 repair cap, seed 004 refund of the price paid.
func TestDecideFees(t *testing.T) {
	tables := defaultTables()
	restock := defaultTables()
	restock.RestockingFee = 500
	restock.ShippingFeeFen = 1201
	tests := []struct {
		name          string
		tables        *Tables
		facts         Facts
		kind          string
		store, cust   int64 // shipping fen paid by store and by customer
		restocking    int64
		refund, cap   int64
		shippingPayer string
	}{
		{"seed000-淘宝/shipping-day7-store", tables, fx("home_goods", Q, "2026-03-08", mailed), KindReturn, 1200, 0, 0, 80000, 0, PayerStore},
		{"seed000-淘宝/shipping-day8-split", tables, fx("home_goods", Q, "2026-03-09", mailed), KindReturn, 600, 600, 0, 80000, 0, PayerSplit},
		{"seed000-淘宝/shipping-day15-split", tables, fx("home_goods", Q, "2026-03-16", mailed), KindExchange, 600, 600, 0, 0, 0, PayerSplit},
		{"seed000-淘宝/shipping-day16-customer", tables, fx("home_goods", Q, "2026-03-17", mailed), KindExchange, 0, 1200, 0, 0, 0, PayerCustomer},
		{"seed000-淘宝/shipping-split-odd-fen", restock, fx("home_goods", Q, "2026-03-09", mailed), KindReturn, 600, 601, 0, 80000, 0, PayerSplit},
		{"seed000-淘宝/transport-damage-store-pays", tables, fx("home_goods", ProblemTransportDamage, "2026-03-25", mailed), KindExchange, 1200, 0, 0, 0, 0, PayerStore},
		{"seed000-淘宝/no-reason-customer-pays", tables, fx("electronics", NQ, "2026-03-02", mailed), KindReturn, 0, 1200, 0, 80000, 0, PayerCustomer},
		{"seed000-淘宝/restocking-default-none", tables, fx("electronics", NQ, "2026-03-02", price(1230), mailed), KindReturn, 0, 1200, 0, 1230, 0, PayerCustomer},
		{"seed000-淘宝/restocking-5pct-half-up", restock, fx("electronics", NQ, "2026-03-02", price(1230), mailed), KindReturn, 0, 1201, 62, 1168, 0, PayerCustomer},
		{"seed000-淘宝/restocking-5pct-down", restock, fx("electronics", NQ, "2026-03-02", price(1229), mailed), KindReturn, 0, 1201, 61, 1168, 0, PayerCustomer},
		{"seed000-淘宝/at-the-desk-no-parcel", tables, fx("home_goods", Q, "2026-03-09"), KindReturn, 0, 0, 0, 80000, 0, ""},
		{"seed000-淘宝/at-the-desk-no-reason-no-parcel", tables, fx("electronics", NQ, "2026-03-02"), KindReturn, 0, 0, 0, 80000, 0, ""},
		{"seed000-淘宝/at-the-desk-transport-damage", tables, fx("home_goods", ProblemTransportDamage, "2026-03-25"), KindExchange, 0, 0, 0, 0, 0, ""},
		{"seed001-6.5.3/out-of-warranty-cap-20pct", tables, fx("electronics", Q, "2027-03-02"), KindPaidRepair, 0, 0, 0, 0, 16000, ""},
		{"seed001-6.5.3/cap-rounds-half-up", tables, fx("electronics", Q, "2027-03-02", price(12345)), KindPaidRepair, 0, 0, 0, 0, 2469, ""},
		{"seed004/refund-price-paid", tables, fx("electronics", Q, "2026-03-02", price(45678), mailed), KindReturn, 1200, 0, 0, 45678, 0, PayerStore},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(tt.tables, tt.facts)
			o, ok := d.Outcome(tt.kind)
			if !ok {
				t.Fatalf("Decide(%+v) has no %s: %v", tt.facts, tt.kind, d.Kinds())
			}
			if s, c := feeOf(o, FeeShipping, PayerStore), feeOf(o, FeeShipping, PayerCustomer); s != tt.store || c != tt.cust {
				t.Errorf("shipping store/customer = %d/%d, want %d/%d", s, c, tt.store, tt.cust)
			}
			if got := feeOf(o, FeeRestocking, PayerCustomer); got != tt.restocking {
				t.Errorf("restocking = %d, want %d", got, tt.restocking)
			}
			if o.RefundFen != tt.refund || o.CapFen != tt.cap || o.Shipping != tt.shippingPayer {
				t.Errorf("refund, cap, shipping = %d, %d, %q, want %d, %d, %q", o.RefundFen, o.CapFen, o.Shipping, tt.refund, tt.cap, tt.shippingPayer)
			}
		})
	}
}

// TestDecideApprovalRefund: a refund above 1000 yuan needs a supervisor.
func TestDecideApprovalRefund(t *testing.T) {
	tables := defaultTables()
	tests := []struct {
		name  string
		price int64
		req   string
		want  bool
	}{
		{"store/approval/refund-1000.00-no", 100000, RequestReturn, false},
		{"store/approval/refund-1000.01-yes", 100001, RequestReturn, true},
		{"store/approval/refund-1000.01-but-exchange", 100001, RequestExchange, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decide(tables, fx("electronics", Q, "2026-03-03", price(tt.price), request(tt.req)))
			if d.Approval.Needed != tt.want {
				t.Errorf("Approval = %+v, want needed=%v", d.Approval, tt.want)
			}
			o, _ := d.Outcome(KindReturn)
			if (o.Approval != nil) != (tt.price > tables.RefundApprovalAboveFen) {
				t.Errorf("return outcome approval = %+v for price %d", o.Approval, tt.price)
			}
		})
	}
}

func TestDecideRepairWarranty(t *testing.T) {
	d := Decide(defaultTables(), fx("electronics", Q, "2026-05-01"))
	o, ok := d.Outcome(KindFreeRepair)
	if !ok || o.RepairWarranty != "1m" || o.BoardRepairWarranty != "6m" || o.Until != "2027-03-01" {
		t.Errorf("free repair = %+v, want warranty 1m, board 6m, until 2027-03-01", o)
	}
}

func TestDecideIsDeterministic(t *testing.T) {
	tables := defaultTables()
	f := fx("apparel", Q, "2026-04-15", unrepairable(), request(RequestReturn), flags(FlagCustom))
	a, b := Decide(tables, f), Decide(tables, f)
	if !reflect.DeepEqual(a, b) {
		t.Errorf("Decide twice differs:\n%+v\n%+v", a, b)
	}
}

func TestValidateFacts(t *testing.T) {
	tables := defaultTables()
	tests := []struct {
		name  string
		facts Facts
		field string
	}{
		{"purchase-after-claim", fx("electronics", Q, "2026-02-28"), "purchased"},
		{"no-category", fx("", Q, "2026-03-02"), "category"},
		{"unknown-category", fx("toys", Q, "2026-03-02"), "category"},
		{"bad-purchased", fx("electronics", Q, "2026-03-02", func(f *Facts) { f.Purchased = "2026/03/01" }), "purchased"},
		{"bad-claimed", fx("electronics", Q, "2026-02-30"), "claimed"},
		{"negative-price", fx("electronics", Q, "2026-03-02", price(-1)), "price_fen"},
		{"huge-price", fx("electronics", Q, "2026-03-02", price(MaxPriceFen+1)), "price_fen"},
		{"unknown-flag", fx("electronics", Q, "2026-03-02", flags("used")), "flags"},
		{"no-problem", fx("electronics", "", "2026-03-02"), "problem"},
		{"unknown-problem", fx("electronics", "broken", "2026-03-02"), "problem"},
		{"negative-repairs", fx("electronics", Q, "2026-03-02", priorRepairs(-1)), "prior_repairs"},
		{"unknown-request", fx("electronics", Q, "2026-03-02", request("refund")), "request"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(tables, tt.facts)
			var ae *appliance.Error
			if !asError(err, &ae) || ae.Field != tt.field || ae.Code != appliance.EINVALID {
				t.Fatalf("Validate(%+v) = %v, want an invalid error on %q", tt.facts, err, tt.field)
			}
			if !strings.Contains(ae.Message, " / ") {
				t.Errorf("message %q is not Chinese / English", ae.Message)
			}
			d := Decide(tables, tt.facts)
			if d.Field != tt.field || len(d.Outcomes) != 0 || !d.Approval.Needed {
				t.Errorf("Decide(invalid) = %+v, want no outcomes and field %q", d, tt.field)
			}
		})
	}
}

func TestParseFacts(t *testing.T) {
	tests := []struct {
		name, json, field string
	}{
		{"unknown-field", `{"category":"electronics","colour":"red"}`, "colour"},
		{"wrong-type", `{"price_fen":"12.50"}`, "price_fen"},
		{"wrong-type-nested", `{"condition":{"unused":"yes"}}`, "condition.unused"},
		{"trailing", `{"category":"electronics"} {}`, ""},
		{"malformed", `{"category":`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseFacts([]byte(tt.json))
			var ae *appliance.Error
			if !asError(err, &ae) || ae.Field != tt.field {
				t.Fatalf("ParseFacts(%s) = %v, want an error on field %q", tt.json, err, tt.field)
			}
		})
	}
	f, err := ParseFacts([]byte(`{"category":"apparel","purchased":"2026-03-01","claimed":"2026-03-05","price_fen":100,"flags":["gift"],"condition":{"unused":true},"problem":"quality","prior_repairs":1,"repairable":false,"request":"exchange"}`))
	if err != nil {
		t.Fatal(err)
	}
	if f.Category != "apparel" || f.Repairable == nil || *f.Repairable || f.Flags[0] != "gift" || !f.Condition.Unused || f.PriorRepairs != 1 {
		t.Errorf("ParseFacts = %+v", f)
	}
}

func asError(err error, target **appliance.Error) bool {
	return errors.As(err, target)
}
