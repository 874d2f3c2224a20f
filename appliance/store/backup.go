package store

import (
	"bufio"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// backupMagic opens every backup, inside the gzip stream.
const backupMagic = "SHOUHOU-BACKUP 1\n"

// AdminSocket is the name of the admin Unix socket inside a data directory.
const AdminSocket = "admin.sock"

// Backup writes a consistent, gzip-compressed copy of the whole store to w.
// It streams with a single goroutine: Badger's parallel stream can save half
// a transaction under load (dgraph-io/badger#2049), one goroutine reads
// one snapshot.
func (db *DB) Backup(w io.Writer) error {
	zw := gzip.NewWriter(w)
	if _, err := io.WriteString(zw, backupMagic); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	st := db.bdb.NewStream()
	st.NumGo = 1
	st.LogPrefix = "shouhou backup"
	if _, err := st.Backup(zw, 0); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	if err := zw.Close(); err != nil {
		return fmt.Errorf("store: backup: %w", err)
	}
	return nil
}

// Restore loads a backup made by Backup into dir, which must be empty or
// absent. The restored store is closed on return.
func Restore(r io.Reader, dir string, o Options) error {
	if err := mustBeEmpty(dir); err != nil {
		return err
	}
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("store: restore: not a shouhou backup: %w", err)
	}
	br := bufio.NewReader(zr)
	magic, err := br.ReadString('\n')
	if err != nil || magic != backupMagic {
		return errors.New("store: restore: not a shouhou backup (bad header)")
	}
	db, err := Open(dir, o)
	if err != nil {
		return err
	}
	if err := db.bdb.Load(br, 256); err != nil {
		db.Close()
		return fmt.Errorf("store: restore: %w", err)
	}
	return db.Close()
}

func mustBeEmpty(dir string) error {
	entries, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: restore: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("store: restore: %s is not empty; restore only into an empty directory", dir)
	}
	return nil
}

// WriteFileAtomic creates path through a temporary file in the same
// directory: fn writes the content, which is synced and renamed into place,
// and the directory is synced, so path is either complete or absent.
func WriteFileAtomic(path string, fn func(io.Writer) error) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer os.Remove(f.Name())
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := fn(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("store: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("store: sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("store: close %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	defer d.Close()
	return d.Sync()
}

// ServeAdmin answers admin requests on the Unix socket DIR/admin.sock
// (mode 0600) until ctx ends. A request is one line: "backup" is answered
// with "OK\n" and the backup stream; "verify" with "OK\n" and the
// Verify report's text; "blob NAME" with "OK\n" and the blob's bytes (see
// BlobVia); a failure with "ERR message\n".
func (db *DB) ServeAdmin(ctx context.Context, log *slog.Logger) error {
	return db.ServeAdminWith(ctx, log, nil)
}

// ServeAdminWith is ServeAdmin answering more requests: a request line
// "NAME ARGS" whose NAME is a key of extra goes to that handler.
func (db *DB) ServeAdminWith(ctx context.Context, log *slog.Logger, extra map[string]AdminHandler) error {
	path := filepath.Join(db.dir, AdminSocket)
	os.Remove(path) // a socket left by a killed process
	ln, err := net.Listen("unix", path)
	if err != nil {
		return fmt.Errorf("store: admin socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		ln.Close()
		return fmt.Errorf("store: admin socket: %w", err)
	}
	go func() {
		<-ctx.Done()
		ln.Close()
	}()
	for {
		conn, err := ln.Accept()
		if err != nil {
			if ctx.Err() != nil {
				os.Remove(path)
				return nil
			}
			return fmt.Errorf("store: admin socket: %w", err)
		}
		go db.serveAdminConn(conn, log, extra)
	}
}

func (db *DB) serveAdminConn(conn net.Conn, log *slog.Logger, extra map[string]AdminHandler) {
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(conn)
	req, err := br.ReadString('\n')
	if err != nil {
		return
	}
	conn.SetReadDeadline(time.Time{})
	switch strings.TrimSpace(req) {
	case "backup":
		io.WriteString(conn, "OK\n")
		if err := db.Backup(conn); err != nil {
			log.Error("online backup failed", "err", err)
		}
	case "verify":
		if db.admitVerify != nil {
			if err := db.admitVerify(); err != nil {
				fmt.Fprintf(conn, "ERR %v\n", err)
				return
			}
		}
		r, err := db.Verify()
		if err != nil {
			fmt.Fprintf(conn, "ERR %v\n", err)
			return
		}
		io.WriteString(conn, "OK\n")
		io.WriteString(conn, r.String())
	default:
		name, args, _ := strings.Cut(strings.TrimSpace(req), " ")
		if h := extra[name]; h != nil {
			h(args, br, conn)
			return
		}
		if name == "blob" {
			db.serveBlob(conn, strings.TrimSpace(args))
			return
		}
		fmt.Fprintf(conn, "ERR unknown request %q\n", strings.TrimSpace(req))
	}
}

// ErrNoServer is returned by the admin clients when no server answers on the socket.
var ErrNoServer = errors.New("store: no server holds the data directory")

// askAdmin sends one request to the server holding dataDir and returns the
// connection positioned after the "OK" line.
func askAdmin(dataDir, request string) (net.Conn, *bufio.Reader, error) {
	conn, err := net.Dial("unix", filepath.Join(dataDir, AdminSocket))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrNoServer, err)
	}
	if _, err := io.WriteString(conn, request+"\n"); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("store: admin socket: %w", err)
	}
	br := bufio.NewReader(conn)
	status, err := br.ReadString('\n')
	if err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("store: admin socket: %w", err)
	}
	if status != "OK\n" {
		conn.Close()
		return nil, nil, fmt.Errorf("store: the server refused %s: %s", request, strings.TrimSpace(status))
	}
	return conn, br, nil
}

// VerifyVia asks the server holding dataDir to verify the store and copies
// its report to w. ok is whether every invariant holds. It returns
// ErrNoServer when nothing listens on the socket.
func VerifyVia(dataDir string, w io.Writer) (ok bool, err error) {
	conn, br, err := askAdmin(dataDir, "verify")
	if err != nil {
		return false, err
	}
	defer conn.Close()
	var report strings.Builder
	if _, err := io.Copy(io.MultiWriter(w, &report), br); err != nil {
		return false, fmt.Errorf("store: online verify: %w", err)
	}
	return strings.Contains(report.String(), okLine), nil
}

// BackupVia asks the server holding dataDir for an online backup and
// copies it to w. It returns ErrNoServer when nothing listens on the socket.
func BackupVia(dataDir string, w io.Writer) error {
	conn, br, err := askAdmin(dataDir, "backup")
	if err != nil {
		return err
	}
	defer conn.Close()
	// Check the stream as it arrives: a server killed mid-backup leaves a
	// truncated gzip stream, which must fail here rather than at restore.
	pr, pw := io.Pipe()
	checked := make(chan error, 1)
	go func() {
		err := CheckBackup(pr)
		pr.CloseWithError(err)
		checked <- err
	}()
	_, err = io.Copy(io.MultiWriter(w, pw), br)
	pw.CloseWithError(err)
	if cerr := <-checked; cerr != nil {
		return fmt.Errorf("store: online backup is incomplete: %w", cerr)
	}
	if err != nil {
		return fmt.Errorf("store: online backup: %w", err)
	}
	return nil
}

// CheckBackup reads a whole backup stream and reports whether it is a
// complete shouhou backup (header, and gzip checksum and length at the end).
func CheckBackup(r io.Reader) error {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return fmt.Errorf("not a shouhou backup: %w", err)
	}
	head := make([]byte, len(backupMagic))
	if _, err := io.ReadFull(zr, head); err != nil || string(head) != backupMagic {
		return errors.New("not a shouhou backup (bad header)")
	}
	if _, err := io.Copy(io.Discard, zr); err != nil {
		return err
	}
	return nil
}
