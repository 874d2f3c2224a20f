package printer

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"shouhou/forms"
)

// EncodeOpts tunes the encoder for a printer model. The zero value suits the
// common 203 dpi Chinese receipt printers (font A, 12 dots a column).
type EncodeOpts struct {
	// DotsPerColumn is the width of one column of font A in dots; the
	// paper is Columns × DotsPerColumn dots wide. 0 means 12.
	DotsPerColumn int
	// BarcodeHeight is the CODE128 bar height in dots when the block does
	// not give one. 0 means 64 (8 mm).
	BarcodeHeight int
	// BarcodeModule is the preferred CODE128 module width in dots (2 to 6);
	// the encoder narrows it down to 2 to fit the paper. 0 means 2.
	BarcodeModule int
	// QRModule is the QR module size in dots when the block does not give
	// one (1 to 16); the encoder shrinks it to fit the paper. 0 means 6.
	QRModule int
	// ASCII is for a printer without a Chinese font: the encoder cancels
	// Chinese mode (FS .) and prints every non-ASCII character as '?'
	// (two for a two-column character, so the layout holds).
	ASCII bool
}

func (o EncodeOpts) withDefaults() EncodeOpts {
	if o.DotsPerColumn <= 0 {
		o.DotsPerColumn = 12
	}
	if o.BarcodeHeight <= 0 || o.BarcodeHeight > 255 {
		o.BarcodeHeight = 64
	}
	if o.BarcodeModule < 2 || o.BarcodeModule > 6 {
		o.BarcodeModule = 2
	}
	if o.QRModule < 1 || o.QRModule > 16 {
		o.QRModule = 6
	}
	return o
}

// ESC/POS command bytes (see doc.go).
const (
	esc = 0x1b
	gs  = 0x1d
	fs  = 0x1c
	dle = 0x10
	eot = 0x04
	lf  = 0x0a
)

// ErrUnencodable reports a document this printer cannot print as asked,
// such as a barcode too long for the paper.
var ErrUnencodable = errors.New("printer: cannot encode")

// Encoder turns print documents into ESC/POS bytes. It is safe for
// concurrent use.
type Encoder struct {
	opts EncodeOpts
}

// NewEncoder returns an encoder; opts may be nil for the defaults.
func NewEncoder(opts *EncodeOpts) *Encoder {
	var o EncodeOpts
	if opts != nil {
		o = *opts
	}
	return &Encoder{opts: o.withDefaults()}
}

// Encode encodes doc with the default options.
func Encode(doc *forms.Document) ([]byte, error) {
	return NewEncoder(nil).Encode(doc)
}

// Encode returns the ESC/POS bytes of doc: ESC @, the character mode, then
// each line of doc.Layout() with only the style changes it needs. It fails
// with an error wrapping ErrUnencodable when a block cannot print on this
// paper (a barcode too long, QR data too long, bad barcode characters).
func (e *Encoder) Encode(doc *forms.Document) ([]byte, error) {
	if err := doc.Validate(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnencodable, err)
	}
	w := &writer{
		opts:  e.opts,
		dots:  doc.Columns * e.opts.DotsPerColumn,
		gb:    simplifiedchinese.GB18030.NewEncoder(),
		out:   make([]byte, 0, 2048),
		state: textState{},
	}
	w.out = append(w.out, esc, '@')
	if e.opts.ASCII {
		w.out = append(w.out, fs, '.')
	} else {
		w.out = append(w.out, fs, '&')
	}
	for i, b := range doc.Layout() {
		if err := w.block(b); err != nil {
			return nil, fmt.Errorf("%w: document %q line %d: %w", ErrUnencodable, doc.Name, i, err)
		}
	}
	return w.out, nil
}

// textState is the printer's text mode as the encoder last set it.
type textState struct {
	align forms.Align
	bold  bool
	size  forms.Size
}

// writer accumulates one document's bytes.
type writer struct {
	opts  EncodeOpts
	dots  int
	gb    transform.Transformer
	out   []byte
	state textState
}

func (w *writer) block(b forms.Block) error {
	switch b.Kind {
	case forms.KindText:
		return w.text(b)
	case forms.KindBarcode:
		return w.barcode(b)
	case forms.KindQR:
		return w.qr(b)
	case forms.KindFeed:
		if b.N > 0 {
			w.out = append(w.out, esc, 'd', byte(b.N))
		}
	case forms.KindCut:
		m := byte(65)
		if b.Partial {
			m = 66
		}
		w.out = append(w.out, gs, 'V', m, 0)
	case forms.KindDrawer:
		w.out = append(w.out, esc, 'p', 0, 25, 250)
	default:
		return fmt.Errorf("unknown block kind %q", b.Kind)
	}
	return nil
}

func (w *writer) setAlign(a forms.Align) {
	if w.state.align == a {
		return
	}
	n := byte(0)
	switch a {
	case forms.Center:
		n = 1
	case forms.Right:
		n = 2
	}
	w.out = append(w.out, esc, 'a', n)
	w.state.align = a
}

func (w *writer) setStyle(st forms.Style) {
	w.setAlign(st.Align)
	if w.state.bold != st.Bold {
		n := byte(0)
		if st.Bold {
			n = 1
		}
		w.out = append(w.out, esc, 'E', n)
		w.state.bold = st.Bold
	}
	if w.state.size != st.Size {
		n := byte(st.Size.WidthFactor()-1)<<4 | byte(st.Size.HeightFactor()-1)
		w.out = append(w.out, gs, '!', n)
		w.state.size = st.Size
	}
}

// text writes one laid-out line and LF.
func (w *writer) text(b forms.Block) error {
	w.setStyle(b.Style)
	s := b.Text
	if w.opts.ASCII {
		s = asciiFallback(s)
	}
	if isASCII(s) {
		w.out = append(w.out, s...)
		w.out = append(w.out, lf)
		return checkGB(w.out[len(w.out)-len(s)-1 : len(w.out)-1])
	}
	at := len(w.out)
	out, _, err := transform.Append(w.gb, w.out, []byte(s))
	if err != nil {
		return fmt.Errorf("GB18030 of %q: %w", s, err)
	}
	if err := checkGB(out[at:]); err != nil {
		return fmt.Errorf("line %q: %w", s, err)
	}
	w.out = append(out, lf)
	return nil
}

// checkGB makes sure enc holds only printable ASCII and 2-byte GB codes.
func checkGB(enc []byte) error {
	for i := 0; i < len(enc); {
		c := enc[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			i++
		case c >= 0x81 && c <= 0xfe && i+1 < len(enc) && enc[i+1] >= 0x40 && enc[i+1] != 0x7f && enc[i+1] <= 0xfe:
			i += 2
		default:
			return fmt.Errorf("unprintable byte sequence at %d: % X", i, enc[i:min(i+4, len(enc))])
		}
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// asciiFallback prints each non-ASCII character as '?' per column.
func asciiFallback(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < 0x80 {
			b.WriteRune(r)
		} else {
			b.WriteString(strings.Repeat("?", forms.Width(string(r))))
		}
	}
	return b.String()
}

// barcode writes a centered CODE128 symbol.
func (w *writer) barcode(b forms.Block) error {
	payload, modules, err := code128(b.Text)
	if err != nil {
		return err
	}
	module := fitModule(modules, w.dots, w.opts.BarcodeModule)
	if (modules+2*code128Quiet)*module > w.dots {
		return fmt.Errorf("barcode %q needs %d dots, the paper has %d", b.Text, (modules+2*code128Quiet)*module, w.dots)
	}
	height := w.opts.BarcodeHeight
	if b.N > 0 && b.N <= 255 {
		height = b.N
	}
	hri := byte(0)
	if b.HRI {
		hri = 2
	}
	w.setStyle(forms.Style{Align: forms.Center})
	w.out = append(w.out, gs, 'H', hri, gs, 'h', byte(height), gs, 'w', byte(module))
	w.out = append(w.out, gs, 'k', 73, byte(len(payload)))
	w.out = append(w.out, payload...)
	return nil
}

// fitModule narrows a CODE128 module width from preferred down to 2 dots
// until the symbol and its quiet zones fit dots.
func fitModule(modules, dots, preferred int) int {
	module := preferred
	for module > 2 && (modules+2*code128Quiet)*module > dots {
		module--
	}
	return module
}

// fitQRModule returns the QR module size: the block's n when given (1 to
// 16), else preferred, shrunk until the symbol and its quiet zone fit dots.
func fitQRModule(version, dots, preferred, n int) int {
	module := preferred
	if n > 0 && n <= 16 {
		module = n
	}
	side := 17 + 4*version + 2*qrQuiet
	for module > 1 && side*module > dots {
		module--
	}
	return module
}

// qr writes a centered QR code (model 2, error correction M).
func (w *writer) qr(b forms.Block) error {
	data := []byte(b.Text)
	version := qrVersion(len(data))
	if version == 0 {
		return fmt.Errorf("QR data of %d bytes, at most %d fit", len(data), qrCapacityM[len(qrCapacityM)-1])
	}
	module := fitQRModule(version, w.dots, w.opts.QRModule, b.N)
	w.setStyle(forms.Style{Align: forms.Center})
	n := len(data) + 3
	w.out = append(w.out,
		gs, '(', 'k', 4, 0, 49, 65, 50, 0, // fn 65: model 2
		gs, '(', 'k', 3, 0, 49, 67, byte(module), // fn 67: module size
		gs, '(', 'k', 3, 0, 49, 69, 49, // fn 69: error correction M
		gs, '(', 'k', byte(n), byte(n>>8), 49, 80, 48) // fn 80: store
	w.out = append(w.out, data...)
	w.out = append(w.out, gs, '(', 'k', 3, 0, 49, 81, 48) // fn 81: print
	return nil
}
