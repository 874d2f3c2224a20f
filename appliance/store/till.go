package store

import "shouhou/appliance"

// products is the product catalogue, keyed by SKU.
var products = kind[appliance.Product]{
	name:    "product",
	id:      func(p *appliance.Product) string { return p.SKU },
	indexes: func(*appliance.Product) []indexEntry { return nil },
}

// PutProduct creates or replaces a catalogue line.
func (tx *Txn) PutProduct(p *appliance.Product) error { return products.put(tx, p) }

// Product returns the catalogue line of sku; found is false when there is none.
func (tx *Txn) Product(sku string) (p *appliance.Product, found bool, err error) {
	return products.get(tx, sku)
}

// FindPurchase returns the purchase id; found is false when there is none.
func (tx *Txn) FindPurchase(id string) (p *appliance.Purchase, found bool, err error) {
	return purchases.get(tx, id)
}

// EachAudit calls fn with every audit entry, oldest first (admin screens
// and tests; it reads the whole log).
func (tx *Txn) EachAudit(fn func(*appliance.AuditEntry) error) error {
	return tx.eachRecord("r/audit/", func(raw []byte) error {
		var a appliance.AuditEntry
		if err := decode(raw, &a); err != nil {
			return err
		}
		return fn(&a)
	})
}
