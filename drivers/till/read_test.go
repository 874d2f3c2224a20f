package till

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"shouhou/appliance/purchases"
)

var cst = time.FixedZone("CST", 8*3600)

// defaultSales is the sales mapping of the embedded till.toml.
func defaultSales(enc string) Mapping {
	return Mapping{Encoding: enc, Delimiter: ',', Header: true, DateLayout: "2006-01-02 15:04:05", Money: Yuan,
		Columns: map[string]Column{FieldReceipt: {Name: "小票号"}, FieldLine: {Name: "行号"}, FieldDate: {Name: "销售时间"},
			FieldSKU: {Name: "商品编码"}, FieldName: {Name: "商品名称"}, FieldCategory: {Name: "类别"},
			FieldSerial: {Name: "序列号"}, FieldPrice: {Name: "实收金额"}, FieldSpecial: {Name: "特价"}},
		Categories: map[string]string{"数码家电": "electronics"}, Location: cst}
}

const salesCSV = "小票号,行号,销售时间,商品编码,商品名称,类别,序列号,实收金额,特价\n" +
	"R001,1,2026-11-18 14:03:00,TV55,电视机 55英寸,数码家电,SN123,\"¥1,299.50\",否\n" +
	"R001,2,2026-11-18 14:03:00,HDMI,\"线材, 2米\",数码家电,,15,是\n" +
	"\n" +
	"R002,1,2026-11-18 25:00:00,TV55,电视机,数码家电,,10,\n" +
	"R002,x,2026-11-18 10:00:00,TV55,电视机,数码家电,,10,\n" +
	"R002,3,2026-11-18 10:00:00,TV55,电视机,数码家电,,10.005,\n" +
	"R002,4,2026-11-18 10:00:00,TV55,电视机,数码家电,,-3,\n" +
	"R002,5,2026-11-18 10:00:00,TV55\n" +
	"R002,6,2026-11-18 10:00:00,TV55,电视机,数码家电,,10,也许\n"

func TestSales(t *testing.T) {
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(salesCSV)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, enc, data string }{
		{"utf-8", UTF8, salesCSV}, {"utf-8-bom", UTF8, "\ufeff" + salesCSV}, {"gb18030", GB18030, gb},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sales, rejected, err := Sales(strings.NewReader(tc.data), defaultSales(tc.enc))
			if err != nil {
				t.Fatal(err)
			}
			if len(sales) != 2 {
				t.Fatalf("Sales read %d lines, want 2: %+v", len(sales), sales)
			}
			want := purchases.Sale{Row: 2, Receipt: "R001", Line: 1, SKU: "TV55", Name: "电视机 55英寸", Category: "electronics",
				Serial: "SN123", Sold: time.Date(2026, 11, 18, 14, 3, 0, 0, cst), PriceFen: 129950}
			if got := sales[0]; got.Row != want.Row || got.Receipt != want.Receipt || got.Name != want.Name || got.Category != want.Category ||
				!got.Sold.Equal(want.Sold) || got.PriceFen != want.PriceFen || got.Special {
				t.Errorf("line 2 = %+v, want %+v", got, want)
			}
			if s := sales[1]; s.Name != "线材, 2米" || s.PriceFen != 1500 || !s.Special || s.Row != 3 {
				t.Errorf("line 3 = %+v, want the quoted name, 15.00 yuan, special", s)
			}
			wantErr := []struct {
				line  int
				field string
			}{{5, FieldDate}, {6, FieldLine}, {7, FieldPrice}, {8, FieldPrice}, {9, ""}, {10, FieldSpecial}}
			if len(rejected) != len(wantErr) {
				t.Fatalf("rejected = %+v, want %d", rejected, len(wantErr))
			}
			for i, w := range wantErr {
				if rejected[i].Line != w.line || rejected[i].Field != w.field || !strings.Contains(rejected[i].Message, " / ") {
					t.Errorf("rejected[%d] = %+v, want line %d field %q", i, rejected[i], w.line, w.field)
				}
			}
		})
	}
}

func TestSalesFileErrors(t *testing.T) {
	m := defaultSales(UTF8)
	if _, _, err := Sales(strings.NewReader("小票号,销售时间\nR1,x\n"), m); err == nil || !strings.Contains(err.Error(), "商品编码") {
		t.Errorf("a header without a mapped column: err = %v, want it named", err)
	}
	m.Encoding = "big5"
	if _, _, err := Sales(strings.NewReader(salesCSV), m); err == nil {
		t.Error("an unknown encoding was accepted")
	}
	_, rejected, err := Sales(bytes.NewReader([]byte("小票号,行号,销售时间,商品编码,商品名称,类别,序列号,实收金额,特价\nR\xff,1,2026-11-18 14:03:00,A,B,C,,1,\n")), defaultSales(UTF8))
	if err != nil || len(rejected) != 1 || !strings.Contains(rejected[0].Message, "GB18030") {
		t.Errorf("GB18030 bytes read as UTF-8: rejected %+v, err %v; want a row error naming the encoding", rejected, err)
	}
}

func TestSalesWithoutHeaderInFen(t *testing.T) {
	m := Mapping{Encoding: UTF8, Delimiter: '\t', DateLayout: "20060102", Money: Fen, Location: cst,
		Columns: map[string]Column{FieldReceipt: {Index: 1}, FieldDate: {Index: 2}, FieldSKU: {Index: 3}, FieldPrice: {Index: 4}}}
	sales, rejected, err := Sales(strings.NewReader("R1\t20261118\tA\t1250\nR1\t20261118\tB\t1.5\nR1\t20261118\tC\t99\nR2\t20261118\tA\t1\n"), m)
	if err != nil || len(rejected) != 1 || rejected[0].Line != 2 || rejected[0].Field != FieldPrice {
		t.Fatalf("Sales = %+v, rejected %+v, err %v", sales, rejected, err)
	}
	if len(sales) != 3 || sales[0].PriceFen != 1250 || sales[0].Line != 1 || sales[1].Line != 3 || sales[2].Receipt != "R2" || sales[2].Line != 1 {
		t.Errorf("sales = %+v, want receipt lines numbered in file order, a rejected line keeping its number", sales)
	}
}

func TestCatalogue(t *testing.T) {
	m := Mapping{Encoding: UTF8, Delimiter: ',', Header: true, Categories: map[string]string{"数码家电": "electronics"},
		Columns: map[string]Column{FieldSKU: {Name: "商品编码"}, FieldName: {Name: "商品名称"}, FieldSpec: {Name: "规格"}, FieldCategory: {Name: "类别"}}}
	lines, rejected, err := Catalogue(strings.NewReader("商品编码,商品名称,规格,类别\nTV55,电视机,55英寸,数码家电\nX,\"bad\"quote,,\n"), m)
	if err != nil || len(lines) != 1 || lines[0].Category != "electronics" || lines[0].Row != 2 || len(rejected) != 1 || rejected[0].Line != 3 {
		t.Errorf("Catalogue = %+v, rejected %+v, err %v", lines, rejected, err)
	}
}

func TestParseYuan(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"0", 0, true}, {"12.5", 1250, true}, {"12.50", 1250, true}, {"¥1,299.00", 129900, true}, {"￥3", 300, true},
		{"", 0, false}, {"1.", 0, false}, {".5", 0, false}, {"1.005", 0, false}, {"-1", 0, false}, {"+1", 0, false},
		{"1e3", 0, false}, {"9999999999999", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseYuan(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseYuan(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// FuzzImport feeds arbitrary files through the CSV reader and the
// mapping: it must never panic, every line it reads or refuses is a line
// of the file, and a price is never negative.
func FuzzImport(f *testing.F) {
	f.Add([]byte(salesCSV), false)
	f.Add([]byte("小票号,行号\n\"a\"\"b\",1\n"), true)
	f.Add([]byte("\ufeff\"unterminated\n"), false)
	gb, _ := simplifiedchinese.GB18030.NewEncoder().String(salesCSV)
	f.Add([]byte(gb), true)
	f.Fuzz(func(t *testing.T, data []byte, gbk bool) {
		m := defaultSales(UTF8)
		if gbk {
			m.Encoding = GB18030
		}
		lines := bytes.Count(data, []byte("\n")) + 1
		sales, rejected, err := Sales(bytes.NewReader(data), m)
		if err != nil {
			return
		}
		for _, s := range sales {
			if s.Row < 1 || s.Row > lines || s.PriceFen < 0 || s.Line < 1 {
				t.Fatalf("sale %+v outside the file's %d lines or with a negative price", s, lines)
			}
		}
		for _, e := range rejected {
			if e.Line < 0 || e.Line > lines || e.Message == "" {
				t.Fatalf("row error %+v outside the file's %d lines", e, lines)
			}
		}
		if _, _, err := Catalogue(bytes.NewReader(data), m); err != nil && !strings.HasPrefix(err.Error(), "till: ") {
			t.Fatalf("Catalogue error without the package prefix: %v", err)
		}
	})
}
