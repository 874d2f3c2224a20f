package store

import "shouhou/appliance"

// notFound is the not-found error of a record kind looked up by its id,
// in the desk's words: "没有找到服务单 T20261201-0001 / no ticket
// T20261201-0001", never the store's internal kind or index names.
func notFound(kind, id string) error {
	zh, en := kindNoun(kind)
	return appliance.Errorf(appliance.ENOTFOUND, "没有找到%s %s / no %s %s", zh, id, en, id)
}

// notFoundBy is the not-found error of a unique index lookup, e.g.
// "没有找到电话为 13900000000 的顾客 / no customer with phone 13900000000".
func notFoundBy(index, value string) error {
	switch index {
	case idxCustomerPhone:
		return appliance.Errorf(appliance.ENOTFOUND, "没有找到电话为 %s 的顾客 / no customer with phone %s", value, value)
	case idxCardUID:
		return appliance.Errorf(appliance.ENOTFOUND, "没有找到卡号为 %s 的服务卡 / no service card with UID %s", value, value)
	case idxLedgerKey:
		// The usual answer for a new idempotency key (every money
		// operation asks): no formatting.
		return &appliance.Error{Code: appliance.ENOTFOUND, Message: "没有找到这笔流水 / no such ledger entry"}
	}
	return appliance.Errorf(appliance.ENOTFOUND, "没有找到 %s / not found: %s", value, value)
}

// kindNoun names a record kind for people, Chinese and English.
func kindNoun(kind string) (zh, en string) {
	switch kind {
	case "customer":
		return "顾客", "customer"
	case "card":
		return "服务卡", "service card"
	case "purchase":
		return "购买记录", "purchase"
	case "ticket":
		return "服务单", "ticket"
	case "ledger":
		return "流水", "ledger entry"
	case "printjob":
		return "打印任务", "print job"
	case "audit":
		return "审计记录", "audit record"
	case "product":
		return "商品", "product"
	}
	return "记录", "record"
}
