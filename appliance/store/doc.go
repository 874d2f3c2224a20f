// Package store keeps the appliance's records in Badger: one directory,
// SyncWrites on, so an acknowledged write is on disk and a crash loses
// nothing that was acknowledged.
//
// Layout of the keys (every value is codec-versioned, see codec.go):
//
//	m/schema                      the data format version of the directory
//	r/KIND/ID                     a record
//	u/INDEX/VALUE                 a unique index entry; its value is the record ID
//	x/INDEX/VALUE\x00ID           a non-unique index entry; no value
//	p/TERM\x00BLOCK, c/TERM       a free-text term's posting block of up to 100 ticket numbers, its count (postings.go)
//	n/COUNTER                     a counter (ticket numbers per day, card numbers, print jobs)
//	o/head, o/acked, o/e/SEQ      the chain outbox: one event per change the chain carries (outbox.go)
//
// Index entries are written in the same transaction as their record, so
// they can never disagree with it; Verify proves that they do not. So are
// outbox events (package chain), numbered without gaps.
//
// The package speaks appliance types and must not import HTTP, websocket,
// PC/SC, ESC/POS or TOML code, nor shouhou's ui, drivers or conf packages.
// (Badger itself imports expvar, which links net/http; nothing here uses it.)
package store
