package forms

import (
	"fmt"
	"regexp"
	"strings"
)

// Paper layout choices (see doc.go "On paper").
const (
	// handLine is the character of a blank line left for the pen.
	handLine = "_"
	// minHandWidth is the shortest blank worth writing on beside a label;
	// a shorter one goes on a line of its own.
	minHandWidth = 8
	// maxBoxOptions is the most options a select prints as tick boxes
	// (■ chosen, □ not); a longer list prints the chosen option's label.
	maxBoxOptions = 4
	// maxCodeLen is the longest value printed as a barcode and QR code: a
	// CODE128 of the ticket number fits 58 mm paper.
	maxCodeLen = 20
)

// Fill returns the value of every field of f from rec, trimmed:
// rec.Values[ID] when it is not blank (what the clerk entered or changed,
// or a report's figure), else the field's Source from the records, else
// the field's Default. The screen pre-fills its form with it; Render
// prints it. It fails only when a field names a Source that does not
// exist (a bug in the definition).
func (f *Form) Fill(rec Record) (map[string]string, error) {
	out := make(map[string]string)
	for _, fd := range f.Fields() {
		v := rec.Values[fd.ID]
		if fd.Source != "" {
			s, ok := rec.source(fd.Source)
			if !ok {
				return nil, fmt.Errorf("forms: %s field %s: unknown source %q", f.Name, fd.ID, fd.Source)
			}
			if strings.TrimSpace(v) == "" {
				v = s
			}
		}
		if strings.TrimSpace(v) == "" {
			v = fd.Default
		}
		out[fd.ID] = strings.TrimSpace(v)
	}
	return out, nil
}

// Render fills f from rec and lays it out as a print document for paper
// cols columns wide (Columns58 or Columns80): the store's name, the title
// (double size, or double height when it would not fit), each part's
// caption, the sections as label/value rows aligned by display width,
// multi-line values (a fault description) wrapped under their label,
// money as "￥1299.00", the Code field as a CODE128 barcode and a QR code,
// the footers, and a cut after every part (partial between parts, full
// at the end).
//
// An empty required field is an error naming it (appliance.FieldError,
// wrapped), unless the field is Handwrite: then, like every empty
// Handwrite and every signature field, it prints as a blank line for the
// pen. An empty optional field is left out. A money, date, date-time or
// number value that is not of its kind is an error naming the field; any
// other value prints as it is (Validate is the strict check, for what
// people enter), a select's value that is none of its options included.
func Render(f *Form, rec Record, cols int) (*Document, error) {
	return RenderParts(f, rec, cols)
}

// RenderParts is Render printing only the given parts (1-based, in the
// order given), e.g. RenderParts(f, rec, cols, 2) to reprint a lost
// customer copy; no parts means all of them. A part f does not have is an
// error.
func RenderParts(f *Form, rec Record, cols int, parts ...int) (*Document, error) {
	all := f.Parts
	if len(all) == 0 {
		all = []Part{{}}
	}
	if len(parts) == 0 {
		for i := range all {
			parts = append(parts, i+1)
		}
	}
	for _, n := range parts {
		if n < 1 || n > len(all) {
			return nil, fmt.Errorf("forms: %s has no part %d (it has %d)", f.Name, n, len(all))
		}
	}
	if cols < MinColumns || cols > MaxColumns {
		return nil, fmt.Errorf("forms: %s: %d columns, want %d to %d", f.Name, cols, MinColumns, MaxColumns)
	}
	vals, err := f.Fill(rec)
	if err != nil {
		return nil, err
	}
	if err := checkForPrint(f, vals); err != nil {
		return nil, fmt.Errorf("forms: %s: %w", f.Name, err)
	}
	r := &renderer{f: f, rec: rec, vals: vals, d: New(f.Name, cols)}
	for i, n := range parts {
		r.part(n, all[n-1], i == len(parts)-1)
	}
	return r.d, nil
}

// checkForPrint checks the filled values as Render needs them.
func checkForPrint(f *Form, vals map[string]string) error {
	for _, fd := range f.Fields() {
		v := vals[fd.ID]
		switch {
		case fd.Kind == FieldSignature:
		case v == "":
			if fd.Required && !fd.Handwrite {
				return missing(fd)
			}
		case fd.Kind == FieldMoney || fd.Kind == FieldDate || fd.Kind == FieldDateTime || fd.Kind == FieldNumber:
			if err := checkKind(Field{ID: fd.ID, Label: fd.Label, Kind: fd.Kind}, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// renderer builds one document.
type renderer struct {
	f    *Form
	rec  Record
	vals map[string]string
	d    *Document
}

func (r *renderer) cols() int { return r.d.Columns }

// wide reports whether the paper is wide enough for English beside the
// Chinese (80 mm).
func (r *renderer) wide() bool { return r.cols() >= Columns80 }

// part lays out one copy of the form.
func (r *renderer) part(n int, p Part, last bool) {
	r.header(p)
	first := true
	for _, s := range r.f.Sections {
		fields := make([]Field, 0, len(s.Fields))
		for _, fd := range s.Fields {
			if fd.onPart(n) {
				fields = append(fields, fd)
			}
		}
		if len(fields) == 0 {
			continue
		}
		if !first {
			r.d.Separator('-')
		}
		first = false
		r.heading(s.Title)
		for _, fd := range fields {
			r.field(fd, r.vals[fd.ID])
		}
	}
	r.d.Separator('=')
	r.code()
	r.footer(p)
	r.d.Feed(3)
	r.d.Cut(!last)
}

// header prints the store, the title and the part's caption.
func (r *renderer) header(p Part) {
	store := strings.TrimSpace(r.rec.Store.Name + " " + r.rec.Store.Branch)
	if store != "" {
		r.d.Text(store, Style{Align: Center, Bold: true})
	}
	title := r.f.Title
	if p.Title.Zh != "" {
		title = p.Title
	}
	if Width(title.Zh)*Double.WidthFactor() <= r.cols() {
		r.d.Title(title.Zh)
	} else {
		r.d.Text(title.Zh, Style{Align: Center, Bold: true, Size: Tall})
	}
	if r.wide() && title.En != "" {
		r.d.Text(title.En, Style{Align: Center})
	}
	if p.Caption.Zh != "" {
		r.d.Text(p.Caption.Zh, Style{Align: Right, Bold: true})
	}
	r.d.Separator('=')
}

// heading prints a section's title: Chinese, and English beside it at 80 mm.
func (r *renderer) heading(t Label) {
	if t.Zh == "" {
		return
	}
	s := t.Zh
	if r.wide() && t.En != "" {
		s += " " + t.En
	}
	r.d.Text(s, Style{Bold: true})
}

// field prints one field with its value v ("" when empty).
func (r *renderer) field(fd Field, v string) {
	label := fd.Label.Zh
	switch fd.Kind {
	case FieldSignature:
		r.blank(label)
	case FieldMultiline:
		r.paragraph(fd, v)
	case FieldList:
		r.list(fd, v)
	case FieldSelect:
		r.choice(fd, v)
	default:
		switch {
		case v != "":
			r.row(label, display(fd, v))
		case fd.Handwrite:
			r.blank(label)
		}
	}
}

// row prints label and value on one line, the value flush right, when
// they fit; else the label, and under it the value wrapped and indented.
func (r *renderer) row(label, value string) {
	if Width(label)+1+Width(value) <= r.cols() {
		r.d.Row(label, value)
		return
	}
	r.d.Line(label)
	for _, l := range WrapWords(oneLine(value), r.cols()-len(indent)) {
		r.d.Line(indent + l)
	}
}

// indent starts the lines of a value under its label.
const indent = "  "

// display turns a value into its printed form.
func display(fd Field, v string) string {
	switch fd.Kind {
	case FieldMoney:
		if fen, err := ParseYuan(v); err == nil {
			return FormatYuan(fen)
		}
	case FieldBool:
		switch v {
		case "true":
			return "是"
		case "false":
			return "否"
		}
	}
	return v
}

// blank prints label and a line for the pen, beside it when there is room.
func (r *renderer) blank(label string) {
	if n := r.cols() - Width(label) - 2; n >= minHandWidth {
		r.d.Line(label + "：" + strings.Repeat(handLine, n))
		return
	}
	r.d.Line(label + "：")
	r.d.Line(strings.Repeat(handLine, r.cols()))
}

// paragraph prints a multi-line value wrapped under its label.
func (r *renderer) paragraph(fd Field, v string) {
	if v == "" {
		if fd.Handwrite {
			r.d.Line(fd.Label.Zh + "：")
			r.d.Line(strings.Repeat(handLine, r.cols()))
			r.d.Line(strings.Repeat(handLine, r.cols()))
		}
		return
	}
	r.d.Line(fd.Label.Zh + "：")
	for _, l := range WrapWords(v, r.cols()) {
		r.d.Line(l)
	}
}

// list prints a list value as indented rows under its label.
func (r *renderer) list(fd Field, v string) {
	if v == "" {
		r.paragraph(fd, "")
		return
	}
	r.d.Line(fd.Label.Zh + "：")
	for _, l := range strings.Split(v, "\n") {
		r.item(splitItem(strings.TrimRight(l, "\r")))
	}
}

// splitItem splits a list line into its left and right sides at the first
// tab, or else at the last '|' (easier to type on a screen).
func splitItem(l string) (left, right string) {
	var ok bool
	if left, right, ok = strings.Cut(l, "\t"); !ok {
		if i := strings.LastIndex(l, "|"); i >= 0 {
			left, right = l[:i], l[i+1:]
		}
	}
	return strings.TrimSpace(left), strings.TrimSpace(right)
}

// item prints one line of a list: left indented, right flush right, on
// one line when they fit; else left wrapped and indented, right at the
// end of its last line or under it.
func (r *renderer) item(left, right string) {
	if Width(indent+left)+1+Width(right) <= r.cols() {
		r.d.Row(indent+left, right)
		return
	}
	lines := WrapWords(oneLine(left), r.cols()-len(indent))
	for _, l := range lines[:len(lines)-1] {
		r.d.Line(indent + l)
	}
	last := indent + lines[len(lines)-1]
	if Width(last)+1+Width(right) <= r.cols() {
		r.d.Row(last, right)
		return
	}
	r.d.Line(last)
	if right != "" {
		r.d.Text(right, Style{Align: Right})
	}
}

// choice prints a select: tick boxes for a short option list, else the
// chosen option's label. A value that is no option prints as it is.
func (r *renderer) choice(fd Field, v string) {
	opt, ok := fd.option(v)
	if v != "" && !ok {
		r.row(fd.Label.Zh, v)
		return
	}
	if v == "" && !fd.Handwrite {
		return
	}
	if len(fd.Options) > maxBoxOptions {
		if v == "" {
			r.blank(fd.Label.Zh)
			return
		}
		r.row(fd.Label.Zh, opt.Label.Zh)
		return
	}
	items := make([]string, len(fd.Options))
	for i, o := range fd.Options {
		mark := "□"
		if o.Value == v {
			mark = "■"
		}
		items[i] = mark + o.Label.Zh
	}
	boxes := strings.Join(items, " ")
	if Width(fd.Label.Zh)+2+Width(boxes) <= r.cols() {
		r.d.Row(fd.Label.Zh, boxes)
		return
	}
	r.d.Line(fd.Label.Zh + "：")
	for _, l := range pack(items, r.cols(), indent) {
		r.d.Line(l)
	}
}

// pack puts items on as few lines of at most width columns as it can,
// each line starting with indent, items separated by a space. An item too
// wide for a line is left to Layout to wrap.
func pack(items []string, width int, indent string) []string {
	var lines []string
	cur := ""
	for _, it := range items {
		switch {
		case cur == "":
			cur = indent + it
		case Width(cur)+1+Width(it) <= width:
			cur += " " + it
		default:
			lines = append(lines, cur)
			cur = indent + it
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// code prints the Code field as a CODE128 barcode and a QR code, when its
// value can be one: printable ASCII, at most maxCodeLen characters, and
// matching the field's Pattern. Otherwise the number only prints as text
// in its row.
func (r *renderer) code() {
	if r.f.Code == "" {
		return
	}
	v := r.vals[r.f.Code]
	fd, _ := r.f.Field(r.f.Code)
	if !codeable(v, fd.Pattern) {
		return
	}
	r.d.Barcode(v)
	r.d.QR(v, 0)
}

func codeable(v, pattern string) bool {
	if v == "" || len(v) > maxCodeLen {
		return false
	}
	for i := 0; i < len(v); i++ {
		if v[i] < 0x21 || v[i] > 0x7e {
			return false
		}
	}
	if pattern == "" {
		return true
	}
	re, err := regexp.Compile(`^(?:` + pattern + `)$`)
	return err == nil && re.MatchString(v)
}

// footer prints the form's notes, the part's footer, the store's service
// phone and address, and when and by whom the slip was printed.
func (r *renderer) footer(p Part) {
	for _, n := range r.f.Footer {
		r.d.Line(n.Zh)
	}
	if p.Footer.Zh != "" {
		r.d.Text(p.Footer.Zh, Style{Align: Center, Bold: true})
	}
	if s := r.rec.Store; s.Phone != "" || s.Address != "" {
		if s.Phone != "" {
			r.d.Line("售后电话：" + s.Phone)
		}
		if s.Address != "" {
			r.d.Line("地址：" + s.Address)
		}
	}
	printed, _ := r.rec.source("print.time")
	if by := strings.TrimSpace(printed + " " + r.rec.Operator); by != "" {
		r.d.Text("打印 "+by, Style{Align: Right})
	}
}
