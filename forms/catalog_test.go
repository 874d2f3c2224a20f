package forms

import (
	"errors"
	"regexp"
	"slices"
	"testing"

	"shouhou/appliance"
)

// TestCatalog checks every definition: unique names and field IDs, both
// languages on every label, known sources, options on selects, compiling
// patterns, a Code field that exists, parts a field prints on that exist.
func TestCatalog(t *testing.T) {
	sources := Sources()
	names := map[string]bool{}
	for _, f := range All() {
		t.Run(f.Name, func(t *testing.T) {
			if names[f.Name] {
				t.Errorf("form name %q twice", f.Name)
			}
			names[f.Name] = true
			checkLabel(t, f.Name, f.Title)
			for _, p := range f.Parts {
				checkLabel(t, "caption", p.Caption)
			}
			if f.Code != "" {
				if _, ok := f.Field(f.Code); !ok {
					t.Errorf("code field %q does not exist", f.Code)
				}
			}
			ids := map[string]bool{}
			for _, fd := range f.Fields() {
				checkField(t, f, fd, sources)
				if ids[fd.ID] {
					t.Errorf("field %q twice", fd.ID)
				}
				ids[fd.ID] = true
			}
			if _, err := f.Fill(Record{}); err != nil {
				t.Error(err)
			}
		})
	}
	if len(names) != 16 {
		t.Errorf("%d forms, want the 16 of DOMAIN.md Forms", len(names))
	}
}

func checkField(t *testing.T, f *Form, fd Field, sources []string) {
	t.Helper()
	checkLabel(t, fd.ID, fd.Label)
	if fd.Source != "" && !slices.Contains(sources, fd.Source) {
		t.Errorf("field %s: unknown source %q", fd.ID, fd.Source)
	}
	if (fd.Kind == FieldSelect) != (len(fd.Options) > 0) {
		t.Errorf("field %s: kind %s with %d options", fd.ID, fd.Kind, len(fd.Options))
	}
	if fd.Pattern != "" {
		if _, err := regexp.Compile(fd.Pattern); err != nil || fd.PatternHint.Zh == "" {
			t.Errorf("field %s: pattern %q (%v) hint %q", fd.ID, fd.Pattern, err, fd.PatternHint.Zh)
		}
	}
	if fd.Default != "" {
		if err := checkValue(fd, fd.Default); err != nil {
			t.Errorf("field %s: default %q: %v", fd.ID, fd.Default, err)
		}
	}
	for _, p := range fd.Parts {
		if p < 1 || p > len(f.Parts) {
			t.Errorf("field %s prints on part %d of %d", fd.ID, p, len(f.Parts))
		}
	}
	// A label must leave room for a value beside it on 58 mm paper.
	if w := Width(fd.Label.Zh); w > Columns58/2 {
		t.Errorf("field %s: label %q is %d columns wide", fd.ID, fd.Label.Zh, w)
	}
}

func checkLabel(t *testing.T, what string, l Label) {
	t.Helper()
	if l.Zh == "" || l.En == "" {
		t.Errorf("%s: label %+v lacks a language", what, l)
	}
}

func TestByName(t *testing.T) {
	for _, name := range Names() {
		f, err := ByName(name)
		if err != nil || f.Name != name {
			t.Errorf("ByName(%q) = %v, %v", name, f, err)
		}
	}
	_, err := ByName("no-such-form")
	var e *appliance.Error
	if !errors.As(err, &e) || e.Code != appliance.ENOTFOUND {
		t.Errorf("ByName(unknown) = %v, want ENOTFOUND", err)
	}
}

// TestAllFresh checks that changing a form from All changes no other.
func TestAllFresh(t *testing.T) {
	a := All()
	a[0].Sections[0].Fields[0].Label.Zh = "changed"
	a[0].Sections[0].Fields = append(a[0].Sections[0].Fields, Field{ID: "x"})
	if b := All(); b[0].Sections[0].Fields[0].Label.Zh == "changed" || len(b[0].Sections[0].Fields) == len(a[0].Sections[0].Fields) {
		t.Error("All returns shared definitions")
	}
}

// TestSources checks every source resolves on a full record and gives ""
// when its record is missing.
func TestSources(t *testing.T) {
	full := fixture()
	for _, src := range Sources() {
		if _, ok := full.source(src); !ok {
			t.Errorf("source %q unknown to the resolver", src)
		}
		if v, _ := (Record{}).source(src); v != "" {
			t.Errorf("source %q on an empty record = %q, want \"\"", src, v)
		}
	}
	if _, ok := full.source("ticket.nope"); ok {
		t.Error("unknown source resolved")
	}
}
