package store

import (
	"bytes"
	"slices"
	"strings"
	"time"
	"unicode"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/text/width"

	"shouhou/appliance"
)

// Search indexes of tickets and customers.
//
// Free text: Chinese has no spaces, so the fault description is cut into
// runs of letters and digits (after folding full-width forms and case), and
// every run is indexed by its character bigrams, plus its last character
// alone, so that a one-character query finds a character wherever it stands:
// 屏幕不亮 has the terms 屏幕, 幕不, 不亮 and 亮. Since data format 6 each
// term's tickets are kept in posting blocks with a count per term
// (postings.go); before, each had one x/ticket.text/TERM\x00ID key per
// term and ticket.
//
// A query is cut the same way; the tickets holding the rarest bigram of each
// run of the query are found by a leapfrog join of their postings (each
// posting list is already sorted by ticket number, newest first when read
// backwards), and each candidate is then checked for the query runs as
// substrings, which removes tickets holding a run's bigram but not the
// run. docs/tickets.md says why.

// open reports whether a ticket is still being handled.
func open(t *appliance.Ticket) bool {
	return t.Status != appliance.StatusClosed && t.Status != appliance.StatusCancelled
}

// ticketSearchIndexes are the search and scheduler entries of a ticket.
func ticketSearchIndexes(t *appliance.Ticket) []indexEntry {
	var es []indexEntry
	if t.PurchaseID != "" {
		es = append(es, indexEntry{name: idxTicketPurchase, value: t.PurchaseID})
	}
	for _, g := range textGrams(t.Fault) {
		es = append(es, indexEntry{name: idxTicketText, value: g, posting: true})
	}
	if open(t) && t.CallKind != "" && !t.CallDue.IsZero() {
		es = append(es, indexEntry{name: idxTicketCall, value: t.CallDue.UTC().Format(dueFormat)})
	}
	// The scheduler watches the deadline of work not yet done.
	working := t.Status != appliance.StatusReady && t.Status != appliance.StatusMailBack && open(t)
	if working && !t.Overdue && !t.Due.IsZero() {
		es = append(es, indexEntry{name: idxTicketWatch, value: t.Due.UTC().Format(dueFormat)})
	}
	return es
}

// TextRuns folds s (full-width to half-width, lower case) and cuts it into
// runs of letters and digits; everything else separates runs.
func TextRuns(s string) []string {
	s = strings.ToLower(width.Fold.String(s))
	return strings.FieldsFunc(s, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// maxIndexedRunes bounds the characters of one description that are
// indexed, so that a pasted essay does not write thousands of keys.
const maxIndexedRunes = 512

// textGrams returns the distinct index terms of s (its first
// maxIndexedRunes characters): the bigrams of every run and the last
// character of every run.
func textGrams(s string) []string {
	if rs := []rune(s); len(rs) > maxIndexedRunes {
		s = string(rs[:maxIndexedRunes])
	}
	var out []string
	for _, run := range TextRuns(s) {
		rs := []rune(run)
		for i := 0; i+1 < len(rs); i++ {
			out = append(out, string(rs[i:i+2]))
		}
		out = append(out, string(rs[len(rs)-1]))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// queryGrams returns the bigrams a query needs to join: bigrams that
// cover each run without overlapping (plus the last one for a run of odd
// length), since the substring check after the join restores the order.
// A query of single characters only returns them instead, as prefixes.
func queryGrams(runs []string) (grams []string, prefix bool) {
	for _, run := range runs {
		rs := []rune(run)
		for i := 0; i+1 < len(rs); i += 2 {
			grams = append(grams, string(rs[i:i+2]))
		}
		if n := len(rs); n > 2 && n%2 == 1 {
			grams = append(grams, string(rs[n-2:]))
		}
	}
	if len(grams) == 0 {
		for _, run := range runs {
			grams = append(grams, run)
		}
		prefix = true
	}
	slices.Sort(grams)
	return slices.Compact(grams), prefix
}

// overlappingGrams returns every bigram of every run of two or more
// characters: the posting blocks' join reads all their counts, and takes
// the rarest of each run (joinGrams).
func overlappingGrams(runs []string) []string {
	var grams []string
	for _, run := range runs {
		rs := []rune(run)
		for i := 0; i+1 < len(rs); i++ {
			grams = append(grams, string(rs[i:i+2]))
		}
	}
	slices.Sort(grams)
	return slices.Compact(grams)
}

// joinGrams returns the bigrams the posting blocks' join takes for runs:
// each run's rarest bigram by counts (the first of equals). match checks
// every run whole on every candidate, so one bigram per run finds the
// same tickets as all of them; the rarest is what prunes most, and it is
// often the one where two words of a run meet (幕不 in 屏幕不亮). Each
// further list would cost the join a walk of nearly all its blocks (a
// common bigram has a block in nearly every hundred numbers), while what
// it would prune is mostly pruned already: measured in
// docs/benchmarks.md, issue 14.
func joinGrams(runs []string, counts map[string]uint64) []string {
	var grams []string
	for _, run := range runs {
		rs := []rune(run)
		best := ""
		for i := 0; i+1 < len(rs); i++ {
			if g := string(rs[i : i+2]); best == "" || counts[g] < counts[best] {
				best = g
			}
		}
		if best != "" {
			grams = append(grams, best)
		}
	}
	slices.Sort(grams)
	return slices.Compact(grams)
}

// textByPostings answers a query of bigrams from the posting blocks
// (format 6). It reads the count of every bigram of the runs: one no
// ticket holds means no ticket holds its run, and the others choose what
// the join takes (joinGrams).
func (tx *Txn) textByPostings(runs []string, floor string, limit int, match func(*appliance.Ticket) bool) ([]*appliance.Ticket, error) {
	if !tx.readOnly {
		if err := tx.flushPostings(); err != nil {
			return nil, err
		}
	}
	all := overlappingGrams(runs)
	counts := make(map[string]uint64, len(all))
	for _, g := range all {
		n, err := tx.termCount(g)
		if err != nil || n == 0 {
			return nil, err
		}
		counts[g] = n
	}
	return tx.textPostings(joinGrams(runs, counts), counts, floor, limit, match)
}

// TicketsByText returns up to limit tickets (newest number first) whose
// fault description holds every run of letters and digits of q (see
// TextRuns). limit <= 0 means 50.
func (tx *Txn) TicketsByText(q string, limit int) ([]*appliance.Ticket, error) {
	return tx.TicketsByTextSince(q, time.Time{}, limit)
}

// TicketsByTextSince is TicketsByText over the tickets numbered on or
// after since's date (ticket numbers start with their day); the zero time
// means all. The walk stops at that day, which bounds a query whose terms
// are all common.
func (tx *Txn) TicketsByTextSince(q string, since time.Time, limit int) ([]*appliance.Ticket, error) {
	if limit <= 0 {
		limit = 50
	}
	runs := TextRuns(q)
	if len(runs) == 0 {
		return nil, nil
	}
	grams, prefix := queryGrams(runs)
	match := func(t *appliance.Ticket) bool {
		fault := strings.Join(TextRuns(t.Fault), " ")
		for _, r := range runs {
			if !strings.Contains(fault, r) {
				return false
			}
		}
		return true
	}
	if prefix {
		return tx.textByPrefix(grams, floor(since), limit, match)
	}
	if tx.format >= postingsFormat {
		return tx.textByPostings(runs, floor(since), limit, match)
	}
	return tx.textJoin(grams, floor(since), limit, match)
}

// textJoin, for data older than format 6 (opened read-only), walks the
// x/ticket.text postings of every gram backwards together: each
// iterator in turn seeks to the smallest number the others stand on, and a
// number every iterator stands on is a candidate.
func (tx *Txn) textJoin(grams []string, floor string, limit int, match func(*appliance.Ticket) bool) ([]*appliance.Ticket, error) {
	its := make([]*badger.Iterator, len(grams))
	prefixes := make([][]byte, len(grams))
	for i, g := range grams {
		prefixes[i] = []byte("x/" + idxTicketText + "/" + g + "\x00")
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false
		opts.Reverse = true
		opts.Prefix = prefixes[i]
		its[i] = tx.t.NewIterator(opts)
		defer its[i].Close()
		its[i].Seek(append(slices.Clone(prefixes[i]), 0xff))
	}
	var out []*appliance.Ticket
	for len(out) < limit {
		id, ok := alignPostings(its, prefixes)
		if !ok || id < floor {
			break
		}
		t, err := tickets.mustGet(tx, id)
		if err != nil {
			return nil, err
		}
		if match(t) {
			out = append(out, t)
		}
		for _, it := range its {
			it.Next()
		}
	}
	return out, nil
}

// alignPostings moves the reverse iterators until all stand on one ID and
// returns it; ok is false once any runs out.
func alignPostings(its []*badger.Iterator, prefixes [][]byte) (id string, ok bool) {
	for {
		var low []byte
		same := true
		for i, it := range its {
			if !it.ValidForPrefix(prefixes[i]) {
				return "", false
			}
			cur := it.Item().Key()[len(prefixes[i]):]
			if low != nil && !bytes.Equal(cur, low) {
				same = false
			}
			if low == nil || bytes.Compare(cur, low) < 0 {
				low = cur
			}
		}
		if same {
			return string(low), true
		}
		low = slices.Clone(low)
		for i, it := range its {
			stepTo(it, prefixes[i], low)
		}
	}
}

// nextBeforeSeek is how many steps stepTo walks before it seeks: a step
// stays in the block already read, a seek may read and decompress another
// (measured in docs/benchmarks.md).
const nextBeforeSeek = 32

// stepTo moves a reverse iterator to the largest ID not above id: a few
// steps first, then a seek.
func stepTo(it *badger.Iterator, prefix, id []byte) {
	for range nextBeforeSeek {
		if !it.ValidForPrefix(prefix) || bytes.Compare(it.Item().Key()[len(prefix):], id) <= 0 {
			return
		}
		it.Next()
	}
	if it.ValidForPrefix(prefix) && bytes.Compare(it.Item().Key()[len(prefix):], id) > 0 {
		it.Seek(append(slices.Clone(prefix), id...))
	}
}

// floor is the smallest ticket number of since's day ("" for the zero time).
func floor(since time.Time) string {
	if since.IsZero() {
		return ""
	}
	return "T" + since.Format("20060102")
}

// maxPrefixScan bounds the index entries a one-character query reads.
const maxPrefixScan = 20000

// textByPrefix answers a query of single characters: the tickets under
// every term starting with the first character, filtered by match.
func (tx *Txn) textByPrefix(chars []string, floor string, limit int, match func(*appliance.Ticket) bool) ([]*appliance.Ticket, error) {
	var ids []string
	var err error
	if tx.format >= postingsFormat {
		ids, err = tx.postingsByPrefix(chars[0], maxPrefixScan)
	} else {
		ids, err = tx.scanIDsBefore([]byte("x/"+idxTicketText+"/"+chars[0]), nil, maxPrefixScan)
	}
	if err != nil {
		return nil, err
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	slices.Reverse(ids)
	var out []*appliance.Ticket
	for _, id := range ids {
		if id < floor {
			break
		}
		t, err := tickets.mustGet(tx, id)
		if err != nil {
			return nil, err
		}
		if match(t) {
			out = append(out, t)
			if len(out) == limit {
				break
			}
		}
	}
	return out, nil
}

// TicketsOfPurchase returns the tickets about one purchase, oldest number first.
func (tx *Txn) TicketsOfPurchase(purchaseID string) ([]*appliance.Ticket, error) {
	return collect(tx, tickets, idxTicketPurchase, purchaseID, 0)
}

// CustomersByName returns up to limit customers whose name starts with
// prefix (an empty prefix finds nobody), in name order. limit <= 0 means 50.
func (tx *Txn) CustomersByName(prefix string, limit int) ([]*appliance.Customer, error) {
	if prefix == "" {
		return nil, nil
	}
	if limit <= 0 {
		limit = 50
	}
	ids, err := tx.scanIDsBefore([]byte("x/"+idxCustomerName+"/"+prefix), nil, limit)
	if err != nil {
		return nil, err
	}
	return loadAll(tx, customers, ids)
}

// TicketsCallDueBefore returns the open tickets with a call due before t,
// earliest first, at most limit (0 for all).
func (tx *Txn) TicketsCallDueBefore(t time.Time, limit int) ([]*appliance.Ticket, error) {
	return tx.ticketsBefore(idxTicketCall, t, limit)
}

// TicketsToMarkOverdue returns the tickets whose work is not done (not
// ready, mailed back, closed or cancelled) due before t and not yet marked
// overdue, earliest due first, at most limit (0 for all).
func (tx *Txn) TicketsToMarkOverdue(t time.Time, limit int) ([]*appliance.Ticket, error) {
	return tx.ticketsBefore(idxTicketWatch, t, limit)
}

func (tx *Txn) ticketsBefore(index string, t time.Time, limit int) ([]*appliance.Ticket, error) {
	prefix := []byte("x/" + index + "/")
	stop := append(slices.Clone(prefix), t.UTC().Format(dueFormat)...)
	ids, err := tx.scanIDsBefore(prefix, stop, limit)
	if err != nil {
		return nil, err
	}
	return loadAll(tx, tickets, ids)
}

// ReindexTickets rewrites every ticket and customer so that their index
// entries match this build's indexes (a directory written before the
// search indexes existed). It returns how many records it rewrote.
func (db *DB) ReindexTickets() (int, error) {
	n := 0
	for _, prefix := range []string{"r/" + customers.name + "/", "r/" + tickets.name + "/"} {
		for after := ""; ; {
			var ids []string
			err := db.View(func(tx *Txn) error {
				var err error
				ids, err = tx.recordIDs(prefix, after, 1000)
				return err
			})
			if err != nil || len(ids) == 0 {
				break
			}
			err = db.Update(func(tx *Txn) error {
				for _, id := range ids {
					if err := tx.rewrite(prefix, id); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return n, err
			}
			n += len(ids)
			after = ids[len(ids)-1]
		}
	}
	return n, nil
}

// recordIDs lists up to limit record IDs under prefix after the ID after.
func (tx *Txn) recordIDs(prefix, after string, limit int) ([]string, error) {
	opts := badger.DefaultIteratorOptions
	opts.PrefetchValues = false
	opts.Prefix = []byte(prefix)
	it := tx.t.NewIterator(opts)
	defer it.Close()
	var ids []string
	start := []byte(prefix + after)
	for it.Seek(start); it.ValidForPrefix(opts.Prefix) && len(ids) < limit; it.Next() {
		id := string(it.Item().Key()[len(prefix):])
		if after != "" && id == after {
			continue
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// rewrite reads and puts one customer or ticket, refreshing its indexes.
func (tx *Txn) rewrite(prefix, id string) error {
	if prefix == "r/"+customers.name+"/" {
		c, err := customers.mustGet(tx, id)
		if err != nil {
			return err
		}
		return customers.rewrite(tx, c)
	}
	t, err := tickets.mustGet(tx, id)
	if err != nil {
		return err
	}
	if err := tickets.rewrite(tx, t); err != nil {
		return err
	}
	// rewrite leaves the terms the ticket had alone; a lost posting comes back.
	for _, g := range textGrams(t.Fault) {
		if err := tx.postAdd(g, id); err != nil {
			return err
		}
	}
	return nil
}
