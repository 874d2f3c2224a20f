package appliance

import "testing"

func TestAuditQueryMatchesRecords(t *testing.T) {
	for _, tc := range []struct {
		record, query string
		want          bool
	}{
		{"card/SC-000001", "", true},
		{"card/SC-000001", "card/SC-000001", true},
		{"card/SC-000001", "card/", true},
		{"card/SC-000001", "card/SC-000002", false},
		{"card/SC-000001,SC-000007", "card/SC-000007", true}, // a batch's entry, by its second card
		{"card/SC-000001,SC-000007", "card/SC-000001", true},
		{"card/SC-000001,SC-000007", "card/SC-000002", false},
		{"card/SC-000001,SC-000007", "ticket/SC-000007", false},
		{"ticket/T20261123-0001", "ticket/T20261123", true},
		{"config", "card/", false},
	} {
		got := AuditQuery{Record: tc.query}.Match(&AuditEntry{Record: tc.record})
		if got != tc.want {
			t.Errorf("record %q, query %q: match = %v, want %v", tc.record, tc.query, got, tc.want)
		}
	}
}
