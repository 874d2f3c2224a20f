package ui

import (
	"time"

	"shouhou/appliance"
	"shouhou/appliance/reports"
	"shouhou/forms"
)

// closingForm is the form the daily closing prints on (forms/testdata/catalog.md).
const closingForm = "closing"

// reportBuilder returns the report builder over the store in the time
// zone of the config in force, on the server's clock. reports.Reports
// holds no state: one per request follows a reloaded time zone.
func (s *Server) reportBuilder() *reports.Reports {
	o := ReportOptions(s.config())
	o.Now = s.opts.Now
	return reports.New(s.opts.Store, o)
}

// today is the current day in the store's zone.
func (s *Server) today() time.Time { return s.opts.Now().In(s.config().Store.Location) }

// dayArgs are day.close's arguments.
type dayArgs struct {
	// Day is the day to close, 2006-01-02; "" is today in the store's zone.
	Day string `json:"day"`
}

// dayClosed is day.close's answer.
type dayClosed struct {
	// Closing is the frozen closing.
	Closing *reports.Closing `json:"closing"`
	// AlreadyClosed is set when the day had been closed before this call.
	AlreadyClosed bool `json:"already_closed"`
	printed
	// PrintError says why the slip was not queued ("" when it was, or when
	// no printer is configured for the desk).
	PrintError string `json:"print_error,omitempty"`
}

// opDayClose closes the day (日结): it freezes the day's closing and prints
// the closing slip on the caller's desk printer. Closing a closed day
// returns the frozen figures unchanged and prints the slip again. A day
// that has not begun cannot be closed. The slip prints after the closing
// is stored: a printer problem is reported in the answer, never undoes it.
func opDayClose(c *call, a *dayArgs) (any, error) {
	rep := c.srv.reportBuilder()
	today := c.srv.today()
	day := today
	if a.Day != "" {
		var err error
		if day, err = parseDay(rep, "day", a.Day); err != nil {
			return nil, err
		}
	}
	if key := day.Format(reports.DayFormat); key > today.Format(reports.DayFormat) {
		return nil, appliance.FieldError("day", "不能日结未来的日期 %s / %s has not begun: a day can be closed from its first minute", key, key)
	}
	before, err := rep.Closing(day)
	if err != nil {
		return nil, err
	}
	closing, err := rep.Close(day, c.actor)
	if err != nil {
		return nil, err
	}
	p, perr := c.printAfter(closingForm, forms.Record{Values: closing.FormValues()}, slipOpts{})
	return dayClosed{Closing: closing, AlreadyClosed: before.Frozen, printed: p, PrintError: perr}, nil
}
