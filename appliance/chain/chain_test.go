package chain

import (
	"encoding/json"
	"testing"
)

func TestValidBranch(t *testing.T) {
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"SH01", true},
		{"north-2_b", true},
		{"", false},
		{"a.b", false}, // a subject token separator
		{"a*", false},  // a wildcard
		{"a b", false}, // a space
		{"分店", false},  // not ASCII: it becomes a NATS user name
		{"012345678901234567890123456789012", false}, // 33 characters
	} {
		if got := ValidBranch(tc.id); got != tc.want {
			t.Errorf("ValidBranch(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
}

func TestEventNames(t *testing.T) {
	e := &Event{Branch: "SH01", Seq: 42, Kind: KindTicket, ID: "T1", Data: json.RawMessage(`{}`)}
	if got := e.MsgID(); got != "SH01-42" {
		t.Errorf("MsgID = %q", got)
	}
	if got := Subject("SH01"); got != "shouhou.events.SH01" {
		t.Errorf("Subject = %q", got)
	}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	var back Event
	if err := json.Unmarshal(b, &back); err != nil || back.Seq != 42 || back.Branch != "SH01" {
		t.Errorf("round trip: %+v, %v", back, err)
	}
}

func TestBlacklistListed(t *testing.T) {
	for status, want := range map[string]bool{BlacklistLost: true, BlacklistCancelled: true,
		BlacklistReplaced: true, BlacklistCleared: false} {
		if got := (&BlacklistEntry{Status: status}).Listed(); got != want {
			t.Errorf("Listed(%s) = %v", status, got)
		}
	}
}
