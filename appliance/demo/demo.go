// Package demo loads the demo data set that `shouhou serve -demo` starts
// with: twenty customers of the store with their purchases and service
// cards, and a month of after-sales work made by driving the real ticket
// and card services (packages tickets and cards) on a fake clock that ends
// at the real now. Every ticket's kind, state, technician and dates were
// made by the workflow itself, so they cannot contradict its rules; the
// scheduler ran along the month, so the overdue flags and the call list
// are right today. Loading is idempotent: a store that already holds the
// set is left alone.
//
// It imports only appliance and its subpackages.
package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/appliance/tickets"
)

// Operator is the name the demo's customer base is audited under (the
// month's work is audited under the staff who did it).
const Operator = "demo"

// marker is the first demo customer; its presence means the set is loaded.
const marker = "demo-01"

// lostCard is the index of the demo customer whose card is reported lost
// (card SC-000019, chip 04DE3013).
const lostCard = 18

// Days is how many days before now the demo month starts.
const Days = 30

// Options configure Load.
type Options struct {
	// Rules are the config in force (the workflow's rules, technicians of
	// staff.toml included); at least one technician is required.
	Rules tickets.Rules
	// Clerk and Supervisor are the staff ids the desk's work and the
	// supervisor's decisions are done as; "" means the default staff.toml's
	// "clerk" and "boss".
	Clerk, Supervisor string
	// Now is the real now; the month ends here.
	Now time.Time
	// Logger receives the services' messages; nil discards them.
	Logger *slog.Logger
}

// Load writes the demo data set into db unless it is there already, and
// reports whether it did.
func Load(ctx context.Context, db *store.DB, o Options) (loaded bool, err error) {
	if o.Rules.Calendar == nil || o.Rules.Policy == nil {
		return false, errors.New("demo: the rules have no calendar or policy")
	}
	if len(o.Rules.Technicians) == 0 {
		return false, errors.New("demo: staff.toml has no technician to assign the demo repairs to")
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	now := o.Now.In(o.Rules.Calendar.Location())
	clk := &clock{t: monthStart(now)}
	defer db.SetClock(db.SetClock(clk.Now)) // audit entries are dated in the month
	err = db.Update(func(tx *store.Txn) error {
		if _, err := tx.Customer(marker); err == nil {
			return nil
		} else if appliance.ErrorCode(err) != appliance.ENOTFOUND {
			return err
		}
		loaded = true
		return loadBase(tx, now)
	})
	if err != nil {
		return false, fmt.Errorf("demo: %w", err)
	}
	if !loaded {
		return false, nil
	}
	if err := runMonth(ctx, db, o, clk, now); err != nil {
		return true, fmt.Errorf("demo month: %w", err)
	}
	return true, nil
}

type person struct{ name, address string }

// people are the store's card holders. None bears a name of the demo staff
// (staff.toml: 王芳, 李强, 张店长).
var people = []person{
	{"王秀英", "北京市朝阳区建国路88号"}, {"李娜", "上海市浦东新区世纪大道100号"},
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

// phone is the demo phone number of customer i (0-based).
func phone(i int) string { return fmt.Sprintf("1380013%04d", i+1) }

type product struct {
	code, name, category string
	priceFen             int64
}

// products are what the store sells, each in its policy category.
var products = []product{
	{"6901234500011", "蓝牙耳机 X3 黑色", "electronics", 39900},
	{"6901234500028", "电水壶 1.7L 不锈钢", "home_goods", 19900},
	{"6901234500035", "男士衬衫 棉 L码", "apparel", 25900},
	{"6901234500042", "真皮钱包 棕色", "leather", 45900},
	{"6901234500059", "女士睡衣 套装 M码", "intimate", 15900},
	{"6901234500066", "智能手表 S2", "electronics", 129900},
	{"6901234500073", "空气炸锅 4L", "home_goods", 49900},
	{"6901234500080", "滚筒洗衣机 10kg", "home_goods", 329900},
	{"6901234500097", "挂式空调 1.5匹 变频", "home_goods", 289900},
}

// Indexes into products, for the stories.
const (
	earphones = iota
	kettle
	shirt
	wallet
	pajamas
	watch
	fryer
	washer
	aircon
)

// purchaseAges are how many days before today each customer bought, so
// the set crosses every policy window (7, 15, 30, 90 days, 1 and 2 years).
var purchaseAges = []int{2, 6, 7, 8, 14, 15, 16, 29, 30, 31, 45, 60, 61, 89, 90, 91, 200, 365, 366, 700}

// loadBase writes the customers and the purchase each made, as the store's
// records had them before the month began.
func loadBase(tx *store.Txn, now time.Time) error {
	today, since := startOfDay(now), monthStart(now)
	for i, p := range people {
		day := today.AddDate(0, 0, -purchaseAges[i])
		known := since
		if day.Before(since) {
			known = day
		}
		c := &appliance.Customer{ID: fmt.Sprintf("demo-%02d", i+1), Name: p.name,
			Phones: []string{phone(i)}, Address: p.address, Created: known, Updated: known}
		pr := products[i%7]
		bought := &appliance.Purchase{ID: fmt.Sprintf("demo-p%02d", i+1), CustomerID: c.ID, ProductCode: pr.code,
			Name: pr.name, Category: pr.category, Serial: fmt.Sprintf("SN%s%04d", pr.code[8:], i+1),
			Purchased: day, PriceFen: pr.priceFen, Receipt: fmt.Sprintf("R%s%03d", day.Format("20060102"), i+1),
			Channel: "store", WarrantyCard: fmt.Sprintf("W%06d", i+1),
			Special: i == 11, Gift: i == 12, Custom: i == 13, Created: day}
		for _, err := range []error{tx.PutCustomer(c), tx.PutPurchase(bought),
			tx.Audit(Operator, "customer.create", "customer/"+c.ID, "演示数据 / demo data", nil, c),
			tx.Audit(Operator, "purchase.create", "purchase/"+bought.ID, "演示数据 / demo data", nil, bought)} {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// startOfDay returns midnight of t's day.
func startOfDay(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
}

// monthStart is the day before the demo month's first: the customer base
// is on record by then.
func monthStart(now time.Time) time.Time { return startOfDay(now).AddDate(0, 0, -Days-1) }
