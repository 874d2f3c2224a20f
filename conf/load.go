package conf

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
)

//go:embed defaults/*.toml
var defaultFS embed.FS

// Config file names, in load order.
const (
	FileStore    = "store.toml"
	FilePolicy   = "policy.toml"
	FileFees     = "fees.toml"
	FileSLA      = "sla.toml"
	FileCalendar = "calendar.toml"
	FileStaff    = "staff.toml"
	FileDevices  = "devices.toml"
)

// FileNames lists every config file, in load order.
func FileNames() []string {
	return []string{FileStore, FilePolicy, FileFees, FileSLA, FileCalendar, FileStaff, FileDevices, FileTill}
}

// DefaultFile returns the embedded default of a config file, comments and all.
func DefaultFile(name string) ([]byte, error) {
	return defaultFS.ReadFile("defaults/" + name)
}

// Load reads the config: the embedded defaults, with each file present in
// dir replacing the embedded file of the same name ("" = defaults only). It
// validates everything and returns one snapshot, or Errors listing every
// problem as file:line:col: message.
func Load(dir string) (*Snapshot, error) { return LoadAt(dir, time.Now()) }

// LoadAt is Load with the load time given (for LoadedAt and the calendar
// warning about a missing coming year).
func LoadAt(dir string, now time.Time) (*Snapshot, error) {
	srcs, warns, err := readSources(dir)
	if err != nil {
		return nil, err
	}
	s, err := build(srcs, now)
	if err != nil {
		return nil, err
	}
	s.Dir = dir
	s.Warnings = append(warns, s.Warnings...)
	return s, nil
}

// readSources gathers the file set: dir's files over the embedded ones.
func readSources(dir string) ([]*source, []string, error) {
	var warns []string
	if dir != "" {
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, nil, fmt.Errorf("conf: 读取配置目录 / reading config dir: %w", err)
		}
		for _, e := range entries {
			if n := e.Name(); strings.HasSuffix(n, ".toml") && !slices.Contains(FileNames(), n) {
				warns = append(warns, fmt.Sprintf("忽略未知配置文件 %s / ignoring unknown config file %s", n, n))
			}
		}
	}
	srcs := make([]*source, 0, len(FileNames()))
	for _, name := range FileNames() {
		s, err := readSource(dir, name)
		if err != nil {
			return nil, nil, err
		}
		srcs = append(srcs, s)
	}
	return srcs, warns, nil
}

func readSource(dir, name string) (*source, error) {
	if dir != "" {
		p := filepath.Join(dir, name)
		data, err := os.ReadFile(p)
		if err == nil {
			return &source{name: name, path: p, data: data}, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("conf: %w", err)
		}
	}
	data, err := DefaultFile(name)
	if err != nil {
		return nil, fmt.Errorf("conf: embedded default %s: %w", name, err)
	}
	return &source{name: name, path: "embedded:" + name, data: data}, nil
}

// LoadFiles builds a snapshot from file contents by name (missing names
// take the embedded default). Paths in errors are the names. For tests and
// fuzzing: it touches no disk.
func LoadFiles(files map[string][]byte, now time.Time) (*Snapshot, error) {
	srcs := make([]*source, 0, len(FileNames()))
	for _, name := range FileNames() {
		if data, ok := files[name]; ok {
			srcs = append(srcs, &source{name: name, path: name, data: data})
			continue
		}
		s, err := readSource("", name)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, s)
	}
	return build(srcs, now)
}

// version hashes the file set's names and bytes into a short hex string.
func version(srcs []*source) string {
	h := sha256.New()
	for _, s := range srcs {
		h.Write([]byte(s.name))
		h.Write([]byte{0})
		h.Write(s.data)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil))[:12]
}

// decodeStrict decodes one file into v: TOML errors, unknown keys, a
// missing or unsupported version and missing required keys are errors.
func decodeStrict(s *source, v any, required [][]string) (toml.MetaData, Errors) {
	md, err := toml.Decode(string(s.data), v)
	if err != nil {
		return md, Errors{s.decodeErr(err)}
	}
	var errs Errors
	for _, k := range md.Undecoded() {
		path := make([]any, len(k))
		for i, p := range k {
			path[i] = p
		}
		errs = append(errs, s.errAt(path, "未知的键 %q / unknown key %q", k.String(), k.String()))
	}
	for _, k := range md.Keys() {
		// The decoder matches keys case-insensitively; the files are not.
		if last := k[len(k)-1]; last != strings.ToLower(last) {
			errs = append(errs, s.errAt(anyPath(k), "键名应为小写 %q / keys are lower-case: %q", k.String(), k.String()))
		}
	}
	switch {
	case !md.IsDefined("version"):
		errs = append(errs, &Error{File: s.path, Line: 1, Col: 1, Msg: "缺少 version = 1 / version = 1 is missing"})
	case md.Type("version") != "Integer" || versionOf(v) != SchemaVersion:
		errs = append(errs, s.errAt([]any{"version"}, "不支持的版本，应为 %d / unsupported version, want %d", SchemaVersion, SchemaVersion))
	}
	for _, k := range required {
		if !md.IsDefined(k...) {
			errs = append(errs, s.errAt(anyPath(k[:len(k)-1]), "缺少必填项 %s / required key %s is missing", strings.Join(k, "."), strings.Join(k, ".")))
		}
	}
	return md, errs
}

func anyPath(k []string) []any {
	out := make([]any, len(k))
	for i, p := range k {
		out[i] = p
	}
	return out
}

func versionOf(v any) int {
	switch x := v.(type) {
	case *Store:
		return x.Version
	case *policyFile:
		return x.Version
	case *Fees:
		return x.Version
	case *SLA:
		return x.Version
	case *calendarFile:
		return x.Version
	case *staffFile:
		return x.Version
	case *Devices:
		return x.Version
	case *Till:
		return x.Version
	}
	return 0
}

// build decodes and validates every file and assembles the snapshot.
func build(srcs []*source, now time.Time) (*Snapshot, error) {
	by := map[string]*source{}
	for _, s := range srcs {
		by[s.name] = s
	}
	var errs Errors
	snap := &Snapshot{Version: version(srcs), LoadedAt: now}
	for _, s := range srcs {
		snap.Files = append(snap.Files, FileSource{Name: s.name, Path: s.path})
		snap.settings = append(snap.settings, settingsOf(s)...)
	}
	store, es := buildStore(by[FileStore])
	errs = append(errs, es...)
	tables, es := buildPolicy(by[FilePolicy])
	errs = append(errs, es...)
	fees, es := buildFees(by[FileFees], tables)
	errs = append(errs, es...)
	sla, es := buildSLA(by[FileSLA])
	errs = append(errs, es...)
	cal, es := buildCalendar(by[FileCalendar], store.Location)
	errs = append(errs, es...)
	staff, es := buildStaff(by[FileStaff])
	errs = append(errs, es...)
	devices, es := buildDevices(by[FileDevices])
	errs = append(errs, es...)
	till, es := buildTill(by[FileTill], func(id string) bool {
		if tables == nil || len(tables.Categories) == 0 {
			return true // a broken policy.toml reports itself
		}
		_, ok := tables.Categories[id]
		return ok
	})
	errs = append(errs, es...)
	if len(errs) > 0 {
		return nil, errs
	}
	tables.Version = snap.Version
	tables.ShippingFeeFen = fees.Shipping.Parcel.Fen()
	if err := tables.Validate(); err != nil {
		return nil, Errors{{File: by[FilePolicy].path, Line: 1, Col: 1, Msg: err.Error()}}
	}
	snap.Store, snap.Policy, snap.Fees, snap.SLA, snap.Calendar, snap.Staff, snap.Devices = store, tables, fees, sla, cal, staff, devices
	snap.Till = till
	for _, y := range cal.MissingYears(now) {
		snap.Warnings = append(snap.Warnings, fmt.Sprintf("日历缺少 %d 年的节假日安排 / calendar.toml has no entries for %d", y, y))
	}
	return snap, nil
}
