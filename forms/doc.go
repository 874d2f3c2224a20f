// Package forms holds the store's paper forms as data and the
// printer-independent print document they render to.
//
// Document is a sequence of blocks (text lines with alignment, bold and
// double size; two-column rows; separators; CODE128 barcodes; QR codes;
// feeds; cuts; the cash drawer kick) laid out for paper of a given width in
// columns: 32 for 58 mm, 48 for 80 mm. Width counts display columns the way
// a Chinese receipt printer does: an ASCII character is one column, a
// character GB18030 encodes in two bytes is two; characters it encodes in
// four bytes cannot print and are replaced (Printable). Layout wraps the
// text by that width; the printer driver and the on-screen previews both
// render from Layout, so they break lines in the same places.
//
// forms produces documents, never printer bytes: it must not import
// drivers, ui or conf, nor any ESC/POS or HTTP package.
package forms
