package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/conf"
)

// TestServeForgetsKeysAfterRetention: serve runs the ticket scheduler,
// which forgets an idempotency key once it is older than store.toml's
// idempotency_retention. A retry within the retention, after a restart,
// gets the first ticket; after it, the key is new and makes another.
func TestServeForgetsKeysAfterRetention(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	args := crashIntakeArgs("retention-1")
	intake := func(shift time.Duration) intakeReply {
		t.Helper()
		m := NewMain(slog.New(slog.NewTextHandler(io.Discard, nil)))
		m.DataDir, m.Listen, m.Demo, m.MemLimit = data, "127.0.0.1:0", true, 0
		m.Now = func() time.Time { return time.Now().Add(shift) }
		if err := m.Run(context.Background()); err != nil {
			m.Close()
			t.Fatalf("Run: %v", err)
		}
		defer m.Close()
		if shift > 0 {
			waitForgotten(t, m.db, args)
		}
		var r intakeReply
		dialStaff(t, m.Addr(), "clerk", "1111").mustCall("ticket.intake", args, &r)
		return r
	}
	first := intake(0)
	if again := intake(time.Hour); !again.Replayed || again.Ticket.Number != first.Ticket.Number {
		t.Fatalf("retry an hour later, after a restart = %s replayed %v, want %s replayed", again.Ticket.Number, again.Replayed, first.Ticket.Number)
	}
	late := intake(conf.DefaultIdempotencyRetention + 24*time.Hour)
	if late.Replayed || late.Ticket.Number == "" || late.Ticket.Number == first.Ticket.Number {
		t.Fatalf("retry after the retention = %s replayed %v, want a new ticket", late.Ticket.Number, late.Replayed)
	}
}

// waitForgotten waits until the store no longer holds the intake key of
// args, or, within the retention, gives up after a second (the key kept).
func waitForgotten(t *testing.T, db *store.DB, args map[string]any) {
	t.Helper()
	req, err := store.NewRequest("ticket.intake", args["key"].(string), args)
	if err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		var found bool
		err := db.View(func(tx *store.Txn) (err error) { _, found, err = tx.Recall(req); return err })
		switch {
		case appliance.ErrorCode(err) == appliance.ECONFLICT: // held, for the arguments as the server decoded them
		case err != nil:
			t.Fatal(err)
		case !found:
			return
		}
	}
}
