package appliance

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes shared by every layer. The ui package maps each to a
// websocket error frame in one table.
const (
	EINVALID      = "invalid"      // bad input; Field names the culprit
	ENOTFOUND     = "not_found"    // the record does not exist
	ECONFLICT     = "conflict"     // the record exists, or changed under us
	EUNAUTHORIZED = "unauthorized" // the operator may not do this
	EUNAVAILABLE  = "unavailable"  // a device or the store cannot serve now
	EINTERNAL     = "internal"     // a bug or an I/O failure; details are logged, not shown
)

// Error is the domain error. Message is for people (Chinese first, English
// after a slash); Field names the input at fault when there is one.
type Error struct {
	// Code is one of the E* constants.
	Code string
	// Message is safe to show to the desk's users.
	Message string
	// Field is the input field at fault, if any.
	Field string
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error that names the field at fault.
func FieldError(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err when it is or wraps an *Error, and
// EINTERNAL for any other non-nil error. It returns "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the people-facing message of err when it is or wraps
// an *Error, and a generic message otherwise, so internals never leak.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return "内部错误 / internal error"
}

// Known is one value a reference may take, with the name people know it by.
type Known struct {
	// ID is the value to type, e.g. the staff id "tech".
	ID string
	// Name is shown beside it, e.g. "李强"; "" for none.
	Name string
}

// UnknownError is the EINVALID error of a reference a person typed that
// the store does not know (a technician, a category, a printer): it names
// the field and offers the known values, e.g. `未知的维修员 "=1+1"，可选：
// tech（李强） / unknown technician "=1+1"; known: tech (李强)`. what is the
// kind of reference, Chinese then English.
func UnknownError(field, whatZH, whatEN, value string, known []Known) *Error {
	zh, en := make([]string, 0, len(known)), make([]string, 0, len(known))
	for _, k := range known {
		if k.Name == "" || k.Name == k.ID {
			zh, en = append(zh, k.ID), append(en, k.ID)
			continue
		}
		zh, en = append(zh, k.ID+"（"+k.Name+"）"), append(en, k.ID+" ("+k.Name+")")
	}
	if len(known) == 0 {
		return FieldError(field, "未知的%s %q，尚未配置任何%s / unknown %s %q: none is configured", whatZH, value, whatZH, whatEN, value)
	}
	return FieldError(field, "未知的%s %q，可选：%s / unknown %s %q; known: %s",
		whatZH, value, strings.Join(zh, "、"), whatEN, value, strings.Join(en, ", "))
}
