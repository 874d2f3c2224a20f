package demo

import (
	"shouhou/appliance"
	"shouhou/appliance/tickets"
)

// repair is the intake of a quality repair by customer i.
func repair(i int, fault, defect string) tickets.IntakeArgs {
	a := by(i, appliance.KindRepair, fault)
	a.Problem, a.Defect, a.Condition = "quality", defect, used
	return a
}

func labour(ids ...string) tickets.DiagnoseArgs { return tickets.DiagnoseArgs{Labour: ids} }

func parts(code string, ids ...string) tickets.DiagnoseArgs {
	return tickets.DiagnoseArgs{Parts: []tickets.PartLine{{Code: code, Qty: 1}}, Labour: ids}
}

// repairs are ten repairs: done and collected, paid from the card, back
// from the maker late, never collected and to be mailed back, still at
// the maker, late in the workshop, unrepairable and settled, ready, just in.
func (m *month) repairs() {
	const ok, done = appliance.ResultRepaired, "更换温控开关，通电测试正常 / thermostat switch replaced, tested"
	m.story().intake(28, 10, 0, repair(13, "水壶不加热，指示灯不亮", "温控开关"), kettle, 240).
		assign(28, 10, 30).diagnose(27, 9, 30, labour("repair_small")).
		conclude(26, 15, 0, ok, done).call(26, 15, 30, tickets.CallPickup, reached, "").
		pickup(25, 11, 0, 4, 4, 4, 4)

	// out of warranty: paid
	m.story().intake(26, 11, 0, repair(15, "手表续航不足半天", "电池"), watch, 420).
		assign(26, 11, 30).diagnose(25, 10, 0, parts("E-BAT-01", "repair_small")).quote(25, 10, 30, true).
		conclude(23, 14, 0, ok, "更换电池，续航恢复 / battery replaced").call(23, 14, 30, tickets.CallPickup, reached, "").
		charge(22, 10, 0, tickets.PayCard).pickup(22, 10, 5, 4, 3, 4, 4)

	m.story().intake(22, 9, 40, repair(16, "耳机左耳无声音", "左耳单元"), earphones, 100).
		assign(22, 10, 0).toVendor(21, 10, 0, "声学电子售后中心", "左耳单元需原厂更换 / the left driver goes to the maker").
		call(16, 10, 0, tickets.CallLateRepair, reached, "厂家返修延期，已告知顾客 / the maker is late; the customer was told").
		fromVendor(12, 14, 0, "厂家已更换左耳单元 / the maker replaced the left driver").
		conclude(12, 15, 0, ok, "厂家更换左耳单元，测试正常 / driver replaced by the maker, tested").
		call(12, 15, 30, tickets.CallPickup, reached, "").pickup(10, 16, 0, 3, 4, 2, 3)

	m.story().intake(24, 14, 0, repair(14, "空气炸锅不发热", "发热管"), fryer, 330).
		assign(24, 14, 30).diagnose(23, 10, 0, labour("repair_board")).
		conclude(22, 11, 0, ok, "更换发热管，测试正常 / heating element replaced").
		call(22, 11, 30, tickets.CallPickup, message, "短信通知 / SMS").
		call(19, 10, 0, tickets.CallPickup, noReply, "").
		call(18, 9, 30, tickets.CallPickup, message, "语音留言 / voicemail").
		call(15, 9, 30, tickets.CallPickup, message, "短信通知 / SMS") // three notices: the scheduler mails it back

	m.story().intake(5, 15, 0, repair(17, "手表屏幕闪烁", "屏幕"), watch, 150).
		assign(5, 15, 20).toVendor(4, 10, 0, "智能穿戴售后中心", "屏幕需原厂检测 / the screen goes to the maker")

	m.story().intake(10, 10, 0, repair(2, "水壶开关失灵，按下即弹起", "开关"), kettle, 200).
		assign(10, 10, 20).diagnose(9, 11, 0, labour("repair_small")).
		call(4, 10, 0, tickets.CallLateRepair, reached, "配件未到，延期两天 / the part is late; two days more") // still in the workshop: overdue

	m.story().intake(2, 16, 0, repair(18, "耳机充电仓无法充电", "充电仓"), earphones, 60).
		assign(2, 16, 20).diagnose(1, 10, 0, parts("E-CHG-01", "inspect"))

	m.story().intake(4, 11, 0, repair(3, "衬衫门襟拉链损坏", "拉链"), shirt, 40).
		assign(4, 11, 20).diagnose(3, 10, 0, parts("A-ZIP-01", "sewing")).
		conclude(1, 14, 0, ok, "更换拉链 / zip replaced").call(1, 14, 30, tickets.CallPickup, noReply, "") // tried again this morning

	m.story().intake(14, 10, 30, repair(4, "钱包皮面开裂", "皮面"), wallet, 25).
		assign(14, 11, 0).conclude(12, 10, 0, appliance.ResultUnrepairable, "皮面整体开裂，无法修复 / the leather is cracked through").
		settle(11, 15, 0, "return", "三包期内无法修复，顾客同意折旧退货 / unrepairable within the free repair: returned less depreciation")

	m.story().intake(0, 11, 0, repair(9, "表带连接处断裂", "表带"), watch, 90) // just in: no technician yet
}
