package hqreports

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"reflect"
	"strings"
	"testing"

	"shouhou/appliance"
	"shouhou/appliance/reports"
)

// readCSV parses a CSV export, checking its BOM.
func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	s, ok := strings.CutPrefix(string(b), reports.BOM)
	if !ok {
		t.Fatalf("CSV %q does not start with the BOM", b[:min(len(b), 20)])
	}
	rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// TestTablesCSV checks that each report's CSV holds its table's header
// and rows, the KPI rows being the boxes' own figures, and that a card
// number written as a formula is made text.
func TestTablesCSV(t *testing.T) {
	f := mustChain(t)
	ctx := context.Background()
	from, _ := f.rep.ParseDay("2026-11-01")
	to, _ := f.rep.ParseDay("2026-11-30")
	k, err := f.rep.KPIs(ctx, from, to)
	if err != nil {
		t.Fatal(err)
	}
	money, err := f.rep.CardMoney(ctx)
	if err != nil {
		t.Fatal(err)
	}
	closings, err := f.rep.Closings(ctx, "2026-12-01", "2026-12-31")
	if err != nil {
		t.Fatal(err)
	}
	bs, err := f.rep.Branches(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kt := k.Table()
	for _, tb := range []reports.Table{kt, k.Tables()[1], MoneyTable(money), ClosingsTable(closings, "2026-12-01", "2026-12-31"), BranchesTable(bs)} {
		t.Run(tb.Name, func(t *testing.T) {
			var b bytes.Buffer
			if err := reports.WriteCSV(&b, tb); err != nil {
				t.Fatal(err)
			}
			rows := readCSV(t, b.Bytes())
			if want := append([][]string{tb.Columns}, tb.Rows...); !reflect.DeepEqual(rows, want) {
				t.Errorf("CSV of %s = %q, want %q", tb.Name, rows, want)
			}
			if len(tb.Rows) < 2 {
				t.Errorf("%s has %d rows, want one per branch at least", tb.Name, len(tb.Rows))
			}
		})
	}
	for i, b := range f.boxes {
		want, err := b.rep.KPIs(from, to)
		if err != nil {
			t.Fatal(err)
		}
		if got, box := k.Tables()[1+i], want.Tables()[0]; got.Name != "hq-kpi-branch-"+b.id || !reflect.DeepEqual(got.Rows, box.Rows) {
			t.Errorf("the full KPI table of %s = %s %q, want the box's rows %q", b.id, got.Name, got.Rows, box.Rows)
		}
		if row := kt.Rows[i]; row[0] != b.id || row[3] != reports.Percent(want.OnTime) || row[5] != reports.Percent(want.SatisfactionOverall) {
			t.Errorf("KPI row %q, want %s with on time %s and satisfaction %s", row, b.id, reports.Percent(want.OnTime),
				reports.Percent(want.SatisfactionOverall))
		}
	}
	r := &Reconciliation{Mismatches: []CardCheck{{Branch: "north", Card: `=HYPERLINK("http://x")`, NoCard: true}}}
	var b bytes.Buffer
	if err := reports.WriteCSV(&b, r.Tables()[0]); err != nil {
		t.Fatal(err)
	}
	if got := readCSV(t, b.Bytes())[1][1]; got != `'=HYPERLINK("http://x")` {
		t.Errorf("a card number written as a formula is exported as %q, want it made text", got)
	}
}

// TestTablesCatalog checks every report name builds and that a malformed
// month or an unknown report is the user's mistake (EINVALID), named.
func TestTablesCatalog(t *testing.T) {
	f := mustChain(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name, month string
		tables      int
		field       string
	}{
		{ReportBranches, "", 1, ""}, {ReportKPI, "2026-11", 4, ""}, {ReportCards, "", 2, ""},
		{ReportClosings, "2026-12", 1, ""}, {ReportReconcile, "x", 2, ""},
		{ReportKPI, "2026-13", 0, "month"}, {ReportClosings, "<b>", 0, "month"}, {"nope", "2026-11", 0, "report"},
	} {
		t.Run(tc.name+" "+tc.month, func(t *testing.T) {
			ts, err := f.rep.Tables(ctx, tc.name, tc.month)
			if tc.field != "" {
				var e *appliance.Error
				if !errors.As(err, &e) || e.Code != appliance.EINVALID || e.Field != tc.field {
					t.Fatalf("Tables(%q, %q) error = %v, want EINVALID on %s", tc.name, tc.month, err, tc.field)
				}
				return
			}
			if err != nil || len(ts) != tc.tables {
				t.Fatalf("Tables(%q, %q) = %d tables, %v; want %d", tc.name, tc.month, len(ts), err, tc.tables)
			}
		})
	}
	if m := f.rep.Month(); m != "2026-12" {
		t.Errorf("Month() = %q on %s, want 2026-12", m, f.clock.now())
	}
}
