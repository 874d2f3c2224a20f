package tickets_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
	"shouhou/appliance/tickets"
)

// keyed returns ctx carrying a request to op with key and args.
func keyed(tb testing.TB, ctx context.Context, op, key string, args any) (context.Context, *store.Request) {
	tb.Helper()
	req, err := store.NewRequest(op, key, args)
	if err != nil {
		tb.Fatal(err)
	}
	return store.WithRequest(ctx, req), req
}

// Intake, charge and pickup with their keys: a retry returns the first
// result and does nothing again; the key used for other content is a
// conflict on "key" naming the argument.
func TestKeyedRequestsRunOnce(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	c := d.customer("赵敏", "13800138009")
	d.card(c, "SC-000009", "04A1B2C9", 100000)
	args := tickets.IntakeArgs{Kind: appliance.KindRepair, Phone: c.Phones[0],
		Purchase: d.receipt("home_goods", "电水壶", 19900, 10, "SN-K-KEY"), Fault: "摔坏了", Problem: policy.ProblemCustomerDamage}
	ctx, req := keyed(t, d.ctx, "ticket.intake", "intake-1", args)
	first := d.ok(d.svc.Intake(ctx, clerk, args))
	if req.Replayed() {
		t.Fatal("the first intake reports a replay")
	}
	d.events()
	ctx, req = keyed(t, d.ctx, "ticket.intake", "intake-1", args)
	again := d.ok(d.svc.Intake(ctx, clerk, args))
	if !req.Replayed() || again.Number != first.Number {
		t.Fatalf("retried intake = %s replayed %v, want %s replayed", again.Number, req.Replayed(), first.Number)
	}
	if evs := d.events(); len(evs) != 0 {
		t.Errorf("a replayed intake published %v", evs)
	}
	other := args
	other.Fault = "进水"
	ctx, _ = keyed(t, d.ctx, "ticket.intake", "intake-1", other)
	_, err := d.svc.Intake(ctx, clerk, other)
	wantCode(t, err, appliance.ECONFLICT)
	if err == nil || !strings.Contains(err.Error(), "fault differs") {
		t.Errorf("intake with the key for other content = %v, want a conflict naming fault", err)
	}
	if open, err := d.svcTickets(); err != nil || open != 1 {
		t.Fatalf("%d tickets (%v), want 1", open, err)
	}

	tk := d.ok(d.svc.Assign(d.ctx, clerk, first.Number, "tech"))
	d.ok(d.svc.Diagnose(d.ctx, techie, tk.Number, tickets.DiagnoseArgs{Labour: []string{"repair_small"}}))
	d.ok(d.svc.Quote(d.ctx, clerk, tk.Number))
	d.ok(d.svc.AnswerQuote(d.ctx, clerk, tk.Number, true))
	d.ok(d.svc.Conclude(d.ctx, techie, tk.Number, tickets.ConcludeArgs{Result: appliance.ResultRepaired, Conclusion: "修好"}))
	charge := map[string]string{"number": tk.Number, "method": tickets.PayCard}
	var paid *appliance.Ticket
	for i := range 2 {
		ctx, req = keyed(t, d.ctx, "ticket.charge", "charge-1", charge)
		paid = d.ok(d.svc.Charge(ctx, clerk, tk.Number, tickets.PayCard, ""))
		if req.Replayed() != (i == 1) || paid.Paid.IsZero() || paid.PaidFen <= 0 {
			t.Fatalf("charge #%d replayed %v paid %v %d", i+1, req.Replayed(), paid.Paid, paid.PaidFen)
		}
	}
	if got := d.charger.balance("SC-000009"); got != 100000-paid.PaidFen {
		t.Errorf("card balance after a retried charge = %d, want %d", got, 100000-paid.PaidFen)
	}
	pickup := map[string]string{"number": tk.Number}
	for i := range 2 {
		ctx, req = keyed(t, d.ctx, "ticket.pickup", "pickup-1", pickup)
		done := d.ok(d.svc.Pickup(ctx, clerk, tk.Number, nil))
		if req.Replayed() != (i == 1) || done.Status != appliance.StatusClosed {
			t.Fatalf("pickup #%d replayed %v status %s", i+1, req.Replayed(), done.Status)
		}
	}
	ctx, _ = keyed(t, d.ctx, "ticket.charge", "pickup-1", pickup)
	_, err = d.svc.Charge(ctx, clerk, tk.Number, tickets.PayCard, "")
	if appliance.ErrorCode(err) != appliance.ECONFLICT || !strings.Contains(err.Error(), "ticket.pickup") {
		t.Errorf("the pickup's key on a charge = %v, want a conflict naming ticket.pickup", err)
	}
}

// svcTickets counts the stored tickets.
func (d *desk) svcTickets() (int, error) {
	n := 0
	err := d.db.View(func(tx *store.Txn) error {
		for _, s := range []appliance.TicketStatus{appliance.StatusOpen, appliance.StatusApproval} {
			ts, err := tx.TicketsByStatus(s, 0)
			if err != nil {
				return err
			}
			n += len(ts)
		}
		return nil
	})
	return n, err
}

// The scheduler forgets keys older than the retention: a retry after it
// is a new request.
func TestTickForgetsOldKeys(t *testing.T) {
	d := newDesk(t, time.Date(2026, 3, 2, 10, 0, 0, 0, shanghai(t)))
	d.rules.KeyRetention = 48 * time.Hour
	c := d.customer("周芷若", "13800138010")
	args := tickets.IntakeArgs{Kind: appliance.KindComplaint, Phone: c.Phones[0], Fault: "态度不好", ComplaintReason: "service"}
	ctx, _ := keyed(t, d.ctx, "ticket.intake", "old", args)
	first := d.ok(d.svc.Intake(ctx, clerk, args))
	d.clock.Add(24 * time.Hour)
	if rep, err := d.svc.Tick(d.ctx, d.clock.Now()); err != nil || rep.KeysForgotten != 0 {
		t.Fatalf("tick within the retention = %+v, %v; want nothing forgotten", rep, err)
	}
	ctx, req := keyed(t, d.ctx, "ticket.intake", "old", args)
	if again := d.ok(d.svc.Intake(ctx, clerk, args)); !req.Replayed() || again.Number != first.Number {
		t.Fatalf("retry within the retention = %s, replayed %v", again.Number, req.Replayed())
	}
	d.clock.Add(25 * time.Hour)
	if rep, err := d.svc.Tick(d.ctx, d.clock.Now()); err != nil || rep.KeysForgotten != 1 {
		t.Fatalf("tick after the retention = %+v, %v; want one key forgotten", rep, err)
	}
	ctx, req = keyed(t, d.ctx, "ticket.intake", "old", args)
	if again := d.ok(d.svc.Intake(ctx, clerk, args)); req.Replayed() || again.Number == first.Number {
		t.Fatalf("retry after the retention = %s, replayed %v; want a new ticket", again.Number, req.Replayed())
	}
}
