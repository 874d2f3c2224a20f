package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

// idxTicketReport is the ticket.report index (data format 4): one entry
// per ticket, keyed like ticket.touch by the later of its last change and
// its due time (touchStamp), whose value is the ticket's TicketReport in
// a compact binary form. The KPIs and the daily closing read these small
// values instead of decoding whole tickets. The entry is written by
// tickets.put in the ticket's own transaction, so it never disagrees with
// the ticket, and Verify checks its value like any index entry's.
const idxTicketReport = "ticket.report"

// TicketReport is what the KPIs and the daily closing need of a ticket:
// its kind, the times it was taken in, resolved, closed and cancelled,
// what it came to, and the money paid or refunded on it.
type TicketReport struct {
	// Number is the ticket's number.
	Number string
	// Kind is the kind of case.
	Kind appliance.TicketKind
	// PurchaseID is the product concerned, if any.
	PurchaseID string
	// Result is the repair result ("" for none).
	Result string
	// Outcome is the agreed outcome kind ("" for none).
	Outcome string
	// Payment says how the fees were paid: "", "cash" or "card".
	Payment string
	// Created, Updated and Due are the ticket's intake, last change and due times.
	Created, Updated, Due time.Time
	// Resolved is appliance.Ticket.ResolvedAt (zero: not resolved).
	Resolved time.Time
	// Closed is appliance.Ticket.ClosedAt (zero: not closed).
	Closed time.Time
	// Cancelled is appliance.Ticket.CancelledAt (zero: not cancelled).
	Cancelled time.Time
	// Surveyed is when the survey was answered (zero: no survey).
	Surveyed time.Time
	// Survey are the survey's answers: attitude, skill, timeliness, follow-up.
	Survey [4]int
	// Settled is when a supervisor settled the ticket (zero: no settlement).
	Settled time.Time
	// RefundFen is the settlement's refund.
	RefundFen int64
	// Paid is when the fees were paid; PaidFen is what was paid.
	Paid    time.Time
	PaidFen int64
}

// ReportOf returns the report record of a ticket: what the ticket.report
// index keeps of it, for a caller that holds tickets outside the store
// (head office, which computes the box's reports from their copies).
func ReportOf(t *appliance.Ticket) *TicketReport {
	r := &TicketReport{Number: t.Number, Kind: t.Kind, PurchaseID: t.PurchaseID, Result: t.Result, Outcome: t.Outcome,
		Payment: t.Payment, Created: t.Created, Updated: t.Updated, Due: t.Due, Resolved: t.ResolvedAt(),
		Closed: t.ClosedAt(), Cancelled: t.CancelledAt(), Paid: t.Paid, PaidFen: t.PaidFen}
	if s := t.Survey; s != nil {
		r.Surveyed, r.Survey = s.Time, [4]int{s.Attitude, s.Skill, s.Timeliness, s.FollowUp}
	}
	if s := t.Settlement; s != nil {
		r.Settled, r.RefundFen = s.Time, s.RefundFen
	}
	return r
}

// reportCodec is the first byte of an encoded TicketReport: a later
// release that changes the encoding changes the byte.
const reportCodec byte = 1

// reportEntry is a ticket's ticket.report index entry.
func reportEntry(t *appliance.Ticket) indexEntry {
	return indexEntry{name: idxTicketReport, value: touchStamp(t), data: encodeReport(ReportOf(t))}
}

// encodeReport writes r (but its number, which is in the key): the codec
// byte, Created as Unix seconds and nanoseconds, every other time as its
// offset from Created, then the strings and the amounts.
func encodeReport(r *TicketReport) []byte {
	b := make([]byte, 0, 96)
	b = append(b, reportCodec)
	b = binary.AppendVarint(b, r.Created.Unix())
	b = binary.AppendUvarint(b, uint64(r.Created.Nanosecond()))
	for _, t := range []time.Time{r.Updated, r.Due, r.Resolved, r.Closed, r.Cancelled, r.Surveyed, r.Settled, r.Paid} {
		b = appendTime(b, t, r.Created)
	}
	for _, s := range []string{string(r.Kind), r.PurchaseID, r.Result, r.Outcome, r.Payment} {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, v := range r.Survey {
		b = binary.AppendVarint(b, int64(v))
	}
	b = binary.AppendVarint(b, r.RefundFen)
	return binary.AppendVarint(b, r.PaidFen)
}

// appendTime writes t relative to base: 0 for the zero time, else the
// zigzagged offset in whole seconds plus one, then the nanoseconds.
func appendTime(b []byte, t, base time.Time) []byte {
	if t.IsZero() {
		return append(b, 0)
	}
	d := t.Unix() - base.Unix()
	b = binary.AppendUvarint(b, uint64(d<<1^d>>63)+1)
	return binary.AppendUvarint(b, uint64(t.Nanosecond()))
}

// reportDecoder reads an encoded TicketReport, keeping the first error.
type reportDecoder struct {
	b   []byte
	err error
}

func (d *reportDecoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *reportDecoder) varint() int64 {
	v, n := binary.Varint(d.b)
	if n <= 0 {
		d.fail()
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *reportDecoder) fail() {
	if d.err == nil {
		d.err = errors.New("truncated")
	}
	d.b = nil
}

func (d *reportDecoder) time(base time.Time) time.Time {
	z := d.uvarint()
	if z == 0 {
		return time.Time{}
	}
	z--
	off := int64(z>>1) ^ -int64(z&1)
	return time.Unix(base.Unix()+off, int64(d.uvarint())).UTC()
}

// string reads a string; one of known is returned without a copy.
func (d *reportDecoder) string(known ...string) string {
	n := d.uvarint()
	if n > uint64(len(d.b)) {
		d.fail()
		return ""
	}
	b := d.b[:n]
	d.b = d.b[n:]
	for _, k := range known {
		if string(b) == k {
			return k
		}
	}
	return string(b)
}

// The values a report record's strings mostly hold, which decodeReport
// shares instead of copying.
var (
	kindNames = func() (s []string) {
		for _, k := range appliance.TicketKinds {
			s = append(s, string(k))
		}
		return s
	}()
	resultNames  = []string{appliance.ResultRepaired, appliance.ResultUnrepairable, appliance.ResultExchanged, appliance.ResultDeclined}
	outcomeNames = []string{"return", "exchange", "free_repair", "paid_repair"}
)

// decodeReport reads the value of ticket number's ticket.report entry
// into r.
func decodeReport(r *TicketReport, number string, v []byte) error {
	if len(v) == 0 || v[0] != reportCodec {
		return &appliance.Error{Code: appliance.EINTERNAL, Message: fmt.Sprintf(
			"服务单 %s 的报表记录格式未知，可能来自更新的版本 / the report record of ticket %s has an unknown encoding (a newer shouhou?)", number, number)}
	}
	d := &reportDecoder{b: v[1:]}
	*r = TicketReport{Number: number}
	sec := d.varint()
	r.Created = time.Unix(sec, int64(d.uvarint())).UTC()
	for _, t := range []*time.Time{&r.Updated, &r.Due, &r.Resolved, &r.Closed, &r.Cancelled, &r.Surveyed, &r.Settled, &r.Paid} {
		*t = d.time(r.Created)
	}
	r.Kind = appliance.TicketKind(d.string(kindNames...))
	r.PurchaseID = d.string()
	r.Result, r.Outcome, r.Payment = d.string(resultNames...), d.string(outcomeNames...), d.string("cash", "card")
	for i := range r.Survey {
		r.Survey[i] = int(d.varint())
	}
	r.RefundFen, r.PaidFen = d.varint(), d.varint()
	if d.err == nil && len(d.b) != 0 {
		d.err = errors.New("trailing bytes")
	}
	if d.err != nil {
		return fmt.Errorf("store: decode the report record of %s: %w", number, d.err)
	}
	return nil
}

// EachTicketReport calls fn with the report records of the tickets
// numbered in [first, last) ("" for no bound) whose Updated or Due time
// is at or after since: the tickets EachTicketTouched would pass on,
// without decoding them. It walks the ticket.report index from since, so
// the records come in the order of their stamps, not of their numbers.
// The record passed to fn is reused for the next one: fn must not keep
// it (its strings it may). Older data opened read-only has no such
// index: then the records are made from the tickets (EachTicketTouched).
func (tx *Txn) EachTicketReport(since time.Time, first, last string, fn func(*TicketReport) error) error {
	if tx.format < 4 {
		return tx.EachTicketTouched(since, first, last, func(t *appliance.Ticket) error { return fn(ReportOf(t)) })
	}
	prefix := []byte("x/" + idxTicketReport + "/")
	opts := badger.DefaultIteratorOptions
	opts.Prefix = prefix
	opts.PrefetchValues = false // the values are small and kept in the LSM tree
	it := tx.t.NewIterator(opts)
	defer it.Close()
	var r TicketReport
	// The stamps are whole seconds: start at since's second and check the
	// exact times after decoding.
	for it.Seek(append(append([]byte{}, prefix...), since.UTC().Format(dueFormat)...)); it.Valid(); it.Next() {
		k := it.Item().Key()
		i := bytes.IndexByte(k, 0)
		if i < 0 {
			return fmt.Errorf("store: malformed index key %q", k)
		}
		n := k[i+1:]
		if string(n) < first || last != "" && string(n) >= last {
			continue
		}
		err := it.Item().Value(func(v []byte) error { return decodeReport(&r, string(n), v) })
		if err != nil {
			return err
		}
		if r.Updated.Before(since) && r.Due.Before(since) {
			continue
		}
		if err := fn(&r); err != nil {
			return err
		}
	}
	return nil
}

// backfillTicketReport writes the ticket.report entry of every ticket
// (format 4), a batch per transaction.
func backfillTicketReport(db *DB) error {
	after := ""
	for {
		var last string
		n := 0
		err := db.Update(func(tx *Txn) error {
			return tx.eachTicketAfter(after, backfillBatch, func(t *appliance.Ticket) error {
				last, n = t.Number, n+1
				return tickets.setIndex(tx, t.Number, reportEntry(t))
			})
		})
		if err != nil {
			return fmt.Errorf("store: report records of the tickets after %q: %w", after, err)
		}
		if n < backfillBatch {
			return nil
		}
		after = last
	}
}
