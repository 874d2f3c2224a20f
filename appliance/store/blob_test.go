package store

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"shouhou/appliance"
)

func TestBlobs(t *testing.T) {
	dir := t.TempDir()
	db := MustOpenDir(t, dir)
	if err := db.PutBlobs("system", "test", map[string][]byte{"tls/a.pem": []byte("A"), "tls/b.pem": []byte("B")}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, blob string
		want       []byte
		code       string
	}{
		{"kept", "tls/a.pem", []byte("A"), ""},
		{"another", "tls/b.pem", []byte("B"), ""},
		{"none under that name", "tls/c.pem", nil, ""},
		{"empty name", "", nil, appliance.EINVALID},
		{"newline in the name", "tls/a.pem\nverify", nil, appliance.EINVALID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.Blob(tc.blob)
			if appliance.ErrorCode(err) != tc.code && (tc.code != "" || err != nil) {
				t.Fatalf("Blob(%q) error %v, want code %q", tc.blob, err, tc.code)
			}
			if !bytes.Equal(got, tc.want) {
				t.Errorf("Blob(%q) = %q, want %q", tc.blob, got, tc.want)
			}
		})
	}
	if err := db.PutBlobs("system", "test", map[string][]byte{"ok": []byte("x"), "": []byte("y")}); appliance.ErrorCode(err) != appliance.EINVALID {
		t.Errorf("PutBlobs with an empty name = %v, want invalid", err)
	}
	if b, _ := db.Blob("ok"); b != nil {
		t.Errorf("PutBlobs with one bad name wrote the others: %q", b)
	}

	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- db.ServeAdmin(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	defer func() { cancel(); <-served }()
	var got []byte
	var err error
	for i := 0; i < 50; i++ { // the listener may not be up yet
		if got, err = BlobVia(dir, "tls/b.pem"); !errors.Is(err, ErrNoServer) {
			break
		}
		runtimeSleep()
	}
	if err != nil || string(got) != "B" {
		t.Errorf("BlobVia = %q, %v; want B", got, err)
	}
	if _, err := BlobVia(dir, "tls/none"); err == nil {
		t.Errorf("BlobVia of a missing blob succeeded")
	}
}
