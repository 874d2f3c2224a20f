package hqstore

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"shouhou/appliance/chain"
)

// Apply records ev and brings its record's current row up to it, in one
// transaction. applied is false, and nothing changes, when the branch's
// event ev.Seq is already recorded (a redelivery or a replay). A row is
// written only when no later event of the same record is recorded, so an
// event that arrives after a newer one never takes the row back; an event
// whose Data is null deletes the row. branches.last_seq becomes the
// highest seq recorded for the branch.
func (db *DB) Apply(ctx context.Context, ev chain.Event) (applied bool, err error) {
	if !chain.ValidBranch(ev.Branch) {
		return false, fmt.Errorf("hqstore: event %d: branch %q is not a valid branch id: %w", ev.Seq, ev.Branch, ErrInvalidEvent)
	}
	if ev.Seq == 0 || ev.Seq > math.MaxInt64 {
		return false, fmt.Errorf("hqstore: event of branch %s: seq %d out of range: %w", ev.Branch, ev.Seq, ErrInvalidEvent)
	}
	err = pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		applied, err = applyTx(ctx, tx, &ev)
		return err
	})
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && strings.HasPrefix(pgErr.Code, "22") { // data exception
		err = fmt.Errorf("%w: %w", ErrInvalidEvent, err)
	}
	if err != nil {
		return false, fmt.Errorf("hqstore: apply event %s: %w", ev.MsgID(), err)
	}
	return applied, nil
}

// ErrInvalidEvent is wrapped by Apply's error for an event no retry can
// record (a bad branch id or seq, data PostgreSQL refuses as JSON): the
// consumer drops such a message instead of retrying it for ever.
var ErrInvalidEvent = errors.New("invalid event")

// applyTx is Apply's transaction.
func applyTx(ctx context.Context, tx pgx.Tx, ev *chain.Event) (bool, error) {
	data, deleted := eventData(ev.Data)
	seq := int64(ev.Seq)
	tag, err := tx.Exec(ctx, `INSERT INTO events (branch, seq, time, kind, id, data)
		VALUES ($1, $2, $3, $4, $5, $6::jsonb) ON CONFLICT (branch, seq) DO NOTHING`,
		ev.Branch, seq, ev.Time, ev.Kind, ev.ID, data)
	if err != nil {
		return false, fmt.Errorf("insert event: %w", err)
	}
	if tag.RowsAffected() == 0 {
		return false, nil
	}
	if table, ok := tables[ev.Kind]; ok {
		if deleted {
			_, err = tx.Exec(ctx, `DELETE FROM `+table+` WHERE branch = $1 AND id = $2 AND seq < $3`,
				ev.Branch, ev.ID, seq)
		} else {
			_, err = tx.Exec(ctx, `INSERT INTO `+table+` (branch, id, data, updated_at, seq)
				SELECT $1::text, $2::text, $3::jsonb, $4::timestamptz, $5::bigint
				WHERE NOT EXISTS (SELECT 1 FROM events
					WHERE branch = $1::text AND kind = $6::text AND id = $2::text AND seq > $5::bigint)
				ON CONFLICT (branch, id) DO UPDATE
				SET data = excluded.data, updated_at = excluded.updated_at, seq = excluded.seq
				WHERE `+table+`.seq < excluded.seq`,
				ev.Branch, ev.ID, data, ev.Time, seq, ev.Kind)
		}
		if err != nil {
			return false, fmt.Errorf("%s %s: %w", table, ev.ID, err)
		}
	}
	_, err = tx.Exec(ctx, `INSERT INTO branches (branch, last_seq, updated) VALUES ($1, $2, now())
		ON CONFLICT (branch) DO UPDATE
		SET last_seq = greatest(branches.last_seq, excluded.last_seq), updated = now()`,
		ev.Branch, seq)
	if err != nil {
		return false, fmt.Errorf("branches: %w", err)
	}
	return true, nil
}

// eventData is an event's Data as the text of a jsonb value, and whether
// it is null (the record was deleted).
func eventData(d []byte) (string, bool) {
	d = bytes.TrimSpace(d)
	if len(d) == 0 || string(d) == "null" {
		return "null", true
	}
	return string(d), false
}

// Gap is a run of a branch's seqs head office has not recorded, From to
// To inclusive.
type Gap struct {
	From, To uint64
}

// Gaps returns the runs of seqs missing below the highest one recorded for
// branch, counting from 1, in order; none for a branch with no gaps or
// none recorded.
func (db *DB) Gaps(ctx context.Context, branch string) ([]Gap, error) {
	rows, err := db.pool.Query(ctx, `SELECT prev + 1, seq - 1 FROM (
			SELECT seq, lag(seq, 1, 0::bigint) OVER (ORDER BY seq) AS prev
			FROM events WHERE branch = $1) s
		WHERE seq > prev + 1 ORDER BY seq`, branch)
	if err != nil {
		return nil, fmt.Errorf("hqstore: gaps of %s: %w", branch, err)
	}
	gaps, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Gap, error) {
		var from, to int64
		err := r.Scan(&from, &to)
		return Gap{From: uint64(from), To: uint64(to)}, err
	})
	if err != nil {
		return nil, fmt.Errorf("hqstore: gaps of %s: %w", branch, err)
	}
	return gaps, nil
}

// LastSeq returns the highest seq recorded for branch (0 for none).
func (db *DB) LastSeq(ctx context.Context, branch string) (uint64, error) {
	var n int64
	err := db.pool.QueryRow(ctx, `SELECT last_seq FROM branches WHERE branch = $1`, branch).Scan(&n)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("hqstore: last seq of %s: %w", branch, err)
	}
	return uint64(n), nil
}

// Branches returns the branches head office has events of, in order.
func (db *DB) Branches(ctx context.Context) ([]string, error) {
	rows, err := db.pool.Query(ctx, `SELECT branch FROM branches ORDER BY branch`)
	if err != nil {
		return nil, fmt.Errorf("hqstore: branches: %w", err)
	}
	branches, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("hqstore: branches: %w", err)
	}
	return branches, nil
}
