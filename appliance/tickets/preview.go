package tickets

import (
	"context"
	"errors"
	"fmt"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// errPreview ends a preview's transaction so that nothing it wrote is kept.
var errPreview = errors.New("tickets: preview transaction discarded")

// Preview returns the ticket Intake would record for a, with its decision,
// due date, fees and status (approval when it would need a supervisor),
// without recording anything: it runs Intake's own code in a store
// transaction that is then discarded, so no customer, purchase, ticket,
// audit entry or ticket number is kept and no event is published. The
// returned ticket has no Number (none was taken); a new customer's or
// purchase's ID in it names a record that does not exist. Errors are
// Intake's.
func (s *Service) Preview(ctx context.Context, actor appliance.Actor, a IntakeArgs) (*appliance.Ticket, error) {
	if err := s.mayIntake(ctx, actor, a); err != nil {
		return nil, err
	}
	r := s.opts.Rules()
	var out *appliance.Ticket
	err := s.db.Update(func(tx *store.Txn) error {
		t, err := s.intake(tx, actor, a, r, s.now(r))
		if err != nil {
			return err
		}
		out = t
		return errPreview
	})
	if !errors.Is(err, errPreview) {
		return nil, fmt.Errorf("preview: %w", err)
	}
	out.Number = ""
	return out, nil
}
