package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"shouhou/appliance"
	"shouhou/appliance/purchases"
	"shouhou/conf"
	"shouhou/drivers/till"
)

// tillToken is the push token of the test till pos1.
const tillToken = "test-token-0123456789abcdef"

// tillConf writes a config dir whose till.toml is the default with a till
// pos1 and, when inbox is not "", that watched folder.
func tillConf(tb testing.TB, inbox string) string {
	tb.Helper()
	dir := tb.TempDir()
	b, err := os.ReadFile("conf/defaults/till.toml")
	if err != nil {
		tb.Fatal(err)
	}
	s := string(b) + fmt.Sprintf("\n[[tills]]\nid = \"pos1\"\nname = \"1 号收银台\"\ntoken = %q\n", tillToken)
	s = strings.Replace(s, `dir = ""`, fmt.Sprintf("dir = %q", inbox), 1)
	s = strings.Replace(s, "per_minute = 120", "per_minute = 5", 1)
	if err := os.WriteFile(filepath.Join(dir, "till.toml"), []byte(s), 0o644); err != nil {
		tb.Fatal(err)
	}
	return dir
}

// salesExport is a till export in the default mapping: lines 2, 3 and 6
// are good, line 4 has a bad date and line 5 a category the policy lacks.
func salesExport(tb testing.TB, dir string) string {
	tb.Helper()
	day := time.Now().AddDate(0, 0, -2).Format("2006-01-02")
	text := "小票号,行号,销售时间,商品编码,商品名称,规格,类别,序列号,实收金额\n" +
		"R20261118001,1," + day + " 14:03:00,TV55,液晶电视机,55英寸,数码家电,SN-TV-0001,\"3,999.00\"\n" +
		"R20261118001,2," + day + " 14:03:00,HDMI,高清线,2米,数码家电,,39.90\n" +
		"R20261118002,1,2026-13-01 10:00:00,TV55,液晶电视机,55英寸,数码家电,,3999\n" +
		"R20261118002,2," + day + " 10:00:00,TOY1,积木,,玩具,,99\n" +
		"R20261118003,1," + day + " 16:20:00,SOFA,布艺沙发,三人位,家居用品,,2599.5\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		tb.Fatal(err)
	}
	p := filepath.Join(dir, "sales-1118.csv")
	if err := os.WriteFile(p, []byte(gb), 0o644); err != nil {
		tb.Fatal(err)
	}
	return p
}

func TestImportCommandOffline(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	MustRunMain(t, data).Close() // a data dir with the demo set, no server holding it
	file := salesExport(t, tmp)
	wantErrs := []string{"line 4: date: ", "line 5: category: "}

	code, out := runCmd("import", "-data", data, "-dry-run", file)
	if code != 1 || !strings.Contains(out, "rows 5, added 0, updated 0, unchanged 0, rejected 2") || !strings.Contains(out, "dry run") {
		t.Fatalf("import -dry-run = %d\n%s", code, out)
	}
	for _, w := range wantErrs {
		if !strings.Contains(out, w) {
			t.Errorf("import -dry-run does not report %q:\n%s", w, out)
		}
	}
	if code, out = runCmd("import", "-data", data, "-all-or-nothing", file); code != 1 || !strings.Contains(out, "added 0") || !strings.Contains(out, "nothing written") {
		t.Fatalf("import -all-or-nothing = %d\n%s", code, out)
	}
	if code, out = runCmd("import", "-data", data, file); code != 1 || !strings.Contains(out, "added 3, updated 0, unchanged 0, rejected 2") || !strings.Contains(out, "offline") {
		t.Fatalf("import = %d\n%s", code, out)
	}
	if !strings.Contains(out, "100%") {
		t.Errorf("import drew no progress bar:\n%s", out)
	}
	if code, out = runCmd("import", "-data", data, file); !strings.Contains(out, "added 0, updated 0, unchanged 3, rejected 2") {
		t.Fatalf("re-import = %d\n%s", code, out)
	}
	if code, out = runCmd("verify", "-data", data); code != 0 {
		t.Fatalf("verify after import = %d\n%s", code, out)
	}
}

func TestImportCommandThroughTheServer(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	m := MustRunMain(t, data)
	file := salesExport(t, tmp)
	waitExists(t, filepath.Join(data, "admin.sock")) // the socket listens a moment after Run returns
	code, out := runCmd("import", "-data", data, file)
	if code != 1 || !strings.Contains(out, "added 3") || !strings.Contains(out, "through the running server") {
		t.Fatalf("import with a server holding the dir = %d\n%s", code, out)
	}
	c := dialStaff(t, m.Addr(), "clerk", "1111")
	var f purchases.Found
	c.mustCall("purchase.find", map[string]string{"code": "R20261118001"}, &f)
	if f.By != "receipt" || len(f.Purchases) != 2 || f.Purchases[0].PriceFen != 399900 || f.Purchases[0].Name != "液晶电视机 55英寸" ||
		f.Purchases[1].PriceFen != 3990 || f.Purchases[0].Category != "electronics" {
		t.Errorf("purchase.find(receipt) = %+v", f)
	}
	c.mustCall("purchase.find", map[string]string{"code": "SN-TV-0001"}, &f)
	if f.By != "serial" || len(f.Purchases) != 1 {
		t.Errorf("purchase.find(serial) = %+v", f)
	}
	// The export's product columns are the catalogue's: TV55 twice, the toy's category unknown.
	if code, out = runCmd("import", "-data", data, "-kind", "catalogue", file); code != 1 || !strings.Contains(out, "added 3, updated 0, unchanged 1, rejected 1") {
		t.Errorf("the export imported as a catalogue = %d\n%s", code, out)
	}
}

// push posts one receipt to the till endpoint with token.
func push(t *testing.T, addr, token, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest("POST", "http://"+addr+"/till/sales", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestTillPush(t *testing.T) {
	m := runMainAt(t, tillConf(t, ""), t.TempDir(), "127.0.0.1:0")
	t.Cleanup(func() { m.Close() })
	sold := time.Now().Add(-time.Hour).Format(time.RFC3339)
	sale := `{"receipt":"P0001","sold":"` + sold + `","lines":[
		{"line":1,"sku":"TV55","name":"液晶电视机","spec":"55英寸","category":"数码家电","serial":"SN-P-1","price_fen":399900},
		{"line":2,"sku":"HDMI","name":"高清线","category":"electronics","price_fen":3990}]}`
	tests := []struct {
		name, token, body string
		code              int
		want              string
	}{
		{"wrong-token", "not-the-token-0123456789", sale, 401, "not valid"},
		{"no-token", "", sale, 401, "not valid"},
		{"first", tillToken, sale, 200, `"added":2`},
		{"again", tillToken, sale, 200, `"added":0,"updated":0,"unchanged":2`},
		{"bad-line", tillToken, `{"receipt":"P0002","sold":"` + sold + `","lines":[{"line":1,"sku":"A","name":"x","category":"toys","price_fen":1}]}`, 422, `"field":"category"`},
		{"unknown-field", tillToken, `{"receipt":"P3","colour":1}`, 400, "colour"},
		{"too-big", tillToken, `{"receipt":"` + strings.Repeat("x", 70000) + `"}`, 413, "limit"},
		{"rate-limited", tillToken, sale, 429, "too many"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := push(t, m.Addr(), tt.token, tt.body)
			if code != tt.code || !strings.Contains(body, tt.want) {
				t.Errorf("POST /till/sales = %d %s, want %d with %q", code, body, tt.code, tt.want)
			}
		})
	}
	c := dialStaff(t, m.Addr(), "clerk", "1111")
	var f purchases.Found
	c.mustCall("purchase.find", map[string]string{"code": "P0001"}, &f)
	if len(f.Purchases) != 2 || f.Purchases[0].Till != "push:pos1" || f.Purchases[0].Category != "electronics" {
		t.Errorf("the sale pushed twice is stored as %+v, want its 2 lines once", f)
	}
	c.mustCall("purchase.find", map[string]string{"code": "P0002"}, &f)
	if len(f.Purchases) != 0 {
		t.Errorf("a refused receipt was stored: %+v", f)
	}
	fix := map[string]any{"id": "till/P0001/1", "fix": map[string]any{"price_fen": 349900}, "reason": "收银员录错价格"}
	if err := c.call("purchase.correct", fix, nil); err == nil || !strings.Contains(err.Error(), "forbidden") {
		t.Errorf("a clerk's purchase.correct: err = %v, want forbidden", err)
	}
	var p appliance.Purchase
	dialStaff(t, m.Addr(), "boss", "3333").mustCall("purchase.correct", fix, &p)
	if p.PriceFen != 349900 || !p.Corrected {
		t.Errorf("the supervisor's correction = %+v", p)
	}
	if code, body := push(t, m.Addr(), tillToken, sale); code != 429 {
		t.Errorf("still rate-limited: %d %s", code, body)
	}
	for i := 0; i < 8; i++ { // two wrong tokens were sent above: ten in all
		push(t, m.Addr(), "guess-"+fmt.Sprint(i)+"-0123456789abcdef", sale)
	}
	if code, body := push(t, m.Addr(), "guess-10-0123456789abcdef", sale); code != 429 || !strings.Contains(body, "wrong tokens") {
		t.Errorf("after ten wrong tokens from one address: %d %s, want 429 locked out", code, body)
	}
}

func TestTillInbox(t *testing.T) {
	tmp := t.TempDir()
	inbox := filepath.Join(tmp, "inbox")
	if err := os.MkdirAll(inbox, 0o755); err != nil {
		t.Fatal(err)
	}
	salesExport(t, inbox) // there before the server starts
	m := runMainAt(t, tillConf(t, inbox), filepath.Join(tmp, "data"), "127.0.0.1:0")
	t.Cleanup(func() { m.Close() })
	good := "小票号,行号,销售时间,商品编码,商品名称,规格,类别,序列号,实收金额\nR9,1," + time.Now().Format("2006-01-02") + " 09:00:00,SOFA,沙发,,家居用品,,100\n"
	gb, _ := simplifiedchinese.GB18030.NewEncoder().String(good)
	if err := os.WriteFile(filepath.Join(inbox, "sales-today.csv"), []byte(gb), 0o644); err != nil {
		t.Fatal(err)
	}
	waitFile(t, filepath.Join(inbox, "failed", "sales-1118.csv.report.txt"), "rejected 2")
	waitFile(t, filepath.Join(inbox, "done", "sales-today.csv.report.txt"), "added 1")
	for _, gone := range []string{"sales-1118.csv", "sales-today.csv"} {
		if _, err := os.Stat(filepath.Join(inbox, gone)); err == nil {
			t.Errorf("%s is still in the inbox", gone)
		}
	}
}

// waitFile waits up to 15 s for path to exist and contain want.
func waitFile(t *testing.T, path, want string) {
	t.Helper()
	var b []byte
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if b, _ = os.ReadFile(path); bytes.Contains(b, []byte(want)) {
			return
		}
	}
	t.Errorf("%s = %q, want it to contain %q", path, b, want)
}

// waitExists waits up to 15 s for path to exist.
func waitExists(t *testing.T, path string) {
	t.Helper()
	for end := time.Now().Add(15 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
	}
	t.Fatalf("%s did not appear", path)
}

// TestTillFieldsAgree keeps conf's list of till fields and the adapter's equal.
func TestTillFieldsAgree(t *testing.T) {
	if !slices.Equal(conf.TillSalesFields, till.SalesFields) || !slices.Equal(conf.TillCatalogueFields, till.CatalogueFields) {
		t.Errorf("conf fields %v %v, till fields %v %v", conf.TillSalesFields, conf.TillCatalogueFields, till.SalesFields, till.CatalogueFields)
	}
}

// TestTillConfigHotReload adds a till to till.toml while serving: its
// token is accepted without a restart, and a broken till.toml is refused
// with its file:line while the old tills go on pushing.
func TestTillConfigHotReload(t *testing.T) {
	confDir := tillConf(t, "")
	m := runMainAt(t, confDir, t.TempDir(), "127.0.0.1:0")
	t.Cleanup(func() { m.Close() })
	sub := m.bus.Subscribe(16)
	defer sub.Close()
	path := filepath.Join(confDir, "till.toml")
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	const newToken = "second-till-token-abcdefghijk"
	sale := `{"receipt":"H1","sold":"` + time.Now().Add(-time.Hour).Format(time.RFC3339) + `","lines":[{"line":1,"sku":"A","name":"灯","category":"home_goods","price_fen":100}]}`
	if code, _ := push(t, m.Addr(), newToken, sale); code != 401 {
		t.Fatalf("push with a token not yet configured = %d, want 401", code)
	}
	edits := []struct{ name, content, event string }{
		{"broken", string(orig) + "\n[[tills]]\nid = \"pos2\"\nname = \"2\"\ntoken = \"short\"\n", "config.error"},
		{"valid", string(orig) + "\n[[tills]]\nid = \"pos2\"\nname = \"2 号收银台\"\ntoken = \"" + newToken + "\"\n", "config.reloaded"},
	}
	for _, e := range edits {
		if err := os.WriteFile(path, []byte(e.content), 0o644); err != nil {
			t.Fatal(err)
		}
		for {
			select {
			case ev := <-sub.C():
				if ev.Kind != "config.error" && ev.Kind != "config.reloaded" {
					continue
				}
				if ev.Kind != e.event {
					t.Fatalf("%s edit: event %s %v, want %s", e.name, ev.Kind, ev.Data, e.event)
				}
				if msg := fmt.Sprint(ev.Data); e.event == "config.error" && !strings.Contains(msg, "till.toml:") {
					t.Errorf("config.error = %s, want the file:line of till.toml", msg)
				}
			case <-time.After(10 * time.Second):
				t.Fatalf("%s edit: no %s event", e.name, e.event)
			}
			break
		}
	}
	if code, body := push(t, m.Addr(), newToken, sale); code != 200 {
		t.Errorf("push with the reloaded till's token = %d %s", code, body)
	}
	if code, _ := push(t, m.Addr(), tillToken, sale); code != 200 {
		t.Errorf("the first till after the reload = %d", code)
	}
}

// TestDemoReceipt: serve -demo stores its till receipt once, across restarts.
func TestDemoReceipt(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	MustRunMain(t, data).Close()
	m := MustRunMain(t, data)
	c := dialStaff(t, m.Addr(), "clerk", "1111")
	var f purchases.Found
	c.mustCall("purchase.find", map[string]string{"code": demoReceipt}, &f)
	if len(f.Purchases) != 3 || f.Purchases[0].Serial != "SN-DEMO-TV-001" || !f.Purchases[2].Special {
		t.Errorf("demo receipt = %+v", f.Purchases)
	}
}
