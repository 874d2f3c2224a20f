package cards

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
)

var (
	clerk      = appliance.Actor{ID: "clerk1", Role: appliance.RoleClerk}
	supervisor = appliance.Actor{ID: "boss", Role: appliance.RoleSupervisor}
	start      = time.Date(2026, 11, 23, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
)

// testPolicy holds the card settings of the default policy.toml.
func testPolicy() *policy.Tables {
	return &policy.Tables{ReversalWindow: 24 * time.Hour, ReversalApprovalAboveFen: 20000, RefundApprovalAboveFen: 100000,
		MoneyLimits: map[appliance.Role]policy.MoneyLimits{appliance.RoleClerk: {PerOpFen: map[policy.MoneyOp]int64{
			policy.OpTopUp: 500000, policy.OpCharge: 500000, policy.OpRefund: 100000, policy.OpReversal: 20000, policy.OpCashout: 100000}}}}
}

// clock is a settable test clock, safe to set while the writer reads it.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

type fixture struct {
	db    *store.DB
	svc   *Service
	bus   *appliance.Bus
	clock *clock
	dir   string
}

// MustService opens a store in a temp dir with two customers and starts a
// card service on it, both closed at the end of the test.
func MustService(tb testing.TB, pol *policy.Tables) *fixture {
	tb.Helper()
	dir := tb.TempDir()
	return mustServiceIn(tb, dir, pol)
}

func mustServiceIn(tb testing.TB, dir string, pol *policy.Tables) *fixture {
	tb.Helper()
	return mustServiceAt(tb, dir, pol, "")
}

// mustServiceAt is mustServiceIn on a store that is branch of a chain
// ("" for none).
func mustServiceAt(tb testing.TB, dir string, pol *policy.Tables, branch string) *fixture {
	tb.Helper()
	c := &clock{t: start}
	db, err := store.Open(dir, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: c.now, Branch: branch})
	if err != nil {
		tb.Fatal(err)
	}
	err = db.Update(func(tx *store.Txn) error {
		for _, cu := range []*appliance.Customer{
			{ID: "c1", Name: "王芳", Phones: []string{"13800000001"}},
			{ID: "c2", Name: "李雷", Phones: []string{"13800000002"}},
		} {
			if err := tx.PutCustomer(cu); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	bus := appliance.NewBus(c.now)
	svc := New(db, Options{Policy: func() *policy.Tables { return pol }, Bus: bus, Now: c.now,
		Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	tb.Cleanup(func() { svc.Close(); db.Close() })
	return &fixture{db: db, svc: svc, bus: bus, clock: c, dir: dir}
}

func mustVerify(tb testing.TB, db *store.DB) {
	tb.Helper()
	r, err := db.Verify()
	if err != nil {
		tb.Fatal(err)
	}
	if !r.OK() {
		tb.Fatalf("Verify:\n%s", r)
	}
}

func wantCode(tb testing.TB, err error, code string) {
	tb.Helper()
	if appliance.ErrorCode(err) != code {
		tb.Fatalf("err = %v, want code %s", err, code)
	}
}

// TestCardLifeCycle walks one card from issue to cancellation through
// every operation of DOMAIN.md "Cards", checking balance and refusals.
func TestCardLifeCycle(t *testing.T) {
	f := MustService(t, testPolicy())
	ctx := context.Background()
	sub := f.bus.Subscribe(256)
	defer sub.Close()

	res, err := f.svc.Issue(ctx, clerk, IssueArgs{Key: "k-issue", CustomerID: "c1", UID: "04a1b2c3d4"})
	if err != nil {
		t.Fatal(err)
	}
	card := res.Card.Number
	if card != "SC-000001" || res.Card.UIDs[0] != "04A1B2C3D4" {
		t.Fatalf("issued %+v", res.Card)
	}
	steps := []struct {
		name        string
		do          func() (*Result, error)
		wantCode    string // "" for success
		wantBalance int64
	}{
		{"second card for the same customer refused (seed 000 壹卡通 FAQ 2)", func() (*Result, error) {
			return f.svc.Issue(ctx, clerk, IssueArgs{Key: "k-issue2", CustomerID: "c1"})
		}, appliance.ECONFLICT, 0},
		{"top up 500", func() (*Result, error) {
			return f.svc.TopUp(ctx, clerk, MoneyArgs{Key: "k1", Card: card, AmountFen: 50000})
		}, "", 50000},
		{"charge 120.50 for a paid repair", func() (*Result, error) {
			return f.svc.Charge(ctx, clerk, MoneyArgs{Key: "k2", Card: card, AmountFen: 12050, Ticket: "T20261123-0001"})
		}, "", 37950},
		{"charge above the balance refused", func() (*Result, error) {
			return f.svc.Charge(ctx, clerk, MoneyArgs{Key: "k3", Card: card, AmountFen: 37951})
		}, appliance.ECONFLICT, 37950},
		{"zero amount refused", func() (*Result, error) {
			return f.svc.TopUp(ctx, clerk, MoneyArgs{Key: "k4", Card: card, AmountFen: 0})
		}, appliance.EINVALID, 37950},
		{"refund 20", func() (*Result, error) {
			return f.svc.Refund(ctx, clerk, MoneyArgs{Key: "k5", Card: card, AmountFen: 2000, Ticket: "T20261123-0001"})
		}, "", 39950},
		{"refund above 1000 yuan by a clerk refused", func() (*Result, error) {
			return f.svc.Refund(ctx, clerk, MoneyArgs{Key: "k6", Card: card, AmountFen: 100001})
		}, appliance.EUNAUTHORIZED, 39950},
		{"reversing a refund refused: only charges and top-ups (FAQ 11)", func() (*Result, error) {
			return f.svc.Reverse(ctx, clerk, ReverseArgs{Key: "k7", Card: card, Seq: 4})
		}, appliance.ECONFLICT, 39950},
		{"charge 99", func() (*Result, error) {
			return f.svc.Charge(ctx, clerk, MoneyArgs{Key: "k8", Card: card, AmountFen: 9900})
		}, "", 30050},
		{"reversing an older entry refused", func() (*Result, error) {
			return f.svc.Reverse(ctx, clerk, ReverseArgs{Key: "k9", Card: card, Seq: 3})
		}, appliance.ECONFLICT, 30050},
		{"reverse the last charge", func() (*Result, error) {
			return f.svc.Reverse(ctx, clerk, ReverseArgs{Key: "k10", Card: card, Seq: 5})
		}, "", 39950},
		{"report lost", func() (*Result, error) { return f.svc.ReportLost(ctx, clerk, card) }, "", 39950},
		{"a lost card cannot be charged", func() (*Result, error) {
			return f.svc.Charge(ctx, clerk, MoneyArgs{Key: "k11", Card: card, AmountFen: 100})
		}, appliance.EUNAUTHORIZED, 39950},
		{"a clerk cannot unblock", func() (*Result, error) { return f.svc.Unblock(ctx, clerk, card) }, appliance.EUNAUTHORIZED, 39950},
		{"a supervisor unblocks", func() (*Result, error) { return f.svc.Unblock(ctx, supervisor, card) }, "", 39950},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			_, err := s.do()
			if s.wantCode == "" && err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if s.wantCode != "" {
				wantCode(t, err, s.wantCode)
			}
			c, _, err := f.svc.Ledger(card)
			if err != nil || c.BalanceFen != s.wantBalance {
				t.Fatalf("balance %v (%v), want %d", c.BalanceFen, err, s.wantBalance)
			}
			mustVerify(t, f.db)
		})
	}

	// Lost again, then swiped: refused, and the desk hears of it.
	if _, err := f.svc.ReportLost(ctx, clerk, card); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Resolve("04A1B2C3D4", "desk1"); appliance.ErrorCode(err) != appliance.EUNAUTHORIZED {
		t.Fatalf("swipe of a lost card: %v, want refused", err)
	}
	if !sawEvent(sub, EventCardBlocked) {
		t.Error("no card.blocked event after a lost card's swipe")
	}

	// Replace: the balance and a new chip move to a new card.
	res, err = f.svc.Replace(ctx, clerk, ReplaceArgs{Key: "k-replace", Card: card, NewUID: "04EEEEEEEE"})
	if err != nil {
		t.Fatal(err)
	}
	fresh := res.Card
	if fresh.Number != "SC-000002" || fresh.BalanceFen != 39950 || len(res.Entries) != 2 {
		t.Fatalf("replacement %+v with %d entries", fresh, len(res.Entries))
	}
	old, _, _ := f.svc.Ledger(card)
	if old.Status != appliance.CardReplaced || old.ReplacedBy != fresh.Number || old.BalanceFen != 0 {
		t.Fatalf("old card after replacement: %+v", old)
	}
	if h, err := f.svc.Resolve("04EEEEEEEE", "desk1"); err != nil || h.Customer.Name != "王芳" {
		t.Fatalf("swipe of the new card: %+v, %v", h, err)
	}
	mustVerify(t, f.db)

	// Cancel: the balance is paid out first, then the holder is forgotten.
	if _, err := f.svc.Cancel(ctx, clerk, CancelArgs{Key: "k-cancel", Card: fresh.Number}); err != nil {
		t.Fatal(err)
	}
	c, entries, _ := f.svc.Ledger(fresh.Number)
	last := entries[len(entries)-1]
	if c.Status != appliance.CardCancelled || c.BalanceFen != 0 || last.Kind != appliance.LedgerCashout || last.AmountFen != -39950 {
		t.Fatalf("cancelled card %+v, last entry %+v", c, last)
	}
	f.db.View(func(tx *store.Txn) error {
		cu, _ := tx.Customer("c1")
		if cu.Name == "王芳" || len(cu.Phones) != 0 {
			t.Errorf("personal data kept after cancellation: %+v", cu)
		}
		return nil
	})
	if _, err := f.svc.Resolve("04EEEEEEEE", "desk1"); appliance.ErrorCode(err) != appliance.EUNAUTHORIZED {
		t.Errorf("swipe of a cancelled card: %v, want refused", err)
	}
	mustVerify(t, f.db)
}

func sawEvent(sub *appliance.Subscription, kind string) bool {
	for {
		select {
		case ev := <-sub.C():
			if ev.Kind == kind {
				return true
			}
		default:
			return false
		}
	}
}

func TestIdempotencyKeys(t *testing.T) {
	f := MustService(t, testPolicy())
	ctx := context.Background()
	res, err := f.svc.Issue(ctx, clerk, IssueArgs{Key: "i", CustomerID: "c1", DepositFen: 1000})
	if err != nil {
		t.Fatal(err)
	}
	card := res.Card.Number
	top := MoneyArgs{Key: "t1", Card: card, AmountFen: 5000}
	tests := []struct {
		name         string
		do           func() (*Result, error)
		wantCode     string
		wantReplayed bool
	}{
		{"first top-up", func() (*Result, error) { return f.svc.TopUp(ctx, clerk, top) }, "", false},
		{"retry: same key, same content", func() (*Result, error) { return f.svc.TopUp(ctx, clerk, top) }, "", true},
		{"same key, other amount", func() (*Result, error) {
			return f.svc.TopUp(ctx, clerk, MoneyArgs{Key: "t1", Card: card, AmountFen: 5001})
		}, appliance.ECONFLICT, false},
		{"same key, other kind", func() (*Result, error) { return f.svc.Charge(ctx, clerk, top) }, appliance.ECONFLICT, false},
		{"issue retried", func() (*Result, error) {
			return f.svc.Issue(ctx, clerk, IssueArgs{Key: "i", CustomerID: "c1", DepositFen: 1000})
		}, "", true},
		{"missing key", func() (*Result, error) {
			return f.svc.TopUp(ctx, clerk, MoneyArgs{Card: card, AmountFen: 1})
		}, appliance.EINVALID, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := tt.do()
			if tt.wantCode != "" {
				wantCode(t, err, tt.wantCode)
				return
			}
			if err != nil || res.Replayed != tt.wantReplayed {
				t.Fatalf("res %+v err %v, want replayed=%v", res, err, tt.wantReplayed)
			}
		})
	}
	c, entries, _ := f.svc.Ledger(card)
	if c.BalanceFen != 6000 || len(entries) != 2 {
		t.Fatalf("balance %d with %d entries, want 6000 with 2 (the retry moved no money)", c.BalanceFen, len(entries))
	}
}

func TestReversalWindowAndThreshold(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name     string
		amount   int64
		after    time.Duration
		actor    appliance.Actor
		wantCode string
	}{
		{"within the window", 10000, time.Hour, clerk, ""},
		{"on the window's last instant", 10000, 24 * time.Hour, clerk, ""},
		{"past the window", 10000, 24*time.Hour + time.Second, clerk, appliance.ECONFLICT},
		{"200 yuan by a clerk", 20000, 0, clerk, ""},
		{"200.01 yuan by a clerk", 20001, 0, clerk, appliance.EUNAUTHORIZED},
		{"200.01 yuan by a supervisor", 20001, 0, supervisor, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := MustService(t, testPolicy())
			res, err := f.svc.Issue(ctx, clerk, IssueArgs{Key: "i", CustomerID: "c1"})
			if err != nil {
				t.Fatal(err)
			}
			card := res.Card.Number
			if _, err := f.svc.TopUp(ctx, clerk, MoneyArgs{Key: "t", Card: card, AmountFen: tt.amount}); err != nil {
				t.Fatal(err)
			}
			f.clock.set(start.Add(tt.after))
			_, err = f.svc.Reverse(ctx, tt.actor, ReverseArgs{Key: "r", Card: card, Seq: 2})
			if tt.wantCode == "" && err != nil {
				t.Fatalf("Reverse: %v", err)
			}
			if tt.wantCode != "" {
				wantCode(t, err, tt.wantCode)
			}
			mustVerify(t, f.db)
		})
	}
}

func TestBalanceExpiry(t *testing.T) {
	pol := testPolicy()
	pol.CardBalanceExpiry = policy.Window{Months: 12}
	f := MustService(t, pol)
	ctx := context.Background()
	res, _ := f.svc.Issue(ctx, clerk, IssueArgs{Key: "i", CustomerID: "c1"})
	card := res.Card.Number
	if _, err := f.svc.TopUp(ctx, clerk, MoneyArgs{Key: "t", Card: card, AmountFen: 1000}); err != nil {
		t.Fatal(err)
	}
	f.clock.set(time.Date(2027, 11, 23, 23, 59, 0, 0, start.Location())) // the last day of the 12 months
	if _, err := f.svc.Charge(ctx, clerk, MoneyArgs{Key: "c1", Card: card, AmountFen: 100}); err != nil {
		t.Fatalf("charge on the last day: %v", err)
	}
	f.clock.set(time.Date(2027, 11, 24, 0, 0, 1, 0, start.Location()))
	_, err := f.svc.Charge(ctx, clerk, MoneyArgs{Key: "c2", Card: card, AmountFen: 100})
	wantCode(t, err, appliance.ECONFLICT)
}

func TestUIDRules(t *testing.T) {
	f := MustService(t, testPolicy())
	ctx := context.Background()
	res, _ := f.svc.Issue(ctx, clerk, IssueArgs{Key: "i", CustomerID: "c1", UID: "04AABBCC"})
	tests := []struct {
		name, uid, wantCode string
	}{
		{"random UID refused as not supported", "08123456", appliance.EINVALID},
		{"not hex", "04ZZZZZZ", appliance.EINVALID},
		{"too short", "04AA", appliance.EINVALID},
		{"another customer's chip", "04AABBCC", appliance.ECONFLICT},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.svc.Issue(ctx, clerk, IssueArgs{Key: "x-" + tt.name, CustomerID: "c2", UID: tt.uid})
			wantCode(t, err, tt.wantCode)
		})
	}
	if _, err := f.svc.Resolve("08123456", "d"); appliance.ErrorCode(err) != appliance.EINVALID {
		t.Errorf("swipe of a random UID: %v, want not supported", err)
	}
	if _, err := f.svc.Resolve("04000000", "d"); appliance.ErrorCode(err) != appliance.ENOTFOUND {
		t.Errorf("swipe of an unknown UID: %v, want not found", err)
	}
	if _, err := f.svc.BindUID(ctx, clerk, res.Card.Number, "04DDEEFF"); err != nil {
		t.Fatal(err)
	}
	if h, err := f.svc.Resolve("04ddeeff", "d"); err != nil || h.Card.Number != res.Card.Number {
		t.Errorf("second chip: %v, %v", h, err)
	}
}

func TestClosedServiceRefuses(t *testing.T) {
	f := MustService(t, testPolicy())
	f.svc.Close()
	_, err := f.svc.TopUp(context.Background(), clerk, MoneyArgs{Key: "k", Card: "SC-000001", AmountFen: 1})
	if !errors.Is(err, ErrClosed) {
		t.Fatalf("after Close: %v, want ErrClosed", err)
	}
}
