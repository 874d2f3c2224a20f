package forms

// ScreenForm is a form as the screen shows it: JSON for the UI, which
// draws the fields, pre-fills them from Form.Fill and sends the values back
// for Validate on the server.
type ScreenForm struct {
	// Name is the form's id.
	Name string `json:"name"`
	// Title is the form's name.
	Title Label `json:"title"`
	// Code is the ID of the field the slip prints as a barcode, or "".
	Code string `json:"code,omitempty"`
	// Sections hold the fields the screen edits.
	Sections []ScreenSection `json:"sections"`
}

// ScreenSection is a group of screen fields under an optional heading.
type ScreenSection struct {
	// Title is the heading; empty for none.
	Title Label `json:"title,omitzero"`
	// Fields are the section's fields in order.
	Fields []ScreenField `json:"fields"`
}

// ScreenField is one input of a screen form.
type ScreenField struct {
	// ID is the key of the field's value.
	ID string `json:"id"`
	// Label is the input's caption, Chinese and English.
	Label Label `json:"label"`
	// Kind says which input to draw (see FieldKind).
	Kind FieldKind `json:"kind"`
	// Required inputs must be filled.
	Required bool `json:"required,omitempty"`
	// Source names the record field that pre-fills the input, if any.
	Source string `json:"source,omitempty"`
	// Default is the value when nothing pre-fills the input.
	Default string `json:"default,omitempty"`
	// Options are a select's choices.
	Options []Option `json:"options,omitempty"`
	// MaxLen is the most characters the value may have.
	MaxLen int `json:"max_len,omitempty"`
	// Pattern is a regular expression the whole value must match, with
	// PatternHint saying what it wants.
	Pattern     string `json:"pattern,omitempty"`
	PatternHint Label  `json:"pattern_hint,omitzero"`
	// Min and Max bound a number, or a money amount in fen.
	Min *int64 `json:"min,omitempty"`
	Max *int64 `json:"max,omitempty"`
}

// Screen returns f as the screen shows it: every field but the paper-only
// signatures, with its labels, kind, whether it is required, its options
// and its validation rules. A section left without fields is dropped.
func (f *Form) Screen() ScreenForm {
	out := ScreenForm{Name: f.Name, Title: f.Title, Code: f.Code, Sections: []ScreenSection{}}
	for _, s := range f.Sections {
		ss := ScreenSection{Title: s.Title, Fields: []ScreenField{}}
		for _, fd := range s.Fields {
			if fd.Kind == FieldSignature {
				continue
			}
			ss.Fields = append(ss.Fields, ScreenField{
				ID: fd.ID, Label: fd.Label, Kind: fd.Kind, Required: fd.Required, Source: fd.Source,
				Default: fd.Default, Options: fd.Options, MaxLen: fd.MaxLen, Pattern: fd.Pattern,
				PatternHint: fd.PatternHint, Min: fd.Min, Max: fd.Max,
			})
		}
		if len(ss.Fields) > 0 {
			out.Sections = append(out.Sections, ss)
		}
	}
	return out
}
