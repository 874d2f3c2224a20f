package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/debug"

	"shouhou/appliance/store"
)

func quietLogger(stderr io.Writer) *slog.Logger {
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

// runBackup writes a consistent backup of -data to -o. When a server holds
// the directory it asks that server over DATA/admin.sock; otherwise it
// opens the directory itself.
func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("backup", stderr)
	data := fs.String("data", "./var/data", "data `DIR`")
	out := fs.String("o", "", "backup `FILE` to write (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("-o FILE is required")
	}
	if _, err := os.Stat(*data); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	online := true
	err := store.WriteFileAtomic(*out, func(w io.Writer) error {
		err := store.BackupVia(*data, w)
		if !errors.Is(err, store.ErrNoServer) {
			return err
		}
		online = false
		db, err := store.Open(*data, store.Options{Logger: quietLogger(stderr)})
		if err != nil {
			return err
		}
		defer db.Close()
		return db.Backup(w)
	})
	if err != nil {
		return err
	}
	how := "offline (no server held the directory)"
	if online {
		how = "online, through the running server"
	}
	fmt.Fprintf(stdout, "backup of %s written to %s, %s\n", *data, *out, how)
	return nil
}

func runRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("restore", stderr)
	in := fs.String("i", "", "backup `FILE` to read (required)")
	data := fs.String("data", "", "empty data `DIR` to restore into (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *in == "" || *data == "" {
		return errors.New("-i FILE and -data EMPTYDIR are required")
	}
	f, err := os.Open(*in)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := store.Restore(f, *data, store.Options{Logger: quietLogger(stderr)}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "restored %s into %s; run `shouhou verify -data %s` to check it\n", *in, *data, *data)
	return nil
}

// runVerify checks every stored invariant and exits 1 on any violation.
// When a server holds the directory it asks that server, as backup does.
func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("verify", stderr)
	data := fs.String("data", "./var/data", "data `DIR`")
	memLimit := fs.Int64("memlimit", verifyMemLimit, "Go memory limit in `bytes` for an offline verify (0: leave GOMEMLIMIT alone)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if _, err := os.Stat(*data); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	ok, err := store.VerifyVia(*data, stdout)
	if errors.Is(err, store.ErrNoServer) {
		if *memLimit > 0 && os.Getenv("GOMEMLIMIT") == "" {
			defer debug.SetMemoryLimit(debug.SetMemoryLimit(*memLimit))
		}
		ok, err = verifyOffline(*data, stdout, stderr)
	}
	if err != nil {
		return err
	}
	if !ok {
		return exitError(1)
	}
	return nil
}

// verifyMemLimit is an offline verify's Go memory limit: its streaming
// checks hold a few MiB and Badger's caches 32 MiB, so what the collector
// would otherwise let grow between collections (twice the live heap) is
// all the limit takes away; it keeps the process inside the 128 MB an
// appliance's spare memory may be.
const verifyMemLimit = 80 << 20

// verifyOffline opens the directory read-only and verifies it.
func verifyOffline(data string, stdout, stderr io.Writer) (bool, error) {
	db, err := store.Open(data, store.Options{Logger: quietLogger(stderr), ReadOnly: true})
	if err != nil {
		return false, err
	}
	defer db.Close()
	r, err := db.Verify()
	if err != nil {
		return false, err
	}
	fmt.Fprint(stdout, r)
	return r.OK(), nil
}
