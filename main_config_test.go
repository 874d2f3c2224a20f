package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

func TestConfigInitAndCheck(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "conf")
	var out, errOut bytes.Buffer
	if code := run(context.Background(), []string{"config", "init", dir}, &out, &errOut); code != 0 {
		t.Fatalf("config init = %d: %s", code, errOut.String())
	}
	policyFile := filepath.Join(dir, "policy.toml")
	data, err := os.ReadFile(policyFile)
	if err != nil || !strings.Contains(string(data), "# ") {
		t.Fatalf("policy.toml not written with comments: %v", err)
	}
	if code := run(context.Background(), []string{"config", "init", dir}, &out, &errOut); code != 1 {
		t.Errorf("config init over existing files = %d, want 1", code)
	}
	out.Reset()
	if code := run(context.Background(), []string{"check-config", "-conf", dir}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "electronics") {
		t.Fatalf("check-config = %d:\n%s", code, out.String())
	}
	broken := strings.Replace(string(data), "repairs_before_exchange = 3", "repairs_before_exchange = 0", 1)
	broken = strings.Replace(broken, `after = "customer"`, `after = "nobody"`, 1)
	if err := os.WriteFile(policyFile, []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run(context.Background(), []string{"check-config", "-conf", dir}, &out, &errOut); code != 1 {
		t.Fatalf("check-config on a broken dir = %d, want 1", code)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("check-config printed %d lines, want 2 errors:\n%s", len(lines), out.String())
	}
	for _, l := range lines {
		if !strings.HasPrefix(l, policyFile+":") {
			t.Errorf("error line %q is not file:line:col: message", l)
		}
	}
}

func TestPolicyDecide(t *testing.T) {
	var out, errOut bytes.Buffer
	facts := `{"category":"electronics","purchased":"2026-03-01","claimed":"2026-03-08","price_fen":150000,"problem":"quality","request":"return"}`
	if err := runPolicyDecide(nil, strings.NewReader(facts), &out, &errOut); err != nil {
		t.Fatalf("policy decide = %v: %s", err, errOut.String())
	}
	var d struct {
		Outcomes []struct {
			Kind string `json:"kind"`
		} `json:"outcomes"`
		Approval struct {
			Needed bool `json:"needed"`
		} `json:"approval"`
		ConfigVersion string `json:"config_version"`
	}
	if err := json.Unmarshal(out.Bytes(), &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Outcomes) != 3 || d.Outcomes[0].Kind != "return" || !d.Approval.Needed || d.ConfigVersion == "" {
		t.Errorf("decision = %s", out.String())
	}
	for _, bad := range []struct{ facts, field string }{
		{`{"category":"electronics","purchased":"2026-03-10","claimed":"2026-03-01","problem":"quality"}`, "purchased"},
		{`{"category":"toys","purchased":"2026-03-01","claimed":"2026-03-01","problem":"quality"}`, "category"},
		{`{"category":"electronics","price_fen":"12"}`, "price_fen"},
	} {
		out.Reset()
		err := runPolicyDecide(nil, strings.NewReader(bad.facts), &out, &errOut)
		var ee exitError
		if !errors.As(err, &ee) || ee != 2 || !strings.Contains(out.String(), `"field": "`+bad.field+`"`) {
			t.Errorf("policy decide %s = %v, %s; want exit 2 naming %s", bad.facts, err, out.String(), bad.field)
		}
	}
}

func TestPolicyDiff(t *testing.T) {
	tmp := t.TempDir()
	oldDir, newDir := filepath.Join(tmp, "old"), filepath.Join(tmp, "new")
	var out, errOut bytes.Buffer
	for _, d := range []string{oldDir, newDir} {
		if code := run(context.Background(), []string{"config", "init", d}, &out, &errOut); code != 0 {
			t.Fatal(errOut.String())
		}
	}
	p := filepath.Join(newDir, "policy.toml")
	data, _ := os.ReadFile(p)
	os.WriteFile(p, []byte(strings.Replace(string(data), `restocking_fee = "0%"`, `restocking_fee = "5%"`, 1)), 0o644)
	facts := filepath.Join(tmp, "facts.jsonl")
	os.WriteFile(facts, []byte(`# two claims
{"category":"electronics","purchased":"2026-03-01","claimed":"2026-03-02","price_fen":10000,"problem":"not_quality","condition":{"unused":true,"packaging":true,"accessories":true,"warranty_card":true}}
{"category":"electronics","purchased":"2026-03-01","claimed":"2026-03-02","price_fen":10000,"problem":"quality"}
`), 0o644)
	out.Reset()
	if code := run(context.Background(), []string{"policy", "diff", "-old", oldDir, "-new", newDir, "-facts", facts}, &out, &errOut); code != 0 {
		t.Fatalf("policy diff = %d: %s", code, errOut.String())
	}
	if s := out.String(); !strings.Contains(s, "line 2:") || strings.Contains(s, "line 3:") || !strings.Contains(s, "1 of 2 decisions change") || !strings.Contains(s, "restocking 5.00") {
		t.Errorf("policy diff printed:\n%s", s)
	}

	// The same two claims stored on tickets: -data replays them by number.
	dataDir := filepath.Join(tmp, "data")
	db, err := store.Open(dataDir, store.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(mustRead(t, facts))), "\n")[1:]
	err = db.Update(func(tx *store.Txn) error {
		for i, l := range lines {
			tk := &appliance.Ticket{Number: fmt.Sprintf("T20260302-%04d", i+1), Kind: appliance.KindReturn,
				Status: appliance.StatusOpen, CustomerID: "c1", Facts: json.RawMessage(l)}
			if err := tx.PutTicket(tk); err != nil {
				return err
			}
		}
		return tx.PutTicket(&appliance.Ticket{Number: "T20260302-0003", Kind: appliance.KindConsult, Status: appliance.StatusOpen, CustomerID: "c1"})
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if code := run(context.Background(), []string{"policy", "diff", "-old", oldDir, "-new", newDir, "-data", dataDir}, &out, &errOut); code != 0 {
		t.Fatalf("policy diff -data = %d: %s", code, errOut.String())
	}
	if s := out.String(); !strings.Contains(s, "T20260302-0001:") || strings.Contains(s, "T20260302-0002:") || !strings.Contains(s, "1 of 2 decisions change") {
		t.Errorf("policy diff -data printed:\n%s", s)
	}
	out.Reset()
	if code := run(context.Background(), []string{"policy", "diff", "-old", oldDir, "-new", newDir, "-data", dataDir, "-last", "1"}, &out, &errOut); code != 0 || !strings.Contains(out.String(), "0 of 1 decisions change") {
		t.Errorf("policy diff -last 1 = %d:\n%s", code, out.String())
	}
	if code := run(context.Background(), []string{"policy", "diff", "-old", oldDir, "-new", newDir}, &out, &errOut); code != 2 {
		t.Errorf("policy diff with neither -data nor -facts = %d, want 2", code)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestHashPin(t *testing.T) {
	var out bytes.Buffer
	if err := hashPin(strings.NewReader("2468\n"), &out); err != nil {
		t.Fatal(err)
	}
	if err := bcrypt.CompareHashAndPassword([]byte(strings.TrimSpace(out.String())), []byte("2468")); err != nil {
		t.Errorf("hash-pin output %q does not verify: %v", out.String(), err)
	}
	if err := hashPin(strings.NewReader("12\n"), &out); err == nil {
		t.Error("hash-pin accepted a 2-digit PIN")
	}
}
