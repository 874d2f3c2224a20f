package conf

import (
	"fmt"
	"slices"
	"sort"

	"shouhou/appliance/policy"
)

// buildPolicy turns policy.toml into the engine's tables.
func buildPolicy(s *source) (*policy.Tables, Errors) {
	var f policyFile
	required := [][]string{{"restocking_fee"}, {"out_of_warranty_repair_cap"}, {"repair_warranty"}, {"board_repair_warranty"},
		{"repairs_before_exchange"}, {"exchange_price"}, {"exclusions"}, {"categories"}, {"depreciation"},
		{"shipping", "steps"}, {"shipping", "after"}, {"shipping", "not_quality"},
		{"approval", "refund_above"}, {"approval", "reversal_above"}, {"approval", "reversal_window"}, {"cards", "balance_expiry"}}
	md, errs := decodeStrict(s, &f, required)
	if len(errs) > 0 && !md.IsDefined("version") {
		return &policy.Tables{}, errs
	}
	ids := make([]string, 0, len(f.Categories))
	for id := range f.Categories {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		for _, k := range []string{"name", "no_reason_return", "quality_return", "quality_exchange", "free_repair"} {
			if !md.IsDefined("categories", id, k) {
				errs = append(errs, s.errAt([]any{"categories", id}, "类别 %s 缺少 %s / category %s: %s is missing", id, k, id, k))
			}
		}
	}
	if len(errs) > 0 {
		return &policy.Tables{}, errs
	}
	t := &policy.Tables{
		Categories:               map[string]policy.Category{},
		NoReturnExchangeFlags:    f.Exclusions.NoReturnOrExchange,
		NoReasonReturnFlags:      f.Exclusions.NoReasonReturn,
		RestockingFee:            f.RestockingFee.BP(),
		ShippingAfter:            f.Shipping.After,
		ShippingNotQuality:       f.Shipping.NotQuality,
		RepairCap:                f.RepairCap.BP(),
		RepairWarranty:           f.RepairWarranty.Policy(),
		BoardRepairWarranty:      f.BoardRepairWarranty.Policy(),
		RepairsBeforeExchange:    f.RepairsBeforeExchange,
		RefundApprovalAboveFen:   f.Approval.RefundAbove.Fen(),
		ReversalApprovalAboveFen: f.Approval.ReversalAbove.Fen(),
		ReversalWindow:           f.Approval.ReversalWindow.D(),
		CardBalanceExpiry:        f.Cards.BalanceExpiry.Policy(),
	}
	errs = append(errs, checkPolicyScalars(s, &f)...)
	var es Errors
	t.MoneyLimits, es = buildLimits(s, md, &f)
	errs = append(errs, es...)
	t.ComplaintReasons, es = buildComplaintReasons(s, md, &f)
	errs = append(errs, es...)
	for _, id := range ids {
		c, es := buildCategory(s, id, f.Categories[id])
		errs = append(errs, es...)
		t.Categories[id] = c
	}
	if len(ids) == 0 {
		errs = append(errs, s.errAt([]any{"categories"}, "至少需要一个商品类别 / at least one category is needed"))
	}
	for i, d := range f.Depreciation {
		path := []any{"depreciation", i}
		if !md.IsDefined("depreciation") || d.UpToDays <= 0 || (i > 0 && d.UpToDays <= f.Depreciation[i-1].UpToDays) {
			errs = append(errs, s.errAt(append(path, "up_to_days"), "up_to_days 应为正数且递增 / up_to_days must be positive and ascending"))
		}
		t.Depreciation = append(t.Depreciation, policy.DepreciationStep{UpToDays: d.UpToDays, Rate: d.Rate.BP()})
	}
	for i, st := range f.Shipping.Steps {
		path := []any{"shipping", "steps", i}
		if st.UpToDays <= 0 || (i > 0 && st.UpToDays <= f.Shipping.Steps[i-1].UpToDays) {
			errs = append(errs, s.errAt(append(path, "up_to_days"), "运费阶梯 up_to_days 应为正数且递增 / shipping step up_to_days must be positive and ascending"))
		}
		errs = append(errs, checkPayer(s, append(path, "payer"), st.Payer)...)
		t.Shipping = append(t.Shipping, policy.ShippingStep{UpToDays: st.UpToDays, Payer: st.Payer})
	}
	return t, errs
}

func checkPolicyScalars(s *source, f *policyFile) Errors {
	var errs Errors
	if f.RepairsBeforeExchange < 1 || f.RepairsBeforeExchange > 10 {
		errs = append(errs, s.errAt([]any{"repairs_before_exchange"}, "应在 1 到 10 之间 / must be 1–10, got %d", f.RepairsBeforeExchange))
	}
	if f.ExchangePrice != "lower" {
		errs = append(errs, s.errAt([]any{"exchange_price"}, "只支持 \"lower\" / only \"lower\" is supported, got %q", f.ExchangePrice))
	}
	for _, fl := range append(slices.Clone(f.Exclusions.NoReturnOrExchange), f.Exclusions.NoReasonReturn...) {
		if !slices.Contains(policy.FlagKeys(), fl) {
			errs = append(errs, s.errAt([]any{"exclusions"}, "未知标记 %q，应为 special、gift 或 custom / unknown flag %q, want special, gift or custom", fl, fl))
		}
	}
	errs = append(errs, checkPayer(s, []any{"shipping", "after"}, f.Shipping.After)...)
	errs = append(errs, checkPayer(s, []any{"shipping", "not_quality"}, f.Shipping.NotQuality)...)
	return errs
}

func checkPayer(s *source, path []any, p string) Errors {
	switch p {
	case policy.PayerStore, policy.PayerCustomer, policy.PayerSplit:
		return nil
	}
	return Errors{s.errAt(path, "付款方应为 store、customer 或 split / payer must be store, customer or split, got %q", p)}
}

func buildCategory(s *source, id string, c categoryFile) (policy.Category, Errors) {
	var errs Errors
	if !idRE.MatchString(id) {
		errs = append(errs, s.errAt([]any{"categories", id}, "类别 id 只能用小写字母、数字和下划线 / category id must be lower-case letters, digits and _: %q", id))
	}
	if c.Name == "" {
		errs = append(errs, s.errAt([]any{"categories", id, "name"}, "名称不能为空 / name must not be empty"))
	}
	for _, k := range c.NoReasonRequires {
		if !slices.Contains(policy.ConditionKeys(), k) {
			errs = append(errs, s.errAt([]any{"categories", id, "no_reason_requires"}, "未知条件 %q，应为 %v / unknown condition %q, want one of %v", k, policy.ConditionKeys(), k, policy.ConditionKeys()))
		}
	}
	if c.Depreciation && c.FreeRepair.Policy().None() {
		errs = append(errs, s.errAt([]any{"categories", id, "depreciation"}, "折旧需要免费维修期 / depreciation needs a free_repair period"))
	}
	return policy.Category{
		ID: id, Name: c.Name, NoReasonReturn: c.NoReasonReturn.Policy(), NoReasonRequires: c.NoReasonRequires,
		QualityReturn: c.QualityReturn.Policy(), QualityExchange: c.QualityExchange.Policy(), FreeRepair: c.FreeRepair.Policy(),
		Depreciation: c.Depreciation, NonQuality: c.NonQuality,
	}, errs
}

// buildFees checks fees.toml, including its references to policy categories.
func buildFees(s *source, t *policy.Tables) (Fees, Errors) {
	var f Fees
	_, errs := decodeStrict(s, &f, [][]string{{"shipping", "parcel"}})
	if len(errs) > 0 {
		return f, errs
	}
	catOK := func(path []any, id string) {
		if t != nil && len(t.Categories) > 0 {
			if _, ok := t.Categories[id]; !ok {
				errs = append(errs, s.errAt(path, "policy.toml 中没有类别 %q / category %q is not in policy.toml", id, id))
			}
		}
	}
	seen := map[string]bool{}
	for i, l := range f.Labour {
		errs = append(errs, checkID(s, seen, []any{"labour", i, "id"}, l.ID)...)
		errs = append(errs, checkName(s, []any{"labour", i, "name"}, l.Name)...)
		for _, c := range l.Categories {
			catOK([]any{"labour", i, "categories"}, c)
		}
	}
	seen = map[string]bool{}
	for i, p := range f.Parts {
		if p.Code == "" || seen[p.Code] {
			errs = append(errs, s.errAt([]any{"parts", i, "code"}, "配件编码为空或重复 / part code empty or repeated: %q", p.Code))
		}
		seen[p.Code] = true
		errs = append(errs, checkName(s, []any{"parts", i, "name"}, p.Name)...)
		catOK([]any{"parts", i, "category"}, p.Category)
	}
	seen = map[string]bool{}
	for i, z := range f.Zones {
		errs = append(errs, checkID(s, seen, []any{"zones", i, "id"}, z.ID)...)
		errs = append(errs, checkName(s, []any{"zones", i, "name"}, z.Name)...)
		if z.Response <= 0 {
			errs = append(errs, s.errAt([]any{"zones", i}, "缺少 response / response is missing"))
		}
	}
	return f, errs
}

func checkID(s *source, seen map[string]bool, path []any, id string) Errors {
	defer func() { seen[id] = true }()
	switch {
	case !idRE.MatchString(id):
		return Errors{s.errAt(path, "id 只能用小写字母、数字、_、-，1–32 个字符 / id must be 1–32 of a-z 0-9 _ -: %q", id)}
	case seen[id]:
		return Errors{s.errAt(path, "id %q 重复 / id %q is repeated", id, id)}
	}
	return nil
}

func checkName(s *source, path []any, name string) Errors {
	if name == "" {
		return Errors{s.errAt(path, "名称不能为空 / name must not be empty")}
	}
	return nil
}

func positive(s *source, path []any, n, max int) Errors {
	if n < 1 || n > max {
		return Errors{s.errAt(path, "应在 1 到 %d 之间 / must be 1–%d, got %s", max, max, fmt.Sprint(n))}
	}
	return nil
}
