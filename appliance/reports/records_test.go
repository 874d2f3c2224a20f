package reports

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"reflect"
	"sort"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// variedTicket is ticket i of those taken in on day (its n-th): a random
// kind, status and history, with or without a purchase (from a small pool,
// so that repairs repeat), a due time, a reply, a survey, a settlement and
// a fee paid in cash or by card, its last change after all of them.
func variedTicket(rng *rand.Rand, day time.Time, n int) *appliance.Ticket {
	created := day.Add(8*time.Hour + time.Duration(rng.IntN(12*3600))*time.Second + time.Duration(rng.IntN(1e9)))
	t := &appliance.Ticket{Number: fmt.Sprintf("T%s-%04d", day.Format("20060102"), n), Kind: appliance.TicketKinds[rng.IntN(len(appliance.TicketKinds))],
		Status: appliance.StatusOpen, Created: created, Updated: created}
	if rng.IntN(3) > 0 {
		t.PurchaseID = fmt.Sprintf("p%d", rng.IntN(150))
	}
	if rng.IntN(8) > 0 {
		t.Due = created.Add(time.Duration(1+rng.IntN(7*24)) * time.Hour)
	}
	at := created
	later := func(max time.Duration) time.Time {
		at = at.Add(time.Duration(1 + rng.Int64N(int64(max))))
		return at
	}
	move := func(to appliance.TicketStatus, max time.Duration) {
		t.History = append(t.History, appliance.Transition{From: t.Status, To: to, Operator: "tech1", Time: later(max)})
		t.Status = to
	}
	switch rng.IntN(10) {
	case 0: // still open
	case 1:
		move(appliance.StatusInRepair, 48*time.Hour)
	case 2:
		move(appliance.StatusInRepair, 48*time.Hour)
		move(appliance.StatusReady, 96*time.Hour)
	case 3: // cancelled before it was resolved
		move(appliance.StatusCancelled, 120*time.Hour)
	case 4: // cancelled after it was ready
		move(appliance.StatusReady, 96*time.Hour)
		move(appliance.StatusCancelled, 120*time.Hour)
	case 5: // closed, the history silent: its last change says when
		t.Status = appliance.StatusClosed
		later(150 * time.Hour)
	case 6: // cancelled, the history silent
		t.Status = appliance.StatusCancelled
		later(150 * time.Hour)
	case 7:
		move(appliance.StatusApproval, 24*time.Hour)
	default:
		move(appliance.StatusInRepair, 24*time.Hour)
		move(appliance.StatusReady, 96*time.Hour)
		move(appliance.StatusClosed, 72*time.Hour)
	}
	if t.Status == appliance.StatusClosed || t.Status == appliance.StatusReady {
		t.Result = []string{"", appliance.ResultRepaired, appliance.ResultRepaired, appliance.ResultUnrepairable, appliance.ResultDeclined}[rng.IntN(5)]
		t.Outcome = []string{"", "exchange", "return"}[rng.IntN(3)]
	}
	if t.Kind == appliance.KindComplaint && rng.IntN(3) > 0 {
		t.Replied = later(72 * time.Hour)
	}
	if rng.IntN(4) == 0 {
		t.Settlement = &appliance.Settlement{RefundFen: int64(rng.IntN(3) * 1500), Time: later(24 * time.Hour)}
	}
	if rng.IntN(3) == 0 {
		t.PaidFen, t.Payment, t.Paid = int64(rng.IntN(4)*800), []string{"cash", "card", ""}[rng.IntN(3)], later(24*time.Hour)
	}
	if rng.IntN(3) == 0 {
		t.Survey = &appliance.Survey{Attitude: 1 + rng.IntN(4), Skill: 1 + rng.IntN(4), Timeliness: 1 + rng.IntN(4),
			FollowUp: 1 + rng.IntN(4), Time: later(96 * time.Hour)}
	}
	t.Updated = later(48 * time.Hour)
	return t
}

// variedStore writes about 40 varied tickets a day from 2026-08-01 to
// 2026-12-10 (some 5,000) and returns the reports over them.
func variedStore(t *testing.T) *Reports {
	c := &clock{t: time.Date(2026, 12, 10, 20, 0, 0, 0, cst)}
	db, svc := openStore(t, t.TempDir(), c)
	t.Cleanup(func() { svc.Close(); db.Close() })
	rng := rand.New(rand.NewPCG(14, 2026))
	for day := time.Date(2026, 8, 1, 0, 0, 0, 0, cst); day.Before(c.t); day = day.AddDate(0, 0, 1) {
		err := db.Update(func(tx *store.Txn) error {
			for n := 1; n <= 20+rng.IntN(40); n++ {
				if err := tx.PutTicket(variedTicket(rng, day, n)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return New(db, Options{Location: cst, Now: c.now})
}

// kpiPeriods are the periods the equivalence tests compare the KPIs of.
var kpiPeriods = []struct{ name, from, to string }{
	{"a month", "2026-11-01", "2026-11-30"},
	{"the month before", "2026-10-01", "2026-10-31"},
	{"the first month", "2026-08-01", "2026-08-31"},
	{"a week", "2026-11-23", "2026-11-29"},
	{"a day", "2026-09-15", "2026-09-15"},
	{"a quarter", "2026-09-01", "2026-11-30"},
	{"up to today", "2026-12-01", "2026-12-10"},
	{"before the first ticket", "2026-06-01", "2026-06-30"},
}

// sameReports checks that the record path gives what the whole-ticket
// path gives: the KPIs of kpiPeriods and the closing of every day from
// first to last. It returns how many tickets and closed tickets it saw,
// so that a caller can tell that something was compared.
func sameReports(t *testing.T, r *Reports, first, last string) (tickets, closed int) {
	t.Helper()
	day := func(s string) time.Time {
		d, err := r.ParseDay(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, p := range kpiPeriods {
		want, err := oldKPIs(r, day(p.from), day(p.to))
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.KPIs(day(p.from), day(p.to))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: KPIs(%s, %s) = %s\nfrom whole tickets %s", p.name, p.from, p.to, jsonText(t, got), jsonText(t, want))
		}
		tickets += got.Tickets
	}
	for d := day(first); !d.After(day(last)); d = d.AddDate(0, 0, 1) {
		var got, want *Closing
		err := r.db.View(func(tx *store.Txn) (err error) {
			if want, err = oldClosingTx(r, tx, d); err != nil {
				return err
			}
			got, err = r.closingTx(tx, d)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Closing(%s) = %s\nfrom whole tickets %s", r.dayKey(d), jsonText(t, got), jsonText(t, want))
		}
		closed += got.Closed
	}
	return tickets, closed
}

func jsonText(tb testing.TB, v any) string {
	tb.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// TestRecordsMatchWholeTickets checks on a generated store that the KPIs
// and the closings read from the report records equal those computed from
// the whole tickets (issue 14).
func TestRecordsMatchWholeTickets(t *testing.T) {
	r := variedStore(t)
	tickets, closed := sameReports(t, r, "2026-07-30", "2026-12-12")
	if tickets < 1000 || closed < 1000 {
		t.Errorf("the comparison saw %d tickets in the KPIs and %d closed in the closings: the generated store is too thin", tickets, closed)
	}
}

// TestRecordsMatchOnTheMonth is the same on the month of money the other
// report tests use (cards, refunds, a cash-out).
func TestRecordsMatchOnTheMonth(t *testing.T) {
	m := MustMonth(t)
	if _, closed := sameReports(t, m.rep, "2026-10-30", "2026-12-02"); closed == 0 {
		t.Error("no ticket closed in the month's closings")
	}
}

// TestFormat3FixtureReports opens a copy of the demo data written by the
// format-3 release (build/testdata/schema3): read-only, where the records
// are made from the tickets, then read-write, which migrates it and fills
// the records in; both must report what the whole tickets give.
func TestFormat3FixtureReports(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	src := filepath.Join("..", "..", "build", "testdata", "schema3", "data")
	if out, err := exec.Command("cp", "-r", src, dir).CombinedOutput(); err != nil {
		t.Fatalf("cp %s: %v\n%s", src, err, out)
	}
	var days []string // every day a ticket was taken in or last changed
	for _, readOnly := range []bool{true, false} {
		t.Run(fmt.Sprintf("read-only %v", readOnly), func(t *testing.T) {
			db, err := store.Open(dir, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), ReadOnly: readOnly})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			if days == nil {
				days = fixtureDays(t, db)
			}
			r := New(db, Options{Location: cst})
			if tickets, _ := sameReports(t, r, days[0], days[len(days)-1]); tickets == 0 {
				t.Error("no ticket of the fixture counted in the KPIs")
			}
			if rep, err := db.Verify(); err != nil || !rep.OK() {
				t.Errorf("Verify = %v, %v", rep, err)
			}
		})
	}
}

// fixtureDays returns, in order, the days the fixture's tickets were taken
// in or last changed, from a week before the first.
func fixtureDays(t *testing.T, db *store.DB) []string {
	seen := map[string]bool{}
	err := db.View(func(tx *store.Txn) error {
		return tx.EachTicket("", func(tk *appliance.Ticket) error {
			seen[tk.Created.In(cst).Format(DayFormat)] = true
			seen[tk.Updated.In(cst).Format(DayFormat)] = true
			return nil
		})
	})
	if err != nil || len(seen) == 0 {
		t.Fatalf("the fixture's tickets: %d days, %v", len(seen), err)
	}
	days := sortedKeys(seen)
	first, _ := time.ParseInLocation(DayFormat, days[0], cst)
	days = append(days, first.AddDate(0, 0, -7).Format(DayFormat))
	sort.Strings(days)
	return days
}
