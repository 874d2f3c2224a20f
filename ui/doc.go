// Package ui serves the desk's screens: HTTP, the websocket at /ws (to
// come), sessions and roles, and the embedded static UI (kiosk and staff).
// It may import appliance and its subpackages; appliance never imports ui.
package ui
