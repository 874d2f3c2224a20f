// Package cards runs the customer service cards (售后服务卡) and their
// stored-value ledger: issue, bind a chip, top up, charge, refund, reverse,
// report lost, unblock, replace and cancel (DOMAIN.md "Cards"; seed 000,
// 壹卡通 service manual 7.3 and FAQ).
//
// Every money operation carries a client-made idempotency key: a retry
// with the same key returns the first result and moves no money; the same
// key with different content is refused. Operations go through one writer
// goroutine that folds whatever is queued into one durable transaction
// (group commit) and answers each caller only after that commit, while each
// operation stays all-or-nothing on its own: a refused charge writes
// nothing and does not sink its neighbours.
//
// It imports appliance, appliance/store and appliance/policy only.
package cards
