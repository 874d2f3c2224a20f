package uplink

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"shouhou/appliance/chain"
	"shouhou/drivers/chaintest"
)

// TestReplayResponder: the box answers head office's replay requests by
// publishing its outbox again from the requested seq with the forwarder's
// message ids, so the stream stores only the events it lacked, and says
// when the seq asked for was pruned.
func TestReplayResponder(t *testing.T) {
	n := chaintest.StartNATS(t, chaintest.NATSOptions{})
	db := mustOpen(t, t.TempDir())
	writeTickets(t, db, 0, 10)
	h, err := db.OutboxHead()
	if err != nil || h != 10 {
		t.Fatalf("outbox head %d, %v; want 10", h, err)
	}
	// The forwarder sent 1..10 but the stream lost 6 and 7 (a hole head
	// office sees); the box then pruned 1..3.
	f, stopForwarder := runForwarder(t, db, n.URL())
	waitAcked(t, f, 10)
	stopForwarder()
	nc, err := nats.Connect(n.URL(), nats.UserInfo("SH01", "s3cret"))
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	st, err := js.Stream(ctx, chain.StreamEvents)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.PruneOutbox(3); err != nil {
		t.Fatal(err)
	}

	r, err := NewReplayResponder(db, ReplayOptions{URL: n.URL(), Branch: "SH01", User: "SH01", Password: "s3cret",
		Logger: quiet, Batch: 3, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	runUntilStopped(t, r.Run)
	for deadline := time.Now().Add(10 * time.Second); !r.Ready(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the responder is not ready after 10 s")
		}
	}

	for _, tc := range []struct {
		name      string
		req       chain.ReplayRequest
		deleted   []uint64 // removed from the stream before the request
		want      chain.ReplayReply
		wantError string
		wantMsgs  uint64 // messages in the stream after it
	}{
		{name: "from a kept seq", req: chain.ReplayRequest{Branch: "SH01", From: 6, To: 7}, deleted: []uint64{6, 7}, want: chain.ReplayReply{Republished: 5, Oldest: 4},
			wantMsgs: 10},
		{name: "from a pruned seq", req: chain.ReplayRequest{Branch: "SH01", From: 2, To: 3}, want: chain.ReplayReply{Republished: 7, Oldest: 4},
			wantError: "events 2 to 3 were pruned", wantMsgs: 10},
		{name: "past the head", req: chain.ReplayRequest{Branch: "SH01", From: 11}, want: chain.ReplayReply{Oldest: 4}, wantMsgs: 10},
		{name: "another branch", req: chain.ReplayRequest{Branch: "SH02", From: 1}, wantError: "not SH02", wantMsgs: 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, seq := range tc.deleted {
				if err := st.DeleteMsg(ctx, seq); err != nil {
					t.Fatalf("delete stream message %d: %v", seq, err)
				}
			}
			body, _ := json.Marshal(tc.req)
			m, err := nc.Request(chain.SubjectReplay+"SH01", body, 20*time.Second)
			if err != nil {
				t.Fatalf("request: %v", err)
			}
			var got chain.ReplayReply
			if err := json.Unmarshal(m.Data, &got); err != nil {
				t.Fatal(err)
			}
			if got.Republished != tc.want.Republished || got.Oldest != tc.want.Oldest ||
				(tc.wantError == "") != (got.Error == "") || !strings.Contains(got.Error, tc.wantError) {
				t.Errorf("reply %+v, want %+v with error %q", got, tc.want, tc.wantError)
			}
			info, err := st.Info(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if info.State.Msgs != tc.wantMsgs {
				t.Errorf("the stream holds %d messages, want %d", info.State.Msgs, tc.wantMsgs)
			}
		})
	}
	if got := r.Answered(); got != 4 {
		t.Errorf("Answered = %d, want 4", got)
	}
}
