package conf

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Changing the parcel fee and a PIN in a store's config dir lists exactly
// those settings as changed, the PIN as a fingerprint, never its hash.
func TestChangesBetweenLoads(t *testing.T) {
	dir := t.TempDir()
	base, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	edit := func(name, old, new string) {
		t.Helper()
		data, err := defaultFS.ReadFile("defaults/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(data), old) {
			t.Fatalf("%s has no %q", name, old)
		}
		if err := os.WriteFile(filepath.Join(dir, name), []byte(strings.Replace(string(data), old, new, 1)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	edit("fees.toml", `parcel = "12.00"`, `parcel = "15.00"`)
	edit("staff.toml", `pin_hash = "$2a$10$HkhzQRQw0O0bi9nOgyMkpe4Ry36NNI.5lND9lz1xZqyb3CCHr9zua"`, `pin_hash = "$2a$10$CS/9EIjIrIqFcrJZp4cm.eMwSIo/3rtSNkxhvivx.sh/TX5hjl98a"`)
	after, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	got := Changes(base.Settings(), after.Settings())
	if len(got) != 2 {
		t.Fatalf("Changes = %+v, want 2 (the parcel fee and a PIN)", got)
	}
	if c := got[0]; c.File != "fees.toml" || c.Key != "shipping.parcel" || c.Old != `"12.00"` || c.New != `"15.00"` || c.Secret {
		t.Errorf("fee change = %+v, want fees.toml shipping.parcel \"12.00\" → \"15.00\"", c)
	}
	if c := got[1]; c.File != "staff.toml" || c.Key != "staff[1].pin_hash" || !c.Secret || c.Old == c.New || strings.Contains(c.Old+c.New, "$2a$") {
		t.Errorf("PIN change = %+v, want staff[1].pin_hash as two fingerprints", c)
	}
	if n := Changes(after.Settings(), after.Settings()); n != nil {
		t.Errorf("Changes of a config with itself = %+v, want none", n)
	}
	removed := Changes(after.Settings(), after.Settings()[1:])
	if len(removed) != 1 || removed[0].New != "" || removed[0].Old == "" {
		t.Errorf("a setting removed = %+v, want it with its old value and no new one", removed)
	}
	for _, st := range base.Settings() {
		if strings.Contains(st.Value, "$2a$") {
			t.Errorf("setting %s %s shows a PIN hash", st.File, st.Key)
		}
	}
}
