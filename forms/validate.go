package forms

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"shouhou/appliance"
)

// Validate checks values (field ID → value in its kind's string form), as
// the screen sends them, against f: every required field present, every
// value of the right kind, within its length, pattern, range and options,
// and no value for a field f does not have. It returns the first fault in
// field order as an appliance.FieldError naming the field, with a message
// for people: "联系电话格式不对 / phone: not a valid phone number".
// Signature fields are paper only and take no value.
func Validate(f *Form, values map[string]string) error {
	if errs := Problems(f, values); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// Problems is Validate reporting every fault, at most one a field, in
// field order and then the unknown fields by name, so that the screen can
// mark them all at once. It returns nil when values are valid.
func Problems(f *Form, values map[string]string) []error {
	var errs []error
	known := make(map[string]bool, len(values))
	for _, fd := range f.Fields() {
		if fd.Kind == FieldSignature {
			continue
		}
		known[fd.ID] = true
		v := strings.TrimSpace(values[fd.ID])
		switch {
		case v == "" && fd.Required:
			errs = append(errs, missing(fd))
		case v == "":
		default:
			if err := checkValue(fd, v); err != nil {
				errs = append(errs, err)
			}
		}
	}
	var unknown []string
	for id := range values {
		if !known[id] {
			unknown = append(unknown, id)
		}
	}
	sort.Strings(unknown)
	for _, id := range unknown {
		errs = append(errs, appliance.FieldError(id, "表单%s没有此项 / form %s has no field %q", f.Title.Zh, f.Name, id))
	}
	return errs
}

// missing is the error for a required field without a value.
func missing(fd Field) error {
	return appliance.FieldError(fd.ID, "请填写%s / %s is required", fd.Label.Zh, fd.Label.En)
}

// checkValue checks a non-empty value against fd's kind and rules.
func checkValue(fd Field, v string) error {
	if err := checkKind(fd, v); err != nil {
		return err
	}
	if fd.MaxLen > 0 && utf8.RuneCountInString(v) > fd.MaxLen {
		return appliance.FieldError(fd.ID, "%s最多%d个字 / %s: at most %d characters", fd.Label.Zh, fd.MaxLen, fd.Label.En, fd.MaxLen)
	}
	if fd.Pattern != "" {
		re, err := regexp.Compile(`^(?:` + fd.Pattern + `)$`)
		if err != nil {
			return fmt.Errorf("forms: field %s: pattern %q: %w", fd.ID, fd.Pattern, err)
		}
		if !re.MatchString(v) {
			return appliance.FieldError(fd.ID, "%s格式不对，应为%s / %s: want %s", fd.Label.Zh, fd.PatternHint.Zh, fd.Label.En, fd.PatternHint.En)
		}
	}
	return nil
}

// checkKind checks v is a value of fd's kind, within its range and options.
func checkKind(fd Field, v string) error {
	bad := func(zh, en string) error {
		return appliance.FieldError(fd.ID, "%s%s / %s: %s", fd.Label.Zh, zh, fd.Label.En, en)
	}
	switch fd.Kind {
	case FieldText, FieldPhone, FieldSelect:
		if strings.ContainsAny(v, "\r\n") {
			return bad("只能写一行", "one line only")
		}
	}
	switch fd.Kind {
	case FieldPhone:
		if !ValidPhone(v) {
			return bad("格式不对", "not a valid phone number")
		}
	case FieldDate:
		if _, err := time.Parse(DateFormat, v); err != nil {
			return bad("日期不对，应为 2026-01-31", "not a date like 2026-01-31")
		}
	case FieldDateTime:
		if _, err := time.Parse(DateTimeFormat, v); err != nil {
			return bad("时间不对，应为 2026-01-31 14:05", "not a time like 2026-01-31 14:05")
		}
	case FieldMoney:
		fen, err := ParseYuan(v)
		if err != nil {
			return bad("金额不对，应为元，最多两位小数", "not an amount in yuan with at most two decimals")
		}
		return checkRange(fd, fen, FormatYuan)
	case FieldNumber:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return bad("应为整数", "not a whole number")
		}
		return checkRange(fd, n, func(n int64) string { return strconv.FormatInt(n, 10) })
	case FieldSelect:
		if _, ok := fd.option(v); !ok {
			return bad("不是可选项", "not one of the options")
		}
	case FieldBool:
		if v != "true" && v != "false" {
			return bad("应为是或否", "want true or false")
		}
	}
	return nil
}

// checkRange checks n against fd.Min and fd.Max, printing bounds with show.
func checkRange(fd Field, n int64, show func(int64) string) error {
	if fd.Min != nil && n < *fd.Min {
		return appliance.FieldError(fd.ID, "%s不能小于%s / %s: at least %s", fd.Label.Zh, show(*fd.Min), fd.Label.En, show(*fd.Min))
	}
	if fd.Max != nil && n > *fd.Max {
		return appliance.FieldError(fd.ID, "%s不能大于%s / %s: at most %s", fd.Label.Zh, show(*fd.Max), fd.Label.En, show(*fd.Max))
	}
	return nil
}

// Phone number shapes, after spaces and '-' are taken out.
var (
	mobileRe   = regexp.MustCompile(`^(?:\+?86)?1[3-9][0-9]{9}$`)
	landlineRe = regexp.MustCompile(`^0[1-9][0-9]{1,2}[1-9][0-9]{6,7}$`)
	serviceRe  = regexp.MustCompile(`^[48]00[0-9]{7}$`)
)

// ValidPhone reports whether s is a mainland mobile number (11 digits,
// 13x to 19x, optionally +86), a landline with its area code (010 6500
// 0000, 0571-8888 8888) or a 400/800 service number; spaces and '-' are
// ignored.
func ValidPhone(s string) bool {
	s = strings.NewReplacer(" ", "", "-", "").Replace(s)
	return mobileRe.MatchString(s) || landlineRe.MatchString(s) || serviceRe.MatchString(s)
}
