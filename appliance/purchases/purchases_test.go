package purchases_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/purchases"
	"shouhou/appliance/store"
	"shouhou/conf"
)

var (
	admin = appliance.Actor{ID: "admin", Role: appliance.RoleAdmin}
	clerk = appliance.Actor{ID: "clerk1", Role: appliance.RoleClerk}
	boss  = appliance.Actor{ID: "boss1", Role: appliance.RoleSupervisor}
)

// now is the test clock: 2026-11-20 10:00 in Shanghai.
var now = time.Date(2026, 11, 20, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

// newService opens a real store in a temporary directory with the
// embedded default policy.
func newService(tb testing.TB) (*purchases.Service, *store.DB) {
	tb.Helper()
	snap, err := conf.LoadAt("", now)
	if err != nil {
		tb.Fatal(err)
	}
	db, err := store.Open(tb.TempDir(), store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		r, err := db.Verify()
		if err != nil || !r.OK() {
			tb.Errorf("Verify after the test: %v\n%s", err, r)
		}
		db.Close()
	})
	svc := purchases.New(db, purchases.Options{Policy: func() *policy.Tables { return snap.Policy },
		Now: func() time.Time { return now }, ChunkRows: 3})
	return svc, db
}

func sale(receipt string, line int, sku string, price int64) purchases.Sale {
	return purchases.Sale{Row: line + 1, Receipt: receipt, Line: line, SKU: sku, Name: "电视机", Category: "electronics",
		Serial: "SN-" + receipt + "-" + sku, Sold: now.AddDate(0, 0, -3), PriceFen: price}
}

func TestImportSalesIsIdempotent(t *testing.T) {
	svc, db := newService(t)
	ctx := context.Background()
	sales := []purchases.Sale{sale("R1", 1, "A", 129900), sale("R1", 2, "B", 5000), sale("R2", 1, "A", 129900),
		sale("R3", 1, "C", 100), sale("R3", 2, "D", 200)}
	r, err := svc.ImportSales(ctx, admin, purchases.Batch{Source: "file:day.csv"}, sales)
	if err != nil {
		t.Fatal(err)
	}
	if r.Added != 5 || r.Unchanged != 0 || r.Rejected != 0 || !r.Applied {
		t.Fatalf("first import = %+v, want 5 added", r)
	}
	audits := countAudits(t, db, "purchase.import")
	r, err = svc.ImportSales(ctx, admin, purchases.Batch{Source: "file:day.csv"}, sales)
	if err != nil {
		t.Fatal(err)
	}
	if r.Added != 0 || r.Unchanged != 5 || r.Rejected != 0 {
		t.Fatalf("re-import = %+v, want 5 unchanged", r)
	}
	if got := countAudits(t, db, "purchase.import"); got != audits || got != 5 {
		t.Errorf("audit entries after re-import = %d, want %d (one per stored line, none for the re-import)", got, audits)
	}
	f, err := svc.Find(ctx, "R1")
	if err != nil || f.By != "receipt" || len(f.Purchases) != 2 || f.Purchases[0].Line != 1 || f.Purchases[1].PriceFen != 5000 {
		t.Fatalf("Find(R1) = %+v, %v; want the receipt's two lines in order", f, err)
	}
	if f.Purchases[0].Till != "file:day.csv" || f.Purchases[0].CustomerID != "" {
		t.Errorf("imported purchase = %+v, want Till file:day.csv and no customer", f.Purchases[0])
	}
	f, err = svc.Find(ctx, "SN-R3-D")
	if err != nil || f.By != "serial" || len(f.Purchases) != 1 || f.Purchases[0].ID != purchases.PurchaseID("R3", 2) {
		t.Fatalf("Find(serial) = %+v, %v", f, err)
	}
	if f, err := svc.Find(ctx, "nothing"); err != nil || len(f.Purchases) != 0 {
		t.Errorf("Find(nothing) = %+v, %v; want empty", f, err)
	}
}

func countAudits(tb testing.TB, db *store.DB, action string) int {
	tb.Helper()
	n := 0
	err := db.View(func(tx *store.Txn) error {
		return tx.EachAudit(func(a *appliance.AuditEntry) error {
			if a.Action == action {
				if a.Operator == "" || a.After == nil {
					tb.Errorf("audit entry %+v lacks its operator or record", a)
				}
				n++
			}
			return nil
		})
	})
	if err != nil {
		tb.Fatal(err)
	}
	return n
}

func TestImportSalesBadRows(t *testing.T) {
	future := sale("R9", 1, "A", 100)
	future.Sold = now.AddDate(0, 0, 2)
	noCat := sale("R9", 2, "ZZ", 100)
	noCat.Category, noCat.Name = "", ""
	unknown := sale("R9", 3, "A", 100)
	unknown.Category = "toys"
	changed := sale("R1", 1, "A", 99) // R1/1 is stored with another price
	nul := sale("R9\x00x", 5, "A", 100)
	good := sale("R9", 4, "A", 100)
	for i, s := range []*purchases.Sale{&future, &noCat, &unknown, &changed, &nul, &good} {
		s.Row = i + 2 // the file's lines 2–7, after the header
	}
	tests := []struct {
		name         string
		allOrNothing bool
		dryRun       bool
		wantAdded    int
		wantStored   int // purchases on receipt R9 afterwards
	}{
		{"keep-good-rows", false, false, 1, 1},
		{"all-or-nothing", true, false, 0, 0},
		{"dry-run", false, true, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			svc, _ := newService(t)
			ctx := context.Background()
			if _, err := svc.ImportSales(ctx, admin, purchases.Batch{Source: "file:a.csv"}, []purchases.Sale{sale("R1", 1, "A", 129900)}); err != nil {
				t.Fatal(err)
			}
			parse := []purchases.RowError{{Line: 8, Field: "price", Message: "金额不对 / bad money"}}
			b := purchases.Batch{Source: "file:b.csv", Rejected: parse, AllOrNothing: tt.allOrNothing, DryRun: tt.dryRun}
			r, err := svc.ImportSales(ctx, admin, b, []purchases.Sale{future, noCat, unknown, changed, nul, good})
			if err != nil {
				t.Fatal(err)
			}
			want := map[int]string{2: "date", 3: "name", 4: "category", 5: "receipt", 6: "receipt", 8: "price"}
			if r.Rejected != len(want) || len(r.Errors) != len(want) || r.Rows != 7 || r.Added != tt.wantAdded {
				t.Fatalf("report = %+v, want %d rejected of 7 and %d added", r, len(want), tt.wantAdded)
			}
			for i, e := range r.Errors {
				if want[e.Line] != e.Field || (i > 0 && r.Errors[i-1].Line > e.Line) || !strings.Contains(e.Message, " / ") {
					t.Errorf("error %d = %+v, want line→field %v in line order, Chinese / English", i, e, want)
				}
			}
			f, err := svc.Find(ctx, "R9")
			if err != nil || len(f.Purchases) != tt.wantStored {
				t.Errorf("receipt R9 has %d lines stored (%v), want %d", len(f.Purchases), err, tt.wantStored)
			}
		})
	}
}

func TestImportCatalogueFillsSales(t *testing.T) {
	svc, db := newService(t)
	ctx := context.Background()
	lines := []purchases.CatalogueLine{{Row: 2, SKU: "TV55", Name: "电视机", Spec: "55英寸", Category: "electronics"},
		{Row: 3, SKU: "TOY", Name: "积木", Category: "toys"},
		{Row: 4, SKU: "TV55", Name: "电视机", Spec: "55英寸", Category: "electronics"}}
	r, err := svc.ImportCatalogue(ctx, admin, purchases.Batch{Source: "file:cat.csv"}, lines)
	if err != nil {
		t.Fatal(err)
	}
	if r.Added != 1 || r.Unchanged != 1 || r.Rejected != 1 || r.Errors[0].Line != 3 || r.Errors[0].Field != "category" {
		t.Fatalf("catalogue import = %+v, want TV55 added, its repeat unchanged, TOY rejected on line 3", r)
	}
	lines[0].Name = "液晶电视机"
	if r, err = svc.ImportCatalogue(ctx, admin, purchases.Batch{Source: "file:cat2.csv"}, lines[:1]); err != nil || r.Updated != 1 {
		t.Fatalf("changed catalogue line = %+v, %v; want 1 updated", r, err)
	}
	s := purchases.Sale{Row: 2, Receipt: "R5", Line: 1, SKU: "TV55", Sold: now, PriceFen: 300000}
	if r, err = svc.ImportSales(ctx, admin, purchases.Batch{Source: "push:pos1"}, []purchases.Sale{s}); err != nil || r.Added != 1 {
		t.Fatalf("sale of a catalogue SKU = %+v, %v", r, err)
	}
	f, _ := svc.Find(ctx, "R5")
	if p := f.Purchases[0]; p.Name != "液晶电视机 55英寸" || p.Category != "electronics" {
		t.Errorf("purchase from the catalogue = %+v, want its name, spec and category", p)
	}
	if n := countAudits(t, db, "product.import"); n != 2 {
		t.Errorf("product.import audit entries = %d, want 2 (added, updated)", n)
	}
}

func TestCorrect(t *testing.T) {
	svc, db := newService(t)
	ctx := context.Background()
	if _, err := svc.ImportSales(ctx, admin, purchases.Batch{Source: "file:a.csv"}, []purchases.Sale{sale("R1", 1, "A", 129900)}); err != nil {
		t.Fatal(err)
	}
	id, price := purchases.PurchaseID("R1", 1), int64(119900)
	fix := purchases.Correction{PriceFen: &price, Purchased: "2026-11-01"}
	if _, err := svc.Correct(ctx, clerk, id, fix, "小票打错"); appliance.ErrorCode(err) != appliance.EUNAUTHORIZED {
		t.Errorf("a clerk's correction: err = %v, want unauthorized", err)
	}
	if _, err := svc.Correct(ctx, boss, id, fix, ""); appliance.ErrorCode(err) != appliance.EINVALID {
		t.Errorf("a correction without a reason: err = %v, want invalid", err)
	}
	p, err := svc.Correct(ctx, boss, id, fix, "小票打错")
	if err != nil || p.PriceFen != price || p.Purchased.Format("2006-01-02") != "2026-11-01" || !p.Corrected {
		t.Fatalf("Correct = %+v, %v", p, err)
	}
	if n := countAudits(t, db, "purchase.correct"); n != 1 {
		t.Errorf("purchase.correct audit entries = %d, want 1", n)
	}
	r, err := svc.ImportSales(ctx, admin, purchases.Batch{Source: "file:a.csv"}, []purchases.Sale{sale("R1", 1, "A", 129900)})
	if err != nil || r.Unchanged != 1 || r.Rejected != 0 {
		t.Errorf("re-import over a corrected line = %+v, %v; want it left alone", r, err)
	}
}
