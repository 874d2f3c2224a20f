package reports

import (
	"reflect"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// allRecords reads every ticket's report record, every ledger entry and
// every card out of r's store, as head office holds them.
func allRecords(t *testing.T, r *Reports) ([]*store.TicketReport, []*appliance.LedgerEntry, []*appliance.Card) {
	t.Helper()
	var ts []*store.TicketReport
	var es []*appliance.LedgerEntry
	var cs []*appliance.Card
	err := r.db.View(func(tx *store.Txn) error {
		err := tx.EachTicketTouched(time.Time{}, "", "", func(tk *appliance.Ticket) error {
			ts = append(ts, store.ReportOf(tk))
			return nil
		})
		if err != nil {
			return err
		}
		if err := tx.EachLedgerEntry(func(e *appliance.LedgerEntry) error { es = append(es, e); return nil }); err != nil {
			return err
		}
		return tx.EachCard(func(c *appliance.Card) error { cs = append(cs, c); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	// Head office holds them in no particular order.
	for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
		es[i], es[j] = es[j], es[i]
	}
	return ts, es, cs
}

// TestKPIsOfEqualsKPIs checks that the KPIs from records the caller holds
// (every ticket, more than the walk reads) equal those the store's walk
// gives, over the varied store and the month of money, and that a nil
// store serves KPIsOf (issue 15: head office's reports).
func TestKPIsOfEqualsKPIs(t *testing.T) {
	for name, r := range map[string]*Reports{"varied": variedStore(t), "month": MustMonth(t).rep} {
		t.Run(name, func(t *testing.T) {
			ts, es, cs := allRecords(t, r)
			hq := New(nil, r.o)
			for _, p := range kpiPeriods {
				from, _ := r.ParseDay(p.from)
				to, _ := r.ParseDay(p.to)
				want, err := r.KPIs(from, to)
				if err != nil {
					t.Fatal(err)
				}
				got, err := hq.KPIsOf(from, to, ts)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: KPIsOf = %s\nKPIs = %s", p.name, jsonText(t, got), jsonText(t, want))
				}
			}
			want, err := r.CardLiability()
			if err != nil {
				t.Fatal(err)
			}
			if got := CardLiabilityOf(es, cs); !reflect.DeepEqual(got, want) {
				t.Errorf("CardLiabilityOf = %s\nCardLiability = %s", jsonText(t, got), jsonText(t, want))
			}
		})
	}
}

// TestCardLiabilityOfFlagsABalance checks that a card whose balance
// disagrees with its entries is reported.
func TestCardLiabilityOfFlagsABalance(t *testing.T) {
	m := MustMonth(t)
	_, es, cs := allRecords(t, m.rep)
	if len(cs) == 0 || len(es) == 0 {
		t.Fatal("the month has no cards")
	}
	if l := CardLiabilityOf(es, cs); len(l.Problems) != 0 || l.LedgerFen == 0 {
		t.Fatalf("CardLiabilityOf(the month) = %s, want reconciled with money", jsonText(t, l))
	}
	bad := *cs[0]
	bad.BalanceFen++
	cs[0] = &bad
	if l := CardLiabilityOf(es, cs); len(l.Problems) != 2 {
		t.Errorf("CardLiabilityOf(a balance one fen off) problems = %q, want the card and the total", l.Problems)
	}
}
