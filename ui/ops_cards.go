package ui

import (
	"strings"

	"shouhou/appliance"
	"shouhou/appliance/cards"
	"shouhou/appliance/store"
	"shouhou/forms"
)

// cardService returns the card service or an unavailable error.
func (c *call) cards() (*cards.Service, error) {
	if c.srv.opts.Cards == nil {
		return nil, unavailable("卡服务未启动 / the card service is not running")
	}
	return c.srv.opts.Cards, nil
}

type phoneArgs struct {
	Phone string `json:"phone"`
}

// opCustomerLookup opens the customer panel by phone number.
func opCustomerLookup(c *call, a *phoneArgs) (any, error) {
	if a.Phone == "" {
		return nil, appliance.FieldError("phone", "请输入电话号码 / enter a phone number")
	}
	var p *Panel
	err := c.srv.opts.Store.View(func(tx *store.Txn) error {
		cust, err := tx.CustomerByPhone(a.Phone)
		if err != nil {
			return err
		}
		p, err = c.srv.panelOf(tx, cust, nil)
		return err
	})
	return p, err
}

// opMyPanel is the customer's own panel at the kiosk, masked.
func opMyPanel(c *call, _ *none) (any, error) {
	var p *Panel
	err := c.srv.opts.Store.View(func(tx *store.Txn) error {
		cust, err := tx.Customer(c.actor.ID)
		if err != nil {
			return err
		}
		p, err = c.srv.panelOf(tx, cust, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return p.masked(), nil
}

func opCardIssue(c *call, a *cards.IssueArgs) (any, error) {
	svc, err := c.cards()
	if err != nil {
		return nil, err
	}
	return svc.Issue(c.ctx, c.actor, *a)
}

type bindArgs struct {
	Card string `json:"card"`
	UID  string `json:"uid"`
}

func opCardBind(c *call, a *bindArgs) (any, error) {
	svc, err := c.cards()
	if err != nil {
		return nil, err
	}
	return svc.BindUID(c.ctx, c.actor, a.Card, a.UID)
}

func opCardTopUp(c *call, a *cards.MoneyArgs) (any, error) {
	svc, err := c.cards()
	if err != nil {
		return nil, err
	}
	res, err := svc.TopUp(c.ctx, c.actor, *a)
	if err != nil {
		return nil, err
	}
	return c.cardReceipt(res), nil
}

// opCardCharge charges a card of this box, or, given the chip UID of a
// card this box does not hold, another branch's card at its issuing box
// (chargeForeign).
func opCardCharge(c *call, a *cardChargeArgs) (any, error) {
	svc, err := c.cards()
	if err != nil {
		return nil, err
	}
	if uid := strings.ToUpper(strings.TrimSpace(a.UID)); uid != "" {
		local, err := c.srv.localUID(uid)
		if err != nil {
			return nil, err
		}
		if !local {
			return c.chargeForeign(a, uid)
		}
	}
	res, err := svc.Charge(c.ctx, c.actor, a.MoneyArgs)
	if err != nil {
		return nil, err
	}
	return c.cardReceipt(res), nil
}

func opCardRefund(c *call, a *cards.MoneyArgs) (any, error) {
	svc, err := c.cards()
	if err != nil {
		return nil, err
	}
	res, err := svc.Refund(c.ctx, c.actor, *a)
	if err != nil {
		return nil, err
	}
	return c.cardReceipt(res), nil
}

func opCardReverse(c *call, a *cards.ReverseArgs) (any, error) {
	svc, err := c.cards()
	if err != nil {
		return nil, err
	}
	return svc.Reverse(c.ctx, c.actor, *a)
}

type cardArgs struct {
	Card string `json:"card"`
}

func opCardLost(c *call, a *cardArgs) (any, error) {
	svc, err := c.cards()
	if err != nil {
		return nil, err
	}
	return svc.ReportLost(c.ctx, c.actor, a.Card)
}

func opCardUnblock(c *call, a *cardArgs) (any, error) {
	svc, err := c.cards()
	if err != nil {
		return nil, err
	}
	return svc.Unblock(c.ctx, c.actor, a.Card)
}

func opCardReplace(c *call, a *cards.ReplaceArgs) (any, error) {
	svc, err := c.cards()
	if err != nil {
		return nil, err
	}
	return svc.Replace(c.ctx, c.actor, *a)
}

func opCardCancel(c *call, a *cards.CancelArgs) (any, error) {
	svc, err := c.cards()
	if err != nil {
		return nil, err
	}
	res, err := svc.Cancel(c.ctx, c.actor, *a)
	if err != nil {
		return nil, err
	}
	return c.cardReceipt(res), nil
}

type ledgerResult struct {
	Card    *appliance.Card          `json:"card"`
	Entries []*appliance.LedgerEntry `json:"entries"`
}

func opCardLedger(c *call, a *cardArgs) (any, error) {
	svc, err := c.cards()
	if err != nil {
		return nil, err
	}
	if a.Card == "" {
		return nil, appliance.FieldError("card", "请输入卡号 / enter a card number")
	}
	card, entries, err := svc.Ledger(a.Card)
	if err != nil {
		return nil, err
	}
	return ledgerResult{Card: card, Entries: entries}, nil
}

// cardMoneyResult is a card money op's result with the receipt printed.
type cardMoneyResult struct {
	*cards.Result
	printed
	// PrintError says why no receipt was queued.
	PrintError string `json:"print_error,omitempty"`
}

// cardReceipt prints the transaction receipt (card_receipt) of a money
// op's last ledger entry on the desk's printer; a cash payout (the
// cashout of card.cancel) kicks the cash drawer open too. A replayed
// request prints nothing again, and a print problem never undoes the money.
func (c *call) cardReceipt(res *cards.Result) cardMoneyResult {
	out := cardMoneyResult{Result: res}
	if res.Replayed || len(res.Entries) == 0 {
		return out
	}
	last := res.Entries[len(res.Entries)-1]
	o := slipOpts{drawer: last.Kind == appliance.LedgerCashout && last.AmountFen != 0}
	rec := forms.Record{Card: res.Card, Ledger: res.Entries}
	err := c.srv.opts.Store.View(func(tx *store.Txn) (err error) {
		rec.Customer, err = tx.Customer(res.Card.CustomerID)
		return err
	})
	if err != nil && appliance.ErrorCode(err) != appliance.ENOTFOUND {
		c.srv.opts.Logger.Warn("ui: card receipt not printed", "card", res.Card.Number, "err", err)
		out.PrintError = appliance.ErrorMessage(err)
		return out
	}
	out.printed, out.PrintError = c.printAfter("card_receipt", rec, o)
	return out
}
