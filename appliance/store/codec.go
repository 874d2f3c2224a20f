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

// encode returns v as a versioned record value.
func encode(v any) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("store: encode %T: %w", v, err)
	}
	return append([]byte{codecJSON}, b...), nil
}

// decode reads a versioned record value into v.
func decode(b []byte, v any) error {
	if len(b) == 0 {
		return fmt.Errorf("store: decode %T: empty value", v)
	}
	if b[0] != codecJSON {
		return &appliance.Error{Code: appliance.EINTERNAL, Message: fmt.Sprintf(
			"记录格式 %d 来自更新的版本 / record encoding %d was written by a newer shouhou", b[0], b[0])}
	}
	if err := json.Unmarshal(b[1:], v); err != nil {
		return fmt.Errorf("store: decode %T: %w", v, err)
	}
	return nil
}
