package catalog

import (
	"shouhou/appliance"
	"shouhou/appliance/policy"
)

// rules names every policy rule; the rule's text and its seed citation
// stay with policy.Rules, shown behind the "依据 / why" toggle.
func rules() Table {
	return Table{
		policy.RuleNoReasonReturn:   {"无理由退货", "No-reason return"},
		policy.RuleNoReasonNone:     {"该类不设无理由退货", "No no-reason return for this category"},
		policy.RuleNoReasonExpired:  {"已过无理由退货期", "No-reason window passed"},
		policy.RuleQualityReturn:    {"质量问题退货", "Quality return"},
		policy.RuleQualityExchange:  {"质量问题换货", "Quality exchange"},
		policy.RuleFreeRepair:       {"保修期内免费维修", "Free repair in warranty"},
		policy.RulePaidRepair:       {"保修期外收费维修", "Paid repair after warranty"},
		policy.RuleSpecialGift:      {"特价品、赠品不退换", "Special price or gift: no return"},
		policy.RuleUsed:             {"已使用或加工不退换", "Used or processed: no return"},
		policy.RuleCustom:           {"定制商品不退换", "Custom-made: no return"},
		policy.RuleIncomplete:       {"包装配件不全不退换", "Incomplete: no return"},
		policy.RuleTags:             {"吊牌已拆不退换", "Tags removed: no return"},
		policy.RuleCustomerDamage:   {"人为损坏只修不退", "Customer damage: paid repair only"},
		policy.RuleTransportDamage:  {"运输损坏按质量问题", "Transport damage counts as quality"},
		policy.RuleNonQuality:       {"不属于质量问题的情形", "Not a quality problem"},
		policy.RuleDepreciation:     {"无法修复折旧退换", "Unrepairable: depreciated return"},
		policy.RuleUnrepairable:     {"无法修复由主管处理", "Unrepairable: supervisor settles"},
		policy.RuleThreeRepairs:     {"三次修理仍故障换新", "Three repairs: new one"},
		policy.RuleRestocking:       {"无理由退货手续费", "Restocking fee"},
		policy.RuleShipping:         {"邮寄运费承担", "Who pays shipping"},
		policy.RuleExchangePrice:    {"换货差价", "Exchange price"},
		policy.RuleRepairCap:        {"维修费上限", "Repair cost cap"},
		policy.RuleRepairWarranty:   {"维修后保修", "Warranty on a repair"},
		policy.RuleRefundPricePaid:  {"按实付金额退款", "Refund the price paid"},
		policy.RuleApprovalRefund:   {"大额退款需主管批准", "Large refund needs a supervisor"},
		policy.RuleApprovalOutside:  {"超出决定需主管批准", "Outside the decision needs a supervisor"},
		policy.RuleOutsideWarranty:  {"已过免费保修期", "Free-repair period passed"},
		policy.RuleNotQualityNoRule: {"无质量问题不予退换", "No quality problem: nothing owed"},
	}
}

// statuses names the ticket statuses (seed 001 第十七–三十六条).
func statuses() Table {
	return Table{
		string(appliance.StatusOpen):      {"受理", "Open"},
		string(appliance.StatusApproval):  {"待审批", "Approval"},
		string(appliance.StatusInRepair):  {"维修中", "In repair"},
		string(appliance.StatusAtVendor):  {"送厂", "At maker"},
		string(appliance.StatusReady):     {"待取件", "Ready"},
		string(appliance.StatusMailBack):  {"待寄回", "Mail back"},
		string(appliance.StatusClosed):    {"已结案", "Closed"},
		string(appliance.StatusCancelled): {"已取消", "Cancelled"},
	}
}

// kinds names the ticket kinds (seed 000 "顾客服务的分类").
func kinds() Table {
	return Table{
		string(appliance.KindReturn):      {"退货", "Return"},
		string(appliance.KindExchange):    {"换货", "Exchange"},
		string(appliance.KindRepair):      {"维修", "Repair"},
		string(appliance.KindOnSite):      {"上门", "On-site"},
		string(appliance.KindComplaint):   {"投诉", "Complaint"},
		string(appliance.KindConsult):     {"咨询", "Consultation"},
		string(appliance.KindStorage):     {"暂存", "Storage"},
		string(appliance.KindDelivery):    {"送货", "Delivery"},
		string(appliance.KindOutOfStock):  {"缺货登记", "Out of stock"},
		string(appliance.KindMaintenance): {"保养合同", "Maintenance"},
	}
}

// cardStatuses names a service card's statuses.
func cardStatuses() Table {
	return Table{"active": {"正常", "Active"}, "lost": {"已挂失", "Lost"}, "replaced": {"已补换", "Replaced"}, "cancelled": {"已注销", "Cancelled"}}
}

// ledgerKinds names the kinds of a card's ledger entries.
func ledgerKinds() Table {
	return Table{
		"issue": {"开卡", "Issue"}, "topup": {"充值", "Top-up"}, "charge": {"扣款", "Charge"}, "refund": {"退款", "Refund"},
		"reversal": {"冲正", "Reversal"}, "transfer_out": {"转出", "Transfer out"}, "transfer_in": {"转入", "Transfer in"},
		"cashout": {"退现", "Cash-out"},
	}
}

// problems names what the desk found wrong with the goods.
func problems() Table {
	return Table{
		"quality": {"质量问题", "Quality problem"}, "not_quality": {"非质量问题", "Not a quality problem"},
		"customer_damage": {"人为损坏", "Damaged by the customer"}, "transport_damage": {"运输损坏", "Damaged in transport"},
	}
}

// outcomes names a decision's outcomes.
func outcomes() Table {
	return Table{
		"return": {"退货", "Return"}, "exchange": {"换货", "Exchange"}, "free_repair": {"免费维修", "Free repair"},
		"paid_repair": {"收费维修", "Paid repair"}, "none": {"不予受理", "Nothing owed"}, "repair": {"维修", "Repair"},
		"other": {"其他", "Other"},
	}
}

// payers names who pays a fee.
func payers() Table {
	return Table{"store": {"门店承担", "store pays"}, "customer": {"顾客承担", "customer pays"}, "split": {"双方分摊", "split"}}
}

// fees names a decision's fees.
func fees() Table {
	return Table{"restocking": {"折旧手续费", "Restocking fee"}, "depreciation": {"折旧费", "Depreciation"}, "shipping": {"运费", "Shipping"}}
}

// repairResults names how a repair ended.
func repairResults() Table {
	return Table{
		"repaired": {"已修复", "Repaired"}, "exchanged": {"已换新", "Exchanged"},
		"unrepairable": {"无法修复", "Unrepairable"}, "declined": {"顾客拒绝报价", "Quote declined"},
	}
}

// calls names the kinds of call on the call list.
func calls() Table {
	return Table{
		"pickup": {"取件通知", "Pickup notice"}, "late_repair": {"延期告知", "Late repair notice"},
		"stock_callback": {"缺货回访", "Stock callback"}, "complaint_reply": {"投诉答复", "Complaint reply"},
		"contract_expiry": {"合同到期", "Contract expiry"},
	}
}

// configFiles says what each config file of conf/defaults holds.
func configFiles() Table {
	return Table{
		"store.toml": {"门店信息", "The store"}, "policy.toml": {"退换货与保修规则", "Return and warranty rules"},
		"fees.toml": {"收费标准", "Fees"}, "sla.toml": {"服务时限", "Service times"}, "calendar.toml": {"节假日安排", "Holidays"},
		"staff.toml": {"员工与权限", "Staff and roles"}, "devices.toml": {"服务台与设备", "Desks and devices"},
		"till.toml": {"收银系统对接", "The till link"},
	}
}
