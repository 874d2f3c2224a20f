package reports

import (
	"encoding/json"
	"reflect"
	"testing"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// TestCloseFreezes closes a day, corrects a fee on it the next day, and
// expects the closed day unchanged and the correction shown once, as an
// adjustment on the next closing.
func TestCloseFreezes(t *testing.T) {
	m := MustMonth(t)
	var fixed *appliance.Ticket
	for _, tk := range m.all {
		if tk.Payment == "cash" && tk.Paid.Before(monthStart.AddDate(0, 0, 20)) {
			fixed = tk
			break
		}
	}
	if fixed == nil {
		t.Fatal("the month has no cash fee")
	}
	day := m.startOf(fixed.Paid)
	next := day.AddDate(0, 0, 1)
	first, err := m.rep.Close(day, clerk)
	if err != nil {
		t.Fatal(err)
	}
	if !first.Frozen || first.ClosedBy != clerk.ID {
		t.Fatalf("Close() = frozen %v by %q, want frozen by %q", first.Frozen, first.ClosedBy, clerk.ID)
	}
	// The correction: the fee was 100 fen more, found the next morning.
	m.clock.set(next.Add(9 * 3600e9))
	old := fixed.PaidFen
	fixed.PaidFen += 100
	m.put(t, fixed)

	t.Run("closed day unchanged", func(t *testing.T) {
		again, err := m.rep.Close(day, boss)
		if err != nil {
			t.Fatal(err)
		}
		got, err := m.rep.Closing(day)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []*Closing{again, got} {
			if !sameJSON(t, c, first) {
				t.Errorf("closing after a correction = %+v, want the frozen %+v", c, first)
			}
		}
	})
	t.Run("adjustment the next day", func(t *testing.T) {
		c, err := m.rep.Closing(next)
		if err != nil {
			t.Fatal(err)
		}
		want := []Adjustment{{Day: day.Format(DayFormat), Figure: "fees_cash_fen", Was: first.FeesCashFen, Now: first.FeesCashFen + 100}}
		if !reflect.DeepEqual(c.Adjustments, want) {
			t.Errorf("Closing(next).Adjustments = %+v, want %+v (fee was %d)", c.Adjustments, want, old)
		}
		if c.FeesCashFen != m.day(next).feesCash {
			t.Errorf("Closing(next).FeesCashFen = %d, want %d", c.FeesCashFen, m.day(next).feesCash)
		}
		if _, err := m.rep.Close(next, clerk); err != nil {
			t.Fatal(err)
		}
		later, err := m.rep.Closing(next.AddDate(0, 0, 1))
		if err != nil {
			t.Fatal(err)
		}
		if len(later.Adjustments) != 0 {
			t.Errorf("the day after shows the adjustment again: %+v", later.Adjustments)
		}
	})
	t.Run("audited", func(t *testing.T) {
		err := m.db.View(func(tx *store.Txn) error {
			_, err := tx.Closing(first.Day[:4] + first.Day[5:7] + first.Day[8:])
			return err
		})
		if err != nil {
			t.Errorf("the frozen closing is not stored: %v", err)
		}
	})
	t.Run("no operator", func(t *testing.T) {
		if _, err := m.rep.Close(next.AddDate(0, 0, 3), appliance.Actor{}); appliance.ErrorCode(err) != appliance.EINVALID {
			t.Errorf("Close() without an operator: %v, want EINVALID", err)
		}
	})
}

// sameJSON compares two closings as they are stored (a time zone's name
// does not survive JSON, its offset does).
func sameJSON(t *testing.T, a, b *Closing) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}
