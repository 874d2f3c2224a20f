package forms

import (
	"strings"
	"time"

	"shouhou/appliance"
)

// cst is the store's zone in the fixtures (Asia/Shanghai without tzdata).
var cst = time.FixedZone("CST", 8*3600)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, cst)
	if err != nil {
		panic(err)
	}
	return t
}

// fixture is a full record: a repair ticket for an air conditioner with
// parts, fees, a notice and a survey, its customer, purchase and card, and
// a card charge.
func fixture() Record {
	cust := &appliance.Customer{
		ID: "c1", Name: "张建国", Phones: []string{"138 0013 8000", "010-6500 1234"},
		Address: "北京市朝阳区建国路88号院3单元1201室", Notes: "下午在家",
		Created: at("2025-07-18 10:00"),
	}
	pur := &appliance.Purchase{
		ID: "p1", CustomerID: "c1", ProductCode: "6901234567892", Name: "美的 KFR-35GW/N8XHA1 挂式空调 1.5匹",
		Category: "electronics", Serial: "MD35N8-2507-00431", Purchased: at("2025-07-18 15:20"),
		PriceFen: 269900, Receipt: "R-20250718-0193", Channel: "store", WarrantyCard: "W-88213",
	}
	card := &appliance.Card{Number: "SC-000123", CustomerID: "c1", Status: appliance.CardActive, BalanceFen: 32050}
	t := &appliance.Ticket{
		Number: "T20261123-0042", Kind: appliance.KindRepair, Status: appliance.StatusReady, CustomerID: "c1",
		Card: "SC-000123", PurchaseID: "p1",
		Fault: "开机后不制冷，室外机不转，面板显示 E1；顾客说上周雷雨后出现，遥控器正常。要求上门检修，如需换件请先电话告知价格。",
		Condition: appliance.Condition{Packaging: false, Accessories: true, WarrantyCard: true, Tags: false,
			Receipt: true, Appearance: "外壳右侧有轻微划痕"},
		Request:    "维修",
		Technician: "王师傅",
		Due:        at("2026-11-30 18:00"),
		Parts: []appliance.PartUsed{
			{Code: "P-CAP-35", Name: "压缩机启动电容 35μF", Qty: 1, PriceFen: 4500},
			{Code: "P-FUSE", Name: "保险管 3.15A", Qty: 2, PriceFen: 250},
		},
		Fees:       []appliance.Fee{{Name: "上门费", Fen: 3000, Payer: "customer"}, {Name: "检测费", Fen: 2000, Payer: "store"}},
		Payment:    "card",
		Conclusion: "外机启动电容击穿，已更换电容与保险管，试机制冷正常。",
		Notices:    []appliance.Notice{{Time: at("2026-11-25 10:30"), Operator: "李娜", Outcome: "reached"}},
		Survey:     &appliance.Survey{Attitude: 4, Skill: 3, Timeliness: 3, FollowUp: 4, Time: at("2026-11-26 16:00")},
		Created:    at("2026-11-23 10:42"),
	}
	charge := &appliance.LedgerEntry{
		Card: "SC-000123", Seq: 7, Kind: appliance.LedgerCharge, AmountFen: -8000, BalanceFen: 32050,
		Ticket: "T20261123-0042", Operator: "李娜", Key: "7f3c9a12-5b7e-4d21-9c1e-0a8b6d2f4e11",
		Time: at("2026-11-26 15:58"),
	}
	return Record{
		Store: StoreInfo{Name: "乐佳福百货", Branch: "朝阳路店", Address: "北京市朝阳区朝阳路1号一层服务台",
			Phone: "010-6500 0000", Location: cst},
		Ticket: t, Customer: cust, Purchase: pur, Card: card, Ledger: []*appliance.LedgerEntry{charge},
		Operator: "李娜", Printed: at("2026-11-26 16:05"),
	}
}

// fixtureValues are the free values of each form: what the clerk enters
// on the screen, or what a report (the daily closing) hands over.
func fixtureValues(form string) map[string]string {
	switch form {
	case "tracking":
		return map[string]string{"quantity": "1", "service_point": "美的特约维修站 朝阳区光华路5号", "service_point_phone": "400-889-9315"}
	case "storage":
		return map[string]string{"until": "2026-11-30 18:00", "guard": "赵刚"}
	case "delivery":
		return map[string]string{"delivery_time": "2026-11-27 14:00", "driver": "孙师傅", "notes": "电梯房，需提前半小时电话联系"}
	case "return":
		return map[string]string{"quantity": "1"}
	case "repair":
		return map[string]string{"warranty": "in", "damaged_part": "室外机电控板", "returned_items": "空调室外机一台，遥控器一个"}
	case "service_record":
		return map[string]string{"service_class": "C", "arrived": "2026-11-24 09:30", "finished": "2026-11-24 11:10"}
	case "call_log":
		return map[string]string{}
	case "goods_log":
		return map[string]string{"out": "2026-11-26"}
	case "repair_tag":
		return map[string]string{"hours": "1.5"}
	case "tech_daily":
		return map[string]string{"technician": "王师傅", "hours_c": "5.5", "hours_a": "1", "hours_d": "1", "hours_total": "7.5",
			"items": "T20261123-0042 C 上门维修空调\t2.5\nT20261123-0045 C 洗衣机不排水\t3\nT20261122-0019 A 热水器更换温控\t1\n零件盘点 D\t1"}
	case "supervisor_daily":
		return map[string]string{"hours_a": "3", "hours_b": "2", "hours_c": "11", "hours_d": "2.5", "hours_total": "18.5",
			"items": "王师傅 4件\t7.5\n刘师傅 3件\t6\n陈师傅 2件\t5"}
	case "survey":
		return map[string]string{"comments": "师傅很专业，准时到达。"}
	case "out_of_stock":
		return map[string]string{"product_code": "6921234500017", "quantity": "2", "expected": "2026-11-28"}
	case "closing":
		return map[string]string{"date": "2026-11-26", "opened": "23", "closed": "19",
			"by_kind":     "维修 已修复\t8\n退货 已退款\t4\n换货 已换新\t3\n咨询\t4",
			"refund_cash": "1298.00", "refund_card": "399", "card_in": "2000.00", "card_charges": "356.50",
			"card_out": "120.00", "card_by_kind": "充值 6笔\t￥2000.00\n消费 9笔\t-￥356.50\n退余额 1笔\t-￥120.00",
			"card_liability": "48231.75", "fees_cash": "210.00", "fees_card": "356.50"}
	}
	return map[string]string{}
}

// fixtureFor is the fixture record for form, with its free values. The
// out-of-stock registration's ticket asks for the missing goods.
func fixtureFor(form string) Record {
	r := fixture()
	r.Values = fixtureValues(form)
	switch form {
	case "out_of_stock":
		t := *r.Ticket
		t.Kind, t.Fault, t.Request, t.Due = appliance.KindOutOfStock, "九阳 破壁料理机 L18-P393 灰色", "", at("2026-11-30 18:00")
		r.Ticket, r.Purchase = &t, nil
	case "storage":
		t := *r.Ticket
		t.Kind, t.Fault, t.Request = appliance.KindStorage, "顾客购物后继续逛商场，电视机暂存服务台，傍晚取回。", ""
		r.Ticket = &t
	case "return":
		t := *r.Ticket
		t.Kind, t.Fault = appliance.KindReturn, "收到后发现内机出风口有裂纹，要求退货。"
		r.Ticket = &t
	}
	return r
}

// longChinese is a long value without a single space.
var longChinese = strings.Repeat("北京市朝阳区建国路八十八号院现代城三号楼二十一层", 4)

// valueOfKind returns a valid value of fd's kind: long Chinese text for
// text kinds, when long is set.
func valueOfKind(fd Field, long bool) string {
	switch fd.Kind {
	case FieldPhone:
		return "13800138000"
	case FieldDate:
		return "2026-11-26"
	case FieldDateTime:
		return "2026-11-26 16:05"
	case FieldMoney:
		return "1234567.89"
	case FieldNumber:
		return "12"
	case FieldBool:
		return "true"
	case FieldSelect:
		return fd.Options[len(fd.Options)-1].Value
	case FieldSignature:
		return ""
	}
	if fd.Pattern != "" {
		return map[string]string{"number": "T20261123-0042", "product_code": "6901234567892"}[fd.ID] + hoursValue(fd)
	}
	if long {
		return longChinese + "\n" + longChinese
	}
	return "张三"
}

func hoursValue(fd Field) string {
	if strings.HasPrefix(fd.ID, "hours") {
		return "12.5"
	}
	return ""
}
