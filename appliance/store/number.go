package store

import (
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"shouhou/appliance"
)

// next increments the counter at key inside the transaction and returns
// its new value. Because the counter is written in the same transaction as
// the record that uses the number, a crash either keeps both or neither:
// numbers have no gaps and no repeats (unlike Badger's leased sequences).
func (tx *Txn) next(key string) (int64, error) {
	var n int64
	item, err := tx.t.Get([]byte(key))
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
	case err != nil:
		return 0, fmt.Errorf("store: counter %s: %w", key, err)
	default:
		err = item.Value(func(v []byte) error {
			if len(v) != 8 {
				return fmt.Errorf("store: counter %s holds %d bytes", key, len(v))
			}
			n = int64(binary.BigEndian.Uint64(v))
			return nil
		})
		if err != nil {
			return 0, err
		}
	}
	n++
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(n))
	if err := tx.t.Set([]byte(key), b[:]); err != nil {
		return 0, fmt.Errorf("store: counter %s: %w", key, err)
	}
	return n, nil
}

// maxTicketsPerDay is what the 4-digit daily sequence can number.
const maxTicketsPerDay = 9999

// NextTicketNumber takes the next ticket number of day (a time in the
// store's time zone): "T" + yyyymmdd + "-" + a 4-digit daily sequence,
// e.g. T20261123-0042. Use it in the transaction that writes the ticket.
func (tx *Txn) NextTicketNumber(day time.Time) (string, error) {
	date := day.Format("20060102")
	n, err := tx.next("n/ticket/" + date)
	if err != nil {
		return "", err
	}
	if n > maxTicketsPerDay {
		return "", appliance.Errorf(appliance.EUNAVAILABLE,
			"今日服务单号已用完（%d） / the day's %d ticket numbers are used up", maxTicketsPerDay, maxTicketsPerDay)
	}
	return fmt.Sprintf("T%s-%04d", date, n), nil
}

// NextCardNumber takes the next printed card number, "SC-" + 6 digits.
// Use it in the transaction that writes the card.
func (tx *Txn) NextCardNumber() (string, error) {
	n, err := tx.next("n/card")
	if err != nil {
		return "", err
	}
	if n > 999999 {
		return "", appliance.Errorf(appliance.EUNAVAILABLE, "卡号已用完 / card numbers are used up")
	}
	return fmt.Sprintf("SC-%06d", n), nil
}
