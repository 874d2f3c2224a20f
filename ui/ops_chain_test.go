package ui

import (
	"encoding/json"
	"strings"
	"testing"

	"shouhou/appliance"
)

// fakeUplink is what main's Chain func returns, reduced to what the
// screen reads.
type fakeUplink struct {
	Connected bool   `json:"connected"`
	Lag       uint64 `json:"lag"`
	LastError string `json:"last_error"`
}

// TestChainStatusOverTheWire: chain.status says off without a Chain
// func, and passes the func's state through, read anew each call.
func TestChainStatusOverTheWire(t *testing.T) {
	tests := []struct {
		name  string
		chain func() any
		want  string
	}{
		{"outside a chain", nil, `{"on":false}`},
		{"connected, nothing waiting", func() any { return fakeUplink{Connected: true} },
			`{"on":true,"uplink":{"connected":true,"lag":0,"last_error":""}}`},
		{"head office down", func() any { return fakeUplink{Lag: 42, LastError: "nats: no servers available"} },
			`{"on":true,"uplink":{"connected":false,"lag":42,"last_error":"nats: no servers available"}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rig := MustRig(t, func(o *Options) { o.Chain = tc.chain })
			c := rig.asRole(t, appliance.RoleClerk)
			var got json.RawMessage
			mustOK(t, c, "chain.status", nil, &got)
			if string(got) != tc.want {
				t.Errorf("chain.status = %s, want %s", got, tc.want)
			}
			anon := rig.dial(t, "", "")
			if r := anon.call("chain.status", nil); r.OK || !strings.HasPrefix(r.Error.Message, "请先登录") {
				t.Errorf("chain.status with nobody logged in = %+v, want refused", r)
			}
		})
	}
}
