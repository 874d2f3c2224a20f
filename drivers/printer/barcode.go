package printer

import "fmt"

// CODE128 and QR code sizes, for fitting symbols on the paper.
const (
	// code128Quiet is the quiet zone each side of a CODE128 symbol, in modules.
	code128Quiet = 10
	// qrQuiet is the quiet zone each side of a QR code, in modules.
	qrQuiet = 4
)

// qrCapacityM is the byte-mode capacity of QR versions 1 to 10 at error
// correction level M (ISO/IEC 18004 table 7).
var qrCapacityM = [...]int{14, 26, 42, 62, 84, 106, 122, 152, 180, 213}

// qrVersion returns the smallest version holding n bytes at level M, or 0
// when n is 0 or more than version 10 holds.
func qrVersion(n int) int {
	if n == 0 {
		return 0
	}
	for i, c := range qrCapacityM {
		if n <= c {
			return i + 1
		}
	}
	return 0
}

// code128 returns the GS k 73 payload for data (code set B, switching to
// code set C for runs of 4 or more digits) and the symbol's width in
// modules without quiet zones. data must be printable ASCII.
func code128(data string) (payload []byte, modules int, err error) {
	if data == "" {
		return nil, 0, fmt.Errorf("empty barcode")
	}
	for i := 0; i < len(data); i++ {
		if c := data[i]; c < 0x20 || c > 0x7e {
			return nil, 0, fmt.Errorf("barcode %q: byte %#x at %d is not printable ASCII", data, c, i)
		}
	}
	symbols := 0 // data symbols and code set switches, start and check excluded
	set := byte(0)
	for i := 0; i < len(data); {
		run := digitRun(data[i:])
		if run >= 4 {
			if run%2 == 1 { // odd: the first digit goes in code set B
				payload, symbols, set = codeSet(payload, symbols, set, 'B')
				payload = append(payload, data[i])
				symbols++
				i++
				run--
			}
			payload, symbols, set = codeSet(payload, symbols, set, 'C')
			for ; run > 0; run -= 2 {
				payload = append(payload, (data[i]-'0')*10+data[i+1]-'0')
				symbols++
				i += 2
			}
			continue
		}
		payload, symbols, set = codeSet(payload, symbols, set, 'B')
		if data[i] == '{' {
			payload = append(payload, '{')
		}
		payload = append(payload, data[i])
		symbols++
		i++
	}
	if len(payload) > 255 {
		return nil, 0, fmt.Errorf("barcode %q: %d bytes, at most 255", data, len(payload))
	}
	// start, symbols, check digit: 11 modules each; stop: 13.
	return payload, 11*(symbols+2) + 13, nil
}

// codeSet switches to code set c ('B' or 'C') if not already there. The
// first selection is the start code; later ones are a symbol each.
func codeSet(payload []byte, symbols int, set, c byte) ([]byte, int, byte) {
	if set == c {
		return payload, symbols, set
	}
	if set != 0 {
		symbols++
	}
	return append(payload, '{', c), symbols, c
}

func digitRun(s string) int {
	n := 0
	for n < len(s) && s[n] >= '0' && s[n] <= '9' {
		n++
	}
	return n
}
