// Package forms holds the store's paper forms as data and the
// printer-independent print document they render to.
//
// # Documents
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
// # Forms
//
// Every form of the store (DOMAIN.md "Forms") is a Form: a declarative
// definition of its sections and fields (labels in Chinese and English,
// kind, required or not, length, pattern, range and options, and the
// record field that fills it), its parts (一式两联 with the captions
// 第一联 存根/维修部 and 第二联 顾客联) and the field printed as a barcode.
// All and ByName return them. One definition drives both sides:
//
//   - paper: Render(form, record, columns) fills the form from a Record
//     (ticket, customer, purchase, card, ledger, the store's header and
//     free values) and lays it out as a Document;
//   - screen: Form.Screen gives the fields as JSON for the UI, Form.Fill
//     the values to pre-fill them with, and Validate checks what comes
//     back, naming the field at fault (appliance.FieldError).
//
// # On paper
//
// Labels print in Chinese only, at both widths: the store's paper forms
// are Chinese, and an English label on every row would leave a 58 mm slip
// half the room for the values. The English title prints under the
// Chinese one, and section headings carry their English, at 80 mm only.
// The screen always has both languages.
//
// A label and its value share a line, the value flush right, when they
// fit; otherwise the value goes under the label, wrapped and indented.
// Values are wrapped with WrapWords, which keeps a run of ASCII (a room
// number, a model, a phone number) whole inside Chinese text.
// Multi-line values (a fault description) print as a paragraph under
// their label; lists (parts used, a day's work) as indented rows. Money is
// int64 fen printed as "￥1299.00" (FormatYuan), never through floats. A
// select with at most four options prints them all as tick boxes, ■ for
// the chosen one and □ for the others, as the paper forms do (保内□
// 保外□); a longer list prints the chosen option's label.
//
// Empty fields: a required field without a value is an error naming it,
// except where the paper form expects handwriting (Field.Handwrite: the
// clerk's and the driver's names, the repair point, the warranty and
// charge boxes, the survey boxes, a conclusion written on the repair
// card): those print a blank line, or empty boxes, for the pen. Signature
// fields (顾客签字, 主管签字, ...) always print a blank line and never show
// on the screen. An empty optional field is left off the slip.
//
// The ticket number prints as a CODE128 barcode and a QR code on every
// part of a form that has one, when it is a well-formed number (at most
// 20 printable ASCII characters matching the field's pattern); otherwise
// only as text, so that a slip always prints.
//
// forms produces documents, never printer bytes: it must not import
// drivers, ui or conf, nor any ESC/POS or HTTP package. It may import
// appliance for the records and the error type. The store's header comes
// in as a StoreInfo that main or ui fill in from the config.
package forms
