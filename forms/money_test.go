package forms

import (
	"math"
	"testing"
)

func TestFormatYuan(t *testing.T) {
	tests := []struct {
		fen  int64
		want string
	}{
		{0, "￥0.00"}, {5, "￥0.05"}, {50, "￥0.50"}, {129900, "￥1299.00"}, {-8000, "-￥80.00"},
		{-1, "-￥0.01"}, {math.MaxInt64, "￥92233720368547758.07"}, {math.MinInt64, "-￥92233720368547758.08"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := FormatYuan(tt.fen); got != tt.want {
				t.Errorf("FormatYuan(%d) = %q, want %q", tt.fen, got, tt.want)
			}
		})
	}
}

func TestParseYuan(t *testing.T) {
	tests := []struct {
		in      string
		want    int64
		wantErr bool
	}{
		{"0", 0, false}, {"35", 3500, false}, {"35.5", 3550, false}, {"35.05", 3505, false},
		{"-12.00", -1200, false}, {"￥1299.00", 129900, false}, {"¥7", 700, false}, {"-￥0.5", -50, false},
		{"0.1", 10, false}, {"999999999999999.99", 99999999999999999, false},
		{"", 0, true}, {"-", 0, true}, {".5", 0, true}, {"5.", 0, true}, {"5.555", 0, true}, {"1e3", 0, true},
		{"1,000", 0, true}, {" 5", 0, true}, {"+5", 0, true}, {"1000000000000000", 0, true}, {"5.-1", 0, true},
		{"--5", 0, true}, {"五", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseYuan(tt.in)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseYuan(%q) = %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

// TestYuanRoundTrip checks that every amount a money field holds reads
// back to the same fen.
func TestYuanRoundTrip(t *testing.T) {
	for _, fen := range []int64{0, 1, 99, 100, 101, -101, 129900, 99999999999999999, -99999999999999999} {
		got, err := ParseYuan(FormatYuan(fen))
		if err != nil || got != fen {
			t.Errorf("ParseYuan(FormatYuan(%d)) = %d, %v", fen, got, err)
		}
		if got, err := ParseYuan(yuanValue(fen)); err != nil || got != fen {
			t.Errorf("ParseYuan(yuanValue(%d)) = %d, %v", fen, got, err)
		}
	}
}

func TestMaskCard(t *testing.T) {
	tests := []struct{ in, want string }{
		{"SC-000123", "*****0123"}, {"0123", "0123"}, {"", ""}, {"卡号SC-1234", "*****1234"},
	}
	for _, tt := range tests {
		if got := MaskCard(tt.in); got != tt.want {
			t.Errorf("MaskCard(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestShortKey(t *testing.T) {
	tests := []struct{ in, want string }{
		{"7f3c9a12-5b7e-4d21-9c1e-0a8b6d2f4e11", "7f3c9a12…"}, {"k-1", "k-1"}, {"0123456789", "0123456789"},
	}
	for _, tt := range tests {
		if got := ShortKey(tt.in); got != tt.want {
			t.Errorf("ShortKey(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
