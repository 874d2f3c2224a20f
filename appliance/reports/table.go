package reports

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// BOM is the UTF-8 byte order mark every CSV export starts with: Excel,
// which most stores open CSV files in, reads a CSV without it in the
// system's legacy code page (GBK on Chinese Windows) and garbles Chinese.
const BOM = "\ufeff"

// Table is one table of a report, the unit of CSV export.
type Table struct {
	// Name is the table's id, used in file names (e.g. "closing-tickets").
	Name string `json:"name"`
	// Title is its heading for people, Chinese then English.
	Title string `json:"title"`
	// Columns are the column headings.
	Columns []string `json:"columns"`
	// Rows are the cells, each row as long as Columns.
	Rows [][]string `json:"rows"`
}

// Yuan writes fen as yuan with two decimals: -12345 is "-123.45".
func Yuan(fen int64) string {
	sign := ""
	if fen < 0 {
		sign, fen = "-", -fen
	}
	return fmt.Sprintf("%s%d.%02d", sign, fen/100, fen%100)
}

// Percent writes a rate as the KPI table does: a percentage with one
// decimal, "—" when there is nothing to count.
func Percent(r Rate) string { return percent(r) }

// percent writes a rate as a percentage with one decimal.
func percent(r Rate) string {
	if r.Total == 0 {
		return "—"
	}
	return strconv.FormatFloat(100*r.Value, 'f', 1, 64) + "%"
}

// WriteCSV writes a table as CSV (RFC 4180, comma, CRLF-free "\n" line
// ends as encoding/csv writes them) in UTF-8 after a BOM, a header row
// first.
func WriteCSV(w io.Writer, t Table) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return fmt.Errorf("reports: csv %s: %w", t.Name, err)
	}
	return writeCSVBody(w, t)
}

func writeCSVBody(w io.Writer, t Table) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(defuseRow(t.Columns, nil)); err != nil {
		return fmt.Errorf("reports: csv %s: %w", t.Name, err)
	}
	numeric := numericColumns(t)
	rows := make([][]string, len(t.Rows))
	for i, r := range t.Rows {
		rows[i] = defuseRow(r, numeric)
	}
	if err := cw.WriteAll(rows); err != nil {
		return fmt.Errorf("reports: csv %s: %w", t.Name, err)
	}
	return nil
}

// WriteCSVTables writes several tables into one CSV stream: one BOM, then
// each table as a title row, its header and rows, and an empty row between
// tables. For a single table, WriteCSV.
func WriteCSVTables(w io.Writer, ts []Table) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return fmt.Errorf("reports: csv: %w", err)
	}
	for i, t := range ts {
		if i > 0 {
			if _, err := io.WriteString(w, "\n"); err != nil {
				return fmt.Errorf("reports: csv: %w", err)
			}
		}
		cw := csv.NewWriter(w)
		if err := cw.Write(defuseRow([]string{t.Title}, nil)); err != nil {
			return fmt.Errorf("reports: csv %s: %w", t.Name, err)
		}
		cw.Flush()
		if err := writeCSVBody(w, t); err != nil {
			return err
		}
	}
	return nil
}

// WriteText writes tables for a terminal: each title, then columns
// aligned by display width (a Chinese character takes two columns).
func WriteText(w io.Writer, ts []Table) error {
	var b strings.Builder
	for i, t := range ts {
		t = terminalSafe(t)
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(t.Title + "\n")
		widths := make([]int, len(t.Columns))
		for _, row := range append([][]string{t.Columns}, t.Rows...) {
			for j, c := range row {
				if j < len(widths) {
					widths[j] = max(widths[j], displayWidth(c))
				}
			}
		}
		for _, row := range append([][]string{t.Columns}, t.Rows...) {
			for j, c := range row {
				b.WriteString(c)
				if j < len(row)-1 {
					b.WriteString(strings.Repeat(" ", widths[j]-displayWidth(c)+2))
				}
			}
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// displayWidth counts East Asian wide runes as two columns.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && utf8.RuneLen(r) >= 3 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
