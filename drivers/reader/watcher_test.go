package reader_test

import (
	"encoding/hex"
	"strings"
	"testing"
	"time"

	"shouhou/drivers/reader"
	"shouhou/drivers/reader/vpcdtest"
)

var atrHex = strings.ToUpper(hex.EncodeToString(vpcdtest.ATR14443))

func TestInsertRemove(t *testing.T) {
	d := vpcdtest.Start(t)
	s := MustWatch(t)
	s.ready(t)
	name := vpcdtest.ReaderName(0)
	tests := []struct {
		name        string
		uid         []byte
		stay        time.Duration // how long the card lies on the reader
		unsupported bool
	}{
		{"4-byte UID", []byte{0xDE, 0xAD, 0xBE, 0xEF}, 0, false},
		{"7-byte UID stays 2.5s", []byte{0x04, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66}, 2500 * time.Millisecond, false},
		{"random UID", []byte{0x08, 0x12, 0x34, 0x56}, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := vpcdtest.Insert(t, 0, vpcdtest.ATR14443, vpcdtest.UIDScript(tt.uid))
			e := s.card(t, name)
			want := strings.ToUpper(hex.EncodeToString(tt.uid))
			if e.Kind != reader.KindPresent || e.UID != want || e.ATR != atrHex || e.Unsupported != tt.unsupported {
				t.Fatalf("event = %+v, want present UID %s ATR %s unsupported %v", e, want, atrHex, tt.unsupported)
			}
			time.Sleep(tt.stay)
			card.Remove()
			// The very next card event is the removal: no second present
			// however long the card stayed.
			if e := s.card(t, name); e.Kind != reader.KindRemoved {
				t.Fatalf("after remove: event = %+v, want removed", e)
			}
			if got := card.APDUs(); len(got) != 1 || hex.EncodeToString(got[0]) != "ffca000000" {
				t.Errorf("card got APDUs %x, want one GET DATA ffca000000", got)
			}
			if err := card.Err(); err != nil {
				t.Errorf("card: %v", err)
			}
		})
	}
	_ = d
}

func TestBadCards(t *testing.T) {
	vpcdtest.Start(t)
	s := MustWatch(t)
	s.ready(t)
	name := vpcdtest.ReaderName(0)
	tests := []struct {
		name   string
		rsp    []byte
		detail string // in the error event's Detail
	}{
		{"function not supported", []byte{0x6A, 0x81}, "6A 81"},
		{"end of data", []byte{0x62, 0x82}, "62 82"},
		{"wrong length", []byte{0x6C, 0x07}, "6C 07"},
		{"UID with error SW", []byte{1, 2, 3, 4, 0x63, 0x00}, "63 00"},
		{"one garbage byte", []byte{0x42}, "no status word"},
		{"UID too long", append(make([]byte, 11), 0x90, 0x00), "11 bytes"},
		{"UID too short", []byte{0x01, 0x90, 0x00}, "1 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			card := vpcdtest.Insert(t, 0, vpcdtest.ATR14443, vpcdtest.FixedScript(tt.rsp))
			e := s.card(t, name)
			if e.Kind != reader.KindError || !strings.Contains(e.Detail, tt.detail) || e.UID != "" {
				t.Fatalf("event = %+v, want error naming %q", e, tt.detail)
			}
			card.Remove()
			if e := s.card(t, name); e.Kind != reader.KindRemoved {
				t.Fatalf("after remove: event = %+v, want removed", e)
			}
		})
	}
	t.Run("good card after bad ones", func(t *testing.T) {
		vpcdtest.Insert(t, 0, vpcdtest.ATR14443, vpcdtest.UIDScript([]byte{1, 2, 3, 4}))
		if e := s.card(t, name); e.Kind != reader.KindPresent || e.UID != "01020304" {
			t.Fatalf("event = %+v, want present 01020304", e)
		}
	})
}

func TestTwoSlots(t *testing.T) {
	vpcdtest.Start(t)
	s := MustWatch(t)
	s.ready(t)
	uids := []string{"A1A2A3A4", "B1B2B3B4B5B6B7"}
	cards := make([]*vpcdtest.Card, len(uids))
	for i, u := range uids {
		b, _ := hex.DecodeString(u)
		cards[i] = vpcdtest.Insert(t, i, vpcdtest.ATR14443, vpcdtest.UIDScript(b))
	}
	got := map[string]string{}
	for len(got) < 2 {
		e := s.next(t, "present on both slots", func(e reader.Event) bool { return e.Kind == reader.KindPresent }, func(e reader.Event) bool { return e.Kind == reader.KindStatus })
		if _, dup := got[e.Reader]; dup {
			t.Fatalf("second present on %s: %+v", e.Reader, e)
		}
		got[e.Reader] = e.UID
	}
	for i, u := range uids {
		if got[vpcdtest.ReaderName(i)] != u {
			t.Errorf("slot %d: UID %q, want %q (all: %v)", i, got[vpcdtest.ReaderName(i)], u, got)
		}
	}
	cards[1].Remove()
	if e := s.card(t, vpcdtest.ReaderName(1)); e.Kind != reader.KindRemoved {
		t.Fatalf("slot 1: %+v, want removed", e)
	}
	cards[0].Remove()
	if e := s.card(t, vpcdtest.ReaderName(0)); e.Kind != reader.KindRemoved {
		t.Fatalf("slot 0: %+v, want removed", e)
	}
}

// TestAwkwardCards: a card pulled in the middle of GET DATA, and a card
// slower to answer than the watcher's wait, neither crash the watcher nor
// give a second event for one placement.
func TestAwkwardCards(t *testing.T) {
	vpcdtest.Start(t)
	s := MustWatch(t)
	s.ready(t)
	name := vpcdtest.ReaderName(0)
	t.Run("pulled mid-exchange", func(t *testing.T) {
		card := vpcdtest.Insert(t, 0, vpcdtest.ATR14443, vpcdtest.PullScript())
		e := s.card(t, name)
		if e.Kind != reader.KindError || e.Detail == "" {
			t.Fatalf("event = %+v, want error", e)
		}
		t.Logf("detail: %s", e.Detail)
		if e := s.card(t, name); e.Kind != reader.KindRemoved {
			t.Fatalf("event = %+v, want removed", e)
		}
		card.Remove()
	})
	t.Run("slow card", func(t *testing.T) {
		card := vpcdtest.Insert(t, 0, vpcdtest.ATR14443, vpcdtest.SlowScript(1500*time.Millisecond, vpcdtest.UIDScript([]byte{9, 9, 9, 9})))
		if e := s.card(t, name); e.Kind != reader.KindPresent || e.UID != "09090909" {
			t.Fatalf("event = %+v, want present 09090909", e)
		}
		card.Remove()
		if e := s.card(t, name); e.Kind != reader.KindRemoved {
			t.Fatalf("event = %+v, want removed", e)
		}
	})
	t.Run("good card after", func(t *testing.T) {
		vpcdtest.Insert(t, 0, vpcdtest.ATR14443, vpcdtest.UIDScript([]byte{1, 2, 3, 4}))
		if e := s.card(t, name); e.Kind != reader.KindPresent || e.UID != "01020304" {
			t.Fatalf("event = %+v, want present 01020304", e)
		}
	})
}
