package store

import (
	"encoding/json"
	"fmt"

	"shouhou/appliance"
)

// codecJSON is the only record encoding so far: one version byte, then JSON.
// A later release adds a new byte and keeps reading this one; an older
// release refuses a byte it does not know instead of misreading it.
const codecJSON byte = 1

// encode returns v as a versioned record value. Cards, ledger entries and
// outbox events are written by hand (recordjson.go), byte for byte as
// json.Marshal writes them.
func encode(v any) ([]byte, error) {
	var (
		b  []byte
		ok bool
	)
	switch v := v.(type) {
	case *appliance.Card:
		b, ok = appendCardJSON(append(make([]byte, 0, 384), codecJSON), v)
	case *appliance.LedgerEntry:
		b, ok = appendLedgerJSON(append(make([]byte, 0, 512), codecJSON), v)
	case *storedEvent:
		b, ok = appendEventJSON(append(make([]byte, 0, 128+len(v.Data)), codecJSON), v)
	}
	if ok {
		return b, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("store: encode %T: %w", v, err)
	}
	return append([]byte{codecJSON}, b...), nil
}

// decode reads a versioned record value into v. A card or a ledger entry
// decoded into a zero value, as written by encode, is read by hand
// (recordjson.go); anything else by encoding/json.
func decode(b []byte, v any) error {
	if len(b) == 0 {
		return fmt.Errorf("store: decode %T: empty value", v)
	}
	if b[0] != codecJSON {
		return &appliance.Error{Code: appliance.EINTERNAL, Message: fmt.Sprintf(
			"记录格式 %d 来自更新的版本 / record encoding %d was written by a newer shouhou", b[0], b[0])}
	}
	switch v := v.(type) {
	case *appliance.Card:
		if zeroCard(v) {
			if scanCard(b[1:], v) {
				return nil
			}
			*v = appliance.Card{} // what the scan filled in before it gave up
		}
	case *appliance.LedgerEntry:
		if zeroLedger(v) {
			if scanLedger(b[1:], v) {
				return nil
			}
			*v = appliance.LedgerEntry{}
		}
	}
	if err := json.Unmarshal(b[1:], v); err != nil {
		return fmt.Errorf("store: decode %T: %w", v, err)
	}
	return nil
}
