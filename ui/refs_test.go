package ui

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"shouhou/appliance"
)

// TestTypedReferencesOverTheWire: what a clerk types is resolved against
// the store's config and records before anything is written; an unknown
// reference is refused naming the field and offering the known values.
func TestTypedReferencesOverTheWire(t *testing.T) {
	w := mustWorkflowRig(t)
	defer w.queue.Close()
	clerk := w.deskClerk(t)
	var in ticketReply
	mustOK(t, clerk, "ticket.intake", repairArgs("refs-1"), &in)
	complaint := func(reason string) map[string]any {
		return map[string]any{"kind": "complaint", "phone": "13800130020", "fault": "送货员态度差", "complaint_reason": reason}
	}
	tests := []struct {
		name, op string
		args     map[string]any
		code     string
		field    string
		offers   string // a known value the message offers
	}{
		{"technician on no staff list", "ticket.assign", map[string]any{"number": in.Ticket.Number, "technician": "=1+1"},
			"invalid", "technician", "tech（李强）"},
		{"a supervisor is no technician", "ticket.assign", map[string]any{"number": in.Ticket.Number, "technician": "boss"},
			"invalid", "technician", "tech (李强)"},
		{"complaint reason not configured", "ticket.intake", complaint("=HYPERLINK(\"x\")"), "invalid", "complaint_reason", "service（服务态度）"},
		{"complaint without a reason", "ticket.intake", complaint(""), "invalid", "complaint_reason", ""},
		{"complaint free text as the problem", "ticket.intake", map[string]any{"kind": "complaint", "phone": "13800130020",
			"fault": "x", "complaint_reason": "service", "problem": "态度"}, "invalid", "problem", "quality"},
		{"unknown category", "ticket.intake", map[string]any{"kind": "repair", "phone": "13800130020", "fault": "x", "problem": "quality",
			"purchase": map[string]any{"name": "水壶", "category": "=1+1", "purchased": "2026-01-01", "price_fen": 100}},
			"invalid", "purchase.category", "electronics"},
		{"unknown printer", "print.move", map[string]any{"id": "000000000001", "printer": "nowhere"}, "not_found", "printer", "receipt1"},
		{"unknown printer to retry", "print.retry", map[string]any{"printer": "nowhere"}, "not_found", "printer", "receipt1"},
		{"unknown form", "form.get", map[string]any{"name": "=1+1", "number": in.Ticket.Number}, "invalid", "name", "tracking"},
		{"unknown card", "card.topup", map[string]any{"key": "refs-k", "card": "SC-999999", "amount_fen": 100}, "not_found", "card", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := clerk.call(tc.op, tc.args)
			if r.OK || r.Error.Code != tc.code || r.Error.Field != tc.field || !strings.Contains(r.Error.Message, tc.offers) {
				t.Fatalf("%s %v = %+v, want %s naming %s offering %q", tc.op, tc.args, r.Error, tc.code, tc.field, tc.offers)
			}
		})
	}
	var d ticketDetail
	mustOK(t, clerk, "ticket.get", map[string]string{"number": in.Ticket.Number}, &d)
	if d.Ticket.Technician != "" || d.Ticket.Status != appliance.StatusOpen {
		t.Errorf("after refused assigns: technician %q status %s, want none and open", d.Ticket.Technician, d.Ticket.Status)
	}
	mustOK(t, clerk, "ticket.assign", map[string]any{"number": in.Ticket.Number, "technician": "tech"}, nil)

	var reasons, techs []choice
	mustOK(t, clerk, "complaint.reasons", nil, &reasons)
	mustOK(t, clerk, "technicians.list", nil, &techs)
	if len(reasons) != 8 || reasons[1] != (choice{"service", "服务态度"}) || reasons[7].ID != "other" {
		t.Errorf("complaint.reasons = %v, want the seed's eight", reasons)
	}
	if len(techs) != 1 || techs[0] != (choice{"tech", "李强"}) {
		t.Errorf("technicians.list = %v, want tech 李强", techs)
	}
	var done ticketReply
	mustOK(t, clerk, "ticket.intake", complaint("service"), &done)
	if done.Ticket.ComplaintReason != "service" {
		t.Errorf("complaint reason = %q, want service", done.Ticket.ComplaintReason)
	}
	// The ticket detail names the reason as policy.toml does, not by its code.
	var cd ticketDetail
	mustOK(t, clerk, "ticket.get", map[string]string{"number": done.Ticket.Number}, &cd)
	if cd.ComplaintReason != "服务态度" {
		t.Errorf("ticket.get complaint_reason = %q, want 服务态度 (policy.toml's name for service)", cd.ComplaintReason)
	}
	if d.ComplaintReason != "" {
		t.Errorf("ticket.get complaint_reason of a repair = %q, want none", d.ComplaintReason)
	}
}

// TestUnknownDeskListsDesks: a kiosk on a desk devices.toml does not have
// is refused (400) with the desks it has.
func TestUnknownDeskListsDesks(t *testing.T) {
	rig := MustRig(t, nil)
	_, resp, err := websocket.DefaultDialer.Dial(rig.url+"?desk=desk9", nil)
	if err == nil || resp == nil {
		t.Fatalf("dial an unknown desk: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "desk1") || !strings.Contains(string(body), "desk9") {
		t.Errorf("unknown desk = %d %q, want 400 naming desk9 and offering desk1", resp.StatusCode, body)
	}
}
