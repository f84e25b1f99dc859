//! Handoffs in the store: the outbox of what this node sent, the inbox of
//! what it received, and what it holds for affiliates that were away; each
//! sealed, as it travelled.

use super::{InboxItem, OutboxItem, RelayItem};
use crate::error::Result;
use crate::storage::{Batch, Space, Store};
use unionfed_protocol::HandoffId;

/// By handoff id, each.
const OUTBOX: Space = Space::postcard(b'o', "outbox item");
const INBOX: Space = Space::postcard(b'i', "inbox item");
const RELAY: Space = Space::postcard(b'x', "relayed handoff");

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

/// Stores a received handoff unless one with its id is held; returns the
/// one held, if any.
pub(crate) fn insert_inbox(store: &Store, item: &InboxItem) -> Result<Option<InboxItem>> {
    let mut batch = Batch::default();
    batch.put(INBOX, item.id.as_bytes(), item)?;
    if store.write_if_absent(INBOX, item.id.as_bytes(), batch)? {
        return Ok(None);
    }
    // Inbox items are never changed or removed: the one held is still there.
    inbox(store, &item.id)
}

pub(crate) fn inbox_len(store: &Store) -> usize {
    store.count(INBOX)
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
