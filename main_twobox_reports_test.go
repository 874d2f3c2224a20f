package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/reports"
)

// twoBoxHQToken is the reports' login token of TestTwoBranchesAndHeadOffice's hq.
const twoBoxHQToken = "two-branches-总部-0001"

// twoBoxDemoCards are the cards the demo data issues (appliance/demo:
// twenty card holders, SC-000001..SC-000020).
const twoBoxDemoCards = 20

// hqWebArgs are the hq flags that serve its reports on a free loopback
// address with a token file in dir, and that address.
func hqWebArgs(t *testing.T, dir string) ([]string, string) {
	t.Helper()
	file := filepath.Join(dir, "hq.token")
	if err := os.WriteFile(file, []byte(twoBoxHQToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	addr := freeAddr(t)
	return []string{"-listen", addr, "-token-file", file}, addr
}

// hqReportsClient reads head office's reports over HTTP with a session.
type hqReportsClient struct {
	t       *testing.T
	base    string
	session string
	c       *http.Client
}

// loginHQReports waits for hq's login page at addr, logs in with
// twoBoxHQToken and returns the client holding the session.
func loginHQReports(t *testing.T, addr string) *hqReportsClient {
	t.Helper()
	h := &hqReportsClient{t: t, base: "http://" + addr,
		c: &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := h.c.Get(h.base + "/login")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("hq serves no login page at %s after 30 s (%v)", addr, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	req, err := http.NewRequest("POST", h.base+"/login", strings.NewReader(url.Values{"token": {twoBoxHQToken}}.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", h.base)
	res, err := h.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) != 1 {
		t.Fatalf("hq login = %d with cookies %v, want 303 and a session", res.StatusCode, res.Cookies())
	}
	h.session = res.Cookies()[0].Name + "=" + res.Cookies()[0].Value
	return h
}

// csvTable is one of head office's CSV downloads: its header and rows.
type csvTable struct {
	name   string
	header []string
	rows   [][]string
}

// table downloads the CSV of report's table (with query, "" for none)
// and parses it.
func (h *hqReportsClient) table(report, table, query string) *csvTable {
	h.t.Helper()
	path := "/csv/" + report + "/" + table
	if query != "" {
		path += "?" + query
	}
	req, err := http.NewRequest("GET", h.base+path, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	req.Header.Set("Cookie", h.session)
	res, err := h.c.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		h.t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") {
		h.t.Fatalf("GET %s = %d %s: %q", path, res.StatusCode, res.Header.Get("Content-Type"), b)
	}
	all, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(b), reports.BOM))).ReadAll()
	if err != nil || len(all) == 0 {
		h.t.Fatalf("GET %s: not a CSV with a header (%v): %q", path, err, b)
	}
	return &csvTable{name: table, header: all[0], rows: all[1:]}
}

// cell is row's cell under the column headed column.
func (c *csvTable) cell(t *testing.T, row []string, column string) string {
	t.Helper()
	j := slices.Index(c.header, column)
	if j < 0 || j >= len(row) {
		t.Fatalf("%s has no column %q: %q", c.name, column, c.header)
	}
	return row[j]
}

// row is the row whose first cell is first, or nil.
func (c *csvTable) row(first string) []string {
	for _, r := range c.rows {
		if len(r) > 0 && r[0] == first {
			return r
		}
	}
	return nil
}

// boxFigures are what a branch box says of itself: its KPIs for the
// period and its card money over all time.
type boxFigures struct {
	tickets, resolved     int
	cards, entries        int
	topups, charges, owed int64
}

// boxFiguresOf asks the box of branch: its KPIs from..to (report.get kpi,
// as the supervisor boss) and, over every card it holds (the demo's and
// w's new one), the ledgers' issue and top-up money, charges, entries and
// the balances (card.ledger).
func boxFiguresOf(t *testing.T, br *twoBoxBranch, from, to string) boxFigures {
	t.Helper()
	var k reports.KPIs
	boss := dialStaff(t, br.client.ws.RemoteAddr().String(), "boss", "3333")
	boss.mustCall("report.get", map[string]string{"kind": "kpi", "from": from, "to": to}, &k)
	boss.ws.Close()
	f := boxFigures{tickets: k.Tickets, resolved: k.Resolved}
	numbers := []string{br.work.card}
	for i := range twoBoxDemoCards {
		numbers = append(numbers, fmt.Sprintf("SC-%06d", i+1))
	}
	for _, n := range numbers {
		var l struct {
			Card    appliance.Card          `json:"card"`
			Entries []appliance.LedgerEntry `json:"entries"`
		}
		br.client.mustCall("card.ledger", map[string]string{"card": n}, &l)
		f.cards++
		f.entries += len(l.Entries)
		f.owed += l.Card.BalanceFen
		for _, e := range l.Entries {
			switch e.Kind {
			case appliance.LedgerIssue, appliance.LedgerTopup:
				f.topups += e.AmountFen
			case appliance.LedgerCharge:
				f.charges -= e.AmountFen
			}
		}
	}
	return f
}

// checkHQReports reads head office's reports over HTTP (the CSV
// downloads) until they show what each branch's box says of itself
// (boxFiguresOf) and the chain's totals are the branches' sums, and
// fails naming the difference after 15 s: the month's KPIs per branch,
// the card money per branch, the reconciliation without a mismatch, and
// the branches without a missing event.
func checkHQReports(t *testing.T, h *hqReportsClient, branches []*twoBoxBranch) {
	t.Helper()
	shanghai, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().In(shanghai)
	first := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, shanghai)
	month := first.Format("2006-01")
	want := map[string]boxFigures{}
	var names []string
	for _, br := range branches {
		want[br.name] = boxFiguresOf(t, br, first.Format(reports.DayFormat), first.AddDate(0, 1, -1).Format(reports.DayFormat))
		names = append(names, br.name)
	}
	start := time.Now()
	for {
		diff := hqReportsDiff(t, h, month, names, want)
		if diff == "" {
			t.Logf("head office's reports for %s show each branch's own figures %+v, %v after its tables did", month, want,
				time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Since(start) > 15*time.Second {
			t.Errorf("head office's reports after 15 s: %s", diff)
			return
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// hqReportsDiff says how head office's reports differ from want (by
// branch), or "" when they show it.
func hqReportsDiff(t *testing.T, h *hqReportsClient, month string, names []string, want map[string]boxFigures) string {
	t.Helper()
	var diffs []string
	expect := func(tb *csvTable, row []string, column, want string) {
		if got := tb.cell(t, row, column); got != want {
			diffs = append(diffs, fmt.Sprintf("%s %s %q: %q, want %q", tb.name, row[0], column, got, want))
		}
	}
	var total boxFigures
	for _, n := range names {
		w := want[n]
		total.tickets += w.tickets
		total.resolved += w.resolved
		total.cards += w.cards
		total.entries += w.entries
		total.topups += w.topups
		total.charges += w.charges
		total.owed += w.owed
	}
	rows := func(tb *csvTable) bool {
		var got []string
		for _, r := range tb.rows {
			got = append(got, r[0])
		}
		if wantRows := append(slices.Clone(names), "合计 total"); !slices.Equal(got, wantRows) {
			diffs = append(diffs, fmt.Sprintf("%s's rows are %q, want %q", tb.name, got, wantRows))
			return false
		}
		return true
	}

	kpi := h.table("kpi", "hq-kpi", "month="+month)
	if rows(kpi) {
		for _, n := range append(slices.Clone(names), "合计 total") {
			w := total
			if n != "合计 total" {
				w = want[n]
			}
			r := kpi.row(n)
			expect(kpi, r, "服务单 tickets opened", strconv.Itoa(w.tickets))
			expect(kpi, r, "已解决 resolved", strconv.Itoa(w.resolved))
		}
	}
	money := h.table("cards", "hq-cards", "")
	if rows(money) {
		for _, n := range append(slices.Clone(names), "合计 total") {
			w := total
			if n != "合计 total" {
				w = want[n]
			}
			r := money.row(n)
			expect(money, r, "卡数 cards", strconv.Itoa(w.cards))
			expect(money, r, "流水笔数 entries", strconv.Itoa(w.entries))
			expect(money, r, "充值收入 money in", reports.Yuan(w.topups))
			expect(money, r, "卡内消费 charges", reports.Yuan(w.charges))
			expect(money, r, "卡余额合计(负债) liability", reports.Yuan(w.owed))
			expect(money, r, "不平项 problems", "0")
		}
	}
	if p := h.table("cards", "hq-cards-problems", ""); len(p.rows) > 0 {
		diffs = append(diffs, fmt.Sprintf("card money not reconciled: %q", p.rows))
	}
	if m := h.table("reconcile", "hq-reconcile-mismatches", ""); len(m.rows) > 0 {
		diffs = append(diffs, fmt.Sprintf("reconciliation mismatches: %q", m.rows))
	}
	rec := h.table("reconcile", "hq-reconcile", "")
	for _, n := range names {
		ok := 0
		for _, r := range rec.rows {
			if r[0] == n && rec.cell(t, r, "状态 status") == "平 ok" {
				ok++
			}
		}
		if ok != want[n].cards {
			diffs = append(diffs, fmt.Sprintf("reconciliation: %d of %s's cards ok, want its %d", ok, n, want[n].cards))
		}
	}
	bs := h.table("branches", "hq-branches", "")
	for _, n := range names {
		if r := bs.row(n); r == nil {
			diffs = append(diffs, "no branch "+n+" in hq-branches")
		} else {
			expect(bs, r, "缺失 missing", "0")
		}
	}
	if len(diffs) > 6 {
		diffs = append(diffs[:6], fmt.Sprintf("and %d more", len(diffs)-6))
	}
	return strings.Join(diffs, "; ")
}
