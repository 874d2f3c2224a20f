package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"unicode"
)

// checkStrict refuses a frame the standard decoder would read with a
// silent choice: an object with the same key twice, or with two keys that
// differ only in case (encoding/json matches field names without regard
// to case, so `"amount_fen":100000,"AMOUNT_FEN":1` would set the amount
// to 1). It looks at every depth. The error names the key by its path,
// e.g. "args.amount_fen". Syntax errors are left to the decoder.
func checkStrict(frame []byte) *WireError {
	dec := json.NewDecoder(bytes.NewReader(frame))
	dec.UseNumber()
	err := strictValue(dec, "")
	var dup *duplicateKey
	if errors.As(err, &dup) {
		return &WireError{Code: CodeBadRequest, Field: dup.path, Message: dup.message()}
	}
	return nil
}

// duplicateKey is an object key that repeats an earlier one of the same
// object (exactly, or folded to one case).
type duplicateKey struct {
	path, first, again string
}

func (d *duplicateKey) Error() string { return "duplicate key " + d.path }

func (d *duplicateKey) message() string {
	if d.first == d.again {
		return fmt.Sprintf("键 %q 出现两次 / the key %q appears twice", d.again, d.again)
	}
	return fmt.Sprintf("键 %q 与 %q 只差大小写 / the keys %q and %q differ only in case", d.again, d.first, d.again, d.first)
}

// strictValue reads one value at path, checking every object in it.
func strictValue(dec *json.Decoder, path string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch tok {
	case json.Delim('{'):
		return strictObject(dec, path)
	case json.Delim('['):
		for i := 0; dec.More(); i++ {
			if err := strictValue(dec, joinPath(path, strconv.Itoa(i))); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	}
	return nil
}

// strictObject reads the rest of an object after its '{'.
func strictObject(dec *json.Decoder, path string) error {
	seen := map[string]string{} // folded key → the key as first written
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, ok := tok.(string)
		if !ok {
			return io.ErrUnexpectedEOF
		}
		folded := foldKey(key)
		if first, dup := seen[folded]; dup {
			return &duplicateKey{path: joinPath(path, key), first: first, again: key}
		}
		seen[folded] = key
		if err := strictValue(dec, joinPath(path, key)); err != nil {
			return err
		}
	}
	_, err := dec.Token()
	return err
}

// foldKey maps a key to one spelling for all its case variants: each
// rune becomes the least rune of its Unicode simple-folding orbit, which
// covers what encoding/json treats as equal ("K", "k" and the Kelvin sign).
func foldKey(key string) string {
	out := make([]rune, 0, len(key))
	for _, r := range key {
		least := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			least = min(least, f)
		}
		out = append(out, least)
	}
	return string(out)
}

func joinPath(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// decodeArgs decodes an op's arguments into a, refusing keys the op does
// not take (at every depth of a struct) and anything after the object.
func decodeArgs(raw json.RawMessage, a any) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(a); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the arguments")
	}
	return nil
}
