// Package tickets runs the service desk's tickets from intake to pickup
// (DOMAIN.md "The desk's procedure"; seed 001 第十六–三十六条): intake with
// the policy decision attached, supervisor approval, repair (assignment,
// diagnosis, the quote told before paid work, the charge after it, sending
// to the maker and back, the three-repairs exchange, the supervisor's
// settlement of an unrepairable item), pickup notices and mail-back, the
// satisfaction survey, deadlines in working time, the day's call list and
// search.
//
// Every change of status goes through one table (transitions.go): which
// role may move which kind of ticket from which status to which, and
// whether a reason is required. Every change is audited in the same store
// transaction that writes it, and announced on the bus after the commit.
//
// It imports appliance, appliance/store, appliance/policy and
// appliance/calendar only: no HTTP, websocket, PC/SC, ESC/POS or TOML, and
// none of shouhou's conf, ui, drivers or forms packages. The config comes in
// as Rules through a func the caller fills from the snapshot in force; card
// charges go through the CardCharger interface.
package tickets
