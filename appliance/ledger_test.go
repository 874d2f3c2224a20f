package appliance

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"testing"
	"time"
)

// hashV1 is ComputeHash as first written (a list of fields joined with
// their lengths), which the append-based one must equal byte for byte:
// every stored entry's Hash was made by it.
func hashV1(e *LedgerEntry) string {
	fields := []string{
		"v1", e.Card, strconv.FormatInt(e.Seq, 10), strconv.FormatInt(e.GlobalSeq, 10), string(e.Kind),
		strconv.FormatInt(e.AmountFen, 10), strconv.FormatInt(e.BalanceFen, 10), e.Ticket, e.Reverses,
		e.Operator, e.Key, e.Time.UTC().Format(time.RFC3339Nano), e.PrevHash,
	}
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(strconv.Itoa(len(f)))
		b.WriteByte(':')
		b.WriteString(f)
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

func TestComputeHash(t *testing.T) {
	long := strings.Repeat("键", 300) // past the stack buffer
	for _, e := range []LedgerEntry{
		{},
		{Card: "SC-000001", Seq: 7, Kind: LedgerCharge, AmountFen: -100, BalanceFen: 999_900, Operator: "u1", Key: "0-1",
			Time: time.Date(2026, 12, 4, 9, 30, 0, 120000000, time.FixedZone("CST", 8*3600)), GlobalSeq: 1234, PrevHash: "ff00"},
		{Card: long, Seq: -9223372036854775808, GlobalSeq: 9223372036854775807, Kind: "x", Ticket: "T1", Reverses: "SC-1#2",
			Operator: long, Key: long, Time: time.Unix(1, 1), PrevHash: long, Hash: "ignored"},
	} {
		if got, want := e.ComputeHash(), hashV1(&e); got != want {
			t.Errorf("ComputeHash(%+v) = %s, want %s", e, got, want)
		}
	}
}
