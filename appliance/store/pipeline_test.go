package store

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"shouhou/appliance"
)

// topUp is one pipelined transaction: it reads a card, adds a ledger
// entry and writes the card back, as the card service does.
func topUp(number string, key string) func(*Txn) error {
	return func(tx *Txn) error {
		c, err := tx.Card(number)
		if err != nil {
			return err
		}
		e := &appliance.LedgerEntry{Card: number, Seq: c.LedgerCount + 1, Kind: appliance.LedgerTopup, AmountFen: 100,
			BalanceFen: c.BalanceFen + 100, Operator: "clerk1", Key: key, Time: tx.Now(), PrevHash: c.LedgerHead}
		if err := tx.AppendLedger(e); err != nil {
			return err
		}
		c.BalanceFen, c.LedgerCount, c.LedgerHead = e.BalanceFen, e.Seq, e.Hash
		return tx.PutCard(c)
	}
}

// TestPipelineReadsTheCommitBefore: each transaction of a pipeline reads
// what the one before it wrote although that one's commit may still be
// under way; done is called in order; an iterator makes the transaction
// run again after the commit before it; a failed transaction is
// discarded without a done; the result verifies.
func TestPipelineReadsTheCommitBefore(t *testing.T) {
	tests := []struct {
		name    string
		iterate bool // each transaction also lists the card's entries
		fail    int  // the transaction that fails (0 for none)
	}{
		{"by key", false, 0},
		{"with an iterator", true, 0},
		{"one fails", false, 5},
	}
	const n = 20
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpen(t)
			mustUpdate(t, db, func(tx *Txn) error {
				return tx.PutCard(&appliance.Card{Number: "SC-000001", CustomerID: "c1", Status: appliance.CardActive, UIDs: []string{"04A1"}})
			})
			p := db.Pipeline()
			var mu sync.Mutex
			var order []int
			runs, made := 0, 0
			for i := 1; i <= n; i++ {
				fn := topUp("SC-000001", fmt.Sprintf("k%d", i))
				if tt.iterate {
					inner := fn
					fn = func(tx *Txn) error {
						runs++
						entries, err := tx.LedgerOf("SC-000001")
						if err != nil {
							return err
						}
						if len(entries) != made {
							return fmt.Errorf("listed %d entries, want %d", len(entries), made)
						}
						return inner(tx)
					}
				}
				if i == tt.fail {
					fn = func(*Txn) error { return errors.New("refused") }
				}
				err := p.Update(fn, func(err error) {
					if err != nil {
						t.Errorf("commit %d: %v", i, err)
					}
					mu.Lock()
					order = append(order, i)
					mu.Unlock()
				})
				if i == tt.fail {
					if err == nil {
						t.Fatalf("update %d: no error", i)
					}
					continue
				}
				if err != nil {
					t.Fatalf("update %d: %v", i, err)
				}
				made++
			}
			if err := p.Close(); err != nil {
				t.Fatal(err)
			}
			if want := made; len(order) != want {
				t.Fatalf("done called %d times, want %d", len(order), want)
			}
			for j := 1; j < len(order); j++ {
				if order[j] <= order[j-1] {
					t.Fatalf("done order %v", order)
				}
			}
			if tt.iterate && runs < 2*n-1 {
				t.Errorf("fn ran %d times, want each but the first run again after the commit before it", runs)
			}
			var c *appliance.Card
			if err := db.View(func(tx *Txn) (err error) { c, err = tx.Card("SC-000001"); return err }); err != nil {
				t.Fatal(err)
			}
			if c.LedgerCount != int64(made) || c.BalanceFen != int64(100*made) {
				t.Fatalf("card = %d entries, balance %d; want %d, %d", c.LedgerCount, c.BalanceFen, made, 100*made)
			}
			mustVerify(t, db)
		})
	}
}

// TestPipelineYieldsToOtherWriters: a writer waiting for the store makes
// the pipeline Contended, and runs once the pipeline is closed.
func TestPipelineYieldsToOtherWriters(t *testing.T) {
	db := MustOpen(t)
	p := db.Pipeline()
	if p.Contended() {
		t.Fatal("contended with no other writer")
	}
	wrote := make(chan error, 1)
	go func() {
		wrote <- db.Update(func(tx *Txn) error { return tx.PutCustomer(&appliance.Customer{ID: "c1", Name: "王芳"}) })
	}()
	for deadline := time.Now().Add(5 * time.Second); !p.Contended(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("never contended")
		}
	}
	select {
	case err := <-wrote:
		t.Fatalf("the other writer ran while the pipeline was open: %v", err)
	case <-time.After(20 * time.Millisecond):
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-wrote; err != nil {
		t.Fatal(err)
	}
	mustVerify(t, db)
}

// TestMissingKeyThenWritten: a key Get found missing reads as written once
// the transaction writes it, as missing once it deletes it, whether or
// not the transaction is in a Pipeline, and a later transaction sees the
// outcome; the same idempotency key twice in one transaction is refused.
func TestMissingKeyThenWritten(t *testing.T) {
	steps := func(tx *Txn) error {
		key := []byte("z/test")
		for i, want := range []struct {
			write, del bool
			found      bool
		}{{found: false}, {found: false}, {write: true, found: true}, {del: true, found: false}, {found: false}, {write: true, found: true}} {
			switch {
			case want.write:
				if err := tx.t.Set(key, []byte{byte(i)}); err != nil {
					return err
				}
			case want.del:
				if err := tx.t.Delete(key); err != nil {
					return err
				}
			}
			_, err := tx.t.Get(key)
			if found := err == nil; found != want.found {
				return fmt.Errorf("step %d: Get found %v (%v), want %v", i, found, err, want.found)
			}
		}
		return nil
	}
	db := MustOpen(t)
	mustUpdate(t, db, func(tx *Txn) error {
		return tx.PutCard(&appliance.Card{Number: "SC-000001", CustomerID: "c1", Status: appliance.CardActive})
	})
	mustUpdate(t, db, func(tx *Txn) error {
		if err := tx.t.Delete([]byte("z/test")); err != nil {
			return err
		}
		return steps(tx)
	})
	p := db.Pipeline()
	for range 2 {
		if err := p.Update(func(tx *Txn) error {
			if err := tx.t.Delete([]byte("z/test")); err != nil {
				return err
			}
			return steps(tx)
		}, func(error) {}); err != nil {
			t.Fatal(err)
		}
	}
	err := p.Update(func(tx *Txn) error {
		if _, err := tx.LedgerByKey("dup"); appliance.ErrorCode(err) != appliance.ENOTFOUND {
			return fmt.Errorf("LedgerByKey(dup) = %v, want not found", err)
		}
		if err := topUp("SC-000001", "dup")(tx); err != nil {
			return err
		}
		if e, err := tx.LedgerByKey("dup"); err != nil || e.Seq != 1 {
			return fmt.Errorf("LedgerByKey(dup) after the top-up = %+v, %v; want entry 1", e, err)
		}
		return nil
	}, func(error) {})
	if err != nil {
		t.Fatal(err)
	}
	err = p.Update(topUp("SC-000001", "dup"), func(error) {})
	if appliance.ErrorCode(err) != appliance.ECONFLICT {
		t.Errorf("a second top-up with key dup, pipelined = %v, want a conflict", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	mustUpdate(t, db, func(tx *Txn) error {
		_, err := tx.t.Get([]byte("z/test"))
		return err
	})
}
