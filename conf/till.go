package conf

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"slices"
	"strings"
)

// FileTill is till.toml: how to read the till's exports, the tills that
// push sales, and the watched import folder.
const FileTill = "till.toml"

// Till is till.toml.
type Till struct {
	// Version is the schema version of the file (1).
	Version int `toml:"version" json:"-"`
	// Purchases says how to read a sales export.
	Purchases TillExport `toml:"purchases" json:"purchases"`
	// Catalogue says how to read a product catalogue export.
	Catalogue TillExport `toml:"catalogue" json:"catalogue"`
	// Categories maps the till's category names to policy category ids.
	Categories map[string]string `toml:"categories" json:"categories,omitempty"`
	// Tills are the tills that may push sales, each with its token.
	Tills []TillPOS `toml:"tills" json:"tills"`
	// Push limits the push endpoint.
	Push TillPush `toml:"push" json:"push"`
	// Watch is the folder exports are dropped into.
	Watch TillWatch `toml:"watch" json:"watch"`
}

// TillExport is how to read one kind of export file.
type TillExport struct {
	// Encoding is "gb18030" or "utf-8".
	Encoding string `toml:"encoding" json:"encoding"`
	// Delimiter is the field separator, one character ("," or "\t").
	Delimiter string `toml:"delimiter" json:"delimiter"`
	// Header is true when the first line names the columns.
	Header bool `toml:"header" json:"header"`
	// DateFormat is the date pattern with YYYY MM DD HH mm ss (sales only).
	DateFormat string `toml:"date_format" json:"date_format,omitempty"`
	// DateLayout is DateFormat as a Go layout.
	DateLayout string `toml:"-" json:"-"`
	// Money is "yuan" or "fen" (sales only).
	Money string `toml:"money" json:"money,omitempty"`
	// Columns maps each field to its column: a header name or a 1-based number.
	Columns map[string]TillColumn `toml:"columns" json:"columns"`
}

// TillColumn is a column by header name (a string) or 1-based position (an integer).
type TillColumn struct {
	// Name is the header text.
	Name string `json:"name,omitempty"`
	// Index is the column number from 1, when Name is "".
	Index int `json:"index,omitempty"`
}

// UnmarshalTOML reads a header name or a column number.
func (c *TillColumn) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case string:
		if strings.TrimSpace(x) == "" {
			return fmt.Errorf("列名不能为空 / a column name must not be empty")
		}
		c.Name = strings.TrimSpace(x)
	case int64:
		if x < 1 || x > 1000 {
			return fmt.Errorf("列号应在 1 到 1000 之间 / a column number must be 1–1000, got %d", x)
		}
		c.Index = int(x)
	default:
		return fmt.Errorf("列应为表头名称（字符串）或列号（整数） / a column is a header name (string) or a number (integer), got %T", v)
	}
	return nil
}

// TillPOS is one till that pushes its sales.
type TillPOS struct {
	// ID names the till in purchases ("push:ID") and audit entries.
	ID string `toml:"id" json:"id"`
	// Name is shown to people.
	Name string `toml:"name" json:"name"`
	// Token is the till's secret, sent as "Authorization: Bearer TOKEN";
	// at least 24 characters.
	Token string `toml:"token" json:"-"`
}

// TillPush limits the push endpoint.
type TillPush struct {
	// MaxBodyBytes is the largest request body accepted.
	MaxBodyBytes int `toml:"max_body_bytes" json:"max_body_bytes"`
	// PerMinute is how many pushes one till may make a minute.
	PerMinute int `toml:"per_minute" json:"per_minute"`
}

// TillWatch is the watched import folder.
type TillWatch struct {
	// Dir is the folder ("" = no folder is watched).
	Dir string `toml:"dir" json:"dir"`
	// CataloguePrefix: a file whose name starts with it is a catalogue, any other a sales export.
	CataloguePrefix string `toml:"catalogue_prefix" json:"catalogue_prefix"`
	// AllOrNothing refuses a whole file with a rejected line (else the good lines are kept).
	AllOrNothing bool `toml:"all_or_nothing" json:"all_or_nothing"`
}

// Fields of the till exports (drivers/till reads them; a test keeps the lists equal).
var (
	// TillSalesFields are the fields a sales export may map, required first.
	TillSalesFields = []string{"receipt", "sku", "date", "price", "line", "name", "spec", "category", "serial", "channel", "special", "gift", "custom"}
	// TillCatalogueFields are the fields a catalogue export may map, required first.
	TillCatalogueFields = []string{"sku", "name", "category", "spec"}
)

// ByToken returns the till holding token, comparing in constant time; ok is false for no match.
func (t Till) ByToken(token string) (TillPOS, bool) {
	var found TillPOS
	ok := false
	for _, p := range t.Tills {
		if constantTimeEqual(p.Token, token) {
			found, ok = p, true
		}
	}
	return found, ok
}

func buildTill(s *source, categories func(string) bool) (Till, Errors) {
	var t Till
	_, errs := decodeStrict(s, &t, [][]string{{"purchases", "encoding"}, {"purchases", "columns"},
		{"purchases", "date_format"}, {"purchases", "money"}, {"catalogue", "encoding"}, {"catalogue", "columns"},
		{"push", "max_body_bytes"}, {"push", "per_minute"}})
	if len(errs) > 0 {
		return t, errs
	}
	errs = append(errs, checkExport(s, "purchases", &t.Purchases, TillSalesFields, 4)...)
	errs = append(errs, checkExport(s, "catalogue", &t.Catalogue, TillCatalogueFields, 3)...)
	for _, name := range sortedKeys(t.Categories) {
		if id := t.Categories[name]; !categories(id) {
			errs = append(errs, s.errAt([]any{"categories", name}, "政策中没有类别 %q / policy.toml has no category %q", id, id))
		}
	}
	ids, tokens := map[string]bool{}, map[string]bool{}
	for i, p := range t.Tills {
		errs = append(errs, checkID(s, ids, []any{"tills", i, "id"}, p.ID)...)
		errs = append(errs, checkName(s, []any{"tills", i, "name"}, p.Name)...)
		if len(p.Token) < 24 || tokens[p.Token] {
			errs = append(errs, s.errAt([]any{"tills", i, "token"}, "令牌至少 24 个字符且各收银机不同 / a token is at least 24 characters and differs per till"))
		}
		tokens[p.Token] = true
	}
	errs = append(errs, positive(s, []any{"push", "max_body_bytes"}, t.Push.MaxBodyBytes, 1<<20)...)
	errs = append(errs, positive(s, []any{"push", "per_minute"}, t.Push.PerMinute, 6000)...)
	if t.Watch.Dir != "" && t.Watch.CataloguePrefix == "" {
		errs = append(errs, s.errAt([]any{"watch", "catalogue_prefix"}, "监视目录需要 catalogue_prefix / a watched folder needs catalogue_prefix"))
	}
	return t, errs
}

// checkExport checks one export's reading rules and fills its DateLayout.
func checkExport(s *source, table string, e *TillExport, fields []string, required int) Errors {
	var errs Errors
	if e.Encoding != "gb18030" && e.Encoding != "utf-8" {
		errs = append(errs, s.errAt([]any{table, "encoding"}, "编码应为 gb18030 或 utf-8 / encoding must be gb18030 or utf-8, got %q", e.Encoding))
	}
	if e.Delimiter == "" {
		e.Delimiter = ","
	}
	if r := []rune(e.Delimiter); len(r) != 1 || r[0] == '"' || r[0] == '\n' || r[0] == '\r' {
		errs = append(errs, s.errAt([]any{table, "delimiter"}, "分隔符应为一个字符 / delimiter must be one character (not a quote or newline), got %q", e.Delimiter))
	}
	for _, field := range sortedKeys(e.Columns) {
		c := e.Columns[field]
		if !slices.Contains(fields, field) {
			errs = append(errs, s.errAt([]any{table, "columns", field}, "未知的字段 %q，可用 %s / unknown field %q; fields are %s", field, strings.Join(fields, " "), field, strings.Join(fields, " ")))
		}
		if c.Name != "" && !e.Header {
			errs = append(errs, s.errAt([]any{table, "columns", field}, "没有表头时列应写成列号 / without a header a column is a number"))
		}
	}
	for _, f := range fields[:required] {
		if _, ok := e.Columns[f]; !ok {
			errs = append(errs, s.errAt([]any{table, "columns"}, "缺少必需的列 %s / the required column %s is missing", f, f))
		}
	}
	if table == "purchases" {
		layout, err := tillDateLayout(e.DateFormat)
		if err != nil {
			errs = append(errs, s.errAt([]any{table, "date_format"}, "%v", err))
		}
		e.DateLayout = layout
		if e.Money != "yuan" && e.Money != "fen" {
			errs = append(errs, s.errAt([]any{table, "money"}, "金额单位应为 yuan 或 fen / money must be yuan or fen, got %q", e.Money))
		}
	}
	return errs
}

// tillDateLayout turns a pattern written with YYYY, MM, DD, HH, mm and ss
// into a Go time layout; any other ASCII letter or digit is refused.
func tillDateLayout(pattern string) (string, error) {
	var b strings.Builder
	tokens := []struct{ tok, layout string }{{"YYYY", "2006"}, {"MM", "01"}, {"DD", "02"}, {"HH", "15"}, {"mm", "04"}, {"ss", "05"}}
	date := 0
next:
	for rest := pattern; rest != ""; {
		for _, t := range tokens {
			if strings.HasPrefix(rest, t.tok) {
				b.WriteString(t.layout)
				rest = rest[len(t.tok):]
				if t.tok == "YYYY" || t.tok == "MM" || t.tok == "DD" {
					date++
				}
				continue next
			}
		}
		c := rest[0]
		if c < 0x80 && (c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') && c != 'T' {
			return "", fmt.Errorf("日期格式只能用 YYYY MM DD HH mm ss 和分隔符 / date_format uses YYYY MM DD HH mm ss and separators only, not %q", string(c))
		}
		b.WriteByte(c)
		rest = rest[1:]
	}
	if date != 3 {
		return "", fmt.Errorf("日期格式需要 YYYY、MM 和 DD 各一次 / date_format needs YYYY, MM and DD once each: %q", pattern)
	}
	return b.String(), nil
}

// constantTimeEqual compares two secrets in time that depends on neither
// (their hashes have the same length whatever the token's).
func constantTimeEqual(a, b string) bool {
	ha, hb := sha256.Sum256([]byte(a)), sha256.Sum256([]byte(b))
	return subtle.ConstantTimeCompare(ha[:], hb[:]) == 1 && a != ""
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
