//! The only module that touches sled. Everything else sees domain methods.
//!
//! Two trees. `meta` holds the schema version (`schema`, u32) and every
//! charter version held (`charter/` + version u32, postcard
//! `CharterDocument`). `data` holds everything else under one-byte prefixes,
//! so that a page of entries, its index updates and a member record are
//! written by one atomic batch:
//!
//! | prefix | key | value |
//! |---|---|---|
//! | `e` | author + seq u64 | postcard `Signed<Entry>` |
//! | `h` | author | postcard `Head` |
//! | `a` | issuer + member id | seq u64 of the latest attestation |
//! | `r` | member id + representing affiliate | postcard `Representation` |
//! | `k` | case id | JSON `Case` (personal data, never replicated) |
//! | `l` | receipt locator (6 digits) + case id | JSON `ReceiptLock` (Argon2id hash of the receipt code) |
//! | `v` | directory entry id | JSON `Service` |
//! | `f` | SHA-256 of the file | the bytes of a case attachment (metadata removed) |
//! | `y` | seq u64 | JSON `AuditRecord`, hash-chained |
//! | `u` | user name | JSON `User` (staff account, Argon2id password hash) |
//! | `s` | SHA-256 of the session id | JSON `Session` |
//! | `w` | SHA-256 of a personal API token | JSON `ApiToken` (its id, user and label) |
//! | `g` | partner id | JSON `Partner` (name, kind, scopes, revocation) |
//! | `p` | SHA-256 of a partner's token | the partner id |
//! | `n` | member id + representing affiliate | postcard `EndNotice` (the latest end, kept even when it arrives before the commitment it ends) |
//! | `q` | author + seq u64 + entry hash | postcard `Equivocation` |
//! | `m` | member id | JSON `MemberRecord` (personal data, never replicated) |
//! | `o` | handoff id | postcard `OutboxItem` (sealed, with its receipt once it arrives) |
//! | `i` | handoff id | postcard `InboxItem` (sealed, as received, with the receipt sent) |
//! | `x` | handoff id | postcard `RelayItem` (sealed, held for an affiliate that was away) |
//! | `c` | member id + consent id | JSON `Consent` |
//! | `t` | transfer (handoff) id | JSON `Transfer` (at the destination, with the worker's file) |
//! | `T` | member id + transfer id | empty: the transfers of one member |
//! | `U` | end time u64 + transfer id | empty: incoming transfers with an end date, by that date |
//!
//! "author" in a key is one length byte and the affiliate code; integers are
//! big-endian so ranges sort.
//!
//! Writes to `data` are serialised by one lock: each computes its outcome
//! against the state it reads and applies one `sled::Batch`.
//!
//! Durability: writers call [`Store::flush`] before acknowledging. Flushes are
//! grouped: while one runs, the writers that arrive meanwhile queue behind it
//! and the first of them flushes for all, so many writers share one fsync.

use crate::cases::partners::Partner;
use crate::cases::receipt::ReceiptLock;
use crate::cases::referrals::Service;
use crate::cases::Case;
use crate::error::{NodeError, Result};
use crate::handoffs::{InboxItem, OutboxItem, RelayItem};
use crate::members::MemberRecord;
use crate::transfers::{Consent, Transfer};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use unionfed_protocol::entry::{extend_chain, Body, Head, RepresentationEndReason};
use unionfed_protocol::wire::AuthorHead;
use unionfed_protocol::{
    AffiliateId, CharterDocument, Entry, Equivocation, HandoffId, MemberId, MembershipAttestation,
    Seq, SignedEntry, Timestamp,
};

/// The schema this build writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

const ENTRY: u8 = b'e';
const HEAD: u8 = b'h';
const ATTESTATION: u8 = b'a';
const REPRESENTATION: u8 = b'r';
const EQUIVOCATION: u8 = b'q';
const MEMBER: u8 = b'm';
const OUTBOX: u8 = b'o';
const INBOX: u8 = b'i';
const CONSENT: u8 = b'c';
const RELAY: u8 = b'x';
const TRANSFER: u8 = b't';
const TRANSFER_BY_MEMBER: u8 = b'T';
const TRANSFER_BY_END: u8 = b'U';
const REPRESENTATION_END: u8 = b'n';
const CASE: u8 = b'k';
const RECEIPT: u8 = b'l';
const PARTNER: u8 = b'g';
const SERVICE: u8 = b'v';
const FILE: u8 = b'f';
const AUDIT: u8 = b'y';
const USER: u8 = b'u';
const SESSION: u8 = b's';
const API_TOKEN: u8 = b'w';
const PARTNER_TOKEN: u8 = b'p';

/// The latest representation end for `(member, representing)`, by the
/// entry that said so. Entries of different authors arrive in any order, so
/// an end may come before the commitment it ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct EndNotice {
    home: AffiliateId,
    ended: Timestamp,
    reason: RepresentationEndReason,
    author: AffiliateId,
    seq: u64,
}

impl EndNotice {
    fn apply_to(&self, state: &mut Representation) -> bool {
        state.apply_end(&self.author, &self.home, self.ended, self.reason)
    }
}

/// What happened to an entry offered to the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Stored; it extended the author's log.
    Stored,
    /// Already held, byte for byte.
    Duplicate,
    /// The author's log here ends at `have`; the entry is further on.
    Gap { have: u64 },
    /// A different entry is held at this position: both kept as evidence.
    Equivocation,
}

/// A representation commitment as the index keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Representation {
    pub member: MemberId,
    pub home: AffiliateId,
    pub representing: AffiliateId,
    pub from: Timestamp,
    pub until: Option<Timestamp>,
    pub ended: Option<(Timestamp, RepresentationEndReason)>,
    pub seq: u64,
}

impl Representation {
    /// Ends this representation if an end entry by `author` about `home`,
    /// dated `ended`, applies to it: one of the two parties said so, about
    /// the same home affiliate, and not before the commitment began. The
    /// same rule holds for a node's store and for an offline verifier.
    pub fn apply_end(
        &mut self,
        author: &AffiliateId,
        home: &AffiliateId,
        ended: Timestamp,
        reason: RepresentationEndReason,
    ) -> bool {
        let applies = (author == &self.representing || author == &self.home)
            && home == &self.home
            && ended >= self.from
            && self.ended.is_none();
        if applies {
            self.ended = Some((ended, reason));
        }
        applies
    }

    pub fn in_force_at(&self, at: Timestamp) -> bool {
        self.from <= at
            && self.until.is_none_or(|u| at < u)
            && self.ended.is_none_or(|(ended, _)| at < ended)
    }
}

/// The node's store.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    meta: sled::Tree,
    data: sled::Tree,
    write_lock: Arc<Mutex<()>>,
    members: Arc<AtomicUsize>,
    equivocations: Arc<AtomicUsize>,
    flushes: Arc<GroupFlush>,
}

/// Group commit: each flush request takes a ticket; a flush that starts after
/// a ticket was taken covers that ticket's writes.
#[derive(Default)]
struct GroupFlush {
    requested: AtomicU64,
    completed: AtomicU64,
    leader: tokio::sync::Mutex<()>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

fn push_author(key: &mut Vec<u8>, author: &AffiliateId) {
    // Affiliate codes are at most 12 bytes.
    key.push(author.as_str().len() as u8);
    key.extend_from_slice(author.as_str().as_bytes());
}

fn author_key(prefix: u8, author: &AffiliateId) -> Vec<u8> {
    let mut key = Vec::with_capacity(2 + author.as_str().len() + 8 + 32);
    key.push(prefix);
    push_author(&mut key, author);
    key
}

fn entry_key(author: &AffiliateId, seq: u64) -> Vec<u8> {
    let mut key = author_key(ENTRY, author);
    key.extend_from_slice(&seq.to_be_bytes());
    key
}

fn attestation_key(issuer: &AffiliateId, member: &MemberId) -> Vec<u8> {
    let mut key = author_key(ATTESTATION, issuer);
    key.extend_from_slice(member.as_bytes());
    key
}

fn representation_key(member: &MemberId, representing: &AffiliateId) -> Vec<u8> {
    let mut key = vec![REPRESENTATION];
    key.extend_from_slice(member.as_bytes());
    push_author(&mut key, representing);
    key
}

fn member_key(member: &MemberId) -> Vec<u8> {
    let mut key = vec![MEMBER];
    key.extend_from_slice(member.as_bytes());
    key
}

fn charter_key(version: u32) -> Vec<u8> {
    let mut key = b"charter/".to_vec();
    key.extend_from_slice(&version.to_be_bytes());
    key
}

fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    postcard::to_stdvec(value).map_err(|e| NodeError::Storage(format!("encode: {e}")))
}

fn decode<T: serde::de::DeserializeOwned>(what: &str, bytes: &[u8]) -> Result<T> {
    postcard::from_bytes(bytes)
        .map_err(|e| NodeError::Storage(format!("stored {what} is unreadable: {e}")))
}

fn to_json<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    serde_json::to_vec(value).map_err(|e| NodeError::Storage(e.to_string()))
}

fn consent_key(consent: &Consent) -> Vec<u8> {
    let mut key = vec![CONSENT];
    key.extend_from_slice(consent.member.as_bytes());
    key.extend_from_slice(consent.id.as_bytes());
    key
}

fn from_json<T: serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Result<T> {
    serde_json::from_slice(bytes)
        .map_err(|e| NodeError::Storage(format!("stored {what} is unreadable: {e}")))
}

fn read_seq(bytes: &[u8]) -> Result<u64> {
    bytes
        .try_into()
        .map(u64::from_be_bytes)
        .map_err(|_| NodeError::Storage("a stored sequence number is unreadable".into()))
}

/// Writes of one batch, readable before they are applied.
struct Pending<'a> {
    data: &'a sled::Tree,
    batch: sled::Batch,
    written: HashMap<Vec<u8>, Vec<u8>>,
}

impl Pending<'_> {
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        match self.written.get(key) {
            Some(v) => Ok(Some(v.clone())),
            None => Ok(self.data.get(key)?.map(|v| v.to_vec())),
        }
    }

    fn insert(&mut self, key: Vec<u8>, value: Vec<u8>) {
        self.batch.insert(key.as_slice(), value.as_slice());
        self.written.insert(key, value);
    }
}

/// A local record written in the same batch as an entry, or with others.
#[derive(Debug)]
pub enum Record<'a> {
    Member(&'a MemberRecord),
    Transfer(&'a Transfer),
    Consent(&'a Consent),
    Outbox(&'a OutboxItem),
}

impl Record<'_> {
    /// The other keys the record is found by, written with it (empty values).
    fn index_keys(&self) -> Vec<Vec<u8>> {
        match self {
            Record::Transfer(t) => transfer_index_keys(t),
            _ => Vec::new(),
        }
    }

    fn key_value(&self) -> Result<(Vec<u8>, Vec<u8>)> {
        Ok(match self {
            Record::Member(m) => (member_key(&m.id), to_json(*m)?),
            Record::Transfer(t) => (Store::handoff_key(TRANSFER, &t.id), to_json(*t)?),
            Record::Consent(c) => (consent_key(c), to_json(*c)?),
            Record::Outbox(o) => (Store::handoff_key(OUTBOX, &o.id), encode(*o)?),
        })
    }
}

impl Store {
    /// Opens (or creates) the store at `path`.
    pub fn open(path: &Path) -> Result<Store> {
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(256 * 1024 * 1024)
            .mode(sled::Mode::HighThroughput)
            .open()
            .map_err(|e| {
                NodeError::Storage(format!(
                    "cannot open the store at {}: {e}; is another unionfed using this data folder?",
                    path.display()
                ))
            })?;
        let meta = db.open_tree("meta")?;
        match meta.get("schema")? {
            None => {
                meta.insert("schema", &SCHEMA_VERSION.to_be_bytes())?;
                db.flush()?;
            }
            Some(v) => {
                let found = v
                    .as_ref()
                    .try_into()
                    .map(u32::from_be_bytes)
                    .map_err(|_| NodeError::Storage("schema version is unreadable".into()))?;
                if found != SCHEMA_VERSION {
                    return Err(NodeError::Schema {
                        path: path.display().to_string(),
                        found,
                        expected: SCHEMA_VERSION,
                        hint: if found > SCHEMA_VERSION {
                            "upgrade unionfed to a build that knows this schema"
                        } else {
                            "this build cannot migrate it; restore a backup made by a matching build"
                        },
                    });
                }
            }
        }
        let data = db.open_tree("data")?;
        Store::index_partner_tokens(&data)?;
        Store::index_transfers(&meta, &data)?;
        let members = data.scan_prefix([MEMBER]).count();
        let equivocations = data.scan_prefix([EQUIVOCATION]).count();
        Ok(Store {
            meta,
            data,
            db,
            write_lock: Arc::default(),
            members: Arc::new(AtomicUsize::new(members)),
            equivocations: Arc::new(AtomicUsize::new(equivocations)),
            flushes: Arc::default(),
        })
    }

    /// Returns once everything written before the call is on disk.
    pub async fn flush(&self) -> Result<()> {
        let g = &self.flushes;
        let ticket = g.requested.fetch_add(1, Ordering::SeqCst) + 1;
        let _leader = g.leader.lock().await;
        if g.completed.load(Ordering::SeqCst) >= ticket {
            return Ok(());
        }
        // Every ticket up to here was taken after its writes: this flush covers them all.
        let covered = g.requested.load(Ordering::SeqCst);
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || db.flush())
            .await
            .map_err(|e| NodeError::Storage(format!("flush task failed: {e}")))??;
        g.completed.fetch_max(covered, Ordering::SeqCst);
        Ok(())
    }

    /// Flushes synchronously, for shutdown.
    pub fn flush_blocking(&self) -> Result<()> {
        self.db.flush()?;
        Ok(())
    }

    /// Bytes the store takes on disk.
    pub fn size_on_disk(&self) -> Result<u64> {
        Ok(self.db.size_on_disk()?)
    }

    // --- charter -------------------------------------------------------

    /// The newest charter held.
    pub fn charter(&self) -> Result<Option<CharterDocument>> {
        match self.meta.scan_prefix("charter/").last() {
            Some(item) => Ok(Some(decode("charter", &item?.1)?)),
            None => Ok(None),
        }
    }

    /// Keeps a verified charter version (history is kept for peers catching up).
    pub fn put_charter(&self, version: u32, doc: &CharterDocument) -> Result<()> {
        self.meta.insert(charter_key(version), encode(doc)?)?;
        Ok(())
    }

    /// Charter versions after `after`, oldest first, at most `limit`.
    pub fn charters_after(&self, after: u32, limit: usize) -> Result<Vec<CharterDocument>> {
        let start = charter_key(after.saturating_add(1));
        self.meta
            .range(start..charter_key(u32::MAX))
            .take(limit)
            .map(|item| decode("charter", &item?.1))
            .collect()
    }

    // --- log -----------------------------------------------------------

    pub fn head(&self, author: &AffiliateId) -> Result<Option<Head>> {
        self.data
            .get(author_key(HEAD, author))?
            .map(|v| decode("head", &v))
            .transpose()
    }

    pub fn heads(&self) -> Result<Vec<AuthorHead>> {
        self.data
            .scan_prefix([HEAD])
            .map(|item| {
                let (key, value) = item?;
                let author = std::str::from_utf8(key.get(2..).unwrap_or_default())
                    .ok()
                    .and_then(|s| s.parse().ok())
                    .ok_or_else(|| NodeError::Storage("a head key is unreadable".into()))?;
                let head: Head = decode("head", &value)?;
                Ok(AuthorHead {
                    author,
                    seq: head.seq,
                    hash: head.hash,
                })
            })
            .collect()
    }

    pub fn entry(&self, author: &AffiliateId, seq: Seq) -> Result<Option<SignedEntry>> {
        self.data
            .get(entry_key(author, seq.get()))?
            .map(|v| decode("entry", &v))
            .transpose()
    }

    /// Up to `limit` contiguous entries of `author` from `from`, stopping
    /// early before `max_bytes`; `true` when more follow.
    pub fn range(
        &self,
        author: &AffiliateId,
        from: Seq,
        limit: usize,
        max_bytes: usize,
    ) -> Result<(Vec<SignedEntry>, bool)> {
        let head = self.head(author)?.map_or(0, |h| h.seq.get());
        let mut out = Vec::new();
        let mut bytes = 0;
        let end = entry_key(author, head.saturating_add(1));
        for item in self.data.range(entry_key(author, from.get())..end) {
            let (_, value) = item?;
            if out.len() == limit || bytes + value.len() + 16 > max_bytes {
                return Ok((out, true));
            }
            bytes += value.len() + 16;
            out.push(decode("entry", &value)?);
        }
        Ok((out, false))
    }

    /// Offers verified entries (in order) to the store in one atomic batch.
    /// `entries` must already have passed signature verification.
    pub fn apply(&self, entries: &[(SignedEntry, Entry)]) -> Result<Vec<Applied>> {
        self.apply_with(entries, &[])
    }

    /// Like [`Store::apply`], and writes `records` in the same batch: used when
    /// this node appends its own entry together with what it means locally
    /// (the member it enrols, the transfer it accepts, the handoff that says so).
    pub fn apply_with(
        &self,
        entries: &[(SignedEntry, Entry)],
        records: &[Record<'_>],
    ) -> Result<Vec<Applied>> {
        let _writer = self
            .write_lock
            .lock()
            .map_err(|_| NodeError::Storage("a writer panicked; restart the node".into()))?;
        let mut pending = Pending {
            data: &self.data,
            batch: sled::Batch::default(),
            written: HashMap::new(),
        };
        let mut outcomes = Vec::with_capacity(entries.len());
        let mut new_equivocations = 0;
        for (signed, entry) in entries {
            let outcome = apply_one(&mut pending, signed, entry)?;
            if outcome == Applied::Equivocation {
                new_equivocations += 1;
            }
            outcomes.push(outcome);
        }
        let mut new_members = 0;
        for record in records {
            let (key, bytes) = record.key_value()?;
            if matches!(record, Record::Member(_)) && pending.get(&key)?.is_none() {
                new_members += 1;
            }
            pending.insert(key, bytes);
            for index in record.index_keys() {
                pending.insert(index, Vec::new());
            }
        }
        self.data.apply_batch(pending.batch)?;
        self.equivocations
            .fetch_add(new_equivocations, Ordering::Relaxed);
        self.members.fetch_add(new_members, Ordering::Relaxed);
        Ok(outcomes)
    }

    /// Writes `records` in one atomic batch.
    pub fn put_all(&self, records: &[Record<'_>]) -> Result<()> {
        self.apply_with(&[], records).map(|_| ())
    }

    // --- indexes -------------------------------------------------------

    /// The latest attestation by `issuer` about `member`, with its sequence number.
    pub fn latest_attestation(
        &self,
        issuer: &AffiliateId,
        member: &MemberId,
    ) -> Result<Option<(u64, MembershipAttestation)>> {
        let Some(seq) = self.data.get(attestation_key(issuer, member))? else {
            return Ok(None);
        };
        let seq = read_seq(&seq)?;
        let Some(bytes) = self.data.get(entry_key(issuer, seq))? else {
            return Ok(None);
        };
        let signed: SignedEntry = decode("entry", &bytes)?;
        // Stored entries were verified before they were stored.
        match signed.decode_unverified()?.body {
            Body::Attestation(att) => Ok(Some((seq, att))),
            _ => Err(NodeError::Storage(
                "attestation index points at another kind of entry".into(),
            )),
        }
    }

    /// Every representation of `member` the log knows, in force or not.
    pub fn representations(&self, member: &MemberId) -> Result<Vec<Representation>> {
        let mut prefix = vec![REPRESENTATION];
        prefix.extend_from_slice(member.as_bytes());
        self.data
            .scan_prefix(prefix)
            .map(|item| decode("representation", &item?.1))
            .collect()
    }

    /// The entries an offline verifier needs: every latest attestation and
    /// every representation entry, still signed by their authors.
    pub fn snapshot_entries(&self) -> Result<Vec<SignedEntry>> {
        let mut out = Vec::new();
        for item in self.data.scan_prefix([ATTESTATION]) {
            let (key, seq) = item?;
            let len = usize::from(*key.get(1).unwrap_or(&0));
            let mut ek = vec![ENTRY];
            ek.extend_from_slice(key.get(1..2 + len).unwrap_or_default());
            ek.extend_from_slice(&seq);
            if let Some(v) = self.data.get(ek)? {
                out.push(decode("entry", &v)?);
            }
        }
        for item in self.data.scan_prefix([REPRESENTATION]) {
            let rep: Representation = decode("representation", &item?.1)?;
            if let Some(e) = self.entry(&rep.representing, Seq::new(rep.seq)?)? {
                out.push(e);
            }
        }
        for item in self.data.scan_prefix([REPRESENTATION_END]) {
            let end: EndNotice = decode("representation end", &item?.1)?;
            if let Some(e) = self.entry(&end.author, Seq::new(end.seq)?)? {
                out.push(e);
            }
        }
        Ok(out)
    }

    pub fn equivocations(&self) -> Result<Vec<Equivocation>> {
        self.data
            .scan_prefix([EQUIVOCATION])
            .map(|item| decode("equivocation", &item?.1))
            .collect()
    }

    pub fn equivocation_count(&self) -> usize {
        self.equivocations.load(Ordering::Relaxed)
    }

    // --- members (personal data, this node only) -----------------------

    pub fn member(&self, id: &MemberId) -> Result<Option<MemberRecord>> {
        self.get_json(&member_key(id), "member record")
    }

    /// Deletes a member record (personal data only; log entries stay).
    pub fn remove_member(&self, id: &MemberId) -> Result<bool> {
        let _writer = self
            .write_lock
            .lock()
            .map_err(|_| NodeError::Storage("a writer panicked; restart the node".into()))?;
        let removed = self.data.remove(member_key(id))?.is_some();
        if removed {
            self.members.fetch_sub(1, Ordering::Relaxed);
        }
        Ok(removed)
    }

    /// Writes a member record that changes no log entry.
    pub fn put_member(&self, record: &MemberRecord) -> Result<()> {
        self.put_all(&[Record::Member(record)])
    }

    /// Every member record, in id order.
    pub fn members(&self) -> Result<Vec<MemberRecord>> {
        self.scan_json(vec![MEMBER], "member")
    }

    pub fn member_count(&self) -> usize {
        self.members.load(Ordering::Relaxed)
    }

    // --- handoffs --------------------------------------------------------

    fn handoff_key(prefix: u8, id: &HandoffId) -> Vec<u8> {
        let mut key = vec![prefix];
        key.extend_from_slice(id.as_bytes());
        key
    }

    pub fn put_outbox(&self, item: &OutboxItem) -> Result<()> {
        self.data
            .insert(Store::handoff_key(OUTBOX, &item.id), encode(item)?)?;
        Ok(())
    }

    pub fn outbox(&self) -> Result<Vec<OutboxItem>> {
        self.data
            .scan_prefix([OUTBOX])
            .map(|item| decode("outbox item", &item?.1))
            .collect()
    }

    pub fn outbox_item(&self, id: &HandoffId) -> Result<Option<OutboxItem>> {
        self.data
            .get(Store::handoff_key(OUTBOX, id))?
            .map(|v| decode("outbox item", &v))
            .transpose()
    }

    pub fn inbox(&self, id: &HandoffId) -> Result<Option<InboxItem>> {
        self.data
            .get(Store::handoff_key(INBOX, id))?
            .map(|v| decode("inbox item", &v))
            .transpose()
    }

    /// Stores a received handoff unless one with its id is held; returns
    /// the one held, if any.
    pub fn insert_inbox(&self, item: &InboxItem) -> Result<Option<InboxItem>> {
        let key = Store::handoff_key(INBOX, &item.id);
        match self
            .data
            .compare_and_swap(&key, None as Option<&[u8]>, Some(encode(item)?))?
        {
            Ok(()) => Ok(None),
            Err(current) => current
                .current
                .map(|v| decode("inbox item", &v))
                .transpose(),
        }
    }

    // --- consents and transfers ------------------------------------------

    fn put_json<T: Serialize>(&self, key: Vec<u8>, value: &T) -> Result<()> {
        self.data.insert(key, to_json(value)?)?;
        Ok(())
    }

    fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        key: &[u8],
        what: &str,
    ) -> Result<Option<T>> {
        self.data.get(key)?.map(|v| from_json(&v, what)).transpose()
    }

    fn scan_json<T: serde::de::DeserializeOwned>(
        &self,
        prefix: Vec<u8>,
        what: &str,
    ) -> Result<Vec<T>> {
        self.data
            .scan_prefix(prefix)
            .map(|item| from_json(&item?.1, what))
            .collect()
    }

    pub fn put_consent(&self, consent: &Consent) -> Result<()> {
        self.put_json(consent_key(consent), consent)
    }

    pub fn consents(&self, member: &MemberId) -> Result<Vec<Consent>> {
        let mut prefix = vec![CONSENT];
        prefix.extend_from_slice(member.as_bytes());
        self.scan_json(prefix, "consent")
    }

    pub fn put_transfer(&self, transfer: &Transfer) -> Result<()> {
        self.put_all(&[Record::Transfer(transfer)])
    }

    /// The transfers of one member, either direction, through the index.
    pub fn member_transfers(&self, member: &MemberId) -> Result<Vec<Transfer>> {
        let mut prefix = vec![TRANSFER_BY_MEMBER];
        prefix.extend_from_slice(member.as_bytes());
        let mut found = Vec::new();
        for item in self.data.scan_prefix(&prefix) {
            let (key, _) = item?;
            let id = indexed_transfer(&key)?;
            if let Some(t) = self.transfer(&id)? {
                found.push(t);
            }
        }
        Ok(found)
    }

    /// The incoming transfers whose end date is at or before `at`, with
    /// those already settled (ended, declined) dropped from the index.
    pub fn transfers_due(&self, at: unionfed_protocol::Timestamp) -> Result<Vec<Transfer>> {
        let mut due = Vec::new();
        let end = {
            let mut k = vec![TRANSFER_BY_END];
            k.extend_from_slice(&(at.secs().saturating_add(1)).to_be_bytes());
            k
        };
        for item in self.data.range(vec![TRANSFER_BY_END]..end) {
            let (key, _) = item?;
            let id = indexed_transfer(&key)?;
            match self.transfer(&id)? {
                Some(t)
                    if matches!(
                        t.status,
                        crate::transfers::TransferStatus::Ended { .. }
                            | crate::transfers::TransferStatus::Declined { .. }
                    ) =>
                {
                    self.data.remove(key)?;
                }
                Some(t) => due.push(t),
                None => {
                    self.data.remove(key)?;
                }
            }
        }
        Ok(due)
    }

    /// Builds the index of transfers by member for a store written before
    /// it existed; once, marked in `meta`.
    fn index_transfers(meta: &sled::Tree, data: &sled::Tree) -> Result<()> {
        if meta.get("transfer_index")?.is_some() {
            return Ok(());
        }
        let mut batch = sled::Batch::default();
        for item in data.scan_prefix([TRANSFER]) {
            let (_, value) = item?;
            let t: Transfer = from_json(&value, "transfer")?;
            for index in transfer_index_keys(&t) {
                batch.insert(index, Vec::new());
            }
        }
        data.apply_batch(batch)?;
        meta.insert("transfer_index", &[1u8])?;
        Ok(())
    }

    pub fn transfer(&self, id: &HandoffId) -> Result<Option<Transfer>> {
        self.get_json(&Store::handoff_key(TRANSFER, id), "transfer")
    }

    pub fn transfers(&self) -> Result<Vec<Transfer>> {
        self.scan_json(vec![TRANSFER], "transfer")
    }

    // --- cases -------------------------------------------------------------

    /// Stores a new case and, for a worker given a receipt code, the hash
    /// that finds it, in one batch.
    pub fn put_case(&self, case: &Case, receipt: Option<&ReceiptLock>) -> Result<()> {
        let _writer = self.writer()?;
        let mut batch = sled::Batch::default();
        batch.insert(Store::handoff_key(CASE, &case.id), to_json(case)?);
        if let Some(lock) = receipt {
            let mut key = vec![RECEIPT];
            key.extend_from_slice(lock.locator.as_bytes());
            key.extend_from_slice(case.id.as_bytes());
            batch.insert(key, to_json(lock)?);
        }
        self.data.apply_batch(batch)?;
        Ok(())
    }

    /// Replaces `before` with `after`, and puts `handoff` (if any) in the
    /// outbox in the same batch, so the case and the message about it are
    /// written together; `false` (and nothing written) when the stored case
    /// is no longer `before`.
    pub fn replace_case_with(
        &self,
        before: &Case,
        after: &Case,
        handoff: Option<&OutboxItem>,
    ) -> Result<bool> {
        self.swap_case(before, after, |batch| {
            if let Some(item) = handoff {
                batch.insert(Store::handoff_key(OUTBOX, &item.id), encode(item)?);
            }
            Ok(())
        })
    }

    /// Replaces `before` with its erased form `after` and removes the
    /// receipt code's hash, so that the code opens nothing any more.
    pub fn replace_case_erasing(&self, before: &Case, after: &Case) -> Result<bool> {
        self.swap_case(before, after, |batch| {
            for item in self.data.scan_prefix([RECEIPT]) {
                let (k, _) = item?;
                if k.ends_with(before.id.as_bytes()) {
                    batch.remove(k);
                }
            }
            Ok(())
        })
    }

    /// Under the writer lock: if the stored case is still `before`, writes
    /// `after` and whatever `also` adds, in one batch.
    fn swap_case(
        &self,
        before: &Case,
        after: &Case,
        also: impl FnOnce(&mut sled::Batch) -> Result<()>,
    ) -> Result<bool> {
        let _writer = self.writer()?;
        let key = Store::handoff_key(CASE, &before.id);
        if self.data.get(&key)?.as_deref() != Some(to_json(before)?.as_slice()) {
            return Ok(false);
        }
        let mut batch = sled::Batch::default();
        batch.insert(key, to_json(after)?);
        also(&mut batch)?;
        self.data.apply_batch(batch)?;
        Ok(true)
    }

    /// Stores a file under its SHA-256 (hex); the same file is kept once.
    pub fn put_file(&self, sha256_hex: &str, bytes: &[u8]) -> Result<()> {
        let mut key = vec![FILE];
        key.extend_from_slice(sha256_hex.as_bytes());
        self.data.insert(key, bytes)?;
        Ok(())
    }

    pub fn file(&self, sha256_hex: &str) -> Result<Option<Vec<u8>>> {
        let mut key = vec![FILE];
        key.extend_from_slice(sha256_hex.as_bytes());
        Ok(self.data.get(key)?.map(|v| v.to_vec()))
    }

    // --- audit, users, sessions ---------------------------------------------

    /// Appends the record `make(seq, prev_hash)` returns after the last one.
    pub fn append_audit(
        &self,
        make: impl FnOnce(u64, &str) -> crate::audit::AuditRecord,
    ) -> Result<()> {
        let _writer = self.writer()?;
        let (seq, prev) = match self.data.scan_prefix([AUDIT]).next_back() {
            Some(item) => {
                let last: crate::audit::AuditRecord = from_json(&item?.1, "audit record")?;
                (last.seq + 1, last.hash)
            }
            None => (1, crate::audit::GENESIS.to_owned()),
        };
        let record = make(seq, &prev);
        let mut key = vec![AUDIT];
        key.extend_from_slice(&seq.to_be_bytes());
        self.data.insert(key, to_json(&record)?)?;
        Ok(())
    }

    pub fn audit_oldest_first(
        &self,
    ) -> impl Iterator<Item = Result<crate::audit::AuditRecord>> + '_ {
        self.data
            .scan_prefix([AUDIT])
            .map(|item| from_json(&item?.1, "audit record"))
    }

    pub fn audit_newest_first(
        &self,
    ) -> impl Iterator<Item = Result<crate::audit::AuditRecord>> + '_ {
        self.data
            .scan_prefix([AUDIT])
            .rev()
            .map(|item| from_json(&item?.1, "audit record"))
    }

    pub fn put_user(&self, user: &crate::accounts::User) -> Result<()> {
        let mut key = vec![USER];
        key.extend_from_slice(user.username.as_bytes());
        self.put_json(key, user)
    }

    pub fn user(&self, username: &str) -> Result<Option<crate::accounts::User>> {
        let mut key = vec![USER];
        key.extend_from_slice(username.as_bytes());
        self.get_json(&key, "user")
    }

    pub fn users(&self) -> Result<Vec<crate::accounts::User>> {
        self.scan_json(vec![USER], "user")
    }

    /// Creates the first user only if there is none, atomically.
    pub fn put_first_user(&self, user: &crate::accounts::User) -> Result<bool> {
        let _writer = self.writer()?;
        if self.data.scan_prefix([USER]).next().is_some() {
            return Ok(false);
        }
        self.put_user(user)?;
        Ok(true)
    }

    pub fn put_session(
        &self,
        key_hash: &[u8; 32],
        session: &crate::accounts::Session,
    ) -> Result<()> {
        let mut key = vec![SESSION];
        key.extend_from_slice(key_hash);
        self.put_json(key, session)
    }

    pub fn session(&self, key_hash: &[u8; 32]) -> Result<Option<crate::accounts::Session>> {
        let mut key = vec![SESSION];
        key.extend_from_slice(key_hash);
        self.get_json(&key, "session")
    }

    pub fn remove_session(&self, key_hash: &[u8; 32]) -> Result<()> {
        let mut key = vec![SESSION];
        key.extend_from_slice(key_hash);
        self.data.remove(key)?;
        Ok(())
    }

    /// Removes every session of `username` (password change, account disabled).
    pub fn remove_sessions_of(&self, username: &str) -> Result<()> {
        let mut batch = sled::Batch::default();
        for item in self.data.scan_prefix([SESSION]) {
            let (k, v) = item?;
            let s: crate::accounts::Session = from_json(&v, "session")?;
            if s.username == username {
                batch.remove(k);
            }
        }
        self.data.apply_batch(batch)?;
        Ok(())
    }

    pub fn put_api_token(
        &self,
        token_hash: &[u8; 32],
        token: &crate::accounts::ApiToken,
    ) -> Result<()> {
        let mut key = vec![API_TOKEN];
        key.extend_from_slice(token_hash);
        self.put_json(key, token)
    }

    pub fn api_token(&self, token_hash: &[u8; 32]) -> Result<Option<crate::accounts::ApiToken>> {
        let mut key = vec![API_TOKEN];
        key.extend_from_slice(token_hash);
        self.get_json(&key, "API token")
    }

    /// Every personal API token with the hash it is stored under.
    pub fn api_tokens(&self) -> Result<Vec<([u8; 32], crate::accounts::ApiToken)>> {
        self.data
            .scan_prefix([API_TOKEN])
            .map(|item| {
                let (k, v) = item?;
                let hash: [u8; 32] = k[1..]
                    .try_into()
                    .map_err(|_| NodeError::Storage("an API token key is not 33 bytes".into()))?;
                Ok((hash, from_json(&v, "API token")?))
            })
            .collect()
    }

    pub fn remove_api_token(&self, token_hash: &[u8; 32]) -> Result<()> {
        let mut key = vec![API_TOKEN];
        key.extend_from_slice(token_hash);
        self.data.remove(key)?;
        Ok(())
    }

    /// Stores directory entries in one batch.
    pub fn put_services(&self, services: &[Service]) -> Result<()> {
        let mut batch = sled::Batch::default();
        for s in services {
            batch.insert(Store::handoff_key(SERVICE, &s.id), to_json(s)?);
        }
        self.data.apply_batch(batch)?;
        Ok(())
    }

    pub fn services(&self) -> Result<Vec<Service>> {
        self.scan_json(vec![SERVICE], "directory entry")
    }

    pub fn case(&self, id: &HandoffId) -> Result<Option<Case>> {
        self.get_json(&Store::handoff_key(CASE, id), "case")
    }

    pub fn cases(&self) -> Result<Vec<Case>> {
        self.scan_json(vec![CASE], "case")
    }

    /// The cases whose receipt code starts with `locator`, with their locks.
    pub fn cases_by_locator(&self, locator: &str) -> Result<Vec<(Case, ReceiptLock)>> {
        let mut prefix = vec![RECEIPT];
        prefix.extend_from_slice(locator.as_bytes());
        let mut out = Vec::new();
        for item in self.data.scan_prefix(&prefix) {
            let (key, value) = item?;
            let id = key
                .get(prefix.len()..)
                .and_then(|b| <[u8; 16]>::try_from(b).ok())
                .map(HandoffId::from_bytes)
                .ok_or_else(|| NodeError::Storage("a receipt index key is unreadable".into()))?;
            if let Some(case) = self.case(&id)? {
                out.push((case, from_json(&value, "receipt lock")?));
            }
        }
        Ok(out)
    }

    /// Stores a new partner and the index from its token's hash, together.
    pub fn put_new_partner(&self, partner: &Partner, token_hash: &[u8; 32]) -> Result<()> {
        let mut batch = sled::Batch::default();
        batch.insert(Store::handoff_key(PARTNER, &partner.id), to_json(partner)?);
        batch.insert(
            partner_token_key(token_hash),
            partner.id.as_bytes().to_vec(),
        );
        self.data.apply_batch(batch)?;
        Ok(())
    }

    pub fn put_partner(&self, partner: &Partner) -> Result<()> {
        self.put_json(Store::handoff_key(PARTNER, &partner.id), partner)
    }

    pub fn partners(&self) -> Result<Vec<Partner>> {
        self.scan_json(vec![PARTNER], "partner")
    }

    /// The partner whose token hashes to `token_hash`, revoked or not.
    pub fn partner_by_token_hash(&self, token_hash: &[u8; 32]) -> Result<Option<Partner>> {
        let Some(id) = self.data.get(partner_token_key(token_hash))? else {
            return Ok(None);
        };
        let id = <[u8; 16]>::try_from(id.as_ref())
            .map(HandoffId::from_bytes)
            .map_err(|_| NodeError::Storage("a partner token index entry is unreadable".into()))?;
        self.get_json(&Store::handoff_key(PARTNER, &id), "partner")
    }

    /// Stores written before the token index kept the token's hash in the
    /// partner record: index those, once, and drop the hash from the record.
    fn index_partner_tokens(data: &sled::Tree) -> Result<()> {
        let mut batch = sled::Batch::default();
        for item in data.scan_prefix([PARTNER]) {
            let (key, value) = item?;
            let mut record: serde_json::Value = serde_json::from_slice(&value)
                .map_err(|e| NodeError::Storage(format!("a partner record is unreadable: {e}")))?;
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
            batch.insert(partner_token_key(&hash), key[1..].to_vec());
            batch.insert(key, to_json(&record)?);
        }
        data.apply_batch(batch)?;
        Ok(())
    }

    fn writer(&self) -> Result<std::sync::MutexGuard<'_, ()>> {
        self.write_lock
            .lock()
            .map_err(|_| NodeError::Storage("a writer panicked; restart the node".into()))
    }

    pub fn put_relay(&self, item: &RelayItem) -> Result<()> {
        self.data
            .insert(Store::handoff_key(RELAY, &item.id), encode(item)?)?;
        Ok(())
    }

    pub fn relay_item(&self, id: &HandoffId) -> Result<Option<RelayItem>> {
        self.data
            .get(Store::handoff_key(RELAY, id))?
            .map(|v| decode("relayed handoff", &v))
            .transpose()
    }

    pub fn relays(&self) -> Result<Vec<RelayItem>> {
        self.data
            .scan_prefix([RELAY])
            .map(|item| decode("relayed handoff", &item?.1))
            .collect()
    }

    pub fn remove_relay(&self, id: &HandoffId) -> Result<()> {
        self.data.remove(Store::handoff_key(RELAY, id))?;
        Ok(())
    }

    pub fn relay_len(&self) -> usize {
        self.data.scan_prefix([RELAY]).count()
    }

    pub fn inbox_len(&self) -> usize {
        self.data.scan_prefix([INBOX]).count()
    }
}

/// The transfer an index key (`T` or `U`) points at: its last 16 bytes.
fn indexed_transfer(key: &[u8]) -> Result<HandoffId> {
    key.len()
        .checked_sub(16)
        .and_then(|start| <[u8; 16]>::try_from(&key[start..]).ok())
        .map(HandoffId::from_bytes)
        .ok_or_else(|| NodeError::Storage("a transfer index key is unreadable".into()))
}

/// The index keys of a transfer: by member, and for an incoming one with an
/// end date, by that date.
fn transfer_index_keys(t: &Transfer) -> Vec<Vec<u8>> {
    let mut by_member = vec![TRANSFER_BY_MEMBER];
    by_member.extend_from_slice(t.member.as_bytes());
    by_member.extend_from_slice(t.id.as_bytes());
    let mut keys = vec![by_member];
    if let (Some(until), crate::transfers::Direction::Incoming) = (t.until, t.direction) {
        let mut by_end = vec![TRANSFER_BY_END];
        by_end.extend_from_slice(&until.secs().to_be_bytes());
        by_end.extend_from_slice(t.id.as_bytes());
        keys.push(by_end);
    }
    keys
}

fn partner_token_key(token_hash: &[u8; 32]) -> Vec<u8> {
    let mut key = vec![PARTNER_TOKEN];
    key.extend_from_slice(token_hash);
    key
}

fn apply_one(pending: &mut Pending<'_>, signed: &SignedEntry, entry: &Entry) -> Result<Applied> {
    let author = &entry.author;
    let head_key = author_key(HEAD, author);
    let head: Option<Head> = pending
        .get(&head_key)?
        .map(|v| decode("head", &v))
        .transpose()?;
    if let Some(h) = head.filter(|h| entry.seq <= h.seq) {
        let key = entry_key(author, entry.seq.get());
        let held: SignedEntry = match pending.get(&key)? {
            Some(v) => decode("entry", &v)?,
            None => {
                return Err(NodeError::Storage(format!(
                    "{author}#{} is missing below head #{}",
                    entry.seq, h.seq
                )))
            }
        };
        if held.bytes() == signed.bytes() {
            return Ok(Applied::Duplicate);
        }
        let mut key = author_key(EQUIVOCATION, author);
        key.extend_from_slice(&entry.seq.get().to_be_bytes());
        key.extend_from_slice(&signed.hash().0);
        if pending.get(&key)?.is_some() {
            return Ok(Applied::Duplicate);
        }
        let evidence = Equivocation {
            first: held,
            second: signed.clone(),
        };
        pending.insert(key, encode(&evidence)?);
        return Ok(Applied::Equivocation);
    }
    let have = head.map_or(0, |h| h.seq.get());
    if entry.seq.get() > have + 1 {
        return Ok(Applied::Gap { have });
    }
    let new_head = extend_chain(head.as_ref(), entry, signed.hash())?;
    pending.insert(entry_key(author, entry.seq.get()), encode(signed)?);
    pending.insert(head_key, encode(&new_head)?);
    match &entry.body {
        Body::Attestation(att) => {
            pending.insert(
                attestation_key(author, &att.member),
                entry.seq.get().to_be_bytes().to_vec(),
            );
        }
        Body::Representation(rep) => {
            let mut state = Representation {
                member: rep.member,
                home: rep.home.clone(),
                representing: author.clone(),
                from: rep.from,
                until: rep.until,
                ended: None,
                seq: entry.seq.get(),
            };
            let mut end_key = representation_key(&rep.member, author);
            end_key[0] = REPRESENTATION_END;
            if let Some(v) = pending.get(&end_key)? {
                let end: EndNotice = decode("representation end", &v)?;
                end.apply_to(&mut state);
            }
            pending.insert(representation_key(&rep.member, author), encode(&state)?);
        }
        Body::RepresentationEnd(end) => {
            // Only the two parties to a representation can end it.
            if author != &end.representing && author != &end.home {
                return Ok(Applied::Stored);
            }
            let notice = EndNotice {
                home: end.home.clone(),
                ended: end.ended,
                reason: end.reason,
                author: author.clone(),
                seq: entry.seq.get(),
            };
            let key = representation_key(&end.member, &end.representing);
            let mut end_key = key.clone();
            end_key[0] = REPRESENTATION_END;
            let newer = match pending.get(&end_key)? {
                Some(v) => decode::<EndNotice>("representation end", &v)?.ended <= end.ended,
                None => true,
            };
            if newer {
                pending.insert(end_key, encode(&notice)?);
            }
            if let Some(v) = pending.get(&key)? {
                let mut state: Representation = decode("representation", &v)?;
                if notice.apply_to(&mut state) {
                    pending.insert(key, encode(&state)?);
                }
            }
        }
        Body::CharterSignature(_) | Body::Unknown { .. } => {}
    }
    Ok(Applied::Stored)
}

#[cfg(test)]
mod tests {
    use super::*;
    use unionfed_protocol::entry::RepresentationCommitment;
    use unionfed_protocol::{AffiliateSigningKey, Seq};

    fn entry(
        key: &AffiliateSigningKey,
        seq: u64,
        prev: Option<&SignedEntry>,
        tag: u8,
    ) -> (SignedEntry, Entry) {
        let e = Entry {
            author: "KSPI".parse().unwrap(),
            seq: Seq::new(seq).unwrap(),
            prev: prev.map(|p| p.hash()),
            time: Timestamp(1_790_000_000 + seq),
            body: Body::Unknown {
                kind: 900,
                payload: vec![tag],
            },
        };
        (SignedEntry::sign(&e, key).unwrap(), e)
    }

    fn first_entry(author: &str, body: Body) -> (SignedEntry, Entry) {
        let e = Entry {
            author: author.parse().unwrap(),
            seq: Seq::FIRST,
            prev: None,
            time: Timestamp(1_790_000_100),
            body,
        };
        (
            SignedEntry::sign(&e, &AffiliateSigningKey::generate()).unwrap(),
            e,
        )
    }

    #[test]
    fn an_end_that_arrives_before_its_commitment_still_ends_it() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let member = MemberId::random();
        let (kspi, mtuc): (AffiliateId, AffiliateId) =
            ("KSPI".parse().unwrap(), "MTUC".parse().unwrap());
        let end = |author: &str, ended: u64| {
            first_entry(
                author,
                Body::RepresentationEnd(unionfed_protocol::entry::RepresentationEnd {
                    member,
                    home: kspi.clone(),
                    representing: mtuc.clone(),
                    ended: Timestamp(ended),
                    reason: RepresentationEndReason::ReturnedHome,
                }),
            )
        };
        // A stranger's end is not an end; the home affiliate's is, even first.
        store.apply(&[end("NTUC", 1_790_000_200)]).unwrap();
        store.apply(&[end("KSPI", 1_790_000_200)]).unwrap();
        let commitment = first_entry(
            "MTUC",
            Body::Representation(RepresentationCommitment {
                member,
                home: kspi.clone(),
                from: Timestamp(1_790_000_100),
                until: None,
            }),
        );
        store.apply(&[commitment]).unwrap();
        let reps = store.representations(&member).unwrap();
        assert_eq!(reps.len(), 1);
        assert_eq!(
            reps[0].ended,
            Some((
                Timestamp(1_790_000_200),
                RepresentationEndReason::ReturnedHome
            ))
        );
        assert!(!reps[0].in_force_at(Timestamp(1_790_000_300)));
        // The snapshot carries the end, so an offline verifier knows it too.
        let authors: Vec<String> = store
            .snapshot_entries()
            .unwrap()
            .iter()
            .map(|e| e.signer().to_string())
            .collect();
        assert!(authors.contains(&"KSPI".to_owned()), "{authors:?}");

        // An end dated before a later commitment began does not end that one.
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.apply(&[end("KSPI", 1_790_000_000)]).unwrap();
        let later = first_entry(
            "MTUC",
            Body::Representation(RepresentationCommitment {
                member,
                home: kspi,
                from: Timestamp(1_790_000_100),
                until: None,
            }),
        );
        store.apply(&[later]).unwrap();
        assert_eq!(store.representations(&member).unwrap()[0].ended, None);
    }

    #[tokio::test]
    async fn entries_are_stored_in_order_and_conflicts_kept_as_evidence() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let key = AffiliateSigningKey::generate();
        let e1 = entry(&key, 1, None, 0);
        let e2 = entry(&key, 2, Some(&e1.0), 0);
        let e3 = entry(&key, 3, Some(&e2.0), 0);
        assert_eq!(
            store.apply(std::slice::from_ref(&e1)).unwrap(),
            vec![Applied::Stored]
        );
        assert_eq!(
            store.apply(std::slice::from_ref(&e3)).unwrap(),
            vec![Applied::Gap { have: 1 }]
        );
        assert_eq!(
            store.apply(&[e2.clone(), e3.clone(), e1.clone()]).unwrap(),
            vec![Applied::Stored, Applied::Stored, Applied::Duplicate]
        );
        let other = entry(&key, 2, Some(&e1.0), 1);
        assert_eq!(store.apply(&[other]).unwrap(), vec![Applied::Equivocation]);
        assert_eq!(store.equivocation_count(), 1);
        let (page, more) = store
            .range(&"KSPI".parse().unwrap(), Seq::new(2).unwrap(), 1, 1 << 20)
            .unwrap();
        assert_eq!((page.len(), more), (1, true));
        assert_eq!(page[0], e2.0);
        store.flush().await.unwrap();
    }

    #[tokio::test]
    async fn a_broken_chain_is_refused_and_nothing_of_the_batch_is_written() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let key = AffiliateSigningKey::generate();
        let e1 = entry(&key, 1, None, 0);
        let stray = entry(&key, 1, None, 7);
        let wrong_prev = entry(&key, 2, Some(&stray.0), 0);
        assert!(store.apply(&[e1.clone(), wrong_prev]).is_err());
        assert!(
            store.head(&"KSPI".parse().unwrap()).unwrap().is_none(),
            "the batch was not atomic"
        );
    }

    #[tokio::test]
    async fn a_store_from_another_schema_is_refused_with_a_reason() {
        let dir = tempfile::TempDir::new().unwrap();
        {
            let db = sled::open(dir.path()).unwrap();
            db.open_tree("meta")
                .unwrap()
                .insert("schema", &99u32.to_be_bytes())
                .unwrap();
            db.flush().unwrap();
        }
        let err = Store::open(dir.path()).unwrap_err().to_string();
        assert!(
            err.contains("schema version 99") && err.contains("upgrade unionfed"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn a_store_reopens_with_what_it_held() {
        let dir = tempfile::TempDir::new().unwrap();
        let key = AffiliateSigningKey::generate();
        let e1 = entry(&key, 1, None, 0);
        {
            let store = Store::open(dir.path()).unwrap();
            store.apply(std::slice::from_ref(&e1)).unwrap();
            store.flush().await.unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(
            store.entry(&"KSPI".parse().unwrap(), Seq::FIRST).unwrap(),
            Some(e1.0)
        );
    }

    fn transfer(
        member: MemberId,
        until: Option<u64>,
        status: crate::transfers::TransferStatus,
    ) -> Transfer {
        Transfer {
            id: HandoffId::random(),
            direction: crate::transfers::Direction::Incoming,
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
        use crate::transfers::TransferStatus;
        let dir = tempfile::TempDir::new().unwrap();
        let (a, b) = (MemberId::random(), MemberId::random());
        let due = transfer(a, Some(1_800_000_000), TransferStatus::Accepted);
        let later = transfer(a, Some(1_900_000_000), TransferStatus::Accepted);
        let ended = transfer(
            b,
            Some(1_700_000_000),
            TransferStatus::Ended {
                reason: unionfed_protocol::entry::RepresentationEndReason::Expired,
            },
        );
        let open_ended = transfer(b, None, TransferStatus::Accepted);
        {
            // Written as builds before the indexes did: the record alone.
            let store = Store::open(dir.path()).unwrap();
            for t in [&due, &later, &ended, &open_ended] {
                store
                    .put_json(Store::handoff_key(TRANSFER, &t.id), t)
                    .unwrap();
            }
            store.meta.remove("transfer_index").unwrap();
            store.flush_blocking().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let mut of_a: Vec<HandoffId> = store
            .member_transfers(&a)
            .unwrap()
            .iter()
            .map(|t| t.id)
            .collect();
        of_a.sort();
        let mut expected = vec![due.id, later.id];
        expected.sort();
        assert_eq!(of_a, expected);
        assert_eq!(store.member_transfers(&b).unwrap().len(), 2);
        assert!(store
            .member_transfers(&MemberId::random())
            .unwrap()
            .is_empty());
        // Due by 1_850_000_000: the accepted one; the ended one is dropped from the index.
        let now = Timestamp(1_850_000_000);
        let ids: Vec<HandoffId> = store
            .transfers_due(now)
            .unwrap()
            .iter()
            .map(|t| t.id)
            .collect();
        assert_eq!(ids, vec![due.id]);
        assert_eq!(store.transfers_due(now).unwrap().len(), 1);
        let mut ended_key = vec![TRANSFER_BY_END];
        ended_key.extend_from_slice(&1_700_000_000u64.to_be_bytes());
        ended_key.extend_from_slice(ended.id.as_bytes());
        assert!(store.data.get(ended_key).unwrap().is_none());
        // A transfer written now is indexed with it.
        let new = transfer(b, Some(1_800_000_100), TransferStatus::Accepted);
        store.put_transfer(&new).unwrap();
        assert_eq!(store.member_transfers(&b).unwrap().len(), 3);
        assert_eq!(store.transfers_due(now).unwrap().len(), 2);
    }

    #[test]
    fn partners_from_an_older_store_are_found_by_their_token_after_reopening() {
        use sha2::{Digest, Sha256};
        let dir = tempfile::TempDir::new().unwrap();
        let id = HandoffId::random();
        let hash: [u8; 32] = Sha256::digest(b"ufp_old-token").into();
        {
            // The record as builds before the token index wrote it.
            let store = Store::open(dir.path()).unwrap();
            let old = serde_json::json!({
                "id": id, "name": "Shelter", "kind": "ngo", "country": "MY",
                "scopes": ["create_referrals"], "token_sha256": hex::encode(hash),
                "created_at": 1_790_000_000u64, "revoked_at": null
            });
            store
                .data
                .insert(Store::handoff_key(PARTNER, &id), to_json(&old).unwrap())
                .unwrap();
            store.flush_blocking().unwrap();
        }
        let store = Store::open(dir.path()).unwrap();
        let found = store.partner_by_token_hash(&hash).unwrap().unwrap();
        assert_eq!((found.id, found.name.as_str()), (id, "Shelter"));
        let raw = store
            .data
            .get(Store::handoff_key(PARTNER, &id))
            .unwrap()
            .unwrap();
        assert!(!String::from_utf8_lossy(&raw).contains("token_sha256"));
        let other: [u8; 32] = Sha256::digest(b"ufp_another").into();
        assert!(store.partner_by_token_hash(&other).unwrap().is_none());
        // Opening again changes nothing.
        drop(store);
        let store = Store::open(dir.path()).unwrap();
        assert!(store.partner_by_token_hash(&hash).unwrap().is_some());
    }
}
