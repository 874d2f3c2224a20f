package policy

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*-want.json goldens")

// TestDecideGolden decides every testdata/facts/*.json and compares the
// decision JSON with *-want.json (rewritten by -update). The goldens show
// the JSON that docs/config.md documents.
func TestDecideGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/facts/*.json")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, in := range files {
		if strings.HasSuffix(in, "-want.json") {
			continue
		}
		n++
		t.Run(filepath.Base(in), func(t *testing.T) {
			data, err := os.ReadFile(in)
			if err != nil {
				t.Fatal(err)
			}
			f, err := ParseFacts(data)
			if err != nil {
				t.Fatalf("ParseFacts(%s) = %v", in, err)
			}
			got, err := json.MarshalIndent(Decide(defaultTables(), f), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			want := strings.TrimSuffix(in, ".json") + "-want.json"
			if *update {
				if err := os.WriteFile(want, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			w, err := os.ReadFile(want)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, w) {
				t.Errorf("Decide(%s) =\n%s\nwant\n%s", in, got, w)
			}
		})
	}
	if n == 0 {
		t.Fatal("no testdata/facts/*.json")
	}
}

// FuzzDecide: no facts JSON makes ParseFacts or Decide panic, and a
// decision on valid facts is never empty nor pays out more than the price.
func FuzzDecide(f *testing.F) {
	files, _ := filepath.Glob("testdata/facts/*.json")
	for _, in := range files {
		if data, err := os.ReadFile(in); err == nil && !strings.HasSuffix(in, "-want.json") {
			f.Add(data)
		}
	}
	f.Add([]byte(`{"category":"apparel","purchased":"2026-03-01","claimed":"2026-05-01","price_fen":9223372036854775807,"problem":"quality","repairable":false}`))
	tables := defaultTables()
	f.Fuzz(func(t *testing.T, data []byte) {
		facts, err := ParseFacts(data)
		if err != nil {
			return
		}
		d := Decide(tables, facts)
		if Validate(tables, facts) != nil {
			if d.Error == "" {
				t.Fatalf("invalid facts decided without error: %+v", d)
			}
			return
		}
		if len(d.Outcomes) == 0 {
			t.Fatalf("valid facts gave no outcome: %s", data)
		}
		for _, o := range d.Outcomes {
			if o.RefundFen < 0 || o.RefundFen > facts.PriceFen {
				t.Fatalf("refund %d outside 0..%d", o.RefundFen, facts.PriceFen)
			}
			for _, fee := range o.Fees {
				if fee.Fen < 0 {
					t.Fatalf("negative fee %+v", fee)
				}
			}
		}
	})
}

// BenchmarkDecide measures one decision on a busy case (unrepairable apparel
// after the exchange window: depreciation, shipping split, approval).
func BenchmarkDecide(b *testing.B) {
	tables := defaultTables()
	f := fx("apparel", Q, "2026-04-15", unrepairable(), request(RequestReturn), price(120000))
	b.ReportAllocs()
	for b.Loop() {
		Decide(tables, f)
	}
}

// BenchmarkDecideSimple measures a plain quality claim in the return window.
func BenchmarkDecideSimple(b *testing.B) {
	tables := defaultTables()
	f := fx("electronics", Q, "2026-03-03")
	b.ReportAllocs()
	for b.Loop() {
		Decide(tables, f)
	}
}
