package ui

import (
	"strings"
)

// checkFile checks every markup template and every sink of one file.
func (c *checker) checkFile(file string) {
	toks := c.files[file]
	walk(toks, func(t tok) {
		if t.kind == tTmpl && strings.Contains(strings.Join(t.chunks, ""), "<") {
			c.template(file, t)
		}
	})
	for i := 0; i < len(toks); i++ {
		var expr []tok
		switch {
		case (toks[i].text == "innerHTML" || toks[i].text == "outerHTML") && i > 0 && toks[i-1].text == "." &&
			i+1 < len(toks) && (toks[i+1].text == "=" || toks[i+1].text == "+="):
			expr = toks[i+2 : exprEnd(toks, i+2)]
		case toks[i].text == "insertAdjacentHTML" && i+1 < len(toks) && toks[i+1].text == "(":
			args := splitTop(toks[i+2:skipGroup(toks, i+1)-1], ",")
			if len(args) == 2 {
				expr = args[1]
			}
		case (toks[i].text == "modal" || toks[i].text == "banner") && i+1 < len(toks) && toks[i+1].text == "(" && (i == 0 || toks[i-1].text != "function"):
			// modal(html, ctx, fresh), banner(html): the first is markup.
			if args := splitTop(toks[i+2:skipGroup(toks, i+1)-1], ","); len(args) > 0 {
				expr = args[0]
			}
		case toks[i].text == "redrawKeeping" && i+1 < len(toks) && toks[i+1].text == "(" && (i == 0 || toks[i-1].text != "function"):
			// redrawKeeping(root, html, ctx, fresh): the second is markup.
			if args := splitTop(toks[i+2:skipGroup(toks, i+1)-1], ","); len(args) > 1 {
				expr = args[1]
			}
		default:
			continue
		}
		if len(expr) > 0 {
			if why := c.safe(file, expr, ctxText, 0); why != "" {
				c.found = append(c.found, finding{file, toks[i].line, render(expr), why})
			}
		}
	}
}

// walk calls fn on every token, inside templates too.
func walk(toks []tok, fn func(tok)) {
	for _, t := range toks {
		fn(t)
		for _, e := range t.exprs {
			walk(e, fn)
		}
	}
}

// template checks each interpolation of a markup template in its context.
func (c *checker) template(file string, t tok) {
	var m markupCtx
	for i, e := range t.exprs {
		m.feed(t.chunks[i])
		if why := c.safe(file, e, m.kind(), 0); why != "" {
			c.found = append(c.found, finding{file, lineOf(e, t.line), render(e), why})
		}
		if m.quote != 0 {
			m.valBeg = false
		}
	}
}

func lineOf(e []tok, def int) int {
	if len(e) > 0 {
		return e[0].line
	}
	return def
}

// render prints a token run back, roughly, for a message.
func render(toks []tok) string {
	var b strings.Builder
	for i, t := range toks {
		if i > 0 && (t.kind != tPunct && toks[i-1].kind != tPunct) {
			b.WriteByte(' ')
		}
		b.WriteString(t.text)
	}
	s := b.String()
	if len(s) > 80 {
		s = s[:77] + "…"
	}
	return s
}

// splitTop splits a token run at a top-level operator.
func splitTop(toks []tok, op string) [][]tok {
	var out [][]tok
	last := 0
	for j := 0; j < len(toks); {
		if toks[j].kind == tPunct && strings.Contains("([{", toks[j].text) {
			j = skipGroup(toks, j)
			continue
		}
		if toks[j].kind == tPunct && toks[j].text == op {
			out = append(out, toks[last:j])
			last = j + 1
		}
		j++
	}
	return append(out, toks[last:])
}

// ternary splits c ? a : b at the top level.
func ternary(toks []tok) (a, b []tok, ok bool) {
	q := -1
	depth := 0
	for j := 0; j < len(toks); {
		if toks[j].kind == tPunct && strings.Contains("([{", toks[j].text) {
			j = skipGroup(toks, j)
			continue
		}
		if toks[j].kind == tPunct {
			switch toks[j].text {
			case "?":
				if q < 0 {
					q = j
				}
				depth++
			case ":":
				depth--
				if depth == 0 && q >= 0 {
					return toks[q+1 : j], toks[j+1:], true
				}
			}
		}
		j++
	}
	return nil, nil, false
}

// safe returns "" when the expression is safe where it lands, else why not.
func (c *checker) safe(file string, e []tok, ctx fieldCtx, depth int) string {
	if depth > 40 {
		return ""
	}
	if ctx == ctxUnquoted {
		return "an attribute value without quotes: put it in \"…\""
	}
	if ctx == ctxHandler {
		return "a value in an event handler or style attribute"
	}
	for len(e) >= 2 && e[0].text == "(" && skipGroup(e, 0) == len(e) {
		e = e[1 : len(e)-1]
	}
	if len(e) > 1 && e[0].text == "await" {
		e = e[1:]
	}
	if len(e) == 0 {
		return "an empty expression"
	}
	if ctx == ctxURL && !(len(e) == 1 && (e[0].kind == tStr || e[0].kind == tTmpl)) && !(len(e) > 1 && e[0].text == "safeURL") {
		return "a URL from data: pass it through safeURL (common.js)"
	}
	if a, b, ok := ternary(e); ok {
		return first(c.safe(file, a, ctx, depth+1), c.safe(file, b, ctx, depth+1))
	}
	for _, op := range []string{"||", "??"} {
		if parts := splitTop(e, op); len(parts) > 1 {
			for _, p := range parts {
				if why := c.safe(file, p, ctx, depth+1); why != "" {
					return why
				}
			}
			return ""
		}
	}
	if parts := splitTop(e, "&&"); len(parts) > 1 {
		return c.safe(file, parts[len(parts)-1], ctx, depth+1)
	}
	if parts := splitTop(e, "+"); len(parts) > 1 && len(parts[0]) > 0 {
		for _, p := range parts {
			if why := c.safe(file, p, ctx, depth+1); why != "" {
				return why
			}
		}
		return ""
	}
	if isArithmetic(e) {
		return ""
	}
	return c.primary(file, e, ctx, depth)
}

// fieldCtx is the context an expression is checked in.
type fieldCtx = ctxKind

func first(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// isArithmetic reports whether a run is numbers combined with * / - %
// (which always give a number) or a unary minus.
func isArithmetic(e []tok) bool {
	if e[0].text == "-" || e[0].text == "!" {
		return true
	}
	for _, op := range []string{"*", "/", "-", "%", "<", ">", "===", "!==", ">=", "<="} {
		if len(splitTop(e, op)) > 1 {
			return true
		}
	}
	return false
}
