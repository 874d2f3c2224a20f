package appliance

import "time"

// CardStatus is the life-cycle state of a service card (seed 000, 壹卡通 7.3).
type CardStatus string

// Card statuses.
const (
	CardActive    CardStatus = "active"    // in use
	CardLost      CardStatus = "lost"      // 挂失: reported lost, blacklisted until a supervisor unblocks it
	CardReplaced  CardStatus = "replaced"  // 补换: voided, its balance and history moved to a new card
	CardCancelled CardStatus = "cancelled" // 注销: balance settled, personal data removed, blacklisted
)

// Card is a customer service card (售后服务卡 / 储值卡) with a stored-value balance.
type Card struct {
	// Number is the printed, human card number, e.g. "SC-000123".
	Number string `json:"number"`
	// UIDs are the chip UIDs (upper-case hex) read by the contactless reader.
	UIDs []string `json:"uids,omitempty"`
	// CustomerID is the card holder.
	CustomerID string `json:"customer_id"`
	// Status is the card's life-cycle state.
	Status CardStatus `json:"status"`
	// BalanceFen is the stored value in fen; it always equals the sum of the card's ledger.
	BalanceFen int64 `json:"balance_fen"`
	// BalanceExpires is when the balance expires, if the policy sets an expiry.
	BalanceExpires *time.Time `json:"balance_expires,omitempty"`
	// ReplacedBy is the number of the card that replaced this one.
	ReplacedBy string `json:"replaced_by,omitempty"`
	// LedgerHead is the hash of the card's latest ledger entry ("" before the first).
	LedgerHead string `json:"ledger_head,omitempty"`
	// LedgerCount is the number of ledger entries on the card.
	LedgerCount int64 `json:"ledger_count"`
	// Issued is when the card was issued.
	Issued time.Time `json:"issued"`
	// Updated is when the record last changed.
	Updated time.Time `json:"updated"`
}
