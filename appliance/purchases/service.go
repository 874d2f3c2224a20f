package purchases

import (
	"context"
	"time"

	"shouhou/appliance"
	"shouhou/appliance/policy"
	"shouhou/appliance/store"
)

// Events published on the bus after an import that wrote something.
const (
	// EventImported carries the Report of an import that wrote lines.
	EventImported = "purchases.imported"
)

// Options configure New.
type Options struct {
	// Policy returns the policy tables in force: a category they do not
	// know is a row error. Required.
	Policy func() *policy.Tables
	// Bus receives EventImported; nil publishes nothing.
	Bus *appliance.Bus
	// Now is the clock in the store's time zone; nil means time.Now.
	Now func() time.Time
	// ChunkRows is how many lines one store transaction writes; 0 means 500
	// (a transaction must stay well under Badger's batch limit).
	ChunkRows int
}

// Service imports till purchases and the catalogue into a store and finds
// them again at intake. It is safe for concurrent use.
type Service struct {
	db   *store.DB
	opts Options
}

// New returns the service over db.
func New(db *store.DB, o Options) *Service {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.ChunkRows <= 0 {
		o.ChunkRows = 500
	}
	return &Service{db: db, opts: o}
}

// mayImport checks who imports: staff (an admin at the shell, a till's
// token turned into its actor, the watched folder's system actor).
func mayImport(ctx context.Context, actor appliance.Actor) error {
	if err := actor.Check(); err != nil {
		return err
	}
	if actor.Role == appliance.RoleCustomer {
		return appliance.Errorf(appliance.EUNAUTHORIZED, "顾客不能导入购买记录 / customers do not import purchases")
	}
	return ctx.Err()
}

func (s *Service) publish(r Report) {
	if s.opts.Bus != nil && r.Added+r.Updated > 0 {
		s.opts.Bus.Publish(EventImported, "", r)
	}
}
