//! Member records in the store: personal data, this node only; what
//! replicates is the attestation in the log.

use super::MemberRecord;
use crate::error::Result;
use crate::storage::{Batch, Space, Store};
use unionfed_protocol::MemberId;

/// By member id. Counted: `/metrics` reads the number of members.
const MEMBERS: Space = Space::json(b'm', "member record").counted();
/// One record, under an empty key: when this store first ran a release
/// that renews memberships (see [`renewals_since`]).
const RENEWALS: Space = Space::json(b'R', "renewals start");

/// When this store first ran a release that renews memberships: set on
/// the first call. A membership whose validity ended before then had no
/// way to be renewed, so its grace period counts from this time.
pub(crate) fn renewals_since(
    store: &Store,
    at: unionfed_protocol::Timestamp,
) -> Result<unionfed_protocol::Timestamp> {
    if let Some(t) = store.get(RENEWALS, &[])? {
        return Ok(t);
    }
    store.put(RENEWALS, &[], &at)?;
    Ok(at)
}

pub(crate) fn member(store: &Store, id: &MemberId) -> Result<Option<MemberRecord>> {
    store.get(MEMBERS, id.as_bytes())
}

/// Writes a member record that changes no log entry (also for
/// `unionfed bench`, which fills a stopped node's store).
pub fn put_member(store: &Store, record: &MemberRecord) -> Result<()> {
    store.put(MEMBERS, record.id.as_bytes(), record)
}

/// Adds a member record to `batch`: written with the entry that enrols or
/// attests the member, or with the transfer that brings them here.
pub(crate) fn stage_member(batch: &mut Batch, record: &MemberRecord) -> Result<()> {
    batch.put(MEMBERS, record.id.as_bytes(), record)
}

/// Deletes a member record (personal data only; log entries stay).
pub(crate) fn remove_member(store: &Store, id: &MemberId) -> Result<bool> {
    store.remove(MEMBERS, id.as_bytes())
}

/// Every member record, in id order.
pub(crate) fn members(store: &Store) -> Result<Vec<MemberRecord>> {
    store.scan(MEMBERS, &[])
}

pub(crate) fn member_count(store: &Store) -> usize {
    store.count(MEMBERS)
}
