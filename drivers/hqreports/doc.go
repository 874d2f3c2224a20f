// Package hqreports is head office's reports over its PostgreSQL store
// (drivers/hqstore): each branch's service KPIs and the chain's total for
// a period, each branch's card money, the closings the branches froze,
// and a per-card reconciliation of the ledger head office holds with the
// cards' balances.
//
// The figures are the box's own: the KPIs are appliance/reports.KPIsOf
// over the branch's tickets and the card money is
// appliance/reports.CardLiabilityOf over its ledger and cards, so a
// branch's figures at head office equal those its box shows. The reports
// come as appliance/reports.Table, so reports.WriteCSV exports them.
//
// It reads hqstore's tables and writes nothing; it must not import net/http
// or ui itself (ui/hqweb serves it, through its Source interface).
package hqreports
