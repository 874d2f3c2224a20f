// Package till is the adapter to the store's till (POS) system: it reads
// the till's CSV exports (sales lines and the product catalogue, in
// GB18030 or UTF-8) through a column mapping into the purchases package's
// lines, and watches a folder the store drops its daily exports into.
//
// The mapping comes in as a Mapping value that main fills from till.toml;
// this package imports no config package and holds no domain rule beyond
// reading values (dates, money in yuan or fen, flags). A line it cannot
// read is reported with its line number and column, never a crash.
package till
