package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

// MustOpen opens a store in a fresh temporary directory, closed at the end of the test.
func MustOpen(tb testing.TB) *DB {
	tb.Helper()
	return MustOpenDir(tb, tb.TempDir())
}

// MustOpenDir opens the store in dir, closed at the end of the test.
func MustOpenDir(tb testing.TB, dir string) *DB {
	tb.Helper()
	db, err := Open(dir, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatalf("Open(%s): %v", dir, err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func mustUpdate(tb testing.TB, db *DB, fn func(*Txn) error) {
	tb.Helper()
	if err := db.Update(fn); err != nil {
		tb.Fatalf("Update: %v", err)
	}
}

func mustVerify(tb testing.TB, db *DB) {
	tb.Helper()
	r, err := db.Verify()
	if err != nil {
		tb.Fatalf("Verify: %v", err)
	}
	if !r.OK() {
		tb.Fatalf("Verify found problems:\n%s", r)
	}
}

var day = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

func jsonOf(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func TestRecordsRoundTrip(t *testing.T) {
	db := MustOpen(t)
	exp := day.AddDate(1, 0, 0)
	wantEntry := &appliance.LedgerEntry{Card: "SC-000001", Seq: 1, GlobalSeq: 1, Kind: appliance.LedgerTopup, AmountFen: 12345, BalanceFen: 12345, Operator: "clerk1", Key: "k1", Time: day}
	wantEntry.Hash = wantEntry.ComputeHash()
	tests := []struct {
		name string
		put  func(*Txn) error
		get  func(*Txn) (any, error)
		want any
	}{
		{"customer",
			func(tx *Txn) error {
				return tx.PutCustomer(&appliance.Customer{ID: "c1", Name: "王芳", Phones: []string{"13800000001"}, Address: "北京市", Created: day, Updated: day})
			},
			func(tx *Txn) (any, error) { return tx.Customer("c1") },
			&appliance.Customer{ID: "c1", Name: "王芳", Phones: []string{"13800000001"}, Address: "北京市", Created: day, Updated: day}},
		{"card",
			func(tx *Txn) error {
				return tx.PutCard(&appliance.Card{Number: "SC-000001", UIDs: []string{"04A1B2C3"}, CustomerID: "c1", Status: appliance.CardActive, BalanceFen: 12345, BalanceExpires: &exp, Issued: day, LedgerCount: 1, LedgerHead: wantEntry.Hash})
			},
			func(tx *Txn) (any, error) { return tx.Card("SC-000001") },
			&appliance.Card{Number: "SC-000001", UIDs: []string{"04A1B2C3"}, CustomerID: "c1", Status: appliance.CardActive, BalanceFen: 12345, BalanceExpires: &exp, Issued: day, LedgerCount: 1, LedgerHead: wantEntry.Hash}},
		{"purchase",
			func(tx *Txn) error {
				return tx.PutPurchase(&appliance.Purchase{ID: "p1", CustomerID: "c1", ProductCode: "6901234567892", Name: "电水壶 1.7L", Category: "home_goods", Serial: "SN1", Purchased: day, PriceFen: 19900, Receipt: "R1", Special: true})
			},
			func(tx *Txn) (any, error) { return tx.Purchase("p1") },
			&appliance.Purchase{ID: "p1", CustomerID: "c1", ProductCode: "6901234567892", Name: "电水壶 1.7L", Category: "home_goods", Serial: "SN1", Purchased: day, PriceFen: 19900, Receipt: "R1", Special: true}},
		{"ticket",
			func(tx *Txn) error {
				return tx.PutTicket(&appliance.Ticket{Number: "T20261123-0001", Kind: appliance.KindRepair, Status: appliance.StatusInRepair, CustomerID: "c1", Fault: "不加热", Due: day.AddDate(0, 0, 7), Parts: []appliance.PartUsed{{Code: "P1", Name: "温控器", Qty: 1, PriceFen: 2500}}, Survey: &appliance.Survey{Attitude: 4, Skill: 3, Timeliness: 4, FollowUp: 4, Time: day}, Decision: json.RawMessage(`{"outcomes":[]}`)})
			},
			func(tx *Txn) (any, error) { return tx.Ticket("T20261123-0001") },
			&appliance.Ticket{Number: "T20261123-0001", Kind: appliance.KindRepair, Status: appliance.StatusInRepair, CustomerID: "c1", Fault: "不加热", Due: day.AddDate(0, 0, 7), Parts: []appliance.PartUsed{{Code: "P1", Name: "温控器", Qty: 1, PriceFen: 2500}}, Survey: &appliance.Survey{Attitude: 4, Skill: 3, Timeliness: 4, FollowUp: 4, Time: day}, Decision: json.RawMessage(`{"outcomes":[]}`)}},
		{"ledger",
			func(tx *Txn) error {
				return tx.AppendLedger(&appliance.LedgerEntry{Card: "SC-000001", Seq: 1, Kind: appliance.LedgerTopup, AmountFen: 12345, BalanceFen: 12345, Operator: "clerk1", Key: "k1", Time: day})
			},
			func(tx *Txn) (any, error) { return tx.LedgerByKey("k1") },
			wantEntry},
		{"print job",
			func(tx *Txn) error {
				return tx.AddPrintJob(&appliance.PrintJob{Form: "intake", Printer: "desk1", Data: json.RawMessage(`{"no":"T1"}`)})
			},
			func(tx *Txn) (any, error) { return tx.PrintJob("000000000001") },
			&appliance.PrintJob{ID: "000000000001", Form: "intake", Printer: "desk1", Data: json.RawMessage(`{"no":"T1"}`), Copies: 1, Status: appliance.PrintQueued}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mustUpdate(t, db, tt.put)
			var got any
			err := db.View(func(tx *Txn) (err error) { got, err = tt.get(tx); return err })
			if err != nil {
				t.Fatal(err)
			}
			if pj, ok := got.(*appliance.PrintJob); ok { // stamped by the store's clock
				pj.Created, pj.Updated = time.Time{}, time.Time{}
			}
			if g, w := jsonOf(t, got), jsonOf(t, tt.want); g != w {
				t.Errorf("got  %s\nwant %s", g, w)
			}
		})
	}
	mustVerify(t, db)
}

func TestAuditRecordsBeforeAndAfter(t *testing.T) {
	db := MustOpen(t)
	mustUpdate(t, db, func(tx *Txn) error {
		return tx.Audit("clerk1", "customer.create", "customer/c1", "", nil, map[string]string{"name": "王芳"})
	})
	var n int
	err := db.View(func(tx *Txn) error {
		return tx.eachRecord("r/audit/", func(raw []byte) error {
			var a appliance.AuditEntry
			if err := decode(raw, &a); err != nil {
				return err
			}
			if a.Operator != "clerk1" || string(a.After) != `{"name":"王芳"}` || a.Before != nil {
				t.Errorf("audit entry = %+v", a)
			}
			n++
			return nil
		})
	})
	if err != nil || n != 1 {
		t.Fatalf("audit entries = %d, err %v; want 1", n, err)
	}
	err = db.Update(func(tx *Txn) error { return tx.Audit("", "x", "y", "", nil, nil) })
	if appliance.ErrorCode(err) != appliance.EINVALID {
		t.Errorf("Audit without operator: err = %v, want invalid", err)
	}
}

func TestLedgerIsImmutable(t *testing.T) {
	db := MustOpen(t)
	e := &appliance.LedgerEntry{Card: "SC-000001", Seq: 1, Kind: appliance.LedgerTopup, AmountFen: 100, BalanceFen: 100, Operator: "o", Key: "k1"}
	mustUpdate(t, db, func(tx *Txn) error { return tx.AppendLedger(e) })
	tests := []struct {
		name string
		e    appliance.LedgerEntry
	}{
		{"same seq", appliance.LedgerEntry{Card: "SC-000001", Seq: 1, Kind: appliance.LedgerTopup, AmountFen: 999, Operator: "o", Key: "k2"}},
		{"same key", appliance.LedgerEntry{Card: "SC-000001", Seq: 2, Kind: appliance.LedgerTopup, AmountFen: 999, Operator: "o", Key: "k1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := db.Update(func(tx *Txn) error { return tx.AppendLedger(&tt.e) })
			if appliance.ErrorCode(err) != appliance.ECONFLICT {
				t.Fatalf("AppendLedger = %v, want a conflict", err)
			}
		})
	}
	db.View(func(tx *Txn) error {
		es, err := tx.LedgerOf("SC-000001")
		if err != nil || len(es) != 1 || es[0].AmountFen != 100 {
			t.Errorf("LedgerOf = %+v, %v; want the one first entry", es, err)
		}
		return nil
	})
}

func TestSchemaFromNewerReleaseIsRefused(t *testing.T) {
	dir := t.TempDir()
	db := MustOpenDir(t, dir)
	if err := db.bdb.Update(func(txn *badger.Txn) error {
		return txn.Set([]byte("m/schema"), []byte(fmt.Sprint(SchemaVersion+1)))
	}); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err := Open(dir, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	var ae *appliance.Error
	if !errors.As(err, &ae) || ae.Code != appliance.EUNAVAILABLE {
		t.Fatalf("Open of newer data = %v, want an unavailable error saying so", err)
	}
}

func TestDecodeRefusesUnknownEncoding(t *testing.T) {
	var c appliance.Customer
	if err := decode([]byte{2, '{', '}'}, &c); err == nil {
		t.Fatal("decode of encoding 2 succeeded; want a newer-release error")
	}
	if err := decode(nil, &c); err == nil {
		t.Fatal("decode of an empty value succeeded")
	}
}

// TestBadgerForBudget: a budget under the default halves Badger's block
// and index caches, not its memtables, and a store opened with it works.
func TestBadgerForBudget(t *testing.T) {
	full := ApplianceOptions(t.TempDir())
	for _, tc := range []struct {
		name   string
		budget int64
		want   int64 // block and index cache size each
	}{
		{"no budget", 0, 16 << 20},
		{"default 192 MiB", 192 << 20, 16 << 20},
		{"large", 1 << 30, 16 << 20},
		{"128 MB box, 96 MiB", 96 << 20, 8 << 20},
		{"just under the default", 191 << 20, 8 << 20},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := BadgerForBudget(full, tc.budget)
			if got.BlockCacheSize != tc.want || got.IndexCacheSize != tc.want {
				t.Errorf("block cache %d, index cache %d; want %d each", got.BlockCacheSize, got.IndexCacheSize, tc.want)
			}
			if got.MemTableSize != full.MemTableSize { // the store's batches are sized for its transactions' limit
				t.Errorf("memtable %d, want %d", got.MemTableSize, full.MemTableSize)
			}
			if got.SyncWrites != full.SyncWrites || got.Compression != full.Compression {
				t.Errorf("durability or compression changed: %+v", got)
			}
		})
	}
	dir := t.TempDir()
	db, err := Open(dir, Options{MemoryBudget: 96 << 20})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(tx *Txn) error { return tx.PutCustomer(&appliance.Customer{ID: "c1", Name: "王芳"}) }); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db, err = Open(dir, Options{}) // the same store under the full sizes
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.View(func(tx *Txn) error { _, err := tx.Customer("c1"); return err }); err != nil {
		t.Errorf("the customer written under the small sizes: %v", err)
	}
}
