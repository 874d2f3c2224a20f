package conf

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/BurntSushi/toml"
)

// Error is one problem in one config file, at a line and column where the
// TOML parser or the key's location gives them (0 when unknown).
type Error struct {
	// File is the file's path, or "embedded:NAME" for an embedded default.
	File string
	// Line is the line, from 1.
	Line int
	// Col is the column in characters, from 1.
	Col int
	// Msg says what is wrong, Chinese first, then English.
	Msg string
}

// Error formats "file:line:col: message".
func (e *Error) Error() string { return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg) }

// Errors is every problem found in one load, in file order. Its Error
// method gives one "file:line:col: message" per line.
type Errors []*Error

// Error joins the problems, one per line.
func (es Errors) Error() string {
	lines := make([]string, len(es))
	for i, e := range es {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// source is one config file's bytes and where they came from.
type source struct {
	name string // e.g. "policy.toml"
	path string // shown in errors
	data []byte
}

// errAt builds an Error at a key path: strings for keys, ints for the index
// into an array of tables.
func (s *source) errAt(path []any, format string, args ...any) *Error {
	line, col := locate(s.data, path)
	return &Error{File: s.path, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

var (
	lineRE    = regexp.MustCompile(`line (\d+)`)
	lastKeyRE = regexp.MustCompile(`^(?:line \d+ )?\(last key "([^"]*)"\): `)
)

// decodeErr turns an error from toml.Decode into an Error with a position.
func (s *source) decodeErr(err error) *Error {
	var pe toml.ParseError
	if errors.As(err, &pe) {
		line, col := pe.Position.Line, colOf(s.data, pe.Position.Start)
		if pe.Position.Start == 0 && pe.Position.Col > 0 {
			col = pe.Position.Col
		}
		msg := pe.Message
		if !strings.Contains(msg, " / ") {
			msg = "TOML 语法错误 / TOML syntax error: " + msg
		}
		return &Error{File: s.path, Line: line, Col: col, Msg: msg}
	}
	msg := strings.TrimPrefix(err.Error(), "toml: ")
	line, col := 1, 1
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		col = indentCol(s.data, line)
	}
	if m := lastKeyRE.FindStringSubmatch(msg); m != nil {
		msg = m[1] + ": " + msg[len(m[0]):]
	}
	return &Error{File: s.path, Line: line, Col: col, Msg: "类型不符 / wrong type: " + msg}
}

// colOf returns the 1-based character column of byte offset off.
func colOf(data []byte, off int) int {
	if off <= 0 || off > len(data) {
		return 1
	}
	start := strings.LastIndexByte(string(data[:off]), '\n') + 1
	return utf8.RuneCount(data[start:off]) + 1
}

// indentCol returns the column of the first non-blank character of line.
func indentCol(data []byte, line int) int {
	lines := strings.Split(string(data), "\n")
	if line < 1 || line > len(lines) {
		return 1
	}
	l := lines[line-1]
	return utf8.RuneCountInString(l[:len(l)-len(strings.TrimLeft(l, " \t"))]) + 1
}

// section is a [table] or [[array]] header and the lines it covers.
type section struct {
	name       string // dotted, unquoted, no spaces
	index      int    // occurrence of an [[array]] header, -1 for a [table]
	start, end int    // 0-based line range: header line .. last line
}

var (
	arrayRE = regexp.MustCompile(`^\s*\[\[\s*([^\]]+?)\s*\]\]`)
	tableRE = regexp.MustCompile(`^\s*\[\s*([^\]\[]+?)\s*\]`)
)

func sections(lines []string) []section {
	secs := []section{{name: "", index: -1, start: -1}}
	count := map[string]int{}
	for i, l := range lines {
		var s section
		if m := arrayRE.FindStringSubmatch(l); m != nil {
			n := normKey(m[1])
			s = section{name: n, index: count[n], start: i}
			count[n]++
		} else if m := tableRE.FindStringSubmatch(l); m != nil {
			s = section{name: normKey(m[1]), index: -1, start: i}
		} else {
			continue
		}
		secs[len(secs)-1].end = i - 1
		secs = append(secs, s)
	}
	secs[len(secs)-1].end = len(lines) - 1
	return secs
}

func normKey(k string) string {
	return strings.NewReplacer(" ", "", "\t", "", `"`, "", "'", "").Replace(k)
}

// locate finds the line and column of a key path in a TOML file, best
// effort: the key's own line when it is found under its table header, else
// the nearest enclosing key or header, else 1:1. An int in path is the
// index into an array of tables; a missing index matches any occurrence.
func locate(data []byte, path []any) (int, int) {
	lines := strings.Split(string(data), "\n")
	secs := sections(lines)
	for k := len(path) - 1; k >= 0; k-- {
		key, ok := path[k].(string)
		if !ok {
			continue
		}
		name, idx := sectionOf(path[:k])
		for _, s := range secs {
			if s.name != name || (idx >= 0 && s.index != idx) {
				continue
			}
			if line, col, ok := findKey(lines, s, key); ok {
				return line, col
			}
		}
	}
	for k := len(path); k > 0; k-- {
		name, idx := sectionOf(path[:k])
		for _, s := range secs {
			if s.start >= 0 && s.name == name && (idx < 0 || s.index == idx) {
				return s.start + 1, indentCol(data, s.start+1)
			}
		}
	}
	return 1, 1
}

// sectionOf names the header a key path prefix lives under.
func sectionOf(prefix []any) (string, int) {
	idx := -1
	var parts []string
	for i, p := range prefix {
		switch v := p.(type) {
		case string:
			parts = append(parts, v)
		case int:
			if i == len(prefix)-1 {
				idx = v
			}
		}
	}
	return strings.Join(parts, "."), idx
}

func findKey(lines []string, s section, key string) (int, int, bool) {
	re := regexp.MustCompile(`^(\s*)["']?` + regexp.QuoteMeta(key) + `["']?\s*=`)
	for i := max(s.start+1, 0); i <= s.end && i < len(lines); i++ {
		if m := re.FindStringSubmatch(lines[i]); m != nil {
			return i + 1, utf8.RuneCountInString(m[1]) + 1, true
		}
	}
	return 0, 0, false
}
