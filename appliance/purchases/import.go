package purchases

import (
	"context"
	"fmt"
	"slices"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// Batch is one import: what to call it, the lines its reader already
// refused, and what to do with it.
type Batch struct {
	// Source names the batch in reports and audit entries: "file:NAME" or "push:TILL".
	Source string
	// Rejected are the lines the reader refused (bad dates, money, columns);
	// they count as rejected rows of the batch.
	Rejected []RowError
	// DryRun checks everything and writes nothing.
	DryRun bool
	// AllOrNothing writes nothing when any line is rejected; otherwise the
	// good lines are kept and the bad ones reported.
	AllOrNothing bool
	// Progress, if set, is told how far the import is: stage "check" then
	// "write", done of total lines.
	Progress func(stage string, done, total int)
}

func (b *Batch) progress(stage string, done, total int) {
	if b.Progress != nil {
		b.Progress(stage, done, total)
	}
}

// ImportSales stores the batch's sale lines as purchases. Every line is
// checked before anything is written; a line already stored as it is
// counts as unchanged and is not written again, so importing the same file
// twice changes nothing. A line stored before with other values is
// rejected (the till's lines do not change once sold; a supervisor
// corrects one with Correct). Each stored purchase is audited with the
// actor and the batch's source.
//
// The lines are written in transactions of Options.ChunkRows lines after
// the whole batch was checked: an interrupted import leaves a prefix of
// the good lines, and running it again completes it.
func (s *Service) ImportSales(ctx context.Context, actor appliance.Actor, b Batch, sales []Sale) (Report, error) {
	r := Report{Kind: "purchases", Source: b.Source, Rows: len(sales) + len(b.Rejected), DryRun: b.DryRun}
	r.Errors = append(r.Errors, b.Rejected...)
	if err := mayImport(ctx, actor); err != nil {
		return r, err
	}
	add, err := s.planSales(ctx, &b, sales, &r)
	if err != nil {
		return r, fmt.Errorf("import %s: %w", b.Source, err)
	}
	r.Rejected = len(r.Errors)
	slices.SortStableFunc(r.Errors, func(a, b RowError) int { return a.Line - b.Line })
	if b.DryRun || (b.AllOrNothing && r.Rejected > 0) {
		r.Added = 0
		return r, nil
	}
	err = s.writeChunks(ctx, &b, len(add), func(tx *store.Txn, i int) (outcome, error) {
		p := add[i]
		if _, found, err := tx.FindPurchase(p.ID); err != nil || found {
			return unchanged, err // stored meanwhile (a push of the same line)
		}
		if err := tx.PutPurchase(p); err != nil {
			return unchanged, err
		}
		return added, tx.AuditBy(actor, "purchase.import", "purchase/"+p.ID, b.Source, nil, p)
	}, &r)
	r.Applied = err == nil || r.Added > 0
	s.publish(r)
	if err != nil {
		return r, fmt.Errorf("import %s: %w", b.Source, err)
	}
	return r, nil
}

// planSales checks every line against the catalogue, the policy and what
// is stored, counts the unchanged ones and returns the purchases to add.
func (s *Service) planSales(ctx context.Context, b *Batch, sales []Sale, r *Report) ([]*appliance.Purchase, error) {
	tables, now := s.opts.Policy(), s.opts.Now()
	var add []*appliance.Purchase
	err := s.db.View(func(tx *store.Txn) error {
		cat := map[string]*appliance.Product{}
		seen := map[string]*appliance.Purchase{}
		for i := range sales {
			if i%1000 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
				b.progress("check", i, len(sales))
			}
			sale := &sales[i]
			prod, err := catalogueLine(tx, cat, sale.SKU)
			if err != nil {
				return err
			}
			p, rerr := sale.purchase(prod, tables, b.Source, now)
			if rerr != nil {
				r.Errors = append(r.Errors, *rerr)
				continue
			}
			keep, err := classify(tx, seen, p, sale.rowOf(), r)
			if err != nil {
				return err
			}
			if keep {
				add = append(add, p)
			}
		}
		b.progress("check", len(sales), len(sales))
		return nil
	})
	return add, err
}

// classify sorts a checked purchase: new (keep), the same as a line stored
// or met earlier in the batch (unchanged), or other values for a line
// stored or met earlier (rejected).
func classify(tx *store.Txn, seen map[string]*appliance.Purchase, p *appliance.Purchase, row int, r *Report) (keep bool, err error) {
	old, found := seen[p.ID]
	if !found {
		if old, found, err = tx.FindPurchase(p.ID); err != nil {
			return false, err
		}
	}
	seen[p.ID] = p
	switch {
	case !found:
		return true, nil
	case sameSale(old, p):
		r.Unchanged++
		return false, nil
	}
	r.Errors = append(r.Errors, RowError{Line: row, Field: "receipt", Message: fmt.Sprintf(
		"小票 %s 第 %d 行已有不同的内容 / receipt %s line %d is already recorded with other values",
		p.Receipt, p.Line, p.Receipt, p.Line)})
	return false, nil
}

// catalogueLine returns the catalogue line of sku (nil when there is
// none), reading each SKU once per batch.
func catalogueLine(tx *store.Txn, cache map[string]*appliance.Product, sku string) (*appliance.Product, error) {
	if p, ok := cache[sku]; ok {
		return p, nil
	}
	p, _, err := tx.Product(sku)
	if err != nil {
		return nil, err
	}
	cache[sku] = p
	return p, nil
}

// outcome is what writing one line did.
type outcome int

const (
	unchanged outcome = iota
	added
	updated
)

// writeChunks runs put for items 0..n-1, ChunkRows of them per store
// transaction, and counts what each did into r once its transaction has
// committed.
func (s *Service) writeChunks(ctx context.Context, b *Batch, n int, put func(*store.Txn, int) (outcome, error), r *Report) error {
	for start := 0; start < n; start += s.opts.ChunkRows {
		if err := ctx.Err(); err != nil {
			return err
		}
		end := min(start+s.opts.ChunkRows, n)
		var count [3]int
		err := s.db.Update(func(tx *store.Txn) error {
			count = [3]int{}
			for i := start; i < end; i++ {
				o, err := put(tx, i)
				if err != nil {
					return err
				}
				count[o]++
			}
			return nil
		})
		if err != nil {
			return err
		}
		r.Unchanged += count[unchanged]
		r.Added += count[added]
		r.Updated += count[updated]
		b.progress("write", end, n)
	}
	return nil
}
