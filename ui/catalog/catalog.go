package catalog

import (
	"encoding/json"
	"fmt"

	"shouhou/appliance"
)

// Name is what people call a code, Chinese first.
type Name struct {
	// ZH is the Chinese name, shown first.
	ZH string
	// EN is the English name beside it.
	EN string
}

// MarshalJSON writes a Name as ["zh", "en"], the pair common.js's name()
// reads.
func (n Name) MarshalJSON() ([]byte, error) { return json.Marshal([2]string{n.ZH, n.EN}) }

// Table names the codes of one vocabulary.
type Table map[string]Name

// Catalog is every vocabulary the screens show, by the key catalog.js
// exports it under (e.g. "status" for ticket states).
type Catalog struct {
	tables map[string]Table
}

// New builds the catalogue.
func New() *Catalog {
	return &Catalog{tables: map[string]Table{
		"error":      errorCodes(),
		"status":     statuses(),
		"kind":       kinds(),
		"role":       roles(),
		"printer":    printerStates(),
		"reader":     readerStates(),
		"rule":       rules(),
		"cardStatus": cardStatuses(),
		"ledger":     ledgerKinds(),
		"problem":    problems(),
		"outcome":    outcomes(),
		"payer":      payers(),
		"fee":        fees(),
		"result":     repairResults(),
		"call":       calls(),
		"configFile": configFiles(),
	}}
}

// Table returns the vocabulary under key (nil if none).
func (c *Catalog) Table(key string) Table { return c.tables[key] }

// Lookup returns the name of code in the vocabulary key, and whether it
// has one.
func (c *Catalog) Lookup(key, code string) (Name, bool) {
	n, ok := c.tables[key][code]
	return n, ok
}

// JS returns the catalogue as the ES module the screens import:
// `export const catalog = {"status": {"open": ["受理", "Open"], …}, …};`.
func (c *Catalog) JS() []byte {
	b, err := json.MarshalIndent(c.tables, "", " ")
	if err != nil {
		panic(fmt.Sprintf("catalog: %v", err)) // maps of strings always marshal
	}
	return []byte("// The message catalogue, made by the server from ui/catalog (Go): do not edit.\n" +
		"export const catalog = " + string(b) + ";\n")
}

// errorCodes names the error codes of a reply: appliance.Error's and the
// ui's own.
func errorCodes() Table {
	return Table{
		appliance.EINVALID:      {"输入有误", "Invalid input"},
		appliance.ENOTFOUND:     {"没有找到", "Not found"},
		appliance.ECONFLICT:     {"记录已存在或已被修改", "Already exists or changed"},
		appliance.EUNAUTHORIZED: {"无权操作", "Not allowed"},
		appliance.EUNAVAILABLE:  {"暂时无法处理", "Unavailable now"},
		appliance.EINTERNAL:     {"内部错误", "Internal error"},
		// The ui's own wire codes (ui/protocol.go).
		"bad_request":  {"请求格式有误", "Bad request"},
		"unknown_op":   {"没有这项操作", "No such operation"},
		"forbidden":    {"此岗位不能执行该操作", "Not allowed for this role"},
		"rate_limited": {"操作过于频繁，请稍候", "Too many tries: wait a moment"},
	}
}

// roles names the roles of staff.toml (DOMAIN.md "People").
func roles() Table {
	return Table{
		string(appliance.RoleCustomer):   {"顾客", "Customer"},
		string(appliance.RoleClerk):      {"受理员", "Clerk"},
		string(appliance.RoleTechnician): {"维修员", "Technician"},
		string(appliance.RoleSupervisor): {"主管", "Supervisor"},
		string(appliance.RoleAdmin):      {"管理员", "Admin"},
	}
}

// printerStates names drivers/printer's State* codes.
func printerStates() Table {
	return Table{
		"ok":         {"正常", "Ready"},
		"paper_out":  {"缺纸", "Out of paper"},
		"cover_open": {"纸仓盖未关", "Cover open"},
		"offline":    {"离线", "Offline"},
		"absent":     {"未连接", "Not connected"},
		"error":      {"故障", "Fault"},
		"unknown":    {"状态未知", "Not known yet"},
	}
}

// readerStates names drivers/reader's Status* codes.
func readerStates() Table {
	return Table{
		"ok":         {"正常", "Ready"},
		"no_reader":  {"未接读卡器", "No reader plugged in"},
		"no_service": {"读卡服务未运行", "Card service not running"},
		"error":      {"故障", "Fault"},
	}
}
