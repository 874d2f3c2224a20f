package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// MustRunMain starts the whole appliance on 127.0.0.1:0 with a fresh data
// directory and the demo data, closed at the end of the test.
func MustRunMain(tb testing.TB, dataDir string) *Main {
	tb.Helper()
	m := NewMain(slog.New(slog.NewTextHandler(io.Discard, nil)))
	m.DataDir, m.Listen, m.ListenTLS, m.Demo, m.MemLimit = dataDir, "127.0.0.1:0", "127.0.0.1:0", true, 0
	if err := m.Run(context.Background()); err != nil {
		m.Close()
		tb.Fatalf("Run: %v", err)
	}
	tb.Cleanup(func() { m.Close() })
	return m
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// runCmd runs a subcommand as the binary would and returns its exit status and output.
func runCmd(args ...string) (int, string) {
	var out bytes.Buffer
	code := run(context.Background(), args, &out, &out)
	return code, out.String()
}

func TestApplianceServesBacksUpAndVerifies(t *testing.T) {
	tmp := t.TempDir()
	data := filepath.Join(tmp, "data")
	m := MustRunMain(t, data)
	base := "http://" + m.Addr()

	if code, body := get(t, base+"/"); code != 200 || !strings.Contains(body, "售后服务台") {
		t.Errorf("GET / = %d %q", code, body)
	}
	if code, body := get(t, base+"/healthz"); code != 200 || !strings.Contains(body, `"ok"`) {
		t.Errorf("GET /healthz = %d %q", code, body)
	}

	online := filepath.Join(tmp, "online.bak")
	if code, out := runCmd("backup", "-data", data, "-o", online); code != 0 || !strings.Contains(out, "online") {
		t.Fatalf("backup while serving = %d %q, want an online backup", code, out)
	}
	if code, out := runCmd("verify", "-data", data); code != 0 || !strings.Contains(out, "ticket     40") {
		t.Fatalf("verify while serving = %d %q", code, out)
	}
	if err := m.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"offline verify", []string{"verify", "-data", data}, 0, "OK"},
		{"offline backup", []string{"backup", "-data", data, "-o", filepath.Join(tmp, "offline.bak")}, 0, "offline"},
		{"restore", []string{"restore", "-i", online, "-data", filepath.Join(tmp, "restored")}, 0, "restored"},
		{"verify restored", []string{"verify", "-data", filepath.Join(tmp, "restored")}, 0, "customer   23"}, // twenty card holders and three walk-ins of the demo month
		{"restore refuses a non-empty dir", []string{"restore", "-i", online, "-data", data}, 1, "not empty"},
		{"backup needs -o", []string{"backup", "-data", data}, 1, "-o FILE is required"},
		{"unknown command", []string{"nonsense"}, 2, "unknown command"},
		{"help lists serve", []string{"help"}, 0, "serve"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := runCmd(tt.args...)
			if code != tt.wantCode || !strings.Contains(out, tt.wantOut) {
				t.Errorf("%v = %d %q, want %d and %q", tt.args, code, out, tt.wantCode, tt.wantOut)
			}
		})
	}
}

func TestDemoLoadsOnceAcrossRestarts(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	for i := 0; i < 2; i++ {
		m := MustRunMain(t, data)
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if code, out := runCmd("verify", "-data", data); code != 0 || !strings.Contains(out, "ticket     40") {
		t.Fatalf("after two demo starts verify = %d %q, want 40 tickets", code, out)
	}
}

// TestServeHotReloadsConfig edits a config file under a running appliance
// and expects the new version on the bus; a broken edit keeps the old one.
func TestServeHotReloadsConfig(t *testing.T) {
	tmp := t.TempDir()
	confDir := filepath.Join(tmp, "conf")
	if code, out := runCmd("config", "init", confDir); code != 0 {
		t.Fatalf("config init = %d %q", code, out)
	}
	m := NewMain(slog.New(slog.NewTextHandler(io.Discard, nil)))
	m.DataDir, m.ConfDir, m.Listen, m.ListenTLS, m.MemLimit = filepath.Join(tmp, "data"), confDir, "127.0.0.1:0", "127.0.0.1:0", 0
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	sub := m.bus.Subscribe(16)
	defer sub.Close()
	before := m.Config().Version

	storeFile := filepath.Join(confDir, "store.toml")
	orig, err := os.ReadFile(storeFile)
	if err != nil {
		t.Fatal(err)
	}
	edits := []struct {
		name, content, wantEvent string
	}{
		{"broken edit is refused", string(orig) + "\nnot valid toml = = =\n", "config.error"},
		{"valid edit is applied", string(orig) + "\n# a comment changes the version\n", "config.reloaded"},
	}
	for _, e := range edits {
		t.Run(e.name, func(t *testing.T) {
			if err := os.WriteFile(storeFile, []byte(e.content), 0o644); err != nil {
				t.Fatal(err)
			}
			deadline := time.After(10 * time.Second)
			for {
				select {
				case ev := <-sub.C():
					switch ev.Kind {
					case e.wantEvent:
						return
					case "config.reloaded", "config.error":
						t.Fatalf("event %s %v, want %s", ev.Kind, ev.Data, e.wantEvent)
					}
					// Readers and printers publish their own events; not ours.
				case <-deadline:
					t.Fatalf("no %s event within 10 s", e.wantEvent)
				}
			}
		})
	}
	if m.Config().Version == before {
		t.Errorf("config version still %s after a valid edit", before)
	}
}
