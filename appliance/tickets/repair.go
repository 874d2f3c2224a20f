package tickets

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
)

// Assign gives the ticket to a technician, a staff id of staff.toml with
// the technician role (anything else is refused, naming the known ones);
// an open repair or on-site ticket goes into repair (dispatch).
// Reassigning keeps the status.
func (s *Service) Assign(ctx context.Context, actor appliance.Actor, number, technician string) (*appliance.Ticket, error) {
	technician = strings.TrimSpace(technician)
	if technician == "" {
		return nil, appliance.FieldError("technician", "请选择维修员 / pick a technician")
	}
	return s.change(ctx, actor, number, "ticket.assign", "", func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error {
		if _, err := r.technician("technician", technician); err != nil {
			return err
		}
		t.Technician = technician
		if t.Status == appliance.StatusOpen {
			return transition(tx, t, actor, appliance.StatusInRepair, "", now)
		}
		if t.Status != appliance.StatusInRepair && t.Status != appliance.StatusAtVendor {
			return appliance.Errorf(appliance.ECONFLICT, "服务单状态为 %s，不能派工 / cannot assign a ticket in status %s", t.Status, t.Status)
		}
		return nil
	})
}

// PartLine is a part used, by its code in the price list.
type PartLine struct {
	// Code is the part's code in the parts price list.
	Code string `json:"code"`
	// Qty is how many, at least 1.
	Qty int `json:"qty"`
}

// DiagnoseArgs are a technician's diagnosis: parts from the price list and
// labour items from the fee table, replacing any earlier diagnosis.
type DiagnoseArgs struct {
	// Parts are the parts to replace.
	Parts []PartLine `json:"parts"`
	// Labour are labour item IDs.
	Labour []string `json:"labour"`
	// Note is the technician's finding.
	Note string `json:"note,omitempty"`
}

// Diagnose prices the repair from the parts price list and the labour fee
// table. The payer is the store for a free repair (class C) and the
// customer otherwise; a changed price must be told to the customer again.
func (s *Service) Diagnose(ctx context.Context, actor appliance.Actor, number string, a DiagnoseArgs) (*appliance.Ticket, error) {
	return s.change(ctx, actor, number, "ticket.diagnose", a.Note, func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error {
		if !slices.Contains([]appliance.Role{appliance.RoleTechnician, appliance.RoleSupervisor, appliance.RoleAdmin}, actor.Role) {
			return appliance.Errorf(appliance.EUNAUTHORIZED, "只有维修员可以诊断 / only a technician diagnoses")
		}
		if t.Status != appliance.StatusInRepair {
			return appliance.Errorf(appliance.ECONFLICT, "服务单不在维修中 / the ticket is not in repair (%s)", t.Status)
		}
		return price(t, a, r)
	})
}

func price(t *appliance.Ticket, a DiagnoseArgs, r Rules) error {
	payer := policy.PayerCustomer
	if t.ServiceClass == "C" || t.Outcome == policy.KindExchange {
		payer = policy.PayerStore
	}
	var parts []appliance.PartUsed
	for i, l := range a.Parts {
		p, ok := r.part(l.Code)
		if !ok {
			return appliance.FieldError(fmt.Sprintf("parts[%d].code", i), "配件价格表中没有 %q / %q is not in the parts price list", l.Code, l.Code)
		}
		if l.Qty < 1 || l.Qty > 1000 {
			return appliance.FieldError(fmt.Sprintf("parts[%d].qty", i), "数量应为 1–1000 / qty must be 1–1000")
		}
		parts = append(parts, appliance.PartUsed{Code: p.Code, Name: p.Name, Qty: l.Qty, PriceFen: p.PriceFen})
	}
	var fees []appliance.Fee
	for _, f := range t.Fees {
		if !strings.HasPrefix(f.Name, labourPrefix) && !strings.HasPrefix(f.Name, partsFee) {
			fees = append(fees, f) // call-out fees stay
		}
	}
	var partsFen int64
	for _, p := range parts {
		partsFen += p.PriceFen * int64(p.Qty)
	}
	if partsFen > 0 {
		fees = append(fees, appliance.Fee{Name: partsFee, Fen: partsFen, Payer: payer})
	}
	for i, id := range a.Labour {
		l, ok := r.labour(id)
		if !ok {
			return appliance.FieldError(fmt.Sprintf("labour[%d]", i), "工时费表中没有 %q / %q is not a labour item", id, id)
		}
		fees = append(fees, appliance.Fee{Name: labourPrefix + l.Name, Fen: l.FeeFen, Payer: payer})
	}
	t.Parts, t.Fees = parts, fees
	if t.Quote != nil && t.Quote.Fen != Owed(t) {
		t.Quote = nil // 第三十条: a new price is told again
	}
	return nil
}

// Fee line names.
const (
	labourPrefix = "工时费 "
	partsFee     = "材料费"
)

// Owed is what the customer pays for a ticket: the customer's fee lines
// (parts, labour, call-out), capped by the decision's out-of-warranty
// repair cap when it has one (seed 001 6.5.3).
func Owed(t *appliance.Ticket) int64 {
	var sum int64
	for _, f := range t.Fees {
		if f.Payer == policy.PayerCustomer {
			sum += f.Fen
		}
	}
	if c := repairCap(t); c > 0 && sum > c {
		return c
	}
	return sum
}

func repairCap(t *appliance.Ticket) int64 {
	d, ok := decisionOf(t)
	if !ok {
		return 0
	}
	if o, ok := d.Outcome(policy.KindPaidRepair); ok {
		return o.CapFen
	}
	return 0
}

// Quote records that the fee was told to the customer before the paid
// work (seed 001 第三十条). The amount is what Owed says now.
func (s *Service) Quote(ctx context.Context, actor appliance.Actor, number string) (*appliance.Ticket, error) {
	return s.change(ctx, actor, number, "ticket.quote", "", func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error {
		if t.Status != appliance.StatusInRepair && t.Status != appliance.StatusOpen {
			return appliance.Errorf(appliance.ECONFLICT, "服务单状态为 %s，不能报价 / cannot quote a ticket in status %s", t.Status, t.Status)
		}
		if Owed(t) == 0 {
			return appliance.Errorf(appliance.ECONFLICT, "没有应收费用，无需报价 / nothing to charge, nothing to quote")
		}
		t.Quote = &appliance.Quote{Fen: Owed(t), Told: now, Operator: actor.ID}
		return nil
	})
}

// AnswerQuote records the customer's answer to the quote. A declined
// quote ends the repair: the item is returned unrepaired and nothing is
// charged.
func (s *Service) AnswerQuote(ctx context.Context, actor appliance.Actor, number string, accepted bool) (*appliance.Ticket, error) {
	return s.change(ctx, actor, number, "ticket.quote_answer", "", func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error {
		if t.Quote == nil {
			return appliance.Errorf(appliance.ECONFLICT, "尚未报价 / no quote was told")
		}
		if err := customerMayAct(actor, t); err != nil {
			return err
		}
		t.Quote.Accepted, t.Quote.Answered = &accepted, now
		if accepted {
			return nil
		}
		t.Result, t.Conclusion = appliance.ResultDeclined, "顾客不接受报价，未维修退回 / the customer declined the quote: returned unrepaired"
		if t.Status == appliance.StatusInRepair && t.Kind == appliance.KindRepair {
			if err := transition(tx, t, actor, appliance.StatusReady, "", now); err != nil {
				return err
			}
			t.ReadyAt = now
		}
		return nil
	})
}

// customerMayAct lets staff act on any ticket and a customer on their own.
func customerMayAct(actor appliance.Actor, t *appliance.Ticket) error {
	if actor.Role != appliance.RoleCustomer {
		return nil
	}
	if actor.ID == t.CustomerID || (t.Card != "" && actor.ID == t.Card) {
		return nil
	}
	return appliance.Errorf(appliance.EUNAUTHORIZED, "这不是您的服务单 / this is not your ticket")
}

// SendToVendor sends the item to the maker or vendor (送厂).
func (s *Service) SendToVendor(ctx context.Context, actor appliance.Actor, number, vendor, note string) (*appliance.Ticket, error) {
	vendor = strings.TrimSpace(vendor)
	if vendor == "" {
		return nil, appliance.FieldError("vendor", "请填写送修厂家 / name the maker or vendor")
	}
	return s.change(ctx, actor, number, "ticket.vendor_send", note, func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error {
		t.Vendor = vendor
		return transition(tx, t, actor, appliance.StatusAtVendor, note, now)
	})
}

// BackFromVendor records the item's return from the maker.
func (s *Service) BackFromVendor(ctx context.Context, actor appliance.Actor, number, note string) (*appliance.Ticket, error) {
	return s.change(ctx, actor, number, "ticket.vendor_back", note, func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error {
		return transition(tx, t, actor, appliance.StatusInRepair, note, now)
	})
}

// ConcludeArgs are a technician's conclusion (维修结论).
type ConcludeArgs struct {
	// Result is repaired, exchanged or unrepairable.
	Result string `json:"result"`
	// Conclusion is the text for the repair card.
	Conclusion string `json:"conclusion"`
}

// Conclude records the repair result. Repaired or exchanged: the item is
// ready for pickup (an on-site job stays in repair until it is charged and
// closed); paid work needs the customer's accepted quote first (第三十条).
// Unrepairable: the decision is made again with the item unrepairable and
// the ticket waits for a supervisor's settlement (第二十九条).
func (s *Service) Conclude(ctx context.Context, actor appliance.Actor, number string, a ConcludeArgs) (*appliance.Ticket, error) {
	if strings.TrimSpace(a.Conclusion) == "" {
		return nil, appliance.FieldError("conclusion", "请填写维修结论 / the conclusion is required")
	}
	return s.change(ctx, actor, number, "ticket.conclude", a.Conclusion, func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error {
		if !slices.Contains([]appliance.Role{appliance.RoleTechnician, appliance.RoleSupervisor, appliance.RoleAdmin}, actor.Role) {
			return appliance.Errorf(appliance.EUNAUTHORIZED, "只有维修员可以填写维修结论 / only a technician concludes a repair")
		}
		if t.Status != appliance.StatusInRepair {
			return appliance.Errorf(appliance.ECONFLICT, "服务单不在维修中 / the ticket is not in repair (%s)", t.Status)
		}
		t.Conclusion = strings.TrimSpace(a.Conclusion)
		switch a.Result {
		case appliance.ResultRepaired:
			if Owed(t) > 0 && (t.Quote == nil || t.Quote.Accepted == nil || !*t.Quote.Accepted || t.Quote.Fen != Owed(t)) {
				return appliance.Errorf(appliance.ECONFLICT, "收费维修须先告知顾客报价并获同意 / tell the customer the fee and get their agreement before paid work (第三十条)")
			}
		case appliance.ResultExchanged:
			if t.Outcome != policy.KindExchange && !actor.CanApprove() {
				return appliance.Errorf(appliance.EUNAUTHORIZED, "决定中没有换新，需主管处理 / the decision gives no exchange: a supervisor must decide")
			}
		case appliance.ResultUnrepairable:
			return s.unrepairable(tx, t, actor, r, now)
		default:
			return appliance.FieldError("result", "结论应为 repaired、exchanged 或 unrepairable / result must be repaired, exchanged or unrepairable")
		}
		t.Result = a.Result
		if t.Kind != appliance.KindRepair {
			return nil
		}
		if err := transition(tx, t, actor, appliance.StatusReady, "", now); err != nil {
			return err
		}
		t.ReadyAt = now
		return nil
	})
}

func (s *Service) unrepairable(tx *store.Txn, t *appliance.Ticket, actor appliance.Actor, r Rules, now time.Time) error {
	t.Result = appliance.ResultUnrepairable
	reason := "无法修复，需主管善后 / unrepairable: a supervisor settles it (第二十九条)"
	if t.PurchaseID != "" {
		p, err := tx.Purchase(t.PurchaseID)
		if err != nil {
			return err
		}
		no := false
		outcome := t.Outcome
		if _, err := decideWith(t, p, factsPrior(t), &no, r, now); err != nil {
			return err
		}
		t.Outcome = outcome
	}
	t.ApprovalReason = reason
	return transition(tx, t, actor, appliance.StatusApproval, reason, now)
}

// factsPrior reads prior_repairs back from the stored facts.
func factsPrior(t *appliance.Ticket) int {
	f, err := policy.ParseFacts(t.Facts)
	if err != nil {
		return 0
	}
	return f.PriorRepairs
}

// decisionOf decodes the ticket's stored decision.
func decisionOf(t *appliance.Ticket) (policy.Decision, bool) {
	var d policy.Decision
	if len(t.Decision) == 0 || json.Unmarshal(t.Decision, &d) != nil {
		return d, false
	}
	return d, true
}

// Decision returns the policy decision stored on a ticket.
func Decision(t *appliance.Ticket) (policy.Decision, bool) { return decisionOf(t) }

// SettleArgs are a supervisor's settlement of an unrepairable item.
type SettleArgs struct {
	// Outcome is return or exchange from the decision (with its
	// depreciation), or "other" for an exception described in Note.
	Outcome string `json:"outcome"`
	// Note is the agreement, required.
	Note string `json:"note"`
}

// Settle records a supervisor's settlement of an unrepairable item
// (第二十九条): a return is refunded at the desk and closes the ticket, an
// exchange waits for the customer to collect the new item. The
// depreciation comes from the decision (seed 002 三包).
func (s *Service) Settle(ctx context.Context, actor appliance.Actor, number string, a SettleArgs) (*appliance.Ticket, error) {
	if strings.TrimSpace(a.Note) == "" {
		return nil, appliance.FieldError("note", "请写明善后处理 / describe the settlement")
	}
	return s.change(ctx, actor, number, "ticket.settle", a.Note, func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error {
		if t.Status != appliance.StatusApproval || t.Result != appliance.ResultUnrepairable {
			return appliance.Errorf(appliance.ECONFLICT, "只有待审批的无法修复商品可以善后 / only an unrepairable item waiting for a supervisor is settled")
		}
		st := &appliance.Settlement{Outcome: a.Outcome, Note: strings.TrimSpace(a.Note), Operator: actor.ID, Time: now}
		to := appliance.StatusReady
		switch a.Outcome {
		case policy.KindReturn, policy.KindExchange:
			d, _ := decisionOf(t)
			o, ok := d.Outcome(a.Outcome)
			if !ok {
				return appliance.FieldError("outcome", "决定中没有 %s，可选：%s / the decision gives no %s; it gives: %s",
					a.Outcome, strings.Join(d.Kinds(), ", "), a.Outcome, strings.Join(d.Kinds(), ", "))
			}
			for _, f := range o.Fees {
				if f.Name == policy.FeeDepreciation {
					st.DepreciationFen += f.Fen
				}
			}
			st.RefundFen = o.RefundFen
			if a.Outcome == policy.KindReturn {
				to = appliance.StatusClosed
			}
		case "other":
		default:
			return appliance.FieldError("outcome", "善后方式应为 return、exchange 或 other / outcome must be return, exchange or other")
		}
		t.Settlement, t.Outcome = st, a.Outcome
		// Nothing is charged for the failed repair; the depreciation is
		// taken from the refund (or paid on the exchange) as settled.
		t.Fees = slices.DeleteFunc(t.Fees, func(f appliance.Fee) bool { return f.Payer == policy.PayerCustomer })
		if err := transition(tx, t, actor, to, st.Note, now); err != nil {
			return err
		}
		afterMove(t, now)
		return nil
	})
}
