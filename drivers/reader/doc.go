// Package reader is the driver for the service desk's contactless card
// reader: it watches every PC/SC reader through pcscd and reports cards laid
// on and taken off, with their UID and ATR, and the readers' state.
//
// It follows PC/SC (pcsc-lite's SCardGetStatusChange, with the
// `\\?PnP?\Notification` pseudo-reader for reader hotplug), PC/SC part 3
// (Supplement for contactless ICCs, 3.2.2.1.3: GET DATA FF CA 00 00 00
// returns the UID) and ISO/IEC 7816-4 (status words). It uses
// github.com/ebfe/scard, a cgo binding of libpcsclite.
//
// A Watcher owns one goroutine and its PC/SC context; it survives pcscd
// restarts, reader unplugging and cards that answer nonsense, and reports
// them as events. It waits at most Opts.Wait in SCardGetStatusChange, but
// it cannot bound SCardTransmit: a card that never answers holds it until
// the reader driver gives up (CCID readers time out by themselves; the
// vpcd test driver never does). Demo is an in-process stand-in for `serve -demo`, when
// there is no reader; tests of the Watcher never use it.
//
// The package knows nothing of cards, customers or desks: a UID is a lookup
// hint for whoever listens, and Event.Reader is the name a desk is bound
// to. It must not import shouhou's appliance, conf or ui packages.
package reader
