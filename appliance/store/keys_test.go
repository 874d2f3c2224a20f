package store

import (
	"fmt"
	"testing"
)

// TestKeys: record and index keys and ledger IDs are what the key layout
// says (built without fmt or string concatenation, so checked against them).
func TestKeys(t *testing.T) {
	for _, seq := range []int64{0, 1, 7, 999999999999, 1000000000000, 9223372036854775807, -1, -9223372036854775808} {
		for _, card := range []string{"SC-000001", "", "卡"} {
			if got, want := ledgerID(card, seq), fmt.Sprintf("%s/%012d", card, seq); got != want {
				t.Errorf("ledgerID(%q, %d) = %q, want %q", card, seq, got, want)
			}
		}
	}
	for _, c := range []struct {
		e    indexEntry
		id   string
		want string
	}{
		{indexEntry{name: idxLedgerKey, value: "k-1", unique: true}, "SC-1/000000000001", "u/ledger.key/k-1"},
		{indexEntry{name: idxLedgerDay, value: "20261204"}, "SC-1/000000000001", "x/ledger.day/20261204\x00SC-1/000000000001"},
		{indexEntry{name: idxCardCustomer}, "", "x/card.customer/\x00"},
	} {
		if got := string(c.e.key(c.id)); got != c.want {
			t.Errorf("%+v.key(%q) = %q, want %q", c.e, c.id, got, c.want)
		}
	}
	if got, want := string(cards.recordKey("SC-1")), "r/card/SC-1"; got != want {
		t.Errorf("cards.recordKey(SC-1) = %q, want %q", got, want)
	}
}
