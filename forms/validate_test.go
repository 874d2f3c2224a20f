package forms

import (
	"errors"
	"strings"
	"testing"

	"shouhou/appliance"
)

// testForm has one field of each kind with its rules.
func testForm() *Form {
	return &Form{Name: "test", Title: L("测试", "Test"), Sections: []Section{{Fields: []Field{
		newField(FieldText, "name", "顾客姓名", "Customer name").req().max(4),
		newField(FieldPhone, "phone", "联系电话", "phone"),
		newField(FieldDate, "date", "购买日期", "Purchase date"),
		newField(FieldDateTime, "time", "送货时间", "Delivery time"),
		money("fee", "维修费", "Repair fee").between(0, 100000),
		newField(FieldNumber, "qty", "数量", "Quantity").between(1, 99),
		newField(FieldSelect, "warranty", "维修性质", "Warranty").opts(warrantyOptions()),
		newField(FieldBool, "confirm", "确认", "Confirmed"),
		newField(FieldMultiline, "fault", "故障描述", "Fault").max(10),
		hours("hours", "耗时", "Hours"),
		signature("sign", "顾客签字", "Signature"),
	}}}}
}

func TestValidateValues(t *testing.T) {
	tests := []struct {
		name   string
		values map[string]string
		field  string // the field the error names; "" for no error
		msg    string // part of the error message
	}{
		{"only required", map[string]string{"name": "张三"}, "", ""},
		{"required missing", map[string]string{}, "name", "请填写顾客姓名 / Customer name is required"},
		{"required blank", map[string]string{"name": "  "}, "name", "请填写"},
		{"too long", map[string]string{"name": "欧阳娜娜娜"}, "name", "最多4个字"},
		{"text on two lines", map[string]string{"name": "张\n三"}, "name", "只能写一行"},
		{"mobile", map[string]string{"name": "张三", "phone": "138 0013 8000"}, "", ""},
		{"mobile +86", map[string]string{"name": "张三", "phone": "+8613800138000"}, "", ""},
		{"landline", map[string]string{"name": "张三", "phone": "010-6500 0000"}, "", ""},
		{"landline 4-digit area", map[string]string{"name": "张三", "phone": "0571-8888 8888"}, "", ""},
		{"400 number", map[string]string{"name": "张三", "phone": "400-889-9315"}, "", ""},
		{"phone too short", map[string]string{"name": "张三", "phone": "1380013800"}, "phone", "联系电话格式不对 / phone: not a valid phone number"},
		{"phone letters", map[string]string{"name": "张三", "phone": "138OO138000"}, "phone", "格式不对"},
		{"phone 12x", map[string]string{"name": "张三", "phone": "12800138000"}, "phone", "格式不对"},
		{"date", map[string]string{"name": "张三", "date": "2026-02-28"}, "", ""},
		{"date Feb 30", map[string]string{"name": "张三", "date": "2026-02-30"}, "date", "日期不对"},
		{"date slashes", map[string]string{"name": "张三", "date": "2026/02/28"}, "date", "日期不对"},
		{"datetime", map[string]string{"name": "张三", "time": "2026-11-27 14:00"}, "", ""},
		{"datetime without time", map[string]string{"name": "张三", "time": "2026-11-27"}, "time", "时间不对"},
		{"money", map[string]string{"name": "张三", "fee": "35.5"}, "", ""},
		{"money with sign", map[string]string{"name": "张三", "fee": "￥35.50"}, "", ""},
		{"money three decimals", map[string]string{"name": "张三", "fee": "35.505"}, "fee", "金额不对"},
		{"money over max", map[string]string{"name": "张三", "fee": "1000.01"}, "fee", "不能大于￥1000.00"},
		{"money negative", map[string]string{"name": "张三", "fee": "-1"}, "fee", "不能小于￥0.00"},
		{"money float syntax", map[string]string{"name": "张三", "fee": "1e3"}, "fee", "金额不对"},
		{"number", map[string]string{"name": "张三", "qty": "99"}, "", ""},
		{"number zero", map[string]string{"name": "张三", "qty": "0"}, "qty", "不能小于1"},
		{"number decimal", map[string]string{"name": "张三", "qty": "1.5"}, "qty", "应为整数"},
		{"select", map[string]string{"name": "张三", "warranty": "out"}, "", ""},
		{"select by label", map[string]string{"name": "张三", "warranty": "保外"}, "warranty", "不是可选项"},
		{"bool", map[string]string{"name": "张三", "confirm": "false"}, "", ""},
		{"bool yes", map[string]string{"name": "张三", "confirm": "yes"}, "confirm", "应为是或否"},
		{"multiline", map[string]string{"name": "张三", "fault": "不制冷\n异响"}, "", ""},
		{"multiline too long", map[string]string{"name": "张三", "fault": strings.Repeat("坏", 11)}, "fault", "最多10个字"},
		{"pattern", map[string]string{"name": "张三", "hours": "1.5"}, "", ""},
		{"pattern mismatch", map[string]string{"name": "张三", "hours": "1h"}, "hours", "耗时格式不对，应为小时数，如 1.5 / Hours: want hours, e.g. 1.5"},
		{"signature takes no value", map[string]string{"name": "张三", "sign": "x"}, "sign", "没有此项"},
		{"unknown field", map[string]string{"name": "张三", "nickname": "x"}, "nickname", "没有此项"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate(testForm(), tt.values)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("Validate(%v) = %v, want nil", tt.values, err)
				}
				return
			}
			var e *appliance.Error
			if !errors.As(err, &e) || e.Field != tt.field || e.Code != appliance.EINVALID {
				t.Fatalf("Validate(%v) = %v, want an error naming %s", tt.values, err, tt.field)
			}
			if !strings.Contains(e.Message, tt.msg) {
				t.Errorf("Validate(%v) message %q, want it to contain %q", tt.values, e.Message, tt.msg)
			}
		})
	}
}

// TestValidateFixtures checks that what the fixtures would put on every
// form's screen passes Validate.
func TestValidateFixtures(t *testing.T) {
	for _, f := range All() {
		t.Run(f.Name, func(t *testing.T) {
			vals, err := f.Fill(fixtureFor(f.Name))
			if err != nil {
				t.Fatal(err)
			}
			for id, v := range vals {
				if fd, _ := f.Field(id); fd.Kind == FieldSignature || v == "" {
					delete(vals, id)
				}
			}
			if err := Validate(f, vals); err != nil {
				t.Fatalf("Validate(Fill(fixture)) = %v", err)
			}
		})
	}
}

func TestValidPhone(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"13800138000", true}, {"138-0013-8000", true}, {"86 13800138000", true},
		{"19912345678", true}, {"11012345678", false}, {"1380013800", false}, {"138001380000", false},
		{"010-65000000", true}, {"021 6500 0000", true}, {"0571-88888888", true}, {"010-650000", false},
		{"800-810-8888", true}, {"400-889-931", false}, {"", false}, {"１３８００１３８０００", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := ValidPhone(tt.in); got != tt.want {
				t.Errorf("ValidPhone(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestProblems(t *testing.T) {
	values := map[string]string{"phone": "123", "qty": "0", "zzz": "1", "aaa": "2"}
	var fields []string
	for _, err := range Problems(testForm(), values) {
		var e *appliance.Error
		if !errors.As(err, &e) {
			t.Fatalf("Problems gave %v, not a field error", err)
		}
		fields = append(fields, e.Field)
	}
	if want := []string{"name", "phone", "qty", "aaa", "zzz"}; strings.Join(fields, ",") != strings.Join(want, ",") {
		t.Errorf("Problems(%v) name %v, want %v", values, fields, want)
	}
	if errs := Problems(testForm(), map[string]string{"name": "张三"}); errs != nil {
		t.Errorf("Problems(valid) = %v", errs)
	}
}
