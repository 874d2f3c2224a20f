package reports

import (
	"strings"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/drivers/printer"
	"shouhou/forms"
)

// TestClosingFlagsOverDailyLimit: each day's card money by operator is
// the sum of their entries without sign (transfers left out), and an
// operator above the daily limit of their role is flagged on the closing
// and its slip.
func TestClosingFlagsOverDailyLimit(t *testing.T) {
	m := MustMonth(t)
	const limit = 1500
	rep := New(m.db, Options{Location: cst, Now: m.clock.now, DailyLimitFen: func(id string) (int64, bool) {
		return limit, id == clerk.ID
	}})
	flagged := 0
	for d := range 30 {
		day := monthStart.AddDate(0, 0, d)
		want := map[string]int64{}
		err := m.db.View(func(tx *store.Txn) error {
			return tx.EachLedgerEntry(func(e *appliance.LedgerEntry) error {
				if !e.Time.Before(day) && e.Time.Before(day.AddDate(0, 0, 1)) &&
					e.Kind != appliance.LedgerTransferIn && e.Kind != appliance.LedgerTransferOut && e.AmountFen != 0 {
					want[e.Operator] += max(e.AmountFen, -e.AmountFen)
				}
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		c, err := rep.Closing(day)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.Operators) != len(want) {
			t.Fatalf("%s: operators %+v, want %v", c.Day, c.Operators, want)
		}
		for _, o := range c.Operators {
			over := o.Operator == clerk.ID && o.TotalFen > limit
			if o.TotalFen != want[o.Operator] || o.Over != over || (o.Operator == clerk.ID) != (o.LimitFen == limit) {
				t.Errorf("%s: %+v, want total %d over %v", c.Day, o, want[o.Operator], over)
			}
			if !over {
				continue
			}
			flagged++
			lines := strings.Join(c.OverLimit(), "\n")
			if !strings.Contains(lines, "超限 "+clerk.ID) || !strings.Contains(lines, "above the daily limit of ￥15.00") {
				t.Errorf("%s: OverLimit() = %q, want the clerk flagged", c.Day, lines)
			}
			f, err := forms.ByName("closing")
			if err != nil {
				t.Fatal(err)
			}
			doc, err := forms.Render(f, forms.Record{Store: forms.StoreInfo{Name: "店", Location: cst}, Operator: "x",
				Printed: day.Add(18 * time.Hour), Values: c.FormValues()}, forms.Columns80)
			if err != nil {
				t.Fatal(err)
			}
			if text := printer.Text(doc); !strings.Contains(text, "超限") {
				t.Errorf("%s: the slip does not flag the clerk:\n%s", c.Day, text)
			}
		}
	}
	if flagged == 0 {
		t.Error("no day of the month has the clerk above the limit: the test proves nothing")
	}
}
