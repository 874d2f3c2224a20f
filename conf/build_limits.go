package conf

import (
	"strings"

	"github.com/BurntSushi/toml"

	"shouhou/appliance"
	"shouhou/appliance/policy"
)

// limitRoles are the roles that move money at the desk and may have limits.
var limitRoles = []appliance.Role{appliance.RoleClerk, appliance.RoleSupervisor, appliance.RoleAdmin}

// buildLimits turns [approval] into the money limits per role. A clerk's
// limit not written in [approval.limits.clerk] is refund_above for a
// refund, a top-up, a charge and a cash-out, and reversal_above for a
// reversal, so a policy.toml without the table still limits every money
// operation of a clerk. Other roles are limited only where they say so.
func buildLimits(s *source, md toml.MetaData, f *policyFile) (map[appliance.Role]policy.MoneyLimits, Errors) {
	var errs Errors
	for role := range f.Approval.Limits {
		if !knownLimitRole(role) {
			errs = append(errs, s.errAt([]any{"approval", "limits", role},
				"角色 %q 不办理金额业务，应为 clerk、supervisor 或 admin / role %q moves no money: want clerk, supervisor or admin", role, role))
		}
	}
	out := map[appliance.Role]policy.MoneyLimits{}
	for _, role := range limitRoles {
		l, written := f.Approval.Limits[string(role)]
		if !written && role != appliance.RoleClerk {
			continue
		}
		lim := policy.MoneyLimits{PerOpFen: map[policy.MoneyOp]int64{}, DailyFen: l.Daily.Fen()}
		for op, fen := range map[policy.MoneyOp]Money{policy.OpTopUp: l.TopUp, policy.OpCharge: l.Charge,
			policy.OpRefund: l.Refund, policy.OpReversal: l.Reversal, policy.OpCashout: l.Cashout} {
			switch {
			case md.IsDefined("approval", "limits", string(role), string(op)):
				lim.PerOpFen[op] = fen.Fen()
			case role == appliance.RoleClerk && op == policy.OpReversal:
				lim.PerOpFen[op] = f.Approval.ReversalAbove.Fen()
			case role == appliance.RoleClerk:
				lim.PerOpFen[op] = f.Approval.RefundAbove.Fen()
			}
		}
		out[role] = lim
	}
	return out, errs
}

func knownLimitRole(role string) bool {
	for _, r := range limitRoles {
		if string(r) == role {
			return true
		}
	}
	return false
}

// defaultComplaintReasons are the complaint reasons of a policy.toml that
// lists none: the after-sales work seed 000 售后服务方案及流程 names (退换商品、
// 送货、维修、安装，解决抱怨及赔偿) and the two sides of a complaint in
// 售后服务方案及细则 (投诉和意见：对于产品或者服务不满意), then other.
// conf/defaults/policy.toml writes the same list (a test keeps them equal).
func defaultComplaintReasons() []policy.ComplaintReason {
	return []policy.ComplaintReason{
		{Code: "quality", Name: "产品质量"}, {Code: "service", Name: "服务态度"},
		{Code: "return_exchange", Name: "退换货"}, {Code: "repair", Name: "维修"},
		{Code: "delivery", Name: "送货"}, {Code: "installation", Name: "安装"},
		{Code: "compensation", Name: "赔偿"}, {Code: policy.ComplaintOther, Name: "其他"},
	}
}

// buildComplaintReasons checks [[complaint_reasons]]: codes of a-z 0-9 _ -,
// unique, named, "other" among them. Without the list the defaults apply.
func buildComplaintReasons(s *source, md toml.MetaData, f *policyFile) ([]policy.ComplaintReason, Errors) {
	if !md.IsDefined("complaint_reasons") {
		return defaultComplaintReasons(), nil
	}
	var errs Errors
	seen := map[string]bool{}
	out := make([]policy.ComplaintReason, 0, len(f.ComplaintReasons))
	for i, r := range f.ComplaintReasons {
		errs = append(errs, checkID(s, seen, []any{"complaint_reasons", i, "code"}, r.Code)...)
		errs = append(errs, checkName(s, []any{"complaint_reasons", i, "name"}, r.Name)...)
		out = append(out, policy.ComplaintReason{Code: r.Code, Name: r.Name})
	}
	if !seen[policy.ComplaintOther] {
		errs = append(errs, s.errAt([]any{"complaint_reasons"},
			"投诉原因须包括 %q（其他） / the complaint reasons must include %q", policy.ComplaintOther, policy.ComplaintOther))
	}
	return out, errs
}

// limitsSummary writes the money limits for check-config, e.g.
// "clerk topup 5000.00 charge 5000.00 … daily 20000.00".
func limitsSummary(t *policy.Tables) string {
	var parts []string
	for _, role := range limitRoles {
		l, ok := t.MoneyLimits[role]
		if !ok {
			continue
		}
		part := string(role)
		for _, op := range policy.MoneyOps() {
			if fen, ok := l.PerOpFen[op]; ok {
				part += " " + string(op) + " " + policy.Yuan(fen)
			}
		}
		if l.DailyFen > 0 {
			part += " daily " + policy.Yuan(l.DailyFen)
		}
		parts = append(parts, part)
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, "; ")
}
