package ui

import (
	"shouhou/appliance"
	"shouhou/appliance/purchases"
)

type purchaseFindArgs struct {
	// Code is a scanned or typed receipt number or product serial.
	Code string `json:"code"`
}

// opPurchaseFind finds the till's purchases by receipt number, then by serial.
func opPurchaseFind(c *call, a *purchaseFindArgs) (any, error) {
	if c.srv.opts.Purchases == nil {
		return nil, unavailable("购买记录服务未启动 / purchases are not available")
	}
	return c.srv.opts.Purchases.Find(c.ctx, a.Code)
}

type purchaseCorrectArgs struct {
	// ID is the purchase.
	ID string `json:"id"`
	// Fix is what changes.
	Fix purchases.Correction `json:"fix"`
	// Reason is why (required).
	Reason string `json:"reason"`
}

// opPurchaseCorrect lets a supervisor correct what the till said of a purchase, audited.
func opPurchaseCorrect(c *call, a *purchaseCorrectArgs) (any, error) {
	if c.srv.opts.Purchases == nil {
		return nil, unavailable("购买记录服务未启动 / purchases are not available")
	}
	if a.ID == "" {
		return nil, appliance.FieldError("id", "请选择购买记录 / pick a purchase")
	}
	return c.srv.opts.Purchases.Correct(c.ctx, c.actor, a.ID, a.Fix, a.Reason)
}
