package forms

import "shouhou/appliance"

// The option lists of select fields; each call returns a fresh slice.

// warrantyOptions: 维修性质 保内 / 保外 (seed 000 产品售后维修服务卡).
func warrantyOptions() []Option {
	return []Option{{"in", L("保内", "In warranty")}, {"out", L("保外", "Out of warranty")}}
}

// chargeOptions: 费用形式 免费 / 收费 (seed 000 产品售后维修服务卡).
func chargeOptions() []Option {
	return []Option{{"free", L("免费", "Free")}, {"charged", L("收费", "Charged")}}
}

// satisfactionOptions are the four levels of each survey item (seed 001
// 管理办法 二十五), best first; the values are appliance.Survey's 4 to 1.
func satisfactionOptions() []Option {
	return []Option{
		{"4", L("很满意", "Very satisfied")}, {"3", L("满意", "Satisfied")},
		{"2", L("一般", "Fair")}, {"1", L("不满意", "Dissatisfied")},
	}
}

// channelOptions: where the goods were sold (seed 000 退换货登记表 ☐天猫 ☑京东).
func channelOptions() []Option {
	return []Option{
		{"store", L("门店", "In store")}, {"online", L("网店", "Online shop")},
		{"tmall", L("天猫", "Tmall")}, {"jd", L("京东", "JD.com")},
	}
}

// returnOptions: 退货 / 换货.
func returnOptions() []Option {
	return []Option{
		{string(appliance.KindReturn), L("退货", "Return")},
		{string(appliance.KindExchange), L("换货", "Exchange")},
	}
}

// ticketKindOptions are the ticket kinds (DOMAIN.md "Ticket kinds").
func ticketKindOptions() []Option {
	zh := map[appliance.TicketKind]Label{
		appliance.KindReturn: L("退货", "Return"), appliance.KindExchange: L("换货", "Exchange"),
		appliance.KindRepair: L("维修", "Repair"), appliance.KindOnSite: L("上门", "On-site service"),
		appliance.KindComplaint: L("投诉", "Complaint"), appliance.KindConsult: L("咨询", "Consultation"),
		appliance.KindStorage: L("暂存", "Temporary storage"), appliance.KindDelivery: L("送货", "Delivery"),
		appliance.KindOutOfStock: L("缺货登记", "Out of stock"), appliance.KindMaintenance: L("保养合同", "Maintenance contract"),
	}
	out := make([]Option, 0, len(appliance.TicketKinds))
	for _, k := range appliance.TicketKinds {
		out = append(out, Option{string(k), zh[k]})
	}
	return out
}

// ledgerKindOptions are the card transaction kinds.
func ledgerKindOptions() []Option {
	return []Option{
		{string(appliance.LedgerIssue), L("开卡", "Issue")},
		{string(appliance.LedgerTopup), L("充值", "Top-up")},
		{string(appliance.LedgerCharge), L("消费", "Charge")},
		{string(appliance.LedgerRefund), L("退款", "Refund")},
		{string(appliance.LedgerReversal), L("冲正", "Reversal")},
		{string(appliance.LedgerTransferOut), L("转出", "Transfer out")},
		{string(appliance.LedgerTransferIn), L("转入", "Transfer in")},
		{string(appliance.LedgerCashout), L("退余额", "Cash-out")},
	}
}

// serviceClassOptions are the service classes A–D (seed 001 管理办法 六).
func serviceClassOptions() []Option {
	return []Option{
		{"A", L("A有费", "A paid")}, {"B", L("B合同", "B contract")},
		{"C", L("C免费", "C free")}, {"D", L("D内部", "D internal")},
	}
}

// noticeOutcomes are the outcomes of a call to the customer.
func noticeOutcomes() []Option {
	return []Option{
		{"reached", L("已联系", "Reached")}, {"no_answer", L("无人接听", "No answer")},
		{"message_left", L("已留言", "Message left")},
	}
}

// paymentOptions: how fees were paid.
func paymentOptions() []Option {
	return []Option{{"cash", L("现金", "Cash")}, {"card", L("储值卡", "Service card")}}
}
