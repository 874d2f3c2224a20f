package store

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"shouhou/appliance"
)

func TestBlockCodec(t *testing.T) {
	tests := [][]string{
		nil,
		{"T20261123-0001"},
		{"T20261123-0001", "T20261123-0002", "T20261124-0001", "T20261124-00010", "U"},
	}
	for _, ids := range tests {
		got, err := decodeBlock(nil, encodeBlock(ids))
		if err != nil || !slices.Equal(got, ids) {
			t.Errorf("decodeBlock(encodeBlock(%q)) = %q, %v", ids, got, err)
		}
	}
	for _, bad := range [][]byte{nil, {2}, {postingCodec, 5, 1, 'x'}, {postingCodec, 0, 9, 'x'}} {
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

// TestSearchPostingsMatchTermIndex: on a store of a few thousand tickets, some
// rewritten with other faults and some deleted, the join of the posting
// lists returns exactly what the join of the x/ticket.text entries does,
// for queries of one to three runs, rare and common, with and without a
// floor; and Verify finds the posting lists sound.
func TestSearchPostingsMatchTermIndex(t *testing.T) {
	db := MustOpen(t)
	r := rand.New(rand.NewPCG(14, 5))
	const n = 3000
	number := func(i int) string { return fmt.Sprintf("T202611%02d-%04d", 1+i/300, i%300+1) }
	for lo := 0; lo < n; lo += 50 {
		mustUpdate(t, db, func(tx *Txn) error {
			for i := lo; i < lo+50; i++ {
				tk := &appliance.Ticket{Number: number(i), Status: appliance.StatusOpen, CustomerID: "c1", Fault: randomFault(r)}
				if err := tx.PutTicket(tk); err != nil {
					return err
				}
			}
			return nil
		})
	}
	// Rewrites and deletes in the middle of the lists split and empty blocks.
	for range 300 {
		mustUpdate(t, db, func(tx *Txn) error {
			tk, err := tx.Ticket(number(r.IntN(n)))
			if appliance.ErrorCode(err) == appliance.ENOTFOUND {
				return nil
			}
			if err != nil {
				return err
			}
			if r.IntN(3) == 0 {
				return tx.DeleteTicket(tk.Number)
			}
			tk.Fault = randomFault(r)
			return tx.PutTicket(tk)
		})
	}
	if rep, err := db.Verify(); err != nil || !rep.OK() {
		t.Fatalf("Verify = %v, %v", rep, err)
	}
	compareQueries(t, db, r, n)
	// The backfill of format 5 builds the same lists afresh, in full
	// blocks, over whatever an interrupted run left.
	mustUpdate(t, db, func(tx *Txn) error { _, err := tx.postAdd("屏幕", "T20261130-9999"); return err })
	if err := backfillPostings(db); err != nil {
		t.Fatal(err)
	}
	if rep, err := db.Verify(); err != nil || !rep.OK() {
		t.Fatalf("Verify after the backfill = %v, %v", rep, err)
	}
	compareQueries(t, db, r, n)
}

// compareQueries checks textPostings against textJoin.
func compareQueries(t *testing.T, db *DB, r *rand.Rand, n int) {
	t.Helper()
	queries := []string{"屏幕", "屏幕不亮", "不亮 开机", "使用三天后 屏幕不亮 发热", "usb接口", "USB 松动 进水",
		"划痕", "摔落 划痕", "亮屏", "电池鼓包 充电很慢", "蓝牙断连 按键失灵 表带断裂", "17", "屏幕 17", "无此词"}
	for _, w := range searchWords {
		queries = append(queries, w)
	}
	for range 100 {
		queries = append(queries, strings.Join(TextRuns(randomFault(r)), " "))
	}
	nonEmpty := 0
	for _, q := range queries {
		for _, limit := range []int{1, 20, n} {
			for _, fl := range []string{"", "T20261105"} {
				err := db.View(func(tx *Txn) error {
					runs := TextRuns(q)
					grams, prefix := queryGrams(runs)
					if prefix {
						return nil
					}
					match := func(t *appliance.Ticket) bool {
						fault := strings.Join(TextRuns(t.Fault), " ")
						for _, r := range runs {
							if !strings.Contains(fault, r) {
								return false
							}
						}
						return true
					}
					want, err := tx.textJoin(grams, fl, limit, match)
					if err != nil {
						return err
					}
					got, err := tx.textPostings(grams, fl, limit, match)
					if err != nil {
						return err
					}
					if w, g := numbers(want), numbers(got); !slices.Equal(w, g) {
						t.Errorf("query %q limit %d floor %q: postings give %q, term index %q", q, limit, fl, g, w)
					}
					if len(want) > 0 {
						nonEmpty++
					}
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if nonEmpty < len(queries) {
		t.Errorf("only %d of %d query runs found anything: the test data is too thin", nonEmpty, 6*len(queries))
	}
}

func numbers(ts []*appliance.Ticket) []string {
	var out []string
	for _, t := range ts {
		out = append(out, t.Number)
	}
	return out
}

// TestVerifyPostings: Verify reports a posting list that lacks a ticket,
// holds one too many, or a count that is off.
func TestVerifyPostings(t *testing.T) {
	tests := []struct {
		name    string
		breakIt func(tx *Txn) error
		want    string
	}{
		{"lacks", func(tx *Txn) error { return tx.postRemove("屏幕", "T20261123-0002") }, "lacks T20261123-0002"},
		{"extra", func(tx *Txn) error { _, err := tx.postAdd("表带", "T20261123-0001"); return err }, "holds T20261123-0001"},
		{"count", func(tx *Txn) error { return tx.addCount("不亮", 1) }, `count of term "不亮"`},
		{"stray count", func(tx *Txn) error { return tx.addCount("无此", 1) }, "term counts for"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := MustOpen(t)
			mustUpdate(t, db, func(tx *Txn) error {
				for i, f := range []string{"屏幕不亮", "屏幕发热", "不亮"} {
					if err := tx.PutTicket(&appliance.Ticket{Number: fmt.Sprintf("T20261123-%04d", i+1), Status: appliance.StatusOpen, CustomerID: "c1", Fault: f}); err != nil {
						return err
					}
				}
				return nil
			})
			if rep, err := db.Verify(); err != nil || !rep.OK() {
				t.Fatalf("Verify before = %v, %v", rep, err)
			}
			mustUpdate(t, db, tc.breakIt)
			rep, err := db.Verify()
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || !strings.Contains(strings.Join(rep.Problems, "\n"), tc.want) {
				t.Errorf("Verify = %q, want a problem with %q", rep.Problems, tc.want)
			}
		})
	}
}
