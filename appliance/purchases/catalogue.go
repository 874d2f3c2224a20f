package purchases

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// CatalogueLine is one line of the till's product catalogue export.
type CatalogueLine struct {
	// Row is the line of the file it was read from.
	Row int `json:"-"`
	// SKU is the product code or barcode; required.
	SKU string `json:"sku"`
	// Name is the product name; required.
	Name string `json:"name"`
	// Spec is the specification.
	Spec string `json:"spec,omitempty"`
	// Category is the policy category; it must be one the policy knows.
	Category string `json:"category"`
}

// ImportCatalogue stores the batch's catalogue lines, checked whole first
// as ImportSales does. A SKU whose name, spec or category changed is
// updated (audited with the line before); one stored as it is is
// unchanged. A category the policy does not know is a row error here, not
// a surprise at the desk.
func (s *Service) ImportCatalogue(ctx context.Context, actor appliance.Actor, b Batch, lines []CatalogueLine) (Report, error) {
	r := Report{Kind: "catalogue", Source: b.Source, Rows: len(lines) + len(b.Rejected), DryRun: b.DryRun}
	r.Errors = append(r.Errors, b.Rejected...)
	if err := mayImport(ctx, actor); err != nil {
		return r, err
	}
	put := s.planCatalogue(&b, lines, &r)
	r.Rejected = len(r.Errors)
	slices.SortStableFunc(r.Errors, func(a, b RowError) int { return a.Line - b.Line })
	if b.DryRun || (b.AllOrNothing && r.Rejected > 0) {
		return r, nil
	}
	now := s.opts.Now()
	err := s.writeChunks(ctx, &b, len(put), func(tx *store.Txn, i int) (outcome, error) {
		p := put[i]
		old, found, err := tx.Product(p.SKU)
		if err != nil {
			return unchanged, err
		}
		if found && sameProduct(old, p) {
			return unchanged, nil
		}
		p.Updated = now
		if err := tx.PutProduct(p); err != nil {
			return unchanged, err
		}
		o, before := added, any(nil)
		if found {
			o, before = updated, old
		}
		return o, tx.AuditBy(actor, "product.import", "product/"+p.SKU, b.Source, before, p)
	}, &r)
	r.Applied = err == nil || r.Added+r.Updated > 0
	s.publish(r)
	if err != nil {
		return r, fmt.Errorf("import %s: %w", b.Source, err)
	}
	return r, nil
}

// planCatalogue checks every line and returns the products to write (the
// last of each SKU; a SKU given twice with other values is rejected).
func (s *Service) planCatalogue(b *Batch, lines []CatalogueLine, r *Report) []*appliance.Product {
	tables := s.opts.Policy()
	seen := map[string]*appliance.Product{}
	var put []*appliance.Product
	for i := range lines {
		if i%1000 == 0 {
			b.progress("check", i, len(lines))
		}
		l := &lines[i]
		p := &appliance.Product{SKU: strings.TrimSpace(l.SKU), Name: strings.TrimSpace(l.Name),
			Spec: strings.TrimSpace(l.Spec), Category: strings.TrimSpace(l.Category)}
		_, known := tables.Categories[p.Category]
		bad := func(field, msg string) {
			r.Errors = append(r.Errors, RowError{Line: l.Row, Field: field, Message: msg})
		}
		switch {
		case p.SKU == "":
			bad("sku", "缺少商品编码 / the product code is missing")
		case p.Name == "":
			bad("name", "缺少商品名称 / the product name is missing")
		case !known:
			bad("category", "政策中没有类别 "+strconv.Quote(p.Category)+" / the policy has no category "+strconv.Quote(p.Category))
		case seen[p.SKU] != nil && !sameProduct(seen[p.SKU], p):
			bad("sku", "商品编码 "+p.SKU+" 在文件中出现两次且内容不同 / SKU "+p.SKU+" appears twice with different values")
		case seen[p.SKU] != nil:
			r.Unchanged++
		default:
			seen[p.SKU] = p
			put = append(put, p)
		}
	}
	b.progress("check", len(lines), len(lines))
	return put
}

func sameProduct(a, b *appliance.Product) bool {
	return a.Name == b.Name && a.Spec == b.Spec && a.Category == b.Category
}
