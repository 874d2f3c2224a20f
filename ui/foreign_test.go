package ui

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"

	"shouhou/appliance"
	appchain "shouhou/appliance/chain"
)

// issuingBranch stands in for the chain as drivers/uplink.ChargeClient
// reaches it (ui may not import drivers; the NATS side is tested in
// drivers/uplink): a directory of other branches' UIDs, and a branch
// that answers one charge per key as the issuing box does.
type issuingBranch struct {
	homes map[string]appchain.CardHome
	// down refuses every charge as the client does when the box is out of reach.
	down bool

	mu      sync.Mutex // guards the fields below
	balance int64
	entries map[string]string // key → entry made
	asked   []appchain.ChargeRequest
}

func (b *issuingBranch) Locate(_ context.Context, uid string) (appchain.CardHome, error) {
	h, ok := b.homes[uid]
	if !ok {
		return h, appliance.Errorf(appliance.ENOTFOUND, "连锁各门店都没有此卡 / no branch of the chain has this card")
	}
	return h, nil
}

func (b *issuingBranch) Charge(ctx context.Context, uid string, req appchain.ChargeRequest) (*appchain.ChargeReply, error) {
	h, err := b.Locate(ctx, uid)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.asked = append(b.asked, req)
	if b.down {
		return nil, appliance.Errorf(appliance.EUNAVAILABLE, "发卡门店 %s 暂时无法连接，未扣款 / the issuing branch %s cannot be reached; nothing was charged", h.Branch, h.Branch)
	}
	if e, ok := b.entries[req.Key]; ok {
		return &appchain.ChargeReply{Entry: e, Balance: b.balance}, nil
	}
	b.balance -= req.Amount
	b.entries[req.Key] = h.Card + "#" + string(rune('1'+len(b.entries)))
	return &appchain.ChargeReply{Entry: b.entries[req.Key], Balance: b.balance}, nil
}

// TestForeignCardCharge: with the chain's cross-branch charge on, a
// swiped card of another branch shows as that branch's and card.charge
// with its UID is asked of the issuing branch with the desk's key, desk
// and clerk; with it off the card is refused as unknown; this box's own
// card is charged here whether or not it is on.
func TestForeignCardCharge(t *testing.T) {
	const foreignUID = "04AA000001"
	tests := []struct {
		name   string
		on     bool
		down   bool
		want   string // "" for charged, else part of the refusal's message
		panels bool   // the swipe shows a panel
	}{
		{"switch on", true, false, "", true},
		{"switch on, issuing box down", true, true, "cannot be reached; nothing was charged", true},
		{"switch off", false, false, "no such card", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b1 := &issuingBranch{homes: map[string]appchain.CardHome{foreignUID: {Branch: "b1", Card: "SC-000009"}},
				balance: 10000, entries: map[string]string{}, down: tc.down}
			rig := MustRig(t, func(o *Options) {
				if tc.on {
					o.ForeignCards = b1
				}
			})
			c := rig.dial(t, "desk1", "")
			rig.MustLogin(t, c, "clerk", "1111")

			res, err := rig.srv.CardSwipe(context.Background(), "desk1", strings.ToLower(foreignUID), time.Time{})
			if tc.panels {
				var p Panel
				if err != nil || res != SwipeCustomer || json.Unmarshal(c.event(EventCardPanel), &p) != nil ||
					p.Foreign != "b1" || p.Card == nil || p.Card.Number != "SC-000009" || p.UID != foreignUID {
					t.Fatalf("swipe of b1's card = %v, %v, panel %+v; want b1's SC-000009 shown", res, err, p)
				}
			} else if res != SwipeRefused || appliance.ErrorCode(err) != appliance.ENOTFOUND {
				t.Fatalf("swipe of b1's card with the switch off = %v, %v; want refused as unknown", res, err)
			}

			args := map[string]any{"key": "desk-key-1", "card": "SC-000009", "amount_fen": 1500, "uid": foreignUID}
			for range 2 { // the second is the desk's retry: one charge
				r := c.call("card.charge", args)
				if tc.want != "" {
					if r.OK || !strings.Contains(r.Error.Message, tc.want) {
						t.Fatalf("card.charge = %+v, want refused: %q", r, tc.want)
					}
					continue
				}
				var got foreignResult
				if !r.OK || json.Unmarshal(r.Result, &got) != nil || got.Branch != "b1" || got.Card.BalanceFen != 8500 ||
					len(got.Entries) != 1 || got.Entries[0].AmountFen != -1500 || got.Entries[0].Seq != 1 {
					t.Fatalf("card.charge = %+v (%s); want b1's balance 8500 after entry 1 of -1500", r, r.Result)
				}
			}
			b1.mu.Lock()
			asked := b1.asked
			b1.mu.Unlock()
			if !tc.on && len(asked) != 0 {
				t.Errorf("with the switch off the issuing branch was asked %d times", len(asked))
			}
			for _, req := range asked {
				if req.Key != "desk-key-1" || req.Amount != 1500 || req.Desk != "desk1" || req.Operator != "clerk" {
					t.Errorf("the issuing branch was asked %+v, want the desk's key, desk1, clerk, 1500", req)
				}
			}
			if tc.on && b1.balance != map[bool]int64{false: 8500, true: 10000}[tc.down] {
				t.Errorf("b1's balance %d after two tries", b1.balance)
			}

			// This box's own card (demo SC-000001, chip 04DE3001) stays local.
			r := c.call("card.charge", map[string]any{"key": "desk-key-2", "card": "SC-000001", "amount_fen": 100, "uid": "04de3001"})
			if !r.OK || strings.Contains(string(r.Result), `"branch"`) {
				t.Errorf("card.charge of this box's card = %+v (%s), want charged here", r, r.Result)
			}
		})
	}
}
