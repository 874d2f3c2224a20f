package printer

import (
	"fmt"
	"html"
	"strings"
	"testing"

	"shouhou/forms"
)

// TestPreviewMatchesPaper decodes what the printer gets and checks that the
// text and HTML previews break the lines in the same places.
func TestPreviewMatchesPaper(t *testing.T) {
	docs := map[string]func(int) *forms.Document{
		"sample": SampleIntake,
		"long words and mixed text": func(cols int) *forms.Document {
			d := forms.New("mixed", cols)
			d.Line(strings.Repeat("word 中文 ", 20))
			d.Text(strings.Repeat("很长的标题", 6), forms.Style{Size: forms.Wide, Align: forms.Center})
			d.Add(forms.Block{Kind: forms.KindRow, Text: strings.Repeat("标签", 10), Value: strings.Repeat("值 value ", 6)})
			return d
		},
	}
	for name, build := range docs {
		for _, cols := range []int{forms.Columns58, forms.Columns80} {
			t.Run(fmt.Sprintf("%s/%d", name, cols), func(t *testing.T) {
				doc := build(cols)
				b, err := Encode(doc)
				if err != nil {
					t.Fatal(err)
				}
				res := mustDecode(t, b, cols)
				var paper []string
				for _, blk := range res.Blocks {
					if blk.Kind == forms.KindText {
						paper = append(paper, blk.Text)
					}
				}
				var fromPreview []string
				for _, l := range preview(doc) {
					if l.kind == forms.KindText && l.text != "" {
						fromPreview = append(fromPreview, l.text)
					}
				}
				var nonEmpty []string
				for _, l := range paper {
					if l != "" {
						nonEmpty = append(nonEmpty, l)
					}
				}
				if strings.Join(nonEmpty, "\n") != strings.Join(fromPreview, "\n") {
					t.Errorf("preview lines differ from paper:\npaper:\n%s\npreview:\n%s", strings.Join(nonEmpty, "\n"), strings.Join(fromPreview, "\n"))
				}
				text := Text(doc)
				at := 0
				for _, l := range nonEmpty {
					i := strings.Index(text[at:], l+"\n")
					if i < 0 {
						t.Fatalf("Text() lacks paper line %q after offset %d", l, at)
					}
					at += i + len(l)
				}
				h := HTML(doc)
				at = 0
				for _, l := range nonEmpty {
					i := strings.Index(h[at:], html.EscapeString(l)+"<")
					if i < 0 {
						t.Fatalf("HTML() lacks paper line %q", l)
					}
					at += i
				}
				for _, l := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
					if w := forms.Width(l); w > cols {
						t.Errorf("text preview line %q is %d columns, paper %d", l, w, cols)
					}
				}
			})
		}
	}
}

func TestHTMLShowsSymbols(t *testing.T) {
	h := HTML(SampleIntake(forms.Columns80))
	for _, want := range []string{`class="barcode"`, `[CODE128 T20261123-0042]`, `class="qr"`, `class="cut"`, `data-columns="48"`, "售后服务跟踪卡"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML() lacks %q", want)
		}
	}
	if strings.Contains(HTML(forms.New("x", 32).Line("<script>")), "<script>") {
		t.Error("HTML() does not escape text")
	}
}
