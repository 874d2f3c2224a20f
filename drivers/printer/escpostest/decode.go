package escpostest

import (
	"fmt"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"

	"shouhou/forms"
)

// Result is a decoded ESC/POS stream.
type Result struct {
	// Blocks are the printed lines, barcodes, QR codes, feeds, cuts and
	// drawer kicks in order, as forms blocks: a text block per line with
	// its style; a barcode block with the decoded data, HRI and height in
	// N; a QR block with the data and module size in N.
	Blocks []forms.Block
	// Columns[i] is the printed width in columns of Blocks[i] when it is
	// text (magnification included), else 0.
	Columns []int
	// Modules[i] is the module width in dots of Blocks[i] when it is a
	// barcode, else 0.
	Modules []int
	// Inits counts ESC @.
	Inits int
	// Chinese is whether Chinese character mode was on at the end.
	Chinese bool
	// StatusQueries lists the n of each DLE EOT n met.
	StatusQueries []byte
}

// decoder is Decode's state.
type decoder struct {
	b       []byte
	i       int
	res     Result
	chinese bool
	style   forms.Style
	line    []byte // raw bytes of the current line
	lineSt  forms.Style
	hri     byte
	height  int
	module  int
	qr      forms.Block
	qrData  []byte
}

// Decode parses b, which printer.Encode produced. It fails on any byte it
// does not understand, on a byte of 0x80 or more outside Chinese mode, on a
// 4-byte GB18030 sequence, on a style change in the middle of a line, and
// on a barcode, QR code, cut or feed in the middle of a line.
func Decode(b []byte) (*Result, error) {
	d := &decoder{b: b, chinese: true, height: 162, module: 3}
	for d.i < len(d.b) {
		if err := d.step(); err != nil {
			return &d.res, fmt.Errorf("escpostest: at byte %d: %w", d.i, err)
		}
	}
	if len(d.line) > 0 {
		return &d.res, fmt.Errorf("escpostest: %d bytes of text left without LF", len(d.line))
	}
	d.res.Chinese = d.chinese
	return &d.res, nil
}

func (d *decoder) need(n int) ([]byte, error) {
	if d.i+n > len(d.b) {
		return nil, fmt.Errorf("command % X cut short", d.b[d.i:])
	}
	p := d.b[d.i : d.i+n]
	d.i += n
	return p, nil
}

func (d *decoder) step() error {
	c := d.b[d.i]
	switch {
	case c == 0x0a:
		d.i++
		d.endLine()
		return nil
	case c >= 0x20 && c < 0x7f:
		return d.char(1)
	case c >= 0x80:
		if !d.chinese {
			return fmt.Errorf("byte %#x outside Chinese mode", c)
		}
		return d.char(2)
	case c == 0x1b:
		return d.esc()
	case c == 0x1d:
		return d.gs()
	case c == 0x1c:
		p, err := d.need(2)
		if err != nil {
			return err
		}
		switch p[1] {
		case '&':
			d.chinese = true
		case '.':
			d.chinese = false
		default:
			return fmt.Errorf("unknown command FS %#x", p[1])
		}
		return nil
	case c == 0x10:
		p, err := d.need(3)
		if err != nil {
			return err
		}
		if p[1] != 0x04 {
			return fmt.Errorf("unknown command DLE %#x", p[1])
		}
		d.res.StatusQueries = append(d.res.StatusQueries, p[2])
		return nil
	}
	return fmt.Errorf("unexpected control byte %#x", c)
}

// char takes one character of n bytes into the current line.
func (d *decoder) char(n int) error {
	p, err := d.need(n)
	if err != nil {
		return err
	}
	if n == 2 {
		lead, trail := p[0], p[1]
		if lead < 0x81 || lead > 0xfe {
			return fmt.Errorf("bad GB lead byte %#x", lead)
		}
		if trail >= 0x30 && trail <= 0x39 {
			return fmt.Errorf("4-byte GB18030 sequence % X", d.b[d.i-2:min(d.i+2, len(d.b))])
		}
		if trail < 0x40 || trail == 0x7f || trail == 0xff {
			return fmt.Errorf("bad GB trail byte %#x", trail)
		}
	}
	if len(d.line) == 0 {
		d.lineSt = d.style
	}
	d.line = append(d.line, p...)
	return nil
}

func (d *decoder) endLine() {
	st := d.lineSt
	if len(d.line) == 0 {
		st = d.style
	}
	text, err := simplifiedchinese.GB18030.NewDecoder().Bytes(d.line)
	if err != nil {
		text = []byte(strings.Repeat("?", len(d.line)))
	}
	cols := 0
	for j := 0; j < len(d.line); {
		if d.line[j] < 0x80 {
			cols++
			j++
		} else {
			cols += 2
			j += 2
		}
	}
	d.add(forms.Block{Kind: forms.KindText, Text: string(text), Style: st}, cols*st.Size.WidthFactor(), 0)
	d.line = d.line[:0]
}

func (d *decoder) add(b forms.Block, cols, module int) {
	d.res.Blocks = append(d.res.Blocks, b)
	d.res.Columns = append(d.res.Columns, cols)
	d.res.Modules = append(d.res.Modules, module)
}

func (d *decoder) atLineStart(name string) error {
	if len(d.line) > 0 {
		return fmt.Errorf("%s in the middle of line %q", name, d.line)
	}
	return nil
}

func (d *decoder) esc() error {
	p, err := d.need(2)
	if err != nil {
		return err
	}
	switch p[1] {
	case '@':
		d.res.Inits++
		d.style, d.hri, d.height, d.module = forms.Style{}, 0, 162, 3
		return d.atLineStart("ESC @")
	case 'a':
		n, err := d.need(1)
		if err != nil {
			return err
		}
		d.style.Align = [...]forms.Align{forms.Left, forms.Center, forms.Right, forms.Left}[n[0]&3]
		return d.atLineStart("ESC a")
	case 'E':
		n, err := d.need(1)
		if err != nil {
			return err
		}
		d.style.Bold = n[0]&1 == 1
		return d.atLineStart("ESC E")
	case 'd':
		n, err := d.need(1)
		if err != nil {
			return err
		}
		d.add(forms.Block{Kind: forms.KindFeed, N: int(n[0])}, 0, 0)
		return d.atLineStart("ESC d")
	case 'p':
		if _, err := d.need(3); err != nil {
			return err
		}
		d.add(forms.Block{Kind: forms.KindDrawer}, 0, 0)
		return nil
	}
	return fmt.Errorf("unknown command ESC %#x", p[1])
}

func (d *decoder) gs() error {
	p, err := d.need(2)
	if err != nil {
		return err
	}
	switch p[1] {
	case '!':
		n, err := d.need(1)
		if err != nil {
			return err
		}
		d.style.Size = sizeOf(n[0])
		return d.atLineStart("GS !")
	case 'H', 'h', 'w':
		n, err := d.need(1)
		if err != nil {
			return err
		}
		switch p[1] {
		case 'H':
			d.hri = n[0]
		case 'h':
			d.height = int(n[0])
		case 'w':
			d.module = int(n[0])
		}
		return nil
	case 'V':
		m, err := d.need(1)
		if err != nil {
			return err
		}
		if m[0] == 65 || m[0] == 66 {
			if _, err := d.need(1); err != nil {
				return err
			}
		}
		d.add(forms.Block{Kind: forms.KindCut, Partial: m[0] == 1 || m[0] == 49 || m[0] == 66}, 0, 0)
		return d.atLineStart("GS V")
	case 'k':
		return d.barcode()
	case '(':
		return d.symbol()
	}
	return fmt.Errorf("unknown command GS %#x", p[1])
}

func sizeOf(n byte) forms.Size {
	w, h := n>>4, n&0x0f
	switch {
	case w == 1 && h == 1:
		return forms.Double
	case w == 1:
		return forms.Wide
	case h == 1:
		return forms.Tall
	}
	return forms.Normal
}

// barcode parses GS k 73 n d1..dn (CODE128 with code set prefixes).
func (d *decoder) barcode() error {
	if err := d.atLineStart("GS k"); err != nil {
		return err
	}
	h, err := d.need(2)
	if err != nil {
		return err
	}
	if h[0] != 73 {
		return fmt.Errorf("barcode system %d, want 73 (CODE128)", h[0])
	}
	payload, err := d.need(int(h[1]))
	if err != nil {
		return err
	}
	data, err := DecodeCode128(payload)
	if err != nil {
		return err
	}
	d.add(forms.Block{Kind: forms.KindBarcode, Text: data, HRI: d.hri == 2, N: d.height, Style: forms.Style{Align: d.style.Align}}, 0, d.module)
	return nil
}

// DecodeCode128 returns the data of a GS k 73 payload: "{B" and "{C"
// switch code sets, "{{" is '{', a code set C byte is two digits.
func DecodeCode128(p []byte) (string, error) {
	if len(p) < 2 || p[0] != '{' || (p[1] != 'B' && p[1] != 'C' && p[1] != 'A') {
		return "", fmt.Errorf("CODE128 payload % X does not start with a code set", p)
	}
	var b strings.Builder
	set := byte(0)
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c == '{' {
			if i+1 >= len(p) {
				return "", fmt.Errorf("CODE128 payload ends in '{'")
			}
			i++
			switch p[i] {
			case 'A', 'B', 'C':
				set = p[i]
			case '{':
				b.WriteByte('{')
			default:
				return "", fmt.Errorf("CODE128 special {%c unknown", p[i])
			}
			continue
		}
		if set == 'C' {
			if c > 99 {
				return "", fmt.Errorf("CODE128 code set C byte %d", c)
			}
			fmt.Fprintf(&b, "%02d", c)
			continue
		}
		b.WriteByte(c)
	}
	return b.String(), nil
}

// symbol parses GS ( k for QR codes (cn = 49).
func (d *decoder) symbol() error {
	h, err := d.need(3)
	if err != nil {
		return err
	}
	if h[0] != 'k' {
		return fmt.Errorf("unknown command GS ( %#x", h[0])
	}
	n := int(h[1]) + int(h[2])<<8
	p, err := d.need(n)
	if err != nil {
		return err
	}
	if n < 3 || p[0] != 49 {
		return fmt.Errorf("GS ( k for symbol cn=%d, want 49 (QR)", p[0])
	}
	switch p[1] {
	case 65, 69:
	case 67:
		d.qr.N = int(p[2])
	case 80:
		d.qrData = append([]byte(nil), p[3:]...)
	case 81:
		if err := d.atLineStart("QR print"); err != nil {
			return err
		}
		d.add(forms.Block{Kind: forms.KindQR, Text: string(d.qrData), N: d.qr.N, Style: forms.Style{Align: d.style.Align}}, 0, 0)
	default:
		return fmt.Errorf("QR function %d unknown", p[1])
	}
	return nil
}
