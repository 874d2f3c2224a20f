package appliance

import "time"

// Purchase is a product a customer bought, registered for after-sales
// service (购买记录 / 保修登记).
type Purchase struct {
	// ID is the store's internal identifier.
	ID string `json:"id"`
	// CustomerID is the buyer.
	CustomerID string `json:"customer_id"`
	// ProductCode is the product code or barcode (商品编码).
	ProductCode string `json:"product_code"`
	// Name is the product name and spec (商品名称规格).
	Name string `json:"name"`
	// Category is the policy category id, e.g. "electronics".
	Category string `json:"category"`
	// Serial is the product's serial number (序列号), if it has one.
	Serial string `json:"serial,omitempty"`
	// Purchased is the purchase date as on the till receipt (seed 000: 购物时间以电脑小票为准).
	Purchased time.Time `json:"purchased"`
	// PriceFen is the price actually paid after discounts; refunds use it (seed 004).
	PriceFen int64 `json:"price_fen"`
	// Receipt is the till receipt or invoice number.
	Receipt string `json:"receipt,omitempty"`
	// Channel is where it was sold: "store" or "online".
	Channel string `json:"channel,omitempty"`
	// WarrantyCard is the warranty card number.
	WarrantyCard string `json:"warranty_card,omitempty"`
	// Special is set for goods sold at a special price (特价).
	Special bool `json:"special,omitempty"`
	// Gift is set for a free gift (赠品).
	Gift bool `json:"gift,omitempty"`
	// Custom is set for custom-made goods (定制).
	Custom bool `json:"custom,omitempty"`
	// Line is the line on the till receipt, for a purchase from the till
	// (0 for one registered at the desk). Receipt and Line identify it.
	Line int `json:"line,omitempty"`
	// Till says where a purchase from the till came from: "push:TILL" or
	// "file:NAME"; "" for one registered at the desk. The desk cannot edit
	// a purchase from the till at intake; a supervisor may correct it.
	Till string `json:"till,omitempty"`
	// Corrected is set once a supervisor changed what the till said; a
	// re-import of the same line then leaves it alone.
	Corrected bool `json:"corrected,omitempty"`
	// Created is when the purchase was registered.
	Created time.Time `json:"created"`
}
