package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
	"shouhou/appliance/chain"
)

// mustOutbox returns every event the outbox holds from seq from on.
func mustOutbox(tb testing.TB, db *DB, from uint64) []chain.Event {
	tb.Helper()
	var all []chain.Event
	for {
		evs, err := db.OutboxFrom(from, 7) // a small page, to page through
		if err != nil {
			tb.Fatalf("OutboxFrom(%d): %v", from, err)
		}
		if len(evs) == 0 {
			return all
		}
		all = append(all, evs...)
		from = evs[len(evs)-1].Seq + 1
	}
}

func mustHead(tb testing.TB, db *DB) uint64 {
	tb.Helper()
	h, err := db.OutboxHead()
	if err != nil {
		tb.Fatalf("OutboxHead: %v", err)
	}
	return h
}

// storedJSON is a record's stored value without its codec byte.
func storedJSON(tb testing.TB, db *DB, key string) string {
	tb.Helper()
	var v []byte
	err := db.bdb.View(func(b *badger.Txn) error {
		item, err := b.Get([]byte(key))
		if err != nil {
			return err
		}
		v, err = item.ValueCopy(nil)
		return err
	})
	if err != nil {
		tb.Fatalf("read %s: %v", key, err)
	}
	return string(v[1:])
}

// TestOutboxEventPerWrite writes each kind of record and checks the
// events the transaction left: which kinds the chain carries, with the
// record's stored JSON, the branch and the commit time.
func TestOutboxEventPerWrite(t *testing.T) {
	tests := []struct {
		name  string
		write func(*Txn) error
		want  []string // kind/id of each event, in order
	}{
		{"customer", func(tx *Txn) error { return tx.PutCustomer(&appliance.Customer{ID: "c1", Name: "王芳"}) },
			[]string{"customer/c1"}},
		{"ticket", func(tx *Txn) error {
			return tx.PutTicket(&appliance.Ticket{Number: "T20261123-0001", Kind: appliance.KindRepair, Status: appliance.StatusOpen, CustomerID: "c1"})
		}, []string{"ticket/T20261123-0001"}},
		{"card", func(tx *Txn) error {
			return tx.PutCard(&appliance.Card{Number: "SC-000001", CustomerID: "c1", Status: appliance.CardActive, UIDs: []string{"04A1"}})
		}, []string{"card/SC-000001"}},
		{"ledger entry with its card", func(tx *Txn) error {
			e := &appliance.LedgerEntry{Card: "SC-000002", Seq: 1, Kind: appliance.LedgerTopup, AmountFen: 100, BalanceFen: 100,
				Operator: "clerk1", Key: "k1", Time: day}
			if err := tx.AppendLedger(e); err != nil {
				return err
			}
			return tx.PutCard(&appliance.Card{Number: "SC-000002", CustomerID: "c1", Status: appliance.CardActive,
				BalanceFen: 100, LedgerCount: 1, LedgerHead: e.Hash})
		}, []string{"ledger/SC-000002/000000000001", "card/SC-000002"}},
		{"two top-ups on a card: its last version once, after both entries", func(tx *Txn) error {
			head := ""
			for seq := int64(1); seq <= 2; seq++ {
				e := &appliance.LedgerEntry{Card: "SC-000003", Seq: seq, Kind: appliance.LedgerTopup, AmountFen: 100, BalanceFen: 100 * seq,
					Operator: "clerk1", Key: fmt.Sprintf("k%d", seq), Time: day, PrevHash: head}
				if err := tx.AppendLedger(e); err != nil {
					return err
				}
				head = e.Hash
				if err := tx.PutCard(&appliance.Card{Number: "SC-000003", CustomerID: "c1", Status: appliance.CardActive,
					BalanceFen: e.BalanceFen, LedgerCount: seq, LedgerHead: e.Hash}); err != nil {
					return err
				}
			}
			return nil
		}, []string{"ledger/SC-000003/000000000001", "ledger/SC-000003/000000000002", "card/SC-000003"}},
		{"closing", func(tx *Txn) error {
			return tx.PutClosing("20261123", json.RawMessage(`{"day":"20261123","tickets":3}`))
		},
			[]string{"closing/20261123"}},
		{"audit", func(tx *Txn) error { return tx.Audit("clerk1", "ticket.note", "T1", "", nil, map[string]int{"n": 1}) },
			[]string{"audit/"}},
		{"purchase: not carried", func(tx *Txn) error { return tx.PutPurchase(&appliance.Purchase{ID: "p1", Serial: "SN1"}) },
			nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			db, err := Open(dir, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Branch: "SH01",
				Now: func() time.Time { return day }})
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			mustUpdate(t, db, tt.write)
			evs := mustOutbox(t, db, 1)
			var got []string
			for i, ev := range evs {
				id := ev.ID
				if ev.Kind == chain.KindAudit {
					id = "" // random
				}
				got = append(got, ev.Kind+"/"+id)
				if ev.Seq != uint64(i+1) || ev.Branch != "SH01" || !ev.Time.Equal(day) {
					t.Errorf("event %d = seq %d branch %q time %v, want seq %d branch SH01 time %v", i, ev.Seq, ev.Branch, ev.Time, i+1, day)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("events = %q, want %q", got, tt.want)
			}
			for _, ev := range evs {
				key := "r/" + ev.Kind + "/" + ev.ID
				if data, want := string(ev.Data), storedJSON(t, db, key); data != want {
					t.Errorf("event %d data = %s, want the stored record %s = %s", ev.Seq, data, key, want)
				}
			}
			if h := mustHead(t, db); h != uint64(len(tt.want)) {
				t.Errorf("OutboxHead = %d, want %d", h, len(tt.want))
			}
			mustVerify(t, db)
		})
	}
}

// TestOutboxFailedUpdateWritesNothing: a transaction that fails leaves
// neither its record nor its event, and uses no seq.
func TestOutboxFailedUpdateWritesNothing(t *testing.T) {
	db := MustOpen(t)
	mustUpdate(t, db, func(tx *Txn) error { return tx.PutCustomer(&appliance.Customer{ID: "c1"}) })
	err := db.Update(func(tx *Txn) error {
		if err := tx.PutCustomer(&appliance.Customer{ID: "c2"}); err != nil {
			return err
		}
		return errors.New("refused")
	})
	if err == nil {
		t.Fatal("the failing Update returned nil")
	}
	mustUpdate(t, db, func(tx *Txn) error { return tx.PutCustomer(&appliance.Customer{ID: "c3"}) })
	mustUpdate(t, db, func(tx *Txn) error { return tx.DeleteCustomer("c1") })
	evs := mustOutbox(t, db, 1)
	var got []string
	for _, ev := range evs {
		data := "record"
		if string(ev.Data) == "null" {
			data = "null"
		}
		got = append(got, fmt.Sprintf("%d:%s:%s", ev.Seq, ev.ID, data))
	}
	want := []string{"1:c1:record", "2:c3:record", "3:c1:null"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("outbox = %q, want %q (c2 failed: no event, no seq; a delete carries null)", got, want)
	}
	mustUpdate(t, db, func(tx *Txn) error {
		_, err := tx.Customer("c2")
		if appliance.ErrorCode(err) != appliance.ENOTFOUND {
			return fmt.Errorf("c2 after the failed Update: %v, want not found", err)
		}
		return nil
	})
	mustVerify(t, db)
}

// TestOutboxSeqsContiguousUnderConcurrency runs many writers at once, some
// of whose transactions fail, and expects seqs 1..N with one event per
// committed write and a notification after the commits.
func TestOutboxSeqsContiguousUnderConcurrency(t *testing.T) {
	db := MustOpen(t)
	const writers, each = 8, 30
	var wg sync.WaitGroup
	var mu sync.Mutex
	committed := map[string]bool{}
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				ids := []string{fmt.Sprintf("c%d-%d-a", w, i), fmt.Sprintf("c%d-%d-b", w, i)}[:1+i%2]
				fail := i%5 == 4
				err := db.Update(func(tx *Txn) error {
					for _, id := range ids {
						if err := tx.PutCustomer(&appliance.Customer{ID: id}); err != nil {
							return err
						}
					}
					if fail {
						return errors.New("refused")
					}
					return nil
				})
				if (err != nil) != fail {
					t.Errorf("Update(fail=%v) = %v", fail, err)
				}
				if err == nil {
					mu.Lock()
					for _, id := range ids {
						committed[id] = true
					}
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	evs := mustOutbox(t, db, 1)
	if len(evs) != len(committed) {
		t.Fatalf("outbox holds %d events, want %d (one per committed write)", len(evs), len(committed))
	}
	seen := map[string]bool{}
	for i, ev := range evs {
		if ev.Seq != uint64(i+1) {
			t.Fatalf("event %d has seq %d, want %d: a gap or a repeat", i, ev.Seq, i+1)
		}
		if !committed[ev.ID] || seen[ev.ID] {
			t.Errorf("event %d is for %s: committed %v, seen before %v", ev.Seq, ev.ID, committed[ev.ID], seen[ev.ID])
		}
		seen[ev.ID] = true
	}
	if h := mustHead(t, db); h != uint64(len(evs)) {
		t.Errorf("OutboxHead = %d, want %d", h, len(evs))
	}
	select {
	case <-db.OutboxNotify():
	default:
		t.Error("OutboxNotify did not signal after commits that wrote events")
	}
	mustVerify(t, db)
}

// TestOutboxAckAndPrune: acks move forward only and not beyond the head;
// prune deletes acked events only; seqs go on after a full prune.
func TestOutboxAckAndPrune(t *testing.T) {
	db := MustOpen(t)
	for i := range 10 {
		mustUpdate(t, db, func(tx *Txn) error { return tx.PutCustomer(&appliance.Customer{ID: fmt.Sprintf("c%02d", i)}) })
	}
	if err := db.SetOutboxAcked(11); err == nil {
		t.Error("SetOutboxAcked(11) beyond head 10 was accepted")
	}
	steps := []struct {
		name       string
		ack, prune uint64
		wantAcked  uint64
		wantPruned int
		wantOldest uint64
		wantEvents int
	}{
		{"ack 4, prune to 10: only the acked go", 4, 10, 4, 4, 5, 6},
		{"an older ack is ignored", 2, 10, 4, 0, 5, 6},
		{"prune below the ack", 9, 6, 9, 2, 7, 4},
		{"ack all, prune all", 10, 100, 10, 4, 11, 0},
	}
	for _, s := range steps {
		if err := db.SetOutboxAcked(s.ack); err != nil {
			t.Fatalf("%s: SetOutboxAcked(%d): %v", s.name, s.ack, err)
		}
		n, err := db.PruneOutbox(s.prune)
		if err != nil {
			t.Fatalf("%s: PruneOutbox(%d): %v", s.name, s.prune, err)
		}
		acked, _ := db.OutboxAcked()
		oldest, _ := db.OutboxOldest()
		evs := mustOutbox(t, db, 1)
		if acked != s.wantAcked || n != s.wantPruned || oldest != s.wantOldest || len(evs) != s.wantEvents {
			t.Errorf("%s: acked %d, pruned %d, oldest %d, %d events; want %d, %d, %d, %d", s.name,
				acked, n, oldest, len(evs), s.wantAcked, s.wantPruned, s.wantOldest, s.wantEvents)
		}
		mustVerify(t, db)
	}
	mustUpdate(t, db, func(tx *Txn) error { return tx.PutCustomer(&appliance.Customer{ID: "c10"}) })
	if evs := mustOutbox(t, db, 1); len(evs) != 1 || evs[0].Seq != 11 {
		t.Fatalf("after a full prune the next event = %+v, want one with seq 11", evs)
	}
	mustVerify(t, db)
}

// TestOutboxPruneBefore: the keep-time prune removes the acked events
// written before the cutoff and keeps the unacked ones, the young ones,
// and everything after the first young one (a clock set back leaves an
// old event behind a young one: kept, so the outbox stays one run of
// seqs); Verify passes after it.
func TestOutboxPruneBefore(t *testing.T) {
	now := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	old, young := now.AddDate(0, 0, -10), now.AddDate(0, 0, -1)
	cutoff := now.AddDate(0, 0, -7)
	tests := []struct {
		name       string
		written    []time.Time // one event each, seq 1, 2, …
		ack        uint64
		wantPruned int
		wantOldest uint64
	}{
		{"old and acked go, young stay", []time.Time{old, old, old, young, young}, 5, 3, 4},
		{"old but not acked stay", []time.Time{old, old, old, young, young}, 2, 2, 3},
		{"nothing acked, nothing goes", []time.Time{old, old}, 0, 0, 1},
		{"all young, nothing goes", []time.Time{young, young}, 2, 0, 1},
		{"all old and acked, all go", []time.Time{old, old, old}, 3, 3, 4},
		{"an old event after a young one stays", []time.Time{old, young, old, young}, 4, 1, 2},
		{"written at the cutoff stays", []time.Time{old, cutoff}, 2, 1, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpen(t)
			for i, at := range tt.written {
				db.SetClock(func() time.Time { return at })
				mustUpdate(t, db, func(tx *Txn) error { return tx.PutCustomer(&appliance.Customer{ID: fmt.Sprintf("c%02d", i)}) })
			}
			if err := db.SetOutboxAcked(tt.ack); err != nil {
				t.Fatal(err)
			}
			n, err := db.PruneOutboxBefore(cutoff)
			if err != nil {
				t.Fatalf("PruneOutboxBefore: %v", err)
			}
			oldest, _ := db.OutboxOldest()
			evs := mustOutbox(t, db, 1)
			if n != tt.wantPruned || oldest != tt.wantOldest || len(evs) != len(tt.written)-tt.wantPruned {
				t.Errorf("pruned %d, oldest %d, %d events kept; want %d, %d, %d", n, oldest, len(evs),
					tt.wantPruned, tt.wantOldest, len(tt.written)-tt.wantPruned)
			}
			for _, ev := range evs {
				if ev.Seq <= tt.ack && ev.Time.Before(cutoff) && ev.Seq < tt.wantOldest {
					t.Errorf("event %d (written %s, acked) was kept below the oldest", ev.Seq, ev.Time)
				}
			}
			mustVerify(t, db)
			// A second prune finds nothing more to do.
			if n, err := db.PruneOutboxBefore(cutoff); err != nil || n != 0 {
				t.Errorf("a second prune deleted %d, %v; want 0", n, err)
			}
		})
	}
}

// TestOutboxPruneBeforeBatches: more events than one prune transaction
// takes all go, in several.
func TestOutboxPruneBeforeBatches(t *testing.T) {
	db := MustOpen(t)
	db.SetClock(func() time.Time { return time.Date(2026, 11, 1, 9, 0, 0, 0, time.UTC) })
	const n = pruneBatch + 250
	mustUpdate(t, db, func(tx *Txn) error {
		for i := range n {
			if err := tx.PutCustomer(&appliance.Customer{ID: fmt.Sprintf("c%05d", i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err := db.SetOutboxAcked(n); err != nil {
		t.Fatal(err)
	}
	got, err := db.PruneOutboxBefore(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC))
	if err != nil || got != n {
		t.Fatalf("PruneOutboxBefore = %d, %v; want %d", got, err, n)
	}
	mustVerify(t, db)
}

// TestVerifyFindsOutboxDamage breaks the outbox behind the API.
func TestVerifyFindsOutboxDamage(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(*badger.Txn) error
		want    string
	}{
		{"a middle event removed", func(b *badger.Txn) error { return b.Delete(outboxKey(5)) },
			"events 5 to 5 are missing (gap after 4)"},
		{"the last event removed", func(b *badger.Txn) error { return b.Delete(outboxKey(10)) },
			"the last event is 9 but the head is 10"},
		{"an unacked event pruned", func(b *badger.Txn) error {
			for s := uint64(1); s <= 4; s++ {
				if err := b.Delete(outboxKey(s)); err != nil {
					return err
				}
			}
			return nil
		}, "events 3 to 4 are missing (not acked, so not pruned)"},
		{"ack beyond head", func(b *badger.Txn) error {
			tx := &Txn{t: &kv{Txn: b}}
			return tx.setCounter(outboxAckedKey, 12)
		}, "acked 12 is beyond the head 10"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpen(t)
			for i := range 10 {
				mustUpdate(t, db, func(tx *Txn) error { return tx.PutCustomer(&appliance.Customer{ID: fmt.Sprintf("c%02d", i)}) })
			}
			if err := db.SetOutboxAcked(2); err != nil {
				t.Fatal(err)
			}
			mustVerify(t, db)
			if err := db.bdb.Update(tt.corrupt); err != nil {
				t.Fatal(err)
			}
			r, err := db.Verify()
			if err != nil {
				t.Fatal(err)
			}
			if len(r.Problems) != 1 || !strings.Contains(r.Problems[0], tt.want) {
				t.Fatalf("Verify found %q, want one problem saying %q", r.Problems, tt.want)
			}
		})
	}
}
