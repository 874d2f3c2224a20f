package cards

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// TestRandomOperationsKeepTheLedger runs random operation sequences over
// many cards, with retries and reused keys, against a model of what each
// accepted operation must do. After every operation the card's balance
// equals the model and the sum of its ledger; at the end, replaying every
// ledger reproduces every balance and Verify passes.
func TestRandomOperationsKeepTheLedger(t *testing.T) {
	for seed := uint64(1); seed <= 3; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { randomRun(t, seed, 400) })
	}
}

type modelOp struct {
	kind   appliance.LedgerKind
	card   string
	amount int64
}

func randomRun(t *testing.T, seed uint64, n int) {
	f := MustService(t, testPolicy())
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(seed, seed))
	var cards []string
	model := map[string]int64{}
	used := map[string]modelOp{} // key -> what it did
	for i := 0; i < 6; i++ {
		id := fmt.Sprintf("p%d", i)
		mustUpdateCust(t, f.db, id)
		res, err := f.svc.Issue(ctx, clerk, IssueArgs{Key: "issue-" + id, CustomerID: id})
		if err != nil {
			t.Fatal(err)
		}
		cards = append(cards, res.Card.Number)
	}
	for i := 0; i < n; i++ {
		card := cards[rng.IntN(len(cards))]
		amount := int64(1 + rng.IntN(20000))
		kind := []appliance.LedgerKind{appliance.LedgerTopup, appliance.LedgerCharge, appliance.LedgerRefund}[rng.IntN(3)]
		key := fmt.Sprintf("k%d", i)
		if i > 0 && rng.IntN(5) == 0 { // reuse an earlier key: a retry, or a client bug
			key = fmt.Sprintf("k%d", rng.IntN(i))
			if prev, ok := used[key]; ok && rng.IntN(2) == 0 {
				kind, card, amount = prev.kind, prev.card, prev.amount // an honest retry
			}
		}
		a := MoneyArgs{Key: key, Card: card, AmountFen: amount}
		var res *Result
		var err error
		switch kind {
		case appliance.LedgerTopup:
			res, err = f.svc.TopUp(ctx, clerk, a)
		case appliance.LedgerCharge:
			res, err = f.svc.Charge(ctx, clerk, a)
		case appliance.LedgerRefund:
			res, err = f.svc.Refund(ctx, clerk, a)
		}
		signed := amount
		if kind == appliance.LedgerCharge {
			signed = -amount
		}
		prev, reused := used[key]
		switch {
		case reused && prev == (modelOp{kind, card, amount}):
			if err != nil || !res.Replayed {
				t.Fatalf("op %d: honest retry of %s = %+v, %v; want a replay", i, key, res, err)
			}
		case reused:
			wantCode(t, err, appliance.ECONFLICT)
		case kind == appliance.LedgerCharge && amount > model[card]:
			wantCode(t, err, appliance.ECONFLICT)
		default:
			if err != nil || res.Replayed {
				t.Fatalf("op %d %s %s %d: %+v, %v", i, kind, card, amount, res, err)
			}
			model[card] += signed
			used[key] = modelOp{kind, card, amount}
		}
		c, entries, err := f.svc.Ledger(card)
		if err != nil {
			t.Fatal(err)
		}
		if c.BalanceFen != model[card] || sumOf(entries) != c.BalanceFen {
			t.Fatalf("op %d: card %s balance %d, ledger sum %d, model %d", i, card, c.BalanceFen, sumOf(entries), model[card])
		}
	}
	for _, card := range cards {
		c, entries, _ := f.svc.Ledger(card)
		var replay int64
		for _, e := range entries {
			replay += e.AmountFen
			if e.BalanceFen != replay {
				t.Fatalf("replaying %s: entry %d says %d, replay gives %d", card, e.Seq, e.BalanceFen, replay)
			}
		}
		if replay != c.BalanceFen {
			t.Fatalf("replay of %s = %d, card says %d", card, replay, c.BalanceFen)
		}
	}
	mustVerify(t, f.db)
}

func sumOf(es []*appliance.LedgerEntry) int64 {
	var s int64
	for _, e := range es {
		s += e.AmountFen
	}
	return s
}

func mustUpdateCust(t testing.TB, db *store.DB, id string) {
	t.Helper()
	err := db.Update(func(tx *store.Txn) error {
		return tx.PutCustomer(&appliance.Customer{ID: id, Name: id, Phones: []string{"1390000" + id}})
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestConcurrentClientsOnFewCards has 64 goroutines topping up and
// charging the same 10 cards, each retrying some operations with the same
// key; the totals come out exact and Verify passes (run it with -race).
func TestConcurrentClientsOnFewCards(t *testing.T) {
	f := MustService(t, testPolicy())
	ctx := context.Background()
	var cards []string
	for i := 0; i < 10; i++ {
		id := fmt.Sprintf("q%d", i)
		mustUpdateCust(t, f.db, id)
		res, err := f.svc.Issue(ctx, clerk, IssueArgs{Key: "issue-" + id, CustomerID: id, DepositFen: 10000})
		if err != nil {
			t.Fatal(err)
		}
		cards = append(cards, res.Card.Number)
	}
	var mu sync.Mutex
	net := map[string]int64{} // accepted (non-replayed) amounts per card
	var replays atomic.Int64
	var wg sync.WaitGroup
	for g := 0; g < 64; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 7))
			for i := 0; i < 25; i++ {
				card := cards[rng.IntN(len(cards))]
				a := MoneyArgs{Key: fmt.Sprintf("g%d-%d", g, i), Card: card, AmountFen: int64(1 + rng.IntN(3000))}
				op := f.svc.TopUp
				sign := int64(1)
				if rng.IntN(2) == 0 {
					op, sign = f.svc.Charge, -1
				}
				tries := 1 + rng.IntN(3) // a client that resends after a timeout
				for try := 0; try < tries; try++ {
					res, err := op(ctx, clerk, a)
					if appliance.ErrorCode(err) == appliance.ECONFLICT && sign < 0 && try == 0 {
						break // balance too low: refused, nothing moved
					}
					if err != nil {
						t.Error(err)
						return
					}
					if res.Replayed {
						replays.Add(1)
						continue
					}
					mu.Lock()
					net[card] += sign * a.AmountFen
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	var total int64
	for _, card := range cards {
		c, entries, _ := f.svc.Ledger(card)
		if c.BalanceFen != 10000+net[card] || sumOf(entries) != c.BalanceFen {
			t.Errorf("card %s: balance %d, ledger %d, accepted %d", card, c.BalanceFen, sumOf(entries), 10000+net[card])
		}
		total += c.BalanceFen
	}
	if replays.Load() == 0 {
		t.Error("no retry was replayed: the test did not exercise idempotency")
	}
	t.Logf("total balance %d fen, %d replays", total, replays.Load())
	mustVerify(t, f.db)
}

// TestRefusalInABatchDoesNotSinkNeighbours queues many operations at once,
// so that they share transactions, half of them refused charges.
func TestRefusalInABatchDoesNotSinkNeighbours(t *testing.T) {
	f := MustService(t, testPolicy())
	ctx := context.Background()
	res, err := f.svc.Issue(ctx, clerk, IssueArgs{Key: "i", CustomerID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	card := res.Card.Number
	var wg sync.WaitGroup
	var refused, accepted atomic.Int64
	for i := 0; i < 200; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			if i%2 == 0 {
				_, err = f.svc.Charge(ctx, supervisor, MoneyArgs{Key: fmt.Sprint("c", i), Card: card, AmountFen: 1_000_000}) // above the balance, under no limit
				if appliance.ErrorCode(err) == appliance.ECONFLICT {
					refused.Add(1)
					return
				}
			} else {
				_, err = f.svc.TopUp(ctx, clerk, MoneyArgs{Key: fmt.Sprint("t", i), Card: card, AmountFen: 100})
				if err == nil {
					accepted.Add(1)
					return
				}
			}
			t.Errorf("op %d: %v", i, err)
		}()
	}
	wg.Wait()
	c, _, _ := f.svc.Ledger(card)
	if refused.Load() != 100 || accepted.Load() != 100 || c.BalanceFen != 10000 {
		t.Fatalf("refused %d, accepted %d, balance %d; want 100, 100, 10000", refused.Load(), accepted.Load(), c.BalanceFen)
	}
	mustVerify(t, f.db)
}

func TestDayTotals(t *testing.T) {
	f := MustService(t, testPolicy())
	ctx := context.Background()
	res, _ := f.svc.Issue(ctx, clerk, IssueArgs{Key: "i", CustomerID: "c1", DepositFen: 500})
	card := res.Card.Number
	f.svc.TopUp(ctx, clerk, MoneyArgs{Key: "a", Card: card, AmountFen: 1000})
	f.svc.TopUp(ctx, clerk, MoneyArgs{Key: "b", Card: card, AmountFen: 2000})
	f.svc.Charge(ctx, clerk, MoneyArgs{Key: "c", Card: card, AmountFen: 700})
	f.clock.set(start.AddDate(0, 0, 1))
	f.svc.TopUp(ctx, clerk, MoneyArgs{Key: "d", Card: card, AmountFen: 9999}) // the next day
	got, err := f.svc.DayTotals(ctx, start)
	if err != nil {
		t.Fatal(err)
	}
	want := map[appliance.LedgerKind]KindTotal{
		appliance.LedgerIssue:  {1, 500},
		appliance.LedgerTopup:  {2, 3000},
		appliance.LedgerCharge: {1, -700},
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("DayTotals = %v, want %v", got, want)
	}
}
