// Package purchases keeps the purchases the store's till (POS) reports and
// its product catalogue, so that the desk starts every claim from the
// purchase as the till receipt shows it (seed 000: 购物时间以电脑小票为准;
// seed 004: refunds use the price actually paid) instead of typing it again.
//
// A batch of sale lines (a till export file, or one sale pushed by a till)
// is checked whole before anything is written: every rejected line is
// reported with its line number and field, and the caller chooses to keep
// the good lines or nothing. A sale line is identified by its receipt
// number and line, so importing the same line again changes nothing.
// Every write is audited with the operator.
//
// It imports appliance, appliance/store, appliance/policy and
// appliance/calendar only. Reading files (CSV, encodings, the column
// mapping) is the till adapter's business (drivers/till), not this one's.
package purchases
