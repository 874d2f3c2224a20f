package tickets

import (
	"context"
	"strings"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/store"
)

// Pickup hands the item to the customer and closes the ticket; a paid
// service must have been charged first (第三十一条). survey, if given, is
// recorded with it (第三十二条).
func (s *Service) Pickup(ctx context.Context, actor appliance.Actor, number string, survey *appliance.Survey) (*appliance.Ticket, error) {
	if survey != nil {
		if err := checkSurvey(*survey); err != nil {
			return nil, err
		}
	}
	return s.change(ctx, actor, number, "ticket.pickup", "", func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error {
		if t.Status != appliance.StatusReady {
			return appliance.Errorf(appliance.ECONFLICT, "服务单不是待取件状态 / the ticket is not ready for pickup (%s)", t.Status)
		}
		if err := transition(tx, t, actor, appliance.StatusClosed, "", now); err != nil {
			return err
		}
		afterMove(t, now)
		if survey != nil {
			sv := *survey
			sv.Time = now
			t.Survey = &sv
		}
		return nil
	})
}

// StockArrived records that out-of-stock goods have arrived: the ticket is
// ready and the customer goes on the call list at once (第三十六条).
func (s *Service) StockArrived(ctx context.Context, actor appliance.Actor, number, note string) (*appliance.Ticket, error) {
	return s.change(ctx, actor, number, "ticket.stock_arrived", note, func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error {
		if err := transition(tx, t, actor, appliance.StatusReady, note, now); err != nil {
			return err
		}
		afterMove(t, now)
		return nil
	})
}

// ConfirmStock records that the customer confirmed an out-of-stock order
// before the stock is transferred from another store (第三十四条).
func (s *Service) ConfirmStock(ctx context.Context, actor appliance.Actor, number, note string) (*appliance.Ticket, error) {
	return s.change(ctx, actor, number, "ticket.stock_confirm", note, func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error {
		if t.Kind != appliance.KindOutOfStock || t.Status != appliance.StatusOpen {
			return appliance.Errorf(appliance.ECONFLICT, "只有登记中的缺货单需要确认 / only an open out-of-stock registration is confirmed")
		}
		t.StockConfirmed = now
		t.Notices = append(t.Notices, appliance.Notice{Time: now, Operator: actor.ID, Outcome: appliance.OutcomeReached,
			Kind: CallStockCallback, Note: strings.TrimSpace("确认调货 / transfer confirmed " + note)})
		return nil
	})
}

// Survey levels (seed 001 管理办法 二十五: four levels per item).
const (
	SurveyPoor          = 1 // 不满意
	SurveyFair          = 2 // 基本满意
	SurveySatisfied     = 3 // 满意
	SurveyVerySatisfied = 4 // 非常满意
)

func checkSurvey(sv appliance.Survey) error {
	for _, f := range []struct {
		name string
		v    int
	}{{"attitude", sv.Attitude}, {"skill", sv.Skill}, {"timeliness", sv.Timeliness}, {"follow_up", sv.FollowUp}} {
		if f.v < SurveyPoor || f.v > SurveyVerySatisfied {
			return appliance.FieldError(f.name, "评价应为 1–4 级 / %s must be a level from 1 to 4", f.name)
		}
	}
	return nil
}

// RecordSurvey records the satisfaction survey (第三十二条): attitude,
// skill, timeliness and follow-through, each on four levels, answered by
// the customer at the kiosk (their own ticket only) or taken by a clerk.
// A ticket is surveyed once, after the service: ready, mailed back or closed.
func (s *Service) RecordSurvey(ctx context.Context, actor appliance.Actor, number string, sv appliance.Survey) (*appliance.Ticket, error) {
	if err := checkSurvey(sv); err != nil {
		return nil, err
	}
	return s.change(ctx, actor, number, "ticket.survey", "", func(tx *store.Txn, t *appliance.Ticket, r Rules, now time.Time) error {
		if err := customerMayAct(actor, t); err != nil {
			return err
		}
		if t.Survey != nil {
			return appliance.Errorf(appliance.ECONFLICT, "已评价 / the survey was already answered")
		}
		switch t.Status {
		case appliance.StatusReady, appliance.StatusMailBack, appliance.StatusClosed:
		default:
			return appliance.Errorf(appliance.ECONFLICT, "服务结束后才做满意度调查 / the survey follows the service (%s)", t.Status)
		}
		sv.Time = now
		t.Survey = &sv
		return nil
	})
}
