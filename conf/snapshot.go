package conf

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"shouhou/appliance/calendar"
	"shouhou/appliance/policy"
)

// Snapshot is one loaded, validated config. It is immutable: nothing may
// change it after Load returns, so readers share it without locks. A
// reload builds a new Snapshot.
type Snapshot struct {
	// Version is a short hex hash of every file's name and content: equal
	// versions mean equal config.
	Version string
	// LoadedAt is when the snapshot was built.
	LoadedAt time.Time
	// Dir is the config directory ("" = embedded defaults only).
	Dir string
	// Files says where each file came from, in load order.
	Files []FileSource
	// Store is store.toml.
	Store Store
	// Policy is policy.toml (and the shipping fee of fees.toml) as the
	// decision engine's tables; Policy.Version == Version.
	Policy *policy.Tables
	// Fees is fees.toml.
	Fees Fees
	// SLA is sla.toml.
	SLA SLA
	// Calendar is calendar.toml, in the store's time zone.
	Calendar *calendar.Calendar
	// Staff is staff.toml.
	Staff []StaffMember
	// Devices is devices.toml.
	Devices Devices
	// Till is till.toml.
	Till Till
	// Warnings are problems that do not stop the load, such as a coming
	// year missing from the calendar (shown on screen and logged).
	Warnings []string
	// settings are every file's values (Settings), for what changed.
	settings []Setting
}

// FileSource says where one config file came from.
type FileSource struct {
	// Name is the file's name, e.g. "policy.toml".
	Name string `json:"name"`
	// Path is its path on disk, or "embedded:NAME" for the default.
	Path string `json:"path"`
}

// Embedded reports whether the file is the embedded default.
func (f FileSource) Embedded() bool { return strings.HasPrefix(f.Path, "embedded:") }

// StaffByID returns the staff member with the given ID.
func (s *Snapshot) StaffByID(id string) (StaffMember, bool) {
	for _, m := range s.Staff {
		if m.ID == id {
			return m, true
		}
	}
	return StaffMember{}, false
}

// StaffByCardUID returns the staff member whose card has the UID (any case).
func (s *Snapshot) StaffByCardUID(uid string) (StaffMember, bool) {
	uid = strings.ToUpper(uid)
	for _, m := range s.Staff {
		if m.CardUID != "" && m.CardUID == uid {
			return m, true
		}
	}
	return StaffMember{}, false
}

// CheckPIN reports whether pin matches the member's PIN hash.
func (m StaffMember) CheckPIN(pin string) bool {
	return bcrypt.CompareHashAndPassword([]byte(m.PINHash), []byte(pin)) == nil
}

// Desk returns the desk with the given ID.
func (s *Snapshot) Desk(id string) (Desk, bool) {
	for _, d := range s.Devices.Desks {
		if d.ID == id {
			return d, true
		}
	}
	return Desk{}, false
}

// DeskByReader returns the desk a PC/SC reader belongs to.
func (s *Snapshot) DeskByReader(reader string) (Desk, bool) {
	for _, d := range s.Devices.Desks {
		if d.Reader != "" && d.Reader == reader {
			return d, true
		}
	}
	return Desk{}, false
}

// Printer returns the printer with the given ID.
func (s *Snapshot) Printer(id string) (Printer, bool) {
	for _, p := range s.Devices.Printers {
		if p.ID == id {
			return p, true
		}
	}
	return Printer{}, false
}

// Summary is a one-screen account of the snapshot for check-config.
func (s *Snapshot) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "配置版本 / config version %s\n", s.Version)
	for _, f := range s.Files {
		fmt.Fprintf(&b, "  %-14s %s\n", f.Name, f.Path)
	}
	fmt.Fprintf(&b, "门店 / store: %s %s, %s, %s\n", s.Store.Name, s.Store.Branch, s.Store.Phone, s.Store.TimeZone)
	ids := make([]string, 0, len(s.Policy.Categories))
	for id := range s.Policy.Categories {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	fmt.Fprintf(&b, "类别 / categories (no-reason, quality return, exchange, free repair):\n")
	for _, id := range ids {
		c := s.Policy.Categories[id]
		fmt.Fprintf(&b, "  %-12s %-5s %-5s %-5s %-5s %s\n", id, c.NoReasonReturn, c.QualityReturn, c.QualityExchange, c.FreeRepair, c.Name)
	}
	p := s.Policy
	fmt.Fprintf(&b, "restocking %s, repair cap %s, refund approval > %s, reversal approval > %s within %v\n",
		p.RestockingFee, p.RepairCap, policy.Yuan(p.RefundApprovalAboveFen), policy.Yuan(p.ReversalApprovalAboveFen), p.ReversalWindow)
	fmt.Fprintf(&b, "money limits: %s; complaint reasons %d\n", limitsSummary(p), len(p.ComplaintReasons))
	fmt.Fprintf(&b, "fees: %d labour, %d parts, %d zones, parcel %s\n", len(s.Fees.Labour), len(s.Fees.Parts), len(s.Fees.Zones), s.Fees.Shipping.Parcel)
	fmt.Fprintf(&b, "calendar years %v, hours %v–%v\n", s.Calendar.Years(), Clock(s.Calendar.Hours().Start), Clock(s.Calendar.Hours().End))
	fmt.Fprintf(&b, "staff %d, desks %d, printers %d\n", len(s.Staff), len(s.Devices.Desks), len(s.Devices.Printers))
	fmt.Fprintf(&b, "till: %s %s, %d tills pushing, watched folder %q\n", s.Till.Purchases.Encoding, s.Till.Purchases.Money, len(s.Till.Tills), s.Till.Watch.Dir)
	for _, w := range s.Warnings {
		fmt.Fprintf(&b, "警告 / warning: %s\n", w)
	}
	return b.String()
}

// Section returns the part of the snapshot that one file gives, as plain
// JSON-ready values (for goldens and the admin screen).
func (s *Snapshot) Section(name string) any {
	switch name {
	case FileStore:
		return s.Store
	case FilePolicy:
		return s.Policy
	case FileFees:
		return s.Fees
	case FileSLA:
		return s.SLA
	case FileCalendar:
		h := s.Calendar.Hours()
		return map[string]any{
			"zone": s.Calendar.Location().String(), "years": s.Calendar.Years(),
			"start": Clock(h.Start), "end": Clock(h.End),
			"holidays": s.Calendar.Dates(calendar.Holiday), "workdays": s.Calendar.Dates(calendar.MakeUpWorkday),
		}
	case FileStaff:
		return s.Staff
	case FileDevices:
		return s.Devices
	case FileTill:
		return s.Till
	}
	return nil
}
