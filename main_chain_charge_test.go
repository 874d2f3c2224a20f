package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/chain"
	"shouhou/appliance/store"
	"shouhou/drivers/chaintest"
)

// TestServeCrossBranchCharge runs two boxes in-process on one
// nats-server with [chain] cross_branch_charge on: a card b1 issues is
// charged from b2's card.charge path on b1's ledger; a third box with the
// switch off starts none of it.
func TestServeCrossBranchCharge(t *testing.T) {
	n := chaintest.StartNATS(t, chaintest.NATSOptions{})
	section := func(branch string, on bool) string {
		s := "branch = \"" + branch + "\"\nurl = \"" + n.URL() + "\"\n"
		if on {
			s += "cross_branch_charge = true\n"
		}
		return s
	}
	b1, b2 := runBranchMain(t, section("b1", true)), runBranchMain(t, section("b2", true))
	if b1.foreign == nil || b2.foreign == nil {
		t.Fatal("cross_branch_charge = true started no charge client")
	}
	err := b1.db.Update(func(tx *store.Txn) error {
		return tx.PutCustomer(&appliance.Customer{ID: "c1", Name: "王芳", Phones: []string{"13900000001"}})
	})
	if err != nil {
		t.Fatal(err)
	}
	clerk := appliance.Actor{ID: "clerk", Role: appliance.RoleClerk, Desk: "desk1"}
	res, err := b1.cards.Issue(context.Background(), clerk, cards.IssueArgs{Key: "issue-1", CustomerID: "c1", UID: "04A1B2C3D4E5F6", DepositFen: 5000})
	if err != nil {
		t.Fatal(err)
	}
	number := res.Card.Number
	deadline := time.Now().Add(30 * time.Second)
	for {
		reply, err := b2.foreign.Charge(context.Background(), "04A1B2C3D4E5F6", chain.ChargeRequest{Key: "k1", Amount: 1200, Desk: "desk2", Operator: "clerk"})
		if err == nil {
			if reply.Entry != number+"#2" || reply.Balance != 3800 {
				t.Fatalf("Charge = %+v, want %s#2, balance 3800", reply, number)
			}
			break
		}
		// Until b1's directory writer has written the card, no branch has it.
		if appliance.ErrorCode(err) != appliance.ENOTFOUND && !strings.Contains(appliance.ErrorMessage(err), "cannot be reached") {
			t.Fatalf("Charge: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatalf("Charge still refused after 30 s: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	card, entries, err := b1.cards.Ledger(number)
	if err != nil || len(entries) != 2 || card.BalanceFen != 3800 || entries[1].Operator != "b2/clerk" {
		t.Fatalf("b1's ledger of %s: %v, %d entries, balance %d; want 2, 3800, the last by b2/clerk", number, err, len(entries), card.BalanceFen)
	}

	// The desk's op at b2, twice with one key (the clerk confirming again):
	// one more entry at b1, and b2's answer carries b1's balance.
	ws := dialStaff(t, b2.Addr(), "clerk", "1111")
	args := map[string]any{"key": "desk-k2", "card": number, "amount_fen": 800, "uid": "04a1b2c3d4e5f6"}
	for range 2 {
		var got struct {
			Card   appliance.Card `json:"card"`
			Branch string         `json:"branch"`
		}
		ws.mustCall("card.charge", args, &got)
		if got.Branch != "b1" || got.Card.Number != number || got.Card.BalanceFen != 3000 {
			t.Errorf("card.charge at b2 = %+v, want b1's %s at 3000", got, number)
		}
	}
	if card, entries, _ := b1.cards.Ledger(number); len(entries) != 3 || card.BalanceFen != 3000 {
		t.Errorf("b1's ledger after b2's desk charged twice with one key: %d entries, balance %d; want 3, 3000", len(entries), card.BalanceFen)
	}
	off := runBranchMain(t, section("b3", false))
	if off.foreign != nil || off.crossDone != nil {
		t.Error("cross_branch_charge off started the cross-branch workers")
	}
	err = dialStaff(t, off.Addr(), "clerk", "1111").call("card.charge", args, nil)
	if err == nil || !strings.Contains(err.Error(), "no such card") {
		t.Errorf("card.charge of b1's card at b3 (switch off) = %v, want refused as unknown", err)
	}
}
