package ui

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/reports"
	"shouhou/drivers/printer"
	"shouhou/forms"
)

// dirQueue is the real print queue as the screens see it.
type dirQueue struct{ *printer.Queue }

func (q dirQueue) Printers() any { return q.Queue.Printers() }

// MustDirPrinter gives a rig's options a print queue whose printer
// receipt1 (desk1's in the embedded devices.toml) writes each job into
// dir as a .bin file. The caller closes the queue before the rig's store
// closes (defer runs before the rig's cleanup).
func MustDirPrinter(tb testing.TB, o *Options, dir string) *printer.Queue {
	tb.Helper()
	q, err := printer.NewQueue(o.Store, []printer.Target{{ID: "receipt1", Name: "test", Device: "dir:" + dir, Columns: forms.Columns80}},
		&printer.QueueOpts{IdlePoll: -1})
	if err != nil {
		tb.Fatalf("printer.NewQueue: %v", err)
	}
	o.Printers = dirQueue{q}
	return q
}

// waitForSlip waits until dir holds a printed job whose text preview
// (the .txt the dir: printer writes beside each .bin) contains want, and
// returns that text.
func waitForSlip(tb testing.TB, dir, want string) string {
	tb.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".txt") {
				continue
			}
			b, _ := os.ReadFile(filepath.Join(dir, e.Name()))
			bin := strings.TrimSuffix(e.Name(), ".txt") + ".bin"
			if _, err := os.Stat(filepath.Join(dir, bin)); err == nil && strings.Contains(string(b), want) {
				return string(b)
			}
		}
	}
	tb.Fatalf("no printed job containing %q in %s after 10 s", want, dir)
	return ""
}

// dayCloseResult is day.close's answer as the screen decodes it.
type dayCloseResult struct {
	Closing       json.RawMessage `json:"closing"`
	AlreadyClosed bool            `json:"already_closed"`
	PrintJob      string          `json:"print_job"`
	Printer       string          `json:"printer"`
	PrintError    string          `json:"print_error"`
}

func mustDayClose(tb testing.TB, c *client, args any) dayCloseResult {
	tb.Helper()
	r := c.call("day.close", args)
	if !r.OK {
		tb.Fatalf("day.close %v: %+v", args, r.Error)
	}
	var res dayCloseResult
	if err := json.Unmarshal(r.Result, &res); err != nil {
		tb.Fatalf("day.close result %s: %v", r.Result, err)
	}
	return res
}

func TestDayCloseFreezesAndPrints(t *testing.T) {
	prints := t.TempDir()
	var q *printer.Queue
	rig := MustRig(t, func(o *Options) { q = MustDirPrinter(t, o, prints) })
	defer q.Close()
	boss := rig.asRole(t, appliance.RoleSupervisor)
	// The demo month's top-ups are dated in the days before; today's is this one.
	if r := boss.call("card.topup", map[string]any{"key": "dayclose-today", "card": "SC-000002", "amount_fen": 5000}); !r.OK {
		t.Fatalf("card.topup: %+v", r.Error)
	}

	first := mustDayClose(t, boss, map[string]string{})
	var c reports.Closing
	if err := json.Unmarshal(first.Closing, &c); err != nil {
		t.Fatal(err)
	}
	today := rig.srv.today().Format(reports.DayFormat)
	if !c.Frozen || c.Day != today || c.ClosedBy != "boss" || first.AlreadyClosed {
		t.Errorf("day.close {} = day %s frozen %v by %q already %v, want today %s frozen by boss, not already closed",
			c.Day, c.Frozen, c.ClosedBy, first.AlreadyClosed, today)
	}
	if c.CardInFen != 5000 {
		t.Errorf("closing card_in_fen = %d, want today's top-up of 50.00", c.CardInFen)
	}
	if first.PrintJob == "" || first.Printer != "receipt1" || first.PrintError != "" {
		t.Errorf("day.close printed = job %q on %q (error %q), want a job on receipt1", first.PrintJob, first.Printer, first.PrintError)
	}
	if slip := waitForSlip(t, prints, "日结单"); !strings.Contains(slip, today) || !strings.Contains(slip, "boss") {
		t.Errorf("the printed closing slip does not carry the day %s and the supervisor:\n%s", today, slip)
	}

	// Money moved after the closing does not change the frozen day.
	if r := boss.call("card.topup", map[string]any{"key": "dayclose-topup", "card": "SC-000001", "amount_fen": 2000}); !r.OK {
		t.Fatalf("card.topup: %+v", r.Error)
	}
	again := mustDayClose(t, boss, map[string]string{"day": today})
	if !again.AlreadyClosed {
		t.Errorf("second day.close: already_closed = false, want true")
	}
	if !bytes.Equal(again.Closing, first.Closing) {
		t.Errorf("second day.close = %s\nwant the frozen %s", again.Closing, first.Closing)
	}
	if again.PrintJob == "" || again.PrintJob == first.PrintJob {
		t.Errorf("second day.close print_job = %q, want a new job (the slip again)", again.PrintJob)
	}
}

func TestDayCloseRefusals(t *testing.T) {
	rig := MustRig(t, nil)
	boss := rig.asRole(t, appliance.RoleSupervisor)
	tomorrow := rig.srv.today().AddDate(0, 0, 1).Format(reports.DayFormat)
	tests := []struct {
		name  string
		c     *client
		args  map[string]string
		code  string
		field string
	}{
		{"clerk", rig.asRole(t, appliance.RoleClerk), map[string]string{}, CodeForbidden, ""},
		{"technician", rig.asRole(t, appliance.RoleTechnician), map[string]string{}, CodeForbidden, ""},
		{"not a day", boss, map[string]string{"day": "23.11.2026"}, "invalid", "day"},
		{"the future", boss, map[string]string{"day": tomorrow}, "invalid", "day"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := tc.c.call("day.close", tc.args)
			if r.OK || r.Error.Code != tc.code || r.Error.Field != tc.field {
				t.Errorf("day.close %v = %+v, want %s on %q", tc.args, r.Error, tc.code, tc.field)
			}
		})
	}
	// No print queue: the day closes, nothing prints, no error.
	res := mustDayClose(t, boss, map[string]string{})
	if res.PrintJob != "" || res.PrintError != "" {
		t.Errorf("day.close without a print queue: job %q error %q, want neither", res.PrintJob, res.PrintError)
	}
}

// getCSV downloads path with an optional cookie and its device key, as
// the page's links carry it.
func getCSV(tb testing.TB, rig *testRig, path, cookie string) (*http.Response, []byte) {
	tb.Helper()
	if k, ok := rig.keys.Load(cookie); ok {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "key=" + k.(string)
	}
	req, err := http.NewRequest("GET", rig.http.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func TestReportCSVDownload(t *testing.T) {
	rig := MustRig(t, nil)
	cookieOf := func(role appliance.Role) string {
		return rig.MustLogin(t, rig.dial(t, "", ""), pins[role][0], pins[role][1])
	}
	boss, clerk := cookieOf(appliance.RoleSupervisor), cookieOf(appliance.RoleClerk)
	today := rig.srv.today().Format(reports.DayFormat)
	period := "?from=" + rig.srv.today().AddDate(0, 0, -6).Format(reports.DayFormat) + "&to=" + today
	tests := []struct {
		name, path, cookie string
		status             int
		header             string // the first line after the BOM
		file               string // the attachment's file name
	}{
		{"no cookie", "/reports/kpi.csv" + period, "", http.StatusForbidden, "", ""},
		{"unknown session", "/reports/kpi.csv" + period, cookieName + "=00ff", http.StatusForbidden, "", ""},
		{"clerk", "/reports/kpi.csv" + period, clerk, http.StatusForbidden, "", ""},
		{"kpi", "/reports/kpi.csv" + period, boss, http.StatusOK, "指标 KPI,数 count,总数 total,比率 rate,目标 target",
			"shouhou-kpi-" + rig.srv.today().AddDate(0, 0, -6).Format(reports.DayFormat) + "_" + today + ".csv"},
		{"one table of the closing", "/reports/closing.csv?from=" + today + "&table=closing-tickets", boss, http.StatusOK,
			"类别 kind,新受理 opened,结果 outcome,已结案 closed", "shouhou-closing-tickets-" + today + ".csv"},
		{"every table of the closing", "/reports/closing.csv?from=" + today, boss, http.StatusOK,
			"日结 / Daily closing " + today, "shouhou-closing-" + today + ".csv"},
		{"complaints", "/reports/complaints.csv" + period, boss, http.StatusOK, "投诉汇总 / Complaints", ""},
		{"daily", "/reports/daily.csv?from=" + today + "&table=supervisor-daily", boss, http.StatusOK, "项目 figure,值 value", ""},
		{"unknown kind", "/reports/payroll.csv?from=" + today, boss, http.StatusBadRequest, "", ""},
		{"unknown table", "/reports/kpi.csv?from=" + today + "&table=secret", boss, http.StatusNotFound, "", ""},
		{"not csv", "/reports/kpi.json?from=" + today, boss, http.StatusNotFound, "", ""},
		{"bad day", "/reports/kpi.csv?from=yesterday", boss, http.StatusBadRequest, "", ""},
		{"two years of closings", "/reports/closing.csv?from=2024-01-01&to=2026-01-01", boss, http.StatusBadRequest, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := getCSV(t, rig, tc.path, tc.cookie)
			if resp.StatusCode != tc.status {
				t.Fatalf("GET %s = %d %q, want %d", tc.path, resp.StatusCode, body[:min(len(body), 200)], tc.status)
			}
			if tc.status != http.StatusOK {
				if bytes.Contains(body, []byte(reports.BOM)) {
					t.Errorf("GET %s refused with a CSV body %q", tc.path, body)
				}
				return
			}
			if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
				t.Errorf("Content-Type = %q, want text/csv; charset=utf-8", ct)
			}
			cd := resp.Header.Get("Content-Disposition")
			if !strings.HasPrefix(cd, "attachment; filename=") || (tc.file != "" && cd != `attachment; filename="`+tc.file+`"`) {
				t.Errorf("Content-Disposition = %q, want an attachment named %q", cd, tc.file)
			}
			rest, ok := bytes.CutPrefix(body, []byte(reports.BOM))
			if !ok {
				t.Fatalf("GET %s body starts %q, want the UTF-8 BOM", tc.path, body[:min(len(body), 8)])
			}
			first, _, _ := strings.Cut(string(rest), "\n")
			if !strings.HasPrefix(first, tc.header) {
				t.Errorf("GET %s first line = %q, want %q", tc.path, first, tc.header)
			}
		})
	}
}
