package ui

import (
	"fmt"
	"strings"
)

// This file is a small JavaScript tokenizer for markup_test.go: enough of
// the language to find template literals, their interpolations, string
// literals, regular expressions and brackets in ui/static/*.js. It is not
// a parser; markup_test.go works on the token runs it gives.

// tokKind is the kind of a token.
type tokKind int

const (
	tIdent tokKind = iota
	tNum
	tStr   // '…' or "…"
	tTmpl  // `…`, with its parts
	tRegex // /…/flags
	tPunct
)

// tok is one token; a template keeps its static text and interpolations.
type tok struct {
	kind   tokKind
	text   string   // the source text (for a template, the whole literal)
	line   int      // 1-based line of its start
	chunks []string // a template's static text, len(exprs)+1 of them
	exprs  [][]tok  // a template's interpolations, tokenized
}

// lexer walks one source text.
type lexer struct {
	src  string
	pos  int
	line int
	out  []tok
}

// lexJS tokenizes src; line is the line src starts on.
func lexJS(src string, line int) ([]tok, error) {
	l := &lexer{src: src, line: line}
	for {
		l.skipSpace()
		if l.pos >= len(l.src) {
			return l.out, nil
		}
		if err := l.next(); err != nil {
			return nil, err
		}
	}
}

// skipSpace skips blanks and comments, counting lines.
func (l *lexer) skipSpace() {
	for l.pos < len(l.src) {
		switch {
		case l.src[l.pos] == '\n':
			l.line++
			l.pos++
		case l.src[l.pos] == ' ' || l.src[l.pos] == '\t' || l.src[l.pos] == '\r':
			l.pos++
		case strings.HasPrefix(l.src[l.pos:], "//"):
			for l.pos < len(l.src) && l.src[l.pos] != '\n' {
				l.pos++
			}
		case strings.HasPrefix(l.src[l.pos:], "/*"):
			end := strings.Index(l.src[l.pos+2:], "*/")
			if end < 0 {
				end = len(l.src) - l.pos - 2
			}
			l.line += strings.Count(l.src[l.pos:l.pos+2+end], "\n")
			l.pos += end + 4
		default:
			return
		}
	}
}

// next reads one token.
func (l *lexer) next() error {
	c := l.src[l.pos]
	start, line := l.pos, l.line
	switch {
	case c == '\'' || c == '"':
		if err := l.quoted(c); err != nil {
			return err
		}
		l.out = append(l.out, tok{kind: tStr, text: l.src[start:l.pos], line: line})
	case c == '`':
		t, err := l.template()
		if err != nil {
			return err
		}
		l.out = append(l.out, t)
	case c == '/' && l.regexAllowed():
		l.regex()
		l.out = append(l.out, tok{kind: tRegex, text: l.src[start:l.pos], line: line})
	case isIdentByte(c):
		for l.pos < len(l.src) && (isIdentByte(l.src[l.pos]) || l.src[l.pos] >= 0x80) {
			l.pos++
		}
		k := tIdent
		if c >= '0' && c <= '9' {
			k = tNum
		}
		l.out = append(l.out, tok{kind: k, text: l.src[start:l.pos], line: line})
	default:
		l.pos += punctLen(l.src[l.pos:])
		l.out = append(l.out, tok{kind: tPunct, text: l.src[start:l.pos], line: line})
	}
	return nil
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// puncts are the multi-character operators that matter here, longest first.
var puncts = []string{"...", "===", "!==", "=>", "==", "!=", "&&", "||", "??", "?.", "<=", ">=", "+=", "-=", "++", "--"}

func punctLen(s string) int {
	for _, p := range puncts {
		if strings.HasPrefix(s, p) {
			return len(p)
		}
	}
	return 1
}

// regexAllowed reports whether a slash here starts a regular expression:
// after an operator, an opening bracket, a comma or a keyword.
func (l *lexer) regexAllowed() bool {
	if len(l.out) == 0 {
		return true
	}
	p := l.out[len(l.out)-1]
	switch p.kind {
	case tIdent:
		return p.text == "return" || p.text == "typeof" || p.text == "case"
	case tPunct:
		return p.text != ")" && p.text != "]" && p.text != "}"
	}
	return false
}

// quoted reads a '…' or "…" literal.
func (l *lexer) quoted(q byte) error {
	line := l.line
	for l.pos++; l.pos < len(l.src); l.pos++ {
		switch l.src[l.pos] {
		case '\\':
			l.pos++
		case q:
			l.pos++
			return nil
		case '\n':
			return fmt.Errorf("line %d: unterminated string", line)
		}
	}
	return fmt.Errorf("line %d: unterminated string", line)
}

// regex reads /…/flags, with classes that may hold a slash.
func (l *lexer) regex() {
	inClass := false
	for l.pos++; l.pos < len(l.src); l.pos++ {
		switch c := l.src[l.pos]; {
		case c == '\\':
			l.pos++
		case c == '[':
			inClass = true
		case c == ']':
			inClass = false
		case c == '/' && !inClass:
			l.pos++
			for l.pos < len(l.src) && isIdentByte(l.src[l.pos]) {
				l.pos++
			}
			return
		case c == '\n':
			return
		}
	}
}

// template reads `…${expr}…`, tokenizing each interpolation.
func (l *lexer) template() (tok, error) {
	t := tok{kind: tTmpl, line: l.line}
	start := l.pos
	var chunk strings.Builder
	for l.pos++; l.pos < len(l.src); {
		c := l.src[l.pos]
		switch {
		case c == '\\':
			chunk.WriteString(l.src[l.pos : l.pos+2])
			l.pos += 2
		case c == '`':
			l.pos++
			t.chunks = append(t.chunks, chunk.String())
			t.text = l.src[start:l.pos]
			return t, nil
		case strings.HasPrefix(l.src[l.pos:], "${"):
			t.chunks = append(t.chunks, chunk.String())
			chunk.Reset()
			end, err := l.interpolationEnd(l.pos + 2)
			if err != nil {
				return t, err
			}
			toks, err := lexJS(l.src[l.pos+2:end], l.line)
			if err != nil {
				return t, err
			}
			t.exprs = append(t.exprs, toks)
			l.line += strings.Count(l.src[l.pos:end], "\n")
			l.pos = end + 1
		default:
			if c == '\n' {
				l.line++
			}
			chunk.WriteByte(c)
			l.pos++
		}
	}
	return t, fmt.Errorf("line %d: unterminated template", t.line)
}

// interpolationEnd finds the } closing an interpolation that starts at
// from, skipping nested strings, templates and braces.
func (l *lexer) interpolationEnd(from int) (int, error) {
	sub := &lexer{src: l.src, pos: from, line: l.line}
	depth := 0
	for {
		sub.skipSpace()
		if sub.pos >= len(sub.src) {
			return 0, fmt.Errorf("line %d: unterminated ${", l.line)
		}
		switch sub.src[sub.pos] {
		case '{':
			depth++
		case '}':
			if depth == 0 {
				return sub.pos, nil
			}
			depth--
		}
		if err := sub.next(); err != nil {
			return 0, err
		}
	}
}
