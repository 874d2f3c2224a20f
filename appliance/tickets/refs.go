package tickets

import (
	"sort"

	"shouhou/appliance"
	"shouhou/appliance/policy"
)

// Every reference a person types at intake or on a ticket is resolved here
// against the store's own config before anything is written; an unknown
// one is an appliance.UnknownError naming the field and the known values.

// Staff is a member of staff a ticket may name.
type Staff struct {
	// ID is the staff id of staff.toml.
	ID string
	// Name is shown to people.
	Name string
}

// technician resolves a technician's staff id (ticket.assign).
func (r Rules) technician(field, id string) (Staff, error) {
	known := make([]appliance.Known, 0, len(r.Technicians))
	for _, s := range r.Technicians {
		if s.ID == id {
			return s, nil
		}
		known = append(known, appliance.Known{ID: s.ID, Name: s.Name})
	}
	return Staff{}, appliance.UnknownError(field, "维修员", "technician", id, known)
}

// category resolves a policy category of a purchase.
func (r Rules) category(field, id string) error {
	if _, ok := r.Policy.Categories[id]; ok {
		return nil
	}
	ids := make([]string, 0, len(r.Policy.Categories))
	for k := range r.Policy.Categories {
		ids = append(ids, k)
	}
	sort.Strings(ids)
	known := make([]appliance.Known, 0, len(ids))
	for _, k := range ids {
		known = append(known, appliance.Known{ID: k, Name: r.Policy.Categories[k].Name})
	}
	return appliance.UnknownError(field, "商品类别", "category", id, known)
}

// zoneOf resolves an on-site service zone.
func (r Rules) zoneOf(field, id string) (Zone, error) {
	known := make([]appliance.Known, 0, len(r.Zones))
	for _, z := range r.Zones {
		if z.ID == id {
			return z, nil
		}
		known = append(known, appliance.Known{ID: z.ID, Name: z.Name})
	}
	return Zone{}, appliance.UnknownError(field, "上门区域", "zone", id, known)
}

// complaintReason resolves a complaint's reason code (policy.toml
// [[complaint_reasons]]).
func (r Rules) complaintReason(field, code string) error {
	if _, ok := r.Policy.ComplaintReason(code); ok {
		return nil
	}
	known := make([]appliance.Known, 0, len(r.Policy.ComplaintReasons))
	for _, c := range r.Policy.ComplaintReasons {
		known = append(known, appliance.Known{ID: c.Code, Name: c.Name})
	}
	return appliance.UnknownError(field, "投诉原因", "complaint reason", code, known)
}

// Problem and request codes a person may give at intake (the policy's).
var (
	problemCodes = []appliance.Known{{ID: policy.ProblemQuality, Name: "质量问题"}, {ID: policy.ProblemNotQuality, Name: "非质量问题"},
		{ID: policy.ProblemCustomerDamage, Name: "人为损坏"}, {ID: policy.ProblemTransportDamage, Name: "运输损坏"}}
	requestCodes = []appliance.Known{{ID: policy.RequestReturn, Name: "退货"}, {ID: policy.RequestExchange, Name: "换货"},
		{ID: policy.RequestRepair, Name: "维修"}}
)

// checkCode refuses a value that is not one of known.
func checkCode(field, whatZH, whatEN, v string, known []appliance.Known) error {
	for _, k := range known {
		if k.ID == v {
			return nil
		}
	}
	return appliance.UnknownError(field, whatZH, whatEN, v, known)
}
