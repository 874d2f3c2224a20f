package policy

// Rule is one rule of the policy with its source in the store's manuals.
type Rule struct {
	// ID is stable: decisions stored on tickets refer to it.
	ID string `json:"id"`
	// Text states the rule, Chinese first, then English.
	Text string `json:"text"`
	// Seed is the source manual's number in shared/seeds ("000"–"004"), or
	// "store" for a store setting.
	Seed string `json:"seed"`
	// Article is the article or section of the seed.
	Article string `json:"article"`
}

// Rule IDs.
const (
	RuleNoReasonReturn   = "no-reason-return"
	RuleNoReasonNone     = "no-reason-none"
	RuleNoReasonExpired  = "no-reason-expired"
	RuleQualityReturn    = "quality-return"
	RuleQualityExchange  = "quality-exchange"
	RuleFreeRepair       = "free-repair"
	RulePaidRepair       = "paid-repair"
	RuleSpecialGift      = "special-gift"
	RuleUsed             = "used-or-processed"
	RuleCustom           = "custom-made"
	RuleIncomplete       = "incomplete"
	RuleTags             = "tags-removed"
	RuleCustomerDamage   = "customer-damage"
	RuleTransportDamage  = "transport-damage"
	RuleNonQuality       = "non-quality-list"
	RuleDepreciation     = "unrepairable-depreciation"
	RuleUnrepairable     = "unrepairable-supervisor"
	RuleThreeRepairs     = "three-repairs"
	RuleRestocking       = "restocking-fee"
	RuleShipping         = "shipping-payer"
	RuleExchangePrice    = "exchange-price"
	RuleRepairCap        = "repair-cap"
	RuleRepairWarranty   = "repair-warranty"
	RuleRefundPricePaid  = "refund-price-paid"
	RuleApprovalRefund   = "approval-refund"
	RuleApprovalOutside  = "approval-outside"
	RuleOutsideWarranty  = "warranty-expired"
	RuleNotQualityNoRule = "not-quality"
)

// Rules returns the catalogue of every rule, in a fixed order.
func Rules() []Rule {
	return []Rule{
		{RuleNoReasonReturn, "商品不影响再次销售的，可在无理由退货期内退回 / unused, resaleable goods may be returned without a reason within the no-reason window", "001", "第六条"},
		{RuleNoReasonNone, "该类商品无质量问题不退换（如内衣） / this category is never returned without a quality problem (e.g. intimate apparel)", "002", "三包"},
		{RuleNoReasonExpired, "已超过无理由退货期 / the no-reason return window has passed", "001", "第六条"},
		{RuleQualityReturn, "质量问题在退货期内予以退货 / a quality problem within the return window: return", "001", "第七条"},
		{RuleQualityExchange, "质量问题在换货期内可予以调换 / a quality problem within the exchange window: exchange", "001", "第八条"},
		{RuleFreeRepair, "保修期内质量问题免费维修 / a quality problem within the free-repair period: free repair", "001", "第九条"},
		{RulePaidRepair, "超过保修期的，给予维修并收取维修费用 / after the free-repair period: repair for a fee", "001", "第十条"},
		{RuleSpecialGift, "特价品或赠品恕不退换 / special-price goods and gifts are not returned or exchanged", "001", "第十五条"},
		{RuleUsed, "无质量问题且有明显使用或加工痕迹的恕不退换 / used or processed goods without a quality problem are not returned", "001", "第十一条"},
		{RuleCustom, "定制、特别加工的商品无质量问题恕不退换 / custom-made goods without a quality problem are not returned", "001", "第十二条"},
		{RuleIncomplete, "原包装损坏或遗失、配件不全、无保修卡的恕不退换 / packaging, accessories or warranty card missing: no return without a quality problem", "001", "第十三条"},
		{RuleTags, "吊牌已拆除的无质量问题不退换 / tags removed: no return without a quality problem", "000", "淘宝售后服务卡"},
		{RuleCustomerDamage, "因顾客原因造成商品损害的恕不退换，只提供收费维修 / customer-caused damage: paid repair only", "001", "第十四条; 备注 1–7"},
		{RuleTransportDamage, "运输损坏按质量问题处理，运费由本店承担 / transport damage counts as a quality problem and the store pays shipping", "000", "淘宝售后服务卡"},
		{RuleNonQuality, "以下不属于质量问题：线头、折痕、光线造成的轻微色差、2厘米以内的尺码误差、包装破损 / not quality problems: loose threads, creases, slight colour difference from light, size within 2 cm, packaging damage", "002", "服装三包"},
		{RuleDepreciation, "保修期内无法修复的，按购买天数折旧后退货或换货 / unrepairable within the free-repair period: return or exchange less depreciation by days since purchase", "002", "三包"},
		{RuleUnrepairable, "无法修复的商品由主管协商处理 / an unrepairable item goes to a supervisor for a settlement", "001", "第二十九条"},
		{RuleThreeRepairs, "保修期内同一故障修理三次仍不能正常使用的，予以更换新品 / the same defect repaired 3 times within warranty and still failing: exchange for a new one", "003", "三包"},
		{RuleRestocking, "无理由退货收取手续费 / a restocking fee on a no-reason return", "000", "淘宝售后服务卡"},
		{RuleShipping, "邮寄退换运费：7天内质量问题本店承担，15天内双方各半，其后顾客承担 / shipping of a mailed return: store within 7 days, split within 15, then the customer", "000", "淘宝售后服务卡"},
		{RuleExchangePrice, "换货时商品涨价按原价，降价按现价 / exchange: a price that rose stays at the original price, a price that fell is the current price", "002", "方案1"},
		{RuleRepairCap, "保修期外维修费不高于购买价格的一定比例 / an out-of-warranty repair costs no more than a share of the price paid", "001", "6.5.3"},
		{RuleRepairWarranty, "维修后享有保修（配件及人工），维修过的板卡另有保修期 / a repair carries a warranty on parts and labour, longer for a repaired board", "000", "收费标准; 001 6.5.3"},
		{RuleRefundPricePaid, "退款按实际支付价格（扣除优惠后） / a refund is the price actually paid, after discounts", "004", "退款"},
		{RuleApprovalRefund, "退款超过限额需主管批准 / a refund above the limit needs a supervisor", "store", "approval.refund_above"},
		{RuleApprovalOutside, "超出决定范围的处理需主管批准 / an outcome outside the decision needs a supervisor", "001", "第二十条"},
		{RuleOutsideWarranty, "已超过免费保修期 / the free-repair period has passed", "001", "第十条"},
		{RuleNotQualityNoRule, "无质量问题且不符合无理由退货条件的，不予退换 / no quality problem and no no-reason return: nothing is owed", "001", "第十一–十三条"},
	}
}

// catalogue indexes Rules by ID. It is built once and only read.
var catalogue = func() map[string]Rule {
	m := map[string]Rule{}
	for _, r := range Rules() {
		m[r.ID] = r
	}
	return m
}()

// RuleByID returns the rule with the given ID.
func RuleByID(id string) (Rule, bool) {
	r, ok := catalogue[id]
	return r, ok
}
