package forms

import (
	"reflect"
	"strings"
	"testing"
)

func TestWrapWords(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width int
		want  []string
	}{
		{"fits", "张三", 10, []string{"张三"}},
		{"empty", "", 10, []string{""}},
		{"room number kept whole", "建国路88号院3单元1201室", 14, []string{"建国路88号院3", "单元1201室"}},
		{"model kept whole", "型号KFR-35GW/N8XHA1故障", 18, []string{"型号", "KFR-35GW/N8XHA1故", "障"}},
		{"chinese breaks anywhere", "开机后不制冷室外机不转", 10, []string{"开机后不制", "冷室外机不", "转"}},
		{"spaces break, not lead", "ab cd ef", 5, []string{"ab cd", "ef"}},
		{"kinsoku", "不制冷，外机不转", 6, []string{"不制", "冷，外", "机不转"}},
		{"run longer than a line is cut", "ABCDEFGHIJ", 4, []string{"ABCD", "EFGH", "IJ"}},
		{"cut run continues the line", "ABCDEF好", 4, []string{"ABCD", "EF好"}},
		{"line breaks kept", "甲\n乙", 10, []string{"甲", "乙"}},
		{"unprintable replaced", "好😀", 10, []string{"好?"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := WrapWords(tt.in, tt.width)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("WrapWords(%q, %d) = %q, want %q", tt.in, tt.width, got, tt.want)
			}
		})
	}
}

// FuzzWrapWords checks that no line is wider than asked and that nothing
// but spaces is lost.
func FuzzWrapWords(f *testing.F) {
	for _, s := range []string{"建国路88号院3单元1201室", "a b  c", "，，，，", "ABCDEFGHIJKLMNOP好", "\t\x00😀"} {
		f.Add(s, 6)
	}
	f.Fuzz(func(t *testing.T, s string, width int) {
		if width < 1 || width > 200 {
			return
		}
		lines := WrapWords(s, width)
		for _, l := range lines {
			if Width(l) > width {
				t.Fatalf("WrapWords(%q, %d): line %q is %d wide", s, width, l, Width(l))
			}
		}
		strip := func(s string) string { return strings.NewReplacer(" ", "", "\n", "").Replace(s) }
		if got, want := strip(strings.Join(lines, "")), strip(Printable(s)); width >= 2 && got != want {
			t.Fatalf("WrapWords(%q, %d) = %q, lost text: %q vs %q", s, width, lines, got, want)
		}
	})
}
