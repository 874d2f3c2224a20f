package store

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"shouhou/appliance"
)

// utcReport is r with every time in UTC, so that two records that say the
// same compare equal with ==.
func utcReport(r *TicketReport) TicketReport {
	c := *r
	for _, t := range []*time.Time{&c.Created, &c.Updated, &c.Due, &c.Resolved, &c.Closed, &c.Cancelled, &c.Surveyed, &c.Settled, &c.Paid} {
		*t = t.UTC()
	}
	return c
}

func reportTestTickets() map[string]*appliance.Ticket {
	cst := time.FixedZone("CST", 8*3600)
	created := time.Date(2026, 11, 2, 9, 30, 15, 123456789, cst)
	return map[string]*appliance.Ticket{
		"empty": {Number: "T20261102-0001"},
		"open with a due time": {Number: "T20261102-0002", Kind: appliance.KindRepair, Status: appliance.StatusOpen,
			PurchaseID: "p1", Created: created, Updated: created, Due: created.Add(72 * time.Hour)},
		"closed, paid by card, surveyed, settled": {Number: "T20261102-0003", Kind: appliance.KindReturn, Status: appliance.StatusClosed,
			Created: created, Updated: created.Add(50 * time.Hour), Due: created.Add(-time.Hour), Result: appliance.ResultRepaired,
			Outcome: "exchange", Payment: "card", PaidFen: 4500, Paid: created.Add(49 * time.Hour),
			Survey:     &appliance.Survey{Attitude: 4, Skill: 3, Timeliness: 2, FollowUp: 1, Time: created.Add(80 * time.Hour)},
			Settlement: &appliance.Settlement{RefundFen: 12_345_678_901, Time: created.Add(30 * time.Minute)},
			History: []appliance.Transition{{To: appliance.StatusReady, Time: created.Add(48 * time.Hour)},
				{To: appliance.StatusClosed, Time: created.Add(50 * time.Hour)}}},
		"cancelled, history says nothing": {Number: "T20261102-0004", Kind: appliance.KindComplaint, Status: appliance.StatusCancelled,
			Created: created, Updated: created.Add(time.Nanosecond), Replied: created.Add(-24 * time.Hour)},
		"times before the intake and far apart": {Number: "T20261102-0005", Kind: appliance.KindOnSite, Status: appliance.StatusReady,
			Created: created, Updated: created.AddDate(-30, 0, 0), Due: created.AddDate(200, 0, 0),
			History: []appliance.Transition{{To: appliance.StatusReady, Time: time.Unix(0, 0)}}},
	}
}

func TestReportRecordRoundTrip(t *testing.T) {
	for name, tk := range reportTestTickets() {
		t.Run(name, func(t *testing.T) {
			want := ReportOf(tk)
			got := &TicketReport{Number: "left over", PurchaseID: "from before", RefundFen: 9}
			if err := decodeReport(got, tk.Number, encodeReport(want)); err != nil {
				t.Fatal(err)
			}
			if utcReport(got) != utcReport(want) {
				t.Errorf("decodeReport(encodeReport(r)) = %+v, want %+v", *got, *want)
			}
		})
	}
}

func TestDecodeReportRefusesBadValues(t *testing.T) {
	good := encodeReport(ReportOf(reportTestTickets()["closed, paid by card, surveyed, settled"]))
	for _, tt := range []struct {
		name, want string
		v          []byte
	}{
		{"empty", "unknown encoding", nil},
		{"a newer encoding", "unknown encoding", append([]byte{reportCodec + 1}, good[1:]...)},
		{"truncated", "truncated", good[:len(good)-3]},
		{"a string longer than the value", "truncated", []byte{reportCodec, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 'x'}},
		{"trailing bytes", "trailing bytes", append(append([]byte{}, good...), 0)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var r TicketReport
			if err := decodeReport(&r, "T1", tt.v); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("decodeReport(%q) = %+v, %v; want an error saying %q", tt.v, r, err, tt.want)
			}
		})
	}
}

// TestEachTicketReport checks that the records found are those of the
// tickets EachTicketTouched passes on, as the tickets stand after their
// last change, whatever the format of the data.
func TestEachTicketReport(t *testing.T) {
	db := MustOpen(t)
	since := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	mustUpdate(t, db, func(tx *Txn) error {
		for i := 99; i >= 0; i-- { // stored out of number order
			at := since.Add(time.Duration(i-50) * 7 * time.Hour)
			tk := &appliance.Ticket{Number: fmt.Sprintf("T20261101-%04d", i), Kind: appliance.KindRepair, Status: appliance.StatusOpen,
				Created: at.Add(-time.Hour), Updated: at, Due: at.Add(time.Duration(i%3-1) * 24 * time.Hour)}
			if err := tx.PutTicket(tk); err != nil {
				return err
			}
			if i%4 == 0 { // a change that keeps the stamp but not the record
				tk.Status, tk.PaidFen, tk.Payment, tk.Paid = appliance.StatusClosed, 800, "cash", at
				tk.History = []appliance.Transition{{To: appliance.StatusClosed, Time: at}}
				if err := tx.PutTicket(tk); err != nil {
					return err
				}
			}
		}
		return nil
	})
	mustVerify(t, db)
	for _, format := range []int{SchemaVersion, 3} {
		db.format = format
		var want, got []TicketReport
		err := db.View(func(tx *Txn) error {
			err := tx.EachTicketTouched(since, "T20261101-0010", "T20261101-0090", func(tk *appliance.Ticket) error {
				want = append(want, utcReport(ReportOf(tk)))
				return nil
			})
			if err != nil {
				return err
			}
			return tx.EachTicketReport(since, "T20261101-0010", "T20261101-0090", func(r *TicketReport) error {
				got = append(got, utcReport(r))
				return nil
			})
		})
		if err != nil {
			t.Fatal(err)
		}
		sort.Slice(got, func(i, j int) bool { return got[i].Number < got[j].Number })
		if len(want) < 20 || len(got) != len(want) {
			t.Fatalf("format %d: EachTicketReport found %d records, EachTicketTouched %d tickets", format, len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("format %d: record %d = %+v, want %+v", format, i, got[i], want[i])
			}
		}
	}
	db.format = SchemaVersion
}

// FuzzDecodeReport feeds decodeReport damaged values: it must return an
// error or a record, never panic, and a record it returns must survive
// another encoding unchanged.
func FuzzDecodeReport(f *testing.F) {
	for _, tk := range reportTestTickets() {
		f.Add(encodeReport(ReportOf(tk)))
	}
	f.Fuzz(func(t *testing.T, v []byte) {
		var r, again TicketReport
		if decodeReport(&r, "T1", v) != nil {
			return
		}
		if r.Created.Year() < 1 || r.Created.Year() > 9999 {
			return // outside what a store holds; Unix seconds may not come back
		}
		if err := decodeReport(&again, "T1", encodeReport(&r)); err != nil {
			t.Fatalf("a decoded record does not decode again: %v", err)
		}
	})
}
