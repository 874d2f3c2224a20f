package policy

// ComplaintReason is one reason a complaint may be taken in under (投诉原因):
// the weekly complaint summary counts complaints by it (seed 000
// 售后服务方案及流程: 负责人每周应把各类投诉进行汇总、分析).
type ComplaintReason struct {
	// Code is what the intake carries, e.g. "quality".
	Code string `json:"code"`
	// Name is shown to people, e.g. "产品质量".
	Name string `json:"name"`
}

// ComplaintOther is the reason every store's list has: a complaint that
// fits no other reason, and the reason of complaints stored before the
// list existed.
const ComplaintOther = "other"

// ComplaintReason returns the configured reason with the code.
func (t *Tables) ComplaintReason(code string) (ComplaintReason, bool) {
	for _, r := range t.ComplaintReasons {
		if r.Code == code {
			return r, true
		}
	}
	return ComplaintReason{}, false
}
