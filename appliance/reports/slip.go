package reports

import (
	"fmt"
	"strconv"
	"strings"
)

// FormValues fills the "closing" form (forms.ByName("closing"), field ids
// in forms/testdata/catalog.md) from the closing: money as yuan, lists as
// "label\tvalue" lines; staff over their daily money limit, discrepancies
// and adjustments one a line. The caller
// adds the store header and the operator and renders it.
func (c *Closing) FormValues() map[string]string {
	var byKind []string
	for _, row := range c.Tickets {
		for _, o := range sortedKeys(row.Closed) {
			label := strings.TrimSpace(kindName[row.Kind] + " " + outcomeName[o])
			if outcomeName[o] == "" && o != "none" {
				label = kindName[row.Kind] + " " + o
			}
			byKind = append(byKind, label+"\t"+strconv.Itoa(row.Closed[o]))
		}
	}
	var card []string
	for _, row := range c.Card {
		card = append(card, fmt.Sprintf("%s %d笔\t%s", ledgerName[row.Kind], row.Count, yuanSign(row.SumFen)))
	}
	var disc []string
	disc = append(disc, c.OverLimit()...)
	disc = append(disc, c.Discrepancies...)
	for _, a := range c.Adjustments {
		disc = append(disc, fmt.Sprintf("调整 %s %s：%d → %d", a.Day, a.Figure, a.Was, a.Now))
	}
	v := map[string]string{
		"date": c.Day, "opened": strconv.Itoa(c.Opened), "closed": strconv.Itoa(c.Closed),
		"by_kind": strings.Join(byKind, "\n"), "refund_cash": Yuan(c.RefundCashFen), "refund_card": Yuan(c.RefundCardFen),
		"card_in": Yuan(c.CardInFen), "card_charges": Yuan(c.CardChargesFen), "card_out": Yuan(c.CardOutFen),
		"card_by_kind": strings.Join(card, "\n"), "card_liability": Yuan(c.LiabilityEndFen),
		"fees_cash": Yuan(c.FeesCashFen), "fees_card": Yuan(c.FeesCardFen), "discrepancies": strings.Join(disc, "\n"),
	}
	if c.ClosedBy != "" {
		v["clerk"] = c.ClosedBy
	}
	return v
}

// yuanSign writes money as on the slip: "￥12.00", "-￥3.50".
func yuanSign(fen int64) string {
	if fen < 0 {
		return "-￥" + Yuan(-fen)
	}
	return "￥" + Yuan(fen)
}

// OverLimit says, one line each, who moved more card money in the day than
// the daily limit of their role (policy.toml [approval.limits.ROLE] daily).
func (c *Closing) OverLimit() []string {
	var out []string
	for _, o := range c.Operators {
		if o.Over {
			out = append(out, fmt.Sprintf("超限 %s 当日经手 %s，超过 %s / %s moved %s, above the daily limit of %s",
				o.Operator, yuanSign(o.TotalFen), yuanSign(o.LimitFen), o.Operator, yuanSign(o.TotalFen), yuanSign(o.LimitFen)))
		}
	}
	return out
}
