package hqreports

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"shouhou/appliance"
	"shouhou/appliance/reports"
	"shouhou/appliance/store"
)

// BranchMoney is one branch's card money over all time, by the box's
// rules (reports.CardLiabilityOf over head office's copies of its ledger
// and cards).
type BranchMoney struct {
	// Branch is the branch id.
	Branch string `json:"branch"`
	// Cards counts the branch's cards; Entries its ledger entries.
	Cards   int `json:"cards"`
	Entries int `json:"entries"`
	// Liability are the sums by kind, the ledger total, the sum of the
	// cards' balances (the branch's liability to card holders) and what
	// does not reconcile.
	Liability *reports.Liability `json:"liability"`
}

// TopupsFen is the money loaded onto the branch's cards: issue deposits
// and top-ups.
func (m *BranchMoney) TopupsFen() int64 {
	return m.Liability.ByKind[appliance.LedgerIssue] + m.Liability.ByKind[appliance.LedgerTopup]
}

// ChargesFen is what was charged to the branch's cards (positive).
func (m *BranchMoney) ChargesFen() int64 { return -m.Liability.ByKind[appliance.LedgerCharge] }

// RefundsFen is what was refunded to the branch's cards.
func (m *BranchMoney) RefundsFen() int64 { return m.Liability.ByKind[appliance.LedgerRefund] }

// CardMoney returns every branch's card money, by branch id. It holds
// one branch's ledger in memory at a time.
func (h *Reports) CardMoney(ctx context.Context) ([]BranchMoney, error) {
	branches, err := h.branchIDs(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]BranchMoney, 0, len(branches))
	for _, b := range branches {
		entries, err := branchRecords[appliance.LedgerEntry](ctx, h, "ledger", b)
		if err != nil {
			return nil, err
		}
		cards, err := branchRecords[appliance.Card](ctx, h, "cards", b)
		if err != nil {
			return nil, err
		}
		out = append(out, BranchMoney{Branch: b, Cards: len(cards), Entries: len(entries),
			Liability: reports.CardLiabilityOf(entries, cards)})
	}
	return out, nil
}

// branchRecords reads every row of table for branch.
func branchRecords[T any](ctx context.Context, h *Reports, table, branch string) ([]*T, error) {
	rows, err := h.pool.Query(ctx, `SELECT data FROM `+table+` WHERE branch = $1 ORDER BY id`, branch)
	if err != nil {
		return nil, fmt.Errorf("hqreports: %s of %s: %w", table, branch, err)
	}
	var out []*T
	var data []byte
	_, err = pgx.ForEachRow(rows, []any{&data}, func() error {
		v := new(T)
		if err := json.Unmarshal(data, v); err != nil {
			return err
		}
		out = append(out, v)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hqreports: %s of %s: %w", table, branch, err)
	}
	return out, nil
}

// CardCheck is one card's reconciliation: the sum and count of the ledger
// entries head office holds against the card record's balance and count.
type CardCheck struct {
	// Branch and Card name the card.
	Branch string `json:"branch"`
	Card   string `json:"card"`
	// BalanceFen and LedgerCount are the card record's ("" card: none
	// held, the entries have no card).
	BalanceFen  int64 `json:"balance_fen"`
	LedgerCount int64 `json:"ledger_count"`
	// SumFen and Entries are the sum and count of the entries held.
	SumFen  int64 `json:"sum_fen"`
	Entries int64 `json:"entries"`
	// NoCard is set when entries are held for a card head office has no
	// record of.
	NoCard bool `json:"no_card"`
	// Chain are the problems the box's own verify would find in the card's
	// ledger as head office holds it (store.CheckCardLedger: an entry
	// missing or altered, a broken hash chain, a head the card does not
	// name); none when sound.
	Chain []string `json:"chain"`
}

// OK reports whether the card reconciles: its balance is the sum of its
// entries and head office holds as many entries as the card counts.
func (c *CardCheck) OK() bool {
	return !c.NoCard && c.BalanceFen == c.SumFen && c.LedgerCount == c.Entries && len(c.Chain) == 0
}

// Reconciliation is every card's check, by branch and card number.
type Reconciliation struct {
	// Cards are every card's check.
	Cards []CardCheck `json:"cards"`
	// Mismatches are the checks that do not reconcile.
	Mismatches []CardCheck `json:"mismatches"`
}

// Reconcile checks every card of every branch against the ledger head
// office holds of it: the sums and counts in SQL, then each card's hash
// chain as the box's verify checks it, one branch in memory at a time.
func (h *Reports) Reconcile(ctx context.Context) (*Reconciliation, error) {
	rows, err := h.pool.Query(ctx, `SELECT coalesce(c.branch, l.branch), coalesce(c.id, l.card),
			coalesce((c.data->>'balance_fen')::bigint, 0), coalesce((c.data->>'ledger_count')::bigint, 0),
			coalesce(l.sum, 0), coalesce(l.n, 0), c.id IS NULL
		FROM cards c FULL JOIN (
			SELECT branch, card, sum((data->>'amount_fen')::bigint)::bigint AS sum, count(*) AS n
			FROM ledger GROUP BY branch, card) l
		ON l.branch = c.branch AND l.card = c.id
		ORDER BY 1, 2`)
	if err != nil {
		return nil, fmt.Errorf("hqreports: reconcile: %w", err)
	}
	checks, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (CardCheck, error) {
		var c CardCheck
		err := r.Scan(&c.Branch, &c.Card, &c.BalanceFen, &c.LedgerCount, &c.SumFen, &c.Entries, &c.NoCard)
		return c, err
	})
	if err != nil {
		return nil, fmt.Errorf("hqreports: reconcile: %w", err)
	}
	chains := map[string]map[string][]string{}
	for i := range checks {
		c := &checks[i]
		if chains[c.Branch] == nil {
			if chains[c.Branch], err = h.chainProblems(ctx, c.Branch); err != nil {
				return nil, err
			}
		}
		c.Chain = chains[c.Branch][c.Card]
	}
	out := &Reconciliation{Cards: checks, Mismatches: []CardCheck{}}
	for _, c := range checks {
		if !c.OK() {
			out.Mismatches = append(out.Mismatches, c)
		}
	}
	return out, nil
}

// chainProblems checks each card's ledger of branch (store.CheckCardLedger)
// and returns the problems by card number, the sound cards left out.
func (h *Reports) chainProblems(ctx context.Context, branch string) (map[string][]string, error) {
	entries, err := branchRecords[appliance.LedgerEntry](ctx, h, "ledger", branch)
	if err != nil {
		return nil, err
	}
	cards, err := branchRecords[appliance.Card](ctx, h, "cards", branch)
	if err != nil {
		return nil, err
	}
	byCard := map[string][]*appliance.LedgerEntry{}
	for _, e := range entries {
		byCard[e.Card] = append(byCard[e.Card], e)
	}
	out := map[string][]string{}
	check := func(number string, c *appliance.Card) {
		es := byCard[number]
		slices.SortFunc(es, func(a, b *appliance.LedgerEntry) int { return cmp.Compare(a.Seq, b.Seq) })
		if p := store.CheckCardLedger(number, c, es); len(p) > 0 {
			out[number] = p
		}
	}
	for _, c := range cards {
		check(c.Number, c)
		delete(byCard, c.Number)
	}
	for number := range byCard {
		check(number, nil)
	}
	return out, nil
}

// BranchClosing is a day's closing as a branch froze it.
type BranchClosing struct {
	// Branch is the branch id.
	Branch string `json:"branch"`
	// Closing is the branch's frozen closing.
	Closing *reports.Closing `json:"closing"`
}

// Closings returns the closings the branches froze for the days from..to
// (both included, 2006-01-02), by day then branch.
func (h *Reports) Closings(ctx context.Context, from, to string) ([]BranchClosing, error) {
	rows, err := h.pool.Query(ctx, `SELECT branch, data FROM closings
		WHERE data->>'day' BETWEEN $1 AND $2 ORDER BY data->>'day', branch`, from, to)
	if err != nil {
		return nil, fmt.Errorf("hqreports: closings: %w", err)
	}
	var out []BranchClosing
	var branch string
	var data []byte
	_, err = pgx.ForEachRow(rows, []any{&branch, &data}, func() error {
		c := new(reports.Closing)
		if err := json.Unmarshal(data, c); err != nil {
			return fmt.Errorf("closing of %s: %w", branch, err)
		}
		out = append(out, BranchClosing{Branch: branch, Closing: c})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("hqreports: closings: %w", err)
	}
	return out, nil
}
