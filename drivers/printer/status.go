package printer

import (
	"errors"
	"fmt"
	"strings"

	"shouhou/appliance"
)

// Errors for printer states and transport failures. Each error this
// package returns for them wraps one of these, so callers test with
// errors.Is; DomainError turns them into appliance errors for the desk.
var (
	// ErrPaperOut: the roll is empty (DLE EOT 2 bit 5, DLE EOT 4 0x60, or
	// usblp ENOSPC).
	ErrPaperOut = errors.New("printer: paper out")
	// ErrCoverOpen: the cover is open (DLE EOT 2 bit 2).
	ErrCoverOpen = errors.New("printer: cover open")
	// ErrOffline: the printer says it is offline for another reason, or
	// does not answer.
	ErrOffline = errors.New("printer: offline")
	// ErrFault: the printer reports an error (DLE EOT 2 bit 6), e.g. a
	// cutter jam or overheating.
	ErrFault = errors.New("printer: printer error")
	// ErrAbsent: the device is not there (no such device node, unplugged,
	// connection refused).
	ErrAbsent = errors.New("printer: device absent")
	// ErrBusy: another program holds the device (usblp EBUSY, e.g. CUPS).
	ErrBusy = errors.New("printer: device busy")
	// ErrPermission: the process may not open the device.
	ErrPermission = errors.New("printer: permission denied")
	// ErrTimeout: the device took no bytes, or gave no answer, in time.
	ErrTimeout = errors.New("printer: timeout")
	// ErrNoStatus: the transport cannot read the printer's status back
	// (a unidirectional USB interface, a file, a directory).
	ErrNoStatus = errors.New("printer: no status from this device")
	// ErrBadStatus: a status reply was not a DLE EOT answer.
	ErrBadStatus = errors.New("printer: bad status reply")
)

// EventStatus is the event kind under which the print queue publishes a
// printer's PrinterState to the UI.
const EventStatus = "printer.status"

// Status is a printer's real-time state, from the replies to DLE EOT 1
// (printer), 2 (offline cause) and 4 (roll paper sensor).
type Status struct {
	// Online is false when the printer is offline for any reason.
	Online bool `json:"online"`
	// CoverOpen is true while the cover is open.
	CoverOpen bool `json:"cover_open,omitempty"`
	// PaperOut is true when the roll is empty.
	PaperOut bool `json:"paper_out,omitempty"`
	// PaperNearEnd is true when the roll is nearly empty; the printer
	// still prints.
	PaperNearEnd bool `json:"paper_near_end,omitempty"`
	// Error is true when the printer reports an error.
	Error bool `json:"error,omitempty"`
	// Detail says the state in words for the desk, Chinese first.
	Detail string `json:"detail"`
}

// Status replies have bit 1 and bit 4 on, bits 0 and 7 off.
const (
	statusMask  = 0x93
	statusFixed = 0x12
)

// ValidStatusByte reports whether b can be a DLE EOT reply.
func ValidStatusByte(b byte) bool { return b&statusMask == statusFixed }

// ParseStatus reads the replies to DLE EOT 1, 2 and 4.
func ParseStatus(printer, offline, paper byte) (Status, error) {
	for _, b := range []byte{printer, offline, paper} {
		if !ValidStatusByte(b) {
			return Status{}, fmt.Errorf("%w: %#02x (want (b & 0x93) == 0x12)", ErrBadStatus, b)
		}
	}
	s := Status{
		Online:       printer&0x08 == 0,
		CoverOpen:    offline&0x04 != 0,
		PaperOut:     offline&0x20 != 0 || paper&0x60 == 0x60,
		PaperNearEnd: paper&0x0c == 0x0c,
		Error:        offline&0x40 != 0,
	}
	s.Detail = s.describe()
	return s, nil
}

func (s Status) describe() string {
	var zh, en []string
	add := func(c bool, z, e string) {
		if c {
			zh, en = append(zh, z), append(en, e)
		}
	}
	add(!s.Online, "脱机", "offline")
	add(s.CoverOpen, "机盖打开", "cover open")
	add(s.PaperOut, "缺纸", "paper out")
	add(s.Error, "打印机故障", "printer error")
	add(s.PaperNearEnd, "纸将尽", "paper near end")
	if len(zh) == 0 {
		return "就绪 / ready"
	}
	return strings.Join(zh, "，") + " / " + strings.Join(en, ", ")
}

// Err returns nil when the printer can print, else the error for its
// state: ErrPaperOut, ErrCoverOpen, ErrFault or ErrOffline, in that order.
// A roll near its end is not an error.
func (s Status) Err() error {
	switch {
	case s.PaperOut:
		return ErrPaperOut
	case s.CoverOpen:
		return ErrCoverOpen
	case s.Error:
		return ErrFault
	case !s.Online:
		return ErrOffline
	}
	return nil
}

// domainMessages are the desk's words for each printer error.
var domainMessages = []struct {
	err error
	msg string
}{
	{ErrPaperOut, "打印机缺纸 / printer is out of paper"},
	{ErrCoverOpen, "打印机机盖打开 / printer cover is open"},
	{ErrFault, "打印机故障 / printer reports an error"},
	{ErrBusy, "打印机被其他程序占用 / printer is in use by another program"},
	{ErrPermission, "无权访问打印机 / no permission to use the printer"},
	{ErrAbsent, "未连接打印机 / printer is not connected"},
	{ErrTimeout, "打印机无响应 / printer does not respond"},
	{ErrOffline, "打印机脱机 / printer is offline"},
	{ErrBadStatus, "打印机状态异常 / printer sent an unexpected status"},
}

// DomainError turns an error of this package into an *appliance.Error for
// the desk: EINVALID for a document that cannot be encoded, EUNAVAILABLE
// with a message naming the printer state for the rest. It returns nil for
// nil and err unchanged when it already is an *appliance.Error.
func DomainError(err error) error {
	if err == nil {
		return nil
	}
	var ae *appliance.Error
	if errors.As(err, &ae) {
		return err
	}
	if errors.Is(err, ErrUnencodable) {
		return &appliance.Error{Code: appliance.EINVALID, Message: "单据无法打印 / the slip cannot be printed: " + err.Error()}
	}
	for _, m := range domainMessages {
		if errors.Is(err, m.err) {
			return &appliance.Error{Code: appliance.EUNAVAILABLE, Message: m.msg}
		}
	}
	return &appliance.Error{Code: appliance.EUNAVAILABLE, Message: "打印机不可用 / printer unavailable"}
}
