package forms

// The desk's forms of seed 000 (DOMAIN.md "Forms" 1–5).

// trackingCard is the 售后服务跟踪卡 (seed 000): one set of two parts, the
// first to the repair department, the second to the customer. 注 4: the
// repair part must carry the customer's name, address and phone in full.
func trackingCard() *Form {
	return &Form{
		Name:  "tracking",
		Title: L("售后服务跟踪卡", "After-sales service tracking card"),
		Seed:  "seed 000 商品质量售后服务跟踪卡",
		Parts: twoParts(repairStub(), L("凭此联取件，请妥善保管", "Keep this copy to collect the item")),
		Code:  "number",
		Sections: []Section{
			{Fields: []Field{
				newField(FieldText, "branch", "分店", "Branch").from("store.branch").max(40),
				ticketNumber(),
				received(),
			}},
			{Title: L("商品", "Product"), Fields: []Field{
				// A ticket about no product (an on-site call, a consultation, a
				// maintenance contract) prints its card with these lines for the pen.
				productCode(), productName().req().hand(), quantity().req(), purchased().req().hand(),
			}},
			{Title: L("顾客", "Customer"), Fields: []Field{
				// A customer known by phone may have no address on file: the
				// card still prints, with the line left for the pen.
				customerName().req(), customerAddress().req().hand(), customerPhone().req(),
			}},
			{Title: L("维修", "Repair"), Fields: []Field{
				fault().req(),
				// 注 2: the maker's or agent's repair point, written in full.
				newField(FieldText, "service_point", "维修点地址", "Repair point address").max(120).hand(),
				newField(FieldPhone, "service_point_phone", "维修点电话", "Repair point phone").hand(),
				clerk("营业员", "Clerk").req().hand(),
				notes(),
			}},
		},
		Footer: []Label{L("购物时间以电脑小票为准", "The purchase time is the one on the till receipt")},
	}
}

// storageCard is the 暂存卡 temporary storage card (seed 000).
func storageCard() *Form {
	return &Form{
		Name:  "storage",
		Title: L("暂存卡", "Temporary storage card"),
		Seed:  "seed 000 暂存卡",
		Code:  "number",
		Sections: []Section{
			{Fields: []Field{ticketNumber()}},
			// Goods not on file are described by hand.
			{Title: L("商品", "Product"), Fields: []Field{productCode(), productName().req().hand(), quantity()}},
			{Title: L("顾客", "Customer"), Fields: []Field{
				customerName(), customerAddress(), customerPhone().req(),
			}},
			{Title: L("暂存", "Storage"), Fields: []Field{
				newField(FieldDateTime, "stored", "暂存时间", "Stored at").from("ticket.created").req(),
				newField(FieldDateTime, "until", "取回期限", "Collect by"),
				newField(FieldMultiline, "reason", "暂存原因", "Reason").from("ticket.fault").req().max(200),
				newField(FieldText, "guard", "保安员", "Guard").max(40).hand(),
				clerk("营业员", "Clerk").req().hand(),
				signature("customer_sign", "顾客签字", "Customer signature"),
			}},
		},
	}
}

// deliverySlip is the 送货卡 / 售后服务送货单 delivery slip (seed 000):
// the store keeps part 1 signed by the customer on delivery. For goods
// held for another branch, 备注 names the selling branch.
func deliverySlip() *Form {
	return &Form{
		Name:  "delivery",
		Title: L("售后服务送货单", "Delivery slip"),
		Seed:  "seed 000 送货卡, 售后服务送货单",
		Parts: twoParts(storeStub(), L("请核对商品，如有疑问请致电售后", "Please check the goods; call the desk with any question")),
		Code:  "number",
		Sections: []Section{
			{Fields: []Field{
				ticketNumber(),
				newField(FieldDate, "made", "制单日期", "Made on").from("print.date").req(),
			}},
			{Title: L("商品", "Product"), Fields: []Field{productCode(), productName().req().hand(), quantity().req()}},
			{Title: L("顾客", "Customer"), Fields: []Field{
				customerName().req(), customerAddress().req(), customerPhone().req(),
			}},
			{Title: L("送货", "Delivery"), Fields: []Field{
				newField(FieldDateTime, "delivery_time", "送货时间", "Delivery time").req(),
				newField(FieldText, "driver", "送货人", "Driver").max(40).hand(),
				clerk("营业员", "Clerk").req().hand(),
				notes(),
				signature("customer_sign", "顾客签收", "Received by (customer)").on(1),
			}},
		},
	}
}

// returnRegistration is the 退换货登记表 (seed 000 售后服务保障卡): channel and
// order, phone, reason, item and its condition as checked at intake.
func returnRegistration() *Form {
	return &Form{
		Name:  "return",
		Title: L("退换货登记表", "Return / exchange registration"),
		Seed:  "seed 000 售后服务保障卡(退换货登记表)",
		Code:  "number",
		Sections: []Section{
			{Fields: []Field{
				ticketNumber(),
				newField(FieldSelect, "type", "退/换", "Return or exchange").from("ticket.kind").opts(returnOptions()).req().hand(),
				received(),
			}},
			{Title: L("订单", "Order"), Fields: []Field{
				newField(FieldSelect, "channel", "购买渠道", "Channel").from("purchase.channel").opts(channelOptions()).hand(),
				newField(FieldText, "order", "订单号/小票号", "Order ID or receipt").from("purchase.receipt").max(40),
				purchased().req(),
				money("price", "实付金额", "Price paid").from("purchase.price"),
			}},
			{Title: L("顾客", "Customer"), Fields: []Field{customerName(), customerPhone().req()}},
			{Title: L("商品", "Item"), Fields: []Field{
				productCode(), productName().req(), quantity(),
				newField(FieldMultiline, "reason", "退换原因", "Reason").from("ticket.fault").req(),
				newField(FieldText, "condition", "商品状况", "Condition").from("ticket.condition").max(120),
				newField(FieldText, "appearance", "外观", "Appearance").from("ticket.appearance").max(120),
			}},
			{Fields: []Field{
				clerk("经手人", "Handled by").req().hand(),
				signature("customer_sign", "顾客签字", "Customer signature"),
			}},
		},
		Footer: []Label{L("退换商品须整洁、吊牌完整、不影响二次销售", "Returned goods must be clean, tagged and resaleable")},
	}
}

// repairCard is the 产品售后维修服务卡 with its 回执单 receipt (seed 000):
// part 1 the service card for the repair department, part 2 the receipt
// for the customer.
func repairCard() *Form {
	parts := twoParts(repairStub(), L("凭此回执单取件", "Present this receipt to collect the item"))
	parts[1].Title = L("产品售后维修回执单", "Repair receipt")
	return &Form{
		Name:  "repair",
		Title: L("产品售后维修服务卡", "Product repair service card"),
		Seed:  "seed 000 产品售后维修服务卡, 产品售后维修回执单",
		Parts: parts,
		Code:  "number",
		Sections: []Section{
			{Fields: []Field{
				ticketNumber(),
				newField(FieldText, "receiver", "接收人", "Received by").from("print.operator").req().max(40).hand(),
				received().req(),
			}},
			{Title: L("商品", "Product"), Fields: []Field{
				productCode(), productName().req(), purchased(), customerName(), customerPhone(),
			}},
			{Title: L("维修", "Repair"), Fields: []Field{
				newField(FieldSelect, "warranty", "维修性质", "Warranty").opts(warrantyOptions()).req().hand(),
				newField(FieldSelect, "charge", "费用形式", "Free or charged").from("ticket.charged").opts(chargeOptions()).hand(),
				newField(FieldText, "damaged_part", "损坏部位", "Damaged part").max(60).hand(),
				fault().req(),
				newField(FieldList, "parts", "更换配件明细", "Parts replaced").from("ticket.parts").hand(),
				money("parts_fee", "材料费", "Parts fee").from("ticket.parts_total"),
				money("repair_fee", "维修费", "Repair fee").from("ticket.fees_total"),
			}},
			{Title: L("与顾客沟通", "Customer contact"), Fields: []Field{
				newField(FieldDateTime, "contact_time", "沟通时间", "Contacted at").from("ticket.last_notice"),
				newField(FieldSelect, "contact_result", "沟通结果", "Contact result").from("ticket.last_notice_outcome").opts(noticeOutcomes()),
			}},
			{Title: L("结论", "Conclusion"), Fields: []Field{
				newField(FieldMultiline, "returned_items", "返回产品明细", "Items returned").max(200).hand(),
				newField(FieldMultiline, "conclusion", "维修结论", "Conclusion").from("ticket.conclusion").max(300).hand(),
				newField(FieldText, "made_by", "制表人", "Made by").from("print.operator").max(40).hand(),
			}},
		},
	}
}
