package reports

import (
	"bytes"
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"shouhou/drivers/printer"
	"shouhou/forms"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update and review the diff):\n%s", name, got)
	}
}

// TestClosingSlip renders the closing of a generated day on the closing
// form at 80 mm and compares the text of the paper with the golden file.
func TestClosingSlip(t *testing.T) {
	m := MustMonth(t)
	day := monthStart.AddDate(0, 0, 29)
	c, err := m.rep.Close(day, clerk)
	if err != nil {
		t.Fatal(err)
	}
	f, err := forms.ByName("closing")
	if err != nil {
		t.Fatal(err)
	}
	rec := forms.Record{Store: forms.StoreInfo{Name: "乐佳福百货", Branch: "朝阳路店", Phone: "010-6500 0000",
		Address: "北京市朝阳区朝阳路1号一层服务台", Location: cst}, Operator: "李娜",
		Printed: day.Add(18*time.Hour + 5*time.Minute), Values: c.FormValues()}
	doc, err := forms.Render(f, rec, forms.Columns80)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "closing-80.txt", printer.Text(doc))
	if problems := forms.Problems(f, rec.Values); len(problems) != 0 {
		t.Errorf("the closing's values do not validate: %v", problems)
	}
}

// TestCSV writes every table of a closing and the KPIs as CSV and reads
// them back: a BOM first, then the same cells, Chinese intact.
func TestCSV(t *testing.T) {
	m := MustMonth(t)
	c, err := m.rep.Closing(monthStart.AddDate(0, 0, 10))
	if err != nil {
		t.Fatal(err)
	}
	k, err := m.rep.KPIs(monthStart, monthStart.AddDate(0, 0, 29))
	if err != nil {
		t.Fatal(err)
	}
	for _, tb := range append(c.Tables(), k.Tables()...) {
		t.Run(tb.Name, func(t *testing.T) {
			var b bytes.Buffer
			if err := WriteCSV(&b, tb); err != nil {
				t.Fatal(err)
			}
			s, ok := strings.CutPrefix(b.String(), BOM)
			if !ok {
				t.Fatalf("CSV does not start with the UTF-8 BOM: %q", b.String()[:8])
			}
			rows, err := csv.NewReader(strings.NewReader(s)).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			want := append([][]string{tb.Columns}, tb.Rows...)
			if !reflect.DeepEqual(rows, want) {
				t.Errorf("CSV read back = %q, want %q", rows, want)
			}
		})
	}
}
