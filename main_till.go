package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/purchases"
	"shouhou/appliance/store"
	"shouhou/conf"
	"shouhou/drivers/till"
)

// newPurchases is the till purchases service over db, on the policy in force.
func newPurchases(db *store.DB, cfg func() *conf.Snapshot, bus *appliance.Bus, now func() time.Time) *purchases.Service {
	return purchases.New(db, purchases.Options{Policy: func() *policy.Tables { return cfg().Policy }, Bus: bus, Now: now})
}

// Import kinds.
const (
	kindPurchases = "purchases"
	kindCatalogue = "catalogue"
)

// tillMapping turns till.toml's rules for one kind of export into the
// till adapter's mapping.
func tillMapping(s *conf.Snapshot, kind string) till.Mapping {
	e := s.Till.Purchases
	if kind == kindCatalogue {
		e = s.Till.Catalogue
	}
	m := till.Mapping{Encoding: e.Encoding, Delimiter: []rune(e.Delimiter)[0], Header: e.Header, DateLayout: e.DateLayout,
		Money: e.Money, Columns: map[string]till.Column{}, Categories: s.Till.Categories, Location: s.Store.Location}
	for field, c := range e.Columns {
		m.Columns[field] = till.Column{Name: c.Name, Index: c.Index}
	}
	return m
}

// importFile reads an export of kind through the config's mapping and
// imports it. A file that cannot be read at all is an error; its lines'
// problems are in the report.
func importFile(ctx context.Context, svc *purchases.Service, snap *conf.Snapshot, actor appliance.Actor, kind string, r io.Reader, b purchases.Batch) (purchases.Report, error) {
	m := tillMapping(snap, kind)
	if kind == kindCatalogue {
		lines, rejected, err := till.Catalogue(r, m)
		if err != nil {
			return purchases.Report{Kind: kind, Source: b.Source}, err
		}
		b.Rejected = rejected
		return svc.ImportCatalogue(ctx, actor, b, lines)
	}
	sales, rejected, err := till.Sales(r, m)
	if err != nil {
		return purchases.Report{Kind: kind, Source: b.Source}, err
	}
	b.Rejected = rejected
	return svc.ImportSales(ctx, actor, b, sales)
}

// importRequest is the admin socket's "import" request: the line
// "import JSON", the file as the body.
type importRequest struct {
	// Kind is purchases or catalogue.
	Kind string `json:"kind"`
	// Name is the file's name, for the report and the audit.
	Name string `json:"name"`
	// Operator is who runs the import at the shell.
	Operator string `json:"operator"`
	// DryRun and AllOrNothing are as for purchases.Batch.
	DryRun       bool `json:"dry_run"`
	AllOrNothing bool `json:"all_or_nothing"`
}

// adminHandlers are the requests the running server answers on its admin
// socket beyond backup and verify.
func (m *Main) adminHandlers() map[string]store.AdminHandler {
	return map[string]store.AdminHandler{"import": m.adminImport, "status": m.adminStatus}
}

// adminImport answers "import": "OK", then lines "progress STAGE DONE
// TOTAL" and a last line "report JSON" or "error MESSAGE".
func (m *Main) adminImport(args string, body io.Reader, w io.Writer) {
	var req importRequest
	if err := json.Unmarshal([]byte(args), &req); err != nil || (req.Kind != kindPurchases && req.Kind != kindCatalogue) {
		fmt.Fprintf(w, "ERR bad import request %q\n", args)
		return
	}
	io.WriteString(w, "OK\n")
	bw := bufio.NewWriter(w)
	defer bw.Flush()
	b := purchases.Batch{Source: "file:" + req.Name, DryRun: req.DryRun, AllOrNothing: req.AllOrNothing,
		Progress: func(stage string, done, total int) {
			fmt.Fprintf(bw, "progress %s %d %d\n", stage, done, total)
			bw.Flush()
		}}
	actor := appliance.Actor{ID: req.Operator, Role: appliance.RoleAdmin}
	rep, err := importFile(context.Background(), m.purchases, m.Config(), actor, req.Kind, body, b)
	if err != nil {
		fmt.Fprintf(bw, "error %s\n", oneLine(err.Error()))
		return
	}
	out, _ := json.Marshal(rep)
	fmt.Fprintf(bw, "report %s\n", out)
}

func oneLine(s string) string {
	out := []rune(s)
	for i, r := range out {
		if r == '\n' || r == '\r' {
			out[i] = ' '
		}
	}
	return string(out)
}

// startInbox watches till.toml's import folder, if one is set, until ctx
// ends (m.inbox is closed then). The folder is read at start: a change of
// watch.dir takes effect at the next start; the mapping is the config in
// force when each file is read.
func (m *Main) startInbox(ctx context.Context) {
	dir := m.Config().Till.Watch.Dir
	if dir == "" {
		return
	}
	in := &till.Inbox{Dir: dir, Logger: m.Logger, Import: m.inboxImport}
	m.inbox = make(chan struct{})
	go func() {
		defer close(m.inbox)
		if err := in.Run(ctx); err != nil {
			m.Logger.Error("till inbox stopped", "dir", dir, "err", err)
		}
	}()
}

// inboxImport imports one file dropped into the watched folder.
func (m *Main) inboxImport(ctx context.Context, name string, r io.Reader) (string, bool) {
	snap := m.Config()
	w := snap.Till.Watch
	kind := kindPurchases
	if strings.HasPrefix(name, w.CataloguePrefix) {
		kind = kindCatalogue
	}
	actor := appliance.Actor{ID: "till-inbox", Role: appliance.RoleAdmin}
	rep, err := importFile(ctx, m.purchases, snap, actor, kind, r, purchases.Batch{Source: "file:" + name, AllOrNothing: w.AllOrNothing})
	if err != nil {
		return fmt.Sprintf("%s %s: %v\n", kind, name, err), false
	}
	return rep.String(), rep.Applied && rep.Rejected == 0
}

// demoReceipt is the till receipt `serve -demo` pushes, to try the scan at
// the kiosk: type R-DEMO-0001 and Enter on a customer's panel.
const demoReceipt = "R-DEMO-0001"

// loadDemoReceipt stores the demo till receipt, bought three days ago.
// Storing it again changes nothing; on a later day its date differs and
// the line is left as first stored.
func (m *Main) loadDemoReceipt(ctx context.Context) error {
	sold := m.storeNow().AddDate(0, 0, -3)
	lines := []purchases.Sale{
		{Receipt: demoReceipt, Line: 1, SKU: "6901234599001", Name: "液晶电视机", Spec: "55英寸", Category: "electronics", Serial: "SN-DEMO-TV-001", Sold: sold, PriceFen: 359900},
		{Receipt: demoReceipt, Line: 2, SKU: "6901234599002", Name: "高清线", Spec: "2米", Category: "electronics", Sold: sold, PriceFen: 3990},
		{Receipt: demoReceipt, Line: 3, SKU: "6901234599003", Name: "羊毛围巾", Category: "apparel", Sold: sold, PriceFen: 19900, Special: true},
	}
	_, err := m.purchases.ImportSales(ctx, appliance.Actor{ID: "demo", Role: appliance.RoleAdmin}, purchases.Batch{Source: "push:demo"}, lines)
	return err
}
