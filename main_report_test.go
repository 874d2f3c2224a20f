package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// mustReportData writes two tickets into a fresh store, one closed with a
// cash fee, and closes the store.
func mustReportData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	db, err := store.Open(dir, store.Options{Logger: quietLogger(io.Discard)})
	if err != nil {
		t.Fatal(err)
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, sh)
	err = db.Update(func(tx *store.Txn) error {
		for _, tk := range []*appliance.Ticket{
			{Number: "T20261102-0001", Kind: appliance.KindRepair, Status: appliance.StatusClosed, Created: at, Due: at.Add(72 * time.Hour),
				Result: appliance.ResultRepaired, PaidFen: 3500, Payment: "cash", Paid: at.Add(5 * time.Hour),
				History: []appliance.Transition{{From: appliance.StatusOpen, To: appliance.StatusClosed, Operator: "clerk1", Time: at.Add(5 * time.Hour)}}},
			// A complaint stored before the reasons list (free text, no code): counted under 其他.
			{Number: "T20261102-0002", Kind: appliance.KindComplaint, Status: appliance.StatusOpen, Created: at, Due: at.Add(48 * time.Hour), Request: "态度"},
			{Number: "T20261102-0003", Kind: appliance.KindComplaint, Status: appliance.StatusOpen, Created: at, Due: at.Add(48 * time.Hour), ComplaintReason: "service"},
		} {
			if err := tx.PutTicket(tk); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestRunReport(t *testing.T) {
	dir := mustReportData(t)
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"closing text", []string{"-kind", "closing", "-from", "2026-11-02"}, []string{"现金收费 fees in cash", "35.00", "repaired"}},
		{"closing csv", []string{"-kind", "closing", "-format", "csv", "-from", "2026-11-02"}, []string{"\ufeff", "现金收费 fees in cash,35.00"}},
		{"kpi json", []string{"-kind", "kpi", "-format", "json", "-from", "2026-11-01", "-to", "2026-11-30"}, []string{`"tickets": 3`}},
		{"complaints", []string{"-kind", "complaints", "-format", "csv", "-from", "2026-11-01", "-to", "2026-11-07"}, []string{"服务态度,1", "其他,1", "产品质量,0", "T20261102-0002"}},
		{"daily", []string{"-kind", "daily", "-from", "2026-11-02"}, []string{"服务主任日报表"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if err := runReport(context.Background(), append([]string{"-data", dir}, tt.args...), &out, &errb); err != nil {
				t.Fatalf("report %v: %v, stderr %s", tt.args, err, errb.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("report %v output lacks %q:\n%s", tt.args, w, out.String())
				}
			}
			if tt.name == "kpi json" && !json.Valid(out.Bytes()) {
				t.Errorf("not JSON: %s", out.String())
			}
		})
	}
}

// TestRunReportRefusesHeldDir: with something answering on the admin
// socket, report says to run it on a backup and exits 2.
func TestRunReportRefusesHeldDir(t *testing.T) {
	dir := mustReportData(t)
	l, err := net.Listen("unix", filepath.Join(dir, store.AdminSocket))
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	var out, errb bytes.Buffer
	err = runReport(context.Background(), []string{"-data", dir, "-from", "2026-11-02"}, &out, &errb)
	var code exitError
	if !errors.As(err, &code) || code != 2 || !strings.Contains(errb.String(), "shouhou backup") {
		t.Errorf("report on a held dir: %v, stderr %q; want exit 2 naming backup", err, errb.String())
	}
}
