package conf

import (
	"fmt"
	"net"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // the box may have no zoneinfo; Asia/Shanghai must load

	"golang.org/x/crypto/bcrypt"

	"shouhou/appliance/calendar"
	"shouhou/appliance/chain"
)

var (
	idRE  = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,31}$`)
	uidRE = regexp.MustCompile(`^([0-9A-Fa-f]{2}){4,10}$`)
)

func buildStore(s *source) (Store, Errors) {
	st := Store{Location: time.UTC}
	_, errs := decodeStrict(s, &st, [][]string{{"name"}, {"time_zone"}, {"hours", "open"}, {"hours", "close"}})
	if len(errs) > 0 {
		return st, errs
	}
	errs = append(errs, checkName(s, []any{"name"}, st.Name)...)
	loc, err := time.LoadLocation(st.TimeZone)
	if err != nil || st.TimeZone == "" {
		errs = append(errs, s.errAt([]any{"time_zone"}, "未知时区 %q / unknown time zone %q", st.TimeZone, st.TimeZone))
	} else {
		st.Location = loc
	}
	if st.Hours.Close <= st.Hours.Open {
		errs = append(errs, s.errAt([]any{"hours", "close"}, "关门时间应晚于开门时间 / close must be after open"))
	}
	errs = append(errs, checkChain(s, st.Chain)...)
	switch k := st.Chain.OutboxKeepDays; {
	case k == 0:
		st.Chain.OutboxKeepDays = DefaultOutboxKeepDays
	case k < 0:
		errs = append(errs, s.errAt([]any{"chain", "outbox_keep_days"}, "发件箱保留天数至少为 1 / outbox_keep_days is at least 1, got %d", k))
	}
	switch r := st.IdempotencyRetention.D(); {
	case r == 0:
		st.IdempotencyRetention = Duration(DefaultIdempotencyRetention)
	case r < time.Hour:
		errs = append(errs, s.errAt([]any{"idempotency_retention"}, "幂等键至少保留 1 小时 / idempotency keys are kept at least 1h, got %s", r))
	}
	switch b := st.MemoryBudgetMiB; {
	case b == 0:
		st.MemoryBudgetMiB = DefaultMemoryBudgetMiB
	case b < MinMemoryBudgetMiB:
		errs = append(errs, s.errAt([]any{"memory_budget_mib"}, "内存预算至少 %d MiB / the memory budget is at least %d MiB, got %d", MinMemoryBudgetMiB, MinMemoryBudgetMiB, b))
	}
	return st, errs
}

// checkChain checks the [chain] section: nothing but a branch turns it
// on, and a branch needs a well-formed id and a NATS URL.
func checkChain(s *source, c Chain) Errors {
	at := func(key string) []any { return []any{"chain", key} }
	if !c.On() {
		if c.URL != "" || c.User != "" || c.PasswordFile != "" || c.CrossBranchCharge {
			return Errors{s.errAt(at("branch"), "连锁设置缺少分店编号 / [chain] has settings but no branch")}
		}
		return nil
	}
	var errs Errors
	if !chain.ValidBranch(c.Branch) {
		errs = append(errs, s.errAt(at("branch"), "分店编号 %q 只能含字母、数字、_ 和 -，最多 32 个 / branch %q may hold letters, digits, _ and - only, up to 32", c.Branch, c.Branch))
	}
	if c.URL == "" {
		errs = append(errs, s.errAt(at("url"), "缺少总部 NATS 地址 / the head office NATS url is missing"))
	}
	for _, u := range strings.Split(c.URL, ",") {
		if c.URL != "" && !strings.HasPrefix(u, "nats://") && !strings.HasPrefix(u, "tls://") {
			errs = append(errs, s.errAt(at("url"), "NATS 地址应以 nats:// 或 tls:// 开头 / url %q must start with nats:// or tls://", u))
		}
	}
	if c.User != "" && c.PasswordFile == "" {
		errs = append(errs, s.errAt(at("password_file"), "有用户名时需要密码文件 / a user needs a password_file"))
	}
	return errs
}

// DefaultMemoryBudgetMiB is the memory budget when store.toml names none:
// the Go memory limit serve has run with since issue 14 (the systemd
// unit's MemoryMax, 640M, leaves room above it for Badger's mapped
// tables and the page cache).
const DefaultMemoryBudgetMiB = 192

// MinMemoryBudgetMiB is the smallest memory budget store.toml may give:
// below it Badger's memtables and caches (about 64 MiB with the
// appliance options) leave the rest of the appliance nothing.
const MinMemoryBudgetMiB = 96

// DefaultIdempotencyRetention is how long idempotency keys are kept when
// store.toml does not say: 30 days, far beyond any retry or failover.
const DefaultIdempotencyRetention = 30 * 24 * time.Hour

func buildSLA(s *source) (SLA, Errors) {
	var v SLA
	req := [][]string{{"first_response"}, {"complaint_reply_working_days"}, {"quality_case_working_days"}, {"return_processing_working_days"},
		{"repair_completion_days"}, {"pickup_notice_interval_days"}, {"pickup_notice_count"}, {"out_of_stock_callback_days"},
		{"contract_expiry_notice"}, {"dispatch_working_hours_town"}, {"dispatch_working_hours_suburb"}, {"onsite_solve"},
		{"targets", "on_time"}, {"targets", "satisfaction"}}
	_, errs := decodeStrict(s, &v, req)
	if len(errs) > 0 {
		return v, errs
	}
	for _, c := range []struct {
		key string
		n   int
	}{
		{"complaint_reply_working_days", v.ComplaintReplyWorkingDays}, {"quality_case_working_days", v.QualityCaseWorkingDays},
		{"return_processing_working_days", v.ReturnProcessingWorkingDays}, {"repair_completion_days", v.RepairCompletionDays},
		{"pickup_notice_interval_days", v.PickupNoticeIntervalDays}, {"pickup_notice_count", v.PickupNoticeCount},
		{"out_of_stock_callback_days", v.OutOfStockCallbackDays}, {"dispatch_working_hours_town", v.DispatchWorkingHoursTown},
		{"dispatch_working_hours_suburb", v.DispatchWorkingHoursSuburb},
	} {
		errs = append(errs, positive(s, []any{c.key}, c.n, 365)...)
	}
	if v.ContractExpiryNotice.Policy().None() {
		errs = append(errs, s.errAt([]any{"contract_expiry_notice"}, "不能为 none / must not be none"))
	}
	return v, errs
}

func buildCalendar(s *source, loc *time.Location) (*calendar.Calendar, Errors) {
	var f calendarFile
	_, errs := decodeStrict(s, &f, [][]string{{"hours", "start"}, {"hours", "end"}, {"years"}})
	if len(errs) > 0 {
		return nil, errs
	}
	if f.Hours.End <= f.Hours.Start {
		errs = append(errs, s.errAt([]any{"hours", "end"}, "下班时间应晚于上班时间 / end must be after start"))
	}
	var years []calendar.Year
	seen := map[int]bool{}
	for i, y := range f.Years {
		if y.Year < 2000 || y.Year > 2100 || seen[y.Year] {
			errs = append(errs, s.errAt([]any{"years", i, "year"}, "年份无效或重复：%d / year invalid or repeated: %d", y.Year, y.Year))
			continue
		}
		seen[y.Year] = true
		cy := calendar.Year{Year: y.Year}
		var es Errors
		cy.Holidays, es = expandDates(s, []any{"years", i, "holidays"}, y.Year, y.Holidays)
		errs = append(errs, es...)
		cy.Workdays, es = expandDates(s, []any{"years", i, "workdays"}, y.Year, y.Workdays)
		errs = append(errs, es...)
		errs = append(errs, checkWorkdays(s, []any{"years", i, "workdays"}, cy)...)
		years = append(years, cy)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	c, err := calendar.New(loc, calendar.Hours{Start: f.Hours.Start.D(), End: f.Hours.End.D()}, years)
	if err != nil {
		return nil, Errors{s.errAt([]any{"years"}, "%s", strings.TrimPrefix(err.Error(), "calendar: "))}
	}
	return c, nil
}

// checkWorkdays: a make-up workday is a Saturday or Sunday and not a holiday.
func checkWorkdays(s *source, path []any, y calendar.Year) Errors {
	var errs Errors
	for _, d := range y.Workdays {
		if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
			errs = append(errs, s.errAt(path, "调休日 %v 是工作日（%v），应为周六或周日 / make-up workday %v is a %v, not a Saturday or Sunday", d, wd, d, wd))
		}
		if slices.Contains(y.Holidays, d) {
			errs = append(errs, s.errAt(path, "%v 既是假日又是调休日 / %v is both a holiday and a make-up workday", d, d))
		}
	}
	return errs
}

// expandDates reads "YYYY-MM-DD" and "YYYY-MM-DD..YYYY-MM-DD" entries.
func expandDates(s *source, path []any, year int, entries []string) ([]calendar.Date, Errors) {
	var out []calendar.Date
	for _, e := range entries {
		from, to, isRange := strings.Cut(e, "..")
		a, err1 := calendar.ParseDate(from)
		b := a
		var err2 error
		if isRange {
			b, err2 = calendar.ParseDate(to)
		}
		if err1 != nil || err2 != nil || b.Before(a) || a.Year != year || b.Year != year {
			return nil, Errors{s.errAt(path, "日期 %q 应为 %d 年内的 YYYY-MM-DD 或 YYYY-MM-DD..YYYY-MM-DD / date %q must be YYYY-MM-DD or a range YYYY-MM-DD..YYYY-MM-DD within %d", e, year, e, year)}
		}
		for d := a; !d.After(b); d = d.AddDays(1) {
			out = append(out, d)
		}
	}
	return out, nil
}

func buildStaff(s *source) ([]StaffMember, Errors) {
	var f staffFile
	_, errs := decodeStrict(s, &f, [][]string{{"staff"}})
	if len(errs) > 0 {
		return nil, errs
	}
	seen, uids := map[string]bool{}, map[string]bool{}
	for i := range f.Staff {
		m := &f.Staff[i]
		errs = append(errs, checkID(s, seen, []any{"staff", i, "id"}, m.ID)...)
		errs = append(errs, checkName(s, []any{"staff", i, "name"}, m.Name)...)
		switch m.Role {
		case RoleClerk, RoleTechnician, RoleSupervisor, RoleAdmin:
		default:
			errs = append(errs, s.errAt([]any{"staff", i, "role"}, "角色应为 clerk、technician、supervisor 或 admin / role must be clerk, technician, supervisor or admin, got %q", m.Role))
		}
		if _, err := bcrypt.Cost([]byte(m.PINHash)); err != nil {
			errs = append(errs, s.errAt([]any{"staff", i, "pin_hash"}, "pin_hash 不是 bcrypt 哈希（用 shouhou hash-pin 生成） / pin_hash is not a bcrypt hash (make one with shouhou hash-pin)"))
		}
		if m.CardUID != "" {
			m.CardUID = strings.ToUpper(m.CardUID)
			if !uidRE.MatchString(m.CardUID) || uids[m.CardUID] {
				errs = append(errs, s.errAt([]any{"staff", i, "card_uid"}, "卡号应为 8–20 位十六进制且不重复 / card_uid must be 8–20 hex digits and unique: %q", m.CardUID))
			}
			uids[m.CardUID] = true
		}
	}
	if len(f.Staff) == 0 {
		errs = append(errs, s.errAt([]any{"staff"}, "至少需要一名员工 / at least one staff member is needed"))
	}
	return f.Staff, errs
}

func buildDevices(s *source) (Devices, Errors) {
	var d Devices
	_, errs := decodeStrict(s, &d, [][]string{{"desks"}, {"printers"}})
	if len(errs) > 0 {
		return d, errs
	}
	printers := map[string]bool{}
	for i, p := range d.Printers {
		errs = append(errs, checkID(s, printers, []any{"printers", i, "id"}, p.ID)...)
		errs = append(errs, checkName(s, []any{"printers", i, "name"}, p.Name)...)
		if p.Width != 58 && p.Width != 80 {
			errs = append(errs, s.errAt([]any{"printers", i, "width"}, "纸宽应为 58 或 80 / width must be 58 or 80, got %d", p.Width))
		}
		if _, _, err := ParseDevice(p.Device); err != nil {
			errs = append(errs, s.errAt([]any{"printers", i, "device"}, "%v", err))
		}
	}
	desks, readers := map[string]bool{}, map[string]int{}
	for i, k := range d.Desks {
		errs = append(errs, checkID(s, desks, []any{"desks", i, "id"}, k.ID)...)
		errs = append(errs, checkName(s, []any{"desks", i, "name"}, k.Name)...)
		if !printers[k.Printer] {
			errs = append(errs, s.errAt([]any{"desks", i, "printer"}, "没有 id 为 %q 的打印机 / no printer with id %q", k.Printer, k.Printer))
		}
		if j, dup := readers[k.Reader]; dup && k.Reader != "" {
			errs = append(errs, s.errAt([]any{"desks", i, "reader"}, "读卡器已属于服务台 %s / reader already belongs to desk %s", d.Desks[j].ID, d.Desks[j].ID))
		}
		readers[k.Reader] = i
	}
	errs = append(errs, checkHTTPS(s, d.HTTPS)...)
	if len(d.Desks) == 0 || len(d.Printers) == 0 {
		errs = append(errs, s.errAt(nil, "至少需要一个服务台和一台打印机 / at least one desk and one printer are needed"))
	}
	return d, errs
}

// checkHTTPS refuses a name that is not a host name and an address that
// is not an IP address.
func checkHTTPS(s *source, h HTTPS) Errors {
	var errs Errors
	for i, n := range h.Names {
		if !hostName.MatchString(n) {
			errs = append(errs, s.errAt([]any{"https", "names", i}, "不是有效的主机名 / %q is not a host name", n))
		}
	}
	for i, a := range h.Addresses {
		if net.ParseIP(a) == nil {
			errs = append(errs, s.errAt([]any{"https", "addresses", i}, "不是有效的 IP 地址 / %q is not an IP address", a))
		}
	}
	return errs
}

// hostName is a DNS name: dot-separated labels of letters, digits and hyphens.
var hostName = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$`)

// ParseDevice splits a printer device into its kind (DeviceUSB, DeviceTCP,
// DeviceDir) and target (path, host:port, directory).
func ParseDevice(dev string) (kind, target string, err error) {
	switch {
	case strings.HasPrefix(dev, "tcp://"):
		hp := strings.TrimPrefix(dev, "tcp://")
		host, port, err := net.SplitHostPort(hp)
		if n, perr := strconv.Atoi(port); err != nil || perr != nil || host == "" || n < 1 || n > 65535 {
			return "", "", fmt.Errorf("网络打印机应写成 tcp://主机:端口 / a network printer must be tcp://host:port, got %q", dev)
		}
		return DeviceTCP, hp, nil
	case strings.HasPrefix(dev, "dir:"):
		if p := strings.TrimPrefix(dev, "dir:"); p != "" {
			return DeviceDir, p, nil
		}
	case strings.HasPrefix(dev, "/") && len(dev) > 1:
		return DeviceUSB, dev, nil
	}
	return "", "", fmt.Errorf("打印设备应为 /dev/… 路径、tcp://主机:端口 或 dir:目录 / device must be a /dev/… path, tcp://host:port or dir:PATH, got %q", dev)
}
