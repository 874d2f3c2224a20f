package hqstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"shouhou/appliance"
	"shouhou/appliance/chain"
)

// listedStatus reports whether a card in status s is on the chain's
// blacklist.
func listedStatus(s appliance.CardStatus) bool {
	switch s {
	case appliance.CardLost, appliance.CardCancelled, appliance.CardReplaced:
		return true
	}
	return false
}

// blacklistChange reports whether a card going from status prev (""
// when head office knows no earlier event of the card) to now changes
// its listing: it becomes lost, cancelled or replaced (or moves between
// them), or comes back to active from one of those.
func blacklistChange(prev, now appliance.CardStatus) bool {
	switch {
	case listedStatus(now):
		return now != prev
	case now == appliance.CardActive:
		return listedStatus(prev)
	}
	return false
}

// BlacklistEntry returns the blacklist entry a recorded card event makes,
// or nil when it makes none: the event is not a card's, deletes the
// card, does not change the card's listing (its status is the same as
// in the card's previous event head office holds), or is no longer the
// card's latest (a newer event's entry supersedes it, and publishing the
// older one now would undo it at the boxes). It reads only what Apply
// committed, so it answers the same for a redelivered event: head office
// publishes after the commit, and a publish lost to a crash is made again
// when the event comes back as a duplicate.
func (db *DB) BlacklistEntry(ctx context.Context, ev chain.Event) (*chain.BlacklistEntry, error) {
	if ev.Kind != chain.KindCard {
		return nil, nil
	}
	if _, deleted := eventData(ev.Data); deleted {
		return nil, nil
	}
	var card appliance.Card
	if json.Unmarshal(ev.Data, &card) != nil {
		return nil, nil // not a card: nothing to list, and no retry makes it one
	}
	var current int64
	err := db.pool.QueryRow(ctx, `SELECT seq FROM cards WHERE branch = $1 AND id = $2`, ev.Branch, ev.ID).Scan(&current)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && uint64(current) != ev.Seq) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("hqstore: card %s of %s: %w", ev.ID, ev.Branch, err)
	}
	var prev *string
	err = db.pool.QueryRow(ctx, `SELECT data->>'status' FROM events
		WHERE branch = $1 AND kind = $2 AND id = $3 AND seq < $4 ORDER BY seq DESC LIMIT 1`,
		ev.Branch, chain.KindCard, ev.ID, int64(ev.Seq)).Scan(&prev)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("hqstore: card %s of %s before seq %d: %w", ev.ID, ev.Branch, ev.Seq, err)
	}
	var was appliance.CardStatus
	if prev != nil {
		was = appliance.CardStatus(*prev)
	}
	if !blacklistChange(was, card.Status) {
		return nil, nil
	}
	number := card.Number
	if number == "" {
		number = ev.ID
	}
	return &chain.BlacklistEntry{Card: number, UIDs: card.UIDs, Branch: ev.Branch, Status: string(card.Status),
		Time: ev.Time, Seq: ev.Seq}, nil
}
