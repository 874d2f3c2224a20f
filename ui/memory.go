package ui

import (
	"fmt"
	"runtime/debug"
	"runtime/metrics"
	"sync/atomic"

	"shouhou/appliance"
)

// heavyShare is the part of the memory budget the live heap may fill
// for heavy work to be admitted: above it a report or a free-text search
// over years of tickets would push the collector into running without
// pause (the Go memory limit is the budget itself), and past the budget
// the process towards the unit's MemoryMax.
const heavyShare = 0.7

// MemoryBudget is the appliance's memory budget (store.toml
// memory_budget_mib): it sets the Go memory limit, and admits heavy,
// deferrable work (Admit) only while the live heap leaves room, so that
// the box refuses a report with a clear message rather than being killed
// for memory in the middle of the desk's day. A nil *MemoryBudget admits
// everything. It is safe for concurrent use.
type MemoryBudget struct {
	limit atomic.Int64 // bytes; 0: none
	// goLimit says whether Set also sets the Go memory limit (not when
	// the operator gave GOMEMLIMIT).
	goLimit bool
	// live reads the heap's live bytes as of the last collection; tests
	// replace it.
	live func() uint64
}

// NewMemoryBudget returns a budget of limit bytes (0: none, everything
// admitted). With goLimit it sets the Go memory limit to it, now and on
// every Set.
func NewMemoryBudget(limit int64, goLimit bool) *MemoryBudget {
	b := &MemoryBudget{goLimit: goLimit, live: liveHeap}
	b.Set(limit)
	return b
}

// Set changes the budget to limit bytes (a config reload), and the Go
// memory limit with it when the budget was made so.
func (b *MemoryBudget) Set(limit int64) {
	if b == nil {
		return
	}
	b.limit.Store(limit)
	if limit > 0 && b.goLimit {
		debug.SetMemoryLimit(limit)
	}
}

// Limit is the budget in bytes (0: none).
func (b *MemoryBudget) Limit() int64 {
	if b == nil {
		return 0
	}
	return b.limit.Load()
}

// Admit answers whether heavy work (a report, a free-text search), named
// in Chinese and English, may start now: nil, or an EUNAVAILABLE error
// saying that memory is short and to try again shortly.
func (b *MemoryBudget) Admit(zh, en string) error {
	limit := b.Limit()
	if limit <= 0 {
		return nil
	}
	live := b.live()
	if float64(live) <= heavyShare*float64(limit) {
		return nil
	}
	return appliance.Errorf(appliance.EUNAVAILABLE,
		"内存紧张（已用 %d / %d MiB），%s暂不可用，请稍后再试；受理、取件、卡和打印不受影响 / memory is short (%d of %d MiB in use): %s is refused for now, try again shortly; intake, pickup, cards and printing go on",
		live>>20, limit>>20, zh, live>>20, limit>>20, en)
}

// liveHeap is the heap's live bytes as the last collection marked them.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		panic(fmt.Sprintf("ui: runtime metric %s is not supported", s[0].Name))
	}
	return s[0].Value.Uint64()
}
