package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestFormScreenInChromium opens a ticket on the staff page, opens its
// tracking card from "单据 / Forms", sees it pre-filled from the ticket,
// has an emptied required field refused next to it, edits a note and
// prints, and finds the note on the slip in the demo printer's directory.
func TestFormScreenInChromium(t *testing.T) {
	ctx := browser(t)
	dir := t.TempDir()
	m := runMainAt(t, "", filepath.Join(dir, "data"), "127.0.0.1:0")
	defer func() { m.Close() }()
	prints := filepath.Join(dir, "prints") // serve -demo prints beside the data directory

	clerk := dialStaff(t, m.Addr(), "clerk", "1111")
	var in struct {
		Ticket struct {
			Number string `json:"number"`
		} `json:"ticket"`
	}
	clerk.mustCall("ticket.intake", map[string]any{"kind": "repair", "phone": "13800130020", "purchase_id": "demo-p20",
		"fault": "屏幕不亮", "problem": "quality", "condition": map[string]any{"packaging": true, "accessories": true, "receipt": true}}, &in)
	n := in.Ticket.Number
	if !ticketNumber.MatchString(n) {
		t.Fatalf("ticket.intake number = %q", n)
	}

	staff := newTab(t, ctx, "staff", "http://"+m.Addr()+"/staff")
	staff.run("log in as the clerk", chromedp.WaitVisible(chromedp.CSS("#login")),
		chromedp.SendKeys(chromedp.CSS("#staffid"), "clerk"), chromedp.SendKeys(chromedp.CSS("#pin"), "1111"),
		chromedp.Click(chromedp.CSS("#login button")), chromedp.WaitVisible(chromedp.CSS(`tr[data-ticket="`+n+`"]`)))
	staff.openRow("open the ticket", `tr[data-ticket="`+n+`"]`, `#ticketdetail[data-number="`+n+`"] #formsbtn`)
	staff.run("its forms", chromedp.Click(chromedp.CSS("#formsbtn")), chromedp.WaitVisible(chromedp.CSS(`#formlist [data-form="tracking"]`)),
		chromedp.Click(chromedp.CSS(`#formlist [data-form="tracking"]`)), chromedp.WaitVisible(chromedp.CSS(`#formscreen[data-form="tracking"] #formprint`)))
	staff.waitJS("pre-filled from the ticket", `document.querySelector('[data-field="number"]').value === '`+n+`' && `+
		`document.querySelector('[data-field="number"]').readOnly && document.querySelector('[data-field="customer_name"]').value !== '' && `+
		`!!document.querySelector('#formprint2')`)
	name := staff.text(`#formscreen`)
	if !strings.Contains(name, "售后服务跟踪卡") {
		t.Errorf("form screen = %q, want the tracking card's title", name)
	}

	staff.waitJS("empty the customer's name", `(document.querySelector('[data-field="customer_name"]').value = '') === ''`)
	staff.run("print", chromedp.Click(chromedp.CSS("#formprint")))
	staff.waitJS("refused next to the field", `document.querySelector('[data-ferr="customer_name"]').textContent.includes('顾客姓名') && `+
		`document.querySelector('[data-for="customer_name"]').classList.contains('bad')`)

	staff.run("edit and print", chromedp.SendKeys(chromedp.CSS(`[data-field="customer_name"]`), "李雷"),
		chromedp.SendKeys(chromedp.CSS(`[data-field="notes"]`), "请带充电器 UI-EDIT-7"), chromedp.Click(chromedp.CSS("#formprint")))
	staff.waitJS("printing", `!!document.querySelector('#formnote #printnote[data-job]')`)
	text := slipText(t, prints, "UI-EDIT-7")
	for _, want := range []string{n, "李雷", "第一联", "第二联"} {
		if !strings.Contains(text, want) {
			t.Errorf("printed tracking card lacks %q:\n%s", want, text)
		}
	}

	// The paper preview is the document that printed, line for line, in a
	// grid as wide as the desk's 80 mm paper.
	staff.run("preview", chromedp.Click(chromedp.CSS("#formpreviewbtn")), chromedp.WaitVisible(chromedp.CSS("#formpreview")))
	staff.waitJS("preview drawn", `document.querySelector('#formpreview').textContent.includes('UI-EDIT-7')`)
	paper := staff.eval("preview text", `document.querySelector('#formpreview').textContent`)
	for _, line := range strings.Split(paper, "\n") {
		l := strings.TrimSpace(line)
		if l == "" || strings.HasPrefix(l, "[") || strings.HasPrefix(l, "-") || strings.HasPrefix(l, "~") || strings.Contains(l, ":") {
			continue // barcode and QR markers, the cut, the print time
		}
		if !strings.Contains(text, l) {
			t.Errorf("the preview shows %q, which the printed slip lacks:\n%s", l, text)
		}
	}
	if w := staff.eval("paper width", `(() => { const p = document.querySelector('#formpreview'), ch = document.createElement('span');
		ch.textContent = '0'.repeat(48); ch.style.font = getComputedStyle(p).font; document.body.append(ch); const want = ch.getBoundingClientRect().width; ch.remove();
		const line = [...p.textContent.split('\n')].find((l) => l.startsWith('====')) || '';
		const probe = document.createElement('span'); probe.textContent = line; probe.style.font = getComputedStyle(p).font; document.body.append(probe);
		const got = probe.getBoundingClientRect().width; probe.remove(); return Math.abs(got - want) > 1 ? got + ' px, want ' + want : ''; })()`); w != "" {
		t.Errorf("the preview's full-width rule is %s (48 columns)", w)
	}
	staff.shoot(shotsDir(t), "staff-form-preview")
}
