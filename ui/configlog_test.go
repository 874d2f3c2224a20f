package ui

import (
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"shouhou/conf"
)

// The config tab's history: the first config is recorded as the first,
// a reload that changes the parcel fee lists that one setting old → new,
// and a reload of the same config adds nothing.
func TestConfigHistory(t *testing.T) {
	dir := t.TempDir()
	first, err := conf.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	var cur atomic.Pointer[conf.Snapshot]
	cur.Store(first)
	r := MustRig(t, func(o *Options) { o.Config = cur.Load })
	c := r.dial(t, "", "")
	r.MustLogin(t, c, "boss", "3333")
	history := func(want int) []configChange {
		t.Helper()
		deadline := time.Now().Add(5 * time.Second)
		for {
			var st configStatus
			mustOK(t, c, "config.status", nil, &st)
			if len(st.History) == want || time.Now().After(deadline) {
				if len(st.History) != want {
					t.Fatalf("config.status history = %+v, want %d entries", st.History, want)
				}
				return st.History
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if h := history(1); !h[0].First || h[0].Version != first.Version {
		t.Errorf("first history entry = %+v, want the first config %s", h[0], first.Version)
	}
	fees, err := os.ReadFile(filepath.Join("..", "conf", "defaults", "fees.toml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "fees.toml"), []byte(strings.Replace(string(fees), `parcel = "12.00"`, `parcel = "15.00"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	second, err := conf.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	cur.Store(second)
	r.bus.Publish("config.reloaded", "", nil)
	h := history(2)
	if len(h[0].Changes) != 1 || h[0].Changes[0].Key != "shipping.parcel" || h[0].Changes[0].Old != `"12.00"` || h[0].Changes[0].New != `"15.00"` {
		t.Errorf("newest history entry = %+v, want shipping.parcel \"12.00\" → \"15.00\"", h[0])
	}
	r.bus.Publish("config.reloaded", "", nil) // the same config again
	time.Sleep(200 * time.Millisecond)
	history(2)
}
