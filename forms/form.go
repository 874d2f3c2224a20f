package forms

// FieldKind says what a field holds, how the screen edits it and how paper
// prints it.
type FieldKind string

// Field kinds. Values travel as strings (Validate, Record.Values, Fill);
// the comment gives each kind's string form.
const (
	// FieldText is one line of free text.
	FieldText FieldKind = "text"
	// FieldMultiline is free text over several lines (a fault description),
	// printed as a wrapped paragraph under its label.
	FieldMultiline FieldKind = "multiline"
	// FieldPhone is a phone number: a mainland mobile (11 digits from 13x
	// to 19x, optionally +86), a landline with its area code (0xx or 0xxx
	// and 7 or 8 digits) or a 400/800 service number; spaces and '-' are
	// ignored.
	FieldPhone FieldKind = "phone"
	// FieldDate is a calendar date, "2006-01-02".
	FieldDate FieldKind = "date"
	// FieldDateTime is a date and time of day, "2006-01-02 15:04".
	FieldDateTime FieldKind = "datetime"
	// FieldMoney is an amount of money written in yuan with at most two
	// decimals ("1299", "35.5", "-12.00"); it is held as int64 fen and
	// printed as "￥1299.00". Min and Max are in fen.
	FieldMoney FieldKind = "money"
	// FieldNumber is a whole number (a quantity); Min and Max bound it.
	FieldNumber FieldKind = "number"
	// FieldSelect is one of Options, by Option.Value.
	FieldSelect FieldKind = "select"
	// FieldBool is "true" or "false", printed as 是 / 否.
	FieldBool FieldKind = "bool"
	// FieldList is one item a line, each "left<TAB>right", "left | right"
	// or just "left", printed as indented two-column rows (parts used, a
	// day's work).
	FieldList FieldKind = "list"
	// FieldSignature is a handwritten signature: paper only, always printed
	// as a blank line for the pen, never on the screen.
	FieldSignature FieldKind = "signature"
)

// Label is a people-facing text in Chinese and English.
type Label struct {
	// Zh is the Chinese text; paper prints it.
	Zh string `json:"zh"`
	// En is the English text.
	En string `json:"en"`
}

// L returns the Label zh / en.
func L(zh, en string) Label { return Label{Zh: zh, En: en} }

// Option is one choice of a select field.
type Option struct {
	// Value is what the field holds when the option is chosen.
	Value string `json:"value"`
	// Label is what people see.
	Label Label `json:"label"`
}

// Field is one blank of a form.
type Field struct {
	// ID names the field in values maps, errors and the screen; unique in
	// its form.
	ID string `json:"id"`
	// Label is the field's caption; paper prints Label.Zh.
	Label Label `json:"label"`
	// Kind says what the field holds.
	Kind FieldKind `json:"kind"`
	// Required fields must have a value: Validate fails without one, and so
	// does Render unless Handwrite is set.
	Required bool `json:"required,omitempty"`
	// Handwrite means the paper form leaves the field for the pen: Render
	// prints a blank line (or empty boxes for a select) when the value is
	// empty, instead of failing or leaving the field out.
	Handwrite bool `json:"handwrite,omitempty"`
	// Source names the record field that fills this one, e.g.
	// "ticket.number" (see Sources); empty: only Record.Values fills it.
	Source string `json:"source,omitempty"`
	// Default is the value when neither the record nor Values give one.
	Default string `json:"default,omitempty"`
	// Options are the choices of a select field.
	Options []Option `json:"options,omitempty"`
	// MaxLen is the most characters (runes) the value may have; 0: no limit.
	MaxLen int `json:"max_len,omitempty"`
	// Pattern is a regular expression (RE2) the whole value must match.
	Pattern string `json:"pattern,omitempty"`
	// PatternHint says in words what Pattern wants, for the error message.
	PatternHint Label `json:"pattern_hint,omitzero"`
	// Min and Max bound a number or money (in fen) field.
	Min *int64 `json:"min,omitempty"`
	Max *int64 `json:"max,omitempty"`
	// Parts lists the parts (1-based) that print the field; nil: all parts.
	Parts []int `json:"parts,omitempty"`
}

// Section is a group of fields under an optional heading.
type Section struct {
	// Title is the heading; empty for none.
	Title Label `json:"title,omitzero"`
	// Fields are the section's fields in print order.
	Fields []Field `json:"fields"`
}

// Part is one copy of a multi-part form (一式两联).
type Part struct {
	// Caption names the copy, e.g. 第一联 存根/维修部.
	Caption Label `json:"caption"`
	// Title, when set, replaces the form's title on this part (the repair
	// card's second part is the 回执单 receipt).
	Title Label `json:"title,omitzero"`
	// Footer is printed at the end of this part, e.g. "凭此联取件".
	Footer Label `json:"footer,omitzero"`
}

// Form is the declarative definition of one of the store's forms: it
// drives both the printed slip (Render) and the on-screen form (Screen,
// Validate).
type Form struct {
	// Name is the form's stable id, used by print jobs and the UI.
	Name string `json:"name"`
	// Title is the form's name as printed and shown.
	Title Label `json:"title"`
	// Seed cites where the form comes from.
	Seed string `json:"seed,omitempty"`
	// Parts are the copies printed one after another with a cut between;
	// nil prints a single copy without a caption.
	Parts []Part `json:"parts,omitempty"`
	// Code is the ID of the field printed as a CODE128 barcode and a QR
	// code on every part (the ticket number), or "".
	Code string `json:"code,omitempty"`
	// Sections hold the fields.
	Sections []Section `json:"sections"`
	// Footer is printed at the end of every part (the form's notes 注).
	Footer []Label `json:"footer,omitempty"`
}

// Fields returns every field of f in order.
func (f *Form) Fields() []Field {
	var out []Field
	for _, s := range f.Sections {
		out = append(out, s.Fields...)
	}
	return out
}

// Field returns the field of f with the given id.
func (f *Form) Field(id string) (Field, bool) {
	for _, s := range f.Sections {
		for _, fd := range s.Fields {
			if fd.ID == id {
				return fd, true
			}
		}
	}
	return Field{}, false
}

// onPart reports whether fd prints on part (1-based).
func (fd Field) onPart(part int) bool {
	if fd.Parts == nil {
		return true
	}
	for _, p := range fd.Parts {
		if p == part {
			return true
		}
	}
	return false
}

// option returns the option of fd whose value is v.
func (fd Field) option(v string) (Option, bool) {
	for _, o := range fd.Options {
		if o.Value == v {
			return o, true
		}
	}
	return Option{}, false
}
