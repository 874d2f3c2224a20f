package hqstore

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"shouhou/appliance/chain"
	"shouhou/drivers/chaintest"
)

// openDB starts a PostgreSQL cluster and opens head office's store on it.
func openDB(t *testing.T) (*DB, *chaintest.Postgres) {
	t.Helper()
	pg := chaintest.StartPostgres(t)
	db, err := Open(context.Background(), pg.DSN(""))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(db.Close)
	return db, pg
}

func ticketEvent(branch string, seq uint64, id, data string) chain.Event {
	return chain.Event{Branch: branch, Seq: seq, Time: time.Date(2026, 12, 3, 10, 0, int(seq), 0, time.UTC),
		Kind: chain.KindTicket, ID: id, Data: json.RawMessage(data)}
}

// row reads a current-state row: its data and seq, or ok false when there
// is none.
func row(t *testing.T, db *DB, table, branch, id string) (data string, seq int64, ok bool) {
	t.Helper()
	err := db.Pool().QueryRow(context.Background(),
		`SELECT data::text, seq FROM `+table+` WHERE branch = $1 AND id = $2`, branch, id).Scan(&data, &seq)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", 0, false
	}
	if err != nil {
		t.Fatal(err)
	}
	return data, seq, true
}

func count(t *testing.T, db *DB, sql string, args ...any) int {
	t.Helper()
	var n int
	if err := db.Pool().QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func TestApply(t *testing.T) {
	db, _ := openDB(t)
	ctx := context.Background()
	type step struct {
		ev      chain.Event
		applied bool
	}
	for _, tc := range []struct {
		name     string
		branch   string
		steps    []step
		wantData string // "" for no row
		wantSeq  int64
		wantGaps []Gap
	}{{
		name:   "in order",
		branch: "inorder",
		steps: []step{
			{ticketEvent("inorder", 1, "T1", `{"v": 1}`), true},
			{ticketEvent("inorder", 2, "T1", `{"v": 2}`), true},
		},
		wantData: `{"v": 2}`, wantSeq: 2,
	}, {
		name:   "a duplicate is a no-op",
		branch: "dup",
		steps: []step{
			{ticketEvent("dup", 1, "T1", `{"v": 1}`), true},
			{ticketEvent("dup", 1, "T1", `{"v": "other"}`), false},
		},
		wantData: `{"v": 1}`, wantSeq: 1,
	}, {
		name:   "an older event does not overwrite a newer one",
		branch: "older",
		steps: []step{
			{ticketEvent("older", 5, "T1", `{"v": 5}`), true},
			{ticketEvent("older", 3, "T1", `{"v": 3}`), true},
		},
		wantData: `{"v": 5}`, wantSeq: 5,
		wantGaps: []Gap{{1, 2}, {4, 4}},
	}, {
		name:   "null data deletes",
		branch: "del",
		steps: []step{
			{ticketEvent("del", 1, "T1", `{"v": 1}`), true},
			{ticketEvent("del", 2, "T1", `null`), true},
		},
	}, {
		name:   "a put older than the delete does not bring the row back",
		branch: "delold",
		steps: []step{
			{ticketEvent("delold", 2, "T1", `null`), true},
			{ticketEvent("delold", 1, "T1", `{"v": 1}`), true},
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			for _, s := range tc.steps {
				applied, err := db.Apply(ctx, s.ev)
				if err != nil {
					t.Fatalf("Apply(%s): %v", s.ev.MsgID(), err)
				}
				if applied != s.applied {
					t.Errorf("Apply(%s) applied %v, want %v", s.ev.MsgID(), applied, s.applied)
				}
			}
			data, seq, ok := row(t, db, "tickets", tc.branch, "T1")
			if ok != (tc.wantData != "") || data != tc.wantData || seq != tc.wantSeq {
				t.Errorf("tickets row: %q seq %d (present %v), want %q seq %d", data, seq, ok, tc.wantData, tc.wantSeq)
			}
			gaps, err := db.Gaps(ctx, tc.branch)
			if err != nil {
				t.Fatal(err)
			}
			if len(gaps) != len(tc.wantGaps) || (len(gaps) > 0 && !reflect.DeepEqual(gaps, tc.wantGaps)) {
				t.Errorf("Gaps = %v, want %v", gaps, tc.wantGaps)
			}
			var maxSeq uint64
			for _, s := range tc.steps {
				maxSeq = max(maxSeq, s.ev.Seq)
			}
			if last, err := db.LastSeq(ctx, tc.branch); err != nil || last != maxSeq {
				t.Errorf("LastSeq = %d, %v; want %d", last, err, maxSeq)
			}
			seqs := map[uint64]bool{}
			for _, s := range tc.steps {
				seqs[s.ev.Seq] = true
			}
			if n := count(t, db, `SELECT count(*) FROM events WHERE branch = $1`, tc.branch); n != len(seqs) {
				t.Errorf("%d events recorded, want %d", n, len(seqs))
			}
		})
	}
}

// TestOpenTwice: a second Open of a migrated database changes nothing.
func TestOpenTwice(t *testing.T) {
	db, pg := openDB(t)
	again, err := Open(context.Background(), pg.DSN(""))
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	again.Close()
	if n := count(t, db, `SELECT count(*) FROM schema_version`); n != len(migrations) {
		t.Errorf("schema_version has %d rows, want %d", n, len(migrations))
	}
}

// TestLedgerCard: a ledger entry's card is a column, for head office's
// per-card queries.
func TestLedgerCard(t *testing.T) {
	db, _ := openDB(t)
	ev := chain.Event{Branch: "b1", Seq: 1, Time: time.Now(), Kind: chain.KindLedger, ID: "C1#1",
		Data: json.RawMessage(`{"card": "C1", "seq": 1, "amount_fen": 500}`)}
	if _, err := db.Apply(context.Background(), ev); err != nil {
		t.Fatal(err)
	}
	if n := count(t, db, `SELECT count(*) FROM ledger WHERE card = 'C1'`); n != 1 {
		t.Errorf("%d ledger rows of card C1, want 1", n)
	}
}
