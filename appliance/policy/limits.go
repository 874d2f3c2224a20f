package policy

import (
	"fmt"

	"shouhou/appliance"
)

// MoneyOp is a card operation that moves money, as the money limits name it.
type MoneyOp string

// The money operations with a limit per role.
const (
	OpTopUp    MoneyOp = "topup"    // money loaded onto a card
	OpCharge   MoneyOp = "charge"   // money taken from a card (a paid repair)
	OpRefund   MoneyOp = "refund"   // money paid back to a card
	OpReversal MoneyOp = "reversal" // a charge undone at the desk (seed 000 壹卡通 FAQ 11)
	OpCashout  MoneyOp = "cashout"  // a balance paid out in cash when a card is cancelled
)

// MoneyOps lists every money operation in the order documents show them.
func MoneyOps() []MoneyOp { return []MoneyOp{OpTopUp, OpCharge, OpRefund, OpReversal, OpCashout} }

// MoneyLimits are one role's limits (金额权限), in fen. One operation above
// its limit needs a role whose limit covers it: a supervisor does it at
// the desk, as the refunds above a threshold always have. An operation
// without an entry is unlimited for the role.
type MoneyLimits struct {
	// PerOpFen caps one operation of each kind.
	PerOpFen map[MoneyOp]int64 `json:"per_op_fen"`
	// DailyFen is the day's total of the money a member of the role moved
	// (every kind, as amounts without sign) above which the day closing
	// flags them; 0 means no daily limit.
	DailyFen int64 `json:"daily_fen,omitempty"`
}

// Limit returns role's limit on one operation of kind op, and false when
// the role has none (unlimited).
func (t *Tables) Limit(role appliance.Role, op MoneyOp) (int64, bool) {
	l, ok := t.MoneyLimits[role]
	if !ok {
		return 0, false
	}
	fen, ok := l.PerOpFen[op]
	return fen, ok
}

// DailyLimit returns role's daily money limit, and false when it has none.
func (t *Tables) DailyLimit(role appliance.Role) (int64, bool) {
	l, ok := t.MoneyLimits[role]
	if !ok || l.DailyFen <= 0 {
		return 0, false
	}
	return l.DailyFen, true
}

// CheckLimit refuses an operation of fen above the actor's limit with an
// EUNAUTHORIZED error naming field (the amount's argument) and the limit,
// saying that a supervisor must do it.
func (t *Tables) CheckLimit(actor appliance.Actor, op MoneyOp, fen int64, field string) error {
	limit, ok := t.Limit(actor.Role, op)
	if !ok || fen <= limit {
		return nil
	}
	names := opNames[op]
	return &appliance.Error{Code: appliance.EUNAUTHORIZED, Field: field, Message: fmt.Sprintf(
		"%s金额 ￥%s 超过%s权限 ￥%s，需主管审批 / a %s of ￥%s is above the %s's limit of ￥%s: a supervisor must do it",
		names[0], Yuan(fen), roleZH(actor.Role), Yuan(limit), names[1], Yuan(fen), actor.Role, Yuan(limit))}
}

var opNames = map[MoneyOp][2]string{
	OpTopUp: {"充值", "top-up"}, OpCharge: {"扣款", "charge"}, OpRefund: {"退款", "refund"},
	OpReversal: {"冲正", "reversal"}, OpCashout: {"退还余额", "cash-out"},
}

func roleZH(r appliance.Role) string {
	switch r {
	case appliance.RoleClerk:
		return "受理员"
	case appliance.RoleSupervisor:
		return "主管"
	case appliance.RoleTechnician:
		return "维修员"
	}
	return string(r)
}
