package demo

import (
	"shouhou/appliance"
	"shouhou/appliance/tickets"
)

// onSite are four visits: done, paid in cash, on the way, and done late.
func (m *month) onSite() {
	visit := func(i int, fault, zone string) tickets.IntakeArgs {
		a := by(i, appliance.KindOnSite, fault)
		a.Problem, a.Zone, a.Condition = "quality", zone, used
		return a
	}
	ok := appliance.ResultRepaired
	s := m.story()
	s.intake(20, 10, 0, visit(6, "洗衣机脱水时异响", "zone1"), washer, 200).
		assign(20, 10, 30).move(19, 15, 0, s.tech(), appliance.StatusClosed, "").survey(19, 16, 0, 4, 4, 4, 3)

	s = m.story()
	// out of warranty: paid
	s.intake(13, 9, 30, visit(10, "空调制冷效果差", "zone2"), aircon, 800).
		assign(13, 10, 0).diagnose(12, 14, 0, labour("repair_board")).quote(12, 14, 20, true).
		conclude(12, 16, 0, ok, "清洗冷凝器，补充冷媒 / condenser cleaned, refrigerant topped up").
		charge(12, 16, 30, tickets.PayCash).move(12, 16, 40, s.tech(), appliance.StatusClosed, "")

	m.story().intake(1, 15, 0, visit(12, "洗衣机进水阀漏水", "zone1"), washer, 300).assign(1, 15, 30)

	s = m.story()
	s.intake(8, 10, 0, visit(14, "空调安装后外机噪音大", "other"), aircon, 20).
		// the call-out fee of a zone outside the city
		assign(8, 10, 30).quote(8, 11, 0, true).
		conclude(7, 15, 0, ok, "外机减震垫重新安装，噪音消除 / outdoor unit's dampers refitted").
		charge(7, 15, 30, tickets.PayCash).move(7, 16, 0, s.tech(), appliance.StatusClosed, "")
}

// desk are the cases the desk answers itself: complaints, consultations,
// storage, deliveries, out-of-stock registrations and maintenance contracts.
func (m *month) desk() {
	m.complaints()
	m.consults()
	m.stock()
}

func (m *month) complaints() {
	complaint := func(i int, reason, fault string) tickets.IntakeArgs {
		a := by(i, appliance.KindComplaint, fault)
		a.ComplaintReason = reason
		return a
	}
	closed := appliance.StatusClosed
	m.story().intake(20, 17, 0, complaint(17, "delivery", "送洗衣机的师傅迟到两小时且未提前电话"), none, 0).
		call(19, 10, 0, tickets.CallComplaintReply, reached, "致歉并赠送积分 / apologised, points given").
		move(19, 10, 20, m.clerk, closed, "已致歉，顾客接受 / apologised; the customer accepted")
	m.story().intake(16, 11, 0, complaint(13, "repair", "水壶修好才一周多又不加热了"), none, 0).
		call(15, 14, 0, tickets.CallComplaintReply, reached, "约定重新检测 / a new check was agreed").
		move(15, 14, 20, m.clerk, closed, "已安排免费复检 / a free re-check is booked")
	m.story().intake(8, 18, 0, complaint(11, "service", "收银员结账时态度冷淡"), none, 0).
		call(7, 10, 0, tickets.CallComplaintReply, reached, "").
		move(6, 10, 0, m.boss, closed, "店长致电道歉，已培训员工 / the manager apologised; staff retrained")
	m.story().intake(5, 10, 0, complaint(6, "return_exchange", "退货一周了退款还没到账"), none, 0).
		call(5, 15, 0, tickets.CallComplaintReply, noReply, "").
		call(4, 9, 30, tickets.CallComplaintReply, noReply, "") // not reached yet: overdue
	walkIn := complaint(0, "installation", "安装师傅未按约定时间上门")
	walkIn.Phone, walkIn.Customer = "", &tickets.NewCustomer{Name: "钱志远", Phone: "13912345678", Address: "北京市海淀区中关村大街27号"}
	m.story().intake(0, 9, 30, walkIn, none, 0)
}

func (m *month) consults() {
	closed := appliance.StatusClosed
	m.story().intake(19, 14, 0, by(0, appliance.KindConsult, "咨询空调保修期限"), none, 0).
		move(19, 14, 10, m.clerk, closed, "")
	m.story().intake(9, 10, 0, by(15, appliance.KindConsult, "咨询洗衣机滚筒如何清洁"), none, 0).
		move(9, 10, 15, m.clerk, closed, "")
	k := by(0, appliance.KindConsult, "咨询智能手表能否在店内更换表带")
	k.Phone, k.Customer = "", &tickets.NewCustomer{Name: "孟凡", Phone: "13698765432"}
	m.story().intake(0, 14, 0, k, none, 0)

	m.story().intake(15, 16, 0, by(2, appliance.KindStorage, "购物后暂存空气炸锅，周末来取"), none, 0).
		move(13, 11, 0, m.clerk, closed, "")
	m.story().intake(3, 17, 0, by(11, appliance.KindStorage, "暂存已购电水壶两台，下周来取"), none, 0)

	m.story().intake(21, 15, 0, by(17, appliance.KindDelivery, "送货上门：滚筒洗衣机 10kg"), none, 0).
		move(20, 14, 0, m.clerk, closed, "")
	m.story().intake(11, 10, 0, by(5, appliance.KindDelivery, "送货上门：挂式空调 1.5匹"), none, 0).
		move(10, 9, 30, m.clerk, closed, "")
	d := by(0, appliance.KindDelivery, "送货上门：空气炸锅 4L 两台")
	d.Phone, d.Customer = "", &tickets.NewCustomer{Name: "沈佳怡", Phone: "13756781234", Address: "北京市东城区东直门内大街5号"}
	m.story().intake(0, 16, 0, d, none, 0)
}

func (m *month) stock() {
	closed, ready := appliance.StatusClosed, appliance.StatusReady
	m.story().intake(20, 11, 0, by(1, appliance.KindOutOfStock, "缺货登记：蓝牙耳机 X3 白色"), none, 0).
		stockArrived(15, 10, 0, "到货 / in stock").call(15, 10, 30, tickets.CallPickup, reached, "").
		move(14, 15, 0, m.clerk, closed, "")
	m.story().intake(12, 15, 0, by(3, appliance.KindOutOfStock, "缺货登记：空气炸锅 6L"), none, 0).
		call(5, 10, 0, tickets.CallStockCallback, reached, "厂家调货中 / the maker is sending it").
		stockArrived(1, 10, 0, "到货 / in stock").call(1, 10, 30, tickets.CallPickup, message, "短信通知 / SMS")
	m.story().intake(6, 14, 0, by(9, appliance.KindOutOfStock, "缺货登记：男士衬衫 XL码 白色"), none, 0)
	_ = ready

	contract := func(i int, fault string, end int) tickets.IntakeArgs {
		a := by(i, appliance.KindMaintenance, fault)
		a.ContractEnd = date(m.today, -end)
		return a
	}
	m.story().intake(29, 10, 0, contract(4, "空调年度保养合同", 20), none, 0).
		call(9, 10, 0, tickets.CallContractExpiry, reached, "顾客同意续约 / the customer renews").
		move(9, 10, 30, m.clerk, closed, "")
	m.story().intake(17, 11, 0, contract(6, "洗衣机两年保养合同", 700), none, 0)
}
