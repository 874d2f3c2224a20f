package tickets_test

import (
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
	"shouhou/appliance/tickets"
)

// A purchase from the till has no customer: the intake that picks it
// gives it to its customer (audited) with the till's date and price, a
// preview claims nothing, and another customer cannot pick it after.
func TestIntakeClaimsATillPurchase(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	a, b := d.customer("王芳", "13800138001"), d.customer("李雷", "13800138002")
	p := &appliance.Purchase{ID: "till/R1/1", ProductCode: "TV55", Name: "液晶电视机", Category: "electronics",
		Serial: "SN-TV-1", Purchased: d.at(2026, 2, 28, 14, 3), PriceFen: 359900, Receipt: "R1", Line: 1,
		Channel: "store", Till: "push:pos1", Created: d.clock.Now()}
	if err := d.db.Update(func(tx *store.Txn) error { return tx.PutPurchase(p) }); err != nil {
		t.Fatal(err)
	}
	args := tickets.IntakeArgs{Kind: appliance.KindReturn, Phone: a.Phones[0], PurchaseID: p.ID, Fault: "屏幕坏点",
		Problem: policy.ProblemQuality, Condition: complete}
	if _, err := d.svc.Preview(d.ctx, clerk, args); err != nil {
		t.Fatal(err)
	}
	if got := d.storedPurchase(p.ID); got.CustomerID != "" {
		t.Fatalf("a preview claimed the purchase for %q", got.CustomerID)
	}
	tk := d.ok(d.svc.Intake(d.ctx, clerk, args))
	if tk.PurchaseID != p.ID || tk.CustomerID != a.ID {
		t.Fatalf("intake = purchase %q customer %q", tk.PurchaseID, tk.CustomerID)
	}
	got := d.storedPurchase(p.ID)
	if got.CustomerID != a.ID || got.PriceFen != p.PriceFen || !got.Purchased.Equal(p.Purchased) {
		t.Errorf("claimed purchase = %+v, want the customer's, the till's price and date", got)
	}
	claims := 0
	d.db.View(func(tx *store.Txn) error {
		return tx.EachAudit(func(e *appliance.AuditEntry) error {
			if e.Action == "purchase.claim" && e.Record == "purchase/"+p.ID && e.Operator == clerk.ID {
				claims++
			}
			return nil
		})
	})
	if claims != 1 {
		t.Errorf("purchase.claim audit entries = %d, want 1", claims)
	}
	args.Phone = b.Phones[0]
	_, err := d.svc.Intake(d.ctx, clerk, args)
	wantCode(t, err, appliance.EINVALID)
}

func (d *desk) storedPurchase(id string) *appliance.Purchase {
	d.t.Helper()
	var p *appliance.Purchase
	if err := d.db.View(func(tx *store.Txn) (err error) { p, err = tx.Purchase(id); return err }); err != nil {
		d.t.Fatal(err)
	}
	return p
}
