package store

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/chain"
)

// recordTime is a time made of fuzz input: an instant (n>>16 seconds
// from 1970, and a fraction from its low bits: from before year 1 to after
// 9999) and a zone (UTC, Local, or a fixed offset in seconds, however odd).
func recordTime(n int64, zone int32) time.Time {
	t := time.Unix(n>>16, (n&0xffff)*15259)
	switch zone {
	case 0:
		return t.UTC()
	case 1:
		return t.Local()
	}
	return t.In(time.FixedZone("", int(zone)))
}

var shanghai = time.FixedZone("CST", 8*3600)

// recordCases are hand-picked records: what the desk writes, and the
// edges of encoding/json's escaping and omitempty.
var recordCases = []struct {
	name   string
	card   appliance.Card
	ledger appliance.LedgerEntry
	// slow says the hand-written reader hands the JSON to encoding/json
	// (a string with an escape).
	slow bool
}{
	{name: "zero"},
	{
		name: "desk",
		card: appliance.Card{Number: "SC-000123", UIDs: []string{"04A1B2C3D4E5F6"}, CustomerID: "c1", Status: appliance.CardActive,
			BalanceFen: 1_000_000, BalanceExpires: new(time.Date(2029, 12, 31, 23, 59, 59, 999999999, shanghai)), LedgerHead: "ab12",
			LedgerCount: 7, Issued: time.Date(2026, 12, 1, 9, 0, 0, 0, shanghai), Updated: time.Date(2026, 12, 4, 1, 2, 3, 456, time.UTC)},
		ledger: appliance.LedgerEntry{Card: "SC-000123", Seq: 7, Kind: appliance.LedgerCharge, AmountFen: -100, BalanceFen: 999_900,
			Operator: "u1", Key: "0-1", Time: time.Date(2026, 12, 4, 9, 30, 0, 120000000, shanghai), GlobalSeq: 1234,
			PrevHash: "ff00", Hash: "00ff"},
	},
	{
		name: "every field, Chinese text",
		card: appliance.Card{Number: "卡-1", UIDs: []string{"A", "B", ""}, CustomerID: "王芳", Status: appliance.CardReplaced,
			BalanceFen: -5, BalanceExpires: new(time.Time{}), ReplacedBy: "SC-2", LedgerHead: "h", LedgerCount: -1},
		ledger: appliance.LedgerEntry{Card: "卡-1", Seq: -9223372036854775808, Kind: appliance.LedgerReversal, AmountFen: 9223372036854775807,
			Ticket: "T20261201-0001", Reverses: "SC-1#2", Operator: "李雷", Key: "键"},
	},
	{
		name: "escapes",
		card: appliance.Card{Number: "a\"b\\c", UIDs: []string{"<>&", "\u2028\u2029", "\x00\x1f\b\f\n\r\t"}, CustomerID: "\xff\xfe",
			Status: "\x7f"},
		ledger: appliance.LedgerEntry{Card: "a\"b\\c", Kind: "<script>", Ticket: "\u2028", Reverses: "\xc3", Operator: "&amp;",
			Key: "\x01", PrevHash: "\ufffd", Hash: "é"},
		slow: true,
	},
	{name: "empty uids", card: appliance.Card{UIDs: []string{}}},
	{name: "odd zone", card: appliance.Card{Issued: time.Unix(1, 1).In(time.FixedZone("", -(23*3600 + 59*60 + 59)))},
		ledger: appliance.LedgerEntry{Time: time.Unix(-62135596800, 0).UTC()}},
}

// checkEncoding fails unless encode writes v byte for byte as json.Marshal
// does, or fails where it fails.
func checkEncoding(t *testing.T, v any) []byte {
	t.Helper()
	want, wantErr := json.Marshal(v)
	got, err := encode(v)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("encode(%#v) error %v, json.Marshal error %v", v, err, wantErr)
	}
	if err != nil {
		return nil
	}
	if got[0] != codecJSON || !bytes.Equal(got[1:], want) {
		t.Fatalf("encode(%#v)\n = %q\nwant %q", v, got[1:], want)
	}
	return got
}

// checkDecoding fails unless decode of raw (JSON) into a zero T gives what
// json.Unmarshal gives, or fails where it fails. It reports whether the
// hand-written reader (scan) took the value itself.
func checkDecoding[T any](t *testing.T, raw []byte, scan func([]byte, *T) bool) bool {
	t.Helper()
	var want, got, scanned T
	wantErr := json.Unmarshal(raw, &want)
	fast := scan(raw, &scanned)
	if fast && (wantErr != nil || !reflect.DeepEqual(scanned, want)) {
		t.Fatalf("scan(%q) = %#v, json.Unmarshal = %#v, %v", raw, scanned, want, wantErr)
	}
	err := decode(append([]byte{codecJSON}, raw...), &got)
	if (err != nil) != (wantErr != nil) {
		t.Fatalf("decode(%q) error %v, json.Unmarshal error %v", raw, err, wantErr)
	}
	if err == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("decode(%q) = %#v, json.Unmarshal = %#v", raw, got, want)
	}
	return fast
}

func TestRecordJSON(t *testing.T) {
	for _, c := range recordCases {
		t.Run(c.name, func(t *testing.T) {
			card := checkEncoding(t, &c.card)
			if fast := checkDecoding(t, card[1:], scanCard); fast == c.slow {
				t.Errorf("scanCard(%q) took it: %v, want %v", card[1:], fast, !c.slow)
			}
			ledger := checkEncoding(t, &c.ledger)
			if fast := checkDecoding(t, ledger[1:], scanLedger); fast == c.slow {
				t.Errorf("scanLedger(%q) took it: %v, want %v", ledger[1:], fast, !c.slow)
			}
			for _, data := range [][]byte{nil, card[1:], ledger[1:]} {
				checkEncoding(t, &storedEvent{Event: chain.Event{Branch: c.card.Number, Seq: uint64(c.ledger.GlobalSeq),
					Time: c.ledger.Time, Kind: string(c.ledger.Kind), ID: c.ledger.Key, Data: data}, Ref: c.ledger.Hash})
			}
		})
	}
}

// TestRecordJSONFails: a time json.Marshal cannot write fails encode too.
func TestRecordJSONFails(t *testing.T) {
	bad := time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, v := range []any{&appliance.Card{Updated: bad}, &appliance.Card{BalanceExpires: &bad},
		&appliance.LedgerEntry{Time: bad}, &storedEvent{Event: chain.Event{Time: bad}}} {
		if _, err := encode(v); err == nil {
			t.Errorf("encode(%#v) = nil error, want json.Marshal's", v)
		}
	}
}

// TestRecordJSONDecodeOther: JSON the hand-written writer does not write
// (other field order, white space, escapes, null, floats, unknown fields,
// a target that is not zero) reads as json.Unmarshal reads it.
func TestRecordJSONDecodeOther(t *testing.T) {
	for _, raw := range []string{
		`{"number":"SC-1","status":"active"}`,
		`{"customer_id":"c","number":"SC-1","balance_fen":1,"ledger_count":0,"issued":"0001-01-01T00:00:00Z","updated":"0001-01-01T00:00:00Z","status":""}`,
		`{"number": "SC-1"}`,
		`{"number":"SC\u002d1","customer_id":"","status":"","balance_fen":0,"ledger_count":0,"issued":"0001-01-01T00:00:00Z","updated":"0001-01-01T00:00:00Z"}`,
		`{"number":"SC-1","uids":null,"customer_id":"","status":"","balance_fen":0,"ledger_count":0,"issued":"0001-01-01T00:00:00Z","updated":"0001-01-01T00:00:00Z"}`,
		`{"number":"SC-1","customer_id":"","status":"","balance_fen":1.5,"ledger_count":0,"issued":"0001-01-01T00:00:00Z","updated":"0001-01-01T00:00:00Z"}`,
		`{"number":"SC-1","customer_id":"","status":"","balance_fen":01,"ledger_count":0,"issued":"0001-01-01T00:00:00Z","updated":"0001-01-01T00:00:00Z"}`,
		`{"number":"SC-1","customer_id":"","status":"","balance_fen":0,"ledger_count":0,"issued":"0001-01-01T00:00:00Z","updated":"2026-13-01T00:00:00Z"}`,
		`{"number":"SC-1","customer_id":"","status":"","balance_fen":0,"ledger_count":0,"issued":"0001-01-01T00:00:00Z","updated":"0001-01-01T00:00:00Z"} `,
		`{"number":"SC-1","customer_id":"","status":"","balance_fen":0,"ledger_count":0,"issued":"0001-01-01T00:00:00Z","updated":"0001-01-01T00:00:00Z"}x`,
		`{"Number":"SC-1"}`,
		`{"card":"SC-1","seq":1,"kind":"topup","amount_fen":1,"balance_fen":1,"operator":"u","key":"k","time":"2026-12-04T09:30:00+08:00","global_seq":1,"prev_hash":"","hash":"","extra":1}`,
		`{"card":"SC-1","seq":99999999999999999999,"kind":"topup","amount_fen":1,"balance_fen":1,"operator":"u","key":"k","time":"2026-12-04T09:30:00+08:00","global_seq":1,"prev_hash":"","hash":""}`,
		`not json`, ``,
	} {
		checkDecoding(t, []byte(raw), scanCard)
		checkDecoding(t, []byte(raw), scanLedger)
	}
	// A target that is not zero keeps what the JSON does not set, as json.Unmarshal does.
	raw := append([]byte{codecJSON}, `{"number":"SC-1","customer_id":"","status":"","balance_fen":0,"ledger_count":0,"issued":"0001-01-01T00:00:00Z","updated":"0001-01-01T00:00:00Z"}`...)
	got := appliance.Card{ReplacedBy: "SC-9"}
	if err := decode(raw, &got); err != nil || got.ReplacedBy != "SC-9" || got.Number != "SC-1" {
		t.Errorf("decode into a card with ReplacedBy = %+v, %v; want SC-1 keeping SC-9", got, err)
	}
}

func FuzzRecordJSON(f *testing.F) {
	f.Add("SC-000123", "04A1B2C3D4E5F6", uint8(1), "c1", "active", int64(1_000_000), int64(1_890_000_000<<16|0x8000), int32(28800),
		true, "", "ab12", int64(7), "u1", "0-1", "T20261201-0001")
	f.Add("a\"b\\c<>&", "\u2028\xff", uint8(3), "王芳", "\x00", int64(-1), int64(-62135596800<<16), int32(1),
		false, "SC-2", "", int64(-9223372036854775808), "", "", "")
	f.Add("", "", uint8(0), "", "", int64(0), int64(0), int32(0), false, "", "", int64(0), "", "", "")
	f.Add("x", "y", uint8(2), "z", "lost", int64(5), int64(1), int32(-86399), true, "r", "h", int64(9223372036854775807), "op", "k", "t")
	f.Fuzz(func(t *testing.T, number, uid string, nuids uint8, cust, status string, fen, nanos int64, zone int32,
		expires bool, replaced, head string, count int64, operator, key, ticket string) {
		at := recordTime(nanos, zone)
		card := appliance.Card{Number: number, CustomerID: cust, Status: appliance.CardStatus(status), BalanceFen: fen,
			ReplacedBy: replaced, LedgerHead: head, LedgerCount: count, Issued: at, Updated: recordTime(nanos/3, zone/2)}
		for i := range int(nuids % 4) {
			card.UIDs = append(card.UIDs, uid[:len(uid)*i/3])
		}
		if nuids == 255 {
			card.UIDs = []string{}
		}
		if expires {
			card.BalanceExpires = new(recordTime(fen, zone))
		}
		e := appliance.LedgerEntry{Card: number, Seq: count, Kind: appliance.LedgerKind(status), AmountFen: fen, BalanceFen: -fen,
			Ticket: ticket, Reverses: replaced, Operator: operator, Key: key, Time: at, GlobalSeq: nanos, PrevHash: head, Hash: uid}
		if v := checkEncoding(t, &card); v != nil {
			checkDecoding(t, v[1:], scanCard)
			checkEncoding(t, &storedEvent{Event: chain.Event{Branch: cust, Seq: uint64(count), Time: at, Kind: status,
				ID: number, Data: v[1:]}, Ref: ticket})
		}
		if v := checkEncoding(t, &e); v != nil {
			checkDecoding(t, v[1:], scanLedger)
		}
	})
}

// FuzzRecordDecode: whatever the hand-written readers accept, json.Unmarshal
// reads the same.
func FuzzRecordDecode(f *testing.F) {
	for _, c := range recordCases {
		for _, v := range []any{&c.card, &c.ledger} {
			b, err := json.Marshal(v)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte(`{"number":"SC-1","uids":["A",],"customer_id":""}`))
	f.Fuzz(func(t *testing.T, raw []byte) {
		checkDecoding(t, raw, scanCard)
		checkDecoding(t, raw, scanLedger)
	})
}

// fillEvery sets every exported field of v, nested ones too, to a value
// that is not its zero, each string and number different.
func fillEvery(v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString("v" + strconv.Itoa(*n))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(*n))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(*n) + 0.5)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		if v.Type() == reflect.TypeFor[json.RawMessage]() {
			v.SetBytes([]byte(`{"k":` + strconv.Itoa(*n) + `}`))
			return
		}
		s := reflect.MakeSlice(v.Type(), 2, 2)
		fillEvery(s.Index(0), n)
		fillEvery(s.Index(1), n)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fillEvery(k, n)
		fillEvery(e, n)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fillEvery(p.Elem(), n)
		v.Set(p)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 12, 4, 9, 30, *n, *n*1000, time.FixedZone("", 8*3600))))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillEvery(v.Field(i), n)
			}
		}
	}
}

// TestRecordJSONEveryField: with every field of a card, a ledger entry
// and an outbox event set, the hand-written encoding is still json.Marshal's
// and reads back whole. A field added to one of these types and not to
// recordjson.go fails here.
func TestRecordJSONEveryField(t *testing.T) {
	n := 0
	var card appliance.Card
	var entry appliance.LedgerEntry
	var event storedEvent
	for _, v := range []any{&card, &entry, &event} {
		fillEvery(reflect.ValueOf(v).Elem(), &n)
	}
	raw := checkEncoding(t, &card)[1:]
	if !checkDecoding(t, raw, scanCard) {
		t.Errorf("the hand-written reader gave up on a card it wrote: %s", raw)
	}
	raw = checkEncoding(t, &entry)[1:]
	if !checkDecoding(t, raw, scanLedger) {
		t.Errorf("the hand-written reader gave up on a ledger entry it wrote: %s", raw)
	}
	checkEncoding(t, &event)
}
