package ui

import (
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"
)

// BenchmarkBroadcast200 measures the fan-out of one bus event to 200
// logged-in websocket sessions: publish → frame decoded by each client.
// It reports the p50 and p99 of the per-session latency.
func BenchmarkBroadcast200(b *testing.B) {
	rig := MustRig(b, nil)
	cookie := rig.MustLogin(b, rig.dial(b, "", ""), "clerk", "1111")
	const n = 200
	var (
		mu   sync.Mutex
		lats []time.Duration
		wg   sync.WaitGroup
	)
	clients := make([]*client, n)
	for i := range clients {
		clients[i] = rig.dial(b, "", cookie)
		clients[i].call("subscribe", map[string]any{"events": []string{"bench."}})
	}
	b.ResetTimer()
	for range b.N {
		wg.Add(n)
		for _, c := range clients {
			go func() {
				defer wg.Done()
				var d struct{ Sent int64 }
				json.Unmarshal(c.event("bench.tick"), &d)
				lat := time.Since(time.Unix(0, d.Sent))
				mu.Lock()
				lats = append(lats, lat)
				mu.Unlock()
			}()
		}
		rig.bus.Publish("bench.tick", "", map[string]int64{"sent": time.Now().UnixNano()})
		wg.Wait()
	}
	b.StopTimer()
	slices.Sort(lats)
	b.ReportMetric(float64(lats[len(lats)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lats[len(lats)*99/100].Microseconds())/1000, "p99-ms")
}
