package forms

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestWidth(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want int
	}{
		{"empty", "", 0},
		{"ascii", "T20261123-0042", 14},
		{"chinese", "售后服务跟踪卡", 14},
		{"mixed", "第1联", 5},
		{"fullwidth yuan", "￥12", 4},
		{"yen becomes fullwidth yuan", "¥12", 4},
		{"trademark becomes TM", "A™", 3},
		{"emoji becomes one question mark", "好😀", 3},
		{"control characters become question marks", "a\x1bb\x00", 4},
		{"tab is a space", "a\tb", 3},
		{"euro is two bytes in GB18030", "€", 2},
		{"invalid UTF-8", "a\xffb", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Width(tt.in); got != tt.want {
				t.Errorf("Width(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestPrintable(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"ascii unchanged", "Hello, 1-2", "Hello, 1-2"},
		{"chinese unchanged", "顾客姓名：张三", "顾客姓名：张三"},
		{"yen", "¥99", "￥99"},
		{"copyright", "©2026", "(C)2026"},
		{"emoji", "ok👍", "ok?"},
		{"escape injection", "\x1b@\x1dV", "?@?V"},
		{"line breaks kept", "a\r\nb\nc", "a\nb\nc"},
		{"C1 control", "a\u0085b", "a?b"},
		{"bidi override and zero-width (issue 16)", "a\u202Eexe.gnp\u202C b\u200Bc\u200D\uFEFF", "a?exe.gnp? bc?"},
		{"NUL and drawer kick", "x\x00\x1bp\x00\x19\xfay", "x??p???y"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Printable(tt.in); got != tt.want {
				t.Errorf("Printable(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestLookalikes checks the replacement table: each key needs 4 GB18030
// bytes, each replacement only 1- and 2-byte characters.
func TestLookalikes(t *testing.T) {
	enc := simplifiedchinese.GB18030.NewEncoder()
	for r, repl := range lookalikes {
		b, err := enc.String(string(r))
		if err != nil || len(b) != 4 {
			t.Errorf("%U encodes to % X (%v), want 4 bytes", r, b, err)
		}
		for _, c := range repl {
			b, err := enc.String(string(c))
			if err != nil || len(b) > 2 {
				t.Errorf("replacement %q of %U encodes to % X (%v), want at most 2 bytes", c, r, b, err)
			}
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width int
		want  []string
	}{
		{"empty", "", 10, []string{""}},
		{"fits", "abc", 3, []string{"abc"}},
		{"hard break", "ab\ncd", 10, []string{"ab", "cd"}},
		{"blank line kept", "a\n\nb", 10, []string{"a", "", "b"}},
		{"chinese never split", "一二三四五", 5, []string{"一二", "三四", "五"}},
		{"mixed at odd width", "a一二三", 4, []string{"a一", "二三"}},
		{"word moves whole", "hello world", 8, []string{"hello", "world"}},
		{"long word is cut", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"no leading space after break", "abcd efgh", 4, []string{"abcd", "efgh"}},
		{"chinese then word", "售后 service", 8, []string{"售后", "service"}},
		{"too wide rune", "中", 1, []string{"?"}},
		{"replacements measured", "¥¥¥", 4, []string{"￥￥", "￥"}},
		{"comma never starts a line", "一二三，四", 6, []string{"一二", "三，四"}},
		{"full stop at the end", "一二三。", 6, []string{"一二", "三。"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Wrap(tt.in, tt.width)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Wrap(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
			}
			for _, l := range got {
				if w := Width(l); w > tt.width {
					t.Errorf("line %q is %d columns, wider than %d", l, w, tt.width)
				}
			}
		})
	}
}

func TestTruncate(t *testing.T) {
	tests := []struct {
		in    string
		width int
		want  string
	}{
		{"abc", 3, "abc"},
		{"abcdef", 5, "abc…"},
		{"北京市朝阳区", 7, "北京…"},
		{"北京市朝阳区", 8, "北京市…"},
		{"a\nb", 3, "a b"},
		{"中文", 1, "?"[:0]},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got := Truncate(tt.in, tt.width)
			if got != tt.want || Width(got) > tt.width {
				t.Errorf("Truncate(%q, %d) = %q (%d columns), want %q", tt.in, tt.width, got, Width(got), tt.want)
			}
		})
	}
}

func TestLayout(t *testing.T) {
	tests := []struct {
		name  string
		build func(d *Document)
		want  []Block
	}{
		{"row on one line", func(d *Document) { d.Row("顾客", "张三") }, []Block{
			text("顾客        张三", Style{}),
		}},
		{"row too long splits, value right", func(d *Document) {
			d.Row("地址", "北京市海淀区中关村大街一号")
		}, []Block{
			text("地址", Style{}),
			text("北京市海淀区中关", Style{Align: Right}),
			text("村大街一号", Style{Align: Right}),
		}},
		{"separator fills the paper", func(d *Document) { d.Separator('=') }, []Block{
			text(strings.Repeat("=", 16), Style{}),
		}},
		{"wide separator char", func(d *Document) { d.Separator('─') }, []Block{
			text(strings.Repeat("─", 8), Style{}),
		}},
		{"double size halves the width", func(d *Document) { d.Title("售后服务跟踪卡") }, []Block{
			text("售后服务", Style{Align: Center, Bold: true, Size: Double}),
			text("跟踪卡", Style{Align: Center, Bold: true, Size: Double}),
		}},
		{"barcode, cut and feed pass through", func(d *Document) { d.Barcode("T1").Feed(2).Cut(true).KickDrawer() }, []Block{
			{Kind: KindBarcode, Text: "T1", HRI: true},
			{Kind: KindFeed, N: 2},
			{Kind: KindCut, Partial: true},
			{Kind: KindDrawer},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := New("t", 16)
			tt.build(d)
			got := d.Layout()
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Layout() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func text(s string, st Style) Block { return Block{Kind: KindText, Text: s, Style: st} }

func TestLayoutNeverWiderThanPaper(t *testing.T) {
	inputs := []string{
		"售后服务跟踪卡 After-sales service tracking card ¥1,299.00 ™ 😀😀😀",
		strings.Repeat("一a", 40),
		"\x1b\x1d\x10\x04\x01\t\t\t中",
	}
	for _, cols := range []int{Columns58, Columns80} {
		for _, in := range inputs {
			d := New("t", cols)
			for _, sz := range []Size{Normal, Wide, Tall, Double} {
				d.Text(in, Style{Size: sz})
				d.Add(Block{Kind: KindRow, Text: in, Value: in, Style: Style{Size: sz}})
				d.Add(Block{Kind: KindSeparator, Text: in, Style: Style{Size: sz}})
			}
			for _, b := range d.Layout() {
				if w := Width(b.Text) * b.Size.WidthFactor(); w > cols {
					t.Errorf("%d columns: line %q is %d columns wide", cols, b.Text, w)
				}
				if b.Text != Printable(b.Text) || strings.Contains(b.Text, "\n") {
					t.Errorf("line %q is not printable", b.Text)
				}
			}
		}
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		doc     *Document
		wantErr string
	}{
		{"ok", New("ok", Columns58).Line("a").Cut(false), ""},
		{"too narrow", New("n", 8), "8 columns"},
		{"unknown kind", New("k", Columns80).Add(Block{Kind: "image"}), `unknown kind "image"`},
		{"bad align", New("a", Columns80).Add(Block{Kind: KindText, Style: Style{Align: "justify"}}), "unknown alignment"},
		{"bad size", New("s", Columns80).Add(Block{Kind: KindText, Style: Style{Size: "huge"}}), "unknown size"},
		{"feed too long", New("f", Columns80).Feed(300), "feed of 300 lines"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.doc.Validate()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("Validate() = %v, want nil", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("Validate() = %v, want an error containing %q", err, tt.wantErr)
			}
		})
	}
}

func TestDocumentJSONRoundTrip(t *testing.T) {
	d := New("intake", Columns58).Title("售后").Row("NO", "T1").Separator('-').Barcode("T1").QR("T1", 6).Feed(1).Cut(true)
	b, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	var back Document
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&back, d) {
		t.Errorf("round trip = %+v, want %+v", back, d)
	}
}

func TestColumnsFor(t *testing.T) {
	for mm, want := range map[int]int{58: 32, 80: 48} {
		if got, err := ColumnsFor(mm); err != nil || got != want {
			t.Errorf("ColumnsFor(%d) = %d, %v; want %d", mm, got, err, want)
		}
	}
	if _, err := ColumnsFor(76); err == nil {
		t.Error("ColumnsFor(76) = nil error, want one")
	}
}

func BenchmarkLayout(b *testing.B) {
	d := New("b", Columns58)
	for range 10 {
		d.Row("产品名称", "美的空调 KFR-35GW").Text("故障描述：开机后不制冷，室外机不转，已使用两年。", Style{})
	}
	b.ReportAllocs()
	for b.Loop() {
		d.Layout()
	}
}
