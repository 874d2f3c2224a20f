package policy

import (
	"time"
)

// defaultTables mirrors the "Policy defaults" of DOMAIN.md, as the shipped
// conf/defaults/policy.toml and fees.toml give them (conf's tests check the
// loaded tables decide alike).
func defaultTables() *Tables {
	all := ConditionKeys()
	noTags := []string{CondUnused, CondPackaging, CondAccessories, CondWarrantyCard}
	return &Tables{
		Version: "test",
		Categories: map[string]Category{
			"electronics": {ID: "electronics", Name: "电子产品", NoReasonReturn: Window{Days: 7}, NoReasonRequires: noTags,
				QualityReturn: Window{Days: 7}, QualityExchange: Window{Days: 15}, FreeRepair: Window{Months: 12}},
			"home_goods": {ID: "home_goods", Name: "家居用品", NoReasonReturn: Window{Days: 7}, NoReasonRequires: noTags,
				QualityReturn: Window{Days: 15}, QualityExchange: Window{Days: 30}, FreeRepair: Window{Months: 24}},
			"apparel": {ID: "apparel", Name: "服装、纺织品", NoReasonReturn: Window{Days: 7}, NoReasonRequires: all,
				QualityReturn: Window{Days: 15}, QualityExchange: Window{Days: 30}, FreeRepair: Window{Months: 3}, Depreciation: true,
				NonQuality: []string{"线头", "折痕", "光线造成的轻微色差", "2厘米以内的尺码误差", "包装破损"}},
			"leather": {ID: "leather", Name: "皮具", NoReasonReturn: Window{Days: 7}, NoReasonRequires: all,
				QualityReturn: Window{Days: 15}, QualityExchange: Window{Days: 30}, FreeRepair: Window{Months: 6}, Depreciation: true},
			"intimate": {ID: "intimate", Name: "内衣", NoReasonRequires: all,
				QualityReturn: Window{Days: 15}, QualityExchange: Window{Days: 30}, FreeRepair: Window{Months: 3}},
		},
		NoReturnExchangeFlags:    []string{FlagSpecial, FlagGift},
		NoReasonReturnFlags:      []string{FlagCustom},
		Depreciation:             []DepreciationStep{{30, 500}, {60, 1000}, {90, 2000}},
		Shipping:                 []ShippingStep{{7, PayerStore}, {15, PayerSplit}},
		ShippingAfter:            PayerCustomer,
		ShippingNotQuality:       PayerCustomer,
		ShippingFeeFen:           1200,
		RepairCap:                2000,
		RepairWarranty:           Window{Months: 1},
		BoardRepairWarranty:      Window{Months: 6},
		RepairsBeforeExchange:    3,
		RefundApprovalAboveFen:   100000,
		ReversalApprovalAboveFen: 20000,
		ReversalWindow:           24 * time.Hour,
	}
}
