package reader_test

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"shouhou/drivers/reader"
	"shouhou/drivers/reader/vpcdtest"
)

// BenchmarkSwipeLatency lays a card on the vpcd reader b.N times and
// measures from the card's connection to the present event at the
// subscriber, split at the moment pcscd reported the card (Event.Time):
// before it is pcscd polling vpcd (every 400 ms), after it the driver's own
// work (connect, GET DATA, delivery). Record with -benchtime 200x. The
// vpcd test card acknowledges at once (vpcdtest quickACK): without that,
// vpcd's split frames meet delayed ACKs and add about 40 ms per APDU.
func BenchmarkSwipeLatency(b *testing.B) {
	vpcdtest.Start(b)
	s := MustWatch(b)
	s.ready(b)
	name := vpcdtest.ReaderName(0)
	var total, pcscd, driver []time.Duration
	b.ResetTimer()
	for i := range b.N {
		uid := []byte{0x04, byte(i >> 16), byte(i >> 8), byte(i)}
		// Lay the card at a random phase of pcscd's 400 ms poll, as a
		// person would; back to back the swipes lock onto the poll.
		b.StopTimer()
		time.Sleep(rand.N(400 * time.Millisecond))
		b.StartTimer()
		t0 := time.Now()
		card, err := vpcdtest.Dial(vpcdtest.Addr(0), vpcdtest.ATR14443, vpcdtest.UIDScript(uid))
		if err != nil {
			b.Fatal(err)
		}
		e := s.card(b, name)
		t1 := time.Now()
		if e.Kind != reader.KindPresent {
			b.Fatalf("swipe %d: %+v, want present", i, e)
		}
		total = append(total, t1.Sub(t0))
		pcscd = append(pcscd, e.Time.Sub(t0))
		driver = append(driver, t1.Sub(e.Time))
		card.Remove()
		if e := s.card(b, name); e.Kind != reader.KindRemoved {
			b.Fatalf("swipe %d: %+v, want removed", i, e)
		}
	}
	b.StopTimer()
	for _, m := range []struct {
		name string
		d    []time.Duration
	}{{"total", total}, {"pcscd", pcscd}, {"driver", driver}} {
		p50, p99 := percentiles(m.d)
		b.ReportMetric(float64(p50.Microseconds())/1000, m.name+"-p50-ms")
		b.ReportMetric(float64(p99.Microseconds())/1000, m.name+"-p99-ms")
	}
}

// percentiles returns the 50th and 99th percentiles of d.
func percentiles(d []time.Duration) (p50, p99 time.Duration) {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)*50/100], s[min(len(s)-1, len(s)*99/100)]
}
