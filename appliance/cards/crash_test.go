package cards

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

const crashDirEnv = "SHOUHOU_CARDS_CRASH_DIR"

// TestCardsCrashChild is the child of TestKill9KeepsEveryAcknowledgedOperation:
// eight clients apply money operations as fast as they can, each printing
// "KEY CARD AMOUNT" after the operation returned.
func TestCardsCrashChild(t *testing.T) {
	dir := os.Getenv(crashDirEnv)
	if dir == "" {
		t.Skip("the child of TestKill9KeepsEveryAcknowledgedOperation")
	}
	f := mustServiceIn(t, dir, testPolicy())
	ctx := context.Background()
	run := os.Getenv("SHOUHOU_CARDS_CRASH_RUN")
	res, err := f.svc.Issue(ctx, supervisor, IssueArgs{Key: "issue-c1", CustomerID: "c1", DepositFen: 1_000_000}) // above a clerk's top-up limit
	if err != nil {
		t.Fatal(err)
	}
	card := res.Card.Number
	var mu sync.Mutex
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				a := MoneyArgs{Key: fmt.Sprintf("%s-%d-%d", run, g, i), Card: card, AmountFen: int64(1 + i%50)}
				op, sign := f.svc.TopUp, int64(1)
				if i%2 == 1 {
					op, sign = f.svc.Charge, -1
				}
				if _, err := op(ctx, clerk, a); err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(4)
				}
				mu.Lock()
				fmt.Printf("%s %s %d\n", a.Key, card, sign*a.AmountFen)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
}

// TestKill9KeepsEveryAcknowledgedOperation kills the writing child with
// SIGKILL at random moments, 50 times; after each restart every
// acknowledged operation is in the ledger exactly once, with its amount,
// and Verify passes (balances equal ledgers, chains whole).
func TestKill9KeepsEveryAcknowledgedOperation(t *testing.T) {
	if os.Getenv(crashDirEnv) != "" {
		t.Skip("in the child")
	}
	dir := t.TempDir()
	total := 0
	for c := 0; c < 50; c++ {
		acked := killChild(t, dir, fmt.Sprint("r", c), time.Duration(10+rand.IntN(120))*time.Millisecond)
		total += len(acked)
		f := mustServiceIn(t, dir, testPolicy())
		for key, amount := range acked {
			var e *appliance.LedgerEntry
			err := f.db.View(func(tx *store.Txn) (err error) { e, err = tx.LedgerByKey(key); return err })
			if err != nil || e.AmountFen != amount {
				t.Fatalf("cycle %d: acknowledged %s (%d) in the ledger as %+v, %v", c, key, amount, e, err)
			}
		}
		mustVerify(t, f.db)
		f.svc.Close()
		f.db.Close()
	}
	if total == 0 {
		t.Fatal("the child never acknowledged an operation")
	}
	t.Logf("50 kills, %d acknowledged operations, each in the ledger once", total)
}

// killChild runs the crash child on dir and kills it run after its first
// acknowledgement; it returns the acknowledged keys with their amounts.
func killChild(t *testing.T, dir, run string, after time.Duration) map[string]int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCardsCrashChild$")
	cmd.Env = append(os.Environ(), crashDirEnv+"="+dir, "SHOUHOU_CARDS_CRASH_RUN="+run)
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked := map[string]int64{}
	var once sync.Once
	br := bufio.NewReader(out)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			break // EOF after the kill; a line without its newline was not acknowledged
		}
		var key, card string
		var amount int64
		if n, _ := fmt.Sscan(strings.TrimSpace(line), &key, &card, &amount); n != 3 {
			continue
		}
		if _, dup := acked[key]; dup {
			t.Fatalf("key %s acknowledged twice", key)
		}
		acked[key] = amount
		once.Do(func() { time.AfterFunc(after, func() { cmd.Process.Signal(syscall.SIGKILL) }) })
	}
	cmd.Wait()
	return acked
}
