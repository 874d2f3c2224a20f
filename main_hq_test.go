package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/drivers/chaintest"
	"shouhou/drivers/hqstore"
	"shouhou/drivers/uplink"
)

// hqChildEnv holds the hq arguments (tab-separated) TestHQChild runs with.
const hqChildEnv = "SHOUHOU_HQ_CHILD_ARGS"

// TestHQChild is `shouhou hq` in a process of its own, for TestHQCommand
// to SIGTERM and TestChainFaults to SIGKILL; it does nothing in a normal
// run.
func TestHQChild(t *testing.T) {
	args := os.Getenv(hqChildEnv)
	if args == "" {
		t.Skip("only run by TestHQCommand and TestChainFaults")
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM)
	defer stop()
	if code := run(ctx, append([]string{"hq"}, strings.Split(args, "\t")...), os.Stdout, os.Stderr); code != 0 {
		t.Fatalf("hq exited %d", code)
	}
}

// TestHQCommand runs `shouhou hq` against a real nats-server and
// PostgreSQL, has a branch box forward tickets to it, and stops it with
// SIGTERM.
func TestHQCommand(t *testing.T) {
	n := chaintest.StartNATS(t, chaintest.NATSOptions{Users: []chaintest.NATSUser{{User: "HQ", Password: "hq-secret"}}})
	pg := chaintest.StartPostgres(t)
	pass := t.TempDir() + "/nats.pass"
	if err := os.WriteFile(pass, []byte("hq-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	cmd := exec.Command(os.Args[0], "-test.run=^TestHQChild$", "-test.v")
	cmd.Env = append(os.Environ(), hqChildEnv+"="+strings.Join([]string{"-nats", n.URL(), "-pg", pg.DSN(""),
		"-nats-user", "HQ", "-nats-password-file", pass}, "\t"))
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			<-exited
		}
	})

	quiet := slog.New(slog.DiscardHandler)
	box, err := store.Open(t.TempDir(), store.Options{Logger: quiet, Branch: "SH01"})
	if err != nil {
		t.Fatal(err)
	}
	defer box.Close()
	for i := range 10 {
		err := box.Update(func(tx *store.Txn) error {
			return tx.PutTicket(&appliance.Ticket{Number: fmt.Sprintf("T20261203-%04d", i), Kind: appliance.KindRepair,
				Status: appliance.StatusOpen, CustomerID: "c1"})
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	f, err := uplink.New(box, uplink.Options{URL: n.URL(), Branch: "SH01", User: "HQ", Password: "hq-secret", Logger: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	fwDone := make(chan struct{})
	go func() { defer close(fwDone); _ = f.Run(ctx) }()
	defer func() { cancel(); <-fwDone }()

	hq, err := hqstore.Open(context.Background(), pg.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	defer hq.Close()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var tickets int
		err := hq.Pool().QueryRow(context.Background(), `SELECT count(*) FROM tickets WHERE branch = 'SH01'`).Scan(&tickets)
		if err == nil && tickets == 10 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after 60 s head office has %d tickets (%v), want 10; hq output:\n%s", tickets, err, out.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	if gaps, err := hq.Gaps(context.Background(), "SH01"); err != nil || len(gaps) != 0 {
		t.Errorf("Gaps = %v, %v", gaps, err)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("hq after SIGTERM: %v\n%s", err, out.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("hq did not stop within 15 s of SIGTERM:\n%s", out.String())
	}
	if !strings.Contains(out.String(), "applied=10") {
		t.Errorf("hq's log does not report 10 events applied:\n%s", out.String())
	}
}

// TestHQFlags: hq without -pg is a usage error.
func TestHQFlags(t *testing.T) {
	var out bytes.Buffer
	if code := run(context.Background(), []string{"hq"}, io.Writer(&out), &out); code != 2 || !strings.Contains(out.String(), "-pg") {
		t.Errorf("hq without -pg = %d %q, want 2 and the usage", code, out.String())
	}
}
