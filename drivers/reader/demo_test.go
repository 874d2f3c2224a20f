package reader_test

import (
	"context"
	"testing"
	"time"

	"shouhou/drivers/reader"
)

// source is what both a Watcher and a Demo offer their user.
type source interface {
	Watch(context.Context) <-chan reader.Event
	Close() error
}

var (
	_ source = (*reader.Watcher)(nil)
	_ source = (*reader.Demo)(nil)
)

func TestDemo(t *testing.T) {
	at := time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)
	d := reader.NewDemo(func() time.Time { return at })
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	c := d.Watch(ctx)
	name := reader.DemoReaderName
	steps := []struct {
		name string
		do   func() error
		want []reader.Event
	}{
		{"start", func() error { return nil }, []reader.Event{{Kind: reader.KindStatus, Reader: name, Status: reader.StatusOK}}},
		{"present", func() error { return d.Present("04a1b2c3d4e5f6") }, []reader.Event{{Kind: reader.KindPresent, Reader: name, UID: "04A1B2C3D4E5F6", ATR: "3B8F8001804F0CA000000306030001000000006A"}}},
		{"another card", func() error { return d.Present("DEADBEEF") }, []reader.Event{
			{Kind: reader.KindRemoved, Reader: name},
			{Kind: reader.KindPresent, Reader: name, UID: "DEADBEEF", ATR: "3B8F8001804F0CA000000306030001000000006A"},
		}},
		{"remove", func() error { d.Remove(); return nil }, []reader.Event{{Kind: reader.KindRemoved, Reader: name}}},
		{"remove again", func() error { d.Remove(); return nil }, nil},
		{"random UID", func() error { return d.Present("08112233") }, []reader.Event{{Kind: reader.KindPresent, Reader: name, UID: "08112233", ATR: "3B8F8001804F0CA000000306030001000000006A", Unsupported: true,
			Detail: "卡片不支持：每次读卡 UID 都不同 / card not supported: it sends a random UID"}}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			if err := st.do(); err != nil {
				t.Fatal(err)
			}
			for _, want := range st.want {
				want.Time = at
				if got := <-c; got != want {
					t.Fatalf("event = %+v, want %+v", got, want)
				}
			}
			if len(c) != 0 {
				t.Fatalf("%d events more than expected", len(c))
			}
		})
	}
	for _, bad := range []string{"", "xyz", "010203", "0102030405060708090A0B"} {
		if err := d.Present(bad); err == nil {
			t.Errorf("Present(%q) = nil, want error", bad)
		}
	}
	cancel()
	for range c {
	}
	if err := d.Present("01020304"); err == nil {
		t.Error("Present after close = nil, want error")
	}
}
