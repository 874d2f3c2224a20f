package reports

import (
	"reflect"
	"testing"

	"shouhou/appliance"
)

// TestClosingMonth checks every figure of every day's closing of a
// generated month against what the generator counted.
func TestClosingMonth(t *testing.T) {
	m := MustMonth(t)
	var prevEnd int64
	for d := range 30 {
		day := monthStart.AddDate(0, 0, d)
		key := day.Format(DayFormat)
		t.Run(key, func(t *testing.T) {
			c, err := m.rep.Closing(day)
			if err != nil {
				t.Fatal(err)
			}
			want := m.day(day)
			got := map[string]int64{"opened": int64(c.Opened), "closed": int64(c.Closed), "cancelled": int64(c.Cancelled),
				"refund_cash": c.RefundCashFen, "refund_card": c.RefundCardFen, "fees_cash": c.FeesCashFen, "fees_card": c.FeesCardFen,
				"card_in": c.CardInFen, "charges": c.CardChargesFen, "cashout": c.CardOutFen,
				"liability_start": c.LiabilityStartFen, "liability_end": c.LiabilityEndFen}
			exp := map[string]int64{"opened": int64(want.opened), "closed": int64(want.closed), "cancelled": int64(want.cancelled),
				"refund_cash": want.refundCash, "refund_card": want.refundCard, "fees_cash": want.feesCash, "fees_card": want.feesCard,
				"card_in": want.cardIn, "charges": want.charges, "cashout": want.cashout,
				"liability_start": prevEnd, "liability_end": m.liability[key]}
			for k := range exp {
				if got[k] != exp[k] {
					t.Errorf("Closing(%s).%s = %d, want %d", key, k, got[k], exp[k])
				}
			}
			for _, row := range c.Tickets {
				if row.Opened != want.openedByKind[row.Kind] {
					t.Errorf("opened %s = %d, want %d", row.Kind, row.Opened, want.openedByKind[row.Kind])
				}
				if w := want.closedBy[row.Kind]; len(row.Closed) != 0 || len(w) != 0 {
					if !reflect.DeepEqual(row.Closed, w) {
						t.Errorf("closed %s = %v, want %v", row.Kind, row.Closed, w)
					}
				}
			}
			gotLedger := map[appliance.LedgerKind]CardRow{}
			for _, r := range c.Card {
				gotLedger[r.Kind] = r
			}
			if !reflect.DeepEqual(gotLedger, want.ledger) {
				t.Errorf("card rows = %v, want %v", gotLedger, want.ledger)
			}
			if len(c.Discrepancies) != 0 || len(c.Adjustments) != 0 {
				t.Errorf("discrepancies %q, adjustments %v; want none", c.Discrepancies, c.Adjustments)
			}
		})
		prevEnd = m.liability[key]
	}
}
