package store

import (
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

// pickupArgs stand for any op's arguments in these tests.
type pickupArgs struct {
	Key    string `json:"key"`
	Number string `json:"number"`
	Note   string `json:"note,omitempty"`
}

// keyed runs one keyed request the way a domain method does: Recall,
// and on a new key the work (a ticket named by note) and Remember, in
// one transaction. It returns the result and whether it was a replay.
func keyed(db *DB, op string, a pickupArgs) (string, bool, error) {
	req, err := NewRequest(op, a.Key, a)
	if err != nil {
		return "", false, err
	}
	var result string
	err = db.Update(func(tx *Txn) error {
		prev, found, err := tx.Recall(req)
		if err != nil || found {
			result = prev
			return err
		}
		n, err := tx.NextTicketNumber(tx.Now())
		if err != nil {
			return err
		}
		if err := tx.PutTicket(&appliance.Ticket{Number: n, Kind: appliance.KindRepair, Status: appliance.StatusOpen, Fault: a.Note}); err != nil {
			return err
		}
		result = n
		return tx.Remember(req, "0007", n)
	})
	return result, req.Replayed(), err
}

func TestRequestOnce(t *testing.T) {
	dir := t.TempDir()
	db := MustOpenDir(t, dir)
	first, replayed, err := keyed(db, "ticket.pickup", pickupArgs{Key: "k1", Number: "T1"})
	if err != nil || replayed {
		t.Fatalf("first request = %q, replayed %v, %v", first, replayed, err)
	}
	db.Close()
	db = MustOpenDir(t, dir) // a retry after a restart
	for _, tc := range []struct {
		name      string
		op        string
		args      pickupArgs
		want      string // result, or "" for an error
		wantErr   string
		wantField string
	}{
		{"same request after restart", "ticket.pickup", pickupArgs{Key: "k1", Number: "T1"}, first, "", ""},
		{"other argument value", "ticket.pickup", pickupArgs{Key: "k1", Number: "T2"}, "", "number differs", "key"},
		{"an argument more", "ticket.pickup", pickupArgs{Key: "k1", Number: "T1", Note: "x"}, "", "note differs", "key"},
		{"other op", "ticket.intake", pickupArgs{Key: "k1", Number: "T1"}, "", "used for ticket.pickup", "key"},
		{"control character in key", "ticket.pickup", pickupArgs{Key: "k\x001", Number: "T1"}, "", "invalid", "key"},
		{"key too long", "ticket.pickup", pickupArgs{Key: strings.Repeat("k", maxKeyLen+1), Number: "T1"}, "", "invalid", "key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, replayed, err := keyed(db, tc.op, tc.args)
			if tc.wantErr == "" {
				if err != nil || got != tc.want || !replayed {
					t.Fatalf("keyed(%+v) = %q, replayed %v, %v; want %q replayed", tc.args, got, replayed, err, tc.want)
				}
				return
			}
			var ae *appliance.Error
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) || !asError(err, &ae) || ae.Field != tc.wantField {
				t.Fatalf("keyed(%+v) = %q, %v; want an error on %q saying %q", tc.args, got, err, tc.wantField, tc.wantErr)
			}
		})
	}
	if n := countPrefix(t, db, "r/ticket/"); n != 1 {
		t.Errorf("%d tickets after the retries, want 1", n)
	}
	if got, replayed, err := keyed(db, "ticket.pickup", pickupArgs{Number: "T1"}); err != nil || replayed || got == first {
		t.Errorf("a request without a key = %q, replayed %v, %v; want a new ticket", got, replayed, err)
	}
	mustVerify(t, db)
}

func asError(err error, target **appliance.Error) bool {
	e, ok := err.(*appliance.Error)
	if !ok {
		return false
	}
	*target = e
	return true
}

func countPrefix(tb testing.TB, db *DB, prefix string) int {
	tb.Helper()
	n := 0
	if err := db.View(func(tx *Txn) error {
		return tx.eachRecord(prefix, func([]byte) error { n++; return nil })
	}); err != nil {
		tb.Fatal(err)
	}
	return n
}

// TestSweepRequests forgets the requests older than the retention, a
// batch at a time, and keeps the newer ones.
func TestSweepRequests(t *testing.T) {
	now := day
	db, err := Open(t.TempDir(), Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := range 25 {
		now = day.Add(time.Duration(i) * time.Hour)
		if _, _, err := keyed(db, "ticket.intake", pickupArgs{Key: fmt.Sprintf("k%02d", i), Number: "T"}); err != nil {
			t.Fatal(err)
		}
	}
	cutoff := day.Add(10 * time.Hour) // the ten made at 00:00–09:00 go
	var batches []int
	for {
		var n int
		mustUpdate(t, db, func(tx *Txn) (err error) {
			n, err = tx.SweepRequests(cutoff, 4)
			return err
		})
		batches = append(batches, n)
		if n < 4 {
			break
		}
	}
	if fmt.Sprint(batches) != "[4 4 2]" {
		t.Errorf("sweep batches = %v, want [4 4 2]", batches)
	}
	if n := countPrefix(t, db, "r/request/"); n != 15 {
		t.Errorf("%d requests kept, want 15", n)
	}
	now = day.Add(30 * time.Hour)
	if _, replayed, err := keyed(db, "ticket.intake", pickupArgs{Key: "k03", Number: "T"}); err != nil || replayed {
		t.Errorf("a swept key = replayed %v, %v; want a new request", replayed, err)
	}
	if _, replayed, err := keyed(db, "ticket.intake", pickupArgs{Key: "k12", Number: "T"}); err != nil || !replayed {
		t.Errorf("a kept key = replayed %v, %v; want the first result", replayed, err)
	}
	mustVerify(t, db)
}

// TestMigrateFixtures opens copies of the committed data of every older
// format (build/testdata/schemaN, written by the releases before) and
// checks that they migrate to this format, audited, and verify sound.
func TestMigrateFixtures(t *testing.T) {
	for _, tc := range []struct {
		fixture string
		from    int
	}{{"schema1", 1}, {"schema2", 2}, {"schema3", 3}, {"schema4", 4}} {
		t.Run(tc.fixture, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "data")
			src := filepath.Join("..", "..", "build", "testdata", tc.fixture, "data")
			if out, err := exec.Command("cp", "-r", src, dir).CombinedOutput(); err != nil {
				t.Fatalf("cp %s: %v\n%s", src, err, out)
			}
			ro, err := Open(dir, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			if got := readSchema(t, ro); got != tc.from {
				t.Fatalf("fixture %s has format %d, want %d", tc.fixture, got, tc.from)
			}
			mustVerify(t, ro)
			queries, before := fixtureSearches(t, ro)
			ro.Close()

			db := MustOpenDir(t, dir)
			if got := readSchema(t, db); got != SchemaVersion {
				t.Errorf("after the migration m/schema = %d, want %d", got, SchemaVersion)
			}
			audits := migrationAudits(t, db)
			if len(audits) != SchemaVersion-tc.from || !strings.Contains(audits[len(audits)-1], "posting blocks") {
				t.Errorf("store.migrate audit entries = %q, want %d ending with the posting blocks step", audits, SchemaVersion-tc.from)
			}
			mustVerify(t, db)
			if n := countKeys(t, db, textPrefix); n != 0 {
				t.Errorf("%d %s keys left after the migration, want none", n, textPrefix)
			}
			if n := countKeys(t, db, postPrefix); n == 0 {
				t.Errorf("no posting blocks after the migration")
			}
			_, after := fixtureSearches(t, db, queries...)
			for i, q := range queries {
				if !slices.Equal(before[i], after[i]) {
					t.Errorf("search %q: format %d found %q, format %d finds %q", q, tc.from, before[i], SchemaVersion, after[i])
				}
			}
			if _, _, err := keyed(db, "ticket.pickup", pickupArgs{Key: "after-upgrade", Number: "T1"}); err != nil {
				t.Fatal(err)
			}
			if _, replayed, err := keyed(db, "ticket.pickup", pickupArgs{Key: "after-upgrade", Number: "T1"}); err != nil || !replayed {
				t.Errorf("retry on migrated data = replayed %v, %v", replayed, err)
			}
			mustVerify(t, db)
		})
	}
}

// fixtureSearches runs free-text searches on db and returns the numbers
// each finds. Without queries it makes them from the tickets' faults: each
// fault's first run, its first two characters, its last character and its
// runs together (up to three).
func fixtureSearches(t *testing.T, db *DB, queries ...string) ([]string, [][]string) {
	t.Helper()
	var found [][]string
	err := db.View(func(tx *Txn) error {
		if len(queries) == 0 {
			err := tx.eachTicketAfter("", 200, func(tk *appliance.Ticket) error {
				runs := TextRuns(tk.Fault)
				if len(runs) == 0 {
					return nil
				}
				rs := []rune(runs[0])
				queries = append(queries, runs[0], string(rs[:min(2, len(rs))]), string(rs[len(rs)-1]),
					strings.Join(runs[:min(3, len(runs))], " "))
				return nil
			})
			if err != nil {
				return err
			}
			slices.Sort(queries)
			queries = slices.Compact(queries)
		}
		for _, q := range queries {
			ts, err := tx.TicketsByText(q, 1000)
			if err != nil {
				return err
			}
			var ids []string
			for _, tk := range ts {
				ids = append(ids, tk.Number)
			}
			found = append(found, ids)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	hits := 0
	for _, ids := range found {
		hits += len(ids)
	}
	if hits == 0 {
		t.Fatalf("%d searches found nothing", len(queries))
	}
	t.Logf("%d searches, %d hits", len(queries), hits)
	return queries, found
}

// countKeys counts the keys under prefix.
func countKeys(t *testing.T, db *DB, prefix string) int {
	t.Helper()
	n := 0
	err := db.View(func(tx *Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false
		opts.Prefix = []byte(prefix)
		it := tx.t.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			n++
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}
