//! The audit trail in the store: records by sequence number, each naming
//! the hash of the one before.

use super::{AuditRecord, GENESIS};
use crate::error::Result;
use crate::storage::{Batch, Space, Store};

/// By seq u64.
const RECORDS: Space = Space::json(b'y', "audit record");

/// Appends the record `make(seq, prev_hash)` returns after the last one.
pub(crate) fn append(store: &Store, make: impl Fn(u64, &str) -> AuditRecord) -> Result<()> {
    loop {
        let (seq, prev) = match newest_first(store).next().transpose()? {
            Some(last) => (last.seq + 1, last.hash),
            None => (1, GENESIS.to_owned()),
        };
        let key = seq.to_be_bytes();
        let mut batch = Batch::default();
        batch.put(RECORDS, &key, &make(seq, &prev))?;
        // Another record may have taken `seq` since the last was read: then
        // it is the last, and this one follows it.
        if store.write_if_absent(RECORDS, &key, batch)? {
            return Ok(());
        }
    }
}

pub(crate) fn oldest_first(store: &Store) -> impl Iterator<Item = Result<AuditRecord>> + '_ {
    store
        .iter(RECORDS, &[])
        .map(|r| r.map(|(_, record)| record))
}

pub(crate) fn newest_first(store: &Store) -> impl Iterator<Item = Result<AuditRecord>> + '_ {
    store
        .iter(RECORDS, &[])
        .rev()
        .map(|r| r.map(|(_, record)| record))
}
