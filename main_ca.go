package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"shouhou/appliance/store"
	"shouhou/ui/tlsca"
)

// runCA is `shouhou ca export [-data DIR] [-o FILE]`: the box's CA
// certificate (PEM) for staff PCs to trust, with its SHA-256 fingerprint.
// When a server holds the directory it asks that server over
// DATA/admin.sock, as backup does.
func runCA(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "export" {
		fmt.Fprintln(stderr, "usage: shouhou ca export [-data DIR] [-o FILE]")
		return exitError(2)
	}
	fs := newFlagSet("ca export", stderr)
	data := fs.String("data", "./var/data", "data `DIR`")
	out := fs.String("o", "", "PEM `FILE` to write (default: standard output)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if _, err := os.Stat(*data); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	pemBytes, online, err := caPEM(*data, stderr)
	if err != nil {
		return err
	}
	cert, err := tlsca.FirstCertificate(pemBytes)
	if err != nil {
		return err
	}
	note := stdout
	if *out == "" {
		stdout.Write(pemBytes)
		note = stderr // the PEM alone on standard output
	} else if err := store.WriteFileAtomic(*out, func(w io.Writer) error { _, err := w.Write(pemBytes); return err }); err != nil {
		return err
	} else {
		os.Chmod(*out, 0o644) // a certificate is public
		how := "offline (no server held the directory)"
		if online {
			how = "online, through the running server"
		}
		fmt.Fprintf(note, "CA certificate of %s written to %s, %s\n", *data, *out, how)
	}
	fmt.Fprintf(note, "subject: %s\nvalid until: %s\nSHA-256 fingerprint: %s\n", cert.Subject.CommonName,
		cert.NotAfter.Format("2006-01-02"), tlsca.Fingerprint(cert.Raw))
	return nil
}

// caPEM reads the CA certificate through the running server (online), or
// from the stopped store.
func caPEM(data string, stderr io.Writer) (b []byte, online bool, err error) {
	b, err = store.BlobVia(data, tlsca.BlobCACert)
	if !errors.Is(err, store.ErrNoServer) {
		return b, true, err
	}
	db, err := store.Open(data, store.Options{Logger: quietLogger(stderr), ReadOnly: true})
	if err != nil {
		return nil, false, err
	}
	defer db.Close()
	if b, err = db.Blob(tlsca.BlobCACert); err == nil && b == nil {
		err = errors.New("这台机器还没有 CA，先运行一次 serve / no CA yet: the box makes it when serve first starts")
	}
	return b, false, err
}
