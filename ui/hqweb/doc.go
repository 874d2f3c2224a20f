// Package hqweb serves head office's reports on head office's LAN: the
// branches with their lag, the month's KPIs per branch and in total, the
// card money, the closings and the per-card reconciliation, each as
// tables in the staff screens' style and as a CSV download.
//
// Access needs the head office token (shouhou hq -token-file), typed once
// on a login form and compared in constant time, wrong tokens answered
// one at a time after a delay; the browser then keeps a session signed
// with the token in an HttpOnly, SameSite=Strict cookie. A cross-origin
// POST is refused (net/http.CrossOriginProtection), every page carries a
// Content-Security-Policy that allows no script, and every value is
// written through html/template: branch ids, card numbers and the text
// of tickets and closings are the branches' data, never markup.
//
// It takes its tables from a Source (drivers/hqreports in main) and may
// import appliance and its subpackages; it must not import drivers.
package hqweb
