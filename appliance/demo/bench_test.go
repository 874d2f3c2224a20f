package demo_test

import (
	"context"
	"io"
	"log/slog"
	"testing"

	"shouhou/appliance/demo"
	"shouhou/appliance/store"
	"shouhou/conf"
	"shouhou/ui"
)

// BenchmarkLoad plays the demo month into a fresh store (real Badger with
// the appliance's options, sync writes on), as the first `serve -demo`
// does; the second start's check is BenchmarkLoadAgain.
func BenchmarkLoad(b *testing.B) {
	now := nows(b)[0]
	snap, err := conf.LoadAt("", now)
	if err != nil {
		b.Fatal(err)
	}
	rules := ui.TicketRules(snap)
	for b.Loop() {
		b.StopTimer()
		db, err := store.Open(b.TempDir(), store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if loaded, err := demo.Load(context.Background(), db, demo.Options{Rules: rules, Now: now}); err != nil || !loaded {
			b.Fatalf("Load = %v, %v", loaded, err)
		}
		b.StopTimer()
		db.Close()
		b.StartTimer()
	}
}

// BenchmarkLoadAgain is a restart's Load on a store that holds the set.
func BenchmarkLoadAgain(b *testing.B) {
	now := nows(b)[0]
	snap, err := conf.LoadAt("", now)
	if err != nil {
		b.Fatal(err)
	}
	o := demo.Options{Rules: ui.TicketRules(snap), Now: now}
	db, err := store.Open(b.TempDir(), store.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := demo.Load(context.Background(), db, o); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if loaded, err := demo.Load(context.Background(), db, o); err != nil || loaded {
			b.Fatalf("Load again = %v, %v", loaded, err)
		}
	}
}
