package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"shouhou/appliance"
	"shouhou/drivers/chaintest"
	"shouhou/drivers/hqstore"
	"shouhou/drivers/reader/vpcdtest"
	"shouhou/ui"
)

// twoBoxLostUID is the chip of the card branch b1 issues in
// TestTwoBranchesAndHeadOffice and reports lost; the test lays it on
// branch b2's reader.
const twoBoxLostUID = "04B1C0FFEE0001"

// twoBoxRefusalLimit is how soon after b1 acknowledged the loss b2's
// reader must refuse the card (issue 15: refused at every branch within
// seconds; the integration test's figure is 2 s).
const twoBoxRefusalLimit = 2 * time.Second

// TestTwoBranchesAndHeadOffice runs head office (`hq`) and two branch
// boxes (`serve` with the demo data, b1 and b2, each with its own data
// directory and [chain] branch) as child processes against a real
// nats-server (JetStream) and PostgreSQL; b2's desk1 reader is the real
// PC/SC stack, pcscd with vpcd. At each branch a clerk takes in tickets
// and moves card money over the websocket: a new customer's card issued
// with a deposit, topped up and charged, and a demo card topped up and
// charged. Once each box's uplink has nothing left to forward, head
// office's PostgreSQL must hold each branch's tickets (the numbers the box
// lists, no more) and, per card moved, the box's ledger sum, entry count
// and balance. Then b1 reports its new card lost and the test lays that
// chip on b2's reader at once: b2's desk must get a refusal naming branch
// b1 within 2 s of b1's acknowledgement (before the loss b2 refused the
// chip only as unknown).
func TestTwoBranchesAndHeadOffice(t *testing.T) {
	if os.Getenv(serveChildEnv) != "" || os.Getenv(hqChildEnv) != "" {
		t.Skip("in a child")
	}
	vpcdtest.Start(t)
	nats := chaintest.StartNATS(t, chaintest.NATSOptions{})
	pg := chaintest.StartPostgres(t)
	tmp := t.TempDir()
	box := func(branch, reader string) *chainFault {
		dir := filepath.Join(tmp, branch)
		return &chainFault{t: t, data: filepath.Join(dir, "data"), conf: branchConf(t, filepath.Join(dir, "conf"), branch, nats.URL(), reader),
			logs: dir, hqArgs: []string{"-nats", nats.URL(), "-pg", pg.DSN("")}}
	}
	b1, b2 := box("b1", ""), box("b2", vpcdtest.ReaderName(0))
	start := time.Now()
	b1.startHQ()
	b1.startBox()
	b2.startBox()
	t.Logf("hq and both boxes up in %v (logs in %s)", time.Since(start).Round(time.Millisecond), tmp)
	desk := dialDesk(t, b2.client.ws.RemoteAddr().String(), "desk1")

	// b2's reader works: its own demo card opens the customer panel.
	card := swipe(t, "04DE3001")
	if f := desk.next(t, 20*time.Second, ui.EventCardPresented, ui.EventCardRefused); f.Event != ui.EventCardPresented || f.Data.Customer == nil || f.Data.Customer.ID != "demo-01" {
		t.Fatalf("b2's own card 04DE3001 on its reader: %s, want card.presented of demo-01", f)
	}
	card.Remove()
	desk.next(t, 10*time.Second, ui.EventCardRemoved)

	work := map[string]*twoBoxWork{"b1": {uid: twoBoxLostUID}, "b2": {uid: "04B2C0FFEE0001"}}
	for i, br := range []string{"b1", "b2"} {
		work[br].do(t, []*chainFault{b1, b2}[i].client, br, fmt.Sprintf("1391111000%d", i+1))
	}

	// Before the loss, b2 refuses b1's chip only as unknown.
	card = swipe(t, twoBoxLostUID)
	if f := desk.next(t, 10*time.Second, ui.EventCardPresented, ui.EventCardRefused); f.Event != ui.EventCardRefused || f.Data.Error == nil ||
		f.Data.Error.Code != "not_found" {
		t.Fatalf("b1's chip on b2's reader before the loss: %s, want card.refused not_found", f)
	}
	card.Remove()
	desk.next(t, 10*time.Second, ui.EventCardRemoved)

	hq, err := hqstore.Open(context.Background(), pg.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	defer hq.Close()
	for i, br := range []string{"b1", "b2"} {
		c := []*chainFault{b1, b2}[i].client
		waitForwarded(t, c, br)
		checkHeadOffice(t, hq, c, br, work[br])
	}

	// b1 reports its card lost; the chip is laid on b2's reader at once.
	b1.client.mustCall("card.lost", map[string]string{"card": work["b1"].card}, nil)
	acked := time.Now()
	card = swipe(t, twoBoxLostUID)
	for {
		f := desk.next(t, 10*time.Second, ui.EventCardPresented, ui.EventCardRefused)
		took := time.Since(acked)
		if f.Event == ui.EventCardRefused && f.Data.Error != nil && f.Data.Error.Code == "unauthorized" {
			msg := f.Data.Error.Message
			for _, want := range []string{"branch b1", "b1 分店挂失", work["b1"].card} {
				if !strings.Contains(msg, want) {
					t.Errorf("b2's refusal of the card lost at b1 says %q, want it to say %q", msg, want)
				}
			}
			t.Logf("b2's reader refused the card b1 reported lost %v after b1 acknowledged the loss", took.Round(time.Millisecond))
			if took > twoBoxRefusalLimit {
				t.Errorf("b2 refused the card lost at b1 %v after the loss, want within %v", took.Round(time.Millisecond), twoBoxRefusalLimit)
			}
			break
		}
		if f.Event != ui.EventCardRefused || f.Data.Error == nil || f.Data.Error.Code != "not_found" || took > 10*time.Second {
			t.Fatalf("the card lost at b1 on b2's reader %v after the loss: %s, want card.refused naming b1", took.Round(time.Millisecond), f)
		}
		// The reader read the chip before the entry reached b2: take the
		// card off and lay it again, as the customer would.
		t.Logf("%v after the loss b2 still refused the chip as unknown; laying it again", took.Round(time.Millisecond))
		card.Remove()
		desk.next(t, 10*time.Second, ui.EventCardRemoved)
		card = swipe(t, twoBoxLostUID)
	}
	card.Remove()
	t.Logf("done in %v", time.Since(start).Round(time.Millisecond))
}

// twoBoxWork is what TestTwoBranchesAndHeadOffice's clerk does at one
// branch, and what it sent.
type twoBoxWork struct {
	uid     string   // the new card's chip
	card    string   // the new card's number
	cards   []string // the cards whose money moved
	intakes []string // the tickets taken in
}

// do takes in three tickets for a demo customer and one for a new customer
// (phone), issues the new customer a card with chip w.uid and a deposit,
// tops it up and charges it, and tops up and charges demo card SC-000001.
func (w *twoBoxWork) do(t *testing.T, c *wsClient, branch, phone string) {
	t.Helper()
	key := func(what string) string { return "tb-" + branch + "-" + what }
	intake := func(args map[string]any) appliance.Ticket {
		var r intakeReply
		if err := send(c, "ticket.intake", args, &r); err != nil {
			t.Fatalf("%s: %v", branch, err)
		}
		w.intakes = append(w.intakes, r.Ticket.Number)
		return r.Ticket
	}
	for i := range 3 {
		intake(crashIntakeArgs(key(fmt.Sprint("in-", i))))
	}
	tk := intake(map[string]any{"kind": "out_of_stock", "key": key("in-new"), "fault": "到货通知 / stock notice",
		"customer": map[string]string{"name": "周新" + branch, "phone": phone}})
	var issued struct {
		Card appliance.Card `json:"card"`
	}
	if err := send(c, "card.issue", map[string]any{"key": key("issue"), "customer_id": tk.CustomerID, "uid": w.uid, "deposit_fen": 10000}, &issued); err != nil {
		t.Fatalf("%s: %v", branch, err)
	}
	w.card = issued.Card.Number
	w.cards = []string{w.card, "SC-000001"}
	for i, m := range []struct {
		op, card string
		fen      int64
	}{{"card.topup", w.card, 5000}, {"card.charge", w.card, 2345}, {"card.topup", "SC-000001", 2000}, {"card.charge", "SC-000001", 1500}} {
		if err := send(c, m.op, map[string]any{"key": key(fmt.Sprint("move-", i)), "card": m.card, "amount_fen": m.fen}, nil); err != nil {
			t.Fatalf("%s: %v", branch, err)
		}
	}
}

// waitForwarded waits until the box's uplink has every event of its
// outbox acknowledged by the chain's stream (chain.status).
func waitForwarded(t *testing.T, c *wsClient, branch string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var r struct {
			Uplink *chainStatus `json:"uplink"`
		}
		c.mustCall("chain.status", nil, &r)
		if r.Uplink == nil {
			t.Fatalf("%s: chain.status shows no uplink", branch)
		}
		st := *r.Uplink
		if st.Branch != branch {
			t.Fatalf("%s: chain.status names branch %q", branch, st.Branch)
		}
		if st.Connected && st.Lag == 0 && st.Head > 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s's uplink after 30 s: %+v, want everything forwarded", branch, st)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// checkHeadOffice waits until head office's PostgreSQL holds what branch's
// box holds (its tickets, by number, and per card moved the ledger's sum
// and entries and the balance), and fails naming the difference after
// 30 s.
func checkHeadOffice(t *testing.T, hq *hqstore.DB, c *wsClient, branch string, w *twoBoxWork) {
	t.Helper()
	tickets := map[string]bool{}
	for _, st := range appliance.TicketStatuses {
		var list []struct {
			Number string `json:"number"`
		}
		c.mustCall("tickets.list", map[string]any{"status": st, "limit": 500}, &list)
		for _, tk := range list {
			tickets[tk.Number] = true
		}
	}
	for _, n := range w.intakes {
		if !tickets[n] {
			t.Errorf("%s: ticket %s taken in is not on the box's board", branch, n)
		}
	}
	start := time.Now()
	for {
		diff := headOfficeDiff(t, hq, c, branch, tickets, w.cards)
		if diff == "" {
			t.Logf("%s: head office holds the box's %d tickets and the ledgers of %v, %v after the uplink was done", branch, len(tickets), w.cards,
				time.Since(start).Round(time.Millisecond))
			return
		}
		if time.Since(start) > 30*time.Second {
			t.Errorf("%s after 30 s: %s", branch, diff)
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// headOfficeDiff says how head office's PostgreSQL differs from branch's
// box, or "" when it holds what the box does.
func headOfficeDiff(t *testing.T, hq *hqstore.DB, c *wsClient, branch string, tickets map[string]bool, cards []string) string {
	t.Helper()
	ctx := context.Background()
	var diffs []string
	rows, err := hq.Pool().Query(ctx, `SELECT id FROM tickets WHERE branch = $1`, branch)
	if err != nil {
		t.Fatal(err)
	}
	have := map[string]bool{}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		have[id] = true
		if !tickets[id] {
			diffs = append(diffs, "head office has ticket "+id+", the box not")
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for n := range tickets {
		if !have[n] {
			diffs = append(diffs, "head office lacks ticket "+n)
		}
	}
	for _, card := range cards {
		var l struct {
			Card    appliance.Card `json:"card"`
			Entries []struct {
				AmountFen int64 `json:"amount_fen"`
			} `json:"entries"`
		}
		c.mustCall("card.ledger", map[string]string{"card": card}, &l)
		var sum int64
		for _, e := range l.Entries {
			sum += e.AmountFen
		}
		if sum != l.Card.BalanceFen {
			t.Errorf("%s: card %s's balance %d fen, its ledger sums %d", branch, card, l.Card.BalanceFen, sum)
		}
		var hqSum, hqBalance int64
		var hqN int
		if err := hq.Pool().QueryRow(ctx, `SELECT coalesce(sum((data->>'amount_fen')::bigint), 0), count(*) FROM ledger WHERE branch = $1 AND card = $2`,
			branch, card).Scan(&hqSum, &hqN); err != nil {
			t.Fatal(err)
		}
		err := hq.Pool().QueryRow(ctx, `SELECT (data->>'balance_fen')::bigint FROM cards WHERE branch = $1 AND id = $2`, branch, card).Scan(&hqBalance)
		if err != nil {
			diffs = append(diffs, fmt.Sprintf("card %s not at head office (%v)", card, err))
			continue
		}
		if hqSum != sum || hqN != len(l.Entries) || hqBalance != l.Card.BalanceFen {
			diffs = append(diffs, fmt.Sprintf("card %s: head office %d entries summing %d fen, balance %d; the box %d summing %d, balance %d",
				card, hqN, hqSum, hqBalance, len(l.Entries), sum, l.Card.BalanceFen))
		}
	}
	if len(diffs) > 5 {
		diffs = append(diffs[:5], fmt.Sprintf("and %d more", len(diffs)-5))
	}
	return strings.Join(diffs, "; ")
}

// deskFrame is an event frame a desk's screen gets on a swipe.
type deskFrame struct {
	Event string `json:"event"`
	Data  struct {
		UID      string              `json:"uid"`
		Error    *ui.WireError       `json:"error"`
		Customer *appliance.Customer `json:"customer"`
	} `json:"data"`
}

func (f deskFrame) String() string {
	b, _ := json.Marshal(f)
	return string(b)
}

// deskFrames is a websocket of a desk's screen without staff logged in
// (the kiosk waiting for a customer), and the swipe frames it got
// (card.presented, card.refused, card.removed).
type deskFrames struct {
	frames chan deskFrame
}

// dialDesk opens desk's screen on the box at addr.
func dialDesk(t *testing.T, addr, desk string) *deskFrames {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws?desk="+desk, nil)
	if err != nil {
		t.Fatalf("dial %s desk %s: %v", addr, desk, err)
	}
	t.Cleanup(func() { ws.Close() })
	d := &deskFrames{frames: make(chan deskFrame, 256)}
	go func() {
		defer close(d.frames)
		for {
			var f deskFrame
			if err := ws.ReadJSON(&f); err != nil {
				return
			}
			switch f.Event {
			case ui.EventCardPresented, ui.EventCardRefused, ui.EventCardRemoved:
				d.frames <- f
			}
		}
	}()
	return d
}

// next returns the next frame of one of kinds, failing the test when none
// comes within limit.
func (d *deskFrames) next(t *testing.T, limit time.Duration, kinds ...string) deskFrame {
	t.Helper()
	timeout := time.After(limit)
	for {
		select {
		case f, ok := <-d.frames:
			if !ok {
				t.Fatalf("the desk's websocket closed waiting for %v", kinds)
			}
			for _, k := range kinds {
				if f.Event == k {
					return f
				}
			}
		case <-timeout:
			t.Fatalf("no %v on the desk's screen within %v", kinds, limit)
		}
	}
}
