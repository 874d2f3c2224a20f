package reader_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"shouhou/drivers/reader"
)

func TestParseUID(t *testing.T) {
	tests := []struct {
		name    string
		rsp     []byte
		want    []byte
		wantErr string // "" for success
		sw      bool   // the error is a *reader.SWError
	}{
		{"4 bytes", []byte{1, 2, 3, 4, 0x90, 0}, []byte{1, 2, 3, 4}, "", false},
		{"7 bytes", []byte{4, 1, 2, 3, 4, 5, 6, 0x90, 0}, []byte{4, 1, 2, 3, 4, 5, 6}, "", false},
		{"10 bytes", append(bytes.Repeat([]byte{7}, 10), 0x90, 0), bytes.Repeat([]byte{7}, 10), "", false},
		{"empty", nil, nil, "reader: GET DATA answer of 0 bytes has no status word", false},
		{"one byte", []byte{0x90}, nil, "reader: GET DATA answer of 1 bytes has no status word", false},
		{"bare 90 00", []byte{0x90, 0}, nil, "reader: GET DATA answered a UID of 0 bytes, want 4 to 10", false},
		{"11 bytes", append(bytes.Repeat([]byte{7}, 11), 0x90, 0), nil, "reader: GET DATA answered a UID of 11 bytes, want 4 to 10", false},
		{"6A 81", []byte{0x6A, 0x81}, nil, "reader: GET DATA answered 6A 81 (function not supported)", true},
		{"62 82", []byte{1, 2, 3, 4, 0x62, 0x82}, nil, "reader: GET DATA answered 62 82 (end of data reached before Le bytes)", true},
		{"6C 07", []byte{0x6C, 0x07}, nil, "reader: GET DATA answered 6C 07 (wrong length, 7 bytes available)", true},
		{"unknown SW", []byte{0x12, 0x34}, nil, "reader: GET DATA answered 12 34 (unexpected status word)", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := reader.ParseUID(tt.rsp)
			if tt.wantErr == "" {
				if err != nil || !bytes.Equal(got, tt.want) {
					t.Fatalf("ParseUID(% X) = % X, %v, want % X", tt.rsp, got, err, tt.want)
				}
				return
			}
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("ParseUID(% X) = % X, %v, want error %q", tt.rsp, got, err, tt.wantErr)
			}
			var sw *reader.SWError
			if errors.As(err, &sw) != tt.sw {
				t.Errorf("ParseUID(% X) error %T, want *SWError %v", tt.rsp, err, tt.sw)
			}
		})
	}
}

func TestRandomUID(t *testing.T) {
	tests := []struct {
		uid  []byte
		want bool
	}{
		{[]byte{0x08, 1, 2, 3}, true},
		{[]byte{0x04, 1, 2, 3}, false},
		{[]byte{0x08, 1, 2, 3, 4, 5, 6}, false},
		{nil, false},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("% X", tt.uid), func(t *testing.T) {
			if got := reader.RandomUID(tt.uid); got != tt.want {
				t.Errorf("RandomUID(% X) = %v, want %v", tt.uid, got, tt.want)
			}
		})
	}
}

// playback is a Transmitter that replays recorded exchanges in order and
// fails on a command it did not expect.
type playback struct {
	tb    testing.TB
	steps [][2][]byte // command, response
}

func (p *playback) Transmit(cmd []byte) ([]byte, error) {
	if len(p.steps) == 0 {
		p.tb.Fatalf("unexpected command % X: no recorded step left", cmd)
	}
	step := p.steps[0]
	p.steps = p.steps[1:]
	if !bytes.Equal(cmd, step[0]) {
		p.tb.Fatalf("command % X, recorded % X", cmd, step[0])
	}
	return step[1], nil
}

func (p *playback) done() {
	if len(p.steps) != 0 {
		p.tb.Errorf("%d recorded steps unused", len(p.steps))
	}
}

func TestReadUID(t *testing.T) {
	// The exchange of a 4-byte-UID card, as pcscd --apdu logs it.
	p := &playback{tb: t, steps: [][2][]byte{
		{{0xFF, 0xCA, 0x00, 0x00, 0x00}, {0xDE, 0xAD, 0xBE, 0xEF, 0x90, 0x00}},
	}}
	uid, err := reader.ReadUID(p)
	if err != nil || !bytes.Equal(uid, []byte{0xDE, 0xAD, 0xBE, 0xEF}) {
		t.Fatalf("ReadUID = % X, %v, want DE AD BE EF", uid, err)
	}
	p.done()
}

func FuzzParseUID(f *testing.F) {
	for _, seed := range [][]byte{nil, {0x90, 0}, {1, 2, 3, 4, 0x90, 0}, {0x6A, 0x81}, {0x6C, 0xFF}} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, rsp []byte) {
		uid, err := reader.ParseUID(rsp)
		if err != nil {
			if uid != nil {
				t.Fatalf("ParseUID(% X) = % X with error %v", rsp, uid, err)
			}
			return
		}
		if len(uid) < 4 || len(uid) > 10 || !bytes.Equal(append(uid, 0x90, 0), rsp) {
			t.Fatalf("ParseUID(% X) = % X", rsp, uid)
		}
	})
}
