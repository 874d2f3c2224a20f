package hqreports

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"shouhou/appliance"
	"shouhou/appliance/reports"
	"shouhou/appliance/store"
	"shouhou/drivers/hqstore"
)

// Reports builds head office's reports over one hqstore. It holds no
// state but the pool and the report options, and is safe for concurrent
// use.
type Reports struct {
	pool *pgxpool.Pool
	rep  *reports.Reports
	// now is the clock, for the branches' lag.
	now func() time.Time
}

// New returns head office's report builder over db. o are the box's
// report options (the chain's time zone, warranty and targets): the same
// options give the same figures as a box's reports.
func New(db *hqstore.DB, o reports.Options) *Reports {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	return &Reports{pool: db.Pool(), rep: reports.New(nil, o), now: now}
}

// ParseDay reads a day written as 2006-01-02 in the chain's time zone.
func (h *Reports) ParseDay(s string) (time.Time, error) { return h.rep.ParseDay(s) }

// Branch is what head office holds of one branch's stream.
type Branch struct {
	// Branch is the branch id.
	Branch string `json:"branch"`
	// LastSeq is the highest event seq recorded.
	LastSeq uint64 `json:"last_seq"`
	// Updated is when head office last recorded one of its events.
	Updated time.Time `json:"updated"`
	// LagSeconds is how long ago that was.
	LagSeconds int64 `json:"lag_seconds"`
	// Missing counts the seqs below LastSeq head office has not recorded.
	Missing uint64 `json:"missing"`
}

// Branches lists the branches head office has events of, by id.
func (h *Reports) Branches(ctx context.Context) ([]Branch, error) {
	rows, err := h.pool.Query(ctx, `SELECT b.branch, b.last_seq, b.updated,
			b.last_seq - (SELECT count(*) FROM events e WHERE e.branch = b.branch)
		FROM branches b ORDER BY b.branch`)
	if err != nil {
		return nil, fmt.Errorf("hqreports: branches: %w", err)
	}
	now := h.now()
	bs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Branch, error) {
		var b Branch
		var last, missing int64
		err := r.Scan(&b.Branch, &last, &b.Updated, &missing)
		b.LastSeq, b.Missing = uint64(last), uint64(max(missing, 0))
		b.LagSeconds = int64(now.Sub(b.Updated) / time.Second)
		return b, err
	})
	if err != nil {
		return nil, fmt.Errorf("hqreports: branches: %w", err)
	}
	return bs, nil
}

// BranchKPIs are one branch's KPIs.
type BranchKPIs struct {
	// Branch is the branch id.
	Branch string `json:"branch"`
	// KPIs are its figures.
	KPIs *reports.KPIs `json:"kpis"`
}

// ChainKPIs are the KPIs of every branch and of the whole chain.
type ChainKPIs struct {
	// Branches are each branch's, by id.
	Branches []BranchKPIs `json:"branches"`
	// Total are the chain's: every branch's tickets counted together
	// (a repeat repair is one of the same branch's purchase), so each
	// count is the sum of the branches' counts.
	Total *reports.KPIs `json:"total"`
}

// KPIs computes the KPIs of each branch and of the chain over the days
// from..to (both included), by the box's rules (reports.KPIsOf). The
// tickets are selected in SQL by their last change and due time, as the
// box's walk selects them.
func (h *Reports) KPIs(ctx context.Context, from, to time.Time) (*ChainKPIs, error) {
	since := h.rep.KPISince(from)
	branches, err := h.branchIDs(ctx)
	if err != nil {
		return nil, err
	}
	byBranch := map[string][]*store.TicketReport{}
	var all []*store.TicketReport
	rows, err := h.pool.Query(ctx, `SELECT branch, data FROM tickets
		WHERE greatest((data->>'updated')::timestamptz, (data->>'due')::timestamptz) >= $1
		ORDER BY branch`, since)
	if err != nil {
		return nil, fmt.Errorf("hqreports: kpis: %w", err)
	}
	var branch string
	var data []byte
	_, err = pgx.ForEachRow(rows, []any{&branch, &data}, func() error {
		var t appliance.Ticket
		if err := json.Unmarshal(data, &t); err != nil {
			return fmt.Errorf("ticket of %s: %w", branch, err)
		}
		r := store.ReportOf(&t)
		byBranch[branch] = append(byBranch[branch], r)
		chainWide := *r
		if chainWide.PurchaseID != "" {
			chainWide.PurchaseID = branch + "/" + r.PurchaseID
		}
		all = append(all, &chainWide)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hqreports: kpis: %w", err)
	}
	out := &ChainKPIs{Branches: []BranchKPIs{}}
	for _, b := range branches {
		k, err := h.rep.KPIsOf(from, to, byBranch[b])
		if err != nil {
			return nil, err
		}
		out.Branches = append(out.Branches, BranchKPIs{Branch: b, KPIs: k})
	}
	if out.Total, err = h.rep.KPIsOf(from, to, all); err != nil {
		return nil, err
	}
	return out, nil
}

// branchIDs lists the branches head office has events of, by id.
func (h *Reports) branchIDs(ctx context.Context) ([]string, error) {
	rows, err := h.pool.Query(ctx, `SELECT branch FROM branches ORDER BY branch`)
	if err != nil {
		return nil, fmt.Errorf("hqreports: branches: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("hqreports: branches: %w", err)
	}
	return ids, nil
}
