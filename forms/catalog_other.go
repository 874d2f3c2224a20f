package forms

// The survey, out-of-stock, card and closing forms (DOMAIN.md "Forms" 7).

// surveyCard is the 满意度调查卡: the technician judged on attitude, skill,
// arrival time and follow-through, each on four levels (seed 001 管理办法
// 二十五; 门店制度 第三十二条). Printed blank, the customer ticks the boxes.
func surveyCard() *Form {
	item := func(id, zh, en string) Field {
		return newField(FieldSelect, id, zh, en).from("ticket.survey." + id).opts(satisfactionOptions()).req().hand()
	}
	return &Form{
		Name:  "survey",
		Title: L("满意度调查卡", "Satisfaction survey"),
		Seed:  "seed 001 管理办法 二十五, 门店售后服务管理制度 第三十二条",
		Sections: []Section{
			{Fields: []Field{ticketNumber(), customerName(), technician()}},
			{Title: L("请在方框内打勾", "Tick one box per line"), Fields: []Field{
				item("attitude", "服务态度", "Attitude"),
				item("skill", "技术水平", "Skill"),
				item("timeliness", "到达时间", "Timeliness"),
				item("follow_up", "答应事情的办理", "Follow-through"),
			}},
			{Fields: []Field{
				newField(FieldMultiline, "comments", "意见或建议", "Comments").max(300).hand(),
				newField(FieldDate, "date", "填写日期", "Date").from("ticket.survey.date"),
			}},
		},
		Footer: []Label{L("感谢您的宝贵意见", "Thank you for your opinion")},
	}
}

// outOfStock is the 缺货登记 registration (门店制度 第三十三–三十六条): the
// desk confirms with the customer before transferring stock, calls back
// within a week whatever happens, and calls on arrival.
func outOfStock() *Form {
	return &Form{
		Name:  "out_of_stock",
		Title: L("缺货登记", "Out-of-stock registration"),
		Seed:  "seed 001 门店售后服务管理制度 第三十三–三十六条",
		Parts: twoParts(storeStub(), L("到货后我们将立即通知您取货", "We will call you as soon as the goods arrive")),
		Code:  "number",
		Sections: []Section{
			{Fields: []Field{
				ticketNumber(),
				newField(FieldDateTime, "registered", "登记时间", "Registered").from("ticket.created").req(),
			}},
			{Title: L("顾客", "Customer"), Fields: []Field{customerName().req(), customerPhone().req()}},
			{Title: L("商品", "Goods wanted"), Fields: []Field{
				productCode(),
				newField(FieldText, "product", "商品名称规格", "Product name and spec").from("ticket.fault").req().max(80),
				quantity().req(),
				newField(FieldDate, "expected", "预计到货", "Expected arrival"),
				// 第三十五条: call back within one week in any case.
				newField(FieldDate, "callback", "回复期限", "Call back by").from("ticket.due").req().hand(), // an order with no due: the clerk writes the day
				newField(FieldBool, "confirm_first", "调货前再确认", "Confirm before transfer").def("true"),
			}},
			{Fields: []Field{clerk("登记人", "Registered by").req().hand(), notes().on(1)}},
		},
	}
}

// cardReceipt is the 售后服务卡 交易凭条 printed for every card transaction:
// the card number masked but for its last 4 characters, the kind, amount,
// balance after, operator, time and the idempotency key shortened.
func cardReceipt() *Form {
	return &Form{
		Name:  "card_receipt",
		Title: L("售后服务卡交易凭条", "Service card transaction receipt"),
		Seed:  "DOMAIN.md Records: card transaction",
		Sections: []Section{
			{Fields: []Field{
				newField(FieldText, "card", "卡号", "Card number").from("ledger.card_masked").req().max(40),
				newField(FieldSelect, "kind", "交易类型", "Transaction").from("ledger.kind").opts(ledgerKindOptions()).req(),
				signedMoney("amount", "金额", "Amount").from("ledger.amount").req(),
				money("balance", "交易后余额", "Balance after").from("ledger.balance").req(),
				newField(FieldText, "ticket", "服务单号", "Ticket").from("ledger.ticket").max(20),
				newField(FieldText, "reverses", "冲正原交易", "Reverses").from("ledger.reverses").max(40),
			}},
			{Fields: []Field{
				newField(FieldText, "operator", "操作员", "Operator").from("ledger.operator").req().max(40),
				newField(FieldDateTime, "time", "交易时间", "Time").from("ledger.time").req(),
				newField(FieldText, "key", "流水号", "Reference").from("ledger.key_short").req().max(20),
				signature("customer_sign", "持卡人签字", "Cardholder signature"),
			}},
		},
		Footer: []Label{L("卡内资金专款专用，不与其他资金混用", "Card money is kept apart from other funds")},
	}
}

// dailyClosing is the 日结 slip (门店制度 第二十二条; issue 9): the day's
// tickets by kind and outcome, refunds paid in cash and to cards, card
// money in and out, the outstanding card balance (the store's liability),
// fees taken and whatever does not reconcile. The figures come from the
// closing report as free values.
func dailyClosing() *Form {
	return &Form{
		Name:  "closing",
		Title: L("日结单", "Daily closing"),
		Seed:  "seed 001 门店售后服务管理制度 第二十二条",
		Sections: []Section{
			{Fields: []Field{
				newField(FieldDate, "date", "营业日期", "Business day").req(),
				newField(FieldText, "branch", "分店", "Branch").from("store.branch").max(40),
			}},
			{Title: L("服务单", "Tickets"), Fields: []Field{
				newField(FieldNumber, "opened", "新受理", "Opened").between(0, 1e9).req(),
				newField(FieldNumber, "closed", "已结案", "Closed").between(0, 1e9).req(),
				newField(FieldList, "by_kind", "按类别与结果", "By kind and outcome"),
			}},
			{Title: L("退款", "Refunds"), Fields: []Field{
				money("refund_cash", "现金退款", "Refunds in cash").req(),
				money("refund_card", "退至储值卡", "Refunds to cards").req(),
			}},
			{Title: L("储值卡", "Service cards"), Fields: []Field{
				money("card_in", "充值收入", "Top-ups in").req(),
				money("card_charges", "卡内消费", "Charged to cards").req(),
				money("card_out", "退余额支出", "Cash-outs paid").req(),
				newField(FieldList, "card_by_kind", "按交易类型", "By transaction kind"),
				money("card_liability", "卡余额合计(负债)", "Outstanding card balance").req(),
			}},
			{Title: L("收费", "Fees"), Fields: []Field{
				money("fees_cash", "现金收费", "Fees in cash").req(),
				money("fees_card", "储值卡收费", "Fees by card").req(),
			}},
			{Title: L("对账", "Reconciliation"), Fields: []Field{
				newField(FieldMultiline, "discrepancies", "不平项", "Not reconciled").def("无").max(1000),
			}},
			{Fields: []Field{
				clerk("日结人", "Closed by").req(),
				signature("supervisor_sign", "主管签字", "Supervisor signature"),
			}},
		},
	}
}
