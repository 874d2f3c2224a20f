package till

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"shouhou/appliance/purchases"
)

// Sales reads a sales export through the mapping. It returns the lines it
// read and, separately, every line it could not read with its line number
// and field; err is for a file that cannot be read at all (unknown
// encoding, a header missing a mapped column, an I/O error). A file with
// no line column numbers each receipt's lines in file order (a rejected
// line keeps its number, so fixing it and importing again numbers alike).
func Sales(r io.Reader, m Mapping) (sales []purchases.Sale, rejected []purchases.RowError, err error) {
	lines := map[string]int{} // receipt -> lines seen, when the file has no line column
	return readRows(r, m, func(rw row) (purchases.Sale, *purchases.RowError) { return m.sale(rw, lines) })
}

// Catalogue reads a catalogue export through the mapping, as Sales does.
func Catalogue(r io.Reader, m Mapping) (lines []purchases.CatalogueLine, rejected []purchases.RowError, err error) {
	return readRows(r, m, func(rw row) (purchases.CatalogueLine, *purchases.RowError) {
		return purchases.CatalogueLine{Row: rw.line, SKU: rw.get(FieldSKU), Name: rw.get(FieldName),
			Spec: rw.get(FieldSpec), Category: m.category(rw.get(FieldCategory))}, nil
	})
}

// readRows reads every row of the export through the mapping and turns
// each non-blank one into a T with conv; a row that cannot be read or
// converted is a rejection with its line and field, err a file that
// cannot be read at all.
func readRows[T any](r io.Reader, m Mapping, conv func(row) (T, *purchases.RowError)) (out []T, rejected []purchases.RowError, err error) {
	t, err := newTable(r, m)
	if err != nil {
		return nil, nil, err
	}
	for {
		rw, rerr, err := t.next()
		if err == io.EOF {
			return out, rejected, nil
		}
		if err != nil {
			return nil, nil, err
		}
		if rerr != nil {
			rejected = append(rejected, *rerr)
			continue
		}
		if rw.blank() {
			continue
		}
		v, rerr := conv(rw)
		if rerr != nil {
			rejected = append(rejected, *rerr)
			continue
		}
		out = append(out, v)
	}
}

// sale reads one sales row.
func (m Mapping) sale(rw row, lines map[string]int) (purchases.Sale, *purchases.RowError) {
	bad := func(field, msg string) (purchases.Sale, *purchases.RowError) {
		return purchases.Sale{}, &purchases.RowError{Line: rw.line, Field: field, Message: msg}
	}
	s := purchases.Sale{Row: rw.line, Receipt: rw.get(FieldReceipt), SKU: rw.get(FieldSKU), Name: rw.get(FieldName),
		Spec: rw.get(FieldSpec), Category: m.category(rw.get(FieldCategory)), Serial: rw.get(FieldSerial),
		Channel: rw.get(FieldChannel)}
	if _, ok := m.Columns[FieldLine]; ok {
		n, err := strconv.Atoi(rw.get(FieldLine))
		if err != nil || n < 1 {
			return bad(FieldLine, fmt.Sprintf("行号应为正整数 / the line number must be a whole number from 1, got %q", rw.get(FieldLine)))
		}
		s.Line = n
	} else {
		lines[s.Receipt]++
		s.Line = lines[s.Receipt]
	}
	var err error
	if s.Sold, err = m.date(rw.get(FieldDate)); err != nil {
		return bad(FieldDate, err.Error())
	}
	if s.PriceFen, err = m.money(rw.get(FieldPrice)); err != nil {
		return bad(FieldPrice, err.Error())
	}
	for _, f := range []struct {
		field string
		to    *bool
	}{{FieldSpecial, &s.Special}, {FieldGift, &s.Gift}, {FieldCustom, &s.Custom}} {
		if *f.to, err = flag(rw.get(f.field)); err != nil {
			return bad(f.field, err.Error())
		}
	}
	return s, nil
}

func (m Mapping) category(v string) string {
	if id, ok := m.Categories[v]; ok {
		return id
	}
	return v
}

func (m Mapping) date(v string) (time.Time, error) {
	loc := m.Location
	if loc == nil {
		loc = time.Local
	}
	t, err := time.ParseInLocation(m.DateLayout, v, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("日期 %q 不符合格式 / the date %q does not match the date format of till.toml", v, v)
	}
	return t, nil
}

// money reads a price in the mapping's unit into fen.
func (m Mapping) money(v string) (int64, error) {
	if m.Money == Fen {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return 0, fmt.Errorf("金额应为非负整数（分） / the price must be a whole number of fen, got %q", v)
		}
		return n, nil
	}
	return ParseYuan(v)
}

// ParseYuan reads a non-negative amount of yuan with at most two decimals
// ("1299", "1,299.50", "¥12.5") into fen, exactly.
func ParseYuan(v string) (int64, error) {
	bad := fmt.Errorf("金额应为元，最多两位小数 / the price must be yuan with at most two decimals, got %q", v)
	s := strings.NewReplacer("¥", "", "￥", "", ",", "", " ", "").Replace(v)
	whole, frac, dot := strings.Cut(s, ".")
	if whole == "" || len(whole) > 12 || len(frac) > 2 || (dot && frac == "") {
		return 0, bad
	}
	for len(frac) < 2 {
		frac += "0"
	}
	yuan, err1 := strconv.ParseUint(whole, 10, 64)
	fen, err2 := strconv.ParseUint(frac, 10, 64)
	if err1 != nil || err2 != nil || strings.ContainsAny(whole+frac, "+-") {
		return 0, bad
	}
	return int64(yuan*100 + fen), nil
}

// flag reads a yes/no column: "", 0, N, 否, false are no; 1, Y, 是, true are yes.
func flag(v string) (bool, error) {
	switch strings.ToLower(v) {
	case "", "0", "n", "no", "否", "false":
		return false, nil
	case "1", "y", "yes", "是", "true":
		return true, nil
	}
	return false, fmt.Errorf("应为 是/否、1/0 或 Y/N / must be 是/否, 1/0 or Y/N, got %q", v)
}
