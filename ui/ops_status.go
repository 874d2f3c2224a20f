package ui

import (
	"encoding/json"
	"fmt"
	"time"

	"shouhou/appliance"
	"shouhou/conf"
)

type configStatus struct {
	Version   string            `json:"version"`
	LoadedAt  time.Time         `json:"loaded_at"`
	Dir       string            `json:"dir,omitempty"`
	Files     []conf.FileSource `json:"files"`
	Warnings  []string          `json:"warnings"`
	LastError any               `json:"last_error,omitempty"`
	Store     string            `json:"store"`
	Desks     []conf.Desk       `json:"desks"`
	// History is how the config changed, newest first (configLog).
	History []configChange `json:"history"`
}

// opConfigStatus is the live config version, its warnings and the last
// refused edit.
func opConfigStatus(c *call, _ *none) (any, error) {
	cfg := c.srv.config()
	_, lastErr := c.srv.status.snapshot()
	w := cfg.Warnings
	if w == nil {
		w = []string{}
	}
	log, err := readConfigLog(c.srv.opts.Store)
	if err != nil {
		return nil, err
	}
	if log.History == nil {
		log.History = []configChange{}
	}
	return configStatus{Version: cfg.Version, LoadedAt: cfg.LoadedAt, Dir: cfg.Dir, Files: cfg.Files, Warnings: w,
		LastError: lastErr, Store: cfg.Store.Name, Desks: cfg.Devices.Desks, History: log.History}, nil
}

// opReaderStatus is the latest state of every reader and of pcscd.
func opReaderStatus(c *call, _ *none) (any, error) {
	readers, _ := c.srv.status.snapshot()
	if readers == nil {
		readers = []any{}
	}
	return map[string]any{"readers": readers, "demo": c.srv.opts.Demo != nil}, nil
}

// opChainStatus is the chain uplink's state: {on: false} outside a
// chain, else {on: true, uplink: Options.Chain()}.
func opChainStatus(c *call, _ *none) (any, error) {
	if c.srv.opts.Chain == nil {
		return map[string]any{"on": false}, nil
	}
	return map[string]any{"on": true, "uplink": c.srv.opts.Chain()}, nil
}

func (c *call) printers() (PrintQueue, error) {
	if c.srv.opts.Printers == nil {
		return nil, unavailable("打印队列未启动 / the print queue is not running")
	}
	return c.srv.opts.Printers, nil
}

func opPrinterStatus(c *call, _ *none) (any, error) {
	q, err := c.printers()
	if err != nil {
		return nil, err
	}
	return q.Printers(), nil
}

type printerArgs struct {
	Printer string `json:"printer"`
}

// opPrintQueue is every configured printer (or the one asked for) with
// its state and its queued jobs in print order, without their documents.
func opPrintQueue(c *call, a *printerArgs) (any, error) {
	q, err := c.printers()
	if err != nil {
		return nil, err
	}
	raw, err := json.Marshal(q.Printers())
	if err != nil {
		return nil, fmt.Errorf("print.queue: encode printers: %w", err)
	}
	var states []map[string]any
	if err := json.Unmarshal(raw, &states); err != nil {
		return nil, fmt.Errorf("print.queue: decode printers: %w", err)
	}
	out := []map[string]any{}
	for _, st := range states {
		id, _ := st["printer"].(string)
		if a.Printer != "" && id != a.Printer {
			continue
		}
		jobs, err := q.Queued(id)
		if err != nil {
			return nil, err
		}
		st["jobs"] = withoutDocuments(jobs)
		out = append(out, st)
	}
	if a.Printer != "" && len(out) == 0 {
		if err := knownPrinter(q, "printer", a.Printer); err != nil {
			return nil, err
		}
		return nil, appliance.FieldError("printer", "没有打印机 %q / no printer %q", a.Printer, a.Printer)
	}
	return out, nil
}

// withoutDocuments copies jobs without the documents they carry.
func withoutDocuments(jobs []*appliance.PrintJob) []*appliance.PrintJob {
	out := make([]*appliance.PrintJob, 0, len(jobs))
	for _, j := range jobs {
		cp := *j
		cp.Data = nil
		out = append(out, &cp)
	}
	return out
}

type moveJobArgs struct {
	ID      string `json:"id"`
	Printer string `json:"printer"`
}

// opPrintMove sends a queued job to another printer.
func opPrintMove(c *call, a *moveJobArgs) (any, error) {
	q, err := c.printers()
	if err != nil {
		return nil, err
	}
	if a.ID == "" {
		return nil, appliance.FieldError("id", "请选择打印任务 / pick a print job")
	}
	if a.Printer == "" {
		return nil, appliance.FieldError("printer", "请选择打印机 / pick a printer")
	}
	if err := knownPrinter(q, "printer", a.Printer); err != nil {
		return nil, err
	}
	return struct{}{}, q.Move(c.ctx, c.actor.ID, a.ID, a.Printer)
}

type jobArgs struct {
	ID      string `json:"id"`
	Printer string `json:"printer,omitempty"`
	Reason  string `json:"reason,omitempty"`
	// Key is print.reprint's idempotency key ("" for none).
	Key string `json:"key,omitempty"`
}

func opPrintCancel(c *call, a *jobArgs) (any, error) {
	q, err := c.printers()
	if err != nil {
		return nil, err
	}
	return map[string]string{"id": a.ID}, q.Cancel(c.ctx, c.actor.ID, a.ID, a.Reason)
}

func opPrintRetry(c *call, a *printerArgs) (any, error) {
	q, err := c.printers()
	if err != nil {
		return nil, err
	}
	if err := knownPrinter(q, "printer", a.Printer); err != nil {
		return nil, err
	}
	return map[string]string{"printer": a.Printer}, q.Retry(a.Printer)
}

func opPrintReprint(c *call, a *jobArgs) (any, error) {
	q, err := c.printers()
	if err != nil {
		return nil, err
	}
	if a.Printer != "" {
		if err := knownPrinter(q, "printer", a.Printer); err != nil {
			return nil, err
		}
	}
	ctx, _, err := c.keyed("print.reprint", a.Key, a)
	if err != nil {
		return nil, err
	}
	id, err := q.Reprint(ctx, c.actor.ID, a.ID, a.Printer)
	return map[string]string{"id": id}, err
}

type uidArgs struct {
	UID string `json:"uid"`
}

// opDemoPresent lays a demo card on the demo reader (serve -demo only).
func opDemoPresent(c *call, a *uidArgs) (any, error) {
	if c.srv.opts.Demo == nil {
		return nil, unavailable("仅演示模式可用 / only with serve -demo")
	}
	if err := c.srv.opts.Demo.Present(a.UID); err != nil {
		return nil, appliance.FieldError("uid", "卡号无效 / %v", err)
	}
	return map[string]string{"uid": a.UID}, nil
}

func opDemoRemove(c *call, _ *none) (any, error) {
	if c.srv.opts.Demo == nil {
		return nil, unavailable("仅演示模式可用 / only with serve -demo")
	}
	c.srv.opts.Demo.Remove()
	return map[string]bool{"ok": true}, nil
}
