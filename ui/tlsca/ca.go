package tlsca

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"slices"
	"strings"
	"time"
)

// Store keeps the key material (*store.DB in main). Blob returns the bytes
// kept under name, (nil, nil) when there are none; PutBlobs keeps every
// blob durably in one transaction, audited with operator, all or none.
type Store interface {
	Blob(name string) ([]byte, error)
	PutBlobs(operator, reason string, blobs map[string][]byte) error
}

// The names the key material is kept under in the Store.
const (
	BlobCACert   = "tls/ca.pem"
	BlobCAKey    = "tls/ca-key.pem"
	BlobLeafCert = "tls/cert.pem"
	BlobLeafKey  = "tls/key.pem"
)

// operator is who the audit entries of new certificates name.
const operator = "system"

// Hosts are the names and addresses a server certificate must cover.
type Hosts struct {
	// Names are DNS names ("shouhou", "desk.store.lan", "localhost").
	Names []string
	// IPs are addresses (the box's LAN addresses, loopback).
	IPs []net.IP
}

// covers reports whether cert names every host of h.
func (h Hosts) coveredBy(cert *x509.Certificate) bool {
	for _, n := range h.Names {
		if !slices.ContainsFunc(cert.DNSNames, func(d string) bool { return strings.EqualFold(d, n) }) {
			return false
		}
	}
	for _, ip := range h.IPs {
		if !slices.ContainsFunc(cert.IPAddresses, ip.Equal) {
			return false
		}
	}
	return true
}

// normalized returns h without duplicates or empty names, sorted.
func (h Hosts) normalized() Hosts {
	var out Hosts
	for _, n := range h.Names {
		n = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(n), "."))
		if n != "" && !slices.Contains(out.Names, n) {
			out.Names = append(out.Names, n)
		}
	}
	for _, ip := range h.IPs {
		if ip != nil && !slices.ContainsFunc(out.IPs, ip.Equal) {
			out.IPs = append(out.IPs, ip)
		}
	}
	slices.Sort(out.Names)
	slices.SortFunc(out.IPs, func(a, b net.IP) int { return strings.Compare(a.String(), b.String()) })
	return out
}

// newKey makes an ECDSA P-256 key.
func newKey() (*ecdsa.PrivateKey, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("tlsca: generate key: %w", err)
	}
	return k, nil
}

// serial is a random 128-bit certificate serial number.
func serial() (*big.Int, error) {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 128))
	if err != nil {
		return nil, fmt.Errorf("tlsca: serial: %w", err)
	}
	return n, nil
}

// newCA makes a self-signed CA that may sign server certificates only
// (path length 0), valid for life from now.
func newCA(name string, now time.Time, life time.Duration) (certPEM, keyPEM []byte, err error) {
	key, err := newKey()
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          sn,
		Subject:               pkix.Name{CommonName: name, Organization: []string{"shouhou"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(life),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("tlsca: create CA certificate: %w", err)
	}
	return encode(der, key)
}

// newLeaf makes a server certificate for h signed by the CA, valid for
// life from now.
func newLeaf(ca *x509.Certificate, caKey any, h Hosts, now time.Time, life time.Duration) (certPEM, keyPEM []byte, err error) {
	key, err := newKey()
	if err != nil {
		return nil, nil, err
	}
	sn, err := serial()
	if err != nil {
		return nil, nil, err
	}
	cn := "shouhou"
	if len(h.Names) > 0 {
		cn = h.Names[0]
	}
	tmpl := &x509.Certificate{
		SerialNumber: sn,
		Subject:      pkix.Name{CommonName: cn, Organization: []string{"shouhou"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(life),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     h.Names,
		IPAddresses:  h.IPs,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca, &key.PublicKey, caKey)
	if err != nil {
		return nil, nil, fmt.Errorf("tlsca: create server certificate: %w", err)
	}
	return encode(der, key)
}

// encode turns a certificate and its key into PEM.
func encode(der []byte, key *ecdsa.PrivateKey) (certPEM, keyPEM []byte, err error) {
	kb, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("tlsca: encode key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: kb}), nil
}

// parsePair parses a PEM certificate and key into a tls.Certificate with
// its Leaf set.
func parsePair(certPEM, keyPEM []byte) (*tls.Certificate, error) {
	c, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return nil, fmt.Errorf("tlsca: %w", err)
	}
	if c.Leaf == nil {
		if c.Leaf, err = x509.ParseCertificate(c.Certificate[0]); err != nil {
			return nil, fmt.Errorf("tlsca: %w", err)
		}
	}
	return &c, nil
}

// dueForRenewal reports whether less than a third of cert's life is left
// at now (or it is not yet valid).
func dueForRenewal(cert *x509.Certificate, now time.Time) bool {
	life := cert.NotAfter.Sub(cert.NotBefore)
	return now.Before(cert.NotBefore) || cert.NotAfter.Sub(now) < life/3
}

// Fingerprint is the SHA-256 of a certificate's DER bytes as upper-case
// hex pairs joined by colons, the way certmgr, Keychain and browsers show it.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// SPKIHash is the base64 SHA-256 of a certificate's public key info, the
// form Chromium's --ignore-certificate-errors-spki-list takes.
func SPKIHash(cert *x509.Certificate) string {
	sum := sha256.Sum256(cert.RawSubjectPublicKeyInfo)
	return base64.StdEncoding.EncodeToString(sum[:])
}

// FirstCertificate parses the first CERTIFICATE block of PEM bytes.
func FirstCertificate(pemBytes []byte) (*x509.Certificate, error) {
	for {
		var b *pem.Block
		b, pemBytes = pem.Decode(pemBytes)
		if b == nil {
			return nil, errors.New("tlsca: no CERTIFICATE block in the PEM")
		}
		if b.Type == "CERTIFICATE" {
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, fmt.Errorf("tlsca: %w", err)
			}
			return c, nil
		}
	}
}
