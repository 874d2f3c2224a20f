package ui

import (
	"encoding/json"
	"errors"
	"net/http"
	"path"
	"sort"
	"strings"
	"testing"

	"github.com/gorilla/websocket"

	"shouhou/appliance"
)

// raw sends a frame as written and waits for the reply with id.
func (c *client) raw(id, frame string) reply {
	c.tb.Helper()
	if err := c.ws.WriteMessage(websocket.TextMessage, []byte(frame)); err != nil {
		c.tb.Fatalf("write %s: %v", frame, err)
	}
	return c.replyTo(id)
}

// balance is a card's balance as card.ledger reports it.
func (c *client) balance(card string) int64 {
	c.tb.Helper()
	r := c.call("card.ledger", map[string]string{"card": card})
	if !r.OK {
		c.tb.Fatalf("card.ledger %s: %+v", card, r.Error)
	}
	var l struct {
		Card appliance.Card `json:"card"`
	}
	json.Unmarshal(r.Result, &l)
	return l.Card.BalanceFen
}

func TestStrictJSONRefusesRepeatedKeys(t *testing.T) {
	rig := MustRig(t, nil)
	c := rig.asRole(t, appliance.RoleClerk)
	before := c.balance("SC-000001")
	tests := []struct {
		name, id, frame string
		code, field     string
	}{
		{"case-folded amount", "1", `{"id":"1","op":"card.topup","args":{"key":"s-1","card":"SC-000001","amount_fen":100000,"AMOUNT_FEN":1}}`,
			CodeBadRequest, "args.AMOUNT_FEN"},
		{"same amount twice", "2", `{"id":"2","op":"card.topup","args":{"key":"s-2","card":"SC-000001","amount_fen":1,"amount_fen":100000}}`,
			CodeBadRequest, "args.amount_fen"},
		{"top-level op twice", "3", `{"id":"3","op":"whoami","Op":"card.topup"}`, CodeBadRequest, "Op"},
		{"nested object", "4", `{"id":"4","op":"ticket.intake","args":{"kind":"repair","purchase":{"name":"a","NAME":"b"}}}`,
			CodeBadRequest, "args.purchase.NAME"},
		{"inside an array", "5", `{"id":"5","op":"ticket.diagnose","args":{"number":"x","parts":[{"code":"p","qty":1,"QTY":9}]}}`,
			CodeBadRequest, "args.parts.0.QTY"},
		{"Kelvin sign folds to k", "6", `{"id":"6","op":"card.topup","args":{"key":"s-6","\u212aey":"s-7","card":"SC-000001","amount_fen":5}}`,
			CodeBadRequest, "args.\u212aey"},
		{"an argument in another case alone", "10", `{"id":"10","op":"card.topup","args":{"key":"s-10","card":"SC-000001","AMOUNT_FEN":500000}}`,
			CodeBadRequest, "args.AMOUNT_FEN"},
		{"a nested argument in another case", "11", `{"id":"11","op":"ticket.intake","args":{"kind":"repair","Condition":{"unused":true}}}`,
			CodeBadRequest, "args.Condition"},
		{"an embedded argument in another case", "12", `{"id":"12","op":"ticket.intake","args":{"kind":"repair","condition":{"Unused":true}}}`,
			CodeBadRequest, "args.condition.Unused"},
		{"op in another case at the top", "13", `{"id":"13","OP":"card.topup","args":{}}`, CodeBadRequest, "OP"},
		{"a misspelt args at the top", "14", `{"id":"14","op":"whoami","ags":{}}`, CodeBadRequest, "ags"},
		{"unknown argument", "7", `{"id":"7","op":"card.topup","args":{"key":"s-8","card":"SC-000001","amount_fen":5,"amonut_fen":500000}}`,
			"invalid", "amonut_fen"},
		{"unknown nested argument", "8", `{"id":"8","op":"ticket.intake","args":{"kind":"repair","purchase":{"name":"a","colour":"red"}}}`,
			"invalid", "colour"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.raw(tc.id, tc.frame)
			if r.OK || r.Error == nil || r.Error.Code != tc.code || r.Error.Field != tc.field {
				t.Fatalf("%s = %+v, want %s naming %q", tc.frame, r.Error, tc.code, tc.field)
			}
			if !strings.Contains(r.Error.Message, " / ") {
				t.Errorf("message %q: want Chinese / English", r.Error.Message)
			}
		})
	}
	if after := c.balance("SC-000001"); after != before {
		t.Errorf("balance %d after refused frames, want %d unchanged", after, before)
	}
	// The connection stays, and distinct keys still work.
	if r := c.raw("9", `{"id":"9","op":"card.topup","args":{"key":"s-9","card":"SC-000001","amount_fen":5}}`); !r.OK {
		t.Errorf("a clean top-up after refusals = %+v", r.Error)
	}
}

func TestInvalidUTF8ClosesWith1007(t *testing.T) {
	rig := MustRig(t, nil)
	c := rig.dial(t, "", "")
	c.ws.WriteMessage(websocket.TextMessage, []byte("{\"id\":\"1\",\"op\":\"whoami\",\"args\":{\"x\":\"\xff\xfe\"}}"))
	f, ok := <-c.frames
	if !ok {
		t.Fatal("closed without the bad_request reply")
	}
	var r reply
	b, _ := json.Marshal(f)
	json.Unmarshal(b, &r)
	if r.Error == nil || r.Error.Code != CodeBadRequest || !strings.Contains(r.Error.Message, "UTF-8") {
		t.Errorf("reply to invalid UTF-8 = %s, want bad_request", b)
	}
	err := <-c.closed
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseInvalidFramePayloadData {
		t.Errorf("after invalid UTF-8: %v, want close %d", err, websocket.CloseInvalidFramePayloadData)
	}
	if r := rig.dial(t, "", "").call("whoami", nil); !r.OK {
		t.Errorf("neighbour's whoami = %+v", r.Error)
	}
}

func TestPagesAndAssetsAreNosniff(t *testing.T) {
	rig := MustRig(t, nil)
	urls := []string{"/", "/kiosk", "/staff"}
	var names []string
	for name := range rig.srv.static.files {
		if path.Ext(name) != ".html" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		urls = append(urls, "/s/"+rig.srv.static.version+"/"+n)
	}
	if len(urls) < 6 {
		t.Fatalf("only %d pages and assets: %v", len(urls), urls)
	}
	for _, u := range urls {
		resp, err := http.Get(rig.http.URL + u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("GET %s = %d, X-Content-Type-Options %q, want 200 and nosniff", u, resp.StatusCode, resp.Header.Get("X-Content-Type-Options"))
		}
	}
}
