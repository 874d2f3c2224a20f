package printer

import (
	"fmt"

	"shouhou/forms"
)

// SampleForms lists the form names Sample knows.
func SampleForms() []string { return []string{"intake"} }

// Sample returns the sample document of form name for paper columns wide.
func Sample(name string, columns int) (*forms.Document, error) {
	switch name {
	case "intake":
		return SampleIntake(columns), nil
	}
	return nil, fmt.Errorf("printer: no sample of form %q (have %v)", name, SampleForms())
}

// SampleIntake returns a sample 售后服务跟踪卡 (after-sales tracking card,
// DOMAIN.md "Forms" 1) in two parts with a cut between: part 1 for the
// repair department, part 2 for the customer. The real form comes from the
// forms package; this one exercises every block kind the encoder knows.
func SampleIntake(columns int) *forms.Document {
	const ticket = "T20261123-0042"
	d := forms.New("intake", columns)
	for i, part := range []string{"第一联 维修部留存", "第二联 顾客留存"} {
		d.Title("售后服务跟踪卡")
		d.Text("After-sales service tracking card", forms.Style{Align: forms.Center})
		d.Text(part, forms.Style{Align: forms.Right, Bold: true})
		d.Separator('=')
		d.Row("门店 Branch", "朝阳路店")
		d.Row("单号 NO", ticket)
		d.Row("商品编码", "6901234567892")
		d.Row("品名规格", "美的 KFR-35GW/N8XHA1 挂式空调 1.5匹")
		d.Row("数量", "1")
		d.Separator('-')
		d.Row("顾客姓名", "张三")
		d.Row("电话", "138 0013 8000")
		d.Row("地址", "北京市朝阳区建国路 88 号 3 单元 1201 室")
		d.Row("购买时间", "2025-07-18")
		d.Row("受理时间", "2026-11-23 10:42")
		d.Separator('-')
		d.Add(forms.Block{Kind: forms.KindText, Text: "故障描述：开机后不制冷，室外机不转，显示 E1；顾客要求上门检修。价格 ¥1,299.00 的 ™ 标记与 😀 不能打印，会被替换。"})
		d.Row("经办人 Clerk", "李四 (0007)")
		d.Separator('-')
		d.Text("服务网点：朝阳路店售后服务部 北京市朝阳区朝阳路 1 号 电话 010-6500 0000", forms.Style{})
		d.Feed(1)
		d.Barcode(ticket)
		d.Feed(1)
		d.QR(ticket, 0)
		d.Text(ticket, forms.Style{Align: forms.Center})
		d.Text("凭此卡取机，请妥善保管。", forms.Style{Align: forms.Center, Bold: true})
		d.Feed(2)
		d.Cut(i == 0)
	}
	return d
}
