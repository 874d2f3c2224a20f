package main

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"shouhou/appliance"
	"shouhou/drivers/reader/vpcdtest"
	"shouhou/ui"
)

// swipeLog passes on the "card swiped" records of the appliance's log
// (main_reader.go readerEvent): how long after pcscd's report the reader
// event reached the appliance.
type swipeLog struct {
	sinceSeen chan time.Duration
}

func (h swipeLog) Enabled(context.Context, slog.Level) bool { return true }
func (h swipeLog) WithAttrs([]slog.Attr) slog.Handler       { return h }
func (h swipeLog) WithGroup(string) slog.Handler            { return h }
func (h swipeLog) Handle(_ context.Context, r slog.Record) error {
	if r.Message != "card swiped" {
		return nil
	}
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "since_seen" {
			select {
			case h.sinceSeen <- a.Value.Duration():
			default:
			}
		}
		return true
	})
	return nil
}

// swipeStages are the moments of one swipe, in Unix milliseconds: on the
// server's clock up to published, on the browser's (the same machine's)
// after.
type swipeStages struct {
	Seen      float64 `json:"seen"`     // pcscd reported the card (reader.Event.Time)
	Event     float64 `json:"-"`        // the reader event (UID read) reached the appliance
	Published float64 `json:"-"`        // card.presented was published on the bus
	Got       float64 `json:"got"`      // the page's card.presented handler began
	Rendered  float64 `json:"rendered"` // the handler's render() returned
	Painted   float64 `json:"painted"`  // the first frame after render was drawn
	Painted2  float64 `json:"painted2"` // two animation frames after render
	Details   float64 `json:"details"`  // card.panel (purchases, tickets) was rendered
}

// BenchmarkSwipeToPanel measures a card laid on the real reader stack
// (vpcd + pcscd) until the customer panel is painted in the kiosk, stage
// by stage: pcscd's report (reader.Event.Time), the reader event at the
// appliance (the UID read over vpcd), card.presented on the bus, the
// page's handler, its render, the first frame drawn after it (the
// kiosk's window.swipes, ui/static/kiosk.js), two frames after render, as
// this benchmark measured before issue 18, and the whole panel (card.panel:
// purchases, tickets) rendered. The end-to-end
// figure from the card's connection to vpcd includes pcscd's 400 ms
// polling of vpcd. Record with -benchtime 100x; -v logs every swipe.
func BenchmarkSwipeToPanel(b *testing.B) {
	vpcdtest.Start(b)
	ctx := browser(b)
	logs := swipeLog{sinceSeen: make(chan time.Duration, 4)}
	m := runMainLogged(b, slog.New(logs), deskConf(b), filepath.Join(b.TempDir(), "data"), "127.0.0.1:0")
	defer m.Close()
	sub := m.bus.Subscribe(64)
	defer sub.Close()
	kiosk := newTab(b, ctx, "kiosk", "http://"+m.Addr()+"/kiosk?desk=desk1")
	kiosk.run("welcome", chromedp.WaitVisible(chromedp.CSS("#pinpad")))
	var swipes []swipeStages
	var total []float64
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		card := swipe(b, "04DE3001")
		kiosk.waitJS("painted", fmt.Sprintf("(window.swipes || []).length === %d && window.swipes.at(-1).painted2 > 0 && window.swipes.at(-1).details > 0", i+1))
		ctx, cancel := context.WithTimeout(kiosk.ctx, 10*time.Second)
		s, err := chromedp.Run(ctx, chromedp.Evaluate[swipeStages]("window.swipes.at(-1)"))
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		s.Published = publishedAt(b, sub, ui.EventCardPresented)
		select {
		case d := <-logs.sinceSeen:
			s.Event = s.Seen + float64(d.Microseconds())/1000
		case <-time.After(10 * time.Second):
			b.Fatal("no card swiped record in the log")
		}
		swipes = append(swipes, s)
		total = append(total, s.Painted-float64(start.UnixMilli()))
		card.Remove()
		kiosk.run("card taken off", chromedp.WaitVisible(chromedp.CSS("#pinpad")))
	}
	b.StopTimer()
	reportSwipes(b, swipes, total)
}

// publishedAt returns when the next event of kind was published on the
// bus, in Unix milliseconds.
func publishedAt(tb testing.TB, sub *appliance.Subscription, kind string) float64 {
	tb.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case ev := <-sub.C():
			if ev.Kind == kind {
				return float64(ev.Time.UnixMicro()) / 1000
			}
		case <-timeout:
			tb.Fatalf("no %s on the bus", kind)
		}
	}
}

// reportSwipes reports p50, p95 and p99 of each stage and logs the table.
func reportSwipes(b *testing.B, swipes []swipeStages, total []float64) {
	stages := []struct {
		name string
		d    func(s swipeStages) float64
	}{
		{"read", func(s swipeStages) float64 { return s.Event - s.Seen }},
		{"server", func(s swipeStages) float64 { return s.Published - s.Event }},
		{"wire", func(s swipeStages) float64 { return s.Got - s.Published }},
		{"render", func(s swipeStages) float64 { return s.Rendered - s.Got }},
		{"paint", func(s swipeStages) float64 { return s.Painted - s.Rendered }},
		{"after-pcscd", func(s swipeStages) float64 { return s.Painted - s.Seen }},
		{"after-pcscd-2frames", func(s swipeStages) float64 { return s.Painted2 - s.Seen }},
		{"whole-panel", func(s swipeStages) float64 { return s.Details - s.Seen }},
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%d swipes, load average (1, 5, 15 min) %s at the end\n%-20s %8s %8s %8s\n", len(swipes), loadAverage(), "ms", "p50", "p95", "p99")
	for _, st := range stages {
		var v []float64
		for _, s := range swipes {
			v = append(v, st.d(s))
		}
		p50, p95, p99 := percentile(v, 50), percentile(v, 95), percentile(v, 99)
		fmt.Fprintf(&table, "%-20s %8.1f %8.1f %8.1f\n", st.name, p50, p95, p99)
		b.ReportMetric(p50, st.name+"-p50-ms")
		b.ReportMetric(p99, st.name+"-p99-ms")
	}
	fmt.Fprintf(&table, "%-20s %8.1f %8.1f %8.1f\n", "end-to-end", percentile(total, 50), percentile(total, 95), percentile(total, 99))
	if testing.Verbose() {
		for i, s := range swipes {
			fmt.Fprintf(&table, "swipe %3d: read %5.1f server %5.1f wire %5.1f render %5.1f paint %5.1f = %5.1f (2 frames %5.1f)\n", i,
				s.Event-s.Seen, s.Published-s.Event, s.Got-s.Published, s.Rendered-s.Got, s.Painted-s.Rendered, s.Painted-s.Seen, s.Painted2-s.Seen)
		}
	}
	b.Log("\n" + table.String())
}

// percentile is the nearest-rank p-th percentile of v (sorted in place).
func percentile(v []float64, p float64) float64 {
	slices.Sort(v)
	i := int(math.Ceil(p/100*float64(len(v)))) - 1
	return v[max(0, min(i, len(v)-1))]
}

// loadAverage is the machine's 1-, 5- and 15-minute load averages.
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}
