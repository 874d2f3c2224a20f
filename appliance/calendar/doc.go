// Package calendar does working-day arithmetic over the store's holiday
// calendar: statutory holidays, make-up workdays (调休, weekend days that are
// worked), ordinary weekends and the daily working hours. The SLA code uses
// it for deadlines such as "complaint reply within 2 working days"
// (seed 000 售后服务方案及细则) and "dispatch within 6 working hours"
// (seed 001 十九).
//
// It is pure: a *Calendar is built once from plain values (package conf
// converts calendar.toml into them) and never changes. It must not import
// TOML, HTTP or any of shouhou's conf, ui or drivers packages.
package calendar
