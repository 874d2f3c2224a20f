// Package appliance is the domain of the service desk: its records
// (customer, card, purchase, ticket, card ledger, print job, audit entry),
// the rules between them, the domain error type and the event bus.
//
// It speaks the store's language and must not import HTTP, websocket,
// PC/SC, ESC/POS or TOML packages, nor any of shouhou's ui, drivers or conf
// packages; the test in deps_test.go guards that.
package appliance
