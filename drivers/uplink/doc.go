// Package uplink forwards a branch box's outbox (appliance/store, the
// events package appliance/chain names) to head office's NATS JetStream
// stream chain.StreamEvents, in seq order, each event with its MsgID as
// the Nats-Msg-Id so the stream stores a republished event once.
//
// The outbox cursor (store OutboxAcked) moves only after the stream's
// PubAck, so a crash or a lost connection republishes at most the batch
// that was in flight, which the stream's duplicate window drops. With
// NATS unreachable the desk goes on as before: the store's writes never
// wait for the forwarder, and the events queue in the outbox until the
// server is back.
//
// BlacklistFollower goes the other way: it applies head office's card
// blacklist (chain.StreamBlacklist) to the store in stream order, each
// entry in the transaction that records its stream seq, so the box's
// reader refuses a card another branch reported, and a box restarted or
// cut off reads on from the entry after the last it applied. While the
// server is down the box refuses what its store lists. PublishBlacklist
// is head office's side: one entry, Nats-Msg-Id "<branch>-<seq>-blacklist".
//
// ReplayResponder answers head office's chain.ReplayRequest on
// chain.SubjectReplay+branch by publishing the outbox again from the
// requested seq with the same message ids; an event of the gap head
// office names that the duplicate window still remembers (its message was
// deleted from the stream) goes once more under a replay's own id.
//
// OutboxPruner deletes, hourly, the outbox events the stream acked that
// are older than the keep time, so the outbox does not grow for ever; a
// replay asking for a pruned seq is answered with the seqs that are gone.
// A card used at another branch (store.toml [chain] cross_branch_charge)
// is charged where it was issued, whose ledger keeps the balance:
// CardDirectory writes this box's cards' UIDs into the chain's card
// directory, the JetStream key-value bucket chain.BucketCards, from the
// card events of its own outbox (its cursor kept in the bucket), so the
// asking box can tell which branch issued a UID; ChargeClient looks the
// UID up and sends a chain.ChargeRequest with the desk's idempotency key
// to chain.ChargeSubject(issuer); ChargeResponder, on the issuing box,
// charges through the card service under that key, so a request repeated
// after a lost or late reply is answered with the first result and never
// charged twice. Unreachable or silent, the issuing box is a refusal at
// the desk within the client's timeout.
//
// It follows the NATS client protocol and JetStream's publish API as
// nats.go implements them: https://docs.nats.io/nats-concepts/jetstream,
// https://docs.nats.io/using-nats/developer/develop_jetstream/model_deep_dive#message-deduplication,
// https://docs.nats.io/nats-concepts/jetstream/key-value-store,
// https://docs.nats.io/nats-concepts/core-nats/reqreply.
//
// The package must not import shouhou's ui or conf; main turns the
// store.toml [chain] section into Options.
package uplink
