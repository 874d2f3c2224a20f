package cards

import (
	"context"
	"errors"
	"testing"

	"shouhou/appliance"
)

// moneyDo runs one money operation of fen by actor on card.
type moneyDo func(f *fixture, actor appliance.Actor, card string, fen int64) error

var (
	topUp moneyDo = func(f *fixture, a appliance.Actor, card string, fen int64) error {
		_, err := f.svc.TopUp(context.Background(), a, MoneyArgs{Key: "op", Card: card, AmountFen: fen})
		return err
	}
	// charge tops up fen as a supervisor, then charges it as a.
	charge moneyDo = func(f *fixture, a appliance.Actor, card string, fen int64) error {
		if _, err := f.svc.TopUp(context.Background(), supervisor, MoneyArgs{Key: "t", Card: card, AmountFen: fen}); err != nil {
			return err
		}
		_, err := f.svc.Charge(context.Background(), a, MoneyArgs{Key: "op", Card: card, AmountFen: fen})
		return err
	}
	refund moneyDo = func(f *fixture, a appliance.Actor, card string, fen int64) error {
		_, err := f.svc.Refund(context.Background(), a, MoneyArgs{Key: "op", Card: card, AmountFen: fen})
		return err
	}
	// reverseTopUp tops up fen as a supervisor, then reverses it as a.
	reverseTopUp moneyDo = func(f *fixture, a appliance.Actor, card string, fen int64) error {
		res, err := f.svc.TopUp(context.Background(), supervisor, MoneyArgs{Key: "t", Card: card, AmountFen: fen})
		if err != nil {
			return err
		}
		_, err = f.svc.Reverse(context.Background(), a, ReverseArgs{Key: "op", Card: card, Seq: res.Entries[0].Seq})
		return err
	}
	// cashOut cancels the card, paying out a balance of fen.
	cashOut moneyDo = func(f *fixture, a appliance.Actor, card string, fen int64) error {
		if _, err := f.svc.TopUp(context.Background(), supervisor, MoneyArgs{Key: "t", Card: card, AmountFen: fen}); err != nil {
			return err
		}
		_, err := f.svc.Cancel(context.Background(), a, CancelArgs{Key: "op", Card: card})
		return err
	}
	// issueWith issues another customer's card with a deposit of fen.
	issueWith moneyDo = func(f *fixture, a appliance.Actor, _ string, fen int64) error {
		_, err := f.svc.Issue(context.Background(), a, IssueArgs{Key: "op", CustomerID: "c2", DepositFen: fen})
		return err
	}
)

// TestMoneyLimitsPerRole: every money operation above the clerk's limit
// is refused naming the amount's field, with nothing written, and a
// supervisor does it; at the limit the clerk may.
func TestMoneyLimitsPerRole(t *testing.T) {
	tests := []struct {
		name  string
		do    moneyDo
		actor appliance.Actor
		fen   int64
		field string // "" when the operation is done
	}{
		{"top-up at the clerk's limit", topUp, clerk, 500000, ""},
		{"top-up above the clerk's limit", topUp, clerk, 500001, "amount_fen"},
		{"top-up of 1,000,000 yuan by a supervisor", topUp, supervisor, 100000000, ""},
		{"charge above the clerk's limit", charge, clerk, 500001, "amount_fen"},
		{"charge above it by a supervisor", charge, supervisor, 500001, ""},
		{"refund at the clerk's limit", refund, clerk, 100000, ""},
		{"refund above the clerk's limit", refund, clerk, 100001, "amount_fen"},
		{"refund above it by a supervisor", refund, supervisor, 100001, ""},
		{"reversal above the clerk's limit", reverseTopUp, clerk, 20001, "amount_fen"},
		{"reversal above it by a supervisor", reverseTopUp, supervisor, 20001, ""},
		{"cash-out at the clerk's limit", cashOut, clerk, 100000, ""},
		{"cash-out above the clerk's limit", cashOut, clerk, 100001, "amount_fen"},
		{"cash-out above it by a supervisor", cashOut, supervisor, 100001, ""},
		{"deposit above the clerk's top-up limit", issueWith, clerk, 500001, "deposit_fen"},
		{"deposit above it by a supervisor", issueWith, supervisor, 500001, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := MustService(t, testPolicy())
			res, err := f.svc.Issue(context.Background(), supervisor, IssueArgs{Key: "i", CustomerID: "c1"})
			if err != nil {
				t.Fatal(err)
			}
			card := res.Card.Number
			err = tc.do(f, tc.actor, card, tc.fen)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("%s by %s = %v, want done", tc.name, tc.actor.Role, err)
				}
				return
			}
			var ae *appliance.Error
			if appliance.ErrorCode(err) != appliance.EUNAUTHORIZED || !errors.As(err, &ae) || ae.Field != tc.field {
				t.Fatalf("%s = %v, want unauthorized naming %s", tc.name, err, tc.field)
			}
			got, entries, err := f.svc.Ledger(card)
			if err != nil {
				t.Fatal(err)
			}
			if last := entries[len(entries)-1]; last.Kind == appliance.LedgerReversal || last.Kind == appliance.LedgerCashout ||
				(last.Key == "op") || got.Status != appliance.CardActive {
				t.Errorf("after the refusal the card is %s with last entry %+v, want nothing done", got.Status, last)
			}
			mustVerify(t, f.db)
		})
	}
}
