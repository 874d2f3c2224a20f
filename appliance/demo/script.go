package demo

import (
	"fmt"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/tickets"
)

// Shorthands for the script.
const (
	reached = appliance.OutcomeReached
	noReply = appliance.OutcomeNoAnswer
	message = appliance.OutcomeMessageLeft
	none    = -1 // no purchase registered at intake
)

var (
	boxed = appliance.Condition{Unused: true, Packaging: true, Accessories: true, WarrantyCard: true, Tags: true, Receipt: true}
	used  = appliance.Condition{Packaging: true, Accessories: true, WarrantyCard: true, Tags: true, Receipt: true,
		Appearance: "正常使用痕迹 / normal wear"}
)

// at a customer of the store, by phone.
func by(i int, kind appliance.TicketKind, fault string) tickets.IntakeArgs {
	return tickets.IntakeArgs{Kind: kind, Phone: phone(i), Fault: fault}
}

// script writes the month: the cards first, then forty tickets of every
// kind, each told from intake to where it stands today. Days count back
// from today (30 is the month's first day, 0 is today).
func (m *month) script() {
	m.cardsMonth()
	m.returnsAndExchanges()
	m.repairs()
	m.onSite()
	m.desk()
}

// cardsMonth issues the twenty card holders their cards in order
// (SC-000001 with chip 04DE3001, ...), loads them, and reports one lost.
func (m *month) cardsMonth() {
	for i := range people {
		i := i
		m.at(m.day(Days, 9, 5+i), "card issue", func(m *month) error {
			_, err := m.cards.Issue(m.ctx, m.clerk, cards.IssueArgs{Key: fmt.Sprintf("demo-issue-%02d", i+1),
				CustomerID: fmt.Sprintf("demo-%02d", i+1), UID: fmt.Sprintf("04DE30%02X", i+1)})
			return err
		})
		m.at(m.day(Days, 10, 5+i), "card top-up", func(m *month) error {
			_, err := m.cards.TopUp(m.ctx, m.clerk, cards.MoneyArgs{Key: fmt.Sprintf("demo-topup-%02d", i+1),
				Card: fmt.Sprintf("SC-%06d", i+1), AmountFen: int64(i+1) * 5000})
			return err
		})
	}
	for _, t := range []struct {
		daysAgo, card int
		fen           int64
	}{{21, 8, 20000}, {14, 11, 50000}, {9, 14, 30000}, {3, 16, 10000}} {
		t := t
		m.at(m.day(t.daysAgo, 15, 30), "card top-up", func(m *month) error {
			_, err := m.cards.TopUp(m.ctx, m.clerk, cards.MoneyArgs{Key: fmt.Sprintf("demo-topup-%02d-%d", t.card, t.daysAgo),
				Card: fmt.Sprintf("SC-%06d", t.card), AmountFen: t.fen})
			return err
		})
	}
	m.at(m.day(11, 16, 40), "card lost", func(m *month) error {
		_, err := m.cards.ReportLost(m.ctx, m.clerk, fmt.Sprintf("SC-%06d", lostCard+1))
		return err
	})
}

func (m *month) returnsAndExchanges() {
	ret, exch := appliance.KindReturn, appliance.KindExchange
	a := by(5, ret, "不想要了，未拆封")
	a.Problem, a.Condition = "not_quality", boxed
	m.story().intake(27, 10, 15, a, earphones, 3).
		move(27, 10, 40, m.clerk, appliance.StatusClosed, "")

	a = by(6, ret, "烧水时有塑料异味")
	a.Problem, a.Defect, a.Condition = "quality", "壶身", used
	m.story().intake(12, 14, 0, a, kettle, 10).
		move(12, 14, 30, m.clerk, appliance.StatusClosed, "")

	a = by(9, ret, "衬衫第一次洗后袖口开线")
	a.Problem, a.Defect, a.Condition = "quality", "袖口", used
	m.story().intake(3, 11, 20, a, shirt, 5).
		move(2, 10, 0, m.clerk, appliance.StatusClosed, "")

	a = by(11, ret, "睡衣尺码偏大，想退货")
	a.Problem, a.Condition = "not_quality", boxed
	m.story().intake(0, 10, 30, a, pajamas, 4) // intimate apparel: no return without a defect, a supervisor decides

	a = by(7, exch, "右耳机充不进电")
	a.Problem, a.Defect, a.Condition = "quality", "右耳机", used
	m.story().intake(25, 16, 10, a, earphones, 10).
		move(25, 16, 40, m.clerk, appliance.StatusClosed, "")

	a = by(8, exch, "炸锅涂层起泡脱落")
	a.Problem, a.Defect, a.Condition = "quality", "内胆涂层", used
	m.story().intake(18, 11, 0, a, fryer, 20).
		move(17, 10, 30, m.clerk, appliance.StatusClosed, "")

	a = by(10, exch, "钱包缝线脱开")
	a.Problem, a.Defect, a.Condition = "quality", "缝线", used
	m.story().intake(9, 15, 0, a, wallet, 12).
		move(7, 11, 0, m.clerk, appliance.StatusClosed, "")

	a = by(12, exch, "手表屏幕有坏点，要求换新")
	a.Problem, a.Defect, a.Condition = "quality", "屏幕", used
	// past the 15-day exchange window: a supervisor decides
	m.story().intake(6, 10, 0, a, watch, 40).
		reject(5, 11, 0, "已过15天换货期，按保修免费维修 / past the 15-day exchange window: repaired free under warranty")
}
