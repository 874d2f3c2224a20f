package reports

import (
	"fmt"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/appliance/store/benchcache"
)

// benchStoreGen is the version of benchStore's generator (benchTicket):
// raise it when either changes, so no cached store of the old shape is
// used (package benchcache).
const benchStoreGen = 1

// benchStore writes n tickets spread evenly over the 730 days before
// 2026-12-01 (1,000,000 tickets is about 1,370 a day, a month about
// 41,000), every kind, all but 1% closed two to five days after intake with a
// history, a fee, a survey; a card with a short ledger per 100 tickets is
// not needed for the ticket walk and is left out. The store is built once
// into the benchmark cache and copied from there (package benchcache).
func benchStore(b *testing.B, n int) *Reports {
	b.Helper()
	c := &clock{t: time.Date(2026, 12, 1, 8, 0, 0, 0, cst)}
	dir := benchcache.Store(b, "reports", n, benchStoreGen, func(tb testing.TB, dir string, n int) {
		db, svc := openStore(tb, dir, c)
		defer func() { svc.Close(); db.Close() }()
		start := time.Date(2024, 12, 1, 0, 0, 0, 0, cst)
		const batch = 500
		for i := 0; i < n; i += batch {
			err := db.Update(func(tx *store.Txn) error {
				for j := i; j < min(i+batch, n); j++ {
					if err := tx.PutTicket(benchTicket(start, j, n)); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				tb.Fatal(err)
			}
		}
	})
	db, svc := openStore(b, dir, c)
	b.Cleanup(func() { svc.Close(); db.Close() })
	return New(db, Options{Location: cst, Now: c.now})
}

// benchTicket is ticket j of n: day j*730/n after start, numbered in its
// day from the first ticket of the day on.
func benchTicket(start time.Time, j, n int) *appliance.Ticket {
	d := j * 730 / n
	nth := j - (d*n+729)/730 // the day's first ticket is the first j with j*730/n == d
	day := start.AddDate(0, 0, d)
	created := day.Add(9*time.Hour + time.Duration(nth)*20*time.Second)
	k := appliance.TicketKinds[j%len(appliance.TicketKinds)]
	t := &appliance.Ticket{Number: fmt.Sprintf("T%s-%04d", day.Format("20060102"), nth+1), Kind: k, Status: appliance.StatusOpen,
		CustomerID: fmt.Sprintf("c%d", j%50000), PurchaseID: fmt.Sprintf("p%d", j%200000), Created: created, Updated: created,
		Due: created.Add(72 * time.Hour), Fault: "开机无反应", Technician: fmt.Sprintf("tech%d", j%8)}
	if j%100 == 99 {
		return t // still open
	}
	done := created.Add(time.Duration(48+j%4*24) * time.Hour)
	t.Status, t.Updated = appliance.StatusClosed, done
	t.History = []appliance.Transition{
		{From: appliance.StatusOpen, To: appliance.StatusInRepair, Operator: t.Technician, Time: created.Add(time.Hour)},
		{From: appliance.StatusInRepair, To: appliance.StatusReady, Operator: t.Technician, Time: done.Add(-2 * time.Hour)},
		{From: appliance.StatusReady, To: appliance.StatusClosed, Operator: "clerk1", Time: done},
	}
	t.Result, t.PaidFen, t.Payment, t.Paid = appliance.ResultRepaired, int64(1000+j%9*500), "cash", done
	t.Survey = &appliance.Survey{Attitude: j%4 + 1, Skill: (j/4)%4 + 1, Timeliness: 4, FollowUp: 3, Time: done}
	if k == appliance.KindComplaint {
		t.Replied, t.Request = done, "态度"
	}
	return t
}

func benchReports(b *testing.B, n int) {
	rep := benchStore(b, n)
	from := time.Date(2026, 11, 1, 0, 0, 0, 0, cst)
	to := time.Date(2026, 11, 30, 0, 0, 0, 0, cst)
	b.Run("kpi-month", func(b *testing.B) {
		for b.Loop() {
			k, err := rep.KPIs(from, to)
			if err != nil || k.Tickets == 0 {
				b.Fatal(k, err)
			}
		}
	})
	b.Run("closing-day", func(b *testing.B) {
		for b.Loop() {
			c, err := rep.Closing(to)
			if err != nil || c.Opened == 0 {
				b.Fatal(c, err)
			}
		}
	})
	// The same two reports from whole tickets, as before the report
	// records (oldpath_test.go), for a comparison under the same load.
	b.Run("kpi-month-whole-tickets", func(b *testing.B) {
		for b.Loop() {
			if k, err := oldKPIs(rep, from, to); err != nil || k.Tickets == 0 {
				b.Fatal(k, err)
			}
		}
	})
	b.Run("closing-day-whole-tickets", func(b *testing.B) {
		for b.Loop() {
			var c *Closing
			err := rep.db.View(func(tx *store.Txn) (err error) {
				c, err = oldClosingTx(rep, tx, to)
				return err
			})
			if err != nil || c.Opened == 0 {
				b.Fatal(c, err)
			}
		}
	})
	b.Run("complaints-week", func(b *testing.B) {
		for b.Loop() {
			if _, err := rep.Complaints(to.AddDate(0, 0, -6), to); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReports10k: the month's KPIs, a day's closing and a week's
// complaints over 10,000 tickets.
func BenchmarkReports10k(b *testing.B) { benchReports(b, 10_000) }

// BenchmarkReports100k: the month's KPIs, a day's closing and a week's
// complaints over 100,000 tickets.
func BenchmarkReports100k(b *testing.B) { benchReports(b, 100_000) }

// BenchmarkReports1M is the size; loading it takes minutes, so it
// runs with `make bench` only.
func BenchmarkReports1M(b *testing.B) { benchReports(b, 1_000_000) }
