package ui

import (
	"encoding/json"
	"errors"

	"shouhou/appliance"
)

// Request is a frame from a screen: {"id","op","args"}.
type Request struct {
	// ID is the client's request id, echoed in the reply.
	ID string `json:"id"`
	// Op names the operation (a row of the op table).
	Op string `json:"op"`
	// Args are the operation's arguments.
	Args json.RawMessage `json:"args,omitempty"`
}

// Reply answers one Request.
type Reply struct {
	// ID is the request's id.
	ID string `json:"id"`
	// OK says whether the operation succeeded.
	OK bool `json:"ok"`
	// Result is the operation's result when OK.
	Result any `json:"result,omitempty"`
	// Error says why the operation failed when not OK.
	Error *WireError `json:"error,omitempty"`
}

// EventFrame is a pushed event: {"event","data"}.
type EventFrame struct {
	// Event is the event kind, e.g. "ticket.updated".
	Event string `json:"event"`
	// Data is the event's payload.
	Data any `json:"data,omitempty"`
}

// WireError is the error of a failed reply.
type WireError struct {
	// Code is one of the wire codes of errorTable.
	Code string `json:"code"`
	// Message is for people, Chinese first, then English.
	Message string `json:"message"`
	// Field names the argument at fault, if any.
	Field string `json:"field,omitempty"`
}

// Wire error codes that only the protocol produces (the domain's codes
// pass through errorTable).
const (
	CodeBadRequest  = "bad_request"  // the frame is not a request
	CodeUnknownOp   = "unknown_op"   // no such operation
	CodeForbidden   = "forbidden"    // logged in, but the role may not
	CodeRateLimited = "rate_limited" // too many requests or PIN attempts
)

// errorTable maps each domain error code to its wire code and the message
// shown when the error carries none. Internal details never reach a screen.
var errorTable = map[string]struct{ wire, fallback string }{
	appliance.EINVALID:      {"invalid", "输入有误 / invalid input"},
	appliance.ENOTFOUND:     {"not_found", "未找到 / not found"},
	appliance.ECONFLICT:     {"conflict", "状态已变化 / the record changed or exists"},
	appliance.EUNAUTHORIZED: {"unauthorized", "无权操作 / not allowed"},
	appliance.EUNAVAILABLE:  {"unavailable", "暂不可用 / not available now"},
	appliance.EINTERNAL:     {"internal", "内部错误 / internal error"},
}

// wireError turns any error into the frame's error: an *appliance.Error
// keeps its message and field; anything else is internal.
func wireError(err error) *WireError {
	var we *WireError
	if errors.As(err, &we) {
		return we
	}
	code := appliance.ErrorCode(err)
	row, ok := errorTable[code]
	if !ok {
		row = errorTable[appliance.EINTERNAL]
	}
	out := &WireError{Code: row.wire, Message: row.fallback}
	var ae *appliance.Error
	if errors.As(err, &ae) {
		if ae.Message != "" {
			out.Message = ae.Message
		}
		out.Field = ae.Field
	}
	return out
}

// Error lets a *WireError travel as an error.
func (e *WireError) Error() string { return e.Code + ": " + e.Message }

func errBadRequest(msg string) *WireError { return &WireError{Code: CodeBadRequest, Message: msg} }
