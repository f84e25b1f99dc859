//! Consents and transfers in the store, with the indexes that find the
//! transfers of one member and the incoming ones by their end date.

use super::{Consent, Direction, Transfer, TransferStatus};
use crate::error::{NodeError, Result};
use crate::storage::{key, Batch, Space, Store};
use unionfed_protocol::{HandoffId, MemberId, Timestamp};

/// By member id + consent id.
const CONSENTS: Space = Space::json(b'c', "consent");
/// By transfer (handoff) id.
const TRANSFERS: Space = Space::json(b't', "transfer");
/// Member id + transfer id, empty values: the transfers of one member.
const BY_MEMBER: Space = Space::raw(b'T', "transfer index entry");
/// End time u64 + transfer id, empty values: incoming transfers with an end
/// date, by that date.
const BY_END: Space = Space::raw(b'U', "transfer end index entry");

/// Marks, in the store, that transfers written before the indexes existed
/// were indexed.
const INDEXED: &str = "transfer_index";

pub(crate) fn put_consent(store: &Store, consent: &Consent) -> Result<()> {
    store.put(CONSENTS, &consent_key(consent), consent)
}

pub(crate) fn consents(store: &Store, member: &MemberId) -> Result<Vec<Consent>> {
    store.scan(CONSENTS, member.as_bytes())
}

fn consent_key(consent: &Consent) -> Vec<u8> {
    key(&[consent.member.as_bytes(), consent.id.as_bytes()])
}

pub(crate) fn put_transfer(store: &Store, transfer: &Transfer) -> Result<()> {
    let mut batch = Batch::default();
    stage_transfer(&mut batch, transfer)?;
    store.write(batch)
}

/// Adds a transfer and its index entries to `batch`.
pub(crate) fn stage_transfer(batch: &mut Batch, transfer: &Transfer) -> Result<()> {
    batch.put(TRANSFERS, transfer.id.as_bytes(), transfer)?;
    index(batch, transfer);
    Ok(())
}

/// The index entries of a transfer: by member, and for an incoming one with
/// an end date, by that date.
fn index(batch: &mut Batch, t: &Transfer) {
    batch.index(BY_MEMBER, &key(&[t.member.as_bytes(), t.id.as_bytes()]));
    if let (Some(until), Direction::Incoming) = (t.until, t.direction) {
        let end = until.secs().to_be_bytes();
        batch.index(BY_END, &key(&[&end, t.id.as_bytes()]));
    }
}

pub(crate) fn transfer(store: &Store, id: &HandoffId) -> Result<Option<Transfer>> {
    store.get(TRANSFERS, id.as_bytes())
}

pub(crate) fn transfers(store: &Store) -> Result<Vec<Transfer>> {
    store.scan(TRANSFERS, &[])
}

/// The transfers of one member, either direction, through the index.
pub(crate) fn member_transfers(store: &Store, member: &MemberId) -> Result<Vec<Transfer>> {
    let mut found = Vec::new();
    for entry in store.keys(BY_MEMBER, member.as_bytes()) {
        if let Some(t) = transfer(store, &indexed_transfer(&entry?)?)? {
            found.push(t);
        }
    }
    Ok(found)
}

/// The incoming transfers whose end date is at or before `at`, with those
/// already settled (ended, declined) dropped from the index.
pub(crate) fn transfers_due(store: &Store, at: Timestamp) -> Result<Vec<Transfer>> {
    let mut due = Vec::new();
    let end = at.secs().saturating_add(1).to_be_bytes();
    let entries: Vec<Vec<u8>> = store.keys_before(BY_END, &end).collect::<Result<_>>()?;
    for entry in entries {
        match transfer(store, &indexed_transfer(&entry)?)? {
            Some(t)
                if !matches!(
                    t.status,
                    TransferStatus::Ended { .. } | TransferStatus::Declined { .. }
                ) =>
            {
                due.push(t)
            }
            _ => {
                store.remove(BY_END, &entry)?;
            }
        }
    }
    Ok(due)
}

/// The transfer an index key points at: its last 16 bytes.
fn indexed_transfer(key: &[u8]) -> Result<HandoffId> {
    key.len()
        .checked_sub(16)
        .and_then(|start| <[u8; 16]>::try_from(&key[start..]).ok())
        .map(HandoffId::from_bytes)
        .ok_or_else(|| NodeError::Storage("a transfer index key is unreadable".into()))
}

/// Builds the indexes of transfers for a store written before they
/// existed; once.
pub(crate) fn index_transfers(store: &Store) -> Result<()> {
    store.once(INDEXED, |store| {
        let mut batch = Batch::default();
        for t in transfers(store)? {
            index(&mut batch, &t);
        }
        store.write(batch)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incoming(member: MemberId, until: Option<u64>, status: TransferStatus) -> Transfer {
        Transfer {
            id: HandoffId::random(),
            direction: Direction::Incoming,
            member,
            origin: "KSPI".parse().unwrap(),
            destination: "MTUC".parse().unwrap(),
            status,
            file: None,
            request: false,
            consent: None,
            until: until.map(Timestamp),
            replaces: None,
            membership_move: false,
            created_at: Timestamp(1_790_000_000),
            updated_at: Timestamp(1_790_000_000),
        }
    }

    #[test]
    fn transfers_are_found_by_member_and_by_end_date_also_in_an_older_store() {
        let dir = tempfile::TempDir::new().unwrap();
        let (a, b) = (MemberId::random(), MemberId::random());
        let due = incoming(a, Some(1_800_000_000), TransferStatus::Accepted);
        let later = incoming(a, Some(1_900_000_000), TransferStatus::Accepted);
        let ended = incoming(
            b,
            Some(1_700_000_000),
            TransferStatus::Ended {
                reason: unionfed_protocol::entry::RepresentationEndReason::Expired,
            },
        );
        let open_ended = incoming(b, None, TransferStatus::Accepted);
        {
            // Written as builds before the indexes did: the record alone.
            let store = crate::launch::open_store(dir.path()).unwrap();
            for t in [&due, &later, &ended, &open_ended] {
                store.put(TRANSFERS, t.id.as_bytes(), t).unwrap();
            }
            store.forget_migration(INDEXED).unwrap();
            store.flush_blocking().unwrap();
        }
        let store = crate::launch::open_store(dir.path()).unwrap();
        let mut of_a: Vec<HandoffId> = member_transfers(&store, &a)
            .unwrap()
            .iter()
            .map(|t| t.id)
            .collect();
        of_a.sort();
        let mut expected = vec![due.id, later.id];
        expected.sort();
        assert_eq!(of_a, expected);
        assert_eq!(member_transfers(&store, &b).unwrap().len(), 2);
        assert!(member_transfers(&store, &MemberId::random())
            .unwrap()
            .is_empty());
        // Due by 1_850_000_000: the accepted one; the ended one is dropped from the index.
        let now = Timestamp(1_850_000_000);
        let ids: Vec<HandoffId> = transfers_due(&store, now)
            .unwrap()
            .iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(ids, vec![due.id]);
        assert_eq!(transfers_due(&store, now).unwrap().len(), 1);
        let ended_key = key(&[&1_700_000_000u64.to_be_bytes(), ended.id.as_bytes()]);
        assert!(store.get_raw(BY_END, &ended_key).unwrap().is_none());
        // A transfer written now is indexed with it.
        let new = incoming(b, Some(1_800_000_100), TransferStatus::Accepted);
        put_transfer(&store, &new).unwrap();
        assert_eq!(member_transfers(&store, &b).unwrap().len(), 3);
        assert_eq!(transfers_due(&store, now).unwrap().len(), 2);
    }
}
