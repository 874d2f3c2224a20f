package forms

import "testing"

// BenchmarkRender renders and lays out the two-part tracking card and the
// daily closing from their fixtures at 80 mm, as printing one does.
func BenchmarkRender(b *testing.B) {
	for _, name := range []string{"tracking", "closing"} {
		b.Run(name, func(b *testing.B) {
			f, err := ByName(name)
			if err != nil {
				b.Fatal(err)
			}
			rec := fixtureFor(name)
			b.ReportAllocs()
			for b.Loop() {
				doc, err := Render(f, rec, Columns80)
				if err != nil {
					b.Fatal(err)
				}
				_ = doc.Layout()
			}
		})
	}
}

// BenchmarkValidate validates the tracking card's screen values.
func BenchmarkValidate(b *testing.B) {
	f, _ := ByName("tracking")
	vals, err := f.Fill(fixtureFor("tracking"))
	if err != nil {
		b.Fatal(err)
	}
	delete(vals, "branch")
	b.ReportAllocs()
	for b.Loop() {
		if err := Validate(f, vals); err != nil {
			b.Fatal(err)
		}
	}
}
