//! Handoffs in the store: the outbox of what this node sent, the inbox of
//! what it received, and what it holds for affiliates that were away; each
//! sealed, as it travelled.

use super::{AppliedItem, InboxItem, OutboxItem, RelayItem};
use crate::error::Result;
use crate::storage::{Batch, Space, Store};
use unionfed_protocol::{HandoffId, SignedReceipt};

/// By handoff id, each.
const OUTBOX: Space = Space::postcard(b'o', "outbox item");
const INBOX: Space = Space::postcard(b'i', "inbox item");
const RELAY: Space = Space::postcard(b'x', "relayed handoff");
const APPLIED: Space = Space::postcard(b'j', "applied inbox item");

pub(crate) fn put_outbox(store: &Store, item: &OutboxItem) -> Result<()> {
    store.put(OUTBOX, item.id.as_bytes(), item)
}

/// Adds an outbox item to `batch`, with what else belongs to the same step.
pub(crate) fn stage_outbox(batch: &mut Batch, item: &OutboxItem) -> Result<()> {
    batch.put(OUTBOX, item.id.as_bytes(), item)
}

pub(crate) fn outbox(store: &Store) -> Result<Vec<OutboxItem>> {
    store.scan(OUTBOX, &[])
}

pub(crate) fn outbox_item(store: &Store, id: &HandoffId) -> Result<Option<OutboxItem>> {
    store.get(OUTBOX, id.as_bytes())
}

pub(crate) fn inbox(store: &Store, id: &HandoffId) -> Result<Option<InboxItem>> {
    store.get(INBOX, id.as_bytes())
}

/// Stores a received handoff unless one with its id is held, as it came
/// or applied (checked under the store's write lock, which the move to
/// applied also takes); returns the receipt of the one held, if any.
pub(crate) fn insert_inbox(store: &Store, item: &InboxItem) -> Result<Option<SignedReceipt>> {
    let mut batch = Batch::default();
    batch.put(INBOX, item.id.as_bytes(), item)?;
    let id = item.id.as_bytes();
    if store.write_if_all_absent(&[(INBOX, id), (APPLIED, id)], batch)? {
        return Ok(None);
    }
    if let Some(held) = inbox(store, &item.id)? {
        return Ok(Some(held.receipt));
    }
    Ok(applied(store, &item.id)?.map(|a| a.receipt))
}

/// Received handoffs, applied or not.
pub(crate) fn inbox_len(store: &Store) -> usize {
    store.count(INBOX) + store.count(APPLIED)
}

pub(crate) fn applied(store: &Store, id: &HandoffId) -> Result<Option<AppliedItem>> {
    store.get(APPLIED, id.as_bytes())
}

/// The received handoffs still held as they came: not applied (yet).
pub(crate) fn held_inbox(store: &Store) -> Result<Vec<InboxItem>> {
    store.scan(INBOX, &[])
}

/// Keeps of an inbox item only what its receipt and a repeated delivery
/// need, in the batch that drops its sealed contents: for an item its area
/// has acted on, and for one that could not be applied and was kept, for
/// an operator to look at, until `unapplied_handoff_retention_days` ran
/// out.
pub(crate) fn move_to_applied(store: &Store, item: &InboxItem) -> Result<()> {
    let applied = AppliedItem {
        id: item.id,
        sender: item.sender.clone(),
        kind: item.kind,
        received_at: item.received_at,
        envelope_hash: item.handoff.digest(),
        receipt: item.receipt.clone(),
    };
    let mut batch = Batch::default();
    batch.put(APPLIED, item.id.as_bytes(), &applied)?;
    batch.remove(INBOX, item.id.as_bytes());
    store.write(batch)
}

pub(crate) fn put_relay(store: &Store, item: &RelayItem) -> Result<()> {
    store.put(RELAY, item.id.as_bytes(), item)
}

pub(crate) fn relay_item(store: &Store, id: &HandoffId) -> Result<Option<RelayItem>> {
    store.get(RELAY, id.as_bytes())
}

pub(crate) fn relays(store: &Store) -> Result<Vec<RelayItem>> {
    store.scan(RELAY, &[])
}

pub(crate) fn remove_relay(store: &Store, id: &HandoffId) -> Result<()> {
    store.remove(RELAY, id.as_bytes()).map(|_| ())
}

pub(crate) fn relay_len(store: &Store) -> usize {
    store.count(RELAY)
}
