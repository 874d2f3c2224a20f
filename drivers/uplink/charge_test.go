package uplink

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/chain"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
	"shouhou/drivers/chaintest"
)

// branchBox is one branch's store and card service in a test.
type branchBox struct {
	db    *store.DB
	cards *cards.Service
}

// openBranch opens a store and card service for branch.
func openBranch(t *testing.T, branch string) branchBox {
	t.Helper()
	db, err := store.Open(t.TempDir(), store.Options{Logger: quiet, Branch: branch})
	if err != nil {
		t.Fatalf("store.Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	svc := cards.New(db, cards.Options{Policy: func() *policy.Tables { return &policy.Tables{} }, Logger: quiet})
	t.Cleanup(svc.Close)
	return branchBox{db, svc}
}

var deskClerk = appliance.Actor{ID: "clerk1", Role: appliance.RoleClerk, Desk: "desk1"}

// issue gives customer a card with uid and deposit fen, and returns its number.
func (b branchBox) issue(t *testing.T, customer, uid string, fen int64) string {
	t.Helper()
	err := b.db.Update(func(tx *store.Txn) error {
		return tx.PutCustomer(&appliance.Customer{ID: customer, Name: customer, Phones: []string{"1390000" + customer}})
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := b.cards.Issue(context.Background(), deskClerk, cards.IssueArgs{Key: "issue-" + uid, CustomerID: customer, UID: uid, DepositFen: fen})
	if err != nil {
		t.Fatalf("Issue(%s): %v", uid, err)
	}
	return res.Card.Number
}

// ledger returns a card's entries and balance.
func (b branchBox) ledger(t *testing.T, number string) ([]*appliance.LedgerEntry, int64) {
	t.Helper()
	card, entries, err := b.cards.Ledger(number)
	if err != nil {
		t.Fatalf("Ledger(%s): %v", number, err)
	}
	return entries, card.BalanceFen
}

// runDirectory starts a card directory writer for branch's box and waits
// until it has written the whole outbox.
func runDirectory(t *testing.T, b branchBox, branch, url string) *CardDirectory {
	t.Helper()
	d, err := NewCardDirectory(b.db, DirectoryOptions{URL: url, Branch: branch, Logger: quiet, Poll: 20 * time.Millisecond, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	runUntilStopped(t, d.Run)
	waitWritten(t, d, b.db)
	return d
}

// waitWritten waits until the directory holds db's outbox up to its head.
func waitWritten(t *testing.T, d *CardDirectory, db *store.DB) {
	t.Helper()
	head, err := db.OutboxHead()
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for s := d.Status(); s.Written < head; s = d.Status() {
		if time.Now().After(deadline) {
			t.Fatalf("directory status %+v after 20 s, want outbox seq %d written", s, head)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// runResponder starts a charge responder for branch with charger and
// waits until it is subscribed.
func runResponder(t *testing.T, b branchBox, charger CardCharger, branch, url string) (*ChargeResponder, func()) {
	t.Helper()
	r, err := NewChargeResponder(b.db, charger, ChargeOptions{URL: url, Branch: branch, Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	stop := runUntilStopped(t, r.Run)
	waitFor(t, "the charge responder", r.Ready)
	return r, stop
}

// runClient starts a charge client asking as branch with timeout.
func runClient(t *testing.T, branch, url string, timeout time.Duration) *ChargeClient {
	t.Helper()
	c, err := NewChargeClient(ChargeOptions{URL: url, Branch: branch, Logger: quiet, Timeout: timeout})
	if err != nil {
		t.Fatal(err)
	}
	runUntilStopped(t, c.Run)
	waitFor(t, "the charge client", c.Ready)
	return c
}

// waitFor waits up to 10 s for ok.
func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s is not ready after 10 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// slowCharger charges, then takes delay to answer: the reply comes after
// the asker has given up.
type slowCharger struct {
	CardCharger
	delay time.Duration
}

func (s slowCharger) Charge(ctx context.Context, actor appliance.Actor, a cards.MoneyArgs) (*cards.Result, error) {
	res, err := s.CardCharger.Charge(ctx, actor, a)
	time.Sleep(s.delay)
	return res, err
}

// charge is one desk charge of fen at b2 with key.
func charge(c *ChargeClient, uid, key string, fen int64) (*chain.ChargeReply, error) {
	return c.Charge(context.Background(), uid, chain.ChargeRequest{Key: key, Amount: fen, Desk: "desk2", Operator: "clerk7", Ticket: "T20261203-0001"})
}

// wantRefused checks a refused charge: its code and a part of its message.
func wantRefused(t *testing.T, what string, reply *chain.ChargeReply, err error, code, msg string) {
	t.Helper()
	if appliance.ErrorCode(err) != code || !strings.Contains(appliance.ErrorMessage(err), msg) {
		t.Errorf("%s: Charge = %+v, %v; want %s containing %q", what, reply, err, code, msg)
	}
}

// TestCrossBranchCharge: a card b1 issued is charged from b2's desk on
// b1's ledger, once per key whatever is repeated or lost on the way, and
// refused clearly when b1 refuses or cannot be reached.
func TestCrossBranchCharge(t *testing.T) {
	n := chaintest.StartNATS(t, chaintest.NATSOptions{})
	b1, b2 := openBranch(t, "b1"), openBranch(t, "b2")
	const uid, lostUID = "04A1B2C3D4E5F6", "04B1B2C3D4E5F6"
	card := b1.issue(t, "c1", uid, 10000)
	lost := b1.issue(t, "c2", lostUID, 10000)
	if _, err := b1.cards.ReportLost(context.Background(), deskClerk, lost); err != nil {
		t.Fatal(err)
	}
	mine := b2.issue(t, "c9", "04C1B2C3D4E5F6", 500)
	runDirectory(t, b1, "b1", n.URL())
	runDirectory(t, b2, "b2", n.URL())
	r, stopResponder := runResponder(t, b1, b1.cards, "b1", n.URL())
	c := runClient(t, "b2", n.URL(), 2*time.Second)
	poisonDirectory(t, n.URL(), "04E1B2C3D4E5F6", chain.CardHome{Branch: "b1", Card: "SC-000001"})

	reply, err := charge(c, strings.ToLower(uid), "k1", 1500)
	if err != nil || reply.Entry != card+"#2" || reply.Balance != 8500 {
		t.Fatalf("Charge = %+v, %v; want entry %s#2, balance 8500", reply, err, card)
	}
	entries, balance := b1.ledger(t, card)
	if e := entries[len(entries)-1]; len(entries) != 2 || balance != 8500 || e.Operator != "b2/clerk7" || e.Key != "b2:k1" ||
		e.Ticket != "b2/T20261203-0001" || e.AmountFen != -1500 {
		t.Fatalf("b1's ledger of %s after the charge: %d entries, balance %d, last %+v; want 2, 8500, by b2/clerk7 under b2:k1", card, len(entries), balance, e)
	}
	wantAudit(t, b1.db, "card/"+card, "b2/clerk7", "b2/desk2")
	if _, b := b2.ledger(t, mine); b != 500 {
		t.Errorf("b2's own card balance %d after charging b1's card, want 500 untouched", b)
	}

	t.Run("same key twice", func(t *testing.T) {
		again, err := charge(c, uid, "k1", 1500)
		if err != nil || again.Entry != reply.Entry || again.Balance != 8500 {
			t.Errorf("repeat Charge = %+v, %v; want the first result %+v", again, err, reply)
		}
		other, err := charge(c, uid, "k1", 900)
		wantRefused(t, "the key with another amount", other, err, appliance.ECONFLICT, "idempotency key")
		wantEntries(t, b1, card, 2, 8500)
	})
	t.Run("refusals", func(t *testing.T) {
		tests := []struct {
			name, uid string
			fen       int64
			code, msg string
		}{
			{"lost card", lostUID, 100, appliance.EUNAUTHORIZED, "reported lost"},
			{"balance too small", uid, 9000, appliance.ECONFLICT, "does not cover"},
			{"unknown card", "04D1B2C3D4E5F6", 100, appliance.ENOTFOUND, "no branch of the chain has this card"},
			{"UID not on the card the directory names", "04E1B2C3D4E5F6", 100, appliance.ENOTFOUND, "branch b1 has no such card"},
			{"own card", "04C1B2C3D4E5F6", 100, appliance.ENOTFOUND, "no branch of the chain has this card"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				reply, err := charge(c, tt.uid, "k-"+tt.name, tt.fen)
				wantRefused(t, tt.name, reply, err, tt.code, tt.msg)
				if !strings.Contains(tt.msg, "no branch of the chain") && !strings.Contains(appliance.ErrorMessage(err), "发卡门店 b1") {
					t.Errorf("%s: message %q does not name the issuing branch b1", tt.name, appliance.ErrorMessage(err))
				}
			})
		}
		wantEntries(t, b1, card, 2, 8500)
		if entries, _ := b1.ledger(t, lost); len(entries) != 1 {
			t.Errorf("the lost card has %d entries, want only its issue", len(entries))
		}
	})
	t.Run("reply lost, then retried", func(t *testing.T) {
		nc, err := nats.Connect(n.URL())
		if err != nil {
			t.Fatal(err)
		}
		defer nc.Close()
		body, _ := json.Marshal(chain.ChargeRequest{Key: "k2", Card: card, UID: uid, Amount: 1000, From: "b2", Desk: "desk2",
			Operator: "clerk7", Ticket: "T20261203-0001"})
		before := r.Answered()
		if err := nc.PublishRequest(chain.ChargeSubject("b1"), "_INBOX.nobody", body); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the lost reply", func() bool { return r.Answered() > before })
		wantEntries(t, b1, card, 3, 7500)
		retry, err := charge(c, uid, "k2", 1000)
		if err != nil || retry.Entry != card+"#3" || retry.Balance != 7500 {
			t.Errorf("retry after the lost reply = %+v, %v; want %s#3, balance 7500", retry, err, card)
		}
		wantEntries(t, b1, card, 3, 7500)
	})
	t.Run("answer too late, then retried", func(t *testing.T) {
		stopResponder()
		slow, stopSlow := runResponder(t, b1, slowCharger{b1.cards, 1500 * time.Millisecond}, "b1", n.URL())
		quick := runClient(t, "b2", n.URL(), 300*time.Millisecond)
		start := time.Now()
		reply, err := charge(quick, uid, "k3", 500)
		wantRefused(t, "a late answer", reply, err, appliance.EUNAVAILABLE, "not confirmed")
		if d := time.Since(start); d > time.Second {
			t.Errorf("the late answer was refused after %v, want within the 300 ms timeout", d)
		}
		waitFor(t, "the slow responder", func() bool { return slow.Answered() == 1 })
		stopSlow()
		r, stopResponder = runResponder(t, b1, b1.cards, "b1", n.URL())
		retry, err := charge(c, uid, "k3", 500)
		if err != nil || retry.Entry != card+"#4" || retry.Balance != 7000 {
			t.Errorf("retry after the late answer = %+v, %v; want %s#4, balance 7000", retry, err, card)
		}
		wantEntries(t, b1, card, 4, 7000)
	})
	t.Run("issuing box down", func(t *testing.T) {
		stopResponder()
		start := time.Now()
		reply, err := charge(c, uid, "k4", 100)
		wantRefused(t, "no responder", reply, err, appliance.EUNAVAILABLE, "the issuing branch b1 cannot be reached; nothing was charged")
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("refused after %v, want within the 2 s timeout", d)
		}
		wantEntries(t, b1, card, 4, 7000)
	})
	t.Run("NATS down", func(t *testing.T) {
		if err := n.Stop(); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the lost connection", func() bool { return !c.Ready() })
		start := time.Now()
		reply, err := charge(c, uid, "k5", 100)
		wantRefused(t, "NATS down", reply, err, appliance.EUNAVAILABLE, "the issuing branch b1 cannot be reached; nothing was charged")
		if d := time.Since(start); d > 500*time.Millisecond {
			t.Errorf("refused after %v with NATS down, want at once", d)
		}
		wantEntries(t, b1, card, 4, 7000)
		reply, err = charge(c, "04F1B2C3D4E5F6", "k6", 100)
		wantRefused(t, "NATS down, a card never looked up", reply, err, appliance.EUNAVAILABLE, "card directory cannot be reached")
	})
}

// wantEntries checks the length and balance of card's ledger on b.
func wantEntries(t *testing.T, b branchBox, card string, n int, balance int64) {
	t.Helper()
	entries, got := b.ledger(t, card)
	if len(entries) != n || got != balance {
		t.Errorf("ledger of %s: %d entries, balance %d; want %d, %d", card, len(entries), got, n, balance)
	}
}

// wantAudit checks that record's newest audit entry names operator and desk.
func wantAudit(t *testing.T, db *store.DB, record, operator, desk string) {
	t.Helper()
	var page *appliance.AuditPage
	err := db.View(func(tx *store.Txn) (err error) {
		page, err = tx.Audits(appliance.AuditQuery{Record: record, Limit: 1})
		return err
	})
	if err != nil || len(page.Entries) == 0 {
		t.Fatalf("audit of %s: %v, %+v", record, err, page)
	}
	if e := page.Entries[0]; e.Operator != operator || e.Desk != desk || e.Action != "card.charge" {
		t.Errorf("audit of %s = %+v, want card.charge by %s at %s", record, e, operator, desk)
	}
}

// TestCardDirectoryCatchesUp: cards issued while NATS is down reach the
// directory once it is back, and a directory whose cursor is past an
// outbox that was pruned is written from the cards themselves.
func TestCardDirectoryCatchesUp(t *testing.T) {
	n := chaintest.StartNATS(t, chaintest.NATSOptions{})
	b1 := openBranch(t, "b1")
	card := b1.issue(t, "c1", "04A1B2C3D4E5F6", 100)
	d := runDirectory(t, b1, "b1", n.URL())
	if err := n.Stop(); err != nil {
		t.Fatal(err)
	}
	late := b1.issue(t, "c2", "04B1B2C3D4E5F6", 100)
	if err := n.Start(); err != nil {
		t.Fatal(err)
	}
	waitWritten(t, d, b1.db)
	nc, err := nats.Connect(n.URL())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js := mustJetStream(t, nc)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	kv, err := EnsureCardBucket(ctx, js, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for uid, want := range map[string]string{"04A1B2C3D4E5F6": card, "04B1B2C3D4E5F6": late} {
		home, ok, err := LookupCard(ctx, kv, uid)
		if err != nil || !ok || home != (chain.CardHome{Branch: "b1", Card: want}) {
			t.Errorf("LookupCard(%s) = %+v, %v, %v; want b1 %s", uid, home, ok, err, want)
		}
	}

	// A bucket emptied (made again by head office) is written from the
	// cards when the outbox no longer goes back to its cursor 0.
	head, _ := b1.db.OutboxHead()
	if err := b1.db.SetOutboxAcked(head); err != nil {
		t.Fatal(err)
	}
	if k, err := b1.db.PruneOutbox(head); err != nil || k == 0 {
		t.Fatalf("PruneOutbox(%d) = %d, %v", head, k, err)
	}
	for _, k := range []string{"04A1B2C3D4E5F6", "04B1B2C3D4E5F6", CursorKey("b1")} {
		if err := kv.Purge(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		home, ok, err := LookupCard(ctx, kv, "04A1B2C3D4E5F6")
		if err == nil && ok && home.Card == card {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("LookupCard after the bucket was emptied = %+v, %v, %v; want b1 %s written again", home, ok, err, card)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// mustJetStream returns nc's JetStream.
func mustJetStream(t *testing.T, nc *nats.Conn) jetstream.JetStream {
	t.Helper()
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js
}

// crossBranchPermissions is what docs/chain.md adds to branch BRANCH's
// NATS permissions for cross_branch_charge: write and read the card
// directory, ask any branch's charge subject, answer its own.
const crossBranchPermissions = `{
  publish: [ "$JS.API.INFO", "$JS.API.STREAM.INFO.KV_SHOUHOU_CARDS", "$KV.SHOUHOU_CARDS.>",
             "$JS.API.DIRECT.GET.KV_SHOUHOU_CARDS.>", "shouhou.charge.*" ]
  subscribe: [ "_INBOX.>", "shouhou.charge.BRANCH" ]
  allow_responses: true
}`

// TestCrossBranchPermissions: with only docs/chain.md's permissions (and
// head office having made the bucket), b1 writes its cards to the
// directory and answers b2's charge.
func TestCrossBranchPermissions(t *testing.T) {
	perms := func(b string) string { return strings.ReplaceAll(crossBranchPermissions, "BRANCH", b) }
	n := chaintest.StartNATS(t, chaintest.NATSOptions{Users: []chaintest.NATSUser{
		{User: "b1", Password: "p1", Permissions: perms("b1")}, {User: "b2", Password: "p2", Permissions: perms("b2")},
		{User: "HQ", Password: "hq-s3cret"}}})
	nc, err := nats.Connect(n.URL(), nats.UserInfo("HQ", "hq-s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, err := EnsureCardBucket(ctx, mustJetStream(t, nc), 5*time.Second); err != nil {
		t.Fatal(err)
	}
	b1 := openBranch(t, "b1")
	card := b1.issue(t, "c1", "04A1B2C3D4E5F6", 3000)
	d, err := NewCardDirectory(b1.db, DirectoryOptions{URL: n.URL(), Branch: "b1", User: "b1", Password: "p1", Logger: quiet, Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	runUntilStopped(t, d.Run)
	waitWritten(t, d, b1.db)
	r, err := NewChargeResponder(b1.db, b1.cards, ChargeOptions{URL: n.URL(), Branch: "b1", User: "b1", Password: "p1", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	runUntilStopped(t, r.Run)
	waitFor(t, "the charge responder", r.Ready)
	c, err := NewChargeClient(ChargeOptions{URL: n.URL(), Branch: "b2", User: "b2", Password: "p2", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	runUntilStopped(t, c.Run)
	waitFor(t, "the charge client", c.Ready)
	reply, err := charge(c, "04A1B2C3D4E5F6", "k1", 1000)
	if err != nil || reply.Entry != card+"#2" || reply.Balance != 2000 {
		t.Fatalf("Charge with the documented permissions = %+v, %v; want %s#2, balance 2000", reply, err, card)
	}
}

// poisonDirectory puts a directory entry no box wrote: uid → home.
func poisonDirectory(t *testing.T, url, uid string, home chain.CardHome) {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	kv, err := EnsureCardBucket(ctx, mustJetStream(t, nc), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(home)
	if _, err := kv.Put(ctx, uid, body); err != nil {
		t.Fatal(err)
	}
}
