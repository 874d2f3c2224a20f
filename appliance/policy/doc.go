// Package policy decides what a customer is entitled to after a sale:
// return, exchange, free repair or paid repair, each with its fees, who pays
// shipping, the rules that applied (with the seed manual and article they
// come from) and whether a supervisor must approve.
//
// Decide is a pure function of the policy tables (one config snapshot) and
// the facts of a claim: the same tables and facts always give the same
// decision. The tables are plain Go values; package conf builds them from
// policy.toml and fees.toml. This package must not import TOML, HTTP, or any
// of shouhou's conf, ui, drivers or forms packages.
//
// # Counting days
//
// Days are counted from the purchase date on the receipt, which is day 0.
// "Within N days" means the claim date is no later than purchase date + N
// days: bought on 2026-03-01, a 7-day window includes a claim on 2026-03-08
// (day 7) and excludes 2026-03-09 (day 8). A window in months or years ends
// on the same day of the month that many months later, clamped to the end of
// a shorter month (2026-01-31 + 1 month = 2026-02-28), and includes that
// last day.
//
// # Money
//
// Money is int64 fen. A percentage is in basis points (10000 = 100 %). A
// percentage of an amount is rounded half up to the fen (half away from
// zero for negative amounts): 5 % of 12.30 yuan (61.5 fen) is 62 fen. See
// Percent.
package policy
