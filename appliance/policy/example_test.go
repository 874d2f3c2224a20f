package policy_test

import (
	"fmt"

	"shouhou/appliance/policy"
)

func ExamplePercent() {
	// 5 % of 12.30 yuan is 61.5 fen: half up to 62 fen.
	fmt.Println(policy.Percent(1230, 500), policy.Yuan(policy.Percent(1230, 500)))
	// Output: 62 0.62
}
