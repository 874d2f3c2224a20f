package conf

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"shouhou/appliance/calendar"
	"shouhou/appliance/policy"
)

// MustLoad loads dir or fails the test.
func MustLoad(tb testing.TB, dir string) *Snapshot {
	tb.Helper()
	s, err := LoadAt(dir, testNow)
	if err != nil {
		tb.Fatalf("LoadAt(%q) = %v", dir, err)
	}
	return s
}

// TestDefaultsAreDomainPolicy checks the embedded policy.toml against the
// per-category table of DOMAIN.md "Policy defaults".
func TestDefaultsAreDomainPolicy(t *testing.T) {
	s := MustLoad(t, "")
	d, m := func(n int) policy.Window { return policy.Window{Days: n} }, func(n int) policy.Window { return policy.Window{Months: n} }
	tests := []struct {
		id                                  string
		noReason, ret, exchange, freeRepair policy.Window
		depreciation                        bool
	}{
		{"electronics", d(7), d(7), d(15), m(12), false},
		{"home_goods", d(7), d(15), d(30), m(24), false},
		{"apparel", d(7), d(15), d(30), m(3), true},
		{"leather", d(7), d(15), d(30), m(6), true},
		{"intimate", policy.Window{}, d(15), d(30), m(3), false},
	}
	if len(s.Policy.Categories) != len(tests) {
		t.Errorf("categories = %d, want %d", len(s.Policy.Categories), len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			c, ok := s.Policy.Categories[tt.id]
			if !ok {
				t.Fatalf("no category %s", tt.id)
			}
			got := []policy.Window{c.NoReasonReturn, c.QualityReturn, c.QualityExchange, c.FreeRepair}
			want := []policy.Window{tt.noReason, tt.ret, tt.exchange, tt.freeRepair}
			if !slices.Equal(got, want) || c.Depreciation != tt.depreciation {
				t.Errorf("%s windows = %v dep %v, want %v dep %v", tt.id, got, c.Depreciation, want, tt.depreciation)
			}
		})
	}
	p := s.Policy
	if p.RestockingFee != 0 || p.RepairCap != 2000 || p.RepairsBeforeExchange != 3 || p.RefundApprovalAboveFen != 100000 ||
		p.ReversalApprovalAboveFen != 20000 || p.ShippingFeeFen != 1200 || p.Version != s.Version ||
		!slices.Equal(p.Depreciation, []policy.DepreciationStep{{UpToDays: 30, Rate: 500}, {UpToDays: 60, Rate: 1000}, {UpToDays: 90, Rate: 2000}}) ||
		!slices.Equal(p.Shipping, []policy.ShippingStep{{UpToDays: 7, Payer: "store"}, {UpToDays: 15, Payer: "split"}}) || !p.CardBalanceExpiry.None() {
		t.Errorf("cross-category defaults differ from DOMAIN.md: %+v", p)
	}
	// The loaded tables decide: electronics, quality problem on day 8.
	dec := policy.Decide(p, policy.Facts{Category: "electronics", Purchased: "2026-03-01", Claimed: "2026-03-09", PriceFen: 1000, Problem: "quality"})
	if got := dec.Kinds(); !slices.Equal(got, []string{"exchange", "free_repair"}) || dec.ConfigVersion != s.Version {
		t.Errorf("Decide on the defaults = %v (%s)", got, dec.ConfigVersion)
	}
}

// TestDefaultCalendar2026 checks the shipped 2026 calendar is DOMAIN.md's.
func TestDefaultCalendar2026(t *testing.T) {
	s := MustLoad(t, "")
	var hol []string
	for _, d := range s.Calendar.Dates(calendar.Holiday) {
		hol = append(hol, d.String())
	}
	ranges := [][2]int{{101, 103}, {215, 223}, {404, 406}, {501, 505}, {619, 621}, {925, 927}, {1001, 1007}}
	var want []string
	for _, r := range ranges {
		for md := r[0]; md <= r[1]; md++ {
			want = append(want, calendar.NewDate(2026, monthOf(md), md%100).String())
		}
	}
	if !slices.Equal(hol, want) {
		t.Errorf("holidays = %v\nwant %v", hol, want)
	}
	var work []string
	for _, d := range s.Calendar.Dates(calendar.MakeUpWorkday) {
		work = append(work, d.String())
	}
	if w := []string{"2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"}; !slices.Equal(work, w) {
		t.Errorf("make-up workdays = %v, want %v", work, w)
	}
	if s.Calendar.Location().String() != "Asia/Shanghai" || !s.Calendar.HasYear(2026) {
		t.Errorf("calendar zone %v years %v", s.Calendar.Location(), s.Calendar.Years())
	}
	if len(s.Warnings) != 1 || !strings.Contains(s.Warnings[0], "2027") {
		t.Errorf("Warnings = %q, want one about 2027", s.Warnings)
	}
}

func monthOf(md int) time.Month { return time.Month(md / 100) }

// TestDemoStaff: the demo PINs documented in staff.toml sign in.
func TestDemoStaff(t *testing.T) {
	s := MustLoad(t, "")
	for id, pin := range map[string]string{"clerk": "1111", "tech": "2222", "boss": "3333", "admin": "4444"} {
		m, ok := s.StaffByID(id)
		if !ok || !m.CheckPIN(pin) || m.CheckPIN("0000") {
			t.Errorf("staff %s with PIN %s: found %v, check failed", id, pin, ok)
		}
	}
	if m, ok := s.StaffByCardUID("04c0ffee000001"); !ok || m.Role != RoleSupervisor {
		t.Errorf("StaffByCardUID = %+v, %v", m, ok)
	}
	if d, ok := s.DeskByReader("ACS ACR122U PICC Interface 00 00"); !ok || d.Printer != "receipt1" {
		t.Errorf("DeskByReader = %+v, %v", d, ok)
	}
	if p, _ := s.Printer("receipt1"); p.Device != "dir:var/prints" {
		t.Errorf("default printer device = %q, want dir:var/prints", p.Device)
	}
}

// TestLoadDir: a file in the directory replaces the embedded one; the
// version follows content; an unknown .toml file is a warning.
func TestLoadDir(t *testing.T) {
	dir := t.TempDir()
	base := MustLoad(t, dir)
	if base.Version != MustLoad(t, "").Version {
		t.Errorf("empty dir version %s != embedded version", base.Version)
	}
	data, _ := DefaultFile(FileStore)
	writeFile(t, dir, FileStore, strings.Replace(string(data), `name = "示例百货"`, `name = "测试店"`, 1))
	writeFile(t, dir, "notes.toml", "x = 1\n")
	s := MustLoad(t, dir)
	if s.Store.Name != "测试店" || s.Version == base.Version {
		t.Errorf("override not applied: name %q version %s", s.Store.Name, s.Version)
	}
	if i := slices.IndexFunc(s.Files, func(f FileSource) bool { return f.Name == FileStore }); s.Files[i].Embedded() || s.Files[i].Path != filepath.Join(dir, FileStore) {
		t.Errorf("Files = %+v", s.Files)
	}
	if !slices.ContainsFunc(s.Warnings, func(w string) bool { return strings.Contains(w, "notes.toml") }) {
		t.Errorf("Warnings = %q, want notes.toml", s.Warnings)
	}
	if again := MustLoad(t, dir); again.Version != s.Version {
		t.Errorf("same content, versions %s and %s", s.Version, again.Version)
	}
	writeFile(t, dir, FilePolicy, "version = 1\nbogus = 1\n")
	writeFile(t, dir, FileDevices, "version = 1\n[[desks]]\nid='d'\nname='D'\nprinter='none'\n[[printers]]\nid='p'\nname='P'\ndevice='dir:x'\nwidth=80\n")
	_, err := LoadAt(dir, testNow)
	var errs Errors
	if !errors.As(err, &errs) || len(errs) < 3 {
		t.Fatalf("LoadAt(broken) = %v, want several errors", err)
	}
	for _, e := range errs {
		if !strings.HasPrefix(e.File, dir) || e.Line < 1 || e.Col < 1 {
			t.Errorf("error without position: %v", e)
		}
	}
	if _, err := LoadAt(filepath.Join(dir, "missing"), testNow); err == nil {
		t.Error("LoadAt(missing dir) = nil error")
	}
}

func writeFile(tb testing.TB, dir, name, content string) {
	tb.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// FuzzLoad: no file content makes Load panic; a failure is always Errors
// with positions. An input patches one embedded default (replacing cut
// bytes at off with patch), or, when which ≥ 128, is the whole file: small
// inputs keep the fuzzer's minimisation fast while it explores files that
// are nearly valid.
func FuzzLoad(f *testing.F) {
	f.Add(uint8(1), uint16(0), uint8(0), []byte(""))
	f.Add(uint8(1), uint16(300), uint8(0), []byte("bogus = 1\n"))
	f.Add(uint8(1), uint16(500), uint8(8), []byte(`"12.345"`))
	f.Add(uint8(4), uint16(700), uint8(12), []byte(`"2026-02-30"`))
	f.Add(uint8(6), uint16(400), uint8(3), []byte("[["))
	f.Add(uint8(5), uint16(600), uint8(20), []byte(`card_uid = "zz"`))
	f.Add(uint8(128+1), uint16(0), uint8(0), []byte("version = 1\n[categories.x]\nname='x'\n"))
	f.Add(uint8(128+4), uint16(0), uint8(0), []byte("version = 1\n[hours]\nstart='09:00'\nend='18:00'\n[[years]]\nyear=2026\nholidays=['2026-01-01..2026-12-31']\n"))
	f.Fuzz(func(t *testing.T, which uint8, off uint16, cut uint8, patch []byte) {
		name := FileNames()[int(which&0x7f)%len(FileNames())]
		data := patch
		if which < 128 {
			base, _ := DefaultFile(name)
			o := int(off) % (len(base) + 1)
			end := min(o+int(cut), len(base))
			data = append(append(append([]byte{}, base[:o]...), patch...), base[end:]...)
		}
		s, err := LoadFiles(map[string][]byte{name: data}, testNow)
		if err != nil {
			var errs Errors
			if !errors.As(err, &errs) || len(errs) == 0 {
				t.Fatalf("LoadFiles error %T %v, want Errors", err, err)
			}
			for _, e := range errs {
				if e.Line < 1 || e.Col < 1 {
					t.Fatalf("error without position: %v", e)
				}
			}
			return
		}
		if s.Policy == nil || s.Calendar == nil || s.Policy.Validate() != nil {
			t.Fatalf("loaded snapshot is incomplete")
		}
	})
}

// BenchmarkLoad measures one load of the embedded defaults: parse and
// validate all seven files and build the snapshot.
func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadAt("", testNow); err != nil {
			b.Fatal(err)
		}
	}
}
