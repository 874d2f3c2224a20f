package till

import (
	"fmt"
	"time"
)

// Encodings a file may be in.
const (
	UTF8    = "utf-8"
	GB18030 = "gb18030"
)

// Money units a file may give prices in.
const (
	Yuan = "yuan" // a decimal number of yuan, "1299.00" (¥ and thousands commas allowed)
	Fen  = "fen"  // an integer number of fen, "129900"
)

// Fields a sales mapping may name. Receipt, SKU, Date and Price are required.
const (
	FieldReceipt  = "receipt"
	FieldLine     = "line"
	FieldSKU      = "sku"
	FieldName     = "name"
	FieldSpec     = "spec"
	FieldCategory = "category"
	FieldSerial   = "serial"
	FieldDate     = "date"
	FieldPrice    = "price"
	FieldChannel  = "channel"
	FieldSpecial  = "special"
	FieldGift     = "gift"
	FieldCustom   = "custom"
)

// SalesFields lists every field of a sales export, required first.
var SalesFields = []string{FieldReceipt, FieldSKU, FieldDate, FieldPrice, FieldLine, FieldName,
	FieldSpec, FieldCategory, FieldSerial, FieldChannel, FieldSpecial, FieldGift, FieldCustom}

// CatalogueFields lists every field of a catalogue export, required first.
var CatalogueFields = []string{FieldSKU, FieldName, FieldCategory, FieldSpec}

// Column says where a field is in a file: by its header name, or by its
// position (from 1) in a file without a header.
type Column struct {
	// Name is the header text, e.g. "小票号".
	Name string
	// Index is the 1-based column number, when Name is "".
	Index int
}

// String names the column as a person wrote it.
func (c Column) String() string {
	if c.Name != "" {
		return c.Name
	}
	return fmt.Sprintf("#%d", c.Index)
}

// Mapping says how to read one kind of export file.
type Mapping struct {
	// Encoding is UTF8 or GB18030.
	Encoding string
	// Delimiter separates fields, usually ',' (or '\t').
	Delimiter rune
	// Header is set when the first line names the columns.
	Header bool
	// DateLayout is the date's Go layout, e.g. "2006-01-02 15:04:05".
	DateLayout string
	// Money is Yuan or Fen.
	Money string
	// Columns maps each field to its column.
	Columns map[string]Column
	// Categories maps the till's category names to policy category ids; a
	// name not in it is taken as the id itself.
	Categories map[string]string
	// Location is the store's time zone, for dates without one.
	Location *time.Location
}
