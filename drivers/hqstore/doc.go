// Package hqstore is head office's consolidated store: every branch's
// events (appliance/chain.Event) kept in PostgreSQL, with the current
// state of each branch's tickets, cards, customers, ledger entries,
// closings and audit entries beside them, and a Consumer that reads the
// chain's JetStream stream into it.
//
// Applying is idempotent by (branch, seq): the event row and the current
// row change in one transaction, a duplicate changes nothing, and an
// event older than the row's own never overwrites it, so the stream can be
// redelivered, replayed or read out of order. The Consumer acks a message
// only after PostgreSQL has committed it, so neither a PostgreSQL crash
// nor a consumer crash loses or doubles an event.
//
// The Consumer also publishes the chain's card blacklist: a committed
// card event that lists a card (lost, cancelled, replaced) or clears it
// (active again) becomes a chain.BlacklistEntry, published before the
// event's ack, so a crash in between publishes it again from the
// redelivered duplicate. A branch whose events have a gap is asked, at
// most once per ConsumerOptions.ReplayEvery, to replay it from its
// outbox.
//
// PostgreSQL: https://www.postgresql.org/docs/current/sql-insert.html#SQL-ON-CONFLICT
// (INSERT … ON CONFLICT), pgx: https://pkg.go.dev/github.com/jackc/pgx/v5/pgxpool.
package hqstore
