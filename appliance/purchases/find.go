package purchases

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/calendar"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
)

// Found is what a search at intake finds.
type Found struct {
	// By says what matched: "receipt" or "serial" ("" when nothing did).
	By string `json:"by"`
	// Purchases are the matching purchases, in receipt line order.
	Purchases []*appliance.Purchase `json:"purchases"`
}

// Find looks a scanned or typed code up: first as a receipt number (the
// receipt's lines), then as a product serial number. Nothing found is an
// empty result, not an error.
func (s *Service) Find(ctx context.Context, code string) (Found, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return Found{}, appliance.FieldError("code", "请扫描或输入小票号或序列号 / scan or type a receipt or serial number")
	}
	var f Found
	err := s.db.View(func(tx *store.Txn) error {
		ps, err := tx.PurchasesByReceipt(code)
		if err != nil {
			return err
		}
		if len(ps) > 0 {
			f = Found{By: "receipt", Purchases: ps}
			return nil
		}
		if ps, err = tx.PurchasesBySerial(code); err != nil {
			return err
		}
		if len(ps) > 0 {
			f = Found{By: "serial", Purchases: ps}
		}
		return nil
	})
	if err != nil {
		return Found{}, fmt.Errorf("find purchase %q: %w", code, err)
	}
	if f.Purchases == nil {
		f.Purchases = []*appliance.Purchase{}
	}
	sortByLine(f.Purchases)
	return f, ctx.Err()
}

func sortByLine(ps []*appliance.Purchase) {
	slices.SortStableFunc(ps, func(a, b *appliance.Purchase) int { return a.Line - b.Line })
}

// Correction is what a supervisor changes on a purchase from the till;
// an empty field (nil price) keeps the till's value.
type Correction struct {
	// Purchased is the purchase date, YYYY-MM-DD.
	Purchased string `json:"purchased,omitempty"`
	// PriceFen is the price actually paid.
	PriceFen *int64 `json:"price_fen,omitempty"`
	// Category is the policy category.
	Category string `json:"category,omitempty"`
	// Serial is the serial number.
	Serial string `json:"serial,omitempty"`
}

// Correct changes what the till said of a purchase: only a supervisor or
// an admin may, with a reason, and it is audited with the purchase before
// and after. A corrected purchase is no longer compared with the till's
// export on re-import.
func (s *Service) Correct(ctx context.Context, actor appliance.Actor, id string, c Correction, reason string) (*appliance.Purchase, error) {
	if err := actor.Check(); err != nil {
		return nil, err
	}
	if !actor.CanApprove() {
		return nil, appliance.Errorf(appliance.EUNAUTHORIZED, "只有主管可以更正小票信息 / only a supervisor corrects what the till says")
	}
	if strings.TrimSpace(reason) == "" {
		return nil, appliance.FieldError("reason", "请填写更正原因 / give the reason for the correction")
	}
	now := s.opts.Now()
	var out *appliance.Purchase
	err := s.db.Update(func(tx *store.Txn) error {
		p, err := tx.Purchase(id)
		if err != nil {
			return err
		}
		before := *p
		if err := s.apply(p, c, now); err != nil {
			return err
		}
		p.Corrected = true
		if err := tx.PutPurchase(p); err != nil {
			return err
		}
		out = p
		return tx.AuditBy(actor, "purchase.correct", "purchase/"+p.ID, strings.TrimSpace(reason), &before, p)
	})
	if err != nil {
		return nil, fmt.Errorf("correct purchase %s: %w", id, err)
	}
	return out, ctx.Err()
}

// apply checks and applies a correction to p.
func (s *Service) apply(p *appliance.Purchase, c Correction, now time.Time) error {
	if c.Purchased != "" {
		d, err := calendar.ParseDate(c.Purchased)
		if err != nil {
			return appliance.FieldError("purchased", "购买日期应为 YYYY-MM-DD / purchased must be YYYY-MM-DD")
		}
		if d.After(calendar.DateOf(now)) {
			return appliance.FieldError("purchased", "购买日期晚于今天 / the purchase date is after today")
		}
		p.Purchased = d.In(now.Location())
	}
	if c.PriceFen != nil {
		if *c.PriceFen < 0 || *c.PriceFen > policy.MaxPriceFen {
			return appliance.FieldError("price_fen", "实付金额不正确 / the price paid is out of range")
		}
		p.PriceFen = *c.PriceFen
	}
	if c.Category != "" {
		if _, ok := s.opts.Policy().Categories[c.Category]; !ok {
			return appliance.FieldError("category", "未知的商品类别 %q / unknown category %q", c.Category, c.Category)
		}
		p.Category = c.Category
	}
	if c.Serial != "" {
		p.Serial = strings.TrimSpace(c.Serial)
	}
	return nil
}
