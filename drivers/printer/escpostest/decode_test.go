package escpostest

import (
	"strings"
	"testing"

	"shouhou/forms"
)

func TestDecodeRejects(t *testing.T) {
	init := []byte{0x1b, '@', 0x1c, '&'}
	tests := []struct {
		name string
		in   []byte
		want string
	}{
		{"4-byte GB18030 (¥ as 81 30 84 36)", append(init, 0x81, 0x30, 0x84, 0x36, '\n'), "4-byte GB18030"},
		{"high byte outside Chinese mode", []byte{0x1b, '@', 0x1c, '.', 0xd6, 0xd0, '\n'}, "outside Chinese mode"},
		{"style change mid-line", append(init, 'a', 0x1b, 'E', 1, 'b', '\n'), "middle of line"},
		{"cut mid-line", append(init, 'a', 0x1d, 'V', 66, 0), "middle of line"},
		{"unknown command", append(init, 0x1b, 'Z'), "unknown command"},
		{"control byte", append(init, 0x07), "unexpected control byte"},
		{"no LF at the end", append(init, 'a'), "without LF"},
		{"truncated QR", append(init, 0x1d, '(', 'k', 9, 0, 49), "cut short"},
		{"barcode without code set", append(init, 0x1d, 'k', 73, 2, 'A', 'B'), "does not start with a code set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode(tt.in)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Decode(% X) = %v, want an error containing %q", tt.in, err, tt.want)
			}
		})
	}
}

func TestDecodeLines(t *testing.T) {
	in := []byte{0x1b, '@', 0x1c, '&', 0x1b, 'a', 1, 0x1d, '!', 0x11, 0xd6, 0xd0, 'A', '\n', 0x1b, 'd', 2, 0x1d, 'V', 66, 0}
	res, err := Decode(in)
	if err != nil {
		t.Fatal(err)
	}
	want := []forms.Block{
		{Kind: forms.KindText, Text: "中A", Style: forms.Style{Align: forms.Center, Size: forms.Double}},
		{Kind: forms.KindFeed, N: 2},
		{Kind: forms.KindCut, Partial: true},
	}
	if len(res.Blocks) != len(want) {
		t.Fatalf("Decode = %+v, want %+v", res.Blocks, want)
	}
	for i := range want {
		if res.Blocks[i] != want[i] {
			t.Errorf("block %d = %+v, want %+v", i, res.Blocks[i], want[i])
		}
	}
	if res.Columns[0] != 6 {
		t.Errorf("double-size 中A is %d columns, want 6", res.Columns[0])
	}
}

func TestStateReplies(t *testing.T) {
	for _, s := range []State{Ready, PaperOut, CoverOpen, Offline, NearEnd} {
		for _, n := range []byte{1, 2, 4} {
			if b := s.Reply(n); b&0x93 != 0x12 {
				t.Errorf("State %d Reply(%d) = %#x breaks (b & 0x93) == 0x12", s, n, b)
			}
		}
	}
}
