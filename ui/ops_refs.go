package ui

import (
	"encoding/json"
	"fmt"

	"shouhou/appliance"
	"shouhou/conf"
)

// choice is one value a screen offers for a reference typed at the desk.
type choice struct {
	// ID is the value to send.
	ID string `json:"id"`
	// Name is shown beside it.
	Name string `json:"name"`
}

// opComplaintReasons are the complaint reasons of policy.toml in force, in
// order: what ticket.intake takes as complaint_reason.
func opComplaintReasons(c *call, _ *none) (any, error) {
	out := []choice{}
	for _, r := range c.srv.config().Policy.ComplaintReasons {
		out = append(out, choice{ID: r.Code, Name: r.Name})
	}
	return out, nil
}

// opTechnicians are the technicians of staff.toml in force: what
// ticket.assign takes.
func opTechnicians(c *call, _ *none) (any, error) {
	out := []choice{}
	for _, m := range c.srv.config().Staff {
		if m.Role == conf.RoleTechnician {
			out = append(out, choice{ID: m.ID, Name: m.Name})
		}
	}
	return out, nil
}

// knownPrinter refuses a printer id the print queue does not have (the
// printers of devices.toml) with a not_found error naming the field and
// offering the printers it has.
func knownPrinter(q PrintQueue, field, id string) error {
	var have []struct {
		Printer string `json:"printer"`
		Name    string `json:"name"`
	}
	raw, err := json.Marshal(q.Printers())
	if err != nil {
		return fmt.Errorf("printers: encode: %w", err)
	}
	if err := json.Unmarshal(raw, &have); err != nil {
		return fmt.Errorf("printers: decode: %w", err)
	}
	known := make([]appliance.Known, 0, len(have))
	for _, p := range have {
		if p.Printer == id {
			return nil
		}
		known = append(known, appliance.Known{ID: p.Printer, Name: p.Name})
	}
	e := appliance.UnknownError(field, "打印机", "printer", id, known)
	e.Code = appliance.ENOTFOUND
	return e
}
