package ui

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
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

// checkFrameKeys refuses a request whose top level has a key other than
// exactly "id", "op" and "args" (encoding/json would read "OP" as op and
// drop "ags" silently).
func checkFrameKeys(frame []byte) *WireError {
	var top map[string]json.RawMessage
	if json.Unmarshal(frame, &top) != nil {
		return nil
	}
	for key := range top {
		switch key {
		case "id", "op", "args":
			continue
		}
		return &WireError{Code: CodeBadRequest, Field: joinPath("", key), Message: fmt.Sprintf(
			"请求只有 id、op、args 三个键，不能有 %q / a request has the keys id, op and args only, not %q", key, key)}
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

// joinPath adds key to a dotted path; an empty key is written "" so a
// path always names something.
func joinPath(path, key string) string {
	if key == "" {
		key = `""`
	}
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

// checkExactKeys refuses an object key that names an argument only when
// case is ignored: encoding/json would read "AMOUNT_FEN" as amount_fen, so
// a key must be written exactly as the op's arguments spell it. t is the
// arguments' type; keys the type does not have are left to decodeArgs.
// The error is a bad_request naming the key by its path ("args.AMOUNT_FEN").
func checkExactKeys(raw json.RawMessage, t reflect.Type) error {
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return nil // decodeArgs has answered
	}
	return exactKeys(v, t, "args")
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

func exactKeys(v any, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		obj, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		fields := jsonFields(t)
		for key, val := range obj {
			if ft, ok := fields[key]; ok {
				if err := exactKeys(val, ft, joinPath(path, key)); err != nil {
					return err
				}
				continue
			}
			for name := range fields {
				if foldKey(name) == foldKey(key) {
					return &WireError{Code: CodeBadRequest, Field: joinPath(path, key), Message: fmt.Sprintf(
						"参数 %q 应写作 %q / the argument %q is written %q", key, name, key, name)}
				}
			}
		}
	case reflect.Slice, reflect.Array:
		if arr, ok := v.([]any); ok {
			for i, el := range arr {
				if err := exactKeys(el, t.Elem(), joinPath(path, strconv.Itoa(i))); err != nil {
					return err
				}
			}
		}
	case reflect.Map:
		if obj, ok := v.(map[string]any); ok {
			for key, el := range obj {
				if err := exactKeys(el, t.Elem(), joinPath(path, key)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// jsonFields are the JSON names of a struct's fields, embedded structs'
// fields promoted, with their types.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		ft := f.Type
		if f.Anonymous && name == "" {
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range jsonFields(ft) {
					if _, dup := out[k]; !dup {
						out[k] = v
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}
