package hqreports

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/chain"
	"shouhou/appliance/policy"
	"shouhou/appliance/reports"
	"shouhou/appliance/store"
	"shouhou/drivers/chaintest"
	"shouhou/drivers/hqstore"
)

var (
	cst   = time.FixedZone("CST", 8*3600)
	clerk = appliance.Actor{ID: "clerk1", Role: appliance.RoleClerk}
	boss  = appliance.Actor{ID: "boss", Role: appliance.RoleSupervisor}
	// firstDay and lastDay bound the generated activity.
	firstDay = time.Date(2026, 9, 1, 0, 0, 0, 0, cst)
	lastDay  = time.Date(2026, 12, 10, 0, 0, 0, 0, cst)
)

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

// box is one branch's appliance: its Badger store, card service and
// reports.
type box struct {
	id  string
	db  *store.DB
	rep *reports.Reports
}

// reportOptions are the chain's report options, the same at the boxes
// and at head office.
func reportOptions(c *clock) reports.Options { return reports.Options{Location: cst, Now: c.now} }

// variedTicket is ticket n of day: a random kind, status and history, a
// purchase from a small pool (so repairs repeat), a due time, a survey, a
// fee; its last change after all of them.
func variedTicket(rng *rand.Rand, day time.Time, n int) *appliance.Ticket {
	created := day.Add(8*time.Hour + time.Duration(rng.IntN(12*3600))*time.Second)
	t := &appliance.Ticket{Number: fmt.Sprintf("T%s-%04d", day.Format("20060102"), n),
		Kind: appliance.TicketKinds[rng.IntN(len(appliance.TicketKinds))], Status: appliance.StatusOpen,
		Created: created, Updated: created, PurchaseID: fmt.Sprintf("p%d", rng.IntN(40)),
		Problem: `<script>alert("工单")</script>`}
	if rng.IntN(8) > 0 {
		t.Due = created.Add(time.Duration(1+rng.IntN(7*24)) * time.Hour)
	}
	at := created
	move := func(to appliance.TicketStatus, most time.Duration) {
		at = at.Add(time.Duration(1 + rng.Int64N(int64(most))))
		t.History = append(t.History, appliance.Transition{From: t.Status, To: to, Operator: "tech1", Time: at})
		t.Status = to
	}
	switch rng.IntN(5) {
	case 0: // still open
	case 1:
		move(appliance.StatusCancelled, 120*time.Hour)
	case 2:
		move(appliance.StatusReady, 96*time.Hour)
	default:
		move(appliance.StatusInRepair, 24*time.Hour)
		move(appliance.StatusReady, 96*time.Hour)
		move(appliance.StatusClosed, 72*time.Hour)
	}
	if t.Status == appliance.StatusClosed || t.Status == appliance.StatusReady {
		t.Result = []string{"", appliance.ResultRepaired, appliance.ResultRepaired, appliance.ResultUnrepairable}[rng.IntN(4)]
	}
	if t.Kind == appliance.KindComplaint && rng.IntN(3) > 0 {
		at = at.Add(time.Duration(rng.Int64N(int64(72 * time.Hour))))
		t.Replied = at
	}
	if rng.IntN(3) == 0 {
		at = at.Add(time.Duration(rng.Int64N(int64(96 * time.Hour))))
		t.Survey = &appliance.Survey{Attitude: 1 + rng.IntN(4), Skill: 1 + rng.IntN(4), Timeliness: 1 + rng.IntN(4),
			FollowUp: 1 + rng.IntN(4), Time: at}
	}
	t.Updated = at.Add(time.Minute)
	return t
}

// mustBox makes branch id's box with some 10 tickets a day from firstDay
// to lastDay, four cards with top-ups, charges and refunds, and the last
// two days closed.
func mustBox(t *testing.T, id string, seed uint64) *box {
	t.Helper()
	c := &clock{t: firstDay.Add(9 * time.Hour)}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	db, err := store.Open(t.TempDir(), store.Options{Logger: log, Now: c.now, Branch: id})
	if err != nil {
		t.Fatal(err)
	}
	pol := &policy.Tables{ReversalWindow: 24 * time.Hour, ReversalApprovalAboveFen: 20000, RefundApprovalAboveFen: 100000}
	svc := cards.New(db, cards.Options{Policy: func() *policy.Tables { return pol }, Now: c.now, Logger: log})
	t.Cleanup(func() { svc.Close(); db.Close() })
	ctx := context.Background()
	var numbers []string
	for i := range 4 {
		if err := db.Update(func(tx *store.Txn) error {
			return tx.PutCustomer(&appliance.Customer{ID: fmt.Sprintf("c%d", i), Name: "顾客"})
		}); err != nil {
			t.Fatal(err)
		}
		res, err := svc.Issue(ctx, clerk, cards.IssueArgs{Key: fmt.Sprintf("issue-%d", i), CustomerID: fmt.Sprintf("c%d", i), DepositFen: 20000})
		if err != nil {
			t.Fatal(err)
		}
		numbers = append(numbers, res.Card.Number)
	}
	rng := rand.New(rand.NewPCG(seed, 2026))
	for day, d := firstDay, 0; !day.After(lastDay); day, d = day.AddDate(0, 0, 1), d+1 {
		err := db.Update(func(tx *store.Txn) error {
			for n := 1; n <= 5+rng.IntN(10); n++ {
				if err := tx.PutTicket(variedTicket(rng, day, n)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		c.set(day.Add(11 * time.Hour))
		card := numbers[d%len(numbers)]
		args := cards.MoneyArgs{Key: fmt.Sprintf("m-%d", d), Card: card, AmountFen: int64(100 * (1 + rng.IntN(50)))}
		var op func(context.Context, appliance.Actor, cards.MoneyArgs) (*cards.Result, error)
		switch d % 3 {
		case 0:
			op = svc.TopUp
		case 1:
			op = svc.Charge
		default:
			op = svc.Refund
		}
		if _, err := op(ctx, boss, args); err != nil {
			t.Fatalf("%s on %s: %v", args.Key, card, err)
		}
	}
	c.set(lastDay.Add(20 * time.Hour))
	rep := reports.New(db, reportOptions(c))
	for _, day := range []time.Time{lastDay.AddDate(0, 0, -1), lastDay} {
		if _, err := rep.Close(day, clerk); err != nil {
			t.Fatal(err)
		}
	}
	return &box{id: id, db: db, rep: rep}
}

// forward applies every event of the box's outbox to head office's store,
// as the chain's forwarder and consumer do.
func forward(t *testing.T, b *box, hq *hqstore.DB) {
	t.Helper()
	ctx := context.Background()
	for from := uint64(1); ; {
		evs, err := b.db.OutboxFrom(from, 500)
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) == 0 {
			return
		}
		for _, ev := range evs {
			if ev.Branch != b.id {
				t.Fatalf("outbox event %d of %s is stamped %q", ev.Seq, b.id, ev.Branch)
			}
			if _, err := hq.Apply(ctx, ev); err != nil {
				t.Fatal(err)
			}
			from = ev.Seq + 1
		}
	}
}

// chainFixture is two branches' boxes forwarded into head office's store.
type chainFixture struct {
	boxes []*box
	hq    *hqstore.DB
	rep   *Reports
	clock *clock
}

// mustChain makes branches north and south and forwards both into a
// fresh PostgreSQL.
func mustChain(t *testing.T) *chainFixture {
	t.Helper()
	pg := chaintest.StartPostgres(t)
	hq, err := hqstore.Open(context.Background(), pg.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(hq.Close)
	f := &chainFixture{hq: hq, clock: &clock{t: lastDay.Add(20 * time.Hour)}}
	for i, id := range []string{"north", "south"} {
		b := mustBox(t, id, uint64(i+1))
		forward(t, b, hq)
		f.boxes = append(f.boxes, b)
	}
	f.rep = New(hq, reportOptions(f.clock))
	return f
}

func jsonText(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// periods are the periods the KPIs are compared over.
var periods = []struct{ name, from, to string }{
	{"a month", "2026-11-01", "2026-11-30"},
	{"the first month", "2026-09-01", "2026-09-30"},
	{"a week", "2026-10-12", "2026-10-18"},
	{"up to the last day", "2026-12-01", "2026-12-10"},
	{"before any ticket", "2026-06-01", "2026-06-30"},
}

// TestReportsEqualTheBoxes checks head office's reports over two
// branches' events against each box's own reports over the same records
// (issue 15: the same definitions): each branch's KPIs, the chain's total
// as the sum of the branches' counts, card money, the closings, and a
// reconciliation in which every card squares.
func TestReportsEqualTheBoxes(t *testing.T) {
	f := mustChain(t)
	ctx := context.Background()
	day := func(s string) time.Time {
		d, err := f.rep.ParseDay(s)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, p := range periods {
		t.Run("kpis "+p.name, func(t *testing.T) {
			got, err := f.rep.KPIs(ctx, day(p.from), day(p.to))
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Branches) != len(f.boxes) {
				t.Fatalf("KPIs() has %d branches, want %d", len(got.Branches), len(f.boxes))
			}
			var sum [6]int
			for i, b := range f.boxes {
				want, err := b.rep.KPIs(day(p.from), day(p.to))
				if err != nil {
					t.Fatal(err)
				}
				if g := got.Branches[i]; g.Branch != b.id || !reflect.DeepEqual(g.KPIs, want) {
					t.Errorf("KPIs() of %s = %s\nthe box's = %s", b.id, jsonText(t, g.KPIs), jsonText(t, want))
				}
				for j, n := range []int{want.Tickets, want.OnTime.Count, want.OnTime.Total, want.SatisfactionOverall.Count,
					want.RepeatRepairs.Count, want.Resolved} {
					sum[j] += n
				}
			}
			k := got.Total
			if tot := [6]int{k.Tickets, k.OnTime.Count, k.OnTime.Total, k.SatisfactionOverall.Count, k.RepeatRepairs.Count, k.Resolved}; tot != sum {
				t.Errorf("KPIs().Total counts = %v, want the branches' sum %v", tot, sum)
			}
			if p.name == "a month" && (sum[0] < 200 || sum[4] == 0) {
				t.Errorf("the month has %d tickets and %d repeat repairs: the generated branches are too thin", sum[0], sum[4])
			}
		})
	}
	t.Run("card money", func(t *testing.T) {
		got, err := f.rep.CardMoney(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range f.boxes {
			want, err := b.rep.CardLiability()
			if err != nil {
				t.Fatal(err)
			}
			if g := got[i]; g.Branch != b.id || !reflect.DeepEqual(g.Liability, want) {
				t.Errorf("CardMoney() of %s = %s\nthe box's = %s", b.id, jsonText(t, g.Liability), jsonText(t, want))
			}
			if g := got[i]; g.TopupsFen() <= 0 || g.ChargesFen() <= 0 || g.RefundsFen() <= 0 || g.Cards != 4 {
				t.Errorf("CardMoney() of %s: %d cards, top-ups %d, charges %d, refunds %d; want 4 cards and money of each kind",
					b.id, g.Cards, g.TopupsFen(), g.ChargesFen(), g.RefundsFen())
			}
		}
	})
	t.Run("closings", func(t *testing.T) {
		got, err := f.rep.Closings(ctx, "2026-12-09", "2026-12-10")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 4 {
			t.Fatalf("Closings() = %d closings, want 4", len(got))
		}
		for _, g := range got {
			b := f.boxes[0]
			if g.Branch == "south" {
				b = f.boxes[1]
			}
			want, err := b.rep.Closing(day(g.Closing.Day))
			if err != nil {
				t.Fatal(err)
			}
			if !want.Frozen || jsonText(t, g.Closing) != jsonText(t, want) {
				t.Errorf("closing %s of %s = %s\nthe box's = %s", g.Closing.Day, g.Branch, jsonText(t, g.Closing), jsonText(t, want))
			}
		}
	})
	t.Run("reconciliation", func(t *testing.T) {
		r, err := f.rep.Reconcile(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Cards) != 8 || len(r.Mismatches) != 0 {
			t.Errorf("Reconcile() = %d cards, mismatches %s; want 8 that square", len(r.Cards), jsonText(t, r.Mismatches))
		}
		entries, cardsHeld := map[string]int{}, map[string]int{}
		for _, c := range r.Cards {
			if c.Entries < 2 || c.SumFen != c.BalanceFen {
				t.Errorf("Reconcile() card %s/%s = %+v, want a few entries summing to the balance", c.Branch, c.Card, c)
			}
			entries[c.Branch] += int(c.Entries)
			cardsHeld[c.Branch]++
		}
		// Each box's own verify finds its ledger sound and counts what
		// head office holds.
		for _, b := range f.boxes {
			v, err := b.db.Verify()
			if err != nil {
				t.Fatal(err)
			}
			if !v.OK() || v.Records["ledger"] != entries[b.id] || v.Records["card"] != cardsHeld[b.id] {
				t.Errorf("Verify() of %s = problems %q, %d entries and %d cards; head office holds %d and %d",
					b.id, v.Problems, v.Records["ledger"], v.Records["card"], entries[b.id], cardsHeld[b.id])
			}
		}
	})
}

// cardRow reads a card head office holds.
func cardRow(t *testing.T, hq *hqstore.DB, branch, number string) (*appliance.Card, int64) {
	t.Helper()
	var data []byte
	var seq int64
	err := hq.Pool().QueryRow(context.Background(), `SELECT data, seq FROM cards WHERE branch = $1 AND id = $2`,
		branch, number).Scan(&data, &seq)
	if err != nil {
		t.Fatal(err)
	}
	var c appliance.Card
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	return &c, seq
}

// TestReconcileFlagsATamperedBalance applies a card event whose balance
// is not its ledger's, and an entry of a card head office has no record
// of: the reconciliation and the card money both flag them.
func TestReconcileFlagsATamperedBalance(t *testing.T) {
	f := mustChain(t)
	ctx := context.Background()
	c, _ := cardRow(t, f.hq, "north", "SC-000002")
	c.BalanceFen += 100
	last, err := f.hq.LastSeq(ctx, "north")
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(c)
	orphan, _ := json.Marshal(&appliance.LedgerEntry{Card: `<b>SC-9</b>`, Seq: 1, Kind: appliance.LedgerTopup, AmountFen: 500})
	for i, ev := range []chain.Event{
		{Branch: "north", Seq: last + 1, Time: time.Now(), Kind: chain.KindCard, ID: c.Number, Data: data},
		{Branch: "north", Seq: last + 2, Time: time.Now(), Kind: chain.KindLedger, ID: "orphan", Data: orphan},
	} {
		if ok, err := f.hq.Apply(ctx, ev); err != nil || !ok {
			t.Fatalf("Apply(%d) = %v, %v", i, ok, err)
		}
	}
	r, err := f.rep.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		card   string
		noCard bool
	}{{"<b>SC-9</b>", true}, {"SC-000002", false}}
	if len(r.Mismatches) != len(want) {
		t.Fatalf("Reconcile().Mismatches = %s, want the tampered card and the orphan entry", jsonText(t, r.Mismatches))
	}
	for i, w := range want {
		if m := r.Mismatches[i]; m.Branch != "north" || m.Card != w.card || m.NoCard != w.noCard {
			t.Errorf("Mismatches[%d] = %+v, want north %s (no card %v)", i, m, w.card, w.noCard)
		}
	}
	if m := r.Mismatches[1]; m.BalanceFen != m.SumFen+100 {
		t.Errorf("the tampered card's balance %d, ledger %d: want 100 apart", m.BalanceFen, m.SumFen)
	}
	money, err := f.rep.CardMoney(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if p := money[0].Liability.Problems; len(p) != 2 { // the card, and the totals
		t.Errorf("CardMoney() of north problems = %q, want the card and the totals", p)
	}
	if p := money[1].Liability.Problems; len(p) != 0 {
		t.Errorf("CardMoney() of south problems = %q, want none", p)
	}
	if ch := r.Mismatches[1].Chain; !strings.Contains(strings.Join(ch, "\n"), "card SC-000002: balance") {
		t.Errorf("the tampered card's chain problems = %q, want its balance named", ch)
	}
}

// TestReconcileFlagsAnAlteredEntry: an entry whose amount was changed on
// the way, with the card's balance changed to match, squares by the sums;
// the hash chain, checked as the box's verify checks it, does not.
func TestReconcileFlagsAnAlteredEntry(t *testing.T) {
	f := mustChain(t)
	ctx := context.Background()
	var data []byte
	var id string
	err := f.hq.Pool().QueryRow(ctx, `SELECT id, data FROM ledger WHERE branch = 'south' AND card = 'SC-000003'
		ORDER BY id LIMIT 1`).Scan(&id, &data)
	if err != nil {
		t.Fatal(err)
	}
	var e appliance.LedgerEntry
	if err := json.Unmarshal(data, &e); err != nil {
		t.Fatal(err)
	}
	e.AmountFen += 5000
	c, _ := cardRow(t, f.hq, "south", "SC-000003")
	c.BalanceFen += 5000
	entry, _ := json.Marshal(&e)
	card, _ := json.Marshal(c)
	last, err := f.hq.LastSeq(ctx, "south")
	if err != nil {
		t.Fatal(err)
	}
	for i, ev := range []chain.Event{
		{Branch: "south", Seq: last + 1, Time: time.Now(), Kind: chain.KindLedger, ID: id, Data: entry},
		{Branch: "south", Seq: last + 2, Time: time.Now(), Kind: chain.KindCard, ID: c.Number, Data: card},
	} {
		if ok, err := f.hq.Apply(ctx, ev); err != nil || !ok {
			t.Fatalf("Apply(%d) = %v, %v", i, ok, err)
		}
	}
	r, err := f.rep.Reconcile(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Mismatches) != 1 {
		t.Fatalf("Reconcile().Mismatches = %s, want the altered card", jsonText(t, r.Mismatches))
	}
	m := r.Mismatches[0]
	if m.Branch != "south" || m.Card != "SC-000003" || m.SumFen != m.BalanceFen || m.Entries != m.LedgerCount ||
		!strings.Contains(strings.Join(m.Chain, "\n"), "SC-000003#1: hash does not match") {
		t.Errorf("the mismatch = %s, want south SC-000003 squaring by sums, its entry #1 altered", jsonText(t, m))
	}
}
