package forms_test

import (
	"strings"
	"testing"

	"shouhou/drivers/printer"
	"shouhou/forms"
)

// TestPrinterEncodes feeds every golden slip to the real ESC/POS encoder
// of drivers/printer (test only: forms itself never imports drivers): the
// barcode and QR code of the ticket number fit the paper and every
// character prints. The text preview must show the same lines as Layout.
func TestPrinterEncodes(t *testing.T) {
	for _, f := range forms.All() {
		for _, cols := range []int{forms.Columns58, forms.Columns80} {
			doc, err := forms.Render(f, forms.FixtureFor(f.Name), cols)
			if err != nil {
				t.Fatalf("Render(%s, %d) = %v", f.Name, cols, err)
			}
			if _, err := printer.Encode(doc); err != nil {
				t.Errorf("printer.Encode(%s at %d columns) = %v", f.Name, cols, err)
			}
			preview := printer.Text(doc)
			for _, l := range doc.Layout() {
				if l.Kind == forms.KindText && l.Size == forms.Normal && !strings.Contains(preview, l.Text) {
					t.Errorf("%s at %d: preview lacks line %q", f.Name, cols, l.Text)
				}
			}
		}
	}
}
