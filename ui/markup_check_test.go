package ui

import (
	"fmt"
	"strings"
)

// This file is the rule markup_test.go enforces on ui/static/*.js: every
// value that reaches markup (a template literal holding a tag, or what is
// given to innerHTML, outerHTML, insertAdjacentHTML, modal, banner or redrawKeeping) goes
// through an escaping helper, is code's own constant, or is markup built
// by a builder whose every result obeys the same rule.

// escapers escape what they are given (common.js): esc, t (which escapes
// both labels), name (a table's label, else the escaped key), date, time,
// yuan (a number formatted) and errText (an error's escaped message).
var escapers = map[string]bool{"esc": true, "t": true, "name": true, "date": true, "time": true, "yuan": true, "errText": true}

// numeric are calls whose result is a number (or a number's digits).
var numeric = map[string]bool{"Math": true, "Number": true, "Date": true}

// allowed are identifiers the data flow cannot follow (function and
// callback parameters), each holding markup or a constant by contract.
// Keep it small: every entry says where its value comes from.
var allowed = map[string]allowance{
	"kiosk.js:title":      {1, "money(op, card, title): every caller passes t(…)"},
	"kiosk.js:k":          {2, "the keys of the pin and amount pads: literal digits in the code"},
	"kiosk.js:u":          {1, "demo card UIDs the code makes from a counter"},
	"kiosk.js:key":        {1, "surveyForm's row(key): literal survey item ids"},
	"kiosk.js:n":          {1, "survey levels: the literal 4, 3, 2, 1"},
	"staff.js:id":         {1, "tab ids from the literal tabs table"},
	"ticket.js:r":         {1, "conclude's literal results"},
	"ticket.js:o":         {2, "settle's literal outcomes, call outcomes"},
	"ticket.js:f":         {1, "ticket.print's literal form names"},
	"ticket.js:zh":        {1, "literal labels of the actions and forms tables"},
	"ticket.js:en":        {1, "literal labels of the actions and forms tables"},
	"ticket.js:id":        {1, "literal action ids"},
	"ticket.js:cls":       {1, "literal button classes of the actions table"},
	"ticket.js:k":         {1, "literal survey item ids"},
	"ticket.js:n":         {1, "survey levels: the literal 4, 3, 2, 1"},
	"ticket.js:label":     {1, "act's note(label): every caller passes t(…)"},
	"ticket.js:html":      {1, "act's submit(html): every caller passes a checked template"},
	"ticket.js:opts.msg":  {1, "openTicket's message: done() builds it from t(…) and jobNote"},
	"intake.js:k":         {6, "literal keys of conditions, categories and flags"},
	"intake.js:zh":        {1, "literal labels of conditions and categories"},
	"intake.js:en":        {1, "literal labels of conditions and categories"},
	"intake.js:on":        {1, "a condition toggle's boolean"},
	"intake.js:group":     {1, "detailsStep's pick(group): the literals problem and request"},
	"intake.js:title":     {1, "frame(title, …): every step passes t(…)"},
	"intake.js:buttons":   {1, "frame(…, buttons): every step passes a checked template"},
	"reports.js:id":       {6, "literal ids of views, presets, tables and charts"},
	"reports.js:c":        {1, "a cell of table(rows): every caller builds cells with esc, t, name or yuan"},
	"reports.js:csv":      {1, "table(…, csv): csvLink(…)"},
	"reports.js:anchor":   {1, "label(…, anchor): the literals end and middle"},
	"reports.js:x":        {2, "label(x, …): chart coordinates, numbers"},
	"reports.js:se.cls":   {1, "literal chart series classes"},
	"reports.js:html":     {1, "load(): what drawKPI, drawComplaints or drawDaily return, markup templates checked on their own"},
	"intake.js:this.step": {1, "the step names of Intake.render: literals"},
	"common.js:html":      {3, "banner(html), modal(html) and redrawKeeping(root, html): the callers' markup, checked at each call"},
	"common.js:label":     {1, "busy(): the button's own markup, put back"},
}

// allowance is one entry of allowed: on how many lines the name is let
// through (a new use changes the count, so someone looks at it), and why.
type allowance struct {
	lines int
	why   string
}

// finding is one value that may reach markup unescaped.
type finding struct {
	file string
	line int
	expr string
	why  string
}

func (f finding) String() string {
	return fmt.Sprintf("%s:%d: ${%s}: %s", f.file, f.line, f.expr, f.why)
}

// checker holds every file's tokens and what it learned about names.
type checker struct {
	files map[string][]tok
	funcs map[string][]fnDef      // by name, across files
	memo  map[string]bool         // function results known safe (true) or being checked
	used  map[string]map[int]bool // the lines where each entry of allowed was needed
	found []finding
}

// fnDef is one function: where, and the token run of its body or result.
type fnDef struct {
	file string
	body []tok // a block's tokens, or an arrow's expression
	expr bool  // body is an expression
}

// use notes that the entry key of allowed let a value on line through.
func (c *checker) use(key string, line int) {
	if c.used[key] == nil {
		c.used[key] = map[int]bool{}
	}
	c.used[key][line] = true
}

// ctxKind is where an interpolation lands in markup.
type ctxKind int

const (
	ctxText     ctxKind = iota // between tags, or in a quoted attribute value
	ctxAttrName                // inside a tag, where attributes are named
	ctxUnquoted                // right after name=
	ctxURL                     // at the start of a quoted href/src/action value
	ctxHandler                 // in an on…= or style= value
)

func newChecker(files map[string]string) (*checker, error) {
	c := &checker{files: map[string][]tok{}, funcs: map[string][]fnDef{}, memo: map[string]bool{}, used: map[string]map[int]bool{}}
	for name, src := range files {
		toks, err := lexJS(src, 1)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		c.files[name] = toks
		c.indexFuncs(name, toks)
	}
	return c, nil
}

// indexFuncs finds `function f(…) {…}`, `const f = (…) => …` and class
// methods `f(…) {…}`.
func (c *checker) indexFuncs(file string, toks []tok) {
	for i := 0; i < len(toks); i++ {
		switch {
		case toks[i].text == "function" && i+1 < len(toks) && toks[i+1].kind == tIdent:
			if open := skipGroup(toks, i+2); open < len(toks) && toks[open].text == "{" {
				c.funcs[toks[i+1].text] = append(c.funcs[toks[i+1].text], fnDef{file: file, body: toks[open+1 : skipGroup(toks, open)-1]})
			}
		case (toks[i].text == "const" || toks[i].text == "let") && i+3 < len(toks) && toks[i+1].kind == tIdent && toks[i+2].text == "=":
			if def, ok := arrowAt(toks, i+3); ok {
				def.file = file
				c.funcs[toks[i+1].text] = append(c.funcs[toks[i+1].text], def)
			}
		}
	}
}

// arrowAt reads an arrow function starting at i: (params) => body or p => body.
func arrowAt(toks []tok, i int) (fnDef, bool) {
	j := i
	if j < len(toks) && toks[j].text == "async" {
		j++
	}
	switch {
	case j < len(toks) && toks[j].text == "(":
		j = skipGroup(toks, j)
	case j < len(toks) && toks[j].kind == tIdent:
		j++
	default:
		return fnDef{}, false
	}
	if j >= len(toks) || toks[j].text != "=>" {
		return fnDef{}, false
	}
	j++
	if j < len(toks) && toks[j].text == "{" {
		return fnDef{body: toks[j+1 : skipGroup(toks, j)-1]}, true
	}
	return fnDef{body: toks[j:exprEnd(toks, j)], expr: true}, true
}

// skipGroup returns the index after the bracket group opening at i (or i+1
// when toks[i] opens none).
func skipGroup(toks []tok, i int) int {
	if i >= len(toks) || !strings.Contains("([{", toks[i].text) || toks[i].kind != tPunct {
		return i + 1
	}
	depth := 0
	for j := i; j < len(toks); j++ {
		if toks[j].kind != tPunct {
			continue
		}
		switch toks[j].text {
		case "(", "[", "{":
			depth++
		case ")", "]", "}":
			depth--
			if depth == 0 {
				return j + 1
			}
		}
	}
	return len(toks)
}

// exprEnd returns where the expression starting at i ends: a top-level
// ; or , or a closing bracket it did not open.
func exprEnd(toks []tok, i int) int {
	for j := i; j < len(toks); {
		if toks[j].kind == tPunct {
			switch toks[j].text {
			case ";", ",", ")", "]", "}":
				return j
			case "(", "[", "{":
				j = skipGroup(toks, j)
				continue
			}
		}
		j++
	}
	return len(toks)
}

// markupCtx tells, after the static text before an interpolation, where
// the interpolation lands.
type markupCtx struct {
	inTag  bool
	quote  byte   // the quote of the attribute value being read, or 0
	attr   string // the attribute name being read
	valBeg bool   // nothing of the value read yet
	lastEq bool   // the tag text so far ends in name=
}

// feed advances the context over static text.
func (m *markupCtx) feed(s string) {
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case m.quote != 0:
			if ch == m.quote {
				m.quote, m.attr = 0, ""
			}
			m.valBeg = false
		case !m.inTag:
			if ch == '<' && i+1 < len(s) && (isIdentByte(s[i+1]) || s[i+1] == '/') {
				m.inTag, m.attr, m.lastEq = true, "", false
			}
		case ch == '>':
			m.inTag, m.lastEq = false, false
		case ch == '"' || ch == '\'':
			if m.lastEq {
				m.quote, m.valBeg = ch, true
			}
			m.lastEq = false
		case ch == '=':
			m.lastEq = true
		case ch == ' ' || ch == '\n' || ch == '\t' || ch == '/':
			if !m.lastEq {
				m.attr = ""
			}
		default:
			if m.lastEq {
				m.lastEq = false // an unquoted constant value
			}
			m.attr += string(ch)
		}
	}
}

// kind says where an interpolation at this point lands.
func (m *markupCtx) kind() ctxKind {
	attr := strings.ToLower(m.attr)
	switch {
	case !m.inTag:
		return ctxText
	case m.lastEq:
		return ctxUnquoted
	case m.quote == 0:
		return ctxAttrName
	case strings.HasPrefix(attr, "on") || attr == "style":
		return ctxHandler
	case m.valBeg && (attr == "href" || attr == "src" || attr == "action" || attr == "formaction" || attr == "xlink:href"):
		return ctxURL
	}
	return ctxText
}
