package ui

import (
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
	return configStatus{Version: cfg.Version, LoadedAt: cfg.LoadedAt, Dir: cfg.Dir, Files: cfg.Files, Warnings: w,
		LastError: lastErr, Store: cfg.Store.Name, Desks: cfg.Devices.Desks}, nil
}

// opReaderStatus is the latest state of every reader and of pcscd.
func opReaderStatus(c *call, _ *none) (any, error) {
	readers, _ := c.srv.status.snapshot()
	if readers == nil {
		readers = []any{}
	}
	return map[string]any{"readers": readers, "demo": c.srv.opts.Demo != nil}, nil
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

func opPrintQueue(c *call, a *printerArgs) (any, error) {
	q, err := c.printers()
	if err != nil {
		return nil, err
	}
	jobs, err := q.Queued(a.Printer)
	if jobs == nil {
		jobs = []*appliance.PrintJob{}
	}
	return jobs, err
}

type jobArgs struct {
	ID      string `json:"id"`
	Printer string `json:"printer,omitempty"`
	Reason  string `json:"reason,omitempty"`
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
	return map[string]string{"printer": a.Printer}, q.Retry(a.Printer)
}

func opPrintReprint(c *call, a *jobArgs) (any, error) {
	q, err := c.printers()
	if err != nil {
		return nil, err
	}
	id, err := q.Reprint(c.ctx, c.actor.ID, a.ID, a.Printer)
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
