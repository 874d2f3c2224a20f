package ui

import (
	"regexp"
	"strings"
	"testing"

	"shouhou/appliance"
	"shouhou/ui/catalog"
)

// fieldPath is an internal name in a message: a record's index or field
// path such as customer.phone or ticket.status.
var fieldPath = regexp.MustCompile(`\b[a-z_]+\.[a-z_]+\b`)

// latinWord is a Latin word in the Chinese half of a message.
var latinWord = regexp.MustCompile(`[A-Za-z]{2,}`)

// TestReplyMessagesSayNoInternals asks for records that are not there and
// reads the error each reply carries: Chinese first with English after
// " / ", no internal field path, no English word in the Chinese half
// (what the person typed, echoed back, aside).
func TestReplyMessagesSayNoInternals(t *testing.T) {
	r := MustRig(t, nil)
	c := r.asRole(t, appliance.RoleSupervisor)
	tests := []struct {
		name  string
		op    string
		args  map[string]any
		typed string // the value echoed back
		want  string // a phrase the Chinese half must say
	}{
		{"phone not found", "customer.lookup", map[string]any{"phone": "13900000000"}, "13900000000", "电话为 13900000000 的顾客"},
		{"ticket not found", "ticket.get", map[string]any{"number": "NONEXIST"}, "NONEXIST", "服务单"},
		{"card not found", "card.ledger", map[string]any{"card": "NOCARD"}, "NOCARD", "卡"},
		{"print job not found", "print.cancel", map[string]any{"id": "NOJOB"}, "NOJOB", "打印"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rep := c.call(tt.op, tt.args)
			if rep.OK || rep.Error == nil {
				t.Fatalf("%s(%v) ok, want an error", tt.op, tt.args)
			}
			msg := rep.Error.Message
			zh, en, ok := strings.Cut(msg, " / ")
			if !ok || en == "" {
				t.Fatalf("%s: message %q is not \"中文 / English\"", tt.op, msg)
			}
			if p := fieldPath.FindString(msg); p != "" {
				t.Errorf("%s: message %q names the internal path %q", tt.op, msg, p)
			}
			if w := latinWord.FindString(strings.ReplaceAll(zh, tt.typed, "")); w != "" {
				t.Errorf("%s: Chinese half %q has the English word %q", tt.op, zh, w)
			}
			if !strings.Contains(zh, tt.want) {
				t.Errorf("%s: Chinese half %q, want it to say %q", tt.op, zh, tt.want)
			}
		})
	}
}

// TestEveryWireCodeNamed fails when an error code a reply may carry has
// no name in the message catalogue (ui/catalog), in both languages.
func TestEveryWireCodeNamed(t *testing.T) {
	cat := catalog.New()
	codes := []string{CodeBadRequest, CodeUnknownOp, CodeForbidden, CodeRateLimited}
	for _, row := range errorTable {
		codes = append(codes, row.wire)
	}
	for _, code := range codes {
		n, ok := cat.Lookup("error", code)
		if !ok || n.ZH == "" || n.EN == "" {
			t.Errorf("catalog error %q = %+v, %v; want a name in both languages", code, n, ok)
		}
	}
}
