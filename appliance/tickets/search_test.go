package tickets_test

import (
	"slices"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
	"shouhou/appliance/tickets"
)

// TestSearch finds tickets by every kind of key, and by words of the fault
// description, Chinese (bigrams) and Latin alike.
func TestSearch(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	wang := d.customer("王芳", "13800138001")
	wangs := d.customer("王小明", "13800138002")
	li := d.customer("李娜", "13800138003")
	d.card(wang, "SC-000001", "04AABB01", 0)
	d.card(li, "SC-000003", "04AABB03", 0)
	faults := []struct {
		c      *appliance.Customer
		serial string
		fault  string
	}{
		{wang, "SN-100", "屏幕不亮，开机无反应"},      // T…-0001
		{wang, "SN-101", "充电口松动，USB 线接触不良"}, // -0002
		{wangs, "SN-102", "屏幕有亮点，触摸失灵"},     // -0003
		{li, "SN-103", "开机后屏幕闪烁，不亮"},        // -0004
		{li, "SN-100B", "ＵＳＢ接口不认设备（全角字母）"},  // -0005
	}
	n := make([]string, len(faults))
	for i, f := range faults {
		tk := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindRepair, Phone: f.c.Phones[0],
			Purchase: d.receipt("electronics", "平板", 199900, 30, f.serial), Fault: f.fault, Problem: policy.ProblemQuality, Condition: complete}))
		n[i] = tk.Number
	}
	tests := []struct {
		by, q string
		want  []string // newest first
	}{
		{tickets.ByNumber, n[2], []string{n[2]}},
		{tickets.ByNumber, "t20260302-0002", []string{n[1]}},
		{tickets.ByNumber, "T20990101-0001", nil},
		{tickets.ByPhone, "138 0013 8001", []string{n[1], n[0]}},
		{tickets.ByPhone, "13900000000", nil},
		{tickets.ByCard, "sc-000003", []string{n[4], n[3]}},
		{tickets.ByUID, "04aabb01", []string{n[1], n[0]}},
		{tickets.BySerial, "SN-100", []string{n[0]}},
		{tickets.BySerial, "SN-100B", []string{n[4]}},
		{tickets.ByName, "王", []string{n[2], n[1], n[0]}},
		{tickets.ByName, "王芳", []string{n[1], n[0]}},
		{tickets.ByName, "张", nil},
		{tickets.ByText, "不亮", []string{n[3], n[0]}},
		{tickets.ByText, "屏幕", []string{n[3], n[2], n[0]}},
		{tickets.ByText, "屏幕不亮", []string{n[0]}}, // n[3] holds 屏幕 and 不亮 apart
		{tickets.ByText, "屏幕 不亮", []string{n[3], n[0]}},
		{tickets.ByText, "亮", []string{n[3], n[2], n[0]}}, // one character, anywhere
		{tickets.ByText, "usb", []string{n[4], n[1]}},     // full-width folded
		{tickets.ByText, "触摸失灵", []string{n[2]}},
		{tickets.ByText, "蓝牙", nil},
		{tickets.ByText, "，。", nil},
		{"", n[0], []string{n[0]}},
		{"", "SC-000001", []string{n[1], n[0]}},
		{"", "13800138003", []string{n[4], n[3]}},
		{"", "SN-103", []string{n[3]}},
		{"", "李娜", []string{n[4], n[3]}},
		{"", "闪烁", []string{n[3]}},
	}
	for _, tc := range tests {
		t.Run(tc.by+"/"+tc.q, func(t *testing.T) {
			ts, err := d.svc.Search(d.ctx, tickets.Query{By: tc.by, Q: tc.q})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, tk := range ts {
				got = append(got, tk.Number)
			}
			if !slices.Equal(got, tc.want) {
				t.Fatalf("Search(%s %q) = %v, want %v", tc.by, tc.q, got, tc.want)
			}
		})
	}
	ts, err := d.svc.Search(d.ctx, tickets.Query{By: tickets.ByText, Q: "屏幕", Limit: 2})
	if err != nil || len(ts) != 2 || ts[0].Number != n[3] {
		t.Fatalf("limit 2: %d results, %v", len(ts), err)
	}
	for _, tc := range []struct {
		since time.Time
		want  int
	}{{d.clock.Now(), 3}, {d.clock.Now().AddDate(0, 0, 1), 0}, {time.Time{}, 3}} {
		ts, err := d.svc.Search(d.ctx, tickets.Query{By: tickets.ByText, Q: "屏幕", Since: tc.since})
		if err != nil || len(ts) != tc.want {
			t.Fatalf("Search(屏幕 since %v) = %d tickets (%v), want %d", tc.since, len(ts), err, tc.want)
		}
		ts, err = d.svc.Search(d.ctx, tickets.Query{By: tickets.ByText, Q: "亮", Since: tc.since})
		if err != nil || len(ts) != tc.want {
			t.Fatalf("Search(亮 since %v) = %d tickets (%v), want %d", tc.since, len(ts), err, tc.want)
		}
	}
	_, err = d.svc.Search(d.ctx, tickets.Query{By: "color", Q: "x"})
	wantCode(t, err, appliance.EINVALID)
	_, err = d.svc.Search(d.ctx, tickets.Query{Q: " "})
	wantCode(t, err, appliance.EINVALID)
}

// A changed fault description moves the ticket's text postings; Verify
// (in the desk's cleanup) proves no stale posting is left.
func TestSearchFollowsEdits(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	c := d.customer("林涛", "13800138019")
	tk := d.ok(d.svc.Intake(d.ctx, clerk, tickets.IntakeArgs{Kind: appliance.KindComplaint, Phone: c.Phones[0], Fault: "送货员态度差", ComplaintReason: "service"}))
	tk.Fault = "安装师傅迟到"
	if err := d.db.Update(func(tx *store.Txn) error { return tx.PutTicket(tk) }); err != nil {
		t.Fatal(err)
	}
	for q, want := range map[string]int{"态度": 0, "迟到": 1} {
		ts, err := d.svc.Search(d.ctx, tickets.Query{By: tickets.ByText, Q: q})
		if err != nil || len(ts) != want {
			t.Fatalf("Search(%q) = %d tickets (%v), want %d", q, len(ts), err, want)
		}
	}
}

func TestQueryWalksText(t *testing.T) {
	for _, tc := range []struct {
		q    tickets.Query
		want bool
	}{
		{tickets.Query{Q: "T20261123-0042"}, false},
		{tickets.Query{Q: "sc-000123"}, false},
		{tickets.Query{Q: "13800130020"}, false},
		{tickets.Query{Q: "138-0013-0020"}, true}, // not a phone as typed: the guess may reach free text
		{tickets.Query{Q: "屏幕不亮"}, true},
		{tickets.Query{Q: "张"}, true},
		{tickets.Query{By: tickets.ByText, Q: "13800130020"}, true},
		{tickets.Query{By: tickets.ByName, Q: "张"}, false},
		{tickets.Query{By: tickets.ByPhone, Q: "屏幕"}, false},
	} {
		if got := tc.q.WalksText(); got != tc.want {
			t.Errorf("%+v.WalksText() = %v, want %v", tc.q, got, tc.want)
		}
	}
}
