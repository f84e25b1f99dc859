//! The case desk in the store: cases and the hashes of their receipt codes,
//! attachments, the referral directory, and partners with the index that
//! finds one by its token.

use super::partners::Partner;
use super::receipt::ReceiptLock;
use super::referrals::Service;
use super::Case;
use crate::error::{NodeError, Result};
use crate::handoffs::OutboxItem;
use crate::storage::{key, Batch, Space, Store};
use unionfed_protocol::HandoffId;

/// By case id. Personal data, never replicated.
const CASES: Space = Space::json(b'k', "case");
/// By receipt locator (6 digits) + case id: the Argon2id hash of the code.
const RECEIPTS: Space = Space::json(b'l', "receipt lock");
/// By directory entry id.
const SERVICES: Space = Space::json(b'v', "directory entry");
/// By the SHA-256 (hex) of the file: its bytes, metadata removed.
const FILES: Space = Space::raw(b'f', "case attachment");
/// By partner id.
const PARTNERS: Space = Space::json(b'g', "partner");
/// By the SHA-256 of a partner's token: the partner id.
const PARTNER_TOKENS: Space = Space::raw(b'p', "partner token index entry");

/// Stores a new case and, for a worker given a receipt code, the hash that
/// finds it, in one batch.
pub(crate) fn put_case(store: &Store, case: &Case, receipt: Option<&ReceiptLock>) -> Result<()> {
    let mut batch = Batch::default();
    batch.put(CASES, case.id.as_bytes(), case)?;
    if let Some(lock) = receipt {
        let at = key(&[lock.locator.as_bytes(), case.id.as_bytes()]);
        batch.put(RECEIPTS, &at, lock)?;
    }
    store.write(batch)
}

pub(crate) fn case(store: &Store, id: &HandoffId) -> Result<Option<Case>> {
    store.get(CASES, id.as_bytes())
}

pub(crate) fn cases(store: &Store) -> Result<Vec<Case>> {
    store.scan(CASES, &[])
}

/// Replaces `before` with `after`, and puts `handoff` (if any) in the
/// outbox in the same batch, so the case and the message about it are
/// written together; `false` (and nothing written) when the stored case is
/// no longer `before`.
pub(crate) fn replace_case_with(
    store: &Store,
    before: &Case,
    after: &Case,
    handoffs: &[OutboxItem],
) -> Result<bool> {
    let mut batch = Batch::default();
    batch.put(CASES, before.id.as_bytes(), after)?;
    for item in handoffs {
        crate::handoffs::store::stage_outbox(&mut batch, item)?;
    }
    store.write_if_still(CASES, before.id.as_bytes(), before, batch)
}

/// Replaces `before` with its erased form `after`, removes the receipt
/// code's hash, so that the code opens nothing any more, and the bytes of
/// every file of the case that no other case holds; `handoffs` (telling
/// the affiliates the case went to) are written in the same batch.
pub(crate) fn replace_case_erasing(
    store: &Store,
    before: &Case,
    after: &Case,
    handoffs: &[OutboxItem],
) -> Result<bool> {
    store.note_erasure()?;
    let mut batch = Batch::default();
    batch.put(CASES, before.id.as_bytes(), after)?;
    for item in handoffs {
        crate::handoffs::store::stage_outbox(&mut batch, item)?;
    }
    let mut unused: std::collections::BTreeSet<&str> = before
        .attachments
        .iter()
        .map(|a| a.sha256.as_str())
        .collect();
    if !unused.is_empty() {
        for other in cases(store)? {
            if other.id != before.id {
                for a in &other.attachments {
                    unused.remove(a.sha256.as_str());
                }
            }
        }
    }
    for sha in unused {
        batch.remove(FILES, sha.as_bytes());
    }
    for lock in store.keys(RECEIPTS, &[]) {
        let lock = lock?;
        if lock.ends_with(before.id.as_bytes()) {
            batch.remove(RECEIPTS, &lock);
        }
    }
    store.write_if_still(CASES, before.id.as_bytes(), before, batch)
}

/// The cases whose receipt code starts with `locator`, with their locks.
pub(crate) fn cases_by_locator(store: &Store, locator: &str) -> Result<Vec<(Case, ReceiptLock)>> {
    let mut out = Vec::new();
    for item in store.iter::<ReceiptLock>(RECEIPTS, locator.as_bytes()) {
        let (at, lock) = item?;
        let id = at
            .get(locator.len()..)
            .and_then(|b| <[u8; 16]>::try_from(b).ok())
            .map(HandoffId::from_bytes)
            .ok_or_else(|| NodeError::Storage("a receipt index key is unreadable".into()))?;
        if let Some(case) = case(store, &id)? {
            out.push((case, lock));
        }
    }
    Ok(out)
}

/// Stores a file under its SHA-256 (hex); the same file is kept once.
pub(crate) fn put_file(store: &Store, sha256_hex: &str, bytes: &[u8]) -> Result<()> {
    store.put_raw(FILES, sha256_hex.as_bytes(), bytes)
}

pub(crate) fn file(store: &Store, sha256_hex: &str) -> Result<Option<Vec<u8>>> {
    store.get_raw(FILES, sha256_hex.as_bytes())
}

/// Stores directory entries in one batch.
pub(crate) fn put_services(store: &Store, services: &[Service]) -> Result<()> {
    let mut batch = Batch::default();
    for s in services {
        batch.put(SERVICES, s.id.as_bytes(), s)?;
    }
    store.write(batch)
}

pub(crate) fn services(store: &Store) -> Result<Vec<Service>> {
    store.scan(SERVICES, &[])
}

/// Stores a new partner and the index from its token's hash, together.
pub(crate) fn put_new_partner(
    store: &Store,
    partner: &Partner,
    token_hash: &[u8; 32],
) -> Result<()> {
    let mut batch = Batch::default();
    batch.put(PARTNERS, partner.id.as_bytes(), partner)?;
    batch.put_raw(PARTNER_TOKENS, token_hash, partner.id.as_bytes());
    store.write(batch)
}

pub(crate) fn put_partner(store: &Store, partner: &Partner) -> Result<()> {
    store.put(PARTNERS, partner.id.as_bytes(), partner)
}

pub(crate) fn partners(store: &Store) -> Result<Vec<Partner>> {
    store.scan(PARTNERS, &[])
}

/// The partner whose token hashes to `token_hash`, revoked or not.
pub(crate) fn partner_by_token_hash(
    store: &Store,
    token_hash: &[u8; 32],
) -> Result<Option<Partner>> {
    let Some(id) = store.get_raw(PARTNER_TOKENS, token_hash)? else {
        return Ok(None);
    };
    let id = <[u8; 16]>::try_from(id.as_slice())
        .map(HandoffId::from_bytes)
        .map_err(|_| NodeError::Storage("a partner token index entry is unreadable".into()))?;
    store.get(PARTNERS, id.as_bytes())
}

/// Stores written before the token index kept the token's hash in the
/// partner record: index those, and drop the hash from the record. Finds
/// nothing to do once done, so it runs at every opening.
pub(crate) fn index_partner_tokens(store: &Store) -> Result<()> {
    let mut batch = Batch::default();
    for item in store.iter::<serde_json::Value>(PARTNERS, &[]) {
        let (id, mut record) = item?;
        let Some(old) = record
            .as_object_mut()
            .and_then(|o| o.remove("token_sha256"))
        else {
            continue;
        };
        let hash: [u8; 32] = old
            .as_str()
            .and_then(|h| hex::decode(h).ok())
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| NodeError::Storage("a partner's token hash is unreadable".into()))?;
        batch.put_raw(PARTNER_TOKENS, &hash, &id);
        batch.put(PARTNERS, &id, &record)?;
    }
    store.write(batch)
}

#[cfg(test)]
mod tests {
    use super::*;
    use sha2::{Digest, Sha256};

    #[test]
    fn partners_from_an_older_store_are_found_by_their_token_after_reopening() {
        let dir = tempfile::TempDir::new().unwrap();
        let id = HandoffId::random();
        let hash: [u8; 32] = Sha256::digest(b"ufp_old-token").into();
        {
            // The record as builds before the token index wrote it.
            let store = crate::launch::open_store(dir.path()).unwrap();
            let old = serde_json::json!({
                "id": id, "name": "Shelter", "kind": "ngo", "country": "MY",
                "scopes": ["create_referrals"], "token_sha256": hex::encode(hash),
                "created_at": 1_790_000_000u64, "revoked_at": null
            });
            store.put(PARTNERS, id.as_bytes(), &old).unwrap();
            store.flush_blocking().unwrap();
        }
        let store = crate::launch::open_store(dir.path()).unwrap();
        let found = partner_by_token_hash(&store, &hash).unwrap().unwrap();
        assert_eq!((found.id, found.name.as_str()), (id, "Shelter"));
        let raw = store.get_raw(PARTNERS, id.as_bytes()).unwrap().unwrap();
        assert!(!String::from_utf8_lossy(&raw).contains("token_sha256"));
        let other: [u8; 32] = Sha256::digest(b"ufp_another").into();
        assert!(partner_by_token_hash(&store, &other).unwrap().is_none());
        // Opening again changes nothing.
        drop(store);
        let store = crate::launch::open_store(dir.path()).unwrap();
        assert!(partner_by_token_hash(&store, &hash).unwrap().is_some());
    }
}
