package tickets_test

import (
	"flag"
	"os"
	"strings"
	"testing"

	"shouhou/appliance"
	"shouhou/appliance/tickets"
)

var update = flag.Bool("update", false, "rewrite testdata/transitions.md from the table")

// tableMarkdown renders the transition table for docs/tickets.md.
func tableMarkdown() string {
	var b strings.Builder
	b.WriteString("| kinds | from | to | roles | reason | what |\n|---|---|---|---|---|---|\n")
	for _, s := range tickets.Table() {
		kinds := "every kind"
		if len(s.Kinds) != len(appliance.TicketKinds) {
			ks := make([]string, len(s.Kinds))
			for i, k := range s.Kinds {
				ks[i] = string(k)
			}
			kinds = strings.Join(ks, ", ")
		}
		rs := make([]string, len(s.Roles))
		for i, r := range s.Roles {
			rs[i] = string(r)
		}
		reason := ""
		if s.Reason {
			reason = "required"
		}
		b.WriteString("| " + strings.Join([]string{kinds, string(s.From), string(s.To), strings.Join(rs, ", "), reason, s.What}, " | ") + " |\n")
	}
	return b.String()
}

// TestTableDocumented keeps testdata/transitions.md and docs/tickets.md in
// step with the table (go test -run TableDocumented -update rewrites the
// golden; paste it into the docs).
func TestTableDocumented(t *testing.T) {
	got := tableMarkdown()
	if *update {
		if err := os.WriteFile("testdata/transitions.md", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/transitions.md")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Fatalf("testdata/transitions.md is stale; run with -update\n got:\n%s", got)
	}
	docs, err := os.ReadFile("../../docs/tickets.md")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(docs), got) {
		t.Fatal("docs/tickets.md does not hold the transition table of testdata/transitions.md")
	}
}
