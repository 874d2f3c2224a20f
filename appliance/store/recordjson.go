package store

import (
	"strconv"
	"time"
	"unicode/utf8"

	"shouhou/appliance"
)

// The records every money operation writes (the ledger entry, the card
// and their outbox events) are encoded here by hand instead of through
// encoding/json's reflection, which was a sixth of the card writer's CPU
// (docs/benchmarks.md, issue 14). The bytes are exactly encoding/json's:
// the same field order, omitempty rules, string escaping (HTML-safe, as
// json.Marshal does), numbers and RFC 3339 times, so the data format does
// not change and a value reads back the same through either.
// recordjson_test.go compares the two on tables and under a fuzzer.

// appendCardJSON appends c as json.Marshal writes it; ok is false when
// json.Marshal would fail (a time it cannot write), for the caller to let
// json.Marshal say why.
func appendCardJSON(b []byte, c *appliance.Card) (out []byte, ok bool) {
	b = append(b, `{"number":`...)
	b = appendJSONString(b, c.Number)
	if len(c.UIDs) > 0 {
		b = append(b, `,"uids":[`...)
		for i, u := range c.UIDs {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, u)
		}
		b = append(b, ']')
	}
	b = append(b, `,"customer_id":`...)
	b = appendJSONString(b, c.CustomerID)
	b = append(b, `,"status":`...)
	b = appendJSONString(b, string(c.Status))
	b = append(b, `,"balance_fen":`...)
	b = strconv.AppendInt(b, c.BalanceFen, 10)
	if c.BalanceExpires != nil {
		b = append(b, `,"balance_expires":`...)
		if b, ok = appendJSONTime(b, *c.BalanceExpires); !ok {
			return nil, false
		}
	}
	if c.ReplacedBy != "" {
		b = append(b, `,"replaced_by":`...)
		b = appendJSONString(b, c.ReplacedBy)
	}
	if c.LedgerHead != "" {
		b = append(b, `,"ledger_head":`...)
		b = appendJSONString(b, c.LedgerHead)
	}
	b = append(b, `,"ledger_count":`...)
	b = strconv.AppendInt(b, c.LedgerCount, 10)
	b = append(b, `,"issued":`...)
	if b, ok = appendJSONTime(b, c.Issued); !ok {
		return nil, false
	}
	b = append(b, `,"updated":`...)
	if b, ok = appendJSONTime(b, c.Updated); !ok {
		return nil, false
	}
	return append(b, '}'), true
}

// appendLedgerJSON appends e as json.Marshal writes it (ok as appendCardJSON).
func appendLedgerJSON(b []byte, e *appliance.LedgerEntry) (out []byte, ok bool) {
	b = append(b, `{"card":`...)
	b = appendJSONString(b, e.Card)
	b = append(b, `,"seq":`...)
	b = strconv.AppendInt(b, e.Seq, 10)
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, string(e.Kind))
	b = append(b, `,"amount_fen":`...)
	b = strconv.AppendInt(b, e.AmountFen, 10)
	b = append(b, `,"balance_fen":`...)
	b = strconv.AppendInt(b, e.BalanceFen, 10)
	if e.Ticket != "" {
		b = append(b, `,"ticket":`...)
		b = appendJSONString(b, e.Ticket)
	}
	if e.Reverses != "" {
		b = append(b, `,"reverses":`...)
		b = appendJSONString(b, e.Reverses)
	}
	b = append(b, `,"operator":`...)
	b = appendJSONString(b, e.Operator)
	b = append(b, `,"key":`...)
	b = appendJSONString(b, e.Key)
	b = append(b, `,"time":`...)
	if b, ok = appendJSONTime(b, e.Time); !ok {
		return nil, false
	}
	b = append(b, `,"global_seq":`...)
	b = strconv.AppendInt(b, e.GlobalSeq, 10)
	b = append(b, `,"prev_hash":`...)
	b = appendJSONString(b, e.PrevHash)
	b = append(b, `,"hash":`...)
	b = appendJSONString(b, e.Hash)
	return append(b, '}'), true
}

// appendEventJSON appends ev as json.Marshal writes it, provided its Data
// is nil or JSON as json.Marshal writes it (compact, HTML-escaped), which
// the outbox's always is: a record's stored value or null. json.Marshal
// would compact Data again, which changes nothing in such JSON.
func appendEventJSON(b []byte, ev *storedEvent) (out []byte, ok bool) {
	b = append(b, `{"branch":`...)
	b = appendJSONString(b, ev.Branch)
	b = append(b, `,"seq":`...)
	b = strconv.AppendUint(b, ev.Seq, 10)
	b = append(b, `,"time":`...)
	if b, ok = appendJSONTime(b, ev.Time); !ok {
		return nil, false
	}
	b = append(b, `,"kind":`...)
	b = appendJSONString(b, ev.Kind)
	b = append(b, `,"id":`...)
	b = appendJSONString(b, ev.ID)
	b = append(b, `,"data":`...)
	if ev.Data == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, ev.Data...)
	}
	if ev.Ref != "" {
		b = append(b, `,"ref":`...)
		b = appendJSONString(b, ev.Ref)
	}
	return append(b, '}'), true
}

// appendJSONTime appends t as time.Time's MarshalJSON does; ok is false
// where that fails (a year outside 0–9999, an offset of a day or more).
func appendJSONTime(b []byte, t time.Time) ([]byte, bool) {
	b = append(b, '"')
	b, err := t.AppendText(b) // MarshalJSON's RFC 3339, without the quotes
	if err != nil {
		return nil, false
	}
	return append(b, '"'), true
}

const hexDigits = "0123456789abcdef"

// appendJSONString appends s quoted as json.Marshal does (encoding/json's
// appendString with escapeHTML): <, > and & as \u003c …, control
// characters as \n or \u00XX, invalid UTF-8 as \ufffd, U+2028 and U+2029
// escaped.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '\\', '"':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

// jsonScan reads the JSON appendCardJSON and appendLedgerJSON write, and
// only that: the fields in their order, no white space, strings without
// escapes, integers. Anything else sets bad, and the caller decodes with
// encoding/json instead, so what is read is always what json.Unmarshal
// would read, and whatever it refuses is still refused with its error.
type jsonScan struct {
	b   []byte
	i   int
	bad bool
}

// lit consumes l, which must come next.
func (s *jsonScan) lit(l string) {
	if !s.opt(l) {
		s.bad = true
	}
}

// opt consumes l if it comes next and reports whether it did.
func (s *jsonScan) opt(l string) bool {
	if s.bad || len(s.b)-s.i < len(l) || string(s.b[s.i:s.i+len(l)]) != l {
		return false
	}
	s.i += len(l)
	return true
}

// rawStr consumes a string without escapes and returns its bytes.
func (s *jsonScan) rawStr() []byte {
	if s.bad || s.i >= len(s.b) || s.b[s.i] != '"' {
		s.bad = true
		return nil
	}
	ascii := true
	for j := s.i + 1; j < len(s.b); j++ {
		switch c := s.b[j]; {
		case c == '"':
			raw := s.b[s.i+1 : j]
			if !ascii && !utf8.Valid(raw) { // json.Unmarshal would replace it
				s.bad = true
				return nil
			}
			s.i = j + 1
			return raw
		case c == '\\' || c < 0x20:
			s.bad = true
			return nil
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	s.bad = true
	return nil
}

// str consumes a string (rawStr).
func (s *jsonScan) str() string { return string(s.rawStr()) }

// int consumes an integer as JSON writes one: an optional minus, then 0
// or digits not starting with 0.
func (s *jsonScan) int() int64 {
	if s.bad {
		return 0
	}
	j := s.i
	if j < len(s.b) && s.b[j] == '-' {
		j++
	}
	digits := j
	for j < len(s.b) && s.b[j] >= '0' && s.b[j] <= '9' {
		j++
	}
	if j == digits || s.b[digits] == '0' && j > digits+1 {
		s.bad = true
		return 0
	}
	n, err := strconv.ParseInt(string(s.b[s.i:j]), 10, 64)
	if err != nil {
		s.bad = true
		return 0
	}
	s.i = j
	return n
}

// time consumes a time as time.Time's UnmarshalJSON reads one.
func (s *jsonScan) time() time.Time {
	raw := s.rawStr()
	if s.bad {
		return time.Time{}
	}
	var t time.Time
	if err := t.UnmarshalText(raw); err != nil { // UnmarshalJSON's parse, unquoted
		s.bad = true
	}
	return t
}

// end checks that the value ends here.
func (s *jsonScan) end() bool {
	s.lit("}")
	return !s.bad && s.i == len(s.b)
}

// scanCard reads into c, which must be zero, what appendCardJSON writes;
// false means it is not that and c is to be decoded by encoding/json.
func scanCard(b []byte, c *appliance.Card) bool {
	s := jsonScan{b: b}
	s.lit(`{"number":`)
	c.Number = s.str()
	if s.opt(`,"uids":[`) {
		c.UIDs = []string{}
		for !s.bad && !s.opt("]") {
			if len(c.UIDs) > 0 {
				s.lit(",")
			}
			c.UIDs = append(c.UIDs, s.str())
		}
	}
	s.lit(`,"customer_id":`)
	c.CustomerID = s.str()
	s.lit(`,"status":`)
	c.Status = appliance.CardStatus(s.str())
	s.lit(`,"balance_fen":`)
	c.BalanceFen = s.int()
	if s.opt(`,"balance_expires":`) {
		t := s.time()
		c.BalanceExpires = &t
	}
	if s.opt(`,"replaced_by":`) {
		c.ReplacedBy = s.str()
	}
	if s.opt(`,"ledger_head":`) {
		c.LedgerHead = s.str()
	}
	s.lit(`,"ledger_count":`)
	c.LedgerCount = s.int()
	s.lit(`,"issued":`)
	c.Issued = s.time()
	s.lit(`,"updated":`)
	c.Updated = s.time()
	return s.end()
}

// scanLedger reads into e, which must be zero, what appendLedgerJSON
// writes (as scanCard).
func scanLedger(b []byte, e *appliance.LedgerEntry) bool {
	s := jsonScan{b: b}
	s.lit(`{"card":`)
	e.Card = s.str()
	s.lit(`,"seq":`)
	e.Seq = s.int()
	s.lit(`,"kind":`)
	e.Kind = appliance.LedgerKind(s.str())
	s.lit(`,"amount_fen":`)
	e.AmountFen = s.int()
	s.lit(`,"balance_fen":`)
	e.BalanceFen = s.int()
	if s.opt(`,"ticket":`) {
		e.Ticket = s.str()
	}
	if s.opt(`,"reverses":`) {
		e.Reverses = s.str()
	}
	s.lit(`,"operator":`)
	e.Operator = s.str()
	s.lit(`,"key":`)
	e.Key = s.str()
	s.lit(`,"time":`)
	e.Time = s.time()
	s.lit(`,"global_seq":`)
	e.GlobalSeq = s.int()
	s.lit(`,"prev_hash":`)
	e.PrevHash = s.str()
	s.lit(`,"hash":`)
	e.Hash = s.str()
	return s.end()
}

// zeroCard and zeroLedger say whether a decode target is zero, the only
// target scanCard and scanLedger fill as json.Unmarshal would (it leaves
// fields the JSON lacks as they were).
func zeroCard(c *appliance.Card) bool {
	return c.Number == "" && c.UIDs == nil && c.CustomerID == "" && c.Status == "" && c.BalanceFen == 0 &&
		c.BalanceExpires == nil && c.ReplacedBy == "" && c.LedgerHead == "" && c.LedgerCount == 0 &&
		c.Issued == (time.Time{}) && c.Updated == (time.Time{})
}

func zeroLedger(e *appliance.LedgerEntry) bool { return *e == (appliance.LedgerEntry{}) }
