// Package tlsca is the box's own small certificate authority: on first
// boot it makes an ECDSA P-256 CA and a server certificate for the box's
// host names and LAN addresses, keeps both with the store (so a backup
// carries them and a restore brings them back), renews the server
// certificate before it expires, and serves a certificate the store
// dropped into the config dir instead when there is one (re-read when the
// files change). It uses the standard library's crypto/x509 only.
//
// It imports the standard library only (deps_test.go): not the domain
// (its keys go through the Store interface, which *store.DB satisfies),
// the config, the drivers or net/http.
package tlsca
