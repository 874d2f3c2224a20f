package store

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

// appendChain writes n top-ups of 100 fen to a card, the card kept in step
// the way the cards service keeps it.
func appendChain(t *testing.T, db *DB, card string, n int) {
	t.Helper()
	mustUpdate(t, db, func(tx *Txn) error {
		c := &appliance.Card{Number: card, CustomerID: "c1", Status: appliance.CardActive}
		for i := 1; i <= n; i++ {
			e := &appliance.LedgerEntry{Card: card, Seq: int64(i), Kind: appliance.LedgerTopup, AmountFen: 100,
				BalanceFen: int64(100 * i), Operator: "clerk1", Key: fmt.Sprintf("%s-%d", card, i), Time: day, PrevHash: c.LedgerHead}
			if err := tx.AppendLedger(e); err != nil {
				return err
			}
			c.BalanceFen, c.LedgerCount, c.LedgerHead = e.BalanceFen, e.Seq, e.Hash
		}
		return tx.PutCard(c)
	})
}

// TestVerifyFindsTamperedLedger changes the stored ledger behind the API,
// as someone with the disk could, and expects Verify to name the damage.
func TestVerifyFindsTamperedLedger(t *testing.T) {
	entryKey := func(card string, seq int64) []byte { return ledger.recordKey(ledgerID(card, seq)) }
	tests := []struct {
		name    string
		tamper  func(*badger.Txn) error
		wantMsg string
	}{
		{"one byte of an amount changed", func(b *badger.Txn) error {
			return rewrite(b, entryKey("SC-000001", 2), func(v []byte) []byte {
				return bytes.Replace(v, []byte(`"amount_fen":100,`), []byte(`"amount_fen":900,`), 1)
			})
		}, "SC-000001#2"},
		{"an entry deleted from the middle", func(b *badger.Txn) error {
			return b.Delete(entryKey("SC-000001", 2))
		}, "SC-000001#3"},
		{"the last entry deleted", func(b *badger.Txn) error {
			return b.Delete(entryKey("SC-000002", 3))
		}, "card SC-000002"},
		{"a card's balance raised", func(b *badger.Txn) error {
			return rewrite(b, cards.recordKey("SC-000002"), func(v []byte) []byte {
				return bytes.Replace(v, []byte(`"balance_fen":300`), []byte(`"balance_fen":30000`), 1)
			})
		}, "card SC-000002: balance 30000"},
		{"an entry rewritten whole with a fresh hash", func(b *badger.Txn) error {
			return rewrite(b, entryKey("SC-000001", 3), func(v []byte) []byte {
				var e appliance.LedgerEntry
				decode(v, &e)
				e.Operator = "mallory"
				e.Hash = e.ComputeHash()
				out, _ := encode(&e)
				return out
			})
		}, "ledger"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpen(t)
			appendChain(t, db, "SC-000001", 3)
			appendChain(t, db, "SC-000002", 3)
			mustVerify(t, db)
			if err := db.bdb.Update(tt.tamper); err != nil {
				t.Fatal(err)
			}
			r, err := db.Verify()
			if err != nil {
				t.Fatal(err)
			}
			if r.OK() || !strings.Contains(strings.Join(r.Problems, "\n"), tt.wantMsg) {
				t.Fatalf("Verify after tampering:\n%s\nwant a problem naming %q", r, tt.wantMsg)
			}
		})
	}
}

// rewrite replaces the value at key with edit(value); edit must change it.
func rewrite(b *badger.Txn, key []byte, edit func([]byte) []byte) error {
	item, err := b.Get(key)
	if err != nil {
		return err
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return err
	}
	nv := edit(v)
	if bytes.Equal(nv, v) {
		return fmt.Errorf("tamper of %s changed nothing", key)
	}
	return b.Set(key, nv)
}

// TestStoreChainInWindows folds the store-wide chain a few sequence
// numbers at a time, as Verify does a quarter million at a time: every
// window size gives the stored head, and a gap is named.
func TestStoreChainInWindows(t *testing.T) {
	db := MustOpen(t)
	for _, card := range []string{"SC-000001", "SC-000002", "SC-000003"} {
		appendChain(t, db, card, 5)
	}
	for _, window := range []int64{1, 4, 15, 16, 1 << 18} {
		var r Report
		var head, stored string
		err := db.View(func(tx *Txn) (err error) {
			if head, err = tx.foldStoreChain(&r, 15, window); err != nil {
				return err
			}
			stored, err = tx.LedgerHead()
			return err
		})
		if err != nil || head != stored || !r.OK() {
			t.Errorf("window %d: head %.8s, stored %.8s, problems %q, %v", window, head, stored, r.Problems, err)
		}
	}
	if err := db.bdb.Update(func(b *badger.Txn) error { return b.Delete(ledger.recordKey(ledgerID("SC-000002", 5))) }); err != nil {
		t.Fatal(err)
	}
	var r Report
	err := db.View(func(tx *Txn) error { _, err := tx.foldStoreChain(&r, 14, 4); return err })
	if err != nil || len(r.Problems) == 0 || !strings.Contains(strings.Join(r.Problems, "\n"), "store-wide sequence") {
		t.Errorf("a gap in the store-wide sequence: problems %q, %v", r.Problems, err)
	}
}

// TestCheckCardLedger checks copies of a card's ledger as head office holds
// them: sound as written, and each kind of damage Verify names named too.
func TestCheckCardLedger(t *testing.T) {
	db := MustOpen(t)
	appendChain(t, db, "SC-000001", 3)
	var card *appliance.Card
	var entries []*appliance.LedgerEntry
	err := db.View(func(tx *Txn) error {
		var err error
		if card, err = tx.Card("SC-000001"); err != nil {
			return err
		}
		return tx.EachLedgerEntry(func(e *appliance.LedgerEntry) error { entries = append(entries, e); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	if p := CheckCardLedger(card.Number, card, entries); len(p) != 0 {
		t.Fatalf("CheckCardLedger(sound) = %q, want none", p)
	}
	edited := func(i int, edit func(*appliance.LedgerEntry)) []*appliance.LedgerEntry {
		out := append([]*appliance.LedgerEntry{}, entries...)
		e := *out[i]
		edit(&e)
		out[i] = &e
		return out
	}
	richer := *card
	richer.BalanceFen += 100
	for _, tc := range []struct {
		name    string
		card    *appliance.Card
		entries []*appliance.LedgerEntry
		want    string
	}{
		{"an amount changed", card, edited(1, func(e *appliance.LedgerEntry) { e.AmountFen = 900 }), "SC-000001#2: hash"},
		{"an entry missing", card, append(append([]*appliance.LedgerEntry{}, entries[0]), entries[2]), "SC-000001#3: expected entry #2"},
		{"the last entry missing", card, entries[:2], "card SC-000001: balance 300"},
		{"rewritten with a fresh hash", card, edited(2, func(e *appliance.LedgerEntry) { e.Operator = "mallory"; e.Hash = e.ComputeHash() }), "ledger count/head"},
		{"a balance raised", &richer, entries, "card SC-000001: balance 400"},
		{"no card record", nil, entries, "which does not exist"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := CheckCardLedger("SC-000001", tc.card, tc.entries)
			if !strings.Contains(strings.Join(p, "\n"), tc.want) {
				t.Errorf("CheckCardLedger = %q, want a problem naming %q", p, tc.want)
			}
		})
	}
}
