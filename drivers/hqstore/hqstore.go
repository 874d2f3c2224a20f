package hqstore

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"shouhou/appliance/chain"
)

// migrations are the schema's steps; migrations[i] takes the schema from
// version i to i+1. A step is never edited once released: a change is a
// new step.
var migrations = []string{
	`CREATE TABLE IF NOT EXISTS events (
		branch text NOT NULL,
		seq bigint NOT NULL,
		time timestamptz NOT NULL,
		kind text NOT NULL,
		id text NOT NULL,
		data jsonb,
		PRIMARY KEY (branch, seq)
	);
	CREATE INDEX IF NOT EXISTS events_record ON events (branch, kind, id, seq);
	CREATE TABLE IF NOT EXISTS tickets (
		branch text NOT NULL, id text NOT NULL, data jsonb NOT NULL,
		updated_at timestamptz NOT NULL, seq bigint NOT NULL,
		PRIMARY KEY (branch, id)
	);
	CREATE TABLE IF NOT EXISTS cards (
		branch text NOT NULL, id text NOT NULL, data jsonb NOT NULL,
		updated_at timestamptz NOT NULL, seq bigint NOT NULL,
		PRIMARY KEY (branch, id)
	);
	CREATE TABLE IF NOT EXISTS customers (
		branch text NOT NULL, id text NOT NULL, data jsonb NOT NULL,
		updated_at timestamptz NOT NULL, seq bigint NOT NULL,
		PRIMARY KEY (branch, id)
	);
	CREATE TABLE IF NOT EXISTS ledger (
		branch text NOT NULL, id text NOT NULL,
		card text GENERATED ALWAYS AS (data->>'card') STORED,
		data jsonb NOT NULL,
		updated_at timestamptz NOT NULL, seq bigint NOT NULL,
		PRIMARY KEY (branch, id)
	);
	CREATE INDEX IF NOT EXISTS ledger_card ON ledger (card);
	CREATE TABLE IF NOT EXISTS closings (
		branch text NOT NULL, id text NOT NULL, data jsonb NOT NULL,
		updated_at timestamptz NOT NULL, seq bigint NOT NULL,
		PRIMARY KEY (branch, id)
	);
	CREATE TABLE IF NOT EXISTS audits (
		branch text NOT NULL, id text NOT NULL, data jsonb NOT NULL,
		updated_at timestamptz NOT NULL, seq bigint NOT NULL,
		PRIMARY KEY (branch, id)
	);
	CREATE TABLE IF NOT EXISTS branches (
		branch text PRIMARY KEY,
		last_seq bigint NOT NULL,
		updated timestamptz NOT NULL
	);`,
}

// tables maps an event kind to the table holding its records' current
// state. An event of a kind not listed is kept in events only.
var tables = map[string]string{
	chain.KindTicket:   "tickets",
	chain.KindCard:     "cards",
	chain.KindCustomer: "customers",
	chain.KindLedger:   "ledger",
	chain.KindClosing:  "closings",
	chain.KindAudit:    "audits",
}

// schemaLock is the advisory lock id Open takes while it migrates, so two
// head office processes starting together do not race.
const schemaLock = 0x73686f75 // "shou"

// DB is head office's store in one PostgreSQL database. It is safe for
// concurrent use.
type DB struct {
	pool *pgxpool.Pool
}

// Open connects to the database at dsn (a pgx connection string) and
// brings its schema up to date. The pool reconnects by itself, so a DB
// outlives a PostgreSQL restart; Open itself fails when the server is not
// there.
func Open(ctx context.Context, dsn string) (*DB, error) {
	pool, err := pgxpool.New(ctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("hqstore: pgxpool.New: %w", err)
	}
	db := &DB{pool: pool}
	if err := db.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the pool's connections.
func (db *DB) Close() { db.pool.Close() }

// Pool is the connection pool, for reports and tests that query the
// tables directly.
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// migrate runs the migrations the database has not had, in one
// transaction under schemaLock.
func (db *DB) migrate(ctx context.Context) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(schemaLock)); err != nil {
			return fmt.Errorf("hqstore: lock schema: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version (
			version int NOT NULL, applied timestamptz NOT NULL DEFAULT now())`); err != nil {
			return fmt.Errorf("hqstore: schema_version: %w", err)
		}
		var version int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM schema_version`).Scan(&version); err != nil {
			return fmt.Errorf("hqstore: read schema version: %w", err)
		}
		if version > len(migrations) {
			return fmt.Errorf("hqstore: the database's schema is version %d, newer than this program's %d", version, len(migrations))
		}
		for v := version; v < len(migrations); v++ {
			if _, err := tx.Exec(ctx, migrations[v]); err != nil {
				return fmt.Errorf("hqstore: migrate to version %d: %w", v+1, err)
			}
			if _, err := tx.Exec(ctx, `INSERT INTO schema_version (version) VALUES ($1)`, v+1); err != nil {
				return fmt.Errorf("hqstore: record schema version %d: %w", v+1, err)
			}
		}
		return nil
	})
}
