package main

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// wordsCheck is evaluated on a screen in one language ("zh" or "en"): it
// names what a clerk would not understand, or is "". It looks at what is
// visible only: our own markup shown as text (a tag, an entity escaped
// twice), an English word in the Chinese half outside wordsAllowed (in
// "zh"), an element cut off by a container that does not scroll, a date
// not written the zh-CN way (12/01/2026, Dec 1, 1:05 PM) or a date field
// the browser draws in its own locale (input type=date shows mm/dd/yyyy
// in en-US), a header that wraps, a dialog button out of sight, a rate
// drawn in the colour of "met" when its bar ends short of the target.
const wordsCheck = `((lang, allowed) => {
  const bad = [];
  const shown = (el) => el && el.checkVisibility && el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const texts = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || !n.data.trim() || !shown(el) || el.closest('script, style, textarea, .typed')) continue;
    texts.push([el, n.data]);
  }
  const tag = /<\/?(span|div|p|b|i|a|td|th|tr|table|ul|li|dl|dt|dd|h[1-6]|button|details|summary|label|input|select|option|form|section|br)\b[^>]*>?|&(amp|lt|gt|quot|#39);/i;
  const date = /\b\d{1,2}\/\d{1,2}\/\d{2,4}\b|\b(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]* \d{1,2}\b|\b\d{1,2}:\d{2}(:\d{2})? ?(AM|PM)\b/;
  for (const [el, s] of texts) {
    const where = (el.id ? '#' + el.id : el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ')[0] : ''));
    let m = s.match(tag);
    if (m) bad.push('markup as text in ' + where + ': ' + JSON.stringify(m[0]));
    m = s.match(date);
    if (m) bad.push('a date not in zh-CN form in ' + where + ': ' + JSON.stringify(m[0]));
    if (lang !== 'zh' || el.closest('.en, .mono, input, select, option, [contenteditable]')) continue;
    for (const w of s.match(/[A-Za-z][A-Za-z_.-]*[A-Za-z]/g) || []) {
      if (!allowed.some((a) => a === w || (a.endsWith('*') && w.startsWith(a.slice(0, -1))))) bad.push('English in the Chinese half in ' + where + ': ' + JSON.stringify(w) + ' in ' + JSON.stringify(s.trim().slice(0, 60)));
    }
  }
  for (const el of document.querySelectorAll('input[type="date"], input[type="datetime-local"], input[type="month"], input[type="week"]')) {
    if (shown(el)) bad.push('a date field drawn in the browser\'s locale: ' + (el.name || el.id));
  }
  for (const el of document.querySelectorAll('button, .btn, input, select, summary, a[href]')) {
    if (!shown(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const cs = getComputedStyle(p);
      if (!/hidden|clip/.test(cs.overflow + cs.overflowX + cs.overflowY)) continue;
      const q = p.getBoundingClientRect();
      if (r.left < q.left - 1 || r.right > q.right + 1 || r.top < q.top - 1 || r.bottom > q.bottom + 1) {
        bad.push('cut off by its container: ' + (el.id || el.textContent.trim().slice(0, 30)) + ' in ' + (p.id || p.className || p.tagName));
      }
      break;
    }
    if (r.right > window.innerWidth + 1) bad.push('off the screen to the right: ' + (el.id || el.textContent.trim().slice(0, 30)));
  }
  for (const bar of document.querySelectorAll('svg.chart rect.bar.good, svg.chart rect.bar.bad')) {
    const b = bar.getBoundingClientRect();
    const line = [...bar.ownerSVGElement.querySelectorAll('line.target')].find((l) => { const r = l.getBoundingClientRect(); return r.top <= b.top + b.height / 2 && r.bottom >= b.top + b.height / 2; });
    if (!line) continue;
    const met = b.right >= line.getBoundingClientRect().left - 0.5;
    if (met !== bar.classList.contains('good')) bar.classList.contains('good') ? bad.push('a rate short of its target drawn as met') : bad.push('a rate that meets its target drawn as missed');
  }
  const top = document.querySelector('.top');
  if (top && shown(top)) {
    const rs = [...top.children].filter(shown).map((e) => e.getBoundingClientRect()).filter((r) => r.height > 0);
    if (rs.some((a) => rs.some((b) => a.top >= b.bottom - 1))) bad.push('the header wraps: ' + top.textContent.replace(/\s+/g, ' ').trim().slice(0, 80));
  }
  const box = document.getElementById('modalbox');
  if (box && shown(box) && box.scrollHeight > box.clientHeight + 1) {
    for (const b of box.querySelectorAll('.actions .btn')) {
      const r = b.getBoundingClientRect(), q = box.getBoundingClientRect();
      if (shown(b) && (r.bottom > q.bottom + 1 || r.top < q.top - 1) && !b.closest('details:not([open])')) { bad.push('a dialog button out of sight until scrolled: ' + b.textContent.trim().slice(0, 30)); break; }
    }
  }
  return [...new Set(bad)].slice(0, 12).join('; ');
})`

// wordsAllowed are the Latin words the Chinese half may hold: product
// names, sizes (XL) and units (L for litres), protocol names (HTTPS, a CA, SHA-256), the login's
// PIN, the demo data's brand names, and the
// numbers' letters (ticket numbers start with T, SKUs have letters).
var wordsAllowed = []string{"PIN", "SKU", "CSV", "USB", "kg", "cm", "mm", "ml", "English",
	"X3", "T*", "SN*", "Wi-Fi", "Pro", "Max", "Mini", "OK", "LED", "TV", "App", "iPhone", "vpcd", "XL", "L",
	"shouhou", "HTTPS", "CA", "SHA"}

// words fails the test when the screen shown fails wordsCheck in lang.
func (tb *tab) words(screen, lang string) {
	tb.t.Helper()
	allowed := `["` + strings.Join(wordsAllowed, `","`) + `"]`
	if bad := tb.eval(screen+": words", fmt.Sprintf("%s(%q, %s)", wordsCheck, lang, allowed)); bad != "" {
		tb.screenshot()
		tb.t.Errorf("%s (%s): %s", screen, lang, bad)
	}
}

// TestScreensSpeakTheStoresLanguage logs in as each member of staff in a
// browser set to en-US and walks every tab the role sees, and a ticket's
// detail, in Chinese and then in English: no markup as text, no English
// word in the Chinese half, nothing cut off or wider than the window, every
// date in zh-CN form whatever the browser's locale.
func TestScreensSpeakTheStoresLanguage(t *testing.T) {
	ctx := browser(t, chromedp.Flag("lang", "en-US"), chromedp.Env("LANG=en_US.UTF-8", "LANGUAGE=en_US"))
	m := runMainAt(t, "", filepath.Join(t.TempDir(), "data"), "127.0.0.1:0")
	defer func() { m.Close() }()
	base := "http://" + m.Addr()
	for _, who := range []struct{ id, pin string }{{"clerk", "1111"}, {"tech", "2222"}, {"boss", "3333"}, {"admin", "4444"}} {
		t.Run(who.id, func(t *testing.T) {
			staff := newTab(t, ctx, who.id, base+"/staff", chromedp.WithNewBrowserContext())
			if loc := staff.eval("locale", `Intl.DateTimeFormat().resolvedOptions().locale`); !strings.HasPrefix(loc, "en") {
				t.Fatalf("browser locale = %q, want en-US (the test is about a browser not set to Chinese)", loc)
			}
			staff.run("log in", chromedp.WaitVisible(chromedp.CSS("#login")),
				chromedp.SendKeys(chromedp.CSS("#staffid"), who.id), chromedp.SendKeys(chromedp.CSS("#pin"), who.pin),
				chromedp.Click(chromedp.CSS("#login button")), chromedp.WaitVisible(chromedp.CSS(`#tabs a[href="#board"]`)))
			tabs := strings.Fields(staff.eval("tabs", `[...document.querySelectorAll('#tabs a[href^="#"]')].map((a) => a.getAttribute('href').slice(1)).join(' ')`))
			if len(tabs) < 3 {
				t.Fatalf("%s sees tabs %v, want the board and more", who.id, tabs)
			}
			for _, lang := range []string{"zh", "en"} {
				staff.eval("language "+lang, fmt.Sprintf(`(document.body.classList.contains('lang-en') !== %v && document.getElementById('lang').click(), '')`, lang == "en"))
				for _, tb := range tabs {
					staff.eval("clear "+tb, `(history.replaceState(null, '', location.pathname), document.getElementById('main').replaceChildren(), '')`)
					staff.run(tb, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#tabs a[href="#%s"]`, tb))))
					staff.waitJS(tb+" loaded", `document.getElementById('main').children.length > 0 && !document.querySelector('main .loading, main .spinner')`)
					staff.safe(tb)
					staff.words(tb, lang)
					if tb == "reports" {
						staff.subviews(lang)
					}
				}
				staff.run("board", chromedp.Click(chromedp.CSS(`#tabs a[href="#board"]`)), chromedp.WaitVisible(chromedp.CSS("tr[data-ticket]")))
				staff.openRow("a ticket", "tr[data-ticket]", "#ticketdetail")
				staff.safe("ticket detail")
				staff.words("ticket detail", lang)
				staff.closeDialog()
			}
		})
	}
	t.Run("kiosk", func(t *testing.T) {
		kiosk := newTab(t, ctx, "kiosk", base+"/kiosk?desk=desk1", chromedp.WithNewBrowserContext())
		kiosk.run("PIN pad", chromedp.WaitVisible(chromedp.CSS("#pinpad")))
		kiosk.safe("PIN pad")
		kiosk.words("PIN pad", "zh")
		kiosk.run("log in", clickAll(`[data-k="1"]`, `[data-k="1"]`, `[data-k="1"]`, `[data-k="1"]`, `[data-k="OK"]`)...)
		kiosk.run("staff view", chromedp.WaitVisible(chromedp.CSS("#lookup")))
		for _, lang := range []string{"zh", "en"} {
			kiosk.eval("language "+lang, fmt.Sprintf(`(document.body.classList.contains('lang-en') !== %v && document.getElementById('lang').click(), '')`, lang == "en"))
			kiosk.words("waiting for a customer", lang)
		}
		kiosk.eval("language zh", `(document.body.classList.contains('lang-en') && document.getElementById('lang').click(), '')`)
		// The desk's board has the staff board's filters: ready tickets only.
		kiosk.tap("board", "#tabboard")
		kiosk.run("the board", chromedp.WaitVisible(chromedp.CSS("tr[data-ticket]")))
		kiosk.safe("board")
		kiosk.words("board", "zh")
		all := kiosk.eval("rows", `String(document.querySelectorAll('tr[data-ticket]').length)`)
		kiosk.eval("only ready", `(() => { const f = document.querySelector('#filter'); f.status.value = 'ready'; f.dispatchEvent(new Event('change')); return ''; })()`)
		kiosk.waitJS("ready rows only", `(() => { const rs = [...document.querySelectorAll('tr[data-ticket]')]; return rs.length > 0 && rs.length < `+all+` && rs.every((r) => r.querySelector('.st-ready')); })()`)
		kiosk.tap("customer view", "#tabcust")
		kiosk.run("the customer view", chromedp.WaitVisible(chromedp.CSS("#lookup")))
		// A phone the store does not know: the error says so in words, and
		// the clerk may take the caller in as a new customer.
		kiosk.run("unknown phone", chromedp.SendKeys(chromedp.CSS("#phone"), "13900000000"), chromedp.Click(chromedp.CSS("#lookup button")),
			chromedp.WaitVisible(chromedp.CSS("#newcust")))
		if e := kiosk.text("#lookuperr .zh"); !strings.Contains(e, "没有找到电话为 13900000000 的顾客") {
			t.Errorf("unknown phone says %q, want 没有找到电话为 13900000000 的顾客", e)
		}
		kiosk.words("unknown phone", "zh")
		kiosk.run("new customer", chromedp.SendKeys(chromedp.CSS("#newname"), "赵新"), chromedp.Click(chromedp.CSS("#newcust button")),
			chromedp.WaitVisible(chromedp.CSS("#intakebtn")))
		if n := kiosk.text("#custname"); n != "赵新" {
			t.Errorf("new customer's panel names %q, want 赵新", n)
		}
		kiosk.safe("new customer's panel")
		kiosk.words("new customer's panel", "zh")
		kiosk.run("intake", chromedp.Click(chromedp.CSS("#intakebtn")), chromedp.WaitVisible(chromedp.CSS("#intake")))
		kiosk.safe("intake")
		kiosk.words("intake", "zh")
	})
}

// subviews walks each view of the reports tab (KPIs, closing, complaints,
// daily reports) with the checks of safe and words.
func (tb *tab) subviews(lang string) {
	tb.t.Helper()
	for _, id := range strings.Fields(tb.eval("report views", `[...document.querySelectorAll('[data-rview]')].map((b) => b.id).join(' ')`)) {
		tb.run(id, chromedp.Click(chromedp.CSS("#"+id)))
		tb.waitJS(id+" loaded", `document.querySelector('#`+id+`.chosen') && !document.querySelector('main .loading, main .spinner')`)
		tb.safe(id)
		tb.words(id, lang)
	}
}
