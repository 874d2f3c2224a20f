package ui

import (
	"fmt"
	"sort"
	"strings"
)

// jsStep is one suffix of a chain: .name, ?.name, (args) or [index].
type jsStep struct {
	name string // for . and ?.
	args []tok  // for a call or an index, without the brackets
	call bool
}

// chain splits a primary expression into its base and suffixes.
func chain(e []tok) (base []tok, steps []jsStep, ok bool) {
	i := skipGroup(e, 0)
	if e[0].kind != tPunct {
		i = 1
	} else if e[0].text != "(" && e[0].text != "[" {
		return nil, nil, false
	}
	base = e[:i]
	for i < len(e) {
		switch t := e[i]; {
		case (t.text == "." || t.text == "?.") && i+1 < len(e) && e[i+1].kind == tIdent:
			steps = append(steps, jsStep{name: e[i+1].text})
			i += 2
		case t.text == "(" || t.text == "[":
			end := skipGroup(e, i)
			steps = append(steps, jsStep{args: e[i+1 : end-1], call: t.text == "("})
			i = end
		case t.text == "?." && i+1 < len(e) && (e[i+1].text == "(" || e[i+1].text == "["):
			i++
		default:
			return nil, nil, false
		}
	}
	return base, steps, true
}

// primary checks a literal, a template, a call or a name.
func (c *checker) primary(file string, e []tok, ctx ctxKind, depth int) string {
	if len(e) == 1 {
		switch e[0].kind {
		case tStr, tNum, tRegex:
			return ""
		case tIdent:
			if literals[e[0].text] {
				return ""
			}
		case tTmpl:
			return c.nested(file, e[0], ctx, depth)
		}
	}
	base, steps, ok := chain(e)
	if !ok {
		return "not an expression this check can follow: escape it with esc()"
	}
	// x.join(…): the elements of x must be safe.
	if n := len(steps); n >= 2 && steps[n-2].name == "join" && steps[n-1].call {
		return c.elements(file, base, steps[:n-2], ctx, depth)
	}
	if n := len(steps); n >= 1 && (steps[n-1].name == "length" || n >= 2 && steps[n-2].name == "toFixed" && steps[n-1].call) {
		return ""
	}
	if base[0].kind == tIdent && numeric[base[0].text] {
		return ""
	}
	if base[0].kind == tIdent && len(base) == 1 {
		return c.named(file, base[0].text, base[0].line, steps, ctx, depth)
	}
	return "not an escaped value: escape it with esc()"
}

// nested checks a template inside an expression: a markup one is checked
// on its own; one without tags carries the context it lands in (inside a
// tag, its own quotes count).
func (c *checker) nested(file string, t tok, ctx ctxKind, depth int) string {
	if strings.Contains(strings.Join(t.chunks, ""), "<") {
		return "" // checked as a markup template of its own
	}
	m := markupCtx{inTag: ctx == ctxAttrName}
	for i, e := range t.exprs {
		at := ctx
		if m.inTag {
			m.feed(t.chunks[i])
			at = m.kind()
		}
		if why := c.safe(file, e, at, depth+1); why != "" {
			return why
		}
		if m.quote != 0 {
			m.valBeg = false
		}
	}
	return ""
}

// literals are the names that are constants.
var literals = map[string]bool{"null": true, "undefined": true, "true": true, "false": true}

// scoped returns the values assigned to name in the innermost block around
// line that assigns it, widening to the file.
func (c *checker) scoped(file, name string, line int) [][]tok {
	all := assignments(c.files[file], name)
	blocks := c.blocks(file)
	for _, b := range blocks { // innermost first
		if line < b[0] || line > b[1] {
			continue
		}
		var in [][]tok
		for _, v := range all {
			if l := lineOf(v, 0); l >= b[0] && l <= b[1] {
				in = append(in, v)
			}
		}
		if len(in) > 0 {
			return in
		}
	}
	return all
}

// blocks returns the line spans of every {…} block of file, shortest first.
func (c *checker) blocks(file string) [][2]int {
	toks := c.files[file]
	var out [][2]int
	var open []int
	for _, t := range toks {
		if t.kind != tPunct {
			continue
		}
		switch t.text {
		case "{":
			open = append(open, t.line)
		case "}":
			if len(open) > 0 {
				out = append(out, [2]int{open[len(open)-1], t.line})
				open = open[:len(open)-1]
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i][1]-out[i][0] < out[j][1]-out[j][0] })
	return out
}

// named checks name(…), name.member or a bare name.
func (c *checker) named(file, name string, line int, steps []jsStep, ctx ctxKind, depth int) string {
	if len(steps) == 1 && steps[0].call {
		if escapers[name] {
			if ctx == ctxAttrName {
				return "escaped text where an attribute name goes: only code's own attributes belong there"
			}
			return ""
		}
		if name == "safeURL" {
			return ""
		}
		return c.function(name, ctx, depth)
	}
	key := name
	for _, s := range steps {
		if s.call || s.args != nil {
			return "a call or index this check cannot follow: escape it with esc()"
		}
		key += "." + s.name
	}
	why := "a value from data: escape it with esc()"
	if len(steps) == 0 {
		if why = c.variable(file, name, line, ctx, depth); why == "" {
			return ""
		}
	}
	if _, ok := allowed[file+":"+key]; ok {
		c.use(file+":"+key, line)
		return ""
	}
	return why
}

// function checks that every result of a named function is safe.
func (c *checker) function(name string, ctx ctxKind, depth int) string {
	defs := c.funcs[name]
	if len(defs) == 0 {
		return "a call to " + name + ", which is not an escaping helper or a builder in ui/static"
	}
	key := fmt.Sprintf("%s/%d", name, ctx)
	if known, seen := c.memo[key]; seen {
		if known {
			return ""
		}
		return "" // being checked: its other results decide
	}
	c.memo[key] = false
	for _, d := range defs {
		results := [][]tok{d.body}
		if !d.expr {
			results = returns(d.body)
		}
		for _, r := range results {
			if why := c.safe(d.file, r, ctx, depth+1); why != "" {
				delete(c.memo, key)
				return name + "(…) returns " + render(r) + ": " + why
			}
		}
	}
	c.memo[key] = true
	return ""
}

// returns lists the expressions of every return in a body.
func returns(body []tok) [][]tok {
	var out [][]tok
	for i, t := range body {
		if t.kind == tIdent && t.text == "return" && i+1 < len(body) && body[i+1].text != ";" {
			out = append(out, body[i+1:exprEnd(body, i+1)])
		}
	}
	return out
}

// variable checks every value assigned to a name in the innermost block
// around line that assigns it.
func (c *checker) variable(file, name string, line int, ctx ctxKind, depth int) string {
	vals := c.scoped(file, name, line)
	if len(vals) == 0 {
		return "a parameter or a name this check cannot follow: escape it with esc() or list it in allowed"
	}
	for _, v := range vals {
		if why := c.safe(file, v, ctx, depth+1); why != "" {
			return name + " = " + render(v) + ": " + why
		}
	}
	return ""
}

// assignments finds `const|let|var name = …`, `name = …` and `name += …`
// anywhere in toks (names are not scoped: every assignment must be safe).
func assignments(toks []tok, name string) [][]tok {
	var out [][]tok
	walkRuns(toks, func(run []tok) {
		for i := 0; i+2 < len(run); i++ {
			if run[i].kind != tIdent || run[i].text != name || i > 0 && (run[i-1].text == "." || run[i-1].text == "?.") {
				continue
			}
			if op := run[i+1].text; op == "=" || op == "+=" {
				out = append(out, run[i+2:exprEnd(run, i+2)])
			}
		}
	})
	return out
}

// walkRuns calls fn on the top run and every interpolation's run.
func walkRuns(toks []tok, fn func([]tok)) {
	fn(toks)
	for _, t := range toks {
		for _, e := range t.exprs {
			walkRuns(e, fn)
		}
	}
}

// elements checks what x in x.join(…) holds: x.map(cb) with a safe
// callback result, an array literal of safe values, or those filtered.
func (c *checker) elements(file string, base []tok, steps []jsStep, ctx ctxKind, depth int) string {
	n := len(steps)
	switch {
	case n == 0 && base[0].text == "[":
		for _, el := range splitTop(base[1:len(base)-1], ",") {
			if len(el) == 0 {
				continue
			}
			if why := c.safe(file, el, ctx, depth+1); why != "" {
				return why
			}
		}
		return ""
	case n >= 2 && steps[n-1].call && (steps[n-2].name == "filter" || steps[n-2].name == "slice" || steps[n-2].name == "sort"):
		return c.elements(file, base, steps[:n-2], ctx, depth)
	case n >= 2 && steps[n-1].call && (steps[n-2].name == "map" || steps[n-2].name == "flatMap"):
		return c.callback(file, steps[n-1].args, ctx, depth)
	}
	if n == 0 && len(base) == 1 && base[0].kind == tIdent {
		if _, ok := allowed[file+":"+base[0].text]; ok {
			c.use(file+":"+base[0].text, base[0].line)
			return ""
		}
	}
	return "joined values this check cannot follow: map them through esc()"
}

// callback checks the results of a .map callback: an arrow, or a named
// helper.
func (c *checker) callback(file string, args []tok, ctx ctxKind, depth int) string {
	if len(args) == 1 && args[0].kind == tIdent {
		return c.named(file, args[0].text, args[0].line, []jsStep{{call: true}}, ctx, depth)
	}
	def, ok := arrowAt(args, 0)
	if !ok {
		return "a callback this check cannot follow"
	}
	results := [][]tok{def.body}
	if !def.expr {
		results = returns(def.body)
	}
	for _, r := range results {
		if why := c.safe(file, r, ctx, depth+1); why != "" {
			return why
		}
	}
	return ""
}
