package store

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"sort"
)

// How Verify compares the index entries with the records in bounded
// memory.
//
// The index entries a store must hold are a function of its records, but
// in another order: a record's entries scatter over every index. Instead
// of collecting either side, Verify folds both into digests: each index
// key falls into one of digestBuckets buckets by a hash of the key, and
// each bucket keeps the count and two 64-bit sums of a seeded hash of
// (key, value), once for the entries the records ask for and once for the
// entries the store holds. Equal digests mean equal multisets of entries,
// but for a chance of 2^-128 per bucket (the seeds are random per run, so
// nobody can aim at a collision). Where a bucket differs, Verify walks the
// records and the entries again, keeping only the keys of the differing
// buckets, a group of buckets at a time (at most drillBudget keys), and
// names each problem as the old map-based check did: a missing entry, a
// stale one, one pointing elsewhere. A sound store costs one pass over
// the records and one over the index; memory is the digests (3 MiB)
// whatever the store's size.

// digestBuckets is the number of digest buckets (a power of two).
const digestBuckets = 1 << 16

// drillBudget bounds the index keys one drill-down pass holds in memory.
const drillBudget = 200_000

// bucketDigest is one bucket's fold of the entries in it.
type bucketDigest struct {
	n    uint64
	a, b uint64
}

// digests folds index entries into buckets.
type digests struct {
	seedBucket, seedA, seedB maphash.Seed
	want, have               []bucketDigest
}

func newDigests() *digests {
	return &digests{seedBucket: maphash.MakeSeed(), seedA: maphash.MakeSeed(), seedB: maphash.MakeSeed(),
		want: make([]bucketDigest, digestBuckets), have: make([]bucketDigest, digestBuckets)}
}

// bucket returns the bucket of an index key.
func (d *digests) bucket(key []byte) int {
	return int(maphash.Bytes(d.seedBucket, key) & (digestBuckets - 1))
}

// add folds (key, value) into bucket of side.
func (d *digests) add(side []bucketDigest, key, value []byte) {
	var h maphash.Hash
	h.SetSeed(d.seedA)
	h.Write(key)
	h.WriteByte(0)
	h.Write(value)
	a := h.Sum64()
	h.SetSeed(d.seedB)
	h.Write(key)
	h.WriteByte(0)
	h.Write(value)
	bd := &side[d.bucket(key)]
	bd.n++
	bd.a += a
	bd.b += h.Sum64()
}

// differing returns the buckets whose digests differ, in order.
func (d *digests) differing() []int {
	var out []int
	for i := range d.want {
		if d.want[i] != d.have[i] {
			out = append(out, i)
		}
	}
	return out
}

// verifyIndexes checks the records and their index entries (see above).
func (tx *Txn) verifyIndexes(r *Report) error {
	d := newDigests()
	err := tx.eachWantedIndex(r, func(key, value string) {
		d.add(d.want, []byte(key), []byte(value))
	})
	if err != nil {
		return err
	}
	err = tx.eachIndexEntry(r, func(key, value []byte) {
		r.IndexEntries++
		d.add(d.have, key, value)
	})
	if err != nil {
		return err
	}
	bad := d.differing()
	for len(bad) > 0 && !r.full() {
		n, size := 0, uint64(0)
		for n < len(bad) && (n == 0 || size+d.want[bad[n]].n+d.have[bad[n]].n <= drillBudget) {
			size += d.want[bad[n]].n + d.have[bad[n]].n
			n++
		}
		if err := tx.drillDown(r, d, bad[:n]); err != nil {
			return err
		}
		bad = bad[n:]
	}
	return nil
}

// drillDown compares the index keys of buckets exactly, one map of at most
// drillBudget keys (but for one overfull bucket), and reports each
// difference in key order.
func (tx *Txn) drillDown(r *Report, d *digests, buckets []int) error {
	in := make(map[int]bool, len(buckets))
	for _, b := range buckets {
		in[b] = true
	}
	type found struct{ key, text string }
	var problems []found
	want := make(map[string]string)
	err := tx.eachWantedIndex(nil, func(key, value string) {
		if !in[d.bucket([]byte(key))] {
			return
		}
		if prev, dup := want[key]; dup {
			problems = append(problems, found{key, fmt.Sprintf("index entry %q is asked for twice, for %q and for %q", key, prev, value)})
		}
		want[key] = value
	})
	if err != nil {
		return err
	}
	err = tx.eachIndexEntry(nil, func(key, value []byte) {
		if !in[d.bucket(key)] {
			return
		}
		k := string(key)
		w, ok := want[k]
		switch {
		case !ok:
			problems = append(problems, found{k, fmt.Sprintf("index entry %q is stale: no record asks for it", k)})
		case !bytes.Equal(value, []byte(w)):
			problems = append(problems, found{k, fmt.Sprintf("index entry %q points to %q, want %q", k, value, w)})
		}
		delete(want, k)
	})
	if err != nil {
		return err
	}
	for k := range want {
		problems = append(problems, found{k, fmt.Sprintf("index entry %q is missing", k)})
	}
	if len(problems) == 0 { // cannot be, but a digest must never pass silently
		r.problem("the index entries of %d digest bucket(s) differ from what the records ask for", len(buckets))
	}
	sort.Slice(problems, func(i, j int) bool { return problems[i].key < problems[j].key })
	for _, p := range problems {
		r.problem("%s", p.text)
	}
	return nil
}
