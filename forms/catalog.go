package forms

import "shouhou/appliance"

// All returns every form of the store (DOMAIN.md "Forms"), freshly built:
// the caller may change them without touching anyone else's.
func All() []*Form {
	return []*Form{
		trackingCard(), storageCard(), deliverySlip(), returnRegistration(), repairCard(),
		serviceRecord(), callLog(), pickupReceipt(), goodsLog(), repairTag(), technicianDaily(),
		supervisorDaily(), surveyCard(), outOfStock(), cardReceipt(), dailyClosing(),
	}
}

// ByName returns the form named name, or an ENOTFOUND error.
func ByName(name string) (*Form, error) {
	for _, f := range All() {
		if f.Name == name {
			return f, nil
		}
	}
	return nil, appliance.Errorf(appliance.ENOTFOUND, "没有表单 %q / no form %q", name, name)
}

// Names returns the names of all forms, in the order of All.
func Names() []string {
	all := All()
	out := make([]string, len(all))
	for i, f := range all {
		out[i] = f.Name
	}
	return out
}

// twoParts are the copies of a two-part form (一式两联, seed 000 售后服务跟踪卡
// 注 1): the stub for the store or the repair department, and the
// customer's.
func twoParts(stub, customerFooter Label) []Part {
	return []Part{
		{Caption: stub},
		{Caption: L("第二联 顾客联", "Part 2: customer copy"), Footer: customerFooter},
	}
}

// newField returns a field of kind with sensible length limits.
// repairStub and storeStub are captions of the first part of a two-part
// form: for the repair department, or kept by the desk.
func repairStub() Label { return L("第一联 存根/维修部", "Part 1: stub / repair department") }
func storeStub() Label  { return L("第一联 存根", "Part 1: stub") }

func newField(kind FieldKind, id, zh, en string) Field {
	f := Field{ID: id, Label: L(zh, en), Kind: kind}
	switch kind {
	case FieldText:
		f.MaxLen = 60
	case FieldMultiline:
		f.MaxLen = 500
	case FieldList:
		f.MaxLen = 2000
	}
	return f
}

func (f Field) from(src string) Field { f.Source = src; return f }
func (f Field) req() Field            { f.Required = true; return f }
func (f Field) hand() Field           { f.Handwrite = true; return f }
func (f Field) max(n int) Field       { f.MaxLen = n; return f }
func (f Field) def(v string) Field    { f.Default = v; return f }
func (f Field) on(parts ...int) Field { f.Parts = parts; return f }
func (f Field) opts(o []Option) Field { f.Options = o; return f }
func (f Field) between(lo, hi int64) Field {
	f.Min, f.Max = &lo, &hi
	return f
}
func (f Field) pattern(re string, hint Label) Field {
	f.Pattern, f.PatternHint = re, hint
	return f
}

// Fields many forms share.

func ticketNumber() Field {
	return newField(FieldText, "number", "单号", "Ticket number").from("ticket.number").req().max(20).
		pattern(`T[0-9]{8}-[0-9]{4}`, L("T+日期-4位序号，如 T20261123-0042", "T, the date, '-' and a 4-digit sequence, e.g. T20261123-0042"))
}

func customerName() Field {
	return newField(FieldText, "customer_name", "顾客姓名", "Customer name").from("customer.name").max(40)
}

func customerPhone() Field {
	return newField(FieldPhone, "phone", "联系电话", "Phone").from("customer.phone")
}

func customerAddress() Field {
	return newField(FieldText, "address", "联系地址", "Address").from("customer.address").max(120)
}

func productCode() Field {
	return newField(FieldText, "product_code", "商品编码", "Product code or barcode").from("purchase.code").max(32).
		pattern(`[0-9A-Za-z-]+`, L("数字、字母或 -", "digits, letters or '-'"))
}

func productName() Field {
	return newField(FieldText, "product", "商品名称规格", "Product name and spec").from("purchase.name").max(80)
}

func quantity() Field {
	return newField(FieldNumber, "quantity", "数量", "Quantity").def("1").between(1, 9999)
}

func purchased() Field {
	return newField(FieldDate, "purchased", "购买时间", "Purchase date").from("purchase.purchased")
}

func serial() Field {
	return newField(FieldText, "serial", "序列号", "Serial number").from("purchase.serial").max(40)
}

func fault() Field {
	return newField(FieldMultiline, "fault", "故障描述", "Fault description").from("ticket.fault")
}

func received() Field {
	return newField(FieldDateTime, "received", "受理时间", "Received").from("ticket.created")
}

func technician() Field {
	return newField(FieldText, "technician", "维修员", "Technician").from("ticket.technician").max(40)
}

func clerk(zh, en string) Field {
	return newField(FieldText, "clerk", zh, en).from("print.operator").max(40)
}

func notes() Field {
	return newField(FieldMultiline, "notes", "备注", "Notes").max(200)
}

func hours(id, zh, en string) Field {
	return newField(FieldText, id, zh, en).max(5).pattern(`[0-9]{1,3}(\.[0-9])?`, L("小时数，如 1.5", "hours, e.g. 1.5"))
}

// maxFen bounds a money field: ten billion yuan.
const maxFen = 1e12

// money is an amount that is never negative (a price, a fee, a total).
func money(id, zh, en string) Field {
	return newField(FieldMoney, id, zh, en).between(0, maxFen)
}

// signedMoney is an amount with a sign (a card transaction: a charge is
// negative).
func signedMoney(id, zh, en string) Field {
	return newField(FieldMoney, id, zh, en).between(-maxFen, maxFen)
}

func signature(id, zh, en string) Field { return newField(FieldSignature, id, zh, en) }
