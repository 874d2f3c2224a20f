package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestStatesShortcutsAndLoginInChromium: the staff login's fields line
// up; every ticket state on the board has its own shape as well as its
// colour (it reads in grayscale); Alt and a tab's number opens the tab; a
// ticket's actions show their Alt key and answer to it; Esc closes the
// dialog.
func TestStatesShortcutsAndLoginInChromium(t *testing.T) {
	ctx := browser(t)
	m := runMainAt(t, "", filepath.Join(t.TempDir(), "data"), "127.0.0.1:0")
	defer func() { m.Close() }()
	staff := newTab(t, ctx, "staff", "http://"+m.Addr()+"/staff")
	staff.run("login", chromedp.WaitVisible(chromedp.CSS("#login")))
	if off := staff.eval("fields line up", `(() => { const a = document.querySelector('#staffid').getBoundingClientRect(), b = document.querySelector('#pin').getBoundingClientRect();
		return Math.abs(a.left - b.left) > 1 || Math.abs(a.width - b.width) > 1 ? 'staff id at ' + a.left + '+' + a.width + ', PIN at ' + b.left + '+' + b.width : ''; })()`); off != "" {
		t.Errorf("the login's fields do not line up: %s", off)
	}
	staff.run("log in", chromedp.SendKeys(chromedp.CSS("#staffid"), "boss"), chromedp.SendKeys(chromedp.CSS("#pin"), "3333"),
		chromedp.Click(chromedp.CSS("#login button")), chromedp.WaitVisible(chromedp.CSS("tr[data-ticket]")))

	// Each state's pill: a shape of its own (::before) and a background of its own.
	states := staff.eval("state pills", `(() => {
		const seen = {};
		for (const p of document.querySelectorAll('.board .pill[class*="st-"]')) {
			const st = [...p.classList].find((c) => c.startsWith('st-'));
			const cs = getComputedStyle(p), b = getComputedStyle(p, '::before');
			seen[st] = b.content + '|' + cs.backgroundColor;
		}
		return Object.entries(seen).map(([k, v]) => k + '=' + v).join('\n');
	})()`)
	shapes, colours := map[string]string{}, map[string]string{}
	lines := strings.Split(states, "\n")
	for _, l := range lines {
		st, v, _ := strings.Cut(l, "=")
		shape, colour, _ := strings.Cut(v, "|")
		if shape == "" || shape == "none" || shape == "normal" {
			t.Errorf("state %s has no shape of its own (::before content %q)", st, shape)
		}
		if other, ok := shapes[shape]; ok {
			t.Errorf("states %s and %s have the same shape %s", other, st, shape)
		}
		if other, ok := colours[colour]; ok {
			t.Errorf("states %s and %s have the same colour %s", other, st, colour)
		}
		shapes[shape], colours[colour] = st, st
	}
	if len(lines) < 5 {
		t.Errorf("the demo board shows %d states (%q), want at least 5 to compare", len(lines), states)
	}

	// Alt+2 opens the second tab, Alt+1 the board again.
	second := staff.eval("second tab", `document.querySelectorAll('#tabs a')[1].getAttribute('href')`)
	staff.run("Alt+2", chromedp.KeyEvent("2", chromedp.KeyModifiers(chromedp.ModifierAlt)))
	staff.waitJS("second tab shown", `location.hash === '`+second+`'`)
	staff.run("Alt+1", chromedp.KeyEvent("1", chromedp.KeyModifiers(chromedp.ModifierAlt)))
	staff.run("board again", chromedp.WaitVisible(chromedp.CSS("tr[data-ticket]")))

	// Touch targets: every button, field and tab on the board is at least 44 px high.
	if small := staff.eval("touch targets", `[...document.querySelectorAll('button, .btn, input:not([type=checkbox]), select, #tabs a, label:has(> input[type=checkbox])')]
		.filter((e) => e.checkVisibility()).map((e) => [e.id || e.name || e.textContent.trim().slice(0, 12), e.getBoundingClientRect().height])
		.filter(([, h]) => h < 44 - 0.5).map(([n, h]) => n + ' ' + h.toFixed(1) + 'px').join(', ')`); small != "" {
		t.Errorf("touch targets under 44 px on the board: %s", small)
	}

	// A ticket's actions carry their keys; Alt+L opens the print step, Esc closes.
	staff.openRow("a ticket", "tr[data-ticket]", "#ticketdetail")
	if k := staff.text(`[data-act="print"] kbd`); k != "Alt+L" {
		t.Errorf("the print button shows %q, want its shortcut Alt+L", k)
	}
	staff.run("Alt+L", chromedp.KeyEvent("l", chromedp.KeyModifiers(chromedp.ModifierAlt)))
	staff.waitJS("print step", `!!document.querySelector('#actionform select[name="form"]')`)
	staff.run("Esc", chromedp.KeyEvent("\u001b"))
	staff.waitJS("dialog closed", `document.querySelector('#modal').classList.contains('hidden')`)
}
