package store

import (
	"testing"

	"shouhou/appliance/chain"
)

// TestBlacklist applies a sequence of entries and checks what a swipe of
// each UID finds, that the writes leave the outbox alone, that Verify
// agrees with the UID index, and that the applied seq survives a reopen.
func TestBlacklist(t *testing.T) {
	dir := t.TempDir()
	db := MustOpenDir(t, dir)
	lost := func(card, status string, seq uint64, uids ...string) *chain.BlacklistEntry {
		return &chain.BlacklistEntry{Card: card, UIDs: uids, Branch: "b2", Status: status, Time: day, Seq: seq}
	}
	steps := []struct {
		name  string
		entry *chain.BlacklistEntry
		seq   uint64
		// want is, for each UID, the card and status found ("" for none).
		want map[string]string
	}{
		{"lost", lost("SC-9", chain.BlacklistLost, 4, "04AABB", "04AACC"), 1,
			map[string]string{"04AABB": "SC-9 lost", "04AACC": "SC-9 lost", "04DDEE": ""}},
		{"another card cancelled", lost("SC-7", chain.BlacklistCancelled, 5, "04DDEE"), 2,
			map[string]string{"04AABB": "SC-9 lost", "04DDEE": "SC-7 cancelled"}},
		{"found again, one chip dropped", lost("SC-9", chain.BlacklistCleared, 6, "04AABB"), 3,
			map[string]string{"04AABB": "SC-9 active", "04AACC": ""}},
		{"the chip rebound to a card that is lost", lost("SC-11", chain.BlacklistLost, 7, "04AABB"), 4,
			map[string]string{"04AABB": "SC-11 lost"}},
		{"b3's own SC-9 is another card", &chain.BlacklistEntry{Card: "SC-9", UIDs: []string{"04FFFF"}, Branch: "b3",
			Status: chain.BlacklistLost, Time: day, Seq: 2}, 5,
			map[string]string{"04AABB": "SC-11 lost", "04FFFF": "SC-9 lost"}},
	}
	for _, s := range steps {
		head := mustHead(t, db)
		mustUpdate(t, db, func(tx *Txn) error {
			if err := tx.PutBlacklisted(s.entry); err != nil {
				return err
			}
			return tx.SetBlacklistSeq(s.seq)
		})
		if got := mustHead(t, db); got != head {
			t.Errorf("%s: outbox head %d → %d, want no event for a blacklist entry", s.name, head, got)
		}
		for uid, want := range s.want {
			var got string
			err := db.View(func(tx *Txn) error {
				e, found, err := tx.BlacklistedUID(uid)
				if found {
					got = e.Card + " " + e.Status
				}
				return err
			})
			if err != nil {
				t.Fatalf("%s: BlacklistedUID(%s): %v", s.name, uid, err)
			}
			if got != want {
				t.Errorf("%s: BlacklistedUID(%s) = %q, want %q", s.name, uid, got, want)
			}
		}
		mustVerify(t, db)
	}
	db.Close()
	db = MustOpenDir(t, dir)
	err := db.View(func(tx *Txn) error {
		seq, err := tx.BlacklistSeq()
		if err == nil && seq != 5 {
			t.Errorf("BlacklistSeq after reopen = %d, want 5", seq)
		}
		e, found, err2 := tx.Blacklisted("b2", "SC-7")
		if err2 != nil || !found || e.Status != chain.BlacklistCancelled || e.Branch != "b2" {
			t.Errorf("Blacklisted(SC-7) = %+v, %v, %v; want cancelled at b2", e, found, err2)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if e, found, err := viewBlacklisted(db, "b3", "SC-7"); err != nil || found {
		t.Errorf("Blacklisted(b3, SC-7) = %+v, %v, %v; want none: b2's SC-7 is another card", e, found, err)
	}
	bad := &chain.BlacklistEntry{Card: "SC-1", Branch: "b.2", Status: chain.BlacklistLost}
	if err := db.Update(func(tx *Txn) error { return tx.PutBlacklisted(bad) }); err == nil {
		t.Error("PutBlacklisted with branch b.2 succeeded, want an error")
	}
	if err := db.View(func(tx *Txn) error { return tx.SetBlacklistSeq(9) }); err == nil {
		t.Error("SetBlacklistSeq in a View succeeded, want an error")
	}
}

func viewBlacklisted(db *DB, branch, card string) (e *chain.BlacklistEntry, found bool, err error) {
	err = db.View(func(tx *Txn) error {
		e, found, err = tx.Blacklisted(branch, card)
		return err
	})
	return e, found, err
}
