package forms

import (
	"encoding/json"
	"testing"
)

// TestScreenGolden compares the screen JSON of two forms with testdata/.
func TestScreenGolden(t *testing.T) {
	for _, name := range []string{"tracking", "survey"} {
		t.Run(name, func(t *testing.T) {
			f, err := ByName(name)
			if err != nil {
				t.Fatal(err)
			}
			js, err := json.MarshalIndent(f.Screen(), "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, "screen-"+name+".json", append(js, '\n'))
		})
	}
}

// TestScreenFields checks that the screen shows every field but the
// signatures, with the definition's rules, for every form.
func TestScreenFields(t *testing.T) {
	for _, f := range All() {
		t.Run(f.Name, func(t *testing.T) {
			shown := map[string]ScreenField{}
			for _, s := range f.Screen().Sections {
				if len(s.Fields) == 0 {
					t.Errorf("empty section %q", s.Title.Zh)
				}
				for _, sf := range s.Fields {
					shown[sf.ID] = sf
				}
			}
			for _, fd := range f.Fields() {
				sf, ok := shown[fd.ID]
				if fd.Kind == FieldSignature {
					if ok {
						t.Errorf("signature %s on the screen", fd.ID)
					}
					continue
				}
				if !ok {
					t.Errorf("field %s not on the screen", fd.ID)
					continue
				}
				if sf.Required != fd.Required || sf.Kind != fd.Kind || sf.Label != fd.Label || sf.MaxLen != fd.MaxLen ||
					sf.Pattern != fd.Pattern || len(sf.Options) != len(fd.Options) {
					t.Errorf("screen field %+v does not match its definition %+v", sf, fd)
				}
			}
			// The JSON must round-trip for the UI.
			js, err := json.Marshal(f.Screen())
			if err != nil {
				t.Fatal(err)
			}
			var back ScreenForm
			if err := json.Unmarshal(js, &back); err != nil {
				t.Fatal(err)
			}
		})
	}
}
