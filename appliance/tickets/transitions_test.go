package tickets_test

import (
	"slices"
	"strings"
	"testing"

	"shouhou/appliance"
	"shouhou/appliance/tickets"
)

var roles = []appliance.Role{appliance.RoleCustomer, appliance.RoleClerk, appliance.RoleTechnician,
	appliance.RoleSupervisor, appliance.RoleAdmin, tickets.RoleSystem}

// TestCheckMoveEveryCombination walks every (kind, from, to, role): a move
// in the table is allowed (with a reason when the table wants one, and
// refused without), every other one is refused with an error naming the
// statuses that role may move to.
func TestCheckMoveEveryCombination(t *testing.T) {
	inTable := map[string]tickets.Step{}
	for _, s := range tickets.Table() {
		for _, k := range s.Kinds {
			inTable[string(k)+"|"+string(s.From)+"|"+string(s.To)] = s
		}
	}
	for _, kind := range appliance.TicketKinds {
		for _, from := range appliance.TicketStatuses {
			for _, role := range roles {
				allowed := tickets.Allowed(kind, from, role)
				for _, to := range appliance.TicketStatuses {
					name := string(kind) + "/" + string(from) + ">" + string(to) + "/" + string(role)
					t.Run(name, func(t *testing.T) {
						step, ok := inTable[string(kind)+"|"+string(from)+"|"+string(to)]
						err := tickets.CheckMove(kind, from, to, role, "因为 / because")
						if ok && slices.Contains(step.Roles, role) {
							if err != nil {
								t.Fatalf("CheckMove = %v, want allowed", err)
							}
							if !slices.Contains(allowed, to) {
								t.Fatalf("Allowed = %v, misses %s", allowed, to)
							}
							noReason := tickets.CheckMove(kind, from, to, role, " ")
							if step.Reason != (noReason != nil) {
								t.Fatalf("CheckMove without reason = %v, table wants reason %v", noReason, step.Reason)
							}
							return
						}
						if err == nil {
							t.Fatal("CheckMove = nil, want refused")
						}
						want := appliance.ECONFLICT
						if ok {
							want = appliance.EUNAUTHORIZED
						}
						if appliance.ErrorCode(err) != want {
							t.Fatalf("CheckMove code = %s, want %s", appliance.ErrorCode(err), want)
						}
						msg := appliance.ErrorMessage(err)
						for _, a := range allowed {
							if !strings.Contains(msg, string(a)) {
								t.Fatalf("message %q does not name allowed %s", msg, a)
							}
						}
						if len(allowed) == 0 && !strings.Contains(msg, "none") {
							t.Fatalf("message %q does not say none is allowed", msg)
						}
					})
				}
			}
		}
	}
}

// TestEveryKindCanFinish: from open, every kind reaches closed or
// cancelled through the table, and no status but those ends a kind.
func TestEveryKindCanFinish(t *testing.T) {
	for _, kind := range appliance.TicketKinds {
		t.Run(string(kind), func(t *testing.T) {
			seen := map[appliance.TicketStatus]bool{appliance.StatusOpen: true}
			queue := []appliance.TicketStatus{appliance.StatusOpen}
			for len(queue) > 0 {
				from := queue[0]
				queue = queue[1:]
				var next []appliance.TicketStatus
				for _, r := range roles {
					next = append(next, tickets.Allowed(kind, from, r)...)
				}
				final := from == appliance.StatusClosed || from == appliance.StatusCancelled
				if len(next) == 0 && !final {
					t.Errorf("%s is a dead end for %s", from, kind)
				}
				for _, n := range next {
					if !seen[n] {
						seen[n] = true
						queue = append(queue, n)
					}
				}
			}
			if !seen[appliance.StatusClosed] {
				t.Errorf("%s never closes", kind)
			}
		})
	}
}
