package printer

import (
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/drivers/printer/escpostest"
	"shouhou/forms"
)

// BenchmarkQueue measures jobs through the queue: a durable Enqueue (one
// fsync'd transaction), the worker's claim and done marks (two more), and
// the send to a loopback TCP printer with its DLE EOT round trips before
// and after; the slip is the two-part intake sample (80 mm). "enqueue
// only" is the first transaction alone; "one at a time" waits for each
// job's done event before queuing the next; "burst" queues b.N jobs and
// waits for the last.
func BenchmarkQueue(b *testing.B) {
	doc := SampleIntake(forms.Columns80)
	setup := func(b *testing.B) (*Queue, *appliance.Subscription) {
		srv := escpostest.NewServer(b, escpostest.Ready, escpostest.Answering)
		srv.Discard()
		bus := appliance.NewBus(nil)
		sub := bus.Subscribe(1 << 16)
		db := mustStore(b, b.TempDir())
		q := mustQueue(b, db, fastQueue(bus), target("p1", srv.Addr, 80))
		return q, sub
	}
	waitDone := func(b *testing.B, sub *appliance.Subscription, id string) {
		for ev := range sub.C() {
			if u, ok := ev.Data.(JobUpdate); ok && u.Action == ActionDone && u.Job.ID == id {
				return
			}
		}
		b.Fatal("bus closed")
	}
	b.Run("enqueue only", func(b *testing.B) { // one transaction; the printer is out of paper
		srv := escpostest.NewServer(b, escpostest.PaperOut, escpostest.Answering)
		q := mustQueue(b, mustStore(b, b.TempDir()), fastQueue(nil), target("p1", srv.Addr, 80))
		start := time.Now()
		for b.Loop() {
			if _, err := q.Enqueue(b.Context(), "bench", "intake", doc, "p1", 1); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "jobs/s")
	})
	b.Run("one at a time", func(b *testing.B) {
		q, sub := setup(b)
		start := time.Now()
		for b.Loop() {
			id, err := q.Enqueue(b.Context(), "bench", "intake", doc, "p1", 1)
			if err != nil {
				b.Fatal(err)
			}
			waitDone(b, sub, id)
		}
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "jobs/s")
	})
	b.Run("burst", func(b *testing.B) {
		q, sub := setup(b)
		start := time.Now()
		var last string
		for b.Loop() {
			id, err := q.Enqueue(b.Context(), "bench", "intake", doc, "p1", 1)
			if err != nil {
				b.Fatal(err)
			}
			last = id
		}
		waitDone(b, sub, last)
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "jobs/s")
	})
}
