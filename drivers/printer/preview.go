package printer

import (
	"fmt"
	"html"
	"strings"

	"shouhou/forms"
)

// previewLine is one row of a preview: a text line placed on the paper, or
// a marker for a barcode, QR code, cut or drawer kick.
type previewLine struct {
	// kind is the block kind the line shows.
	kind forms.Kind
	// text is the printed text, or the marker's label.
	text string
	// pad is the number of paper columns before text.
	pad int
	// style is the text's style.
	style forms.Style
	// data is a barcode's or QR code's data; hri asks for a barcode's text.
	data string
	hri  bool
	// module is a QR code's module size from its block (0: default).
	module int
}

// preview places each laid-out block of doc on the paper the way the
// printer does: alignment by padding within Columns.
func preview(doc *forms.Document) []previewLine {
	var out []previewLine
	for _, b := range doc.Layout() {
		switch b.Kind {
		case forms.KindText:
			out = append(out, previewLine{kind: b.Kind, text: b.Text, pad: pad(b.Align, doc.Columns, forms.Width(b.Text)*b.Size.WidthFactor()), style: b.Style})
		case forms.KindBarcode:
			label := "[CODE128 " + b.Text + "]"
			out = append(out, previewLine{kind: b.Kind, text: label, pad: pad(forms.Center, doc.Columns, forms.Width(label)), data: b.Text, hri: b.HRI})
		case forms.KindQR:
			label := "[QR " + forms.Printable(b.Text) + "]"
			out = append(out, previewLine{kind: b.Kind, text: label, pad: pad(forms.Center, doc.Columns, forms.Width(label)), data: b.Text, module: b.N})
		case forms.KindFeed:
			for range b.N {
				out = append(out, previewLine{kind: forms.KindText})
			}
		case forms.KindCut:
			label := "切纸 cut"
			if b.Partial {
				label = "切纸 partial cut"
			}
			out = append(out, previewLine{kind: b.Kind, text: label})
		case forms.KindDrawer:
			out = append(out, previewLine{kind: b.Kind, text: "钱箱 cash drawer"})
		}
	}
	return out
}

func pad(a forms.Align, columns, width int) int {
	switch {
	case width >= columns:
		return 0
	case a == forms.Center:
		return (columns - width) / 2
	case a == forms.Right:
		return columns - width
	}
	return 0
}

// Text renders doc as plain text, one paper line per line, with the same
// line breaks as the paper. Barcodes and QR codes show as [CODE128 data]
// and [QR data]; a cut as a line of '~' (a partial cut, of '-') with its
// name. Double-width text is shown at single width, padded as on paper.
func Text(doc *forms.Document) string {
	var b strings.Builder
	for _, l := range preview(doc) {
		switch l.kind {
		case forms.KindCut:
			ch := "~"
			if strings.Contains(l.text, "partial") {
				ch = "-"
			}
			side := (doc.Columns - forms.Width(l.text) - 2) / 2
			fmt.Fprintf(&b, "%s %s %s\n", strings.Repeat(ch, max(side, 1)), l.text, strings.Repeat(ch, max(side, 1)))
		case forms.KindDrawer:
			fmt.Fprintf(&b, "(%s)\n", l.text)
		default:
			b.WriteString(strings.Repeat(" ", l.pad))
			b.WriteString(l.text)
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// HTML renders doc as a self-contained HTML fragment: a monospace grid
// Columns wide (CJK characters two columns, as Noto Sans Mono CJK draws
// them), with the same line breaks as the paper; CODE128 barcodes drawn
// as SVG with the bars the printer prints (default encoder options), QR
// codes as SVG (the same data, version and size; the printer may pick
// another mask), cuts as dashed rules.
func HTML(doc *forms.Document) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<div class="receipt" data-columns="%d" style="font-family:'Noto Sans Mono CJK SC','Noto Sans Mono',monospace;width:%dch;background:#fff;color:#000;padding:1ch;line-height:1.25">`+"\n", doc.Columns, doc.Columns)
	for _, l := range preview(doc) {
		switch l.kind {
		case forms.KindBarcode:
			b.WriteString(barcodeHTML(l, doc.Columns))
		case forms.KindQR:
			b.WriteString(qrHTML(l, doc.Columns))
		case forms.KindCut:
			fmt.Fprintf(&b, `<div class="cut" style="border-top:2px dashed #888;margin:0.5em 0;font-size:small;color:#888">%s</div>`+"\n", html.EscapeString(l.text))
		case forms.KindDrawer:
			fmt.Fprintf(&b, `<div class="drawer" style="font-size:small;color:#888">(%s)</div>`+"\n", html.EscapeString(l.text))
		default:
			b.WriteString(htmlLine(l))
		}
	}
	b.WriteString("</div>\n")
	return b.String()
}

// htmlLine writes one text line: padding in paper columns, then the text
// scaled for double width or height so it takes the columns it takes on
// paper.
func htmlLine(l previewLine) string {
	style := "white-space:pre;min-height:1.25em"
	if l.style.Bold {
		style += ";font-weight:bold"
	}
	text := html.EscapeString(l.text)
	wf, hf := l.style.Size.WidthFactor(), l.style.Size.HeightFactor()
	if wf > 1 || hf > 1 {
		// A span scaled wf×hf from its left edge; its box keeps the
		// unscaled width, so reserve the scaled width with padding.
		text = fmt.Sprintf(`<span style="display:inline-block;transform:scale(%d,%d);transform-origin:0 100%%;margin-right:%dch">%s</span>`,
			wf, hf, (wf-1)*forms.Width(l.text), text)
		style += fmt.Sprintf(";padding-top:%.2fem", 1.25*float64(hf-1))
	}
	return fmt.Sprintf(`<div class="l" style="%s">%s%s</div>`+"\n", style, strings.Repeat(" ", l.pad), text)
}

// qrHTML draws a QR code line as an SVG symbol sized as on paper, or as a
// labelled box when it cannot be drawn.
func qrHTML(l previewLine, columns int) string {
	o := EncodeOpts{}.withDefaults()
	version := qrVersion(len(l.data))
	svg, err := qrSVG([]byte(l.data), fitQRModule(version, columns*o.DotsPerColumn, o.QRModule, l.module))
	if err != nil {
		return fmt.Sprintf(`<div class="qr" style="margin:0.5em auto;border:1px solid #000;padding:0.5em;text-align:center;width:fit-content">%s</div>`+"\n", html.EscapeString(l.text))
	}
	return fmt.Sprintf(`<div class="qr" title="%s" style="text-align:center">%s</div>`+"\n", html.EscapeString(l.text), svg)
}

// barcodeHTML draws a barcode line as an SVG symbol with its text under
// it, or as a labelled box when it cannot be drawn.
func barcodeHTML(l previewLine, columns int) string {
	o := EncodeOpts{}.withDefaults()
	_, modules, err := code128(l.data)
	if err != nil {
		return fmt.Sprintf(`<div class="barcode" style="margin:0.5em auto;border:1px solid #000;padding:0.5em;text-align:center;width:fit-content">%s</div>`+"\n", html.EscapeString(l.text))
	}
	module := fitModule(modules, columns*o.DotsPerColumn, o.BarcodeModule)
	svg, err := code128SVG(l.data, module, o.BarcodeHeight)
	if err != nil {
		return fmt.Sprintf(`<div class="barcode">%s</div>`+"\n", html.EscapeString(l.text))
	}
	hri := ""
	if l.hri {
		hri = "<div>" + html.EscapeString(l.data) + "</div>"
	}
	return fmt.Sprintf(`<div class="barcode" title="%s" style="margin:0.25em 0;text-align:center">%s%s</div>`+"\n", html.EscapeString(l.text), svg, hri)
}
