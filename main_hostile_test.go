package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"shouhou/conf"
	"shouhou/drivers/printer/escpostest"
)

// This file puts hostile strings (issue 16) into every field a customer
// or a clerk can type, through the real ops of a real server; the screens,
// the printed slips and the CSVs that show them are checked in
// main_hostile_ui_test.go.

// xss are script payloads: each sets window.__pwned if it ever runs.
var xss = []string{
	`<img src=x onerror=window.__pwned=1>`,
	`"><svg onload=window.__pwned=1>`,
	`'><script>window.__pwned=1</script>`,
	"javascript:window.__pwned=1",
	"${window.__pwned=1}`;window.__pwned=1;`",
	`" onmouseover="window.__pwned=1" x="`,
	`</textarea></title><svg/onload=window.__pwned=1>`,
}

// formulas start a spreadsheet formula (OWASP, CSV injection).
var formulas = []string{"=HYPERLINK(\"http://x\",\"y\")", "+1+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"}

// oddRunes are text that can confuse a screen or a printer: a right-to-left
// override, zero-width characters, NUL, and ESC/POS commands (ESC @ resets
// the printer, GS V cuts, ESC p kicks the drawer).
const oddRunes = "\u202Egnp.exe\u202C zero\u200Bwidth\u200D\uFEFF nul\x00byte \x1b@\x1dV\x00\x1bp\x00\x19\xfa cr\r\ntab\t="

// hostile is a field's value: its tag (to find it again), every payload
// and the odd runes.
func hostile(tag string) string { return "H" + tag + "~ " + strings.Join(xss, " ") + " " + oddRunes }

// longWord is 5,005 characters with no place to break a line (no space,
// no CJK character); longText is 5,000 with spaces.
var (
	longWord = strings.Repeat("W0123456789", 455)
	longText = strings.Repeat("long text ", 500)
)

// hostileCase is what setUpHostile made.
type hostileCase struct {
	phone, customer, repair, complaint string // the customer's id, the tickets' numbers
	card, ret, settled                 string
}

// hostilePhone is the hostile customer's phone.
const hostilePhone = "13900139000"

// setUpHostile takes in a repair and a complaint for a new customer whose
// every typed field is hostile, takes the repair through diagnosis, the
// maker and its conclusion, prints a form with hostile values, issues the
// customer a card, and sends an intake with invalid UTF-8 as raw bytes.
func setUpHostile(t *testing.T, addr string, today time.Time) hostileCase {
	t.Helper()
	clerk := dialStaff(t, addr, "clerk", "1111")
	var hc hostileCase
	var in struct {
		Ticket struct {
			Number   string `json:"number"`
			Customer string `json:"customer_id"`
			Purchase string `json:"purchase_id"`
			Status   string `json:"status"`
		} `json:"ticket"`
	}
	clerk.mustCall("ticket.intake", map[string]any{"key": "hostile-repair", "kind": "repair",
		"customer": map[string]string{"name": hostile("NAME"), "phone": hostilePhone, "address": hostile("ADDR") + " " + longWord},
		"purchase": map[string]any{"product_code": "6901234567890", "name": hostile("PROD"), "category": "electronics", "serial": hostile("SER"),
			"purchased": today.AddDate(0, 0, -20).Format("2006-01-02"), "price_fen": 19900, "receipt": hostile("RCPT"), "warranty_card": hostile("WC")},
		"fault": hostile("FAULT") + " " + longText, "defect": hostile("DEF"), "problem": "quality", "request": "repair",
		"condition": map[string]any{"packaging": true, "accessories": true, "warranty_card": true, "receipt": true, "appearance": hostile("COND")}}, &in)
	hc.repair, hc.customer = in.Ticket.Number, in.Ticket.Customer
	purchase := in.Ticket.Purchase
	clerk.mustCall("ticket.assign", map[string]string{"number": hc.repair, "technician": "tech"}, nil)

	tech := dialStaff(t, addr, "tech", "2222")
	tech.mustCall("ticket.diagnose", map[string]any{"number": hc.repair, "parts": []any{}, "labour": []any{}, "note": hostile("DIAG")}, nil)
	tech.mustCall("ticket.vendor_send", map[string]string{"number": hc.repair, "vendor": hostile("VENDOR"), "note": hostile("VSEND")}, nil)
	tech.mustCall("ticket.vendor_back", map[string]string{"number": hc.repair, "note": hostile("VBACK")}, nil)
	tech.mustCall("ticket.conclude", map[string]string{"number": hc.repair, "result": "repaired", "conclusion": hostile("CONCL") + " " + longWord}, nil)

	// The ready repair is on the call list (pickup notice): a call's note.
	var calls []struct{ Number, Call string }
	clerk.mustCall("calls.list", nil, &calls)
	called := false
	for _, c := range calls {
		if c.Number == hc.repair {
			clerk.mustCall("call.close", map[string]string{"number": hc.repair, "kind": c.Call, "outcome": "no_answer", "note": hostile("CALL")}, nil)
			called = true
		}
	}
	if !called {
		t.Fatalf("the ready repair %s is not on the call list %+v", hc.repair, calls)
	}

	// A return the customer insists on goes to the supervisor, who rejects
	// it; an unrepairable repair is settled by the supervisor.
	boss := dialStaff(t, addr, "boss", "3333")
	clerk.mustCall("ticket.intake", map[string]any{"key": "hostile-return", "kind": "return", "phone": hostilePhone, "purchase_id": purchase,
		"fault": hostile("RET"), "problem": "quality", "insist": hostile("INSIST"), "condition": map[string]any{"packaging": true, "receipt": true}}, &in)
	hc.ret = in.Ticket.Number
	if in.Ticket.Status != "approval" {
		t.Fatalf("an insisting customer's return: status %q, want approval", in.Ticket.Status)
	}
	boss.mustCall("ticket.reject", map[string]string{"number": hc.ret, "reason": hostile("REJECT")}, nil)
	clerk.mustCall("ticket.intake", map[string]any{"key": "hostile-repair-2", "kind": "repair", "phone": hostilePhone, "purchase_id": purchase,
		"fault": hostile("FAULT2"), "problem": "quality", "request": "repair", "condition": map[string]any{"packaging": true, "receipt": true}}, &in)
	hc.settled = in.Ticket.Number
	clerk.mustCall("ticket.assign", map[string]string{"number": hc.settled, "technician": "tech"}, nil)
	tech.mustCall("ticket.conclude", map[string]string{"number": hc.settled, "result": "unrepairable", "conclusion": hostile("UNREP")}, nil)
	boss.mustCall("ticket.settle", map[string]string{"number": hc.settled, "outcome": "other", "note": hostile("SETTLE")}, nil)

	// A complaint: its text is the fault; its reason is one from the
	// configured list, whose names an admin typed (hostileConf).
	clerk.mustCall("ticket.intake", map[string]any{"key": "hostile-complaint", "kind": "complaint", "phone": hostilePhone,
		"fault": hostile("COMPLAINT") + " " + longWord, "complaint_reason": "hostile", "condition": map[string]any{}}, &in)
	hc.complaint = in.Ticket.Number
	// More complaints whose reasons' names start a formula, for the CSVs.
	for i, f := range formulas {
		clerk.mustCall("ticket.intake", map[string]any{"key": fmt.Sprint("hostile-formula-", i), "kind": "complaint", "phone": hostilePhone,
			"fault": "formula " + f, "complaint_reason": fmt.Sprint("formula", i), "condition": map[string]any{}}, nil)
	}

	var issued struct {
		Card struct{ Number string } `json:"card"`
	}
	clerk.mustCall("card.issue", map[string]any{"key": "hostile-card", "customer_id": hc.customer, "uid": "04DE30FE"}, &issued)
	hc.card = issued.Card.Number

	// Searching with a hostile query finds the ticket by its text, or
	// refuses the query by name; it never fails inside.
	for _, by := range []string{"text", "name", "serial", "phone", "number"} {
		var found []struct{ Number string }
		err := clerk.call("ticket.search", map[string]string{"q": hostile("FAULT"), "by": by}, &found)
		var oe *opError
		if err != nil && (!errors.As(err, &oe) || oe.Code == "internal") {
			t.Errorf("ticket.search by %s with a hostile query: %v", by, err)
		}
	}
	printHostileForm(t, clerk, hc.repair)
	rawUTF8Intake(t, addr)
	hc.phone = hostilePhone

	// A failed login with a hostile staff id, for the audit screen.
	bad := dialStaffNoLogin(t, addr)
	if err := bad.call("login", map[string]string{"staff": hostile("LOGIN"), "pin": "0000"}, nil); err == nil {
		t.Fatal("a wrong PIN logged in")
	}
	return hc
}

// dialStaffNoLogin opens a websocket to addr without logging in.
func dialStaffNoLogin(t testing.TB, addr string) *wsClient {
	t.Helper()
	ws, _, err := websocket.DefaultDialer.Dial("ws://"+addr+"/ws", nil)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { ws.Close() })
	return &wsClient{t: t, ws: ws}
}

// printHostileForm prints the repair's tracking card with every field the
// clerk may edit set to a hostile value.
func printHostileForm(t *testing.T, clerk *wsClient, number string) {
	t.Helper()
	var f struct {
		Form struct {
			Sections []struct {
				Fields []struct {
					ID     string `json:"id"`
					Kind   string `json:"kind"`
					MaxLen int    `json:"max_len"`
				} `json:"fields"`
			} `json:"sections"`
		} `json:"form"`
		Values map[string]string `json:"values"`
		Locked []string          `json:"locked"`
	}
	clerk.mustCall("form.get", map[string]string{"name": "tracking", "number": number}, &f)
	values, orig := map[string]string{}, f.Values
	for k, v := range orig {
		values[k] = v
	}
	locked := map[string]bool{}
	for _, id := range f.Locked {
		locked[id] = true
	}
	n := 0
	for _, s := range f.Form.Sections {
		for _, fl := range s.Fields {
			if !locked[fl.ID] && (fl.Kind == "text" || fl.Kind == "multiline") {
				// One line, within the field's length: a text field
				// refuses more, naming itself.
				v := []rune("HFORM~ " + xss[0] + " " + strings.NewReplacer("\r", "", "\n", "").Replace(oddRunes))
				if fl.MaxLen > 0 && len(v) > fl.MaxLen {
					v = v[:fl.MaxLen]
				}
				values[fl.ID] = string(v)
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("the tracking card has no free text field")
	}
	// A field with a pattern (a product code, a phone) refuses the payload
	// by name: it keeps its value, the others stay hostile.
	for {
		err := clerk.call("form.print", map[string]any{"name": "tracking", "number": number, "values": values}, nil)
		var oe *opError
		if err == nil {
			break
		}
		if !errors.As(err, &oe) || oe.Code != "invalid" || oe.Field == "" || values[oe.Field] == orig[oe.Field] {
			t.Fatalf("form.print with hostile values: %v", err)
		}
		values[oe.Field] = orig[oe.Field]
		n--
	}
	if n == 0 {
		t.Fatal("the tracking card took no hostile value")
	}
}

// rawUTF8Intake sends a complaint whose text holds invalid UTF-8 as the
// raw bytes of a text frame, as a hostile client would: the server answers
// bad_request and closes the connection with 1007 (RFC 6455 §8.1), and
// takes nothing in (a later search for its text finds no ticket).
func rawUTF8Intake(t *testing.T, addr string) {
	t.Helper()
	c := dialStaff(t, addr, "clerk", "1111")
	frame := []byte(`{"id":"raw","op":"ticket.intake","args":{"key":"hostile-raw","kind":"complaint","phone":"` + hostilePhone +
		`","fault":"` + "HRAW~ bad \xff\xfe\xc0\xaf bytes \xed\xa0\x80 end" + `","complaint_reason":"other","condition":{}}}`)
	if err := c.ws.WriteMessage(websocket.TextMessage, frame); err != nil {
		t.Fatal(err)
	}
	refused := false
	for {
		_, b, err := c.ws.ReadMessage()
		if err != nil {
			if !websocket.IsCloseError(err, websocket.CloseInvalidFramePayloadData) {
				t.Errorf("after the raw frame: %v, want close 1007", err)
			}
			break
		}
		var f struct {
			OK    bool                  `json:"ok"`
			Error struct{ Code string } `json:"error"`
		}
		if json.Unmarshal(b, &f) == nil && !f.OK && f.Error.Code == "bad_request" {
			refused = true
		}
	}
	if !refused {
		t.Error("the raw frame got no bad_request reply")
	}
	var found []struct{ Number string }
	if err := dialStaff(t, addr, "clerk", "1111").call("ticket.search", map[string]string{"q": "HRAW", "by": "text"}, &found); err != nil || len(found) != 0 {
		t.Errorf("search for the raw frame's text = %v, %v; want nothing taken in", found, err)
	}
}

// checkSlips decodes every job the demo printer wrote: each must decode
// (no byte of typed text reached the printer as a command), hold no control
// character or bidi override as text, and the slips must show the hostile
// values as text.
func checkSlips(t *testing.T, dir string, want ...string) {
	t.Helper()
	var text strings.Builder
	deadline := time.Now().Add(10 * time.Second)
	for {
		text.Reset()
		bins, _ := filepath.Glob(filepath.Join(dir, "*.bin"))
		for _, bin := range bins {
			b, err := os.ReadFile(bin)
			if err != nil {
				t.Fatal(err)
			}
			res, err := escpostest.Decode(b)
			if err != nil {
				t.Errorf("%s does not decode: %v", filepath.Base(bin), err)
				continue
			}
			for _, bl := range res.Blocks {
				if bad := unsafeRune.FindString(bl.Text); bad != "" {
					t.Errorf("%s prints %q in %q", filepath.Base(bin), bad, bl.Text)
				}
				text.WriteString(bl.Text + "\n")
			}
		}
		missing := ""
		for _, w := range want {
			if !strings.Contains(text.String(), w) {
				missing = w
			}
		}
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no slip in %s shows %q; they show:\n%s", dir, missing, text.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// unsafeRune is what must never be printed as text: control characters,
// bidi controls, zero-width characters.
var unsafeRune = regexp.MustCompile("[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]")

// hostileTags are the tags the screens must show as text.
func hostileTags(tags ...string) string {
	var b strings.Builder
	for i, tg := range tags {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q", "H"+tg+"~")
	}
	return "[" + b.String() + "]"
}

// hostileConf writes the default config to dir with complaint reasons
// added whose names are hostile or start a formula: names an admin typed
// into policy.toml reach the screens and the complaint summary's CSV.
func hostileConf(t *testing.T, dir string) string {
	t.Helper()
	if _, err := conf.WriteDefaults(dir); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("\n[[complaint_reasons]]\ncode = \"hostile\"\nname = " + tomlString(hostile("REASON")) + "\n")
	for i, f := range formulas {
		fmt.Fprintf(&b, "\n[[complaint_reasons]]\ncode = \"formula%d\"\nname = %s\n", i, tomlString(f+" HREASON~"))
	}
	f, err := os.OpenFile(filepath.Join(dir, "policy.toml"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(b.String()); err != nil {
		t.Fatal(err)
	}
	return dir
}

// tomlString is s as a TOML basic string: quotes, backslashes and control
// characters escaped.
func tomlString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, "\\u%04X", r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
