package cards

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"shouhou/appliance"
	"shouhou/appliance/chain"
	"shouhou/appliance/store"
)

// TestResolveChainBlacklist swipes UIDs the chain's blacklist names (for
// cards of other branches this box never saw, and for its own) and checks
// which are refused, naming the branch and what it reported.
func TestResolveChainBlacklist(t *testing.T) {
	f := mustServiceAt(t, t.TempDir(), testPolicy(), "b1")
	ctx := context.Background()
	mustUpdate(t, f.db, func(tx *store.Txn) error {
		return tx.PutCustomer(&appliance.Customer{ID: "c3", Name: "韩梅梅", Phones: []string{"13800000003"}})
	})
	for i, uid := range []string{"04B1000001", "04B1000002", "04B1000003"} {
		if _, err := f.svc.Issue(ctx, clerk, IssueArgs{Key: "issue-" + uid, CustomerID: []string{"c1", "c2", "c3"}[i], UID: uid}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.ReportLost(ctx, clerk, "SC-000003"); err != nil {
		t.Fatal(err)
	}
	entry := func(branch, card, status string, seq uint64, uids ...string) chain.BlacklistEntry {
		return chain.BlacklistEntry{Card: card, UIDs: uids, Branch: branch, Status: status, Time: start, Seq: seq}
	}
	tests := []struct {
		name    string
		entries []chain.BlacklistEntry // applied in order before the swipe
		uid     string
		code    string   // "" for let through
		message []string // what the refusal must say
	}{
		{"a card unknown here, lost at b2", []chain.BlacklistEntry{entry("b2", "SC-000009", chain.BlacklistLost, 4, "04AABB01")},
			"04aabb01", appliance.EUNAUTHORIZED, []string{"b2 分店挂失", "reported lost at branch b2", "SC-000009"}},
		{"cancelled at b2", []chain.BlacklistEntry{entry("b2", "SC-000010", chain.BlacklistCancelled, 5, "04AABB02")},
			"04AABB02", appliance.EUNAUTHORIZED, []string{"b2 分店注销", "cancelled at branch b2"}},
		{"replaced at b3, second chip", []chain.BlacklistEntry{entry("b3", "SC-000001", chain.BlacklistReplaced, 2, "04AABB03", "04AABB04")},
			"04AABB04", appliance.EUNAUTHORIZED, []string{"b3 分店补换", "replaced at branch b3"}},
		{"lost then found at b2: unknown here again", []chain.BlacklistEntry{
			entry("b2", "SC-000011", chain.BlacklistLost, 6, "04AABB05"), entry("b2", "SC-000011", chain.BlacklistCleared, 7, "04AABB05")},
			"04AABB05", appliance.ENOTFOUND, nil},
		{"found then lost again at b2", []chain.BlacklistEntry{
			entry("b2", "SC-000012", chain.BlacklistCleared, 8, "04AABB06"), entry("b2", "SC-000012", chain.BlacklistLost, 9, "04AABB06")},
			"04AABB06", appliance.EUNAUTHORIZED, []string{"b2"}},
		{"this box's active card whose chip b2 listed", []chain.BlacklistEntry{entry("b2", "SC-000002", chain.BlacklistLost, 10, "04B1000002")},
			"04B1000002", appliance.EUNAUTHORIZED, []string{"b2", "SC-000002"}},
		{"b1's own card, active here: the entry lags behind the box", []chain.BlacklistEntry{entry("b1", "SC-000001", chain.BlacklistLost, 3, "04B1000001")},
			"04B1000001", "", nil},
		{"a b1 card this box no longer holds", []chain.BlacklistEntry{entry("b1", "SC-000099", chain.BlacklistLost, 4, "04AABB07")},
			"04AABB07", appliance.EUNAUTHORIZED, []string{"b1"}},
		{"lost here, not yet on the chain's list", nil, "04B1000003", appliance.EUNAUTHORIZED, []string{"SC-000003", "is reported lost"}},
		{"b2's SC-000003 cleared does not clear b1's own", []chain.BlacklistEntry{entry("b2", "SC-000003", chain.BlacklistCleared, 11, "04AABB08")},
			"04B1000003", appliance.EUNAUTHORIZED, []string{"SC-000003"}},
		{"a chip nobody listed", nil, "04AABB99", appliance.ENOTFOUND, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, e := range tt.entries {
				mustUpdate(t, f.db, func(tx *store.Txn) error { return tx.PutBlacklisted(&e) })
			}
			sub := f.bus.Subscribe(16)
			defer sub.Close()
			h, err := f.svc.Resolve(tt.uid, "desk1")
			if appliance.ErrorCode(err) != tt.code {
				t.Fatalf("Resolve(%s) = %+v, %v; want code %q", tt.uid, h, err, tt.code)
			}
			for _, m := range tt.message {
				if !strings.Contains(appliance.ErrorMessage(err), m) {
					t.Errorf("Resolve(%s) message %q, want it to say %q", tt.uid, appliance.ErrorMessage(err), m)
				}
			}
			if got, want := sawEvent(sub, EventCardBlocked), tt.code == appliance.EUNAUTHORIZED; got != want {
				t.Errorf("card.blocked published = %v, want %v", got, want)
			}
		})
	}
	mustVerify(t, f.db)
}

func mustUpdate(tb testing.TB, db *store.DB, fn func(*store.Txn) error) {
	tb.Helper()
	if err := db.Update(fn); err != nil {
		tb.Fatal(err)
	}
}

// TestBindChainBlacklisted issues, binds and replaces cards with chips the
// chain's blacklist names: a chip another branch reported lost, cancelled
// or replaced is refused with the message a swipe of it gets (naming the
// branch), and is bound to no card afterwards; a chip listed and cleared
// since, or listed by this box itself for a card it holds (its own record
// decides), is not refused for being listed.
func TestBindChainBlacklisted(t *testing.T) {
	f := mustServiceAt(t, t.TempDir(), testPolicy(), "b1")
	ctx := context.Background()
	mustUpdate(t, f.db, func(tx *store.Txn) error {
		for _, c := range []*appliance.Customer{{ID: "c3", Name: "韩梅梅"}, {ID: "c4", Name: "张伟"}} {
			if err := tx.PutCustomer(c); err != nil {
				return err
			}
		}
		return nil
	})
	if _, err := f.svc.Issue(ctx, clerk, IssueArgs{Key: "issue-c1", CustomerID: "c1", UID: "04B1000001"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Issue(ctx, clerk, IssueArgs{Key: "issue-c2", CustomerID: "c2"}); err != nil {
		t.Fatal(err)
	}
	for i, e := range []chain.BlacklistEntry{
		{Card: "SC-000009", UIDs: []string{"04AABB01"}, Branch: "b2", Status: chain.BlacklistLost},
		{Card: "SC-000010", UIDs: []string{"04AABB02"}, Branch: "b3", Status: chain.BlacklistCancelled},
		{Card: "SC-000011", UIDs: []string{"04AABB03", "04AABB04"}, Branch: "b2", Status: chain.BlacklistReplaced},
		{Card: "SC-000012", UIDs: []string{"04AABB05"}, Branch: "b2", Status: chain.BlacklistLost},
		{Card: "SC-000012", UIDs: []string{"04AABB05"}, Branch: "b2", Status: chain.BlacklistCleared},
		{Card: "SC-000001", UIDs: []string{"04B1000001"}, Branch: "b1", Status: chain.BlacklistLost},
		{Card: "SC-000099", UIDs: []string{"04AABB07"}, Branch: "b1", Status: chain.BlacklistLost},
	} {
		e.Time, e.Seq = start, uint64(i+1)
		mustUpdate(t, f.db, func(tx *store.Txn) error { return tx.PutBlacklisted(&e) })
	}
	issue := func(customer, uid string) func() error {
		return func() error {
			_, err := f.svc.Issue(ctx, clerk, IssueArgs{Key: "issue-" + customer + "-" + uid, CustomerID: customer, UID: uid})
			return err
		}
	}
	bind := func(card, uid string) func() error {
		return func() error { _, err := f.svc.BindUID(ctx, clerk, card, uid); return err }
	}
	replace := func(card, uid string) func() error {
		return func() error {
			_, err := f.svc.Replace(ctx, clerk, ReplaceArgs{Key: "replace-" + card + "-" + uid, Card: card, NewUID: uid})
			return err
		}
	}
	tests := []struct {
		name    string
		do      func() error
		uid     string   // the chip, bound to no card after a refusal
		code    string   // "" for done
		message []string // what the refusal must say
	}{
		{"issue with a chip lost at b2", issue("c3", "04aabb01"), "04AABB01", appliance.EUNAUTHORIZED,
			[]string{"SC-000009", "b2 分店挂失", "reported lost at branch b2"}},
		{"issue with a chip cancelled at b3", issue("c3", "04AABB02"), "04AABB02", appliance.EUNAUTHORIZED,
			[]string{"b3 分店注销", "cancelled at branch b3"}},
		{"bind a chip replaced at b2", bind("SC-000002", "04AABB04"), "04AABB04", appliance.EUNAUTHORIZED,
			[]string{"SC-000011", "b2 分店补换", "replaced at branch b2"}},
		{"bind a chip lost at b2", bind("SC-000002", "04AABB01"), "04AABB01", appliance.EUNAUTHORIZED,
			[]string{"reported lost at branch b2"}},
		{"replace onto a chip lost at b2", replace("SC-000001", "04AABB01"), "04AABB01", appliance.EUNAUTHORIZED,
			[]string{"reported lost at branch b2"}},
		{"bind a chip of a b1 card this box no longer holds", bind("SC-000002", "04AABB07"), "04AABB07", appliance.EUNAUTHORIZED,
			[]string{"SC-000099", "branch b1"}},
		{"bind this box's own chip, listed by the lagging entry, to another card", bind("SC-000002", "04B1000001"), "", appliance.ECONFLICT,
			[]string{"bound to card SC-000001"}},
		{"bind this box's own chip to its card again", bind("SC-000001", "04B1000001"), "", "", nil},
		{"bind a chip lost at b2 and cleared since", bind("SC-000002", "04AABB05"), "", "", nil},
		{"issue with a chip nobody listed", issue("c3", "04AABB99"), "", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.do()
			if appliance.ErrorCode(err) != tt.code {
				t.Fatalf("err = %v, want code %q", err, tt.code)
			}
			for _, m := range tt.message {
				if !strings.Contains(appliance.ErrorMessage(err), m) {
					t.Errorf("message %q, want it to say %q", appliance.ErrorMessage(err), m)
				}
			}
			if tt.uid == "" {
				return
			}
			err = f.db.View(func(tx *store.Txn) error {
				c, err := tx.CardByUID(tt.uid)
				if err == nil {
					return fmt.Errorf("chip %s bound to card %s after the refusal", tt.uid, c.Number)
				}
				if appliance.ErrorCode(err) == appliance.ENOTFOUND {
					return nil
				}
				return err
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	mustVerify(t, f.db)
}
