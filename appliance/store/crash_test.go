package store

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"shouhou/appliance"
)

const crashChildEnv = "SHOUHOU_CRASH_CHILD_DIR"

// TestCrashChild is the child of TestKill9LosesNothingAcknowledged: it
// writes tickets (record, indexes, counter, audit in one transaction) as
// fast as it can and prints each number after its commit returned.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("the child of TestKill9LosesNothingAcknowledged")
	}
	d, err := time.Parse("2006-01-02", os.Getenv("SHOUHOU_CRASH_DAY"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := Open(dir, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(3)
	}
	for i := 0; ; i++ {
		var number string
		err := db.Update(func(tx *Txn) (err error) {
			if number, err = tx.NextTicketNumber(d); err != nil {
				return err
			}
			tk := &appliance.Ticket{Number: number, Kind: appliance.KindRepair, Status: appliance.StatusOpen,
				CustomerID: fmt.Sprintf("c%d", i%7), Due: d.Add(time.Duration(i) * time.Minute)}
			if err := tx.PutTicket(tk); err != nil {
				return err
			}
			return tx.Audit("crash-test", "ticket.create", "ticket/"+number, "", nil, tk)
		})
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(4)
		}
		fmt.Println(number) // only after the commit returned: acknowledged
	}
}

// TestKill9LosesNothingAcknowledged kills a writing child with SIGKILL at
// random moments, 50 times, and after each restart checks that every
// acknowledged ticket is there, that numbering has no gap, and that Verify
// passes.
func TestKill9LosesNothingAcknowledged(t *testing.T) {
	if os.Getenv(crashChildEnv) != "" {
		t.Skip("in the child")
	}
	const cycles = 50
	dir := t.TempDir()
	seen := 0
	for c := 0; c < cycles; c++ {
		d := day.AddDate(0, 0, c) // a day per cycle keeps each under 9,999 tickets
		acked := runAndKill(t, dir, d, time.Duration(20+rand.IntN(150))*time.Millisecond)
		seen += len(acked)
		db := MustOpenDir(t, dir)
		err := db.View(func(tx *Txn) error {
			for _, n := range acked {
				if _, err := tx.Ticket(n); err != nil {
					t.Errorf("cycle %d: acknowledged ticket %s lost: %v", c, n, err)
				}
			}
			// No gap: the day's tickets are exactly 0001..N.
			ts, err := tx.TicketsByStatus(appliance.StatusOpen, 0)
			if err != nil {
				return err
			}
			var today int
			for _, tk := range ts {
				if strings.HasPrefix(tk.Number, "T"+d.Format("20060102")+"-") {
					today++
				}
			}
			if today < len(acked) {
				t.Errorf("cycle %d: %d tickets stored, %d acknowledged", c, today, len(acked))
			}
			for i := 1; i <= today; i++ {
				if _, err := tx.Ticket(fmt.Sprintf("T%s-%04d", d.Format("20060102"), i)); err != nil {
					t.Errorf("cycle %d: gap in numbering at %d of %d: %v", c, i, today, err)
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		mustVerify(t, db)
		db.Close()
		if t.Failed() {
			return
		}
	}
	if seen == 0 {
		t.Fatal("the child never acknowledged a write")
	}
	t.Logf("%d cycles, %d acknowledged tickets, all present", cycles, seen)
}

// runAndKill starts the child on dir, lets it write for about run once it
// has acknowledged its first ticket, kills it with SIGKILL and returns the
// numbers it acknowledged (whole lines only).
func runAndKill(t *testing.T, dir string, d time.Time, run time.Duration) []string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir, "SHOUHOU_CRASH_DAY="+d.Format("2006-01-02"))
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string)
	go func() {
		defer close(lines)
		br := bufio.NewReader(out)
		for {
			s, err := br.ReadString('\n')
			if err != nil {
				return // a fragment without its newline was never fully acknowledged
			}
			if strings.HasPrefix(s, "T") {
				lines <- strings.TrimSpace(s)
			}
		}
	}()
	var acked []string
	var kill <-chan time.Time
	deadline := time.After(30 * time.Second)
	for {
		select {
		case s, ok := <-lines:
			if !ok {
				cmd.Wait()
				return acked
			}
			acked = append(acked, s)
			if kill == nil {
				kill = time.After(run)
			}
		case <-kill:
			cmd.Process.Signal(syscall.SIGKILL)
			kill = nil
		case <-deadline:
			cmd.Process.Kill()
			t.Fatal("the crash child wrote nothing for 30 s")
		}
	}
}
