package policy

import (
	"fmt"
	"slices"
	"strings"
)

// Changes lists, for people, how decision b differs from decision a in what
// the customer gets: outcomes gained or lost, fees, refunds, caps, shipping
// and approval. Rule texts and config versions are not compared. An empty
// result means the customer would see the same decision.
func Changes(a, b Decision) []string {
	var out []string
	if a.Error != b.Error {
		out = append(out, fmt.Sprintf("error: %q → %q", a.Error, b.Error))
	}
	for _, o := range a.Outcomes {
		if _, ok := b.Outcome(o.Kind); !ok {
			out = append(out, "- "+o.Kind)
		}
	}
	for _, o := range b.Outcomes {
		old, ok := a.Outcome(o.Kind)
		if !ok {
			out = append(out, "+ "+o.Kind+" "+o.summary())
			continue
		}
		if s, t := old.summary(), o.summary(); s != t {
			out = append(out, fmt.Sprintf("~ %s: %s → %s", o.Kind, s, t))
		}
	}
	if a.Approval.Needed != b.Approval.Needed {
		out = append(out, fmt.Sprintf("approval: %v → %v %s", a.Approval.Needed, b.Approval.Needed, b.Approval.Reason))
	}
	return out
}

// summary is the part of an outcome a customer or cashier sees.
func (o Outcome) summary() string {
	var parts []string
	for _, f := range o.Fees {
		parts = append(parts, fmt.Sprintf("%s %s %s", f.Name, Yuan(f.Fen), f.Payer))
	}
	slices.Sort(parts)
	s := "fees[" + strings.Join(parts, ", ") + "]"
	if o.RefundFen != 0 {
		s += " refund " + Yuan(o.RefundFen)
	}
	if o.CapFen != 0 {
		s += " cap " + Yuan(o.CapFen)
	}
	if o.Shipping != "" {
		s += " shipping " + o.Shipping
	}
	if o.Until != "" {
		s += " until " + o.Until
	}
	if o.Approval != nil && o.Approval.Needed {
		s += " approval"
	}
	return s
}
