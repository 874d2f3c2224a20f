// Package reports builds the service desk's reports over the store, with no
// second copy of the data: the daily closing (日结, DOMAIN.md "The desk's
// procedure" 6) and its frozen snapshot, the technician's and the
// supervisor's daily reports (技术人员日报表 / 服务主任日报表, seed 001 管理办法),
// the weekly complaint summary (seed 000 售后服务方案及流程) and the service KPIs
// for any period, each as tables that export to CSV and JSON.
//
// Every figure is computed from the tickets, the cards and the card ledger
// read in one store snapshot; docs/reports.md writes down each rule (what
// counts as on time, satisfied, a repeat repair, a cash refund).
//
// It imports appliance and appliance/store only: no HTTP, websocket, PC/SC,
// ESC/POS or TOML, and none of shouhou's conf, ui, drivers or forms packages.
// The closing slip is filled by the caller from Closing.FormValues.
package reports
