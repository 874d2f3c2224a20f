package forms

// The service forms of seed 001 售后服务管理办法 (七), 表14.6.1 服表001–007
// (DOMAIN.md "Forms" 6).

// serviceRecord is 服表001 服务凭证: the product's service history and the
// technician's proof of service; the customer signs it on site (九) or
// when the item comes back (十二).
func serviceRecord() *Form {
	return &Form{
		Name:  "service_record",
		Title: L("服务凭证", "Service record"),
		Seed:  "seed 001 管理办法 服表001",
		Code:  "number",
		Sections: []Section{
			{Fields: []Field{
				ticketNumber(),
				newField(FieldSelect, "service_class", "服务类别", "Service class").opts(serviceClassOptions()).req().hand(),
			}},
			{Title: L("顾客", "Customer"), Fields: []Field{
				customerName().req(), customerAddress(), customerPhone().req(),
			}},
			{Title: L("商品", "Product"), Fields: []Field{productName().req(), serial(), purchased()}},
			{Title: L("服务", "Service"), Fields: []Field{
				newField(FieldDateTime, "called", "叫修时间", "Called at").from("ticket.created").req(),
				newField(FieldDateTime, "arrived", "到达时间", "Arrived at").hand(),
				newField(FieldDateTime, "finished", "完工时间", "Finished at").hand(),
				fault(),
				newField(FieldMultiline, "work", "服务内容", "Work done").from("ticket.conclusion").max(300).hand(),
				newField(FieldList, "parts", "配换零件", "Parts replaced").from("ticket.parts"),
				money("fee", "服务费用", "Fee").from("ticket.fees_total"),
				technician().hand(),
				signature("customer_sign", "顾客签字", "Customer signature"),
			}},
		},
	}
}

// callLog is one entry of 服表002 叫修登记簿 (八): the customer's name,
// address, phone and model when a call for service comes in; cancelled
// (注销) when the job is done (九).
func callLog() *Form {
	return &Form{
		Name:  "call_log",
		Title: L("叫修登记簿", "Service call log"),
		Seed:  "seed 001 管理办法 服表002",
		Sections: []Section{
			{Fields: []Field{
				ticketNumber(),
				newField(FieldDateTime, "called", "叫修时间", "Called at").from("ticket.created").req(),
				customerName().req(), customerAddress().req(), customerPhone().req(),
				newField(FieldText, "model", "商品型号", "Model").from("purchase.name").req().max(80),
				fault(),
				newField(FieldText, "dispatched", "派工", "Dispatched to").from("ticket.technician").max(40).hand(),
				clerk("登记人", "Logged by").req().hand(),
				newField(FieldDate, "cancelled", "注销日期", "Closed on").hand(),
			}},
		},
	}
}

// pickupReceipt is 服表003 客户商品领取收据: given to the customer when the
// item is taken in for repair; the item is handed back against it (十一,
// 十二).
func pickupReceipt() *Form {
	return &Form{
		Name:  "pickup_receipt",
		Title: L("客户商品领取收据", "Pickup receipt"),
		Seed:  "seed 001 管理办法 服表003",
		Code:  "number",
		Sections: []Section{
			{Fields: []Field{ticketNumber(), received().req()}},
			{Title: L("顾客", "Customer"), Fields: []Field{customerName().req(), customerPhone().req()}},
			{Title: L("商品", "Product"), Fields: []Field{
				productName().req(), serial(),
				newField(FieldText, "condition", "收件状况", "Condition").from("ticket.condition").max(120),
				newField(FieldText, "appearance", "外观", "Appearance").from("ticket.appearance").max(120),
				newField(FieldDate, "due", "预计完成", "Expected ready").from("ticket.due"),
				technician(),
			}},
		},
		Footer: []Label{L("凭此收据领取商品，取件时收回作废", "The item is handed back against this receipt, which is then voided")},
	}
}

// goodsLog is one entry of 服表004 客户商品进出登记簿: when a customer's item
// came in and when it went back (十一, 十二).
func goodsLog() *Form {
	return &Form{
		Name:  "goods_log",
		Title: L("客户商品进出登记簿", "Customer goods in/out log"),
		Seed:  "seed 001 管理办法 服表004",
		Sections: []Section{
			{Fields: []Field{
				ticketNumber(),
				newField(FieldDateTime, "in", "收进日期", "In").from("ticket.created").req(),
				customerName().req(), customerPhone(),
				productName().req(), serial(),
				newField(FieldText, "brought_by", "携回技术员", "Brought in by").from("ticket.technician").max(40).hand(),
				clerk("登记人", "Logged by").req().hand(),
				newField(FieldDate, "out", "交还日期", "Returned on").hand(),
				signature("customer_sign", "顾客签章", "Customer signature"),
			}},
		},
	}
}

// repairTag is 服表005 修护卡: hung on the item waiting for repair; the
// technician writes the time spent and parts used on it, the supervisor
// checks it off (十二).
func repairTag() *Form {
	return &Form{
		Name:  "repair_tag",
		Title: L("修护卡", "Repair tag"),
		Seed:  "seed 001 管理办法 服表005",
		Code:  "number",
		Sections: []Section{
			{Fields: []Field{
				ticketNumber(),
				customerName().req(), customerPhone(),
				productName().req(), serial(),
				received(),
				newField(FieldDate, "due", "应完成日期", "Due").from("ticket.due"),
				fault().req(),
				technician().hand(),
				hours("hours", "修护时间(小时)", "Hours spent").hand(),
				newField(FieldList, "parts", "配换零件", "Parts replaced").from("ticket.parts").hand(),
				signature("checked_by", "主任验讫", "Checked by supervisor"),
			}},
		},
	}
}

// technicianDaily is 服表006 技术人员日报表: each technician's day, by
// service class and hours, for the supervisor (十五). The lines come from
// the day's report (issue 9) as free values.
func technicianDaily() *Form {
	return &Form{
		Name:  "tech_daily",
		Title: L("技术人员日报表", "Technician daily report"),
		Seed:  "seed 001 管理办法 服表006",
		Sections: []Section{
			{Fields: []Field{
				newField(FieldDate, "date", "日期", "Date").from("print.date").req(),
				newField(FieldText, "technician", "技术人员", "Technician").req().max(40),
			}},
			{Title: L("工作", "Work"), Fields: []Field{
				newField(FieldList, "items", "单号 类别 内容", "Ticket, class, work").req(),
			}},
			{Title: L("耗用时数", "Hours"), Fields: classHours()},
			{Fields: []Field{signature("reviewed_by", "服务主任核阅", "Reviewed by supervisor")}},
		},
	}
}

// supervisorDaily is 服表007 服务主任日报表: the day's work of the
// supervisor's technicians by class and total hours, for the service
// department; a branch's goes through its manager first (十六, 十七).
func supervisorDaily() *Form {
	return &Form{
		Name:  "supervisor_daily",
		Title: L("服务主任日报表", "Service supervisor daily report"),
		Seed:  "seed 001 管理办法 服表007",
		Sections: []Section{
			{Fields: []Field{
				newField(FieldDate, "date", "日期", "Date").from("print.date").req(),
				newField(FieldText, "branch", "分店", "Branch").from("store.branch").max(40),
				newField(FieldText, "supervisor", "服务主任", "Supervisor").from("print.operator").req().max(40),
			}},
			{Title: L("技术人员", "Technicians"), Fields: []Field{
				newField(FieldList, "items", "人员 件数 时数", "Technician, jobs, hours").req(),
			}},
			{Title: L("耗用总时数", "Total hours"), Fields: classHours()},
			{Fields: []Field{signature("manager_sign", "经理核阅签章", "Manager's review")}},
		},
	}
}

// classHours are the hours of each service class (seed 001 管理办法 六) and
// their total.
func classHours() []Field {
	return []Field{
		hours("hours_a", "A 有费服务", "A paid service"),
		hours("hours_b", "B 合同服务", "B contract service"),
		hours("hours_c", "C 免费服务", "C free service"),
		hours("hours_d", "D 一般行政", "D internal work"),
		hours("hours_total", "合计", "Total").req(),
	}
}
