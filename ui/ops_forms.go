package ui

import (
	"maps"
	"slices"
	"strings"

	"shouhou/appliance"
	"shouhou/appliance/store"
	"shouhou/forms"
)

// The screen side of the store's forms (issue 5: "the same definition
// drives the on-screen form fields"): forms.list names the forms, form.get
// gives one as the screen draws it, pre-filled from its record, and
// form.print checks what the clerk sent back and prints it.

// formSource is the record a form is filled from.
type formSource int

const (
	// fromNothing: the store's header, the clerk and free values only (a
	// day's report).
	fromNothing formSource = iota
	// fromTicket: a ticket, its customer, purchase and card; the form
	// carries the ticket number (ticketForms).
	fromTicket
	// fromCard: a card, its holder and its last ledger entry (the card
	// receipt).
	fromCard
)

// sourceOf says what f is filled from.
func sourceOf(f *forms.Form) formSource {
	if slices.Contains(ticketForms(), f.Name) {
		return fromTicket
	}
	for _, fd := range f.Fields() {
		if strings.HasPrefix(fd.Source, "ledger.") {
			return fromCard
		}
	}
	return fromNothing
}

// lockedSource reports whether a field filled from src shows the record as
// it is and may not be changed on the screen: the ticket number (printed
// as the barcode) and every figure of a card transaction.
func lockedSource(src string) bool {
	return src == "ticket.number" || strings.HasPrefix(src, "ledger.")
}

// formEntry is one row of forms.list.
type formEntry struct {
	Name  string      `json:"name"`
	Title forms.Label `json:"title"`
	// Parts are the captions of a multi-part form's copies; empty for a
	// single copy.
	Parts []forms.Label `json:"parts"`
	// Ticket: form.get and form.print take the ticket's number.
	Ticket bool `json:"ticket"`
	// Card: form.get and form.print take a card number.
	Card bool `json:"card"`
}

// partCaptions are the captions of f's parts.
func partCaptions(f *forms.Form) []forms.Label {
	out := make([]forms.Label, 0, len(f.Parts))
	for _, p := range f.Parts {
		out = append(out, p.Caption)
	}
	return out
}

// opFormsList lists the forms a screen can fill and print: all but the
// daily closing, which day.close prints from the books, never from figures
// typed on a screen.
func opFormsList(c *call, _ *none) (any, error) {
	var out []formEntry
	for _, f := range forms.All() {
		if f.Name == closingForm {
			continue
		}
		src := sourceOf(f)
		out = append(out, formEntry{Name: f.Name, Title: f.Title, Parts: partCaptions(f),
			Ticket: src == fromTicket, Card: src == fromCard})
	}
	return out, nil
}

// formArgs are the arguments of form.get and form.print.
type formArgs struct {
	// Name is the form's name (forms.list).
	Name string `json:"name"`
	// Number is the ticket a ticket form is filled from.
	Number string `json:"number"`
	// Card is the card a card receipt is filled from.
	Card string `json:"card"`
	// Values are the field values the clerk sent (form.print).
	Values map[string]string `json:"values"`
	// Parts are the parts to print (form.print); none: all of them.
	Parts []int `json:"parts"`
	// Key is form.print's idempotency key ("" for none): a retry returns
	// the first job and prints nothing again.
	Key string `json:"key,omitempty"`
}

// formFill is a form with the record it is filled from.
type formFill struct {
	// form is the definition as it prints.
	form *forms.Form
	// screen is the definition as the screen edits it: a field the paper
	// leaves for the pen (Handwrite) is not required there, it prints a
	// blank line.
	screen *forms.Form
	// rec is the record, with the store's header, the caller as the
	// operator and now as the print time.
	rec forms.Record
}

// loadForm finds the form a names and reads the record it is filled
// from: the ticket of a ticket form, the card of a card receipt, nothing
// for the others. A missing or unexpected number or card is EINVALID
// on that argument.
func (c *call) loadForm(a *formArgs) (*formFill, error) {
	f, err := formByName(a.Name)
	if err != nil {
		return nil, err
	}
	screen, _ := formByName(a.Name) // a second, fresh copy to relax
	for i := range screen.Sections {
		for j, fd := range screen.Sections[i].Fields {
			screen.Sections[i].Fields[j].Required = fd.Required && !fd.Handwrite
		}
	}
	cfg := c.srv.config()
	now := c.srv.opts.Now()
	fl := &formFill{form: f, screen: screen}
	switch sourceOf(f) {
	case fromTicket:
		err = c.ticketFormRecord(fl, a)
	case fromCard:
		err = c.cardFormRecord(fl, a)
	default:
		err = noRecord(f, a)
	}
	if err != nil {
		return nil, err
	}
	fl.rec.Store = storeInfo(cfg)
	fl.rec.Operator, fl.rec.Printed = c.actor.ID, now
	fl.rec.Values = slipValues(f.Name, now, cfg.Store.Location)
	return fl, nil
}

// formByName is forms.ByName for the form ops: a name missing, unknown
// or the closing's is EINVALID on "name".
func formByName(name string) (*forms.Form, error) {
	if name == "" {
		return nil, appliance.FieldError("name", "请选择单据 / pick a form")
	}
	if name == closingForm {
		return nil, appliance.FieldError("name", "日结单由日结打印 / the closing slip is printed by day.close")
	}
	f, err := forms.ByName(name)
	if err != nil {
		var known []appliance.Known
		for _, f := range forms.All() {
			if f.Name != closingForm {
				known = append(known, appliance.Known{ID: f.Name, Name: f.Title.Zh})
			}
		}
		return nil, appliance.UnknownError("name", "单据", "form", name, known)
	}
	return f, nil
}

// noRecord refuses a ticket or a card for a form filled from nothing.
func noRecord(f *forms.Form, a *formArgs) error {
	if a.Number != "" {
		return appliance.FieldError("number", "单据“%s”不按服务单填写 / the %s form is not filled from a ticket", f.Title.Zh, f.Name)
	}
	if a.Card != "" {
		return appliance.FieldError("card", "单据“%s”不按卡填写 / the %s form is not filled from a card", f.Title.Zh, f.Name)
	}
	return nil
}

// ticketFormRecord reads the ticket a.Number and its records into fl.
func (c *call) ticketFormRecord(fl *formFill, a *formArgs) error {
	if a.Number == "" {
		return appliance.FieldError("number", "请输入服务单号 / enter a ticket number")
	}
	if a.Card != "" {
		return appliance.FieldError("card", "单据“%s”按服务单填写，不按卡 / the %s form is filled from a ticket, not a card", fl.form.Title.Zh, fl.form.Name)
	}
	return c.srv.opts.Store.View(func(tx *store.Txn) error {
		t, err := tx.Ticket(a.Number)
		if err != nil {
			return err
		}
		fl.rec, err = ticketRecord(tx, t)
		return err
	})
}

// cardFormRecord reads the card a.Card, its holder and its last ledger
// entry into fl: the receipt of the card's latest transaction.
func (c *call) cardFormRecord(fl *formFill, a *formArgs) error {
	if a.Card == "" {
		return appliance.FieldError("card", "请输入卡号 / enter a card number")
	}
	if a.Number != "" {
		return appliance.FieldError("number", "单据“%s”按卡填写，不按服务单 / the %s form is filled from a card, not a ticket", fl.form.Title.Zh, fl.form.Name)
	}
	return c.srv.opts.Store.View(func(tx *store.Txn) error {
		card, err := tx.Card(a.Card)
		if err != nil {
			return err
		}
		entries, err := tx.LedgerOf(card.Number)
		if err != nil {
			return err
		}
		if len(entries) == 0 {
			return appliance.FieldError("card", "卡 %s 没有交易 / card %s has no transactions", card.Number, card.Number)
		}
		fl.rec.Card, fl.rec.Ledger = card, entries[len(entries)-1:]
		fl.rec.Customer, err = tx.Customer(card.CustomerID)
		if appliance.ErrorCode(err) == appliance.ENOTFOUND {
			err = nil
		}
		return err
	})
}

// formView is form.get's result: the form as the screen draws it and the
// values it starts with.
type formView struct {
	Form forms.ScreenForm `json:"form"`
	// Parts are the captions of the form's copies; empty for one copy.
	Parts []forms.Label `json:"parts"`
	// Values are every screen field's value from the record, the field's
	// default, or "".
	Values map[string]string `json:"values"`
	// Locked are the IDs of the fields shown as the record has them and
	// not to be changed: form.print refuses another value.
	Locked []string `json:"locked"`
}

// opFormGet gives a form as the screen draws it, pre-filled from its
// record.
func opFormGet(c *call, a *formArgs) (any, error) {
	fl, err := c.loadForm(a)
	if err != nil {
		return nil, err
	}
	all, err := fl.form.Fill(fl.rec)
	if err != nil {
		return nil, err
	}
	v := formView{Form: fl.screen.Screen(), Parts: partCaptions(fl.form), Values: map[string]string{}, Locked: []string{}}
	for _, s := range v.Form.Sections {
		for _, fd := range s.Fields {
			v.Values[fd.ID] = all[fd.ID]
			if lockedSource(fd.Source) {
				v.Locked = append(v.Locked, fd.ID)
			}
		}
	}
	return v, nil
}

// formPrinted is form.print's result.
type formPrinted struct {
	printed
	// PrintError says why the slip could not be queued.
	PrintError string `json:"print_error,omitempty"`
}

// filled checks the values the clerk sent against the form and returns
// the form with its record and those values, as form.print prints it.
func (c *call) filled(a *formArgs) (*formFill, error) {
	fl, err := c.loadForm(a)
	if err != nil {
		return nil, err
	}
	if err := checkParts(fl.form, a.Parts); err != nil {
		return nil, err
	}
	if err := forms.Validate(fl.screen, a.Values); err != nil {
		return nil, err
	}
	if err := checkLocked(fl, a.Values); err != nil {
		return nil, err
	}
	if fl.rec.Values == nil {
		fl.rec.Values = map[string]string{}
	}
	maps.Copy(fl.rec.Values, a.Values)
	return fl, nil
}

// paperPreview is form.preview's result: the slip as the desk's paper
// shows it.
type paperPreview struct {
	// Text is the paper, one line a line (drivers/printer.Text).
	Text string `json:"text"`
	// Columns is the paper's width in columns (a CJK character takes two).
	Columns int `json:"columns"`
	// Printer is the desk's printer the slip would go to.
	Printer string `json:"printer"`
}

// opFormPreview is the document form.print would queue with the same
// arguments, drawn as its paper shows it; nothing is printed or stored.
func opFormPreview(c *call, a *formArgs) (any, error) {
	if c.srv.opts.PaperText == nil {
		return nil, unavailable("此机不提供打印预览 / this box shows no print preview")
	}
	fl, err := c.filled(a)
	if err != nil {
		return nil, err
	}
	doc, p, err := c.srv.slips().render(c.actor, c.desk(), fl.form.Name, fl.rec, slipOpts{parts: a.Parts})
	if err != nil {
		return nil, err
	}
	if doc == nil {
		return nil, unavailable("此服务台没有配置打印机 / no printer is configured for this desk")
	}
	return paperPreview{Text: c.srv.opts.PaperText(doc), Columns: doc.Columns, Printer: p.ID}, nil
}

// opFormPrint checks the values the clerk sent against the form, then
// prints the form from its record and those values on the desk's printer.
func opFormPrint(c *call, a *formArgs) (any, error) {
	if _, err := c.printers(); err != nil {
		return nil, err
	}
	fl, err := c.filled(a)
	if err != nil {
		return nil, err
	}
	req, err := store.NewRequest("form.print", a.Key, a)
	if err != nil {
		return nil, err
	}
	p, err := c.printSlip(fl.form.Name, fl.rec, slipOpts{parts: a.Parts, req: req})
	switch {
	case appliance.ErrorCode(err) == appliance.EINVALID:
		return nil, err
	case err != nil:
		c.srv.opts.Logger.Warn("ui: form not printed", "form", fl.form.Name, "actor", c.actor.ID, "err", err)
		return formPrinted{printed: p, PrintError: appliance.ErrorMessage(err)}, nil
	case p.Printer == "":
		return nil, unavailable("此服务台没有配置打印机 / no printer is configured for this desk")
	}
	return formPrinted{printed: p}, nil
}

// checkParts checks that parts names each of f's parts at most once.
func checkParts(f *forms.Form, parts []int) error {
	n := max(len(f.Parts), 1)
	for i, p := range parts {
		if p < 1 || p > n {
			return appliance.FieldError("parts", "单据“%s”只有第1至%d联 / the %s form has parts 1 to %d", f.Title.Zh, n, f.Name, n)
		}
		if slices.Contains(parts[:i], p) {
			return appliance.FieldError("parts", "第%d联重复 / part %d is named twice", p, p)
		}
	}
	return nil
}

// checkLocked refuses a value for a locked field (lockedSource) other
// than the record's: the ticket number and a card transaction print as
// the store holds them. A blank value takes the record's.
func checkLocked(fl *formFill, values map[string]string) error {
	rec := fl.rec
	rec.Values = nil
	want, err := fl.form.Fill(rec)
	if err != nil {
		return err
	}
	for _, fd := range fl.form.Fields() {
		v := strings.TrimSpace(values[fd.ID])
		if !lockedSource(fd.Source) || v == "" || sameValue(fd, v, want[fd.ID]) {
			continue
		}
		return appliance.FieldError(fd.ID, "%s以记录为准（%s），不能修改 / %s comes from the record (%s) and cannot be changed",
			fd.Label.Zh, want[fd.ID], fd.Label.En, want[fd.ID])
	}
	return nil
}

// sameValue reports whether a and b are the same value of fd's kind: money
// compares in fen ("12" is "12.00").
func sameValue(fd forms.Field, a, b string) bool {
	if fd.Kind == forms.FieldMoney {
		x, errA := forms.ParseYuan(a)
		y, errB := forms.ParseYuan(b)
		return errA == nil && errB == nil && x == y
	}
	return a == b
}
