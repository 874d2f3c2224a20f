// Package ui serves the desk's screens: HTTP, the websocket at /ws with
// its JSON protocol (docs/protocol.md), sessions and roles, and the
// embedded static UI (the kiosk at the desk and the staff pages on the
// store LAN).
//
// Every operation a screen may ask for is one row of the table in ops.go:
// its name, the roles that may call it and its handler. The role is checked
// here, on the server, for every request. Domain errors (appliance.Error)
// become error frames through the one table in protocol.go.
//
// Nothing a person typed is ever markup on a screen: static/*.js builds
// HTML only from esc(), t() and the other escaping helpers of common.js,
// and TestStaticMarkupEscaped (markup_test.go) reads the scripts and fails
// on a value that reaches markup any other way.
//
// It may import appliance and its subpackages and conf; it must not import
// drivers (main adapts the reader and the print queue to the small
// interfaces declared here), and appliance never imports ui.
package ui
