package store

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

func TestBlockCodec(t *testing.T) {
	tests := []struct {
		id, block, suf string
	}{
		{"T20261123-0001", "T20261123-00", "01"},
		{"T20261123-0199", "T20261123-01", "99"},
		{"T1", "", "T1"},
		{"", "", ""},
	}
	for _, tc := range tests {
		if b, s := blockOf(tc.id); b != tc.block || s != tc.suf {
			t.Errorf("blockOf(%q) = %q, %q; want %q, %q", tc.id, b, s, tc.block, tc.suf)
		}
	}
	for _, sufs := range [][]string{nil, {"01"}, {"00", "01", "99", "T1"}} {
		got, err := decodeBlock(nil, encodeBlock(sufs))
		if err != nil || !slices.Equal(got, sufs) {
			t.Errorf("decodeBlock(encodeBlock(%q)) = %q, %v", sufs, got, err)
		}
	}
	for _, bad := range [][]byte{nil, {2}, {postingCodec, 5, 'x'}, {postingCodec, 0x80}} {
		if _, err := decodeBlock(nil, bad); err == nil {
			t.Errorf("decodeBlock(%q) succeeded", bad)
		}
	}
}

// searchWords make fault descriptions with terms of every frequency: a
// few common parts and symptoms, and rarer words and numbers.
var searchWords = []string{"屏幕", "不亮", "开机", "无反应", "发热", "电池", "鼓包", "表带", "断裂", "USB", "接口", "松动",
	"进水", "按键", "失灵", "充电", "很慢", "蓝牙", "断连", "使用三天后", "摔落", "划痕", "亮"}

func randomFault(r *rand.Rand) string {
	var b strings.Builder
	for range 1 + r.IntN(5) {
		w := searchWords[min(r.IntN(len(searchWords)), r.IntN(len(searchWords)))] // skewed to the first words
		b.WriteString(w)
		if r.IntN(3) == 0 {
			b.WriteString("，")
		}
		if r.IntN(8) == 0 {
			fmt.Fprintf(&b, " %d ", r.IntN(50))
		}
	}
	return b.String()
}

// searchNumber numbers the test tickets: 300 a day, so a day's numbers
// fill three blocks.
func searchNumber(i int) string { return fmt.Sprintf("T202611%02d-%04d", 1+i/300, i%300+1) }

// TestSearchPostingsMatchTermIndex: on a store of a few thousand tickets,
// some rewritten with other faults and some deleted, the join of the
// posting blocks returns exactly what the join of the x/ticket.text
// entries (format 5 and before, written here by hand) returns, and what a
// scan of every ticket finds, for queries of one to three runs, rare and
// common, with and without a floor; Verify finds the blocks sound, and the
// migration's backfill rebuilds the same blocks from the entries.
func TestSearchPostingsMatchTermIndex(t *testing.T) {
	db := MustOpen(t)
	r := rand.New(rand.NewPCG(14, 6))
	const n = 3000
	for lo := 0; lo < n; lo += 50 {
		mustUpdate(t, db, func(tx *Txn) error {
			for i := lo; i < lo+50; i++ {
				tk := &appliance.Ticket{Number: searchNumber(i), Status: appliance.StatusOpen, CustomerID: "c1", Fault: randomFault(r)}
				if err := tx.PutTicket(tk); err != nil {
					return err
				}
			}
			return nil
		})
	}
	// Rewrites and deletes in the middle of the lists, some emptying
	// blocks, ten to a transaction (some of one ticket twice).
	for range 30 {
		mustUpdate(t, db, func(tx *Txn) error {
			for range 10 {
				tk, err := tx.Ticket(searchNumber(r.IntN(n / 10)))
				if appliance.ErrorCode(err) == appliance.ENOTFOUND {
					continue
				}
				if err != nil {
					return err
				}
				if r.IntN(3) == 0 {
					err = tx.DeleteTicket(tk.Number)
				} else {
					tk.Fault = randomFault(r)
					err = tx.PutTicket(tk)
				}
				if err != nil {
					return err
				}
			}
			return nil
		})
	}
	mustVerify(t, db)
	writeTermIndex(t, db)
	queries := searchQueries(r)
	compareQueries(t, db, queries, n)

	// The backfill of format 6 builds the same blocks afresh from the
	// entries, over whatever an interrupted run left.
	before := dumpPrefix(t, db, postPrefix, termCountPrefix)
	mustUpdate(t, db, func(tx *Txn) error { return tx.postAdd("屏幕", "T20261130-9999") })
	if err := backfillPostings(db); err != nil {
		t.Fatal(err)
	}
	if after := dumpPrefix(t, db, postPrefix, termCountPrefix); !slices.Equal(before, after) {
		t.Errorf("the backfill wrote %d block and count keys, the writes %d", len(after), len(before))
	}
	if err := db.bdb.DropPrefix([]byte(textPrefix)); err != nil {
		t.Fatal(err)
	}
	mustVerify(t, db)
}

// writeTermIndex writes the x/ticket.text entries of format 5 and before
// for every ticket.
func writeTermIndex(t *testing.T, db *DB) {
	t.Helper()
	for after, more := "", true; more; {
		mustUpdate(t, db, func(tx *Txn) error {
			n := 0
			err := tx.eachTicketAfter(after, 200, func(tk *appliance.Ticket) error {
				after, n = tk.Number, n+1
				for _, g := range textGrams(tk.Fault) {
					if err := tx.t.Set([]byte(textPrefix+g+"\x00"+tk.Number), nil); err != nil {
						return err
					}
				}
				return nil
			})
			more = n == 200
			return err
		})
	}
}

func searchQueries(r *rand.Rand) []string {
	queries := []string{"屏幕", "屏幕不亮", "不亮 开机", "使用三天后 屏幕不亮 发热", "usb接口", "USB 松动 进水",
		"划痕", "摔落 划痕", "亮屏", "电池鼓包 充电很慢", "蓝牙断连 按键失灵 表带断裂", "17", "屏幕 17", "无此词", "亮", "幕",
		// runs whose rarest bigram many tickets hold without the run
		"屏幕不亮开机", "不亮开机无反应", "开机无反应 屏幕", "发热电池鼓包", "亮屏幕不亮", "屏幕屏幕", "充电充电很慢"}
	queries = append(queries, searchWords...)
	for range 100 {
		runs := TextRuns(randomFault(r))
		queries = append(queries, strings.Join(runs[:min(3, len(runs))], " "))
	}
	return queries
}

// compareQueries checks the posting blocks' answers against the
// x/ticket.text join's and a scan's.
func compareQueries(t *testing.T, db *DB, queries []string, n int) {
	t.Helper()
	var all []*appliance.Ticket // newest first, for the scan
	err := db.View(func(tx *Txn) error {
		return tx.eachTicketAfter("", n, func(tk *appliance.Ticket) error { all = append(all, tk); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Reverse(all)
	nonEmpty := 0
	for _, q := range queries {
		for _, limit := range []int{1, 20, n} {
			for _, fl := range []string{"", "T20261105"} {
				var blocks, every, entries, scan []string
				err := db.View(func(tx *Txn) error {
					var err error
					if blocks, err = searchIDs(tx, q, fl, limit); err != nil {
						return err
					}
					if every, err = everyGramIDs(tx, q, fl, limit); err != nil {
						return err
					}
					tx.format = postingsFormat - 1 // the x/ticket.text join
					if entries, err = searchIDs(tx, q, fl, limit); err != nil {
						return err
					}
					scan = scanIDs(all, q, fl, limit)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(blocks, entries) || !slices.Equal(blocks, scan) || !slices.Equal(blocks, every) {
					t.Fatalf("%q limit %d floor %q: blocks %q, blocks of every bigram %q, x/ticket.text %q, scan %q",
						q, limit, fl, blocks, every, entries, scan)
				}
				if len(blocks) > 0 {
					nonEmpty++
				}
			}
		}
	}
	if nonEmpty < len(queries) {
		t.Errorf("only %d of %d searches found something: the test data is too sparse", nonEmpty, 6*len(queries))
	}
}

func searchIDs(tx *Txn, q, floor string, limit int) ([]string, error) {
	since := time.Time{}
	if floor != "" {
		var err error
		if since, err = time.Parse("20060102", floor[1:]); err != nil {
			return nil, err
		}
	}
	ts, err := tx.TicketsByTextSince(q, since, limit)
	ids := make([]string, 0, len(ts))
	for _, tk := range ts {
		ids = append(ids, tk.Number)
	}
	return ids, err
}

// everyGramIDs is searchIDs with the blocks of every bigram of every run
// joined, not only each run's rarest (joinGrams).
func everyGramIDs(tx *Txn, q, floor string, limit int) ([]string, error) {
	runs := TextRuns(q)
	if _, prefix := queryGrams(runs); prefix || len(runs) == 0 {
		return searchIDs(tx, q, floor, limit)
	}
	grams := overlappingGrams(runs)
	counts := make(map[string]uint64, len(grams))
	for _, g := range grams {
		n, err := tx.termCount(g)
		if err != nil || n == 0 {
			return []string{}, err
		}
		counts[g] = n
	}
	match := func(tk *appliance.Ticket) bool { return len(scanIDs([]*appliance.Ticket{tk}, q, "", 1)) == 1 }
	ts, err := tx.textPostings(grams, counts, floor, limit, match)
	ids := make([]string, 0, len(ts))
	for _, tk := range ts {
		ids = append(ids, tk.Number)
	}
	return ids, err
}

// scanIDs finds what TicketsByTextSince should in all, newest first.
func scanIDs(all []*appliance.Ticket, q, floor string, limit int) []string {
	runs := TextRuns(q)
	var ids []string
	for _, tk := range all {
		if len(ids) == limit || tk.Number < floor || len(runs) == 0 {
			break
		}
		fault := strings.Join(TextRuns(tk.Fault), " ")
		if !slices.ContainsFunc(runs, func(run string) bool { return !strings.Contains(fault, run) }) {
			ids = append(ids, tk.Number)
		}
	}
	return ids
}

// dumpPrefix lists the keys and values under the prefixes, as text.
func dumpPrefix(t *testing.T, db *DB, prefixes ...string) []string {
	t.Helper()
	var out []string
	err := db.View(func(tx *Txn) error {
		for _, p := range prefixes {
			opts := badger.DefaultIteratorOptions
			opts.Prefix = []byte(p)
			it := tx.t.NewIterator(opts)
			for it.Rewind(); it.Valid(); it.Next() {
				v, err := it.Item().ValueCopy(nil)
				if err != nil {
					it.Close()
					return err
				}
				out = append(out, fmt.Sprintf("%q=%x", it.Item().Key(), v))
			}
			it.Close()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestPostingsFollowTickets: a new ticket, an edit of its fault, a second
// ticket and a delete each leave exactly the blocks and counts of the
// tickets there are, also when several happen in one transaction, and a
// search inside a transaction sees that transaction's writes.
func TestPostingsFollowTickets(t *testing.T) {
	db := MustOpen(t)
	put := func(tx *Txn, number, fault string) error {
		return tx.PutTicket(&appliance.Ticket{Number: number, Status: appliance.StatusOpen, CustomerID: "c1", Fault: fault})
	}
	steps := []struct {
		name string
		fn   func(tx *Txn) error
		want []string
	}{
		{"new", func(tx *Txn) error { return put(tx, "T20261123-0001", "屏幕不亮") },
			[]string{`"c/不亮"=01`, `"c/亮"=01`, `"c/屏幕"=01`, `"c/幕不"=01`,
				`"p/不亮\x00T20261123-00"=01023031`, `"p/亮\x00T20261123-00"=01023031`, `"p/屏幕\x00T20261123-00"=01023031`, `"p/幕不\x00T20261123-00"=01023031`}},
		{"edit", func(tx *Txn) error { return put(tx, "T20261123-0001", "屏幕发热") },
			[]string{`"c/发热"=01`, `"c/屏幕"=01`, `"c/幕发"=01`, `"c/热"=01`,
				`"p/发热\x00T20261123-00"=01023031`, `"p/屏幕\x00T20261123-00"=01023031`, `"p/幕发\x00T20261123-00"=01023031`, `"p/热\x00T20261123-00"=01023031`}},
		{"second in the next block, then its edit, in one transaction", func(tx *Txn) error {
			if err := put(tx, "T20261123-0100", "屏幕"); err != nil {
				return err
			}
			if ts, err := tx.TicketsByText("屏幕", 0); err != nil || len(ts) != 2 {
				return fmt.Errorf("search in the transaction = %d tickets, %v; want 2", len(ts), err)
			}
			return put(tx, "T20261123-0100", "屏幕 热")
		}, []string{`"c/发热"=01`, `"c/屏幕"=02`, `"c/幕"=01`, `"c/幕发"=01`, `"c/热"=02`,
			`"p/发热\x00T20261123-00"=01023031`, `"p/屏幕\x00T20261123-00"=01023031`, `"p/屏幕\x00T20261123-01"=01023030`,
			`"p/幕\x00T20261123-01"=01023030`, `"p/幕发\x00T20261123-00"=01023031`, `"p/热\x00T20261123-00"=01023031`, `"p/热\x00T20261123-01"=01023030`}},
		{"delete", func(tx *Txn) error { return tx.DeleteTicket("T20261123-0001") },
			[]string{`"c/屏幕"=01`, `"c/幕"=01`, `"c/热"=01`, `"p/屏幕\x00T20261123-01"=01023030`, `"p/幕\x00T20261123-01"=01023030`, `"p/热\x00T20261123-01"=01023030`}},
		{"put and delete in one transaction", func(tx *Txn) error {
			if err := put(tx, "T20261123-0002", "屏幕 电池"); err != nil {
				return err
			}
			return tx.DeleteTicket("T20261123-0002")
		}, []string{`"c/屏幕"=01`, `"c/幕"=01`, `"c/热"=01`, `"p/屏幕\x00T20261123-01"=01023030`, `"p/幕\x00T20261123-01"=01023030`, `"p/热\x00T20261123-01"=01023030`}},
		{"the last", func(tx *Txn) error { return tx.DeleteTicket("T20261123-0100") }, nil},
	}
	for _, s := range steps {
		mustUpdate(t, db, s.fn)
		if got := dumpPrefix(t, db, termCountPrefix, postPrefix); !slices.Equal(got, s.want) {
			t.Fatalf("after %s: keys\n%s\nwant\n%s", s.name, strings.Join(got, "\n"), strings.Join(s.want, "\n"))
		}
		mustVerify(t, db)
	}
}

// TestPostingsBulkTransaction: one transaction making 1,000 tickets of a
// day (with their customers) fits in a Badger transaction, since it
// writes each of the day's blocks once, and leaves sound blocks.
func TestPostingsBulkTransaction(t *testing.T) {
	db := MustOpen(t)
	r := rand.New(rand.NewPCG(14, 7))
	terms := map[string]bool{}
	mustUpdate(t, db, func(tx *Txn) error {
		for i := range 1000 {
			c := &appliance.Customer{ID: fmt.Sprintf("c%04d", i), Name: "王芳", Phones: []string{fmt.Sprintf("139%08d", i)}}
			tk := &appliance.Ticket{Number: fmt.Sprintf("T20261123-%04d", i+1), Status: appliance.StatusOpen, CustomerID: c.ID,
				Fault: randomFault(r) + randomFault(r) + randomFault(r)}
			for _, g := range textGrams(tk.Fault) {
				terms[g] = true
			}
			if err := tx.PutCustomer(c); err != nil {
				return err
			}
			if err := tx.PutTicket(tk); err != nil {
				return err
			}
		}
		return nil
	})
	mustVerify(t, db)
	blocks := len(dumpPrefix(t, db, postPrefix))
	if blocks > 11*len(terms) { // 1,000 numbers fill 11 blocks (0001–0099 … 1000)
		t.Errorf("%d posting blocks for %d terms, want at most %d", blocks, len(terms), 11*len(terms))
	}
}

// TestVerifyFindsBrokenPostings: Verify names a posting missing from its
// block, one of no such ticket, a wrong or stale count, a block that does
// not decode and a retired x/ticket.text entry.
func TestVerifyFindsBrokenPostings(t *testing.T) {
	setBlock := func(term, block string, sufs ...string) func(*badger.Txn) error {
		return func(txn *badger.Txn) error { return txn.Set(postKey(term, block), encodeBlock(sufs)) }
	}
	setCount := func(term string, n uint64) func(*badger.Txn) error {
		return func(txn *badger.Txn) error { return txn.Set(countKey(term), binary.AppendUvarint(nil, n)) }
	}
	tests := []struct {
		name    string
		corrupt func(*badger.Txn) error
		want    []string
	}{
		{"missing posting", setBlock("屏幕", "T20261123-00", "01", "03"),
			[]string{`index entry "x/ticket.text/屏幕\x00T20261123-0002" is missing`, `count of term "屏幕" is 3, its posting blocks hold 2`}},
		{"posting of no ticket", setBlock("屏幕", "T20261123-01", "07"),
			[]string{`index entry "x/ticket.text/屏幕\x00T20261123-0107" is stale`, `count of term "屏幕" is 3, its posting blocks hold 4`}},
		{"wrong count", setCount("亮", 7), []string{`count of term "亮" is 7, its posting blocks hold 3`}},
		{"count of no term", setCount("电池", 1), []string{"4 term counts for 3 terms with posting blocks"}},
		{"block does not decode", func(txn *badger.Txn) error { return txn.Set(postKey("亮", "T20261123-00"), []byte{9}) },
			[]string{`posting block "p/亮\x00T20261123-00" is malformed`}},
		{"retired entry", func(txn *badger.Txn) error { return txn.Set([]byte(textPrefix+"亮\x00T20261123-0001"), nil) },
			[]string{`index entry "x/ticket.text/亮\x00T20261123-0001" is stale`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpen(t)
			mustUpdate(t, db, func(tx *Txn) error {
				for i := 1; i <= 3; i++ {
					tk := &appliance.Ticket{Number: fmt.Sprintf("T20261123-%04d", i), Status: appliance.StatusOpen, CustomerID: "c1", Fault: "屏幕亮"}
					if err := tx.PutTicket(tk); err != nil {
						return err
					}
				}
				return nil
			})
			mustVerify(t, db)
			if err := db.bdb.Update(tt.corrupt); err != nil {
				t.Fatal(err)
			}
			rep, err := db.Verify()
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !slices.ContainsFunc(rep.Problems, func(p string) bool { return strings.Contains(p, w) }) {
					t.Errorf("Verify problems %q lack %q", rep.Problems, w)
				}
			}
		})
	}
}

// TestMigrateWithdrawnFormat5: data of the withdrawn format 5 (the format-4
// fixture with its s/post and s/count keys and m/schema 5) migrates to
// format 6 like format 4, and loses those keys; a crash after the format
// was recorded but before the retired keys were dropped is finished by the
// next open.
func TestMigrateWithdrawnFormat5(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	src := filepath.Join("..", "..", "build", "testdata", "schema4", "data")
	if out, err := exec.Command("cp", "-r", src, dir).CombinedOutput(); err != nil {
		t.Fatalf("cp %s: %v\n%s", src, err, out)
	}
	raw := func(fn func(*badger.Txn) error) {
		t.Helper()
		bdb, err := badger.Open(ApplianceOptions(dir).WithLogger(nil))
		if err != nil {
			t.Fatal(err)
		}
		if err := bdb.Update(fn); err != nil {
			t.Fatal(err)
		}
		if err := bdb.Close(); err != nil {
			t.Fatal(err)
		}
	}
	raw(func(txn *badger.Txn) error {
		for k, v := range map[string]string{"m/schema": "5", "s/post/屏幕\x00T20261101-0001": "x", "s/count/屏幕": "x"} {
			if err := txn.Set([]byte(k), []byte(v)); err != nil {
				return err
			}
		}
		return nil
	})
	db := MustOpenDir(t, dir)
	if got := readSchema(t, db); got != SchemaVersion {
		t.Fatalf("m/schema = %d, want %d", got, SchemaVersion)
	}
	for _, p := range []string{"s/", textPrefix} {
		if n := countKeys(t, db, p); n != 0 {
			t.Errorf("%d keys under %s after the migration", n, p)
		}
	}
	mustVerify(t, db)
	db.Close()

	raw(func(txn *badger.Txn) error { return txn.Set([]byte(textPrefix+"屏幕\x00T20261101-0001"), nil) })
	db = MustOpenDir(t, dir)
	if n := countKeys(t, db, textPrefix); n != 0 {
		t.Errorf("%d keys under %s after a second open, want them dropped", n, textPrefix)
	}
	mustVerify(t, db)
}

func TestJoinGrams(t *testing.T) {
	counts := map[string]uint64{"屏幕": 900, "幕不": 40, "不亮": 300, "开机": 500, "发热": 700, "ab": 5, "bc": 5, "cd": 2}
	tests := []struct {
		q    string
		want []string
	}{
		{"屏幕不亮", []string{"幕不"}},
		{"开机 屏幕不亮 发热", []string{"幕不", "开机", "发热"}},
		{"屏幕", []string{"屏幕"}},
		{"abc", []string{"ab"}}, // the first of equals
		{"abcd", []string{"cd"}},
		{"屏幕不亮 幕不", []string{"幕不"}},      // one list for both runs
		{"屏幕 亮", []string{"屏幕"}},         // a run of one character joins nothing
		{"未知词 屏幕", []string{"屏幕", "未知"}}, // a bigram without a count is taken: the join finds nothing
	}
	for _, tc := range tests {
		got := joinGrams(TextRuns(tc.q), counts)
		want := slices.Sorted(slices.Values(tc.want))
		if !slices.Equal(got, want) {
			t.Errorf("joinGrams(%q) = %q, want %q", tc.q, got, want)
		}
	}
}

// TestPostingsJoinOddNumbers: the join walks blocks of numbers of other
// lengths than the desk's (a block named "" holds numbers of one or two
// characters, a longer block's suffixes may be compared with a shorter
// one's) and finds what a scan finds.
func TestPostingsJoinOddNumbers(t *testing.T) {
	db := MustOpen(t)
	numbers := []string{"7", "42", "T1", "T10", "T100", "T1000", "X9", "T20261101-0001", "T20261101-0100", "T20261101-01",
		"T20261102-0001", "T20261102-00010"}
	faults := []string{"屏幕不亮", "屏幕不亮 发热", "屏幕 不亮", "发热", "屏幕不亮发热"}
	mustUpdate(t, db, func(tx *Txn) error {
		for i, n := range numbers {
			tk := &appliance.Ticket{Number: n, Status: appliance.StatusOpen, CustomerID: "c1", Fault: faults[i%len(faults)]}
			if err := tx.PutTicket(tk); err != nil {
				return err
			}
		}
		return nil
	})
	var all []*appliance.Ticket
	err := db.View(func(tx *Txn) error {
		return tx.eachTicketAfter("", len(numbers), func(tk *appliance.Ticket) error { all = append(all, tk); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	// The join's order: by block, then suffix, newest first.
	slices.SortFunc(all, func(a, b *appliance.Ticket) int {
		ab, as := blockOf(a.Number)
		bb, bs := blockOf(b.Number)
		return -cmp.Or(strings.Compare(ab, bb), strings.Compare(as, bs))
	})
	for _, q := range []string{"屏幕不亮", "屏幕 不亮", "不亮 发热", "屏幕不亮发热", "发热"} {
		for _, limit := range []int{1, 3, 100} {
			var got []string
			err := db.View(func(tx *Txn) (err error) { got, err = searchIDs(tx, q, "", limit); return err })
			if err != nil {
				t.Fatal(err)
			}
			want := scanIDs(all, q, "", limit)
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Errorf("%q limit %d: %q, a scan %q", q, limit, got, want)
			}
		}
	}
}
