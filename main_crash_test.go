package main

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/ui"
)

// crashFault marks the tickets the crash test takes in, with their key.
const crashFault = "crash-key "

// keyedIntake is one intake the client sent with its key; number is the
// ticket the server acknowledged ("" while unacknowledged).
type keyedIntake struct {
	key    string
	number string
}

// keyedPickup is one pickup sent with its key for a ticket.
type keyedPickup struct {
	key    string
	number string
	acked  bool
}

// keyedTopup is one card top-up sent with its key.
type keyedTopup struct {
	key    string
	amount int64
	acked  bool
}

// crashCard is the demo card the crash test tops up.
const crashCard = "SC-000001"

// crashClient is the kiosk's side of the crash test: what it sent, and
// what the server acknowledged.
type crashClient struct {
	t       *testing.T
	intakes []*keyedIntake
	pickups []*keyedPickup
	topups  []*keyedTopup
	picked  map[string]bool // ticket numbers a pickup was sent for
	retried int             // acknowledged requests sent again
}

// TestKill9KeyedRequestsOnce runs the real server in a child process, sends
// it intakes, pickups and card top-ups over the websocket with their
// idempotency keys,
// and kills it with SIGKILL at a random moment, 50 times. After each
// restart the client sends every unacknowledged request again, and some
// acknowledged ones, with the same key and arguments. At the end every
// key made exactly one ticket, every acknowledged intake is there with
// the number it was acknowledged with, every acknowledged pickup closed
// its ticket, every top-up key is in the ledger once with its amount, and
// the store verifies.
func TestKill9KeyedRequestsOnce(t *testing.T) {
	if os.Getenv(serveChildEnv) != "" {
		t.Skip("in the child")
	}
	const cycles = 50
	data := filepath.Join(t.TempDir(), "data")
	cc := &crashClient{t: t, picked: map[string]bool{}}
	for cycle := range cycles {
		cmd, addr := startCrashServe(t, data)
		c := dialStaff(t, addr, "clerk", "1111")
		cc.retry(c)
		time.AfterFunc(time.Duration(20+rand.IntN(200))*time.Millisecond, func() { cmd.Process.Kill() })
		cc.work(c)
		if err := cmd.Wait(); err == nil {
			t.Fatalf("cycle %d: the server exited by itself", cycle)
		}
	}
	cmd, addr := startCrashServe(t, data)
	cc.retry(dialStaff(t, addr, "clerk", "1111"))
	cmd.Process.Signal(syscall.SIGTERM)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("serve after SIGTERM: %v", err)
	}
	cc.check(data)
}

// startCrashServe starts the serve child with the demo data on data and returns it with the
// address it listens on, once it serves.
func startCrashServe(t *testing.T, data string) (*exec.Cmd, string) {
	t.Helper()
	cmd := serveChild(data, true)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		if m := servingAddr.FindStringSubmatch(sc.Text()); m != nil {
			go io.Copy(io.Discard, stderr)
			return cmd, m[1]
		}
	}
	cmd.Wait()
	t.Fatalf("the serve child ended before serving: %v", sc.Err())
	return nil, ""
}

var servingAddr = regexp.MustCompile(`shouhou serving.* addr=(\S+)`)

// intakeArgs is the out-of-stock registration sent with key: a demo
// customer's, its fault naming the key.
func crashIntakeArgs(key string) map[string]any {
	return map[string]any{"kind": "out_of_stock", "phone": "13800130001", "fault": crashFault + key, "key": key}
}

// send calls op until the server answers, waiting out the rate limit; a
// lost connection (the server killed) returns the error.
func send(c *wsClient, op string, args, out any) error {
	for {
		err := c.call(op, args, out)
		if err == nil || !strings.Contains(err.Error(), ui.CodeRateLimited) {
			return err
		}
		time.Sleep(100 * time.Millisecond)
	}
}

type intakeReply struct {
	Ticket   appliance.Ticket `json:"ticket"`
	Replayed bool             `json:"replayed"`
}

// retry sends every unacknowledged request again, and one in four
// acknowledged ones (at most three of each kind), with the same key and
// arguments; a server that has just started must answer each.
func (cc *crashClient) retry(c *wsClient) {
	t := cc.t
	again := 0
	for _, in := range cc.intakes {
		if in.number != "" && (again >= 3 || rand.IntN(4) != 0) {
			continue
		}
		var r intakeReply
		if err := send(c, "ticket.intake", crashIntakeArgs(in.key), &r); err != nil {
			t.Fatalf("retry of intake %s: %v", in.key, err)
		}
		if in.number != "" {
			again++
			if r.Ticket.Number != in.number || !r.Replayed {
				t.Errorf("acknowledged intake %s retried = %s (replayed %v), want %s replayed", in.key, r.Ticket.Number, r.Replayed, in.number)
			}
		}
		in.number = r.Ticket.Number
	}
	cc.retried += again
	again = 0
	for _, p := range cc.pickups {
		if p.acked && (again >= 3 || rand.IntN(4) != 0) {
			continue
		}
		if p.acked {
			again++
		}
		if err := cc.pickup(c, p); err != nil {
			t.Fatalf("retry of pickup %s: %v", p.key, err)
		}
	}
	cc.retried += again
	again = 0
	for _, tu := range cc.topups {
		if tu.acked && (again >= 3 || rand.IntN(4) != 0) {
			continue
		}
		if tu.acked {
			again++
		}
		if err := cc.topup(c, tu); err != nil {
			t.Fatalf("retry of top-up %s: %v", tu.key, err)
		}
	}
	cc.retried += again
}

// topup sends tu and checks a retry of an acknowledged one is a replay.
func (cc *crashClient) topup(c *wsClient, tu *keyedTopup) error {
	var r struct {
		Replayed bool `json:"replayed"`
	}
	if err := send(c, "card.topup", map[string]any{"key": tu.key, "card": crashCard, "amount_fen": tu.amount}, &r); err != nil {
		return err
	}
	if tu.acked && !r.Replayed {
		cc.t.Errorf("acknowledged top-up %s retried: not replayed", tu.key)
	}
	tu.acked = true
	return nil
}

// work sends new intakes, pickups of acknowledged ones and top-ups until
// the server is killed under it.
func (cc *crashClient) work(c *wsClient) {
	for i := 0; ; i++ {
		if i%3 == 2 {
			tu := &keyedTopup{key: fmt.Sprintf("crash-tu-%04d", len(cc.topups)), amount: int64(100 + len(cc.topups))}
			cc.topups = append(cc.topups, tu)
			if cc.topup(c, tu) != nil {
				return
			}
			continue
		}
		if i%2 == 1 {
			if number := cc.pickable(); number != "" {
				p := &keyedPickup{key: fmt.Sprintf("pu-%s", number), number: number}
				cc.pickups, cc.picked[number] = append(cc.pickups, p), true
				if cc.pickup(c, p) != nil {
					return
				}
				continue
			}
		}
		in := &keyedIntake{key: fmt.Sprintf("in-%04d", len(cc.intakes))}
		cc.intakes = append(cc.intakes, in)
		var r intakeReply
		if send(c, "ticket.intake", crashIntakeArgs(in.key), &r) != nil {
			return
		}
		in.number = r.Ticket.Number
	}
}

// pickable returns an acknowledged intake's ticket no pickup was sent for.
func (cc *crashClient) pickable() string {
	for _, in := range cc.intakes {
		if in.number != "" && !cc.picked[in.number] {
			return in.number
		}
	}
	return ""
}

// pickup makes p's ticket ready (the stock arrived), unless it is past
// that, and picks it up with p's key.
func (cc *crashClient) pickup(c *wsClient, p *keyedPickup) error {
	var got struct {
		Ticket appliance.Ticket `json:"ticket"`
	}
	if err := send(c, "ticket.get", map[string]string{"number": p.number}, &got); err != nil {
		return err
	}
	if got.Ticket.Status == appliance.StatusOpen {
		if err := send(c, "ticket.move", map[string]string{"number": p.number, "to": "ready"}, nil); err != nil {
			return err
		}
	}
	var r intakeReply
	if err := send(c, "ticket.pickup", map[string]string{"number": p.number, "key": p.key}, &r); err != nil {
		return err
	}
	if p.acked && !r.Replayed {
		cc.t.Errorf("acknowledged pickup %s retried: not replayed", p.key)
	}
	if r.Ticket.Status != appliance.StatusClosed {
		cc.t.Errorf("pickup %s: ticket %s is %s, want closed", p.key, p.number, r.Ticket.Status)
	}
	p.acked = true
	return nil
}

// check opens the data the server left and holds it to what the client
// was told.
func (cc *crashClient) check(data string) {
	t := cc.t
	db, err := store.Open(data, store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	byKey := map[string][]*appliance.Ticket{}
	err = db.View(func(tx *store.Txn) error {
		for _, s := range appliance.TicketStatuses {
			ts, err := tx.TicketsByStatus(s, 0)
			if err != nil {
				return err
			}
			for _, tk := range ts {
				if key, ok := strings.CutPrefix(tk.Fault, crashFault); ok {
					byKey[key] = append(byKey[key], tk)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	closed := 0
	for _, in := range cc.intakes {
		ts := byKey[in.key]
		switch {
		case len(ts) != 1:
			t.Errorf("intake key %s made %d tickets, want exactly 1", in.key, len(ts))
		case ts[0].Number != in.number:
			t.Errorf("intake key %s: ticket %s in the store, %s acknowledged", in.key, ts[0].Number, in.number)
		case cc.picked[in.number] && ts[0].Status != appliance.StatusClosed:
			t.Errorf("ticket %s was picked up (acknowledged) but is %s", in.number, ts[0].Status)
		case ts[0].Status == appliance.StatusClosed:
			closed++
		}
	}
	if len(byKey) != len(cc.intakes) {
		t.Errorf("%d keys in the store, %d sent", len(byKey), len(cc.intakes))
	}
	if closed != len(cc.pickups) {
		t.Errorf("%d tickets closed, %d pickups sent", closed, len(cc.pickups))
	}
	err = db.View(func(tx *store.Txn) error {
		entries, err := tx.LedgerOf(crashCard)
		if err != nil {
			return err
		}
		seen := map[string]int64{}
		for _, e := range entries {
			if strings.HasPrefix(e.Key, "crash-tu-") {
				if _, dup := seen[e.Key]; dup {
					t.Errorf("top-up key %s is in the ledger twice", e.Key)
				}
				seen[e.Key] = e.AmountFen
			}
		}
		for _, tu := range cc.topups {
			if got, ok := seen[tu.key]; !ok || got != tu.amount {
				t.Errorf("top-up %s: ledger has %d (%v), want %d once", tu.key, got, ok, tu.amount)
			}
		}
		if len(seen) != len(cc.topups) {
			t.Errorf("%d top-up keys in the ledger, %d sent", len(seen), len(cc.topups))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := db.Verify()
	if err != nil || !rep.OK() {
		t.Errorf("Verify after the crashes = %v, %v", rep, err)
	}
	t.Logf("%d intakes, %d pickups and %d top-ups sent over the kills, %d acknowledged requests retried", len(cc.intakes), len(cc.pickups), len(cc.topups), cc.retried)
}
