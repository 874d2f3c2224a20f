package tlsca

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"time"
)

// The files a store with its own certificate drops into the config dir:
// the certificate chain (server certificate first) and its private key,
// both PEM.
const (
	StoreCertFile = "tls-cert.pem"
	StoreKeyFile  = "tls-key.pem"
)

// Default lifetimes: the CA outlives many server certificates (staff PCs
// install it once); a server certificate lives a year and is renewed when
// less than a third of its life is left.
const (
	DefaultCALife   = 10 * 365 * 24 * time.Hour
	DefaultLeafLife = 365 * 24 * time.Hour
)

// hostsEvery is how often the wanted host names and addresses are read again.
const hostsEvery = time.Minute

// Options configure an Authority.
type Options struct {
	// Store keeps the CA and the server certificate with their keys (required).
	Store Store
	// Hosts returns the names and addresses the server certificate must
	// cover; read at Open and again at most once a minute, and a missing
	// one gets a new certificate. Nil covers localhost only.
	Hosts func() Hosts
	// ConfDir is where a store's own certificate may be dropped
	// (StoreCertFile, StoreKeyFile); "" for none.
	ConfDir string
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Logger receives renewals and refused store certificates.
	Logger *slog.Logger
	// CALife and LeafLife are the certificates' lifetimes; 0 for the defaults.
	CALife, LeafLife time.Duration
}

// Authority serves the box's certificate: the store's own from the config
// dir when there is one, else the server certificate its own CA signed.
type Authority struct {
	o     Options
	ca    *x509.Certificate
	caKey any
	caPEM []byte

	mu         sync.Mutex       // guards the fields below
	own        *tls.Certificate // the server certificate this CA signed
	hosts      Hosts            // what own must cover
	hostsAt    time.Time        // when hosts was read
	provided   *tls.Certificate // the store's own certificate, nil for none
	providedAt string           // the store files' sizes and times when provided was read
}

// Open loads the CA and server certificate from the store, making them on
// first boot, and renews the server certificate if it is due.
func Open(o Options) (*Authority, error) {
	if o.Store == nil {
		return nil, errors.New("tlsca: no store")
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Hosts == nil {
		o.Hosts = func() Hosts { return Hosts{Names: []string{"localhost"}} }
	}
	if o.CALife <= 0 {
		o.CALife = DefaultCALife
	}
	if o.LeafLife <= 0 {
		o.LeafLife = DefaultLeafLife
	}
	a := &Authority{o: o}
	if err := a.loadCA(); err != nil {
		return nil, err
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if err := a.loadOwnLocked(); err != nil {
		return nil, err
	}
	if _, err := a.ownLocked(); err != nil {
		return nil, err
	}
	a.loadProvidedLocked()
	return a, nil
}

// loadCA reads the CA from the store, or makes and stores one.
func (a *Authority) loadCA() error {
	certPEM, keyPEM, err := a.pair(BlobCACert, BlobCAKey)
	if err != nil {
		return err
	}
	if certPEM == nil {
		host, _ := os.Hostname()
		now := a.o.Now()
		name := fmt.Sprintf("shouhou CA %s %s", host, now.Format("2006-01-02"))
		if certPEM, keyPEM, err = newCA(name, now, a.o.CALife); err != nil {
			return err
		}
		if err := a.o.Store.PutBlobs(operator, "新建本机 CA / new CA", map[string][]byte{BlobCACert: certPEM, BlobCAKey: keyPEM}); err != nil {
			return fmt.Errorf("tlsca: keep the CA: %w", err)
		}
		a.o.Logger.Info("tlsca: made the box's CA", "name", name)
	}
	c, err := parsePair(certPEM, keyPEM)
	if err != nil {
		return fmt.Errorf("tlsca: the stored CA: %w", err)
	}
	if a.o.Now().After(c.Leaf.NotAfter) {
		a.o.Logger.Error("tlsca: the box's CA has expired; staff browsers will refuse the box", "not_after", c.Leaf.NotAfter)
	}
	a.ca, a.caKey, a.caPEM = c.Leaf, c.PrivateKey, certPEM
	return nil
}

// pair reads a certificate and key from the store: both, or neither (nil).
func (a *Authority) pair(certName, keyName string) (certPEM, keyPEM []byte, err error) {
	if certPEM, err = a.o.Store.Blob(certName); err != nil {
		return nil, nil, fmt.Errorf("tlsca: %w", err)
	}
	if keyPEM, err = a.o.Store.Blob(keyName); err != nil {
		return nil, nil, fmt.Errorf("tlsca: %w", err)
	}
	if certPEM == nil || keyPEM == nil {
		return nil, nil, nil
	}
	return certPEM, keyPEM, nil
}

// loadOwnLocked reads the stored server certificate, if any.
func (a *Authority) loadOwnLocked() error {
	certPEM, keyPEM, err := a.pair(BlobLeafCert, BlobLeafKey)
	if err != nil || certPEM == nil {
		return err
	}
	c, err := parsePair(certPEM, keyPEM)
	if err != nil {
		a.o.Logger.Warn("tlsca: the stored server certificate does not load; making a new one", "err", err)
		return nil
	}
	c.Certificate = append(c.Certificate, a.ca.Raw)
	a.own = c
	return nil
}

// ownLocked returns the own server certificate, first renewing it when
// less than a third of its life is left, it lacks a wanted host, or
// another CA signed it.
func (a *Authority) ownLocked() (*tls.Certificate, error) {
	now := a.o.Now()
	if a.hostsAt.IsZero() || now.Sub(a.hostsAt) >= hostsEvery || now.Before(a.hostsAt) {
		a.hosts, a.hostsAt = a.o.Hosts().normalized(), now
	}
	if a.own != nil && !dueForRenewal(a.own.Leaf, now) && a.hosts.coveredBy(a.own.Leaf) &&
		a.own.Leaf.CheckSignatureFrom(a.ca) == nil {
		return a.own, nil
	}
	certPEM, keyPEM, err := newLeaf(a.ca, a.caKey, a.hosts, now, a.o.LeafLife)
	if err == nil {
		err = a.o.Store.PutBlobs(operator, "新服务器证书 / new server certificate", map[string][]byte{BlobLeafCert: certPEM, BlobLeafKey: keyPEM})
	}
	var c *tls.Certificate
	if err == nil {
		c, err = parsePair(certPEM, keyPEM)
	}
	if err != nil {
		if a.own != nil { // keep serving the old one; try again on the next handshake
			a.o.Logger.Error("tlsca: renewing the server certificate failed", "err", err)
			return a.own, nil
		}
		return nil, err
	}
	c.Certificate = append(c.Certificate, a.ca.Raw)
	a.own = c
	a.o.Logger.Info("tlsca: new server certificate", "names", a.hosts.Names, "ips", a.hosts.IPs, "not_after", c.Leaf.NotAfter)
	return c, nil
}

// loadProvidedLocked reads the store's own certificate from the config dir
// when its files changed: a pair that does not load is refused (logged)
// and the one before stays; no files means the box's own certificate.
func (a *Authority) loadProvidedLocked() {
	if a.o.ConfDir == "" {
		return
	}
	certPath, keyPath := filepath.Join(a.o.ConfDir, StoreCertFile), filepath.Join(a.o.ConfDir, StoreKeyFile)
	stamp, ok := fileStamp(certPath, keyPath)
	if stamp == a.providedAt {
		return
	}
	a.providedAt = stamp
	if !ok {
		if a.provided != nil {
			a.o.Logger.Info("tlsca: the store's certificate files are gone; serving the box's own")
		}
		a.provided = nil
		return
	}
	c, err := tls.LoadX509KeyPair(certPath, keyPath)
	if err == nil && c.Leaf == nil {
		c.Leaf, err = x509.ParseCertificate(c.Certificate[0])
	}
	if err != nil {
		a.o.Logger.Error("tlsca: the store's certificate does not load; keeping the one before", "dir", a.o.ConfDir, "err", err)
		return
	}
	a.provided = &c
	a.o.Logger.Info("tlsca: serving the store's certificate", "subject", c.Leaf.Subject.String(), "not_after", c.Leaf.NotAfter)
}

// fileStamp sums up both files' sizes and times; ok is whether both exist.
func fileStamp(paths ...string) (stamp string, ok bool) {
	ok = true
	for _, p := range paths {
		fi, err := os.Stat(p)
		if err != nil {
			ok = false
			stamp += "-|"
			continue
		}
		stamp += fmt.Sprintf("%d@%d|", fi.Size(), fi.ModTime().UnixNano())
	}
	return stamp, ok
}

// Certificate returns the certificate to serve now: the store's own when
// it dropped one into the config dir, else the box's own, renewed first
// when due.
func (a *Authority) Certificate() (*tls.Certificate, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.loadProvidedLocked()
	if a.provided != nil {
		return a.provided, nil
	}
	return a.ownLocked()
}

// GetCertificate is tls.Config.GetCertificate: Certificate on every handshake.
func (a *Authority) GetCertificate(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	return a.Certificate()
}

// TLSConfig is the server side's TLS config: TLS 1.2 and later, the
// certificate from GetCertificate.
func (a *Authority) TLSConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: a.GetCertificate}
}

// CA returns the box's CA certificate.
func (a *Authority) CA() *x509.Certificate { return a.ca }

// CAPEM returns the box's CA certificate in PEM, for staff PCs to trust.
func (a *Authority) CAPEM() []byte { return a.caPEM }

// CAFingerprint is the SHA-256 fingerprint of the box's CA certificate.
func (a *Authority) CAFingerprint() string { return Fingerprint(a.ca.Raw) }
