package till

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"

	"shouhou/appliance/purchases"
)

// table reads a CSV export row by row through a mapping, resolving the
// mapping's columns to positions.
type table struct {
	m   Mapping
	r   *csv.Reader
	pos map[string]int // field -> 0-based position
	max int            // the highest position a field needs
}

// newTable opens r through the mapping: decodes GB18030, drops a UTF-8
// byte-order mark, and reads the header when there is one. A header that
// lacks a mapped column is an error for the whole file.
func newTable(r io.Reader, m Mapping) (*table, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	var src io.Reader = br
	switch strings.ToLower(m.Encoding) {
	case GB18030:
		src = simplifiedchinese.GB18030.NewDecoder().Reader(br)
	case UTF8, "":
		if b, err := br.Peek(3); err == nil && string(b) == "\xef\xbb\xbf" {
			br.Discard(3)
		}
	default:
		return nil, fmt.Errorf("till: 未知编码 %q / unknown encoding %q", m.Encoding, m.Encoding)
	}
	cr := csv.NewReader(src)
	cr.Comma = m.Delimiter
	if cr.Comma == 0 {
		cr.Comma = ','
	}
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	t := &table{m: m, r: cr, pos: map[string]int{}}
	return t, t.resolve()
}

// resolve finds each mapped column's position, reading the header if any.
func (t *table) resolve() error {
	var header map[string]int
	if t.m.Header {
		rec, err := t.r.Read()
		if err != nil {
			return fmt.Errorf("till: 读取表头 / reading the header line: %w", err)
		}
		header = map[string]int{}
		for i, h := range rec {
			h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
			if _, dup := header[h]; !dup {
				header[h] = i
			}
		}
	}
	var missing []string
	for _, field := range slices.Sorted(maps.Keys(t.m.Columns)) {
		c := t.m.Columns[field]
		i := c.Index - 1
		if c.Name != "" {
			var ok bool
			if i, ok = header[c.Name]; !ok {
				missing = append(missing, fmt.Sprintf("%q (%s)", c.Name, field))
				continue
			}
		}
		if i < 0 {
			return fmt.Errorf("till: %s 的列号应从 1 开始 / the column of %s must be 1 or more", field, field)
		}
		t.pos[field] = i
		t.max = max(t.max, i)
	}
	if len(missing) > 0 {
		list := strings.Join(missing, ", ")
		return fmt.Errorf("till: 表头中没有这些列 %s / the header lacks the columns %s (see till.toml)", list, list)
	}
	return nil
}

// row is one record of the file with its line.
type row struct {
	line int
	rec  []string
	t    *table
}

// next returns the next record; io.EOF at the end. A record that does not
// parse is returned as a row error, and reading goes on with the next.
func (t *table) next() (row, *purchases.RowError, error) {
	rec, err := t.r.Read()
	var pe *csv.ParseError
	switch {
	case err == io.EOF:
		return row{}, nil, io.EOF
	case errors.As(err, &pe):
		return row{}, &purchases.RowError{Line: pe.StartLine, Message: "CSV 格式错误 / malformed CSV: " + pe.Err.Error()}, nil
	case err != nil:
		return row{}, nil, fmt.Errorf("till: 读取 / reading: %w", err)
	}
	line, _ := t.r.FieldPos(0)
	if len(rec) <= t.max {
		return row{}, &purchases.RowError{Line: line, Message: fmt.Sprintf(
			"只有 %d 列，至少需要 %d 列 / the line has %d fields, the mapping needs %d", len(rec), t.max+1, len(rec), t.max+1)}, nil
	}
	for _, f := range rec {
		if !utf8.ValidString(f) {
			return row{}, &purchases.RowError{Line: line, Message: "不是 UTF-8 文本（文件是 GB18030 吗？见 till.toml 的 encoding） / the line is not UTF-8 (is the file GB18030? see encoding in till.toml)"}, nil
		}
	}
	return row{line: line, rec: rec, t: t}, nil, nil
}

// get returns a field's trimmed value ("" when the mapping has no column for it).
func (r row) get(field string) string {
	i, ok := r.t.pos[field]
	if !ok {
		return ""
	}
	return strings.TrimSpace(r.rec[i])
}

// blank reports whether every field of the row is empty (a trailing empty line).
func (r row) blank() bool {
	for _, f := range r.rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}
