package appliance

import (
	"errors"
	"fmt"
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
