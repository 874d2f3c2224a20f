// Package demo loads the demo data set that `shouhou serve -demo` starts
// with: twenty customers with cards and purchases across the policy
// categories, and tickets of every kind in every status. Loading is
// idempotent: a store that already holds the set is left alone.
//
// It imports only appliance and its subpackages.
package demo

import (
	"context"
	"fmt"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/store"
)

// Operator is the name the demo data is audited under.
const Operator = "demo"

// marker is the first demo customer; its presence means the set is loaded.
const marker = "demo-01"

// lostCard is the index of the demo customer whose card is reported lost
// (card SC-000019, chip 04DE3013).
const lostCard = 18

type person struct{ name, address string }

var people = []person{
	{"王芳", "北京市朝阳区建国路88号"}, {"李娜", "上海市浦东新区世纪大道100号"},
	{"张伟", "广州市天河区体育西路1号"}, {"刘洋", "深圳市南山区科技园南路2号"},
	{"陈静", "杭州市西湖区文三路90号"}, {"杨磊", "成都市武侯区人民南路四段5号"},
	{"赵敏", "南京市鼓楼区中山路18号"}, {"黄强", "武汉市江汉区解放大道690号"},
	{"周杰", "西安市雁塔区小寨东路1号"}, {"吴婷", "重庆市渝中区解放碑8号"},
	{"徐明", "天津市和平区南京路189号"}, {"孙丽", "苏州市姑苏区观前街10号"},
	{"马超", "郑州市金水区花园路39号"}, {"朱琳", "长沙市芙蓉区五一大道235号"},
	{"胡军", "青岛市市南区香港中路76号"}, {"郭燕", "沈阳市和平区太原街2号"},
	{"何平", "厦门市思明区中山路55号"}, {"高雪", "昆明市五华区东风西路11号"},
	{"林涛", "福州市鼓楼区五四路128号"}, {"罗兰", "合肥市蜀山区长江西路200号"},
}

type product struct {
	code, name, category string
	priceFen             int64
}

// products spans the five default policy categories.
var products = []product{
	{"6901234500011", "蓝牙耳机 X3 黑色", "electronics", 39900},
	{"6901234500028", "电水壶 1.7L 不锈钢", "home_goods", 19900},
	{"6901234500035", "男士衬衫 棉 L码", "apparel", 25900},
	{"6901234500042", "真皮钱包 棕色", "leather", 45900},
	{"6901234500059", "女士睡衣 套装 M码", "intimate", 15900},
	{"6901234500066", "智能手表 S2", "electronics", 129900},
	{"6901234500073", "空气炸锅 4L", "home_goods", 49900},
}

// purchaseAges are how many days before today each customer bought, so
// the set crosses every policy window (7, 15, 30, 90 days, 1 and 2 years).
var purchaseAges = []int{2, 6, 7, 8, 14, 15, 16, 29, 30, 31, 45, 60, 61, 89, 90, 91, 200, 365, 366, 700}

// Load writes the demo data set into db unless it is there already; the
// card balances come after, through FundCards. now
// is the store's local time; the data is dated relative to it.
func Load(db *store.DB, now time.Time) (loaded bool, err error) {
	err = db.Update(func(tx *store.Txn) error {
		if _, err := tx.Customer(marker); err == nil {
			return nil
		} else if appliance.ErrorCode(err) != appliance.ENOTFOUND {
			return err
		}
		loaded = true
		return load(tx, now)
	})
	if err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	return loaded, nil
}

func load(tx *store.Txn, now time.Time) error {
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	var custs []*appliance.Customer
	var buys []*appliance.Purchase
	for i, p := range people {
		c := &appliance.Customer{ID: fmt.Sprintf("demo-%02d", i+1), Name: p.name,
			Phones: []string{fmt.Sprintf("1380013%04d", i+1)}, Address: p.address, Created: now, Updated: now}
		pr := products[i%len(products)]
		bought := &appliance.Purchase{ID: fmt.Sprintf("demo-p%02d", i+1), CustomerID: c.ID, ProductCode: pr.code,
			Name: pr.name, Category: pr.category, Serial: fmt.Sprintf("SN%s%04d", pr.code[8:], i+1),
			Purchased: today.AddDate(0, 0, -purchaseAges[i]), PriceFen: pr.priceFen,
			Receipt: fmt.Sprintf("R%s%03d", today.AddDate(0, 0, -purchaseAges[i]).Format("20060102"), i+1),
			Channel: "store", WarrantyCard: fmt.Sprintf("W%06d", i+1),
			Special: i == 11, Gift: i == 12, Custom: i == 13, Created: now}
		number, err := tx.NextCardNumber()
		if err != nil {
			return err
		}
		card := &appliance.Card{Number: number, UIDs: []string{fmt.Sprintf("04DE30%02X", i+1)}, CustomerID: c.ID,
			Status: appliance.CardActive, Issued: now, Updated: now}
		if i == lostCard {
			card.Status = appliance.CardLost // a card the reader must refuse
		}
		for _, err := range []error{tx.PutCustomer(c), tx.PutPurchase(bought), tx.PutCard(card),
			tx.Audit(Operator, "customer.create", "customer/"+c.ID, "demo data", nil, c),
			tx.Audit(Operator, "purchase.create", "purchase/"+bought.ID, "demo data", nil, bought),
			tx.Audit(Operator, "card.issue", "card/"+card.Number, "demo data", nil, card)} {
			if err != nil {
				return err
			}
		}
		custs, buys = append(custs, c), append(buys, bought)
	}
	return loadTickets(tx, now, custs, buys)
}

// faults are customers' accounts for the demo tickets.
var faults = []string{"耳机左耳无声音", "水壶不加热，指示灯不亮", "衬衫洗后开线", "钱包拉链损坏", "尺码不合适，要求退货",
	"表带断裂", "炸锅涂层脱落", "咨询保修期限", "顾客投诉送货延迟", "缺货登记：同款白色"}

// loadTickets writes forty tickets: every kind four times and every
// status five times.
func loadTickets(tx *store.Txn, now time.Time, custs []*appliance.Customer, buys []*appliance.Purchase) error {
	kinds, statuses := appliance.TicketKinds, appliance.TicketStatuses
	for i := 0; i < 40; i++ {
		created := now.Add(-time.Duration(i*7) * time.Hour)
		number, err := tx.NextTicketNumber(created)
		if err != nil {
			return err
		}
		c, p := custs[i%len(custs)], buys[i%len(buys)]
		t := &appliance.Ticket{Number: number, Kind: kinds[i%len(kinds)], Status: statuses[i%len(statuses)],
			CustomerID: c.ID, PurchaseID: p.ID, Fault: faults[i%len(faults)],
			Condition: appliance.Condition{Packaging: true, Accessories: i%3 != 0, WarrantyCard: true, Tags: true, Receipt: true},
			Request:   []string{"return", "exchange", "repair"}[i%3], Due: created.AddDate(0, 0, 7),
			Created: created, Updated: created}
		if t.Status != appliance.StatusOpen {
			t.History = []appliance.Transition{{From: appliance.StatusOpen, To: t.Status, Operator: Operator, Reason: "demo data", Time: created}}
		}
		demoCalls(t)
		if err := tx.PutTicket(t); err != nil {
			return err
		}
		if err := tx.Audit(Operator, "ticket.create", "ticket/"+number, "demo data", nil, t); err != nil {
			return err
		}
	}
	return nil
}

// Funder tops up a card; *cards.Service is one. Declared here so that the
// demo set loads its balances through the real ledger.
type Funder interface {
	TopUp(ctx context.Context, actor appliance.Actor, a cards.MoneyArgs) (*cards.Result, error)
}

// FundCards gives every active demo card a balance through the card
// ledger. Its idempotency keys make a second call move no money.
func FundCards(ctx context.Context, f Funder) error {
	actor := appliance.Actor{ID: Operator, Role: appliance.RoleClerk}
	for i := range people {
		if i == lostCard {
			continue
		}
		a := cards.MoneyArgs{Key: fmt.Sprintf("demo-topup-%02d", i+1), Card: fmt.Sprintf("SC-%06d", i+1),
			AmountFen: int64(i+1) * 5000}
		if _, err := f.TopUp(ctx, actor, a); err != nil {
			return fmt.Errorf("demo: fund %s: %w", a.Card, err)
		}
	}
	return nil
}

// demoCalls puts the demo tickets on the call list as the ticket workflow
// would (appliance/tickets, docs/tickets.md "The call list"): ready items
// are told at once, complaints answered, out-of-stock called back in a week.
func demoCalls(t *appliance.Ticket) {
	switch {
	case t.Status == appliance.StatusReady:
		t.ReadyAt, t.CallKind, t.CallDue = t.Created, "pickup", t.Created
	case t.Kind == appliance.KindComplaint && t.Status == appliance.StatusOpen:
		t.CallKind, t.CallDue = "complaint_reply", t.Created
	case t.Kind == appliance.KindOutOfStock && t.Status == appliance.StatusOpen:
		t.CallKind, t.CallDue = "stock_callback", t.Created.AddDate(0, 0, 7)
	}
}
