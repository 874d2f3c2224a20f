package cards

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/appliance/store/benchcache"
)

// ledgerStoreGen is the version of ledgerStore's generator: raise it when
// ledgerStore changes, so that no cached store of the old shape is used
// (package benchcache).
const ledgerStoreGen = 1

// ledgerBatch is how many cards ledgerStore writes to one transaction:
// about 1 MiB of keys and values, well under the 2.4 MiB a transaction
// may hold with the appliance's 16 MiB memtables.
const ledgerBatch = 400

// ledgerCard is the printed number ledgerStore gives customer i's card.
// Seven digits, not NextCardNumber's six: a million cards do not fit in
// six.
func ledgerCard(i int) string { return fmt.Sprintf("SC-%07d", i+1) }

// ledgerStore writes a store that has been issuing cards for years: n
// customers, each holding one active card with a chip UID and two ledger
// entries, an issue deposit of 1,000,000 fen and a top-up of 10,000 fen,
// chained as the service chains them. It writes straight through store
// transactions, ledgerBatch cards to each.
func ledgerStore(tb testing.TB, dir string, n int) {
	tb.Helper()
	db, err := store.Open(dir, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2025, 6, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for i := 0; i < n; i += ledgerBatch {
		err := db.Update(func(tx *store.Txn) error {
			for j := i; j < min(i+ledgerBatch, n); j++ {
				if err := putLedgerCard(tx, j, at); err != nil {
					return fmt.Errorf("card %d: %w", j, err)
				}
			}
			return nil
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

// putLedgerCard writes customer i, its card and the card's two entries.
func putLedgerCard(tx *store.Txn, i int, at time.Time) error {
	cust := &appliance.Customer{ID: fmt.Sprintf("c%07d", i), Name: fmt.Sprintf("顾客%d", i),
		Phones: []string{fmt.Sprintf("139%08d", i)}}
	if err := tx.PutCustomer(cust); err != nil {
		return err
	}
	c := &appliance.Card{Number: ledgerCard(i), UIDs: []string{fmt.Sprintf("04%012X", i)},
		CustomerID: cust.ID, Status: appliance.CardActive, Issued: at, Updated: at}
	for _, e := range []*appliance.LedgerEntry{
		{Kind: appliance.LedgerIssue, AmountFen: 1_000_000, Key: fmt.Sprintf("issue-%d", i)},
		{Kind: appliance.LedgerTopup, AmountFen: 10_000, Key: fmt.Sprintf("topup-%d", i)},
	} {
		e.Card, e.Seq, e.BalanceFen, e.PrevHash = c.Number, c.LedgerCount+1, c.BalanceFen+e.AmountFen, c.LedgerHead
		e.Operator, e.Time = "0007", at
		if err := tx.AppendLedger(e); err != nil {
			return err
		}
		c.BalanceFen, c.LedgerCount, c.LedgerHead = e.BalanceFen, e.Seq, e.Hash
	}
	return tx.PutCard(c)
}

// TestLedgerStoreVerifies: the store the sized benchmark starts from
// holds a whole ledger (store.Verify passes), and the service tops up and
// charges its cards.
func TestLedgerStoreVerifies(t *testing.T) {
	n := 10_000
	if testing.Short() {
		n = 1_000
	}
	dir := filepath.Join(t.TempDir(), "data")
	ledgerStore(t, dir, n)
	f := mustServiceIn(t, dir, testPolicy())
	mustVerify(t, f.db)
	ctx := context.Background()
	last := ledgerCard(n - 1)
	if _, err := f.svc.TopUp(ctx, clerk, MoneyArgs{Key: "t-check", Card: last, AmountFen: 500}); err != nil {
		t.Fatal(err)
	}
	res, err := f.svc.Charge(ctx, clerk, MoneyArgs{Key: "c-check", Card: last, AmountFen: 200})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := res.Card.BalanceFen, int64(1_000_000+10_000+500-200); got != want || res.Card.LedgerCount != 4 {
		t.Errorf("card %s after a top-up and a charge: balance %d, %d entries; want %d, 4", last, got, res.Card.LedgerCount, want)
	}
	mustVerify(t, f.db)
}

// rawFsyncRate writes 512 bytes and fsyncs them in dir, one after
// another, for d, and returns how many it did a second.
func rawFsyncRate(b *testing.B, dir string, d time.Duration) float64 {
	f, err := os.Create(filepath.Join(dir, "fsync-probe"))
	if err != nil {
		b.Fatal(err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	buf := make([]byte, 512)
	n, start := 0, time.Now()
	for time.Since(start) < d {
		writeSync(b, f, buf)
		n++
	}
	return float64(n) / time.Since(start).Seconds()
}

// BenchmarkDurableOpsAt is BenchmarkDurableOps on a store of 10k, 100k
// and 1M cards (ledgerStore, cached by benchcache and copied for each
// size), with 1 and 64 clients whose top-ups and charges fall on cards
// drawn at random (seeded) among all n. Each size's store is opened once
// and shared by its client counts and by every round of b.N, so the
// ledger grows as the benchmark runs, as a desk's does. Before the
// clients, once the copy is written back, 2 s of raw fsyncs on the
// store's file system give raw-fsync/s of the same run and the ratio
// x-raw-fsync (ops/s over it).
func BenchmarkDurableOpsAt(b *testing.B) {
	for _, n := range []int{10_000, 100_000, 1_000_000} {
		b.Run(fmt.Sprintf("cards=%d", n), func(b *testing.B) {
			start := time.Now()
			dir := benchcache.Store(b, "ledger", n, ledgerStoreGen, ledgerStore)
			syscall.Sync() // write the copy back now, not during the fsyncs measured
			f := mustServiceIn(b, dir, testPolicy())
			b.Logf("cards=%d: store ready and open in %s", n, time.Since(start).Round(time.Second))
			raw := rawFsyncRate(b, filepath.Dir(dir), 2*time.Second)
			var round atomic.Int64
			for _, clients := range []int{1, 64} {
				b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
					benchSizedOps(b, f, n, clients, round.Add(1), raw)
				})
			}
		})
	}
}

// benchSizedOps runs b.N top-ups and charges from clients clients on
// random cards among n, keyed by round so that no round replays another.
func benchSizedOps(b *testing.B, f *fixture, n, clients int, round int64, raw float64) {
	rngs := make([]*rand.Rand, clients)
	for c := range rngs {
		rngs[c] = rand.New(rand.NewPCG(uint64(round), uint64(c)))
	}
	ops := moneyClients(b, f, clients, func(c, i int) MoneyArgs {
		return MoneyArgs{Key: fmt.Sprintf("s%d-%d-%d", round, c, i), Card: ledgerCard(rngs[c].IntN(n)), AmountFen: 100}
	})
	if ops > 0 {
		b.ReportMetric(raw, "raw-fsync/s")
		b.ReportMetric(ops/raw, "x-raw-fsync")
	}
}
