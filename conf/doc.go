// Package conf loads the appliance's configuration: a small set of TOML
// files (store, policy, fees, sla, calendar, staff, devices), with defaults
// embedded from conf/defaults and any file in the config directory
// replacing the embedded file of the same name.
//
// Loading is strict: unknown keys are errors, each file carries a version,
// money and percentages are parsed exactly (int64 fen, basis points), and
// every problem is reported as "file:line:col: message". A successful load
// gives one immutable *Snapshot with a content-hash version; the policy
// tables and the holiday calendar inside it are appliance/policy and
// appliance/calendar values, so the domain never sees TOML.
//
// Watcher hot-reloads the directory with fsnotify: a valid change swaps the
// whole snapshot atomically; an invalid one keeps the old snapshot and
// reports the error.
//
// conf may import appliance and its subpackages; it must not import ui,
// drivers or forms (main.go turns config values into their options).
package conf
