//! The audit trail in the store: records by sequence number, each naming
//! the hash of the one before, and the anchor that retention leaves where
//! it cut the oldest records off.

use super::{AuditAnchor, AuditRecord, GENESIS};
use crate::error::Result;
use crate::storage::{Batch, Space, Store};
use unionfed_protocol::Timestamp;

/// By seq u64.
const RECORDS: Space = Space::json(b'y', "audit record");
/// One key, [`ANCHOR_KEY`].
const ANCHOR: Space = Space::json(b'z', "audit anchor");
const ANCHOR_KEY: &[u8] = b"anchor";

/// Appends the record `make(seq, prev_hash)` returns after the last one.
pub(crate) fn append(store: &Store, make: impl Fn(u64, &str) -> AuditRecord) -> Result<()> {
    loop {
        let (seq, prev) = match newest_first(store).next().transpose()? {
            Some(last) => (last.seq + 1, last.hash),
            None => match anchor(store)? {
                Some(a) => (a.through_seq + 1, a.hash),
                None => (1, GENESIS.to_owned()),
            },
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

/// Where retention cut the trail, if it ever did.
pub(crate) fn anchor(store: &Store) -> Result<Option<AuditAnchor>> {
    store.get(ANCHOR, ANCHOR_KEY)
}

/// The records written before `before`, never the newest one (the next
/// record names its hash).
fn older_than(store: &Store, before: Timestamp) -> Result<Vec<AuditRecord>> {
    let newest = match newest_first(store).next().transpose()? {
        Some(r) => r.seq,
        None => return Ok(Vec::new()),
    };
    let mut out = Vec::new();
    for r in oldest_first(store) {
        let r = r?;
        if r.at.secs() >= before.secs() || r.seq == newest {
            break;
        }
        out.push(r);
    }
    Ok(out)
}

/// How many records were written before `before`.
pub(crate) fn count_older_than(store: &Store, before: Timestamp) -> Result<usize> {
    Ok(older_than(store, before)?.len())
}

/// Removes the records written before `before` (all but the newest) and
/// moves the anchor to the last one removed, in one batch: the chain that
/// is left still verifies from the anchor. `at` is when the cut was made.
pub(crate) fn remove_older_than(store: &Store, before: Timestamp, at: Timestamp) -> Result<usize> {
    let old = older_than(store, before)?;
    let Some(last) = old.last() else {
        return Ok(0);
    };
    let mut batch = Batch::default();
    batch.put(
        ANCHOR,
        ANCHOR_KEY,
        &AuditAnchor {
            through_seq: last.seq,
            hash: last.hash.clone(),
            cut_at: at,
        },
    )?;
    for r in &old {
        batch.remove(RECORDS, &r.seq.to_be_bytes());
    }
    store.write(batch)?;
    Ok(old.len())
}
