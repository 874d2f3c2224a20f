package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"shouhou/appliance"
)

// writeTickets writes tickets on db from several goroutines until stop is
// closed, each with its counter, indexes and audit entry in one transaction.
func writeTickets(t *testing.T, db *DB, stop <-chan struct{}, acked *atomic.Int64) *sync.WaitGroup {
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				err := db.Update(func(tx *Txn) error {
					n, err := tx.NextTicketNumber(day)
					if err != nil {
						return err
					}
					tk := &appliance.Ticket{Number: n, Status: appliance.StatusOpen, CustomerID: fmt.Sprint("c", w), Due: day}
					if err := tx.PutTicket(tk); err != nil {
						return err
					}
					return tx.Audit("backup-test", "ticket.create", "ticket/"+n, "", nil, tk)
				})
				if err != nil {
					t.Error(err)
					return
				}
				acked.Add(1)
			}
		}()
	}
	return &wg
}

// checkRestoredConsistent restores a backup into a fresh directory and
// checks that it holds whole transactions only: Verify passes and the
// day's counter equals the number of tickets (no half-saved intake).
func checkRestoredConsistent(t *testing.T, backup []byte) int {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "restored")
	if err := Restore(bytes.NewReader(backup), dir, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	db := MustOpenDir(t, dir)
	mustVerify(t, db)
	var count int
	mustUpdate(t, db, func(tx *Txn) error {
		ts, err := tx.TicketsByStatus(appliance.StatusOpen, 0)
		if err != nil {
			return err
		}
		count = len(ts)
		next, err := tx.NextTicketNumber(day)
		if want := fmt.Sprintf("T20261123-%04d", count+1); next != want {
			t.Errorf("restored store has %d tickets but its counter gives %s next, want %s", count, next, want)
		}
		return err
	})
	return count
}

func TestBackupDuringWritesRestoresConsistently(t *testing.T) {
	db := MustOpen(t)
	stop := make(chan struct{})
	var acked atomic.Int64
	wg := writeTickets(t, db, stop, &acked)
	for acked.Load() < 200 {
		runtimeGosched()
	}
	var backups [][]byte
	for i := 0; i < 3; i++ {
		var buf bytes.Buffer
		if err := db.Backup(&buf); err != nil {
			t.Fatalf("Backup: %v", err)
		}
		backups = append(backups, buf.Bytes())
	}
	close(stop)
	wg.Wait()
	for i, b := range backups {
		n := checkRestoredConsistent(t, b)
		if n == 0 {
			t.Errorf("backup %d holds no tickets", i)
		}
	}
}

func TestOnlineBackupThroughAdminSocket(t *testing.T) {
	dir := t.TempDir()
	db := MustOpenDir(t, dir)
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- db.ServeAdmin(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	defer func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("ServeAdmin: %v", err)
		}
	}()
	stop := make(chan struct{})
	var acked atomic.Int64
	wg := writeTickets(t, db, stop, &acked)
	for acked.Load() < 100 {
		runtimeGosched()
	}
	var buf bytes.Buffer
	var err error
	for i := 0; i < 50; i++ { // the listener may not be up yet
		buf.Reset()
		if err = BackupVia(dir, &buf); !errors.Is(err, ErrNoServer) {
			break
		}
		runtimeSleep()
	}
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatalf("BackupVia: %v", err)
	}
	if info, err := os.Stat(filepath.Join(dir, AdminSocket)); err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("admin socket: %v, mode %v; want mode 0600", err, info.Mode().Perm())
	}
	if n := checkRestoredConsistent(t, buf.Bytes()); n < 100 {
		t.Errorf("online backup holds %d tickets, want at least 100", n)
	}
}

func TestBackupViaWithoutServer(t *testing.T) {
	if err := BackupVia(t.TempDir(), io.Discard); !errors.Is(err, ErrNoServer) {
		t.Fatalf("BackupVia with nothing listening = %v, want ErrNoServer", err)
	}
}

func TestRestoreRefusesNonEmptyTargetAndBadInput(t *testing.T) {
	db := MustOpen(t)
	var buf bytes.Buffer
	if err := db.Backup(&buf); err != nil {
		t.Fatal(err)
	}
	full := t.TempDir()
	os.WriteFile(filepath.Join(full, "x"), []byte("x"), 0o600)
	tests := []struct {
		name, dir string
		in        []byte
		want      string
	}{
		{"non-empty target", full, buf.Bytes(), "not empty"},
		{"not gzip", filepath.Join(t.TempDir(), "a"), []byte("hello"), "not a shouhou backup"},
		{"truncated", filepath.Join(t.TempDir(), "b"), buf.Bytes()[:len(buf.Bytes())/2], ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Restore(bytes.NewReader(tt.in), tt.dir, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Restore = %v, want an error containing %q", err, tt.want)
			}
		})
	}
	if err := CheckBackup(bytes.NewReader(buf.Bytes()[:len(buf.Bytes())-4])); err == nil {
		t.Error("CheckBackup passed a truncated backup")
	}
	if err := CheckBackup(bytes.NewReader(buf.Bytes())); err != nil {
		t.Errorf("CheckBackup of a whole backup: %v", err)
	}
}

func runtimeGosched() { time.Sleep(time.Millisecond) }
func runtimeSleep()   { time.Sleep(20 * time.Millisecond) }

// TestOnlineVerifyRefusedByAdmit: an online verify the server does not
// admit (the memory budget nearly used) is refused with the reason, and
// runs once admitted again.
func TestOnlineVerifyRefusedByAdmit(t *testing.T) {
	dir := t.TempDir()
	var short atomic.Bool
	short.Store(true)
	db, err := Open(dir, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), AdmitVerify: func() error {
		if short.Load() {
			return errors.New("内存紧张 / memory is short")
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- db.ServeAdmin(ctx, slog.New(slog.NewTextHandler(io.Discard, nil))) }()
	defer func() {
		cancel()
		<-served
	}()
	var out bytes.Buffer
	for i := 0; i < 50; i++ { // the listener may not be up yet
		out.Reset()
		if _, err = VerifyVia(dir, &out); !errors.Is(err, ErrNoServer) {
			break
		}
		runtimeSleep()
	}
	if err == nil || !strings.Contains(err.Error(), "memory is short") {
		t.Fatalf("verify with memory short = %v (%s), want refused naming memory", err, out.String())
	}
	short.Store(false)
	if ok, err := VerifyVia(dir, &out); err != nil || !ok {
		t.Fatalf("verify admitted = %v, %v\n%s", ok, err, out.String())
	}
}
