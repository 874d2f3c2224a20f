package cards

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// holdWriter queues an operation that blocks the writer until the
// returned release is called, so that what is queued meanwhile folds
// into the next batch.
func holdWriter(t *testing.T, s *Service) (release func()) {
	t.Helper()
	held, gate := make(chan struct{}), make(chan struct{})
	go s.submit(context.Background(), supervisor, func(*store.Txn, *batch) (*Result, error) {
		close(held)
		<-gate
		return &Result{}, nil
	})
	<-held
	return func() { close(gate) }
}

// waitQueued waits until n operations wait for the writer.
func waitQueued(t *testing.T, s *Service, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); len(s.ops) < n; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d operations queued, want %d", len(s.ops), n)
		}
	}
}

// TestBatchAuditPointsToEntries: the money operations of one batch leave
// one audit entry per actor and kind, listing the ledger entries they
// made, with the actor's desk and address; the entries are the record.
func TestBatchAuditPointsToEntries(t *testing.T) {
	desk1 := appliance.Actor{ID: "clerk1", Role: appliance.RoleClerk, Desk: "desk1", Addr: "10.0.0.1"}
	desk2 := appliance.Actor{ID: "clerk2", Role: appliance.RoleClerk, Desk: "desk2", Addr: "10.0.0.2"}
	type move struct {
		actor appliance.Actor
		card  int // index into the issued cards
		kind  appliance.LedgerKind
	}
	tests := []struct {
		name  string
		moves []move
		want  []string // "operator desk action record entries", sorted
	}{
		{"one top-up", []move{{desk1, 0, appliance.LedgerTopup}},
			[]string{"clerk1 desk1 card.topup card/SC-000001 SC-000001#2:100:10100"}},
		{"one desk, two cards", []move{{desk1, 0, appliance.LedgerTopup}, {desk1, 1, appliance.LedgerTopup}, {desk1, 0, appliance.LedgerTopup}},
			[]string{"clerk1 desk1 card.topup card/SC-000001,SC-000002 SC-000001#2:100:10100,SC-000002#2:100:10100,SC-000001#3:100:10200"}},
		{"two desks, two kinds", []move{{desk1, 0, appliance.LedgerTopup}, {desk2, 1, appliance.LedgerTopup}, {desk1, 0, appliance.LedgerCharge}},
			[]string{"clerk1 desk1 card.charge card/SC-000001 SC-000001#3:-100:10000", "clerk1 desk1 card.topup card/SC-000001 SC-000001#2:100:10100",
				"clerk2 desk2 card.topup card/SC-000002 SC-000002#2:100:10100"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := MustService(t, testPolicy())
			ctx := context.Background()
			var numbers []string
			for _, cu := range []string{"c1", "c2"} {
				res, err := f.svc.Issue(ctx, supervisor, IssueArgs{Key: "issue-" + cu, CustomerID: cu, DepositFen: 10000})
				if err != nil {
					t.Fatal(err)
				}
				numbers = append(numbers, res.Card.Number)
			}
			from := f.clock.now()
			f.clock.set(from.Add(time.Minute))
			release := holdWriter(t, f.svc)
			var wg sync.WaitGroup
			for i, m := range tt.moves {
				waitQueued(t, f.svc, i) // queued in order, so entries are numbered in order
				wg.Add(1)
				go func() {
					defer wg.Done()
					op := map[appliance.LedgerKind]func(context.Context, appliance.Actor, MoneyArgs) (*Result, error){
						appliance.LedgerTopup: f.svc.TopUp, appliance.LedgerCharge: f.svc.Charge}[m.kind]
					if _, err := op(ctx, m.actor, MoneyArgs{Key: fmt.Sprintf("k%d", i), Card: numbers[m.card], AmountFen: 100}); err != nil {
						t.Error(err)
					}
				}()
			}
			waitQueued(t, f.svc, len(tt.moves))
			release()
			wg.Wait()

			var page *appliance.AuditPage
			err := f.db.View(func(tx *store.Txn) (err error) {
				page, err = tx.Audits(appliance.AuditQuery{Action: "card.", From: from.Add(time.Second)})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, e := range page.Entries {
				var after struct{ Entries []entryRef }
				if err := json.Unmarshal(e.After, &after); err != nil {
					t.Fatalf("audit %s after = %s: %v", e.ID, e.After, err)
				}
				if e.Addr != map[string]string{"desk1": "10.0.0.1", "desk2": "10.0.0.2"}[e.Desk] {
					t.Errorf("audit %s: desk %s addr %s", e.ID, e.Desk, e.Addr)
				}
				var refs []string
				for _, r := range after.Entries {
					refs = append(refs, fmt.Sprintf("%s:%d:%d", r.Entry, r.AmountFen, r.BalanceFen))
				}
				got = append(got, strings.Join([]string{e.Operator, e.Desk, e.Action, e.Record, strings.Join(refs, ",")}, " "))
			}
			slices.Sort(got)
			if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
				t.Fatalf("audit entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			mustVerify(t, f.db)
		})
	}
}

// TestBuildAheadKeepsEveryCard: with batches of two and many clients a
// whole batch is queued before each commit is durable, so batches are
// built while the one before commits; every top-up is answered once, in
// the ledger once, and the cards' balances, chains and the outbox verify.
func TestBuildAheadKeepsEveryCard(t *testing.T) {
	f := MustService(t, testPolicy())
	svc := New(f.db, Options{Policy: testPolicy, Now: f.clock.now, MaxBatch: 2, Logger: f.svc.opts.Logger})
	defer svc.Close()
	ctx := context.Background()
	var numbers []string
	for _, cu := range []string{"c1", "c2"} {
		res, err := svc.Issue(ctx, supervisor, IssueArgs{Key: "issue-" + cu, CustomerID: cu})
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, res.Card.Number)
	}
	const clients, each = 16, 20
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				res, err := svc.TopUp(ctx, clerk, MoneyArgs{Key: fmt.Sprintf("%d-%d", c, i), Card: numbers[(c+i)%2], AmountFen: 100})
				if err != nil || res.Replayed {
					t.Errorf("top-up %d-%d: %+v, %v", c, i, res, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	var total int64
	err := f.db.View(func(tx *store.Txn) error {
		for _, n := range numbers {
			c, err := tx.Card(n)
			if err != nil {
				return err
			}
			total += c.BalanceFen
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total != clients*each*100 {
		t.Fatalf("balances add up to %d, want %d", total, clients*each*100)
	}
	mustVerify(t, f.db)
}
