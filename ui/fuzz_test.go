package ui

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/gorilla/websocket"
)

// FuzzFrame feeds arbitrary websocket text frames to the request path of a
// real server: decoding never panics, every frame gets one reply that
// encodes, a frame that is not a request is a bad_request, a frame that
// is not UTF-8 is a bad_request that closes the connection, and a frame
// repeating a key (in any case) is a bad_request naming it.
func FuzzFrame(f *testing.F) {
	for _, seed := range []string{
		`{"id":"1","op":"whoami"}`, `{"id":"2","op":"login","args":{"pin":"1"}}`, `{"id":"3","op":"card.topup","args":{"amount_fen":"x"}}`,
		`{"id":"4","op":"tickets.list","args":[]}`, `not json`, `{"id":5}`, `{"op":"subscribe","args":{"events":["ticket."]}}`, ``,
		`{"id":"6","op":"card.topup","args":{"amount_fen":100000,"AMOUNT_FEN":1}}`, `{"id":"7","id":"8","op":"whoami"}`,
		`{"id":"9","op":"ticket.diagnose","args":{"parts":[{"qty":1,"Qty":2}]}}`, `{"id":"10","op":"login","args":{"\u212ay":1,"ky":2}}`,
		"{\"id\":\"11\",\"op\":\"whoami\",\"args\":{\"x\":\"\xff\xfe\"}}", "{\"id\":\"12\",\"op\":\"login\",\"args\":{\"pin\":\"\xc3\"}}",
		`{"id":"13","op":"tickets.list","args":{"limit":1,"bogus":true}}`,
	} {
		f.Add([]byte(seed))
	}
	rig := MustRig(f, nil)
	f.Fuzz(func(t *testing.T, frame []byte) {
		c := &conn{srv: rig.srv, out: make(chan []byte, 8), quit: make(chan struct{}), tokens: 1, last: rig.srv.opts.Now()}
		rep, fatal := c.answer(websocket.TextMessage, frame)
		if fatal != !utf8.Valid(frame) {
			t.Fatalf("frame %q: fatal = %v, want it exactly when the frame is not UTF-8", frame, fatal)
		}
		var req Request
		switch {
		case fatal || json.Unmarshal(frame, &req) != nil:
			if rep.Error == nil || rep.Error.Code != CodeBadRequest {
				t.Fatalf("frame %q is not a request, reply %+v", frame, rep)
			}
		case checkStrict(frame) != nil || checkFrameKeys(frame) != nil:
			if rep.Error == nil || rep.Error.Code != CodeBadRequest || rep.Error.Field == "" {
				t.Fatalf("frame %q repeats a key or has one beside id, op, args: reply %+v, want bad_request naming it", frame, rep)
			}
		default:
			if rep.ID != req.ID {
				t.Fatalf("reply id %q for request id %q", rep.ID, req.ID)
			}
		}
		if _, err := json.Marshal(rep); err != nil {
			t.Fatalf("reply does not encode: %v", err)
		}
		if rep.Error != nil && rep.Error.Code == "internal" {
			t.Fatalf("frame %q: internal error %+v", frame, rep.Error)
		}
	})
}
