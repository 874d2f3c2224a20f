package printer

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"shouhou/drivers/printer/escpostest"
	"shouhou/forms"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (%d bytes, want %d); review with -update and git diff", name, len(got), len(want))
	}
}

// mustDecode decodes b and checks what every stream of ours must hold.
func mustDecode(tb testing.TB, b []byte, columns int) *escpostest.Result {
	tb.Helper()
	res, err := escpostest.Decode(b)
	if err != nil {
		tb.Fatalf("Decode: %v", err)
	}
	if res.Inits != 1 {
		tb.Errorf("%d ESC @, want 1", res.Inits)
	}
	for i, cols := range res.Columns {
		if cols > columns {
			tb.Errorf("line %d %q is %d columns, the paper has %d", i, res.Blocks[i].Text, cols, columns)
		}
	}
	return res
}

func TestEncodeSample(t *testing.T) {
	for _, mm := range []int{58, 80} {
		t.Run(fmt.Sprint(mm), func(t *testing.T) {
			cols, _ := forms.ColumnsFor(mm)
			doc := SampleIntake(cols)
			b, err := Encode(doc)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, fmt.Sprintf("intake-%d.bin", mm), b)
			golden(t, fmt.Sprintf("intake-%d.txt", mm), []byte(Text(doc)))
			res := mustDecode(t, b, cols)
			if !res.Chinese {
				t.Error("Chinese mode is off at the end")
			}
			want := doc.Layout()
			if len(res.Blocks) != len(want) {
				t.Fatalf("decoded %d blocks, laid out %d", len(res.Blocks), len(want))
			}
			for i, w := range want {
				g := res.Blocks[i]
				if g.Kind != w.Kind || g.Text != w.Text {
					t.Errorf("block %d = %s %q, want %s %q", i, g.Kind, g.Text, w.Kind, w.Text)
				}
				if w.Kind == forms.KindText && g.Style != w.Style {
					t.Errorf("line %d %q style = %+v, want %+v", i, w.Text, g.Style, w.Style)
				}
			}
			text := Text(doc)
			for _, s := range []string{"售后服务", "第一联", "第二联", "张三", "￥1,299.00", "TM", "?"} {
				if !strings.Contains(text, s) {
					t.Errorf("preview lacks %q", s)
				}
			}
		})
	}
}

func TestEncodeBytes(t *testing.T) {
	head := []byte{0x1b, '@', 0x1c, '&'}
	tests := []struct {
		name string
		doc  *forms.Document
		opts *EncodeOpts
		want []byte
	}{
		{"plain line", forms.New("t", 32).Line("Hi"), nil, []byte("Hi\n")},
		{"chinese in GB18030", forms.New("t", 32).Line("中文"), nil, []byte{0xd6, 0xd0, 0xce, 0xc4, '\n'}},
		{"yen mapped to fullwidth yuan", forms.New("t", 32).Line("¥5"), nil, []byte{0xa3, 0xa4, '5', '\n'}},
		{"bold centered double", forms.New("t", 32).Title("A"), nil,
			[]byte{0x1b, 'a', 1, 0x1b, 'E', 1, 0x1d, '!', 0x11, 'A', '\n'}},
		{"style set once", forms.New("t", 32).Text("A", forms.Style{Bold: true}).Text("B", forms.Style{Bold: true}), nil,
			[]byte{0x1b, 'E', 1, 'A', '\n', 'B', '\n'}},
		{"code128 B and C", forms.New("t", 32).Barcode("T20261123-0042"), nil,
			append([]byte{0x1b, 'a', 1, 0x1d, 'H', 2, 0x1d, 'h', 64, 0x1d, 'w', 2, 0x1d, 'k', 73, 16},
				'{', 'B', 'T', '{', 'C', 20, 26, 11, 23, '{', 'B', '-', '{', 'C', 0, 42)},
		{"code128 brace escaped", forms.New("t", 32).Add(forms.Block{Kind: forms.KindBarcode, Text: "a{"}), nil,
			[]byte{0x1b, 'a', 1, 0x1d, 'H', 0, 0x1d, 'h', 64, 0x1d, 'w', 2, 0x1d, 'k', 73, 5, '{', 'B', 'a', '{', '{'}},
		{"qr", forms.New("t", 32).QR("AB", 4), nil, []byte{0x1b, 'a', 1,
			0x1d, '(', 'k', 4, 0, 49, 65, 50, 0,
			0x1d, '(', 'k', 3, 0, 49, 67, 4,
			0x1d, '(', 'k', 3, 0, 49, 69, 49,
			0x1d, '(', 'k', 5, 0, 49, 80, 48, 'A', 'B',
			0x1d, '(', 'k', 3, 0, 49, 81, 48}},
		{"feed, partial cut, full cut, drawer", forms.New("t", 32).Feed(3).Cut(true).Cut(false).KickDrawer(), nil,
			[]byte{0x1b, 'd', 3, 0x1d, 'V', 66, 0, 0x1d, 'V', 65, 0, 0x1b, 'p', 0, 25, 250}},
		{"ascii printer", forms.New("t", 32).Line("中a"), &EncodeOpts{ASCII: true}, []byte("??a\n")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := NewEncoder(tt.opts).Encode(tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			h := head
			if tt.opts != nil && tt.opts.ASCII {
				h = []byte{0x1b, '@', 0x1c, '.'}
			}
			want := append(append([]byte(nil), h...), tt.want...)
			if !bytes.Equal(got, want) {
				t.Errorf("Encode() =\n% X\nwant\n% X", got, want)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	tests := []struct {
		name string
		doc  *forms.Document
		want string
	}{
		{"barcode not ascii", forms.New("t", 32).Barcode("单号1"), "not printable ASCII"},
		{"barcode empty", forms.New("t", 32).Barcode(""), "empty barcode"},
		{"barcode too wide", forms.New("t", 32).Barcode("ABCDEFGHIJKLMNOPQRSTUVWXYZ"), "needs"},
		{"qr too long", forms.New("t", 32).QR(strings.Repeat("x", 300), 0), "QR data of 300 bytes"},
		{"invalid document", forms.New("t", 4), "4 columns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Encode(tt.doc)
			if err == nil || !errors.Is(err, ErrUnencodable) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Encode() = %v, want ErrUnencodable containing %q", err, tt.want)
			}
		})
	}
}

func TestBarcodeFitsBothPapers(t *testing.T) {
	for _, cols := range []int{forms.Columns58, forms.Columns80} {
		b, err := Encode(forms.New("t", cols).Barcode("T20261123-0042"))
		if err != nil {
			t.Fatal(err)
		}
		res := mustDecode(t, b, cols)
		_, modules, _ := code128("T20261123-0042")
		if dots := (modules + 2*code128Quiet) * res.Modules[0]; dots > cols*12 {
			t.Errorf("%d columns: barcode is %d dots wide, paper %d", cols, dots, cols*12)
		}
		if res.Blocks[0].Text != "T20261123-0042" {
			t.Errorf("barcode decodes to %q", res.Blocks[0].Text)
		}
	}
}

func TestCode128RoundTrip(t *testing.T) {
	for _, data := range []string{"T20261123-0042", "12345", "123", "{x}", "A1234B56789", "0000", " ~"} {
		t.Run(data, func(t *testing.T) {
			p, _, err := code128(data)
			if err != nil {
				t.Fatal(err)
			}
			got, err := escpostest.DecodeCode128(p)
			if err != nil || got != data {
				t.Errorf("DecodeCode128(code128(%q)) = %q, %v", data, got, err)
			}
		})
	}
}

func FuzzEncode(f *testing.F) {
	for _, s := range []string{"售后服务跟踪卡", "¥1,299 ™ 😀", "a\x1b@\x1dV\x00b", "\xff\xfe", strings.Repeat("一a ", 30)} {
		f.Add(s, s, true)
	}
	f.Fuzz(func(t *testing.T, text, value string, wide bool) {
		for _, cols := range []int{forms.Columns58, forms.Columns80} {
			d := forms.New("fuzz", cols)
			for _, sz := range []forms.Size{forms.Normal, forms.Tall, forms.Wide, forms.Double} {
				if !wide && sz.WidthFactor() == 2 {
					continue
				}
				d.Text(text, forms.Style{Size: sz, Align: forms.Right})
				d.Add(forms.Block{Kind: forms.KindRow, Text: text, Value: value, Style: forms.Style{Size: sz}})
				d.Add(forms.Block{Kind: forms.KindSeparator, Text: value, Style: forms.Style{Size: sz}})
			}
			b, err := Encode(d)
			if err != nil {
				t.Fatalf("Encode: %v", err)
			}
			mustDecode(t, b, cols)
		}
	})
}

func BenchmarkEncodeSlip(b *testing.B) {
	for _, cols := range []int{forms.Columns58, forms.Columns80} {
		doc := SampleIntake(cols)
		b.Run(fmt.Sprint(cols), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Encode(doc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var _ = reflect.DeepEqual
