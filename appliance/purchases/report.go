package purchases

import (
	"fmt"
	"strings"
)

// RowError is one rejected line of a batch.
type RowError struct {
	// Line is the line of the file (1 = the first line, the header if any),
	// or the receipt line of a pushed sale.
	Line int `json:"line"`
	// Field names the column or field at fault ("" for the whole line).
	Field string `json:"field,omitempty"`
	// Message says what is wrong, Chinese first with English beside it.
	Message string `json:"message"`
}

// String formats the error as "line N: field: message".
func (e RowError) String() string {
	if e.Field == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Message)
	}
	return fmt.Sprintf("line %d: %s: %s", e.Line, e.Field, e.Message)
}

// Report is what an import did.
type Report struct {
	// Kind is "purchases" or "catalogue".
	Kind string `json:"kind"`
	// Source names the batch: "file:NAME" or "push:TILL".
	Source string `json:"source"`
	// Rows is how many lines were read (header excluded).
	Rows int `json:"rows"`
	// Added is how many new lines were stored.
	Added int `json:"added"`
	// Updated is how many catalogue lines changed (purchases never do).
	Updated int `json:"updated"`
	// Unchanged is how many lines were already stored as they are.
	Unchanged int `json:"unchanged"`
	// Rejected is how many lines were refused; Errors says why.
	Rejected int `json:"rejected"`
	// Errors lists every rejected line, in line order.
	Errors []RowError `json:"errors,omitempty"`
	// DryRun is set when nothing was to be written.
	DryRun bool `json:"dry_run,omitempty"`
	// Applied is false when nothing was written: a dry run, or an
	// all-or-nothing batch with a rejected line.
	Applied bool `json:"applied"`
}

// String is the report for people, one line per rejected row.
func (r Report) String() string {
	var b strings.Builder
	state := "已导入 / imported"
	switch {
	case r.DryRun:
		state = "试运行，未写入 / dry run, nothing written"
	case !r.Applied:
		state = "有错误行，未写入任何行 / rows were rejected, nothing written (all-or-nothing)"
	}
	fmt.Fprintf(&b, "%s %s: %s\n", r.Kind, r.Source, state)
	fmt.Fprintf(&b, "rows %d, added %d, updated %d, unchanged %d, rejected %d\n", r.Rows, r.Added, r.Updated, r.Unchanged, r.Rejected)
	for _, e := range r.Errors {
		fmt.Fprintln(&b, e.String())
	}
	return b.String()
}
