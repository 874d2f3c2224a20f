package reader_test

import (
	"context"
	"testing"

	"shouhou/drivers/reader"
	"shouhou/drivers/reader/vpcdtest"
)

// player lays cards on, and takes them off, the reader behind a source.
type player struct {
	name string           // the reader's name in events
	lay  func(uid []byte) // lays a card with uid
	take func()           // takes it off
}

// testSource is the contract both the Watcher and the Demo keep: a status
// ok for the reader first, one present event per placement with the UID in
// upper-case hex, a removed event when the card goes, and an unsupported
// present event for a random UID.
func testSource(t *testing.T, src source, p player) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := &stream{c: src.Watch(ctx)}
	s.status(t, p.name, reader.StatusOK)
	tests := []struct {
		name        string
		uid         []byte
		want        string
		unsupported bool
	}{
		{"4 bytes", []byte{0xCA, 0xFE, 0x00, 0x01}, "CAFE0001", false},
		{"7 bytes", []byte{0x04, 0xA1, 0xB2, 0xC3, 0xD4, 0xE5, 0xF6}, "04A1B2C3D4E5F6", false},
		{"random", []byte{0x08, 0x01, 0x02, 0x03}, "08010203", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.lay(tt.uid)
			e := s.card(t, p.name)
			if e.Kind != reader.KindPresent || e.UID != tt.want || e.Unsupported != tt.unsupported || e.ATR == "" || e.Time.IsZero() {
				t.Fatalf("event = %+v, want present %s unsupported %v with ATR and time", e, tt.want, tt.unsupported)
			}
			p.take()
			if e := s.card(t, p.name); e.Kind != reader.KindRemoved {
				t.Fatalf("event = %+v, want removed", e)
			}
		})
	}
	if err := src.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	for range s.c {
	}
}

func TestSourceWatcher(t *testing.T) {
	vpcdtest.Start(t)
	w, err := reader.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	var card *vpcdtest.Card
	testSource(t, w, player{
		name: vpcdtest.ReaderName(0),
		lay:  func(uid []byte) { card = vpcdtest.Insert(t, 0, vpcdtest.ATR14443, vpcdtest.UIDScript(uid)) },
		take: func() { card.Remove() },
	})
}

func TestSourceDemo(t *testing.T) {
	d := reader.NewDemo(nil)
	testSource(t, d, player{
		name: reader.DemoReaderName,
		lay: func(uid []byte) {
			if err := d.Present(fmtHex(uid)); err != nil {
				t.Fatal(err)
			}
		},
		take: d.Remove,
	})
}
