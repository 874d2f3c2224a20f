package store

import (
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

func TestMigrate(t *testing.T) {
	boom := errors.New("boom")
	mark := func(key string) func(*Txn) error {
		return func(tx *Txn) error { return tx.t.Set([]byte(key), []byte("1")) }
	}
	steps := []migration{
		{To: 2, Name: "two", Apply: mark("x/two")},
		{To: 3, Name: "three", Apply: mark("x/three")},
		{To: 4, Name: "four fails", Apply: func(*Txn) error { return boom }},
	}
	for _, tc := range []struct {
		name       string
		have, want int
		ms         []migration
		wantErr    string
		wantSchema int
		wantKeys   []string
		wantAudits []string
	}{
		{"one to three", 1, 3, steps, "", 3, []string{"x/two", "x/three"}, []string{"two", "three"}},
		{"two to three", 2, 3, steps, "", 3, []string{"x/three"}, []string{"three"}},
		{"a failing step writes nothing", 1, 4, steps, "four fails", 1, nil, nil},
		{"a missing step writes nothing", 1, 3, steps[1:], "no migration from data format 1 to 2", 1, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := MustOpen(t)
			setSchema(t, db, tc.have)
			err := db.migrate(tc.have, tc.want, tc.ms)
			if tc.wantErr == "" && err != nil || tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
				t.Fatalf("migrate(%d, %d) = %v, want error %q", tc.have, tc.want, err, tc.wantErr)
			}
			if got := readSchema(t, db); got != tc.wantSchema {
				t.Errorf("m/schema = %d, want %d", got, tc.wantSchema)
			}
			for _, k := range []string{"x/two", "x/three"} {
				want := slices.Contains(tc.wantKeys, k)
				if got := hasKey(t, db, k); got != want {
					t.Errorf("key %s present = %v, want %v", k, got, want)
				}
			}
			if got := migrationAudits(t, db); strings.Join(got, ",") != strings.Join(tc.wantAudits, ",") {
				t.Errorf("store.migrate audit entries = %q, want %q", got, tc.wantAudits)
			}
		})
	}
}

func setSchema(tb testing.TB, db *DB, v int) {
	tb.Helper()
	if err := db.bdb.Update(func(txn *badger.Txn) error {
		return txn.Set([]byte("m/schema"), []byte(strconv.Itoa(v)))
	}); err != nil {
		tb.Fatal(err)
	}
}

func readSchema(tb testing.TB, db *DB) int {
	tb.Helper()
	var v int
	err := db.bdb.View(func(txn *badger.Txn) error {
		item, err := txn.Get([]byte("m/schema"))
		if err != nil {
			return err
		}
		return item.Value(func(b []byte) error {
			v, err = strconv.Atoi(string(b))
			return err
		})
	})
	if err != nil {
		tb.Fatal(err)
	}
	return v
}

func hasKey(tb testing.TB, db *DB, key string) bool {
	tb.Helper()
	err := db.bdb.View(func(txn *badger.Txn) error {
		_, err := txn.Get([]byte(key))
		return err
	})
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false
	}
	if err != nil {
		tb.Fatal(err)
	}
	return true
}

// migrationAudits returns the reasons (migration names) of the
// store.migrate audit entries, oldest first, after checking their shape.
func migrationAudits(tb testing.TB, db *DB) []string {
	tb.Helper()
	var names []string
	err := db.View(func(tx *Txn) error {
		return tx.eachRecord("r/audit/", func(raw []byte) error {
			var a appliance.AuditEntry
			if err := decode(raw, &a); err != nil {
				return err
			}
			if a.Action != "store.migrate" {
				return nil
			}
			if a.Operator != "system" || a.Record != "schema" || !strings.HasPrefix(string(a.After), `{"schema":`) {
				tb.Errorf("migration audit entry = %+v", a)
			}
			names = append(names, a.Reason)
			return nil
		})
	})
	if err != nil {
		tb.Fatal(err)
	}
	return names
}
