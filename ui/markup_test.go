package ui

import (
	"os"
	"path/filepath"
	"testing"
)

// TestStaticMarkupEscaped keeps every value that reaches markup in
// ui/static/*.js escaped (issue 16): a template literal holding a tag, or
// whatever is given to innerHTML, outerHTML, insertAdjacentHTML, modal,
// banner or redrawKeeping, may interpolate only esc/t/name/date/time/yuan/errText, code's own
// literals and numbers, or builders (functions, variables) whose every
// value obeys the same rule; attribute values are quoted, attribute names
// never come from data, URLs at the start of href/src go through safeURL.
// The names it cannot follow are in allowed (markup_check_test.go), each
// with where its value comes from and on how many lines it is let through,
// so a new use of an allowed name fails until someone has looked at it.
func TestStaticMarkupEscaped(t *testing.T) {
	paths, err := filepath.Glob("static/*.js")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no static/*.js (%v)", err)
	}
	files := map[string]string{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		files[filepath.Base(p)] = string(b)
	}
	c, err := newChecker(files)
	if err != nil {
		t.Fatalf("tokenize: %v", err)
	}
	for name := range files {
		c.checkFile(name)
	}
	for _, f := range c.found {
		t.Errorf("%s", f)
	}
	for key, a := range allowed {
		if n := len(c.used[key]); n != a.lines || n == 0 {
			t.Errorf("allowed lets %s through on %d lines, not the %d it lists: check each use (%s), then update the count", key, n, a.lines, a.why)
		}
	}
}

// TestMarkupCheckCatches shows the check failing on the mistakes it is for.
func TestMarkupCheckCatches(t *testing.T) {
	tests := []struct {
		name, src string
		bad       bool
	}{
		{"raw value in text", "el.innerHTML = `<b>${x.name}</b>`;", true},
		{"escaped value", "el.innerHTML = `<b>${esc(x.name)}</b>`;", false},
		{"raw value assigned", "el.innerHTML = x.name;", true},
		{"raw value concatenated", "el.innerHTML = '<b>' + x.name;", true},
		{"label", "el.innerHTML = t('名', 'name') + esc(x);", false},
		{"unquoted attribute", "m(`<img src=${esc(x)}>`);", true},
		{"attribute name from data", "m(`<div ${esc(x)}>`);", true},
		{"handler attribute", "m(`<div onclick=\"go(${esc(x)})\">`);", true},
		{"URL from data", "m(`<a href=\"${esc(x)}\">`);", true},
		{"URL with a fixed start", "m(`<a href=\"#${esc(x)}\">`);", false},
		{"checked URL", "m(`<a href=\"${safeURL(x)}\">`);", false},
		{"raw map", "m(`<ul>${xs.map((x) => `<li>${x}</li>`).join('')}</ul>`);", true},
		{"escaped map", "m(`<ul>${xs.map((x) => `<li>${esc(x)}</li>`).join('')}</ul>`);", false},
		{"map through esc", "m(`<ul>${xs.map(esc).join('<br>')}</ul>`);", false},
		{"ternary one side raw", "m(`<p>${ok ? esc(a) : b.c}</p>`);", true},
		{"builder variable", "const row = `<td>${esc(a)}</td>`; m(`<tr>${row}</tr>`);", false},
		{"raw builder variable", "let row = ''; row += x.y; m(`<tr>${row}</tr>`);", true},
		{"builder function", "function cell(v) { return `<td>${esc(v)}</td>`; } m(`<tr>${cell(a)}</tr>`);", false},
		{"raw builder function", "function cell(v) { return v.name; } m(`<tr>${cell(a)}</tr>`);", true},
		{"insertAdjacentHTML", "el.insertAdjacentHTML('beforeend', x.name);", true},
		{"modal's markup raw", "function modal(h, c, f) {} modal(x.name, 'ticket:' + x.n, true);", true},
		{"modal's markup escaped, a context after it", "function modal(h, c, f) {} modal(`<b>${esc(x.name)}</b>`, 'ticket:' + x.n, !o.r);", false},
		{"redrawKeeping's markup raw", "function redrawKeeping(r, h, c, f) {} redrawKeeping(el, x.name, 'panel:' + x.id);", true},
		{"redrawKeeping's markup escaped", "function redrawKeeping(r, h, c, f) {} redrawKeeping(el, `<b>${esc(x.name)}</b>`, 'panel:' + x.id);", false},
		{"numbers", "m(`<rect x=\"${a * 2}\" width=\"${v.toFixed(1)}\" n=\"${xs.length}\">`);", false},
		{"string method", "m(`<p>${String(x).slice(0, 10)}</p>`);", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := newChecker(map[string]string{"x.js": "function m(h) {}\n" + tt.src})
			if err != nil {
				t.Fatalf("tokenize: %v", err)
			}
			c.checkFile("x.js")
			if got := len(c.found) > 0; got != tt.bad {
				t.Errorf("check(%s) found %v, want bad=%v", tt.src, c.found, tt.bad)
			}
		})
	}
}
