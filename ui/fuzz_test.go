package ui

import (
	"encoding/json"
	"testing"
)

// FuzzFrame feeds arbitrary websocket frames to the request path of a real
// server: decoding never panics, every frame gets one reply that encodes,
// and a frame that is not a request is a bad_request.
func FuzzFrame(f *testing.F) {
	for _, seed := range []string{
		`{"id":"1","op":"whoami"}`, `{"id":"2","op":"login","args":{"pin":"1"}}`, `{"id":"3","op":"card.topup","args":{"amount_fen":"x"}}`,
		`{"id":"4","op":"tickets.list","args":[]}`, `not json`, `{"id":5}`, `{"op":"subscribe","args":{"events":["ticket."]}}`, ``,
	} {
		f.Add([]byte(seed))
	}
	rig := MustRig(f, nil)
	f.Fuzz(func(t *testing.T, frame []byte) {
		c := &conn{srv: rig.srv, out: make(chan []byte, 8), quit: make(chan struct{}), tokens: 1, last: rig.srv.opts.Now()}
		var req Request
		var rep Reply
		if err := json.Unmarshal(frame, &req); err != nil {
			rep = Reply{Error: errBadRequest("bad")}
		} else {
			rep = rig.srv.handle(c, req)
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
