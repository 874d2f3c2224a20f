package tickets

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/calendar"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
)

// NewCustomer is a customer the desk records at intake.
type NewCustomer struct {
	// Name is the customer's name.
	Name string `json:"name"`
	// Phone is the main phone number.
	Phone string `json:"phone"`
	// Address is the postal address (delivery, mail-back).
	Address string `json:"address,omitempty"`
}

// NewPurchase is a purchase registered from the receipt at intake.
type NewPurchase struct {
	// ProductCode is the product code or barcode.
	ProductCode string `json:"product_code"`
	// Name is the product name and spec.
	Name string `json:"name"`
	// Category is the policy category.
	Category string `json:"category"`
	// Serial is the serial number, if any.
	Serial string `json:"serial,omitempty"`
	// Purchased is the purchase date on the receipt, YYYY-MM-DD.
	Purchased string `json:"purchased"`
	// PriceFen is the price actually paid.
	PriceFen int64 `json:"price_fen"`
	// Receipt is the till receipt or invoice number.
	Receipt string `json:"receipt,omitempty"`
	// Channel is "store" or "online".
	Channel string `json:"channel,omitempty"`
	// WarrantyCard is the warranty card number.
	WarrantyCard string `json:"warranty_card,omitempty"`
	// Special, Gift, Custom are the purchase's flags.
	Special bool `json:"special,omitempty"`
	Gift    bool `json:"gift,omitempty"`
	Custom  bool `json:"custom,omitempty"`
}

// IntakeArgs are what the desk records at intake (受理, 听取陈述).
// The customer is found by Card, then CardUID, then Phone; else
// NewCustomer is recorded.
type IntakeArgs struct {
	// Kind is the kind of case.
	Kind appliance.TicketKind `json:"kind"`
	// Card is a printed card number, e.g. SC-000123.
	Card string `json:"card,omitempty"`
	// CardUID is a chip UID from the reader.
	CardUID string `json:"card_uid,omitempty"`
	// Phone finds a known customer.
	Phone string `json:"phone,omitempty"`
	// Customer is a new customer's data.
	Customer *NewCustomer `json:"customer,omitempty"`
	// PurchaseID picks one of the customer's purchases.
	PurchaseID string `json:"purchase_id,omitempty"`
	// Purchase registers a purchase from the receipt.
	Purchase *NewPurchase `json:"purchase,omitempty"`
	// Fault is the customer's account (故障描述).
	Fault string `json:"fault,omitempty"`
	// Defect names the defective part (损坏部位), for the same-defect rule.
	Defect string `json:"defect,omitempty"`
	// Problem is quality, not_quality, customer_damage or transport_damage.
	Problem string `json:"problem,omitempty"`
	// Request is return, exchange or repair; "" takes it from Kind.
	Request string `json:"request,omitempty"`
	// MailedIn says the goods came by post (a mail-order claim): only
	// then does the decision price a parcel's shipping.
	MailedIn bool `json:"mailed_in,omitempty"`
	// Condition is the state of the goods.
	Condition appliance.Condition `json:"condition"`
	// Zone is the on-site service zone.
	Zone string `json:"zone,omitempty"`
	// ContractEnd is a maintenance contract's last day, YYYY-MM-DD.
	ContractEnd string `json:"contract_end,omitempty"`
	// Insist is the reason to escalate although the request is within the
	// decision: the customer insists (第二十条).
	Insist string `json:"insist,omitempty"`
	// ComplaintReason is a complaint's reason code from policy.toml
	// [[complaint_reasons]] (required for a complaint, only for one); the
	// customer's own words go in Fault.
	ComplaintReason string `json:"complaint_reason,omitempty"`
}

// decided reports whether a kind of ticket gets a policy decision.
func decided(k appliance.TicketKind) bool {
	switch k {
	case appliance.KindReturn, appliance.KindExchange, appliance.KindRepair, appliance.KindOnSite:
		return true
	}
	return false
}

// Intake records a new ticket in one transaction: the customer, the
// purchase, the policy decision, the number and the due date. A request
// outside the decision, a decision that needs approval, or an insisting
// customer puts the ticket in approval with the reason.
//
// A store.Request in ctx (store.WithRequest) makes the intake idempotent:
// its key is kept with the ticket number in the intake's transaction, and
// a retry with the same key and arguments returns that ticket as it is
// now, changing nothing (the request reports Replayed).
func (s *Service) Intake(ctx context.Context, actor appliance.Actor, a IntakeArgs) (*appliance.Ticket, error) {
	if err := s.mayIntake(ctx, actor, a); err != nil {
		return nil, err
	}
	r := s.opts.Rules()
	req := store.RequestFrom(ctx)
	var out *appliance.Ticket
	err := s.db.Update(func(tx *store.Txn) error {
		if number, found, err := tx.Recall(req); err != nil || found {
			if err == nil {
				out, err = tx.Ticket(number)
			}
			return err
		}
		t, err := s.intake(tx, actor, a, r, s.now(r))
		if err != nil {
			return err
		}
		out = t
		return tx.Remember(req, actor.ID, t.Number)
	})
	if err != nil {
		return nil, fmt.Errorf("intake: %w", err)
	}
	if !req.Replayed() {
		s.publish(EventCreated, "ticket.create", out)
	}
	return out, nil
}

// mayIntake checks who takes in a ticket and the arguments, for Intake
// and Preview alike.
func (s *Service) mayIntake(ctx context.Context, actor appliance.Actor, a IntakeArgs) error {
	if err := actor.Check(); err != nil {
		return err
	}
	if actor.Role == appliance.RoleCustomer || actor.Role == RoleSystem {
		return appliance.Errorf(appliance.EUNAUTHORIZED, "顾客不能受理服务单 / only staff take in tickets")
	}
	if err := a.check(); err != nil {
		return err
	}
	return ctx.Err()
}

func (a IntakeArgs) check() error {
	known := false
	for _, k := range appliance.TicketKinds {
		known = known || k == a.Kind
	}
	if !known {
		return appliance.FieldError("kind", "未知的服务类型 %q / unknown ticket kind %q", a.Kind, a.Kind)
	}
	if a.Kind == appliance.KindMaintenance && a.ContractEnd == "" {
		return appliance.FieldError("contract_end", "保养合同需填写到期日 / a maintenance contract needs its end date")
	}
	if a.Kind == appliance.KindOnSite && a.Zone == "" {
		return appliance.FieldError("zone", "上门服务需选择区域 / on-site service needs a zone")
	}
	if (a.Kind == appliance.KindRepair || a.Kind == appliance.KindComplaint) && strings.TrimSpace(a.Fault) == "" {
		return appliance.FieldError("fault", "请填写故障描述或投诉内容 / the fault or the complaint is required")
	}
	if err := a.checkCodes(); err != nil {
		return err
	}
	// The return/exchange registration (退换货登记表) asks for the reason.
	if (a.Kind == appliance.KindReturn || a.Kind == appliance.KindExchange) && strings.TrimSpace(a.Fault) == "" {
		return appliance.FieldError("fault", "请填写退换原因 / the reason for the return or exchange is required")
	}
	return nil
}

// checkCodes refuses a problem or request that is not one of the policy's,
// whatever the kind (a complaint's free text belongs in Fault), and a
// complaint reason on anything but a complaint.
func (a IntakeArgs) checkCodes() error {
	if a.ComplaintReason != "" && a.Kind != appliance.KindComplaint {
		return appliance.FieldError("complaint_reason", "只有投诉有投诉原因 / only a complaint has a complaint reason")
	}
	if a.Problem != "" {
		if err := checkCode("problem", "问题类型", "problem", a.Problem, problemCodes); err != nil {
			return err
		}
	}
	if a.Request != "" {
		return checkCode("request", "顾客要求", "request", a.Request, requestCodes)
	}
	return nil
}

func (s *Service) intake(tx *store.Txn, actor appliance.Actor, a IntakeArgs, r Rules, now time.Time) (*appliance.Ticket, error) {
	c, card, err := s.customer(tx, actor, a, now)
	if err != nil {
		return nil, err
	}
	p, err := s.purchase(tx, actor, a, c, r, now)
	if err != nil {
		return nil, err
	}
	t := &appliance.Ticket{Kind: a.Kind, Status: appliance.StatusOpen, CustomerID: c.ID, Card: card,
		Fault: strings.TrimSpace(a.Fault), Defect: strings.TrimSpace(a.Defect), Condition: a.Condition,
		Problem: a.Problem, Request: request(a), MailedIn: a.MailedIn, Zone: a.Zone, Created: now, Updated: now}
	if p != nil {
		t.PurchaseID = p.ID
	}
	if err := s.kindSpecific(t, a, r); err != nil {
		return nil, err
	}
	var reasons []string
	if decided(a.Kind) && p != nil {
		prior, err := priorRepairs(tx, t, p, r)
		if err != nil {
			return nil, err
		}
		d, err := decide(t, p, prior, r, now)
		if err != nil {
			return nil, err
		}
		if d.Approval.Needed {
			reasons = append(reasons, d.Approval.Reason)
		}
	}
	if a.Insist != "" {
		reasons = append(reasons, "顾客坚持 / the customer insists: "+a.Insist)
	}
	if t.Number, err = tx.NextTicketNumber(now); err != nil {
		return nil, err
	}
	t.Due = due(t, r)
	t.History = []appliance.Transition{{To: appliance.StatusOpen, Operator: actor.ID, Time: now}}
	if len(reasons) > 0 {
		t.ApprovalReason = strings.Join(reasons, "; ")
		if err := transition(tx, t, actor, appliance.StatusApproval, t.ApprovalReason, now); err != nil {
			return nil, err
		}
	}
	schedule(t, r)
	if err := tx.PutTicket(t); err != nil {
		return nil, err
	}
	return t, tx.AuditBy(actor, "ticket.create", "ticket/"+t.Number, t.ApprovalReason, nil, t)
}

// request is the policy request of a claim: the desk's, or the kind's.
func request(a IntakeArgs) string {
	if a.Request != "" || !decided(a.Kind) {
		return a.Request
	}
	switch a.Kind {
	case appliance.KindReturn:
		return policy.RequestReturn
	case appliance.KindExchange:
		return policy.RequestExchange
	}
	return policy.RequestRepair
}

// kindSpecific fills what one kind of ticket needs at intake.
func (s *Service) kindSpecific(t *appliance.Ticket, a IntakeArgs, r Rules) error {
	switch t.Kind {
	case appliance.KindOnSite:
		z, err := r.zoneOf("zone", a.Zone)
		if err != nil {
			return err
		}
		if z.FeeFen > 0 {
			t.Fees = append(t.Fees, appliance.Fee{Name: "上门费 " + z.Name, Fen: z.FeeFen, Payer: policy.PayerCustomer})
		}
	case appliance.KindComplaint:
		if strings.TrimSpace(a.ComplaintReason) == "" {
			return appliance.FieldError("complaint_reason", "请选择投诉原因 / pick the complaint's reason")
		}
		if err := r.complaintReason("complaint_reason", a.ComplaintReason); err != nil {
			return err
		}
		t.ComplaintReason = a.ComplaintReason
	case appliance.KindMaintenance:
		d, err := calendar.ParseDate(a.ContractEnd)
		if err != nil {
			return appliance.FieldError("contract_end", "到期日应为 YYYY-MM-DD / contract_end must be YYYY-MM-DD")
		}
		t.ContractEnd = d.In(r.Calendar.Location())
		t.ServiceClass = "B"
	}
	return nil
}

// customer finds or records the customer of an intake, and the card
// number to print on the ticket.
func (s *Service) customer(tx *store.Txn, actor appliance.Actor, a IntakeArgs, now time.Time) (*appliance.Customer, string, error) {
	var card *appliance.Card
	var err error
	switch {
	case a.Card != "":
		number := strings.ToUpper(strings.TrimSpace(a.Card))
		if card, err = tx.Card(number); appliance.ErrorCode(err) == appliance.ENOTFOUND {
			err = &appliance.Error{Code: appliance.ENOTFOUND, Field: "card", Message: fmt.Sprintf("没有卡号 %s / no card %q", number, number)}
		}
	case a.CardUID != "":
		card, err = tx.CardByUID(strings.ToUpper(strings.TrimSpace(a.CardUID)))
	case a.Phone != "":
		c, err := tx.CustomerByPhone(normalPhone(a.Phone))
		if err != nil {
			return nil, "", err
		}
		return c, activeCard(tx, c.ID), nil
	case a.Customer != nil:
		c, err := newCustomer(tx, actor, a.Customer, now)
		return c, "", err
	default:
		return nil, "", appliance.FieldError("customer", "请刷卡、输入电话或登记新顾客 / swipe a card, give a phone number or record a new customer")
	}
	if err != nil {
		return nil, "", err
	}
	if card.Status != appliance.CardActive {
		return nil, "", appliance.Errorf(appliance.ECONFLICT, "卡 %s 状态为 %s，不能使用 / card %s is %s", card.Number, card.Status, card.Number, card.Status)
	}
	c, err := tx.Customer(card.CustomerID)
	return c, card.Number, err
}

// activeCard returns the customer's active card number, or "".
func activeCard(tx *store.Txn, customerID string) string {
	cards, err := tx.CardsOfCustomer(customerID)
	if err != nil {
		return ""
	}
	for _, c := range cards {
		if c.Status == appliance.CardActive {
			return c.Number
		}
	}
	return ""
}

func newCustomer(tx *store.Txn, actor appliance.Actor, n *NewCustomer, now time.Time) (*appliance.Customer, error) {
	name, phone := strings.TrimSpace(n.Name), normalPhone(n.Phone)
	if name == "" {
		return nil, appliance.FieldError("customer.name", "请填写顾客姓名 / the customer's name is required")
	}
	if len(phone) < 5 {
		return nil, appliance.FieldError("customer.phone", "请填写有效电话 / a valid phone number is required")
	}
	c := &appliance.Customer{ID: newID("C", now), Name: name, Phones: []string{phone},
		Address: strings.TrimSpace(n.Address), Created: now, Updated: now}
	if err := tx.PutCustomer(c); err != nil {
		return nil, err
	}
	return c, tx.AuditBy(actor, "customer.create", "customer/"+c.ID, "", nil, c)
}

// normalPhone keeps the digits (and a leading +) of a phone number.
func normalPhone(p string) string {
	var b strings.Builder
	for i, r := range strings.TrimSpace(p) {
		if (r >= '0' && r <= '9') || (r == '+' && i == 0) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// purchase picks the intake's purchase or registers it from the receipt.
func (s *Service) purchase(tx *store.Txn, actor appliance.Actor, a IntakeArgs, c *appliance.Customer, r Rules, now time.Time) (*appliance.Purchase, error) {
	switch {
	case a.PurchaseID != "":
		p, err := tx.Purchase(a.PurchaseID)
		if err != nil {
			return nil, err
		}
		if p.CustomerID == "" && p.Till != "" {
			return claimPurchase(tx, actor, p, c)
		}
		if p.CustomerID != c.ID {
			return nil, appliance.FieldError("purchase_id", "该购买记录不属于此顾客 / the purchase belongs to another customer")
		}
		return p, nil
	case a.Purchase != nil:
		return registerPurchase(tx, actor, a.Purchase, c, r, now)
	case a.Kind == appliance.KindReturn || a.Kind == appliance.KindExchange || a.Kind == appliance.KindRepair:
		return nil, appliance.FieldError("purchase", "请选择或登记购买记录（凭小票） / pick or register the purchase (from the receipt)")
	}
	return nil, nil
}

// claimPurchase gives a purchase from the till (which has no customer
// until a claim) to the intake's customer, audited. Its date, price,
// category and serial stay as the till reported them.
func claimPurchase(tx *store.Txn, actor appliance.Actor, p *appliance.Purchase, c *appliance.Customer) (*appliance.Purchase, error) {
	before := *p
	p.CustomerID = c.ID
	if err := tx.PutPurchase(p); err != nil {
		return nil, err
	}
	return p, tx.AuditBy(actor, "purchase.claim", "purchase/"+p.ID, "", &before, p)
}

func registerPurchase(tx *store.Txn, actor appliance.Actor, n *NewPurchase, c *appliance.Customer, r Rules, now time.Time) (*appliance.Purchase, error) {
	if err := r.category("purchase.category", n.Category); err != nil {
		return nil, err
	}
	if strings.TrimSpace(n.Name) == "" {
		return nil, appliance.FieldError("purchase.name", "请填写商品名称 / the product name is required")
	}
	d, err := calendar.ParseDate(n.Purchased)
	if err != nil {
		return nil, appliance.FieldError("purchase.purchased", "购买日期应为 YYYY-MM-DD / purchased must be YYYY-MM-DD")
	}
	if d.After(calendar.DateOf(now)) {
		return nil, appliance.FieldError("purchase.purchased", "购买日期晚于受理日期 / purchase date is after the claim date")
	}
	if n.PriceFen < 0 || n.PriceFen > policy.MaxPriceFen {
		return nil, appliance.FieldError("purchase.price_fen", "价格不正确 / the price is out of range")
	}
	p := &appliance.Purchase{ID: newID("P", now), CustomerID: c.ID, ProductCode: strings.TrimSpace(n.ProductCode),
		Name: strings.TrimSpace(n.Name), Category: n.Category, Serial: strings.TrimSpace(n.Serial),
		Purchased: d.In(r.Calendar.Location()), PriceFen: n.PriceFen, Receipt: strings.TrimSpace(n.Receipt),
		Channel: n.Channel, WarrantyCard: n.WarrantyCard, Special: n.Special, Gift: n.Gift, Custom: n.Custom, Created: now}
	if err := tx.PutPurchase(p); err != nil {
		return nil, err
	}
	return p, tx.AuditBy(actor, "purchase.create", "purchase/"+p.ID, "", nil, p)
}

// facts derives the policy facts of a ticket about a purchase.
func facts(t *appliance.Ticket, p *appliance.Purchase, prior int, repairable *bool, r Rules, now time.Time) policy.Facts {
	f := policy.Facts{Category: p.Category, Purchased: calendar.DateOf(p.Purchased.In(r.Calendar.Location())).String(),
		Claimed: calendar.DateOf(now).String(), PriceFen: p.PriceFen, Problem: t.Problem, PriorRepairs: prior,
		Repairable: repairable, Request: t.Request, MailedIn: t.MailedIn,
		Condition: policy.Condition{Unused: t.Condition.Unused, Packaging: t.Condition.Packaging,
			Accessories: t.Condition.Accessories, WarrantyCard: t.Condition.WarrantyCard, Tags: t.Condition.Tags}}
	for flag, on := range map[string]bool{policy.FlagSpecial: p.Special, policy.FlagGift: p.Gift, policy.FlagCustom: p.Custom} {
		if on {
			f.Flags = append(f.Flags, flag)
		}
	}
	slices.Sort(f.Flags)
	return f
}

// decide computes and stores the decision on t, choosing the outcome the
// customer asked for and the service class it gives.
func decide(t *appliance.Ticket, p *appliance.Purchase, prior int, r Rules, now time.Time) (policy.Decision, error) {
	return decideWith(t, p, prior, nil, r, now)
}

func decideWith(t *appliance.Ticket, p *appliance.Purchase, prior int, repairable *bool, r Rules, now time.Time) (policy.Decision, error) {
	f := facts(t, p, prior, repairable, r, now)
	if err := policy.Validate(r.Policy, f); err != nil {
		return policy.Decision{}, err
	}
	d := policy.Decide(r.Policy, f)
	var err error
	if t.Facts, err = json.Marshal(f); err != nil {
		return d, fmt.Errorf("encode facts: %w", err)
	}
	if t.Decision, err = json.Marshal(d); err != nil {
		return d, fmt.Errorf("encode decision: %w", err)
	}
	t.ConfigVersion = d.ConfigVersion
	t.Outcome = chosenOutcome(d, t.Request)
	switch t.Outcome {
	case policy.KindFreeRepair:
		t.ServiceClass = "C"
	case policy.KindPaidRepair:
		t.ServiceClass = "A"
	}
	return d, nil
}

// chosenOutcome is the requested outcome of the decision; a repair whose
// defect has been repaired too often becomes the exchange (seed 003).
func chosenOutcome(d policy.Decision, req string) string {
	if req == policy.RequestRepair {
		if o, ok := d.Outcome(policy.KindExchange); ok && slices.Contains(o.Rules, policy.RuleThreeRepairs) {
			return policy.KindExchange
		}
	}
	for _, o := range d.Outcomes {
		if o.Requested {
			return o.Kind
		}
	}
	if req == policy.RequestRepair {
		return policy.KindPaidRepair
	}
	return req
}

// priorRepairs counts the earlier tickets on the same purchase whose same
// defect was repaired free within the warranty (seed 003).
func priorRepairs(tx *store.Txn, t *appliance.Ticket, p *appliance.Purchase, r Rules) (int, error) {
	if t.Defect == "" {
		return 0, nil
	}
	ts, err := tx.TicketsOfPurchase(p.ID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, o := range ts {
		if o.Number != t.Number && o.Kind == appliance.KindRepair && o.ServiceClass == "C" &&
			o.Result == appliance.ResultRepaired && sameDefect(o.Defect, t.Defect) {
			n++
		}
	}
	return n, nil
}

func sameDefect(a, b string) bool {
	return strings.EqualFold(strings.Join(strings.Fields(a), ""), strings.Join(strings.Fields(b), ""))
}

// due is the ticket's deadline from the SLA, in working time where the SLA
// counts working days.
func due(t *appliance.Ticket, r Rules) time.Time {
	c, sla := r.Calendar, r.SLA
	switch t.Kind {
	case appliance.KindRepair:
		return t.Created.AddDate(0, 0, sla.RepairCompletionDays) // 第十六条: 1 week, calendar days
	case appliance.KindOnSite:
		return t.Created.Add(sla.OnsiteSolve)
	case appliance.KindComplaint:
		return c.AddWorkingDays(t.Created, sla.ComplaintReplyWorkingDays)
	case appliance.KindReturn:
		return c.AddWorkingDays(t.Created, sla.ReturnProcessingWorkingDays)
	case appliance.KindExchange:
		return c.AddWorkingDays(t.Created, sla.QualityCaseWorkingDays)
	case appliance.KindConsult, appliance.KindDelivery:
		return t.Created.Add(sla.FirstResponse)
	case appliance.KindMaintenance:
		return t.ContractEnd
	}
	return time.Time{} // storage and out-of-stock have no deadline of their own
}
