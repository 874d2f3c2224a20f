package appliance

import "time"

// Product is one line of the store's product catalogue (商品资料), as the
// till knows it: what a SKU is and which policy category it falls in.
type Product struct {
	// SKU is the product code or barcode (商品编码); it identifies the product.
	SKU string `json:"sku"`
	// Name is the product name (商品名称).
	Name string `json:"name"`
	// Spec is the specification (规格), e.g. "55英寸 黑色".
	Spec string `json:"spec,omitempty"`
	// Category is the policy category id, e.g. "electronics".
	Category string `json:"category"`
	// Updated is when the catalogue line was last imported with a change.
	Updated time.Time `json:"updated"`
}
