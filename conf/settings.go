package conf

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

// Setting is one value of a config file, by the key path an admin wrote in
// it: "categories.electronics.free_repair", "labour[2].fen".
type Setting struct {
	// File is the config file, e.g. "policy.toml".
	File string `json:"file"`
	// Key is the value's key path in the file; an array of tables is
	// numbered from 1 as an admin counts them.
	Key string `json:"key"`
	// Value is the value as TOML would write it; a secret (a PIN hash, a
	// till token, a password) is a short fingerprint, so a change shows
	// without the secret.
	Value string `json:"value"`
	// Secret marks a fingerprinted value.
	Secret bool `json:"secret,omitempty"`
}

// Change is one setting that differs between two configs. Old is "" for
// a setting added, New is "" for one removed.
type Change struct {
	// File and Key name the setting (Setting).
	File string `json:"file"`
	Key  string `json:"key"`
	// Old and New are the values before and after (Setting.Value).
	Old string `json:"old"`
	New string `json:"new"`
	// Secret marks a secret's change: Old and New are fingerprints.
	Secret bool `json:"secret,omitempty"`
}

// secretKeys are the last key names whose values are secrets.
var secretKeys = []string{"pin_hash", "token", "password", "secret", "key_file", "password_file"}

// settingsOf lists the values of one file in key order. A file that does
// not decode gives none (Load reports the error itself).
func settingsOf(s *source) []Setting {
	var m map[string]any
	if _, err := toml.Decode(string(s.data), &m); err != nil {
		return nil
	}
	var out []Setting
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				walk(join(path, k), x[k])
			}
		case []map[string]any:
			for i, t := range x {
				walk(fmt.Sprintf("%s[%d]", path, i+1), t)
			}
		default:
			last := path[strings.LastIndexAny(path, ".]")+1:]
			st := Setting{File: s.name, Key: path, Value: valueText(v)}
			if slices.Contains(secretKeys, last) {
				sum := sha256.Sum256([]byte(st.Value))
				st.Value, st.Secret = "#"+hex.EncodeToString(sum[:4]), true
			}
			out = append(out, st)
		}
	}
	walk("", m)
	return out
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// valueText writes a decoded TOML value as an admin would read it.
func valueText(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("%q", x)
	case time.Time:
		return x.Format(time.RFC3339)
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = valueText(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
	return fmt.Sprint(v)
}

// Settings lists every value of the snapshot's files, file by file in
// load order, each in key order.
func (s *Snapshot) Settings() []Setting { return slices.Clone(s.settings) }

// Changes lists the settings that differ from old to new, in new's order
// with the removed ones after; nil when none does.
func Changes(old, new []Setting) []Change {
	type id struct{ file, key string }
	before := make(map[id]Setting, len(old))
	for _, st := range old {
		before[id{st.File, st.Key}] = st
	}
	var out []Change
	seen := make(map[id]bool, len(new))
	for _, st := range new {
		k := id{st.File, st.Key}
		seen[k] = true
		was, ok := before[k]
		switch {
		case !ok:
			out = append(out, Change{File: st.File, Key: st.Key, New: st.Value, Secret: st.Secret})
		case was.Value != st.Value:
			out = append(out, Change{File: st.File, Key: st.Key, Old: was.Value, New: st.Value, Secret: st.Secret})
		}
	}
	for _, st := range old {
		if !seen[id{st.File, st.Key}] {
			out = append(out, Change{File: st.File, Key: st.Key, Old: st.Value, Secret: st.Secret})
		}
	}
	return out
}
