package policy

import (
	"errors"
	"slices"
	"strings"

	"shouhou/appliance"
)

// Decide returns what the customer is entitled to under the tables for the
// given facts. It is pure and total: invalid facts give a decision with no
// outcomes, Error and Field set and approval needed (call Validate first to
// get the error itself).
func Decide(t *Tables, f Facts) Decision {
	d := Decision{Category: f.Category, ConfigVersion: t.Version, Outcomes: []Outcome{}, Rules: []Rule{}}
	if c, ok := t.Categories[f.Category]; ok {
		d.CategoryName = c.Name
	}
	in, err := check(t, f)
	if err != nil {
		var ae *appliance.Error
		if errors.As(err, &ae) {
			d.Error, d.Field = ae.Message, ae.Field
		} else {
			d.Error = err.Error()
		}
		d.Approval = Approval{Needed: true, Reason: "事实有误 / invalid facts"}
		return d
	}
	d.Day = in.day
	b := &builder{t: t, in: in, d: &d}
	b.run()
	return d
}

// builder assembles one decision.
type builder struct {
	t        *Tables
	in       facts
	d        *Decision
	none     []string // rules explaining why something is not owed
	approval []string // reasons a supervisor must approve
}

func (b *builder) run() {
	switch b.in.Problem {
	case ProblemCustomerDamage:
		b.customerDamage()
	case ProblemNotQuality:
		b.noReason()
	default:
		b.quality()
	}
	if len(b.d.Outcomes) == 0 {
		b.add(Outcome{Kind: KindNone, Fees: []Fee{}, Rules: dedupe(b.none)})
	}
	b.decideApproval()
	b.citeAll()
}

func (b *builder) add(o Outcome) {
	if !b.in.MailedIn {
		o = atTheDesk(o)
	}
	if o.Fees == nil {
		o.Fees = []Fee{}
	}
	o.Requested = matches(b.in.Request, o.Kind)
	b.d.Outcomes = append(b.d.Outcomes, o)
}

// atTheDesk drops what only a mailed claim has: the shipping fee, its
// payer and the shipping rule (seed 000 淘宝售后服务卡 prices the parcel of a
// mailed return; goods brought to the desk travel in the customer's hands).
func atTheDesk(o Outcome) Outcome {
	o.Shipping = ""
	o.Fees = slices.DeleteFunc(slices.Clone(o.Fees), func(f Fee) bool { return f.Name == FeeShipping })
	o.Rules = slices.DeleteFunc(slices.Clone(o.Rules), func(r string) bool { return r == RuleShipping })
	return o
}

func matches(request, kind string) bool {
	switch request {
	case RequestReturn:
		return kind == KindReturn
	case RequestExchange:
		return kind == KindExchange
	case RequestRepair:
		return kind == KindFreeRepair || kind == KindPaidRepair
	}
	return false
}

// customerDamage: seed 001 第十四条, paid repair only.
func (b *builder) customerDamage() {
	b.none = append(b.none, RuleCustomerDamage)
	if !b.in.repairable {
		b.unrepairable()
		return
	}
	o := b.paidRepair()
	o.Rules = append([]string{RuleCustomerDamage}, o.Rules...)
	b.add(o)
}

// noReason: a return without a quality problem (seed 001 第六、十一–十五条).
func (b *builder) noReason() {
	in, t := b.in, b.t
	if len(in.cat.NonQuality) > 0 {
		b.none = append(b.none, RuleNonQuality)
	}
	var blocked []string
	switch {
	case in.cat.NoReasonReturn.None():
		blocked = append(blocked, RuleNoReasonNone)
	case !in.cat.NoReasonReturn.Contains(in.purchased, in.claimed):
		blocked = append(blocked, RuleNoReasonExpired)
	}
	if _, ok := in.hasFlag(t.NoReturnExchangeFlags); ok {
		blocked = append(blocked, RuleSpecialGift)
	}
	if _, ok := in.hasFlag(t.NoReasonReturnFlags); ok {
		blocked = append(blocked, RuleCustom)
	}
	for _, k := range in.cat.NoReasonRequires {
		if !in.Condition.has(k) {
			blocked = append(blocked, conditionRule(k))
		}
	}
	if len(blocked) > 0 {
		b.none = append(append(b.none, RuleNotQualityNoRule), blocked...)
		return
	}
	restock := Percent(in.PriceFen, t.RestockingFee)
	o := Outcome{Kind: KindReturn, Shipping: t.ShippingNotQuality,
		Until: in.cat.NoReasonReturn.LastDay(in.purchased).String(),
		Rules: []string{RuleNoReasonReturn, RuleRefundPricePaid, RuleShipping}}
	if t.RestockingFee > 0 {
		o.Fees = append(o.Fees, Fee{FeeRestocking, restock, PayerCustomer})
		o.Rules = append(o.Rules, RuleRestocking)
	}
	o.Fees = append(o.Fees, b.shippingFees(t.ShippingNotQuality)...)
	o.RefundFen = in.PriceFen - restock
	b.add(o)
}

func conditionRule(k string) string {
	switch k {
	case CondUnused:
		return RuleUsed
	case CondTags:
		return RuleTags
	}
	return RuleIncomplete
}

// quality: a defect, or damage in transport (the store's risk).
func (b *builder) quality() {
	in, t := b.in, b.t
	payer := b.shippingPayer()
	inWarranty := in.cat.FreeRepair.Contains(in.purchased, in.claimed)
	if in.Problem == ProblemTransportDamage {
		b.none = append(b.none, RuleTransportDamage)
	}
	_, noRX := in.hasFlag(t.NoReturnExchangeFlags)
	if noRX {
		b.none = append(b.none, RuleSpecialGift)
	} else {
		b.qualityReturnExchange(payer, inWarranty)
	}
	switch {
	case inWarranty && in.repairable:
		b.add(b.repair(KindFreeRepair, RuleFreeRepair, in.cat.FreeRepair.LastDay(in.purchased).String()))
	case in.repairable:
		b.none = append(b.none, RuleOutsideWarranty)
		b.add(b.paidRepair())
	case !b.has(KindReturn) && !b.has(KindExchange):
		b.unrepairable()
	}
}

func (b *builder) qualityReturnExchange(payer string, inWarranty bool) {
	in, t := b.in, b.t
	ship := b.shippingFees(payer)
	if w := in.cat.QualityReturn; w.Contains(in.purchased, in.claimed) {
		b.add(Outcome{Kind: KindReturn, Fees: slices.Clone(ship), RefundFen: in.PriceFen, Shipping: payer,
			Until: w.LastDay(in.purchased).String(), Rules: b.withTransport(RuleQualityReturn, RuleRefundPricePaid, RuleShipping)})
	}
	if w := in.cat.QualityExchange; w.Contains(in.purchased, in.claimed) {
		b.add(Outcome{Kind: KindExchange, Fees: slices.Clone(ship), Shipping: payer,
			Until: w.LastDay(in.purchased).String(), Rules: b.withTransport(RuleQualityExchange, RuleExchangePrice, RuleShipping)})
	}
	if inWarranty && in.PriorRepairs >= t.RepairsBeforeExchange {
		if i := b.index(KindExchange); i >= 0 {
			b.d.Outcomes[i].Rules = append(b.d.Outcomes[i].Rules, RuleThreeRepairs)
		} else {
			b.add(Outcome{Kind: KindExchange, Fees: slices.Clone(ship), Shipping: payer,
				Until: in.cat.FreeRepair.LastDay(in.purchased).String(), Rules: []string{RuleThreeRepairs, RuleExchangePrice, RuleShipping}})
		}
	}
	if inWarranty && !in.repairable && in.cat.Depreciation {
		b.depreciated(payer, ship)
	}
}

// depreciated: seed 002 三包, unrepairable apparel or leather within the
// free-repair period is returned or exchanged less depreciation.
func (b *builder) depreciated(payer string, ship []Fee) {
	in := b.in
	rate, ok := b.depreciationRate()
	if !ok {
		return // past the schedule: unrepairable() sends it to a supervisor
	}
	dep := Percent(in.PriceFen, rate)
	fees := append([]Fee{{FeeDepreciation, dep, PayerCustomer}}, ship...)
	until := in.cat.FreeRepair.LastDay(in.purchased).String()
	if !b.has(KindReturn) {
		b.add(Outcome{Kind: KindReturn, Fees: slices.Clone(fees), RefundFen: in.PriceFen - dep, Shipping: payer,
			Until: until, Rules: []string{RuleDepreciation, RuleRefundPricePaid, RuleShipping}})
	}
	if !b.has(KindExchange) {
		b.add(Outcome{Kind: KindExchange, Fees: slices.Clone(fees), Shipping: payer,
			Until: until, Rules: []string{RuleDepreciation, RuleExchangePrice, RuleShipping}})
	}
}

func (b *builder) depreciationRate() (BP, bool) {
	for _, s := range b.t.Depreciation {
		if b.in.day <= s.UpToDays {
			return s.Rate, true
		}
	}
	return 0, false
}

func (b *builder) unrepairable() {
	b.none = append(b.none, RuleUnrepairable)
	b.approval = append(b.approval, "无法修复，需主管协商处理 / unrepairable: a supervisor settles it")
}

func (b *builder) withTransport(ids ...string) []string {
	if b.in.Problem == ProblemTransportDamage {
		return append(ids, RuleTransportDamage)
	}
	return ids
}

func (b *builder) repair(kind, rule, until string) Outcome {
	return Outcome{Kind: kind, Until: until, RepairWarranty: b.t.RepairWarranty.String(),
		BoardRepairWarranty: b.t.BoardRepairWarranty.String(), Rules: []string{rule, RuleRepairWarranty}}
}

func (b *builder) paidRepair() Outcome {
	o := b.repair(KindPaidRepair, RulePaidRepair, "")
	if b.in.Problem != ProblemCustomerDamage && b.t.RepairCap > 0 {
		o.CapFen = Percent(b.in.PriceFen, b.t.RepairCap)
		o.Rules = append(o.Rules, RuleRepairCap)
	}
	return o
}

// shippingPayer: seed 000 淘宝, by the claim's day for a quality problem;
// the store for transport damage.
func (b *builder) shippingPayer() string {
	if b.in.Problem == ProblemTransportDamage {
		return PayerStore
	}
	for _, s := range b.t.Shipping {
		if b.in.day <= s.UpToDays {
			return s.Payer
		}
	}
	return b.t.ShippingAfter
}

func (b *builder) shippingFees(payer string) []Fee {
	fee := b.t.ShippingFeeFen
	switch payer {
	case PayerSplit:
		return []Fee{{FeeShipping, fee / 2, PayerStore}, {FeeShipping, fee - fee/2, PayerCustomer}}
	case PayerStore:
		return []Fee{{FeeShipping, fee, PayerStore}}
	}
	return []Fee{{FeeShipping, fee, PayerCustomer}}
}

func (b *builder) index(kind string) int {
	for i, o := range b.d.Outcomes {
		if o.Kind == kind {
			return i
		}
	}
	return -1
}

func (b *builder) has(kind string) bool { return b.index(kind) >= 0 }

func (b *builder) decideApproval() {
	t, in := b.t, b.in
	for i := range b.d.Outcomes {
		o := &b.d.Outcomes[i]
		if o.Kind == KindReturn && o.RefundFen > t.RefundApprovalAboveFen {
			o.Approval = &Approval{Needed: true, Reason: "退款超过 " + Yuan(t.RefundApprovalAboveFen) + " 元 / refund above " + Yuan(t.RefundApprovalAboveFen) + " yuan"}
			o.Rules = append(o.Rules, RuleApprovalRefund)
			if o.Requested {
				b.approval = append(b.approval, o.Approval.Reason)
			}
		}
	}
	if in.Request != "" && !slices.ContainsFunc(b.d.Outcomes, func(o Outcome) bool { return o.Requested }) {
		zh, en := outcomeWords(in.Request)
		b.approval = append(b.approval, "所请求的处理（"+zh+"）超出决定范围 / the requested "+en+" is outside the decision")
		b.none = append(b.none, RuleApprovalOutside)
		if i := b.index(KindNone); i >= 0 {
			b.d.Outcomes[i].Rules = dedupe(append(b.d.Outcomes[i].Rules, RuleApprovalOutside))
		}
	}
	if len(b.approval) > 0 {
		b.d.Approval = Approval{Needed: true, Reason: strings.Join(dedupe(b.approval), "; ")}
	}
}

// citeAll fills Decision.Rules with every rule cited, in order.
func (b *builder) citeAll() {
	var ids []string
	for _, o := range b.d.Outcomes {
		ids = append(ids, o.Rules...)
	}
	ids = append(ids, b.none...)
	for _, id := range dedupe(ids) {
		if r, ok := RuleByID(id); ok {
			b.d.Rules = append(b.d.Rules, r)
		}
	}
}

func dedupe(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
