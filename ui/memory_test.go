package ui

import (
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"shouhou/appliance"
)

func TestMemoryBudgetAdmit(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		name  string
		limit int64
		live  uint64
		want  bool // admitted
	}{
		{"no budget", 0, 1 << 40, true},
		{"little used", 128 * mib, 20 * mib, true},
		{"at the share", 100 * mib, 70 * mib, true},
		{"past the share", 100 * mib, 71 * mib, false},
		{"over the budget", 128 * mib, 200 * mib, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := &MemoryBudget{live: func() uint64 { return tc.live }}
			b.Set(tc.limit)
			err := b.Admit("报表", "the report")
			if got := err == nil; got != tc.want {
				t.Fatalf("Admit with %d of %d MiB live = %v, want admitted %v", tc.live/mib, tc.limit/mib, err, tc.want)
			}
			if err == nil {
				return
			}
			if appliance.ErrorCode(err) != appliance.EUNAVAILABLE || !strings.Contains(err.Error(), "内存紧张") || !strings.Contains(err.Error(), "the report") {
				t.Errorf("refusal = %v (%s), want unavailable naming memory and the report", err, appliance.ErrorCode(err))
			}
		})
	}
	var nilBudget *MemoryBudget
	if err := nilBudget.Admit("报表", "the report"); err != nil {
		t.Errorf("a nil budget refused: %v", err)
	}
}

func TestLiveHeapIsRead(t *testing.T) {
	runtime.GC() // the metric is the last collection's
	if live := liveHeap(); live == 0 {
		t.Fatal("the live heap reads 0")
	}
}

// TestShortMemoryRefusesHeavyWorkOnly runs the desk with its memory
// budget nearly used: reports, the audit list and free-text search are
// refused with the memory message, while a keyed search, an intake and a
// card top-up go on.
func TestShortMemoryRefusesHeavyWorkOnly(t *testing.T) {
	var live atomic.Uint64
	budget := &MemoryBudget{live: live.Load}
	budget.Set(128 << 20)
	w := mustWorkflowRig(t)
	w.srv.opts.Memory = budget // before any connection reads it
	clerk := w.deskClerk(t)
	boss := w.dial(t, "", "")
	w.MustLogin(t, boss, "boss", "3333")
	today := time.Now().Format("2006-01-02")

	live.Store(10 << 20)
	mustOK(t, boss, "report.get", map[string]string{"kind": "kpi", "from": today, "to": today}, nil)
	mustOK(t, clerk, "ticket.search", map[string]any{"q": "屏幕"}, nil)

	live.Store(120 << 20)
	for _, tc := range []struct {
		c    *client
		op   string
		args any
	}{
		{boss, "report.get", map[string]string{"kind": "kpi", "from": today, "to": today}},
		{boss, "audit.list", map[string]any{}},
		{clerk, "ticket.search", map[string]any{"q": "屏幕"}},
		{clerk, "ticket.search", map[string]any{"by": "text", "q": "13800130020"}},
	} {
		r := tc.c.call(tc.op, tc.args)
		if r.OK || r.Error.Code != "unavailable" || !strings.Contains(r.Error.Message, "内存紧张") {
			t.Errorf("%s %v with memory short = ok %v %+v, want refused: memory is short", tc.op, tc.args, r.OK, r.Error)
		}
	}
	mustOK(t, clerk, "ticket.search", map[string]any{"q": "13800130020"}, nil)
	var res ticketReply
	mustOK(t, clerk, "ticket.intake", repairArgs("short-memory-1"), &res)
	if res.Ticket.Number == "" {
		t.Error("intake with memory short made no ticket")
	}
	mustOK(t, clerk, "card.topup", map[string]any{"key": "short-memory-tu", "card": "SC-000001", "amount_fen": 100}, nil)

	live.Store(10 << 20)
	mustOK(t, boss, "report.get", map[string]string{"kind": "kpi", "from": today, "to": today}, nil)
}
