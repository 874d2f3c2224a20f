// Package catalog is the one message catalogue of the screens: the names,
// Chinese and English, of every code the server sends to a screen —
// error codes, ticket states and kinds, roles, printer and reader states,
// policy rules, card and ledger words — so no screen shows an internal
// code (`no_service`, `quality-return`, `(clerk)`).
//
// A Catalog is a value built once by New and passed to whoever shows
// names; the ui package serves it to the browser as the module
// catalog.js, which common.js imports. It imports appliance and its
// policy package only, for the codes it names; never drivers or conf
// (drivers' state codes are spelt here and checked against the drivers
// in the test).
package catalog
