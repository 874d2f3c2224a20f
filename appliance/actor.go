package appliance

// Role is what a member of staff may do (DOMAIN.md "People").
type Role string

// Roles, from least to most trusted.
const (
	RoleCustomer   Role = "customer"   // a customer at the kiosk with their own card
	RoleClerk      Role = "clerk"      // 受理员 / 服务台值班员
	RoleTechnician Role = "technician" // 维修员
	RoleSupervisor Role = "supervisor" // 主管 / 店长
	RoleAdmin      Role = "admin"
)

// Actor is who asks for a change: every mutation is audited with the actor's ID.
type Actor struct {
	// ID is the staff id from staff.toml (or "system", "demo").
	ID string `json:"id"`
	// Role is the actor's role.
	Role Role `json:"role"`
	// Desk is the desk the request came from, for the audit log ("" for a
	// LAN browser or the system).
	Desk string `json:"desk,omitempty"`
	// Addr is the client's network address, for the audit log.
	Addr string `json:"addr,omitempty"`
}

// CanApprove reports whether the actor may approve exceptions: a
// supervisor or an admin.
func (a Actor) CanApprove() bool { return a.Role == RoleSupervisor || a.Role == RoleAdmin }

// Check returns an EINVALID error when the actor is unnamed.
func (a Actor) Check() error {
	if a.ID == "" {
		return FieldError("operator", "缺少操作员 / the operator is missing")
	}
	return nil
}
