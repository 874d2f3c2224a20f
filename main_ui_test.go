package main

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/gorilla/websocket"

	"shouhou/drivers/reader/vpcdtest"
)

// TestMain runs this package's tests inside a private mount and network
// namespace with its own pcscd (vpcdtest), so the browser tests can swipe
// cards through the real reader stack.
func TestMain(m *testing.M) { vpcdtest.Main(m) }

const chromiumPath = "/usr/bin/chromium"

// deskConf writes a config dir whose desk1 reader is vpcd's slot 0.
func deskConf(tb testing.TB) string {
	tb.Helper()
	dir := tb.TempDir()
	b, err := os.ReadFile("conf/defaults/devices.toml")
	if err != nil {
		tb.Fatal(err)
	}
	s := strings.Replace(string(b), `reader = "ACS ACR122U PICC Interface 00 00"`, fmt.Sprintf("reader = %q", vpcdtest.ReaderName(0)), 1)
	if err := os.WriteFile(filepath.Join(dir, "devices.toml"), []byte(s), 0o644); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// runMainAt runs the appliance with the demo data on listen.
func runMainAt(tb testing.TB, confDir, dataDir, listen string) *Main {
	tb.Helper()
	return runMainLogged(tb, slog.New(slog.NewTextHandler(io.Discard, nil)), confDir, dataDir, listen)
}

// runMainLogged is runMainAt logging to logger.
func runMainLogged(tb testing.TB, logger *slog.Logger, confDir, dataDir, listen string) *Main {
	tb.Helper()
	m := NewMain(logger)
	m.ConfDir, m.DataDir, m.Listen, m.ListenTLS, m.Demo, m.MemLimit = confDir, dataDir, listen, "127.0.0.1:0", true, 0
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		tb.Fatalf("Run: %v", err)
	}
	return m
}

// browser starts a headless Debian chromium with a fresh profile and any
// extra flags; it skips when chromium is not installed.
func browser(t testing.TB, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("%s not installed (build/deps.sh installs chromium)", chromiumPath)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 800),
		chromedp.Flag("headless", true), chromedp.Flag("no-sandbox", true), chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-dev-shm-usage", true),
	}
	opts = append(opts, extra...)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// tab is one browser tab in a test, screenshotted when the test fails.
type tab struct {
	t    testing.TB
	name string
	ctx  context.Context
	// lifted is when a card laid by lay was last taken off.
	lifted time.Time
}

// newTab opens url in a new tab; opts may put it in a browser context of
// its own (chromedp.WithNewBrowserContext: its own cookies, so another login).
func newTab(t testing.TB, parent context.Context, name, url string, opts ...chromedp.ContextOption) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent, opts...)
	tb := &tab{t: t, name: name, ctx: ctx}
	t.Cleanup(func() {
		if t.Failed() {
			tb.screenshot()
		}
		cancel()
	})
	// The first action opens the tab and binds it to its context: not a
	// context with a timeout, whose end would close the tab.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open tab %s: %v", name, err)
	}
	tb.run("open "+url, chromedp.Navigate(url))
	return tb
}

// screenshot saves the tab's screen for a failed test (kept after the test).
func (tb *tab) screenshot() {
	ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
	defer cancel()
	if html, err := chromedp.Run(ctx, chromedp.Evaluate[string]("location.href + ' ' + document.body.innerText + ' ' + JSON.stringify((window.staff || window.kiosk || {}).state) + ' ws=' + (window.staff || window.kiosk || {conn: {ws: {}}}).conn.ws.readyState")); err == nil {
		tb.t.Logf("%s shows: %s", tb.name, html)
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		tb.t.Logf("screenshot %s: %v", tb.name, err)
		return
	}
	dir := filepath.Join(os.TempDir(), "shouhou-ui-failures")
	os.MkdirAll(dir, 0o755)
	path := filepath.Join(dir, strings.ReplaceAll(tb.t.Name(), "/", "_")+"-"+tb.name+".png")
	if err := os.WriteFile(path, png, 0o644); err == nil {
		tb.t.Logf("screenshot of %s: %s", tb.name, path)
	}
}

// run runs actions with a time limit, failing the test on error.
func (tb *tab) run(step string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.screenshot()
		tb.t.Fatalf("%s: %s: %v", tb.name, step, err)
	}
}

// waitJS waits until the JavaScript expression is true.
func (tb *tab) waitJS(step, expr string) {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	if _, err := chromedp.Run(ctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(15*time.Second))); err != nil {
		tb.screenshot()
		tb.t.Fatalf("%s: %s: %v", tb.name, step, err)
	}
}

func (tb *tab) text(sel string) string {
	tb.t.Helper()
	ctx, cancel := context.WithTimeout(tb.ctx, 20*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("%s: read %s: %v", tb.name, sel, err)
	}
	return strings.TrimSpace(s)
}

// swipe lays a card with uid on vpcd slot 0 and returns it.
func swipe(t testing.TB, uid string) *vpcdtest.Card {
	t.Helper()
	b, err := hex.DecodeString(uid)
	if err != nil {
		t.Fatal(err)
	}
	return vpcdtest.Insert(t, 0, vpcdtest.ATR14443, vpcdtest.UIDScript(b))
}

// deskCard is a card laid on the desk's reader by tab.lay.
type deskCard struct {
	*vpcdtest.Card
	tb *tab
}

// Remove takes the card off the reader and notes when, for tab.lay.
func (c deskCard) Remove() {
	c.Card.Remove()
	c.tb.lifted = time.Now()
}

// lay lays the card uid on the desk's reader (swipe), a second after the
// last Remove of a card lay laid: pcscd polls vpcd every 400 ms, and a
// card laid again sooner is, to it, the same card never taken off, so no
// swipe reaches the desk.
func (tb *tab) lay(uid string) deskCard {
	tb.t.Helper()
	time.Sleep(time.Until(tb.lifted.Add(time.Second)))
	return deskCard{swipe(tb.t, uid), tb}
}

// swipeFor lays the card uid (lay) and waits until the kiosk, in its
// customer view, shows this swipe's whole panel of the customer name:
// its card.presented and then its card.panel handled (window.swipes,
// kiosk.js notePaint). A wait for the name alone passed at once while the
// kiosk still showed the same customer from before, and the step went on
// while this swipe's two frames redrew the panel under its clicks.
func (tb *tab) swipeFor(uid, name string) deskCard {
	tb.t.Helper()
	n := tb.eval("swipes so far", `String((window.swipes || []).length)`)
	card := tb.lay(uid)
	tb.waitJS(name+"'s panel from this swipe", fmt.Sprintf(`(window.swipes || []).length > %s && window.swipes.at(-1).uid === %q && !!window.swipes.at(-1).details &&
		document.querySelector('#custname')?.textContent === %q && !document.querySelector('#panel .loading')`, n, uid, name))
	return card
}

func TestDeskScreensInChromium(t *testing.T) {
	vpcdtest.Start(t)
	ctx := browser(t)
	data := filepath.Join(t.TempDir(), "data")
	conf := deskConf(t)
	m := runMainAt(t, conf, data, "127.0.0.1:0")
	addr := m.Addr()
	defer func() { m.Close() }()
	base := "http://" + addr

	kiosk := newTab(t, ctx, "kiosk", base+"/kiosk?desk=desk1")
	t.Run("PIN login", func(t *testing.T) {
		kiosk.t = t
		kiosk.run("wait for the PIN pad", chromedp.WaitVisible(chromedp.CSS("#pinpad")))
		kiosk.run("type the PIN", chromedp.Click(chromedp.CSS(`[data-k="1"]`)), chromedp.Click(chromedp.CSS(`[data-k="1"]`)),
			chromedp.Click(chromedp.CSS(`[data-k="1"]`)), chromedp.Click(chromedp.CSS(`[data-k="1"]`)), chromedp.Click(chromedp.CSS(`[data-k="OK"]`)))
		kiosk.run("staff view", chromedp.WaitVisible(chromedp.CSS("#lookup")))
		if who := kiosk.text("#who"); !strings.Contains(who, "王芳") {
			t.Errorf("header after login = %q, want the clerk's name", who)
		}
	})
	t.Run("swipe opens the customer panel", func(t *testing.T) {
		kiosk.t = t
		card := kiosk.swipeFor("04DE3001", "王秀英")
		if bal := kiosk.text("#balance"); bal != "¥50.00" {
			t.Errorf("balance on the panel = %q, want ¥50.00", bal)
		}
		// card.panel fills in the purchases after card.presented showed the customer.
		kiosk.waitJS("purchases", `!document.querySelector('#panel .loading') && document.querySelector('#panel table.board tbody td') !== null`)
		card.Remove()
	})
	t.Run("lost card refused at the next swipe", func(t *testing.T) {
		kiosk.t = t
		card := kiosk.lay("04DE3013")
		kiosk.run("refusal", chromedp.WaitVisible(chromedp.CSS("#refused")))
		if msg := kiosk.text("#refused"); !strings.Contains(msg, "SC-000019") {
			t.Errorf("refusal = %q, want the lost card's number", msg)
		}
		card.Remove()
	})
	t.Run("a top-up seen live in a second tab", func(t *testing.T) {
		kiosk.t = t
		staff := newTab(t, ctx, "staff", base+"/staff")
		// The same browser: the kiosk's login cookie logs the staff page in.
		staff.run("board", chromedp.WaitVisible(chromedp.CSS("#boardbody table")))
		staff.run("ledger of SC-000001", chromedp.Click(chromedp.CSS(`a[href="#cards"]`)), chromedp.WaitVisible(chromedp.CSS("#cardform")),
			chromedp.SendKeys(chromedp.CSS("#cardno"), "SC-000001"), chromedp.Click(chromedp.CSS("#cardform button")))
		staff.waitJS("balance before", `document.querySelector('#ledgerbalance')?.textContent === '¥50.00'`)

		card := kiosk.swipeFor("04DE3001", "王秀英")
		kiosk.tap("top up", "#topup")
		kiosk.run("20 yuan", chromedp.WaitVisible(chromedp.CSS("#amount")),
			chromedp.Click(chromedp.CSS(`#modalbox [data-k="2"]`)), chromedp.Click(chromedp.CSS(`#modalbox [data-k="0"]`)),
			chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#receipt")))
		card.Remove()
		staff.waitJS("balance after, without reloading", `document.querySelector('#ledgerbalance')?.textContent === '¥70.00'`)
	})
	t.Run("intake of a quality return, slip printed", func(t *testing.T) {
		kiosk.t = t
		// serve -demo prints into the directory sink next to the data dir
		// (main_printer.go printerTargets).
		testIntakeReturn(t, kiosk, filepath.Join(filepath.Dir(data), "prints"))
	})
	t.Run("intake of a complaint with its reason", func(t *testing.T) {
		kiosk.t = t
		testIntakeComplaint(t, kiosk, addr)
	})
	t.Run("repair to ready, pickup, survey", func(t *testing.T) {
		kiosk.t = t
		testRepairPickupSurvey(t, ctx, kiosk, base, addr)
	})
	var taken []string
	t.Run("intake of every other kind, each slip printed", func(t *testing.T) {
		kiosk.t = t
		taken = testIntakeEachKind(t, kiosk, addr, filepath.Join(filepath.Dir(data), "prints"))
	})
	t.Run("the customer's own view speaks the store's language", func(t *testing.T) {
		kiosk.t = t
		kiosk.closeDialog()
		kiosk.tap("log out", "#logout")
		kiosk.run("logged out", chromedp.WaitVisible(chromedp.CSS("#pinpad")))
		card := kiosk.lay("04DE3001")
		defer card.Remove()
		kiosk.run("own view", chromedp.WaitVisible(chromedp.CSS("#own")))
		for _, lang := range []string{"zh", "en"} {
			kiosk.eval("language "+lang, fmt.Sprintf(`(document.body.classList.contains('lang-en') !== %v && document.getElementById('lang').click(), '')`, lang == "en"))
			kiosk.safe("own view")
			kiosk.words("own view", lang)
		}
		kiosk.eval("language zh", `(document.body.classList.contains('lang-en') && document.getElementById('lang').click(), '')`)
	})
	t.Run("day close", func(t *testing.T) {
		kiosk.t = t
		testDayClose(t, ctx, base, addr, filepath.Join(filepath.Dir(data), "prints"), taken)
	})
	t.Run("reconnects after a server restart", func(t *testing.T) {
		kiosk.t = t
		if err := m.Close(); err != nil {
			t.Fatalf("Close: %v", err)
		}
		kiosk.run("banner", chromedp.WaitVisible(chromedp.CSS("#banner")))
		m = runMainAt(t, conf, data, addr)
		kiosk.run("banner gone", chromedp.WaitNotVisible(chromedp.CSS("#banner")))
		// The sessions lived in the old process: the kiosk is back at its welcome screen.
		kiosk.run("welcome again", chromedp.WaitVisible(chromedp.CSS("#pinpad")))
		card := swipe(t, "04C0FFEE000001") // the supervisor's staff card
		kiosk.waitJS("staff card login", `document.querySelector('#who')?.textContent.includes('张店长')`)
		card.Remove()
	})
}

func TestServeWiresTicketOps(t *testing.T) {
	m := MustRunMain(t, t.TempDir())
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+m.Addr()+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	call := func(id, op string, args any) map[string]any {
		t.Helper()
		if err := ws.WriteJSON(map[string]any{"id": id, "op": op, "args": args}); err != nil {
			t.Fatal(err)
		}
		for {
			var f map[string]any
			ws.SetReadDeadline(time.Now().Add(10 * time.Second))
			if err := ws.ReadJSON(&f); err != nil {
				t.Fatalf("%s: %v", op, err)
			}
			if f["id"] == id {
				return f
			}
		}
	}
	if r := call("1", "login", map[string]string{"staff": "clerk", "pin": "1111"}); r["ok"] != true {
		t.Fatalf("login = %v", r)
	}
	intake := map[string]any{"kind": "repair", "phone": "13800130020", "purchase_id": "demo-p20", "fault": "屏幕不亮",
		"problem": "quality", "condition": map[string]any{"packaging": true, "receipt": true}}
	today := m.storeNow().Format("2006-01-02")
	number := ""
	tests := []struct {
		op    string
		login string // the staff member to call it as ("" the clerk)
		args  func() any
	}{
		{"ticket.search", "", func() any { return map[string]string{"q": "13800130001"} }},
		{"calls.list", "", nil},
		{"printer.status", "", nil},
		{"reader.status", "", nil},
		{"fees.list", "", nil},
		{"ticket.preview", "", func() any { return intake }},
		{"ticket.intake", "", func() any { return intake }},
		{"ticket.print", "", func() any { return map[string]string{"number": number, "form": "repair"} }},
		{"print.queue", "", nil},
		{"ticket.assign", "", func() any { return map[string]string{"number": number, "technician": "tech"} }},
		{"ticket.diagnose", "tech:2222", func() any {
			return map[string]any{"number": number, "parts": []map[string]any{{"id": "E-BAT-01", "qty": 1}}, "labour": []string{"inspect"}}
		}},
		{"report.get", "boss:3333", func() any { return map[string]string{"kind": "kpi", "from": today} }},
	}
	for i, tc := range tests {
		t.Run(tc.op, func(t *testing.T) {
			if tc.login != "" {
				staff, pin, _ := strings.Cut(tc.login, ":")
				if r := call(fmt.Sprint("login", i), "login", map[string]string{"staff": staff, "pin": pin}); r["ok"] != true {
					t.Fatalf("login %s = %v", staff, r)
				}
			}
			var args any
			if tc.args != nil {
				args = tc.args()
			}
			r := call(fmt.Sprint(i+2), tc.op, args)
			if r["ok"] != true {
				t.Fatalf("%s = %v, want it wired in serve", tc.op, r["error"])
			}
			res, _ := r["result"].(map[string]any)
			switch tc.op {
			case "ticket.search":
				if len(r["result"].([]any)) == 0 {
					t.Errorf("ticket.search by a demo phone found nothing")
				}
			case "ticket.intake":
				tk, _ := res["ticket"].(map[string]any)
				number, _ = tk["number"].(string)
				if number == "" || res["print_job"] == "" || res["printer"] != "receipt1" {
					t.Errorf("ticket.intake = %v, want a ticket and its slip queued on receipt1", res)
				}
			case "ticket.print":
				if res["print_job"] == "" {
					t.Errorf("ticket.print = %v, want a print job", res)
				}
			case "report.get":
				if n, _ := res["tickets"].(float64); n < 1 {
					t.Errorf("report.get kpi = %v, want today's intake counted", res)
				}
			}
		})
	}
}
