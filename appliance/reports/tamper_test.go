package reports

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/store"
)

// TestLiabilityTampered moves money through the card service, checks that
// the card liability reconciles (sum of balances == issued + topped up +
// refunded − charged − cashed out), then changes the stored ledger behind
// the API, as someone with the disk could, and expects the reconciliation
// and the day's closing to say so.
func TestLiabilityTampered(t *testing.T) {
	tests := []struct {
		name   string
		key    string
		from   string
		to     string
		expect string
	}{
		{"a top-up's amount raised", "r/ledger/SC-000001/000000000002", `"amount_fen":3000,`, `"amount_fen":9000,`, "≠"},
		{"a charge turned into a top-up's sign", "r/ledger/SC-000002/000000000002", `"amount_fen":-700,`, `"amount_fen":700,`, "wrong sign"},
		{"a balance-after changed", "r/ledger/SC-000001/000000000002", `"balance_fen":8000,`, `"balance_fen":18000,`, "the day's ledger"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &clock{t: monthStart.Add(10 * 3600e9)}
			dir := t.TempDir()
			db, svc := openStore(t, dir, c)
			ctx := context.Background()
			mustMoney(t, db, svc, ctx)
			rep := New(db, Options{Location: cst, Now: c.now})
			l, err := rep.CardLiability()
			if err != nil {
				t.Fatal(err)
			}
			cl, err := rep.Closing(monthStart)
			if err != nil {
				t.Fatal(err)
			}
			// 2 cards issued with 5000, a top-up of 3000, a charge of 700,
			// a refund of 200: the test's own sum.
			if want := int64(5000 + 5000 + 3000 - 700 + 200); l.BalancesFen != want || l.LedgerFen != want || len(l.Problems) != 0 {
				t.Fatalf("CardLiability() = %+v before tampering, want %d both and no problems", l, want)
			}
			if len(cl.Discrepancies) != 0 {
				t.Fatalf("Closing() before tampering: %q", cl.Discrepancies)
			}
			svc.Close()
			db.Close()
			raw, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
			if err != nil {
				t.Fatal(err)
			}
			err = raw.Update(func(b *badger.Txn) error {
				item, err := b.Get([]byte(tt.key))
				if err != nil {
					return err
				}
				v, err := item.ValueCopy(nil)
				if err != nil {
					return err
				}
				nv := bytes.Replace(v, []byte(tt.from), []byte(tt.to), 1)
				if bytes.Equal(nv, v) {
					return fmt.Errorf("%q not in %s", tt.from, v)
				}
				return b.Set([]byte(tt.key), nv)
			})
			if cerr := raw.Close(); err == nil {
				err = cerr
			}
			if err != nil {
				t.Fatal(err)
			}
			db, svc = openStore(t, dir, c)
			defer func() { svc.Close(); db.Close() }()
			rep = New(db, Options{Location: cst, Now: c.now})
			cl, err = rep.Closing(monthStart)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.Join(cl.Discrepancies, "\n"), tt.expect) {
				t.Errorf("Closing().Discrepancies = %q, want one with %q", cl.Discrepancies, tt.expect)
			}
		})
	}
}

// mustMoney issues two cards with 5000 fen each, tops the first up by
// 3000, charges the second 700 and refunds it 200, all on the first day.
func mustMoney(t *testing.T, db *store.DB, svc *cards.Service, ctx context.Context) {
	t.Helper()
	err := db.Update(func(tx *store.Txn) error {
		for _, id := range []string{"c1", "c2"} {
			if err := tx.PutCustomer(&appliance.Customer{ID: id, Name: id, Phones: []string{"1390000000" + id[1:]}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ops := []func() (*cards.Result, error){
		func() (*cards.Result, error) {
			return svc.Issue(ctx, clerk, cards.IssueArgs{Key: "i1", CustomerID: "c1", DepositFen: 5000})
		},
		func() (*cards.Result, error) {
			return svc.Issue(ctx, clerk, cards.IssueArgs{Key: "i2", CustomerID: "c2", DepositFen: 5000})
		},
		func() (*cards.Result, error) {
			return svc.TopUp(ctx, clerk, cards.MoneyArgs{Key: "t1", Card: "SC-000001", AmountFen: 3000})
		},
		func() (*cards.Result, error) {
			return svc.Charge(ctx, clerk, cards.MoneyArgs{Key: "c1", Card: "SC-000002", AmountFen: 700})
		},
		func() (*cards.Result, error) {
			return svc.Refund(ctx, clerk, cards.MoneyArgs{Key: "r1", Card: "SC-000002", AmountFen: 200})
		},
	}
	for i, op := range ops {
		if _, err := op(); err != nil {
			t.Fatalf("operation %d: %v", i, err)
		}
	}
}
