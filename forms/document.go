package forms

import (
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Paper widths in columns of the printer's standard font (font A, 12 dots
// a column at 203 dpi).
const (
	// Columns58 is the width of 58 mm paper: 384 dots.
	Columns58 = 32
	// Columns80 is the width of 80 mm paper: 576 dots.
	Columns80 = 48
	// MinColumns and MaxColumns bound Document.Columns.
	MinColumns = 16
	MaxColumns = 96
)

// Kind says what a Block is.
type Kind string

// Block kinds.
const (
	KindText      Kind = "text"      // a paragraph, wrapped to the paper
	KindRow       Kind = "row"       // label on the left, value on the right
	KindSeparator Kind = "separator" // a full-width line of one character
	KindBarcode   Kind = "barcode"   // CODE128 of Text
	KindQR        Kind = "qr"        // QR code of Text
	KindFeed      Kind = "feed"      // N blank lines
	KindCut       Kind = "cut"       // cut the paper (Partial: one point left)
	KindDrawer    Kind = "drawer"    // kick the cash drawer open
)

// Align places a text line on the paper. The zero value is left.
type Align string

// Alignments.
const (
	Left   Align = ""
	Center Align = "center"
	Right  Align = "right"
)

// Size magnifies text. The zero value is normal size.
type Size string

// Sizes.
const (
	Normal Size = ""
	Wide   Size = "wide"   // double width
	Tall   Size = "tall"   // double height
	Double Size = "double" // double width and height
)

// WidthFactor is how many paper columns one column of text at size s takes.
func (s Size) WidthFactor() int {
	if s == Wide || s == Double {
		return 2
	}
	return 1
}

// HeightFactor is how many line heights one line of text at size s takes.
func (s Size) HeightFactor() int {
	if s == Tall || s == Double {
		return 2
	}
	return 1
}

// Style is how a line of text looks.
type Style struct {
	// Align places the line.
	Align Align `json:"align,omitempty"`
	// Bold selects emphasized print.
	Bold bool `json:"bold,omitempty"`
	// Size magnifies the characters.
	Size Size `json:"size,omitempty"`
}

// Block is one element of a Document. Which fields matter depends on Kind.
type Block struct {
	// Kind says what the block is.
	Kind Kind `json:"kind"`
	// Text is the text of a text block, the label of a row, the data of a
	// barcode or QR code, and the character of a separator.
	Text string `json:"text,omitempty"`
	// Value is the right-hand side of a row.
	Value string `json:"value,omitempty"`
	// Style applies to text, row and separator blocks.
	Style
	// HRI asks for the barcode's human-readable text under it.
	HRI bool `json:"hri,omitempty"`
	// N is the line count of a feed, the module size in dots of a QR code
	// (0: the printer driver's default) and the height in dots of a
	// barcode (0: default).
	N int `json:"n,omitempty"`
	// Partial asks for a partial cut (one point left uncut).
	Partial bool `json:"partial,omitempty"`
}

// Document is a printer-independent print document: blocks laid out for
// paper Columns wide. A form renderer builds one with New and the adding
// methods; drivers/printer encodes it and renders its previews, both from
// Layout, so paper and preview break lines in the same places.
type Document struct {
	// Name names the document, e.g. "intake"; print jobs are named after it.
	Name string `json:"name"`
	// Columns is the paper width in columns: Columns58 or Columns80.
	Columns int `json:"columns"`
	// Blocks are printed in order.
	Blocks []Block `json:"blocks"`
}

// New returns an empty document for paper columns wide.
func New(name string, columns int) *Document {
	return &Document{Name: name, Columns: columns}
}

// ColumnsFor returns the columns of paper mm millimetres wide (58 or 80).
func ColumnsFor(mm int) (int, error) {
	switch mm {
	case 58:
		return Columns58, nil
	case 80:
		return Columns80, nil
	}
	return 0, fmt.Errorf("forms: paper width %d mm: want 58 or 80", mm)
}

// Add appends blocks and returns d.
func (d *Document) Add(b ...Block) *Document {
	d.Blocks = append(d.Blocks, b...)
	return d
}

// Text appends a paragraph in style st; "\n" starts a new line.
func (d *Document) Text(s string, st Style) *Document {
	return d.Add(Block{Kind: KindText, Text: s, Style: st})
}

// Line appends a plain left-aligned paragraph.
func (d *Document) Line(s string) *Document { return d.Text(s, Style{}) }

// Title appends a centered, bold, double-size paragraph.
func (d *Document) Title(s string) *Document {
	return d.Text(s, Style{Align: Center, Bold: true, Size: Double})
}

// Row appends a two-column row: label on the left, value on the right.
func (d *Document) Row(label, value string) *Document {
	return d.Add(Block{Kind: KindRow, Text: label, Value: value})
}

// Separator appends a full-width line of ch, such as '-' or '='.
func (d *Document) Separator(ch rune) *Document {
	return d.Add(Block{Kind: KindSeparator, Text: string(ch)})
}

// Barcode appends a CODE128 barcode of data with its human-readable text.
func (d *Document) Barcode(data string) *Document {
	return d.Add(Block{Kind: KindBarcode, Text: data, HRI: true})
}

// QR appends a QR code of data; module is the module size in dots (0 for
// the driver's default).
func (d *Document) QR(data string, module int) *Document {
	return d.Add(Block{Kind: KindQR, Text: data, N: module})
}

// Feed appends n blank lines.
func (d *Document) Feed(n int) *Document { return d.Add(Block{Kind: KindFeed, N: n}) }

// Cut appends a cut; partial leaves one point uncut.
func (d *Document) Cut(partial bool) *Document {
	return d.Add(Block{Kind: KindCut, Partial: partial})
}

// KickDrawer appends a cash drawer kick.
func (d *Document) KickDrawer() *Document { return d.Add(Block{Kind: KindDrawer}) }

// Validate reports the first thing in d that no printer can print: a paper
// width out of range, an unknown kind, alignment or size, a negative count.
// Whether a barcode or QR code fits the paper is the printer driver's call.
func (d *Document) Validate() error {
	if d.Columns < MinColumns || d.Columns > MaxColumns {
		return fmt.Errorf("forms: document %q: %d columns, want %d to %d", d.Name, d.Columns, MinColumns, MaxColumns)
	}
	for i, b := range d.Blocks {
		if err := b.validate(); err != nil {
			return fmt.Errorf("forms: document %q block %d: %w", d.Name, i, err)
		}
	}
	return nil
}

func (b Block) validate() error {
	switch b.Kind {
	case KindText, KindRow, KindSeparator, KindBarcode, KindQR, KindCut, KindDrawer:
	case KindFeed:
		if b.N < 0 || b.N > 255 {
			return fmt.Errorf("feed of %d lines, want 0 to 255", b.N)
		}
	default:
		return fmt.Errorf("unknown kind %q", b.Kind)
	}
	switch b.Align {
	case Left, Center, Right:
	default:
		return fmt.Errorf("unknown alignment %q", b.Align)
	}
	switch b.Size {
	case Normal, Wide, Tall, Double:
	default:
		return fmt.Errorf("unknown size %q", b.Size)
	}
	if b.N < 0 {
		return fmt.Errorf("negative n %d", b.N)
	}
	return nil
}

// Layout returns d's blocks as printed: every text, row and separator block
// becomes text blocks of one printed line each, holding only printable
// characters (see Printable) and at most Columns/Size.WidthFactor() columns
// wide; the other blocks pass through. A printer encoder and every preview
// render from Layout, so their line breaks are the same.
func (d *Document) Layout() []Block {
	out := make([]Block, 0, len(d.Blocks)+8)
	cols := d.Columns
	if cols < 1 {
		cols = 1
	}
	for _, b := range d.Blocks {
		width := cols / b.Size.WidthFactor()
		if width < 1 {
			width = 1
		}
		switch b.Kind {
		case KindText:
			for _, l := range Wrap(b.Text, width) {
				out = append(out, Block{Kind: KindText, Text: l, Style: b.Style})
			}
		case KindRow:
			out = appendRow(out, b, width)
		case KindSeparator:
			out = append(out, Block{Kind: KindText, Text: separator(b.Text, width), Style: Style{Bold: b.Bold, Size: b.Size}})
		default:
			out = append(out, b)
		}
	}
	return out
}

// appendRow lays out a two-column row: on one line when label, a space and
// value fit, else the label wrapped on the left and the value wrapped on the
// right under it.
func appendRow(out []Block, b Block, width int) []Block {
	label, value := newRunes(oneLine(b.Text)), newRunes(oneLine(b.Value))
	st := Style{Bold: b.Bold, Size: b.Size}
	if gap := width - label.width() - value.width(); gap >= 1 {
		text := label.s + strings.Repeat(" ", gap) + value.s
		return append(out, Block{Kind: KindText, Text: text, Style: st})
	}
	for _, l := range label.wrap(width) {
		out = append(out, Block{Kind: KindText, Text: l, Style: st})
	}
	if value.width() == 0 {
		return out
	}
	st.Align = Right
	for _, l := range value.wrap(width) {
		out = append(out, Block{Kind: KindText, Text: l, Style: st})
	}
	return out
}

// separator repeats the first printable character of s across width columns.
func separator(s string, width int) string {
	r := newRunes(oneLine(s))
	if len(r.w) == 0 {
		r = newRunes("-")
	}
	first, _ := utf8.DecodeRuneInString(r.s)
	n := width / int(r.w[0])
	return strings.Repeat(string(first), n)
}

// oneLine turns line breaks into spaces, for rows and separators.
func oneLine(s string) string {
	if !strings.ContainsAny(s, "\r\n") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", " "), "\n", " "), "\r", " ")
}

// Width returns the display width of s as printed: 1 column for an ASCII
// character, 2 for a character GB18030 encodes in 2 bytes; characters it
// encodes in 4 bytes count as what Printable replaces them with.
func Width(s string) int {
	return newRunes(oneLine(s)).width()
}

// Printable returns s as a Chinese-mode receipt printer can print it: tabs
// become spaces; other control characters, invalid UTF-8 and characters
// that GB18030 encodes in 4 bytes (which such printers cannot print) become
// a look-alike where there is one ('¥' → '￥', '™' → "TM", ...) and '?'
// otherwise. Line breaks are kept.
func Printable(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = newRunes(strings.TrimSuffix(l, "\r")).s
	}
	return strings.Join(lines, "\n")
}

// Wrap breaks s into printable lines at most width columns wide, at "\n"
// and wherever a line would get too wide; it never splits a character and
// moves a whole ASCII word to the next line when it can. Every line is
// Printable. An empty s gives one empty line.
func Wrap(s string, width int) []string {
	var out []string
	for _, para := range strings.Split(s, "\n") {
		out = append(out, newRunes(strings.TrimSuffix(para, "\r")).wrap(width)...)
	}
	return out
}

// Truncate returns the printable s cut to at most width columns on one
// line, never splitting a character; a cut string ends in "…" when width
// leaves room for it. For fields a form must keep on one line.
func Truncate(s string, width int) string {
	r := newRunes(oneLine(s))
	if r.width() <= width {
		return r.s
	}
	const ellipsis = "…" // 2 columns in GB18030 (A1AD)
	keep := width - 2
	if keep < 0 {
		keep = width
	}
	var b strings.Builder
	w, i := 0, 0
	for _, c := range r.s {
		if w+int(r.w[i]) > keep {
			break
		}
		b.WriteRune(c)
		w += int(r.w[i])
		i++
	}
	if keep < width {
		b.WriteString(ellipsis)
	}
	return b.String()
}

// lookalikes replaces characters that GB18030 encodes in 4 bytes with
// characters it encodes in 1 or 2.
var lookalikes = map[rune]string{
	'\u00a0': " ",   // no-break space
	'\u00a5': "￥",   // yen/yuan sign → fullwidth yuan sign (A3A4)
	'\u00a9': "(C)", // ©
	'\u00ae': "(R)", // ®
	'\u2122': "TM",  // ™
	'\u2022': "·",   // bullet → middle dot (A1A4)
	'\u2027': "·",   // hyphenation point
	'\u00bd': "1/2", // ½
	'\u2212': "-",   // minus sign
	'\u2002': " ", '\u2003': " ", '\u2009': " ", '\u200b': "", '\ufeff': "",
}

// runes is a printable string with the display width of each of its runes.
type runes struct {
	// s holds only printable runes.
	s string
	// w[i] is the width (1 or 2) of the i-th rune of s.
	w []uint8
}

// newRunes makes s printable on one line and measures it. Line breaks in s
// must have been handled by the caller; any left become '?'.
func newRunes(s string) runes {
	if r, ok := measureClean(s); ok {
		return r
	}
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "?") {
		switch {
		case r == '\t':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			b.WriteByte('?')
		default:
			if l, ok := lookalikes[r]; ok {
				b.WriteString(l)
			} else {
				b.WriteRune(r)
			}
		}
	}
	return measure(b.String())
}

// measureClean measures s when it needs no replacement at all, without
// copying it; ok is false when some rune needs one.
func measureClean(s string) (r runes, ok bool) {
	two := gbTwoByte()
	w := make([]uint8, 0, len(s))
	for _, c := range s {
		switch {
		case c >= 0x20 && c < 0x7f:
			w = append(w, 1)
		case c >= 0xa0 && c <= 0xffff && two[c>>6]&(1<<(c&63)) != 0:
			w = append(w, 2)
		default:
			return runes{}, false
		}
	}
	return runes{s: s, w: w}, true
}

// measure reads each rune's width off its GB18030 byte count: 1, 2, or 4
// for a rune that cannot print, which becomes '?'. s must already be free
// of control characters.
func measure(s string) runes {
	two := gbTwoByte()
	w := make([]uint8, 0, len(s))
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r < 0x80:
			b.WriteRune(r)
			w = append(w, 1)
		case r <= 0xffff && two[r>>6]&(1<<(r&63)) != 0:
			b.WriteRune(r)
			w = append(w, 2)
		default:
			b.WriteByte('?')
			w = append(w, 1)
		}
	}
	return runes{s: b.String(), w: w}
}

// gbTwoByte returns the set of BMP runes that GB18030 encodes in 2 bytes,
// one bit each, computed once from the encoder and never changed.
var gbTwoByte = sync.OnceValue(func() *[1024]uint64 {
	var set [1024]uint64
	var src strings.Builder
	for r := rune(0x80); r <= 0xffff; r++ {
		if r >= 0xd800 && r <= 0xdfff {
			continue // surrogates are not runes
		}
		src.WriteRune(r)
	}
	enc, err := simplifiedchinese.GB18030.NewEncoder().String(src.String())
	if err != nil {
		return &set // every rune then counts as unprintable
	}
	j := 0
	for _, r := range src.String() {
		n := gbLen(enc[j:])
		if n == 2 {
			set[r>>6] |= 1 << (r & 63)
		}
		j += n
	}
	return &set
})

// gbLen returns the length of the GB18030 sequence at the start of b.
func gbLen(b string) int {
	switch {
	case b[0] < 0x80:
		return 1
	case len(b) >= 2 && b[1] >= 0x30 && b[1] <= 0x39:
		return 4
	default:
		return 2
	}
}

func (r runes) width() int {
	n := 0
	for _, w := range r.w {
		n += int(w)
	}
	return n
}

// wrap breaks r into lines at most width columns wide (see Wrap). A rune
// wider than width is printed as '?'.
func (r runes) wrap(width int) []string {
	if width < 2 {
		width = 1
		r = r.narrow()
	}
	s := r.s
	var lines []string
	start, lineW, lastSpace := 0, 0, -1 // byte offsets into s
	prevPos, prevW := -1, 0             // the rune before c
	i := 0
	for pos, c := range s {
		w := int(r.w[i])
		i++
		if lineW+w > width {
			switch {
			case noLineStart(c) && prevPos > start && width >= 4:
				// Kinsoku: closing punctuation never starts a line; the
				// character before it goes down with it.
				lines = append(lines, strings.TrimRight(s[start:prevPos], " "))
				start, lineW, lastSpace = prevPos, prevW, -1
			case c == ' ':
				lines = append(lines, strings.TrimRight(s[start:pos], " "))
				start, lineW, lastSpace = pos+1, 0, -1
				continue
			case c < 0x80 && lastSpace > start && isWordTail(s[lastSpace+1:pos]):
				lines = append(lines, strings.TrimRight(s[start:lastSpace], " "))
				start, lineW, lastSpace = lastSpace+1, pos-lastSpace-1, -1
			default:
				lines = append(lines, strings.TrimRight(s[start:pos], " "))
				start, lineW, lastSpace = pos, 0, -1
			}
		}
		if c == ' ' {
			if lineW == 0 && len(lines) > 0 {
				start = pos + 1 // no leading space on a wrapped line
				continue
			}
			lastSpace = pos
		}
		lineW += w
		prevPos, prevW = pos, w
	}
	if start < len(s) || len(lines) == 0 {
		lines = append(lines, strings.TrimRight(s[start:], " "))
	}
	return lines
}

// noLineStart reports whether c is punctuation that must not begin a line
// (GB/T 15834 line-breaking practice: closing marks and pauses).
func noLineStart(c rune) bool {
	return strings.ContainsRune("，。、；：！？）】」』》〉”’…％", c)
}

// narrow replaces the two-column runes of r with '?', for a one-column line.
func (r runes) narrow() runes {
	var b strings.Builder
	i := 0
	for _, c := range r.s {
		if r.w[i] > 1 {
			c = '?'
		}
		b.WriteRune(c)
		i++
	}
	return newRunes(b.String())
}

// isWordTail reports whether b is an ASCII word without spaces, so a line
// break may move it whole to the next line.
func isWordTail(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= 0x80 || c == ' ' {
			return false
		}
	}
	return true
}
