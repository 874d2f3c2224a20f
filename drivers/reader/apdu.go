package reader

import (
	"encoding/hex"
	"fmt"
	"strings"
)

// GetDataUID is the PC/SC part 3 GET DATA command (CLA FF, INS CA, P1 00:
// UID, Le 00: all of it).
var getDataUID = [5]byte{0xFF, 0xCA, 0x00, 0x00, 0x00}

// GetDataUID returns the GET DATA command APDU that asks a contactless
// reader for the card's UID.
func GetDataUID() []byte { return getDataUID[:] }

// UID lengths accepted: ISO 14443-3 single, double and triple size (4, 7,
// 10), ISO 14443-B PUPI (4), FeliCa IDm and ISO 15693 (8).
const (
	minUID = 4
	maxUID = 10
)

// Transmitter sends one command APDU and returns the response APDU: the
// byte-level seam of the driver (scard.Card has this method).
type Transmitter interface {
	Transmit(cmd []byte) ([]byte, error)
}

// ReadUID asks the card behind t for its UID with GET DATA.
func ReadUID(t Transmitter) ([]byte, error) {
	rsp, err := t.Transmit(GetDataUID())
	if err != nil {
		return nil, fmt.Errorf("reader: SCardTransmit(GET DATA): %w", err)
	}
	return ParseUID(rsp)
}

// SWError is a GET DATA answer whose status word is not 90 00.
type SWError struct {
	// SW1 and SW2 are the status word the card or reader answered.
	SW1, SW2 byte
}

// Error names the status word and, when known, what it means.
func (e *SWError) Error() string {
	return fmt.Sprintf("reader: GET DATA answered %02X %02X (%s)", e.SW1, e.SW2, e.meaning())
}

// meaning is the PC/SC part 3 / ISO 7816-4 reading of the status word.
func (e *SWError) meaning() string {
	switch {
	case e.SW1 == 0x62 && e.SW2 == 0x82:
		return "end of data reached before Le bytes"
	case e.SW1 == 0x6C:
		return fmt.Sprintf("wrong length, %d bytes available", e.SW2)
	case e.SW1 == 0x6A && e.SW2 == 0x81:
		return "function not supported"
	case e.SW1 == 0x63 && e.SW2 == 0x00:
		return "operation failed"
	case e.SW1 == 0x67 && e.SW2 == 0x00:
		return "wrong length"
	case e.SW1 == 0x6D && e.SW2 == 0x00:
		return "instruction not supported"
	case e.SW1 == 0x6E && e.SW2 == 0x00:
		return "class not supported"
	}
	return "unexpected status word"
}

// ParseUID returns the UID in a GET DATA response: data then 90 00. Any
// other status word is a *SWError; a UID of unexpected length is an
// error too.
func ParseUID(rsp []byte) ([]byte, error) {
	if len(rsp) < 2 {
		return nil, fmt.Errorf("reader: GET DATA answer of %d bytes has no status word", len(rsp))
	}
	data, sw1, sw2 := rsp[:len(rsp)-2], rsp[len(rsp)-2], rsp[len(rsp)-1]
	if sw1 != 0x90 || sw2 != 0x00 {
		return nil, &SWError{SW1: sw1, SW2: sw2}
	}
	if len(data) < minUID || len(data) > maxUID {
		return nil, fmt.Errorf("reader: GET DATA answered a UID of %d bytes, want %d to %d", len(data), minUID, maxUID)
	}
	return append([]byte(nil), data...), nil
}

// RandomUID reports whether uid is a random ID (ISO 14443-3: a 4-byte UID
// whose first byte is 08 is generated anew on every activation).
func RandomUID(uid []byte) bool {
	return len(uid) == 4 && uid[0] == 0x08
}

// hexUpper formats b as upper-case hex.
func hexUpper(b []byte) string {
	return strings.ToUpper(hex.EncodeToString(b))
}
