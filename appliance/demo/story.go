package demo

import (
	"fmt"

	"shouhou/appliance"
	"shouhou/appliance/tickets"
)

// story is one ticket's life in the month, told as steps of the workflow.
type story struct {
	m  *month
	n  int    // the story's place in the script
	no string // the ticket number, once taken in
}

func (m *month) story() *story { return &story{m: m, n: len(m.steps)} }

// do schedules fn on the story's ticket at hh:mm daysAgo days before today.
func (s *story) do(daysAgo, hh, mm int, what string, fn func(no string) (*appliance.Ticket, error)) *story {
	s.m.at(s.m.day(daysAgo, hh, mm), what, func(m *month) error {
		_, err := fn(s.no)
		if err != nil {
			return fmt.Errorf("%s %s: %w", what, s.no, err)
		}
		return nil
	})
	return s
}

// intake takes the ticket in at the desk; a receipt of purchase bought
// ageDays before the intake registers the purchase.
func (s *story) intake(daysAgo, hh, mm int, a tickets.IntakeArgs, purchase int, ageDays int) *story {
	m := s.m
	at := m.day(daysAgo, hh, mm)
	m.at(at, "intake", func(m *month) error {
		if purchase >= 0 {
			p := products[purchase]
			a.Purchase = &tickets.NewPurchase{ProductCode: p.code, Name: p.name, Category: p.category,
				Serial: fmt.Sprintf("SN%s%02d%02d", p.code[8:], s.n%100, ageDays%100), Purchased: date(at, ageDays),
				PriceFen: p.priceFen, Receipt: fmt.Sprintf("R%s%03d", at.AddDate(0, 0, -ageDays).Format("20060102"), 100+s.n%900),
				Channel: "store", WarrantyCard: fmt.Sprintf("W%06d", 500+s.n)}
		}
		t, err := m.tickets.Intake(m.ctx, m.clerk, a)
		if err != nil {
			return fmt.Errorf("intake %s (%s): %w", a.Kind, a.Fault, err)
		}
		s.no = t.Number
		return nil
	})
	return s
}

func (s *story) tech() appliance.Actor { return s.m.tech(s.n) }

func (s *story) assign(d, hh, mm int) *story {
	return s.do(d, hh, mm, "assign", func(no string) (*appliance.Ticket, error) {
		return s.m.tickets.Assign(s.m.ctx, s.m.clerk, no, s.tech().ID)
	})
}

func (s *story) diagnose(d, hh, mm int, a tickets.DiagnoseArgs) *story {
	return s.do(d, hh, mm, "diagnose", func(no string) (*appliance.Ticket, error) {
		return s.m.tickets.Diagnose(s.m.ctx, s.tech(), no, a)
	})
}

// quote tells the customer the fee and records their answer.
func (s *story) quote(d, hh, mm int, accepted bool) *story {
	s.do(d, hh, mm, "quote", func(no string) (*appliance.Ticket, error) { return s.m.tickets.Quote(s.m.ctx, s.m.clerk, no) })
	return s.do(d, hh, mm+20, "quote answer", func(no string) (*appliance.Ticket, error) {
		return s.m.tickets.AnswerQuote(s.m.ctx, s.m.clerk, no, accepted)
	})
}

func (s *story) toVendor(d, hh, mm int, vendor, note string) *story {
	return s.do(d, hh, mm, "send to the maker", func(no string) (*appliance.Ticket, error) {
		return s.m.tickets.SendToVendor(s.m.ctx, s.tech(), no, vendor, note)
	})
}

func (s *story) fromVendor(d, hh, mm int, note string) *story {
	return s.do(d, hh, mm, "back from the maker", func(no string) (*appliance.Ticket, error) {
		return s.m.tickets.BackFromVendor(s.m.ctx, s.m.clerk, no, note)
	})
}

func (s *story) conclude(d, hh, mm int, result, text string) *story {
	return s.do(d, hh, mm, "conclude", func(no string) (*appliance.Ticket, error) {
		return s.m.tickets.Conclude(s.m.ctx, s.tech(), no, tickets.ConcludeArgs{Result: result, Conclusion: text})
	})
}

func (s *story) settle(d, hh, mm int, outcome, note string) *story {
	return s.do(d, hh, mm, "settle", func(no string) (*appliance.Ticket, error) {
		return s.m.tickets.Settle(s.m.ctx, s.m.boss, no, tickets.SettleArgs{Outcome: outcome, Note: note})
	})
}

// call records a call of the ticket's current call kind.
func (s *story) call(d, hh, mm int, kind, outcome, note string) *story {
	return s.do(d, hh, mm, "call "+kind, func(no string) (*appliance.Ticket, error) {
		return s.m.tickets.CloseCall(s.m.ctx, s.m.clerk, no, kind, outcome, note)
	})
}

func (s *story) move(d, hh, mm int, who appliance.Actor, to appliance.TicketStatus, reason string) *story {
	return s.do(d, hh, mm, "move to "+string(to), func(no string) (*appliance.Ticket, error) {
		return s.m.tickets.Move(s.m.ctx, who, no, to, reason)
	})
}

func (s *story) charge(d, hh, mm int, method string) *story {
	return s.do(d, hh, mm, "charge "+method, func(no string) (*appliance.Ticket, error) {
		return s.m.tickets.Charge(s.m.ctx, s.m.clerk, no, method, "")
	})
}

// pickup hands the item back; a survey of four levels (1–4) is answered.
func (s *story) pickup(d, hh, mm int, survey ...int) *story {
	return s.do(d, hh, mm, "pickup", func(no string) (*appliance.Ticket, error) {
		return s.m.tickets.Pickup(s.m.ctx, s.m.clerk, no, levels(survey))
	})
}

func (s *story) survey(d, hh, mm int, survey ...int) *story {
	return s.do(d, hh, mm, "survey", func(no string) (*appliance.Ticket, error) {
		return s.m.tickets.RecordSurvey(s.m.ctx, s.m.clerk, no, *levels(survey))
	})
}

func (s *story) stockArrived(d, hh, mm int, note string) *story {
	return s.do(d, hh, mm, "stock arrived", func(no string) (*appliance.Ticket, error) {
		return s.m.tickets.StockArrived(s.m.ctx, s.m.clerk, no, note)
	})
}

func (s *story) reject(d, hh, mm int, reason string) *story {
	return s.do(d, hh, mm, "reject", func(no string) (*appliance.Ticket, error) {
		return s.m.tickets.Reject(s.m.ctx, s.m.boss, no, reason)
	})
}

func (s *story) approve(d, hh, mm int, reason string) *story {
	return s.do(d, hh, mm, "approve", func(no string) (*appliance.Ticket, error) {
		return s.m.tickets.Approve(s.m.ctx, s.m.boss, no, reason)
	})
}

func levels(l []int) *appliance.Survey {
	if len(l) != 4 {
		return nil
	}
	return &appliance.Survey{Attitude: l[0], Skill: l[1], Timeliness: l[2], FollowUp: l[3]}
}
