package reader_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"shouhou/drivers/reader"
)

var update = flag.Bool("update", false, "rewrite the goldens in testdata/")

// TestEventJSON pins the JSON shape of events, which the UI's protocol
// carries: testdata/event-NAME.json, rewritten by -update.
func TestEventJSON(t *testing.T) {
	at := time.Date(2026, 5, 1, 9, 30, 0, 0, time.FixedZone("CST", 8*3600))
	tests := []struct {
		name string
		e    reader.Event
	}{
		{"present", reader.Event{Kind: reader.KindPresent, Reader: "ACS ACR122U PICC Interface 00 00", UID: "04A1B2C3D4E5F6", ATR: "3B8F8001804F0CA000000306030001000000006A", Time: at}},
		{"unsupported", reader.Event{Kind: reader.KindPresent, Reader: "ACS ACR122U PICC Interface 00 00", UID: "08112233", ATR: "3B8F8001804F0CA000000306030001000000006A", Unsupported: true, Detail: "卡片不支持：每次读卡 UID 都不同 / card not supported: it sends a random UID", Time: at}},
		{"removed", reader.Event{Kind: reader.KindRemoved, Reader: "ACS ACR122U PICC Interface 00 00", Time: at}},
		{"error", reader.Event{Kind: reader.KindError, Reader: "ACS ACR122U PICC Interface 00 00", ATR: "3B8F8001804F0CA000000306030001000000006A", Detail: "读卡失败 / the card could not be read: reader: GET DATA answered 6A 81 (function not supported)", Time: at}},
		{"no_service", reader.Event{Kind: reader.KindStatus, Status: reader.StatusNoService, Detail: "读卡服务 pcscd 未运行 / the PC/SC service pcscd is not running: reader: SCardEstablishContext: scard: Service not available.", Time: at}},
		{"reader_gone", reader.Event{Kind: reader.KindStatus, Reader: "ACS ACR122U PICC Interface 00 00", Status: reader.StatusNoReader, Time: at}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := json.MarshalIndent(tt.e, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			path := filepath.Join("testdata", "event-"+tt.name+".json")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("json.Marshal(%s) =\n%s\nwant (%s)\n%s", tt.name, got, path, want)
			}
			var back reader.Event
			if err := json.Unmarshal(want, &back); err != nil || !back.Time.Equal(tt.e.Time) {
				t.Fatalf("json.Unmarshal(%s) = %+v, %v", path, back, err)
			}
		})
	}
}
