//! The only module that touches sled: a facade that knows keys, trees,
//! batches and group commit, and no domain type. The replicated log lives
//! here too (`log`), because its types are the protocol's; every other kind
//! of record is kept by the area that owns it, in a [`Space`] it declares
//! (`members::store`, `transfers::store`, `cases::store`, ...).
//!
//! Two trees. `meta` holds the schema version (`schema`, u32), every
//! charter version held (`charter/` + version u32, postcard
//! `CharterDocument`) and the marks of one-time migrations already done
//! (`transfer_index`). `data` holds everything else under one-byte prefixes,
//! so that a page of entries, its index updates and a member record are
//! written by one atomic batch:
//!
//! | prefix | key | value | kept by |
//! |---|---|---|---|
//! | `e` | author + seq u64 | postcard `Signed<Entry>` | `storage::log` |
//! | `h` | author | postcard `Head` | `storage::log` |
//! | `a` | issuer + member id | seq u64 of the latest attestation | `storage::log` |
//! | `r` | member id + representing affiliate | postcard `Representation` | `storage::log` |
//! | `n` | member id + representing affiliate | postcard `EndNotice` (the latest end, kept even when it arrives before the commitment it ends) | `storage::log` |
//! | `q` | author + seq u64 + entry hash | postcard `Equivocation` | `storage::log` |
//! | `E` | issuer + member id | postcard `Erasure` (the seq of the member's erasure entry and of the attestation that revoked them) | `storage::log` |
//! | `k` | case id | JSON `Case` (personal data, never replicated) | `cases::store` |
//! | `l` | receipt locator (6 digits) + case id | JSON `ReceiptLock` (Argon2id hash of the receipt code) | `cases::store` |
//! | `v` | directory entry id | JSON `Service` | `cases::store` |
//! | `f` | SHA-256 of the file | the bytes of a case attachment (metadata removed) | `cases::store` |
//! | `g` | partner id | JSON `Partner` (name, kind, scopes, revocation) | `cases::store` |
//! | `p` | SHA-256 of a partner's token | the partner id | `cases::store` |
//! | `y` | seq u64 | JSON `AuditRecord`, hash-chained | `audit::store` |
//! | `z` | `anchor` | JSON `AuditAnchor`: the seq and hash of the last record retention removed | `audit::store` |
//! | `u` | user name | JSON `User` (staff account, Argon2id password hash) | `accounts::store` |
//! | `s` | SHA-256 of the session id | JSON `Session` | `accounts::store` |
//! | `w` | SHA-256 of a personal API token | JSON `ApiToken` (its id, user and label) | `accounts::store` |
//! | `m` | member id | JSON `MemberRecord` (personal data, never replicated) | `members::store` |
//! | `R` | (empty) | JSON `Timestamp`: when this store first ran a release that renews memberships | `members::store` |
//! | `o` | handoff id | postcard `OutboxItem` (sealed, with its receipt once it arrives) | `handoffs::store` |
//! | `i` | handoff id | postcard `InboxItem` (sealed, as received, with the receipt sent) | `handoffs::store` |
//! | `x` | handoff id | postcard `RelayItem` (sealed, held for an affiliate that was away) | `handoffs::store` |
//! | `c` | member id + consent id | JSON `Consent` | `transfers::store` |
//! | `t` | transfer (handoff) id | JSON `Transfer` (at the destination, with the worker's file) | `transfers::store` |
//! | `T` | member id + transfer id | empty: the transfers of one member | `transfers::store` |
//! | `U` | end time u64 + transfer id | empty: incoming transfers with an end date, by that date | `transfers::store` |
//! | `j` | handoff id | postcard `AppliedItem` (a received handoff its area acted on, or one kept unapplied past its retention: sender, kind, time, envelope hash and receipt; the sealed contents are gone) | `handoffs::store` |
//! | `b` | breach id | JSON `Breach` (what happened, which data, how many people, who was told when) | `breaches` |
//!
//! "author" in a key is one length byte and the affiliate code; integers are
//! big-endian so ranges sort. Every prefix is a row of [`SPACES`]: a
//! [`Space`] that is not one does not compile, so no two modules share one.
//!
//! Writes to `data` are serialised by one lock: each computes its outcome
//! against the state it reads and applies one `sled::Batch`.
//!
//! Durability: writers call [`Store::flush`] before acknowledging. Flushes are
//! grouped: while one runs, the writers that arrive meanwhile queue behind it
//! and the first of them flushes for all, so many writers share one fsync.

mod log;

pub use log::{Applied, Erasure, Representation};

use crate::error::{NodeError, Result};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use unionfed_protocol::CharterDocument;

/// The schema this build writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

/// Every prefix of the `data` tree with the name of what it holds: the
/// table above. A [`Space`] must be one of these rows.
pub const SPACES: &[(u8, &str)] = &[
    (b'e', "entry"),
    (b'h', "head"),
    (b'a', "attestation index entry"),
    (b'r', "representation"),
    (b'n', "representation end"),
    (b'q', "equivocation"),
    (b'E', "member erasure"),
    (b'k', "case"),
    (b'l', "receipt lock"),
    (b'v', "directory entry"),
    (b'f', "case attachment"),
    (b'g', "partner"),
    (b'p', "partner token index entry"),
    (b'y', "audit record"),
    (b'z', "audit anchor"),
    (b'u', "user"),
    (b's', "session"),
    (b'w', "API token"),
    (b'm', "member record"),
    (b'R', "renewals start"),
    (b'o', "outbox item"),
    (b'i', "inbox item"),
    (b'x', "relayed handoff"),
    (b'c', "consent"),
    (b't', "transfer"),
    (b'T', "transfer index entry"),
    (b'U', "transfer end index entry"),
    (b'b', "breach record"),
    (b'j', "applied inbox item"),
];

/// One kind of record in the `data` tree: its one-byte key prefix, the name
/// errors call it by, and how its values are encoded. Declared as a
/// constant by the module that owns it; keys given with a space are what
/// follows the prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Space {
    prefix: u8,
    name: &'static str,
    encoding: Encoding,
    counted: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Json,
    Postcard,
    /// Bytes as given: a file, an id, an index entry's empty value.
    Raw,
}

impl Space {
    /// Records encoded as JSON.
    pub const fn json(prefix: u8, name: &'static str) -> Space {
        Space::new(prefix, name, Encoding::Json)
    }

    /// Records encoded with postcard.
    pub const fn postcard(prefix: u8, name: &'static str) -> Space {
        Space::new(prefix, name, Encoding::Postcard)
    }

    /// Values kept as the bytes given (files, ids, index entries), read
    /// and written with the `_raw` functions and [`Batch::index`].
    pub const fn raw(prefix: u8, name: &'static str) -> Space {
        Space::new(prefix, name, Encoding::Raw)
    }

    /// The store keeps the number of records in this space, so that
    /// [`Store::count`] is O(1).
    pub const fn counted(self) -> Space {
        Space {
            counted: true,
            ..self
        }
    }

    const fn new(prefix: u8, name: &'static str, encoding: Encoding) -> Space {
        assert!(
            registered(prefix, name),
            "a space's prefix and name must be a row of storage::SPACES"
        );
        Space {
            prefix,
            name,
            encoding,
            counted: false,
        }
    }

    pub fn prefix(&self) -> u8 {
        self.prefix
    }

    pub fn name(&self) -> &'static str {
        self.name
    }

    /// The whole key of `key` in this space.
    fn key(&self, key: &[u8]) -> Vec<u8> {
        let mut whole = Vec::with_capacity(1 + key.len());
        whole.push(self.prefix);
        whole.extend_from_slice(key);
        whole
    }

    fn encode<T: Serialize>(&self, value: &T) -> Result<Vec<u8>> {
        match self.encoding {
            Encoding::Json => {
                serde_json::to_vec(value).map_err(|e| NodeError::Storage(e.to_string()))
            }
            Encoding::Postcard => encode(value),
            Encoding::Raw => Err(self.not_a_record()),
        }
    }

    fn decode<T: DeserializeOwned>(&self, bytes: &[u8]) -> Result<T> {
        let unreadable = |e: &dyn std::fmt::Display| {
            NodeError::Storage(format!("stored {} is unreadable: {e}", self.name))
        };
        match self.encoding {
            Encoding::Json => serde_json::from_slice(bytes).map_err(|e| unreadable(&e)),
            Encoding::Postcard => postcard::from_bytes(bytes).map_err(|e| unreadable(&e)),
            Encoding::Raw => Err(self.not_a_record()),
        }
    }

    fn not_a_record(&self) -> NodeError {
        NodeError::Storage(format!(
            "a {} is kept as raw bytes, not as an encoded record",
            self.name
        ))
    }
}

/// Whether `(prefix, name)` is a row of [`SPACES`].
const fn registered(prefix: u8, name: &str) -> bool {
    let mut i = 0;
    while i < SPACES.len() {
        let (p, n) = SPACES[i];
        if p == prefix {
            return same_bytes(n.as_bytes(), name.as_bytes());
        }
        i += 1;
    }
    false
}

const fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Writes to apply together, atomically: records, index entries and
/// removals, in any spaces. Apply it with [`Store::write`] (or one of the
/// conditional writes), or with log entries through [`Store::apply_with`].
#[derive(Debug, Default)]
pub struct Batch {
    ops: Vec<Op>,
}

#[derive(Debug)]
enum Op {
    Put {
        space: Space,
        key: Vec<u8>,
        value: Vec<u8>,
    },
    Remove {
        space: Space,
        key: Vec<u8>,
    },
}

impl Batch {
    /// Writes `value` under `key`, encoded as `space` says.
    pub fn put<T: Serialize>(&mut self, space: Space, key: &[u8], value: &T) -> Result<()> {
        let value = space.encode(value)?;
        self.ops.push(Op::Put {
            space,
            key: space.key(key),
            value,
        });
        Ok(())
    }

    /// Writes `bytes` as they are under `key`.
    pub fn put_raw(&mut self, space: Space, key: &[u8], bytes: &[u8]) {
        self.ops.push(Op::Put {
            space,
            key: space.key(key),
            value: bytes.to_vec(),
        });
    }

    /// Writes `key` with an empty value: an index entry, found by its key.
    pub fn index(&mut self, space: Space, key: &[u8]) {
        self.put_raw(space, key, &[]);
    }

    pub fn remove(&mut self, space: Space, key: &[u8]) {
        self.ops.push(Op::Remove {
            space,
            key: space.key(key),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// The node's store.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    meta: sled::Tree,
    data: sled::Tree,
    write_lock: Arc<Mutex<()>>,
    /// The number of records of each counted space, by prefix; `UNCOUNTED`
    /// until it is first asked for.
    counts: Arc<[AtomicUsize; 256]>,
    flushes: Arc<GroupFlush>,
}

const UNCOUNTED: usize = usize::MAX;

fn sled_config(path: &Path) -> sled::Config {
    sled::Config::new()
        .path(path)
        .cache_capacity(256 * 1024 * 1024)
        .mode(sled::Mode::HighThroughput)
}

/// The mark in `meta` that personal data was erased or purged since the
/// store was last compacted.
const ERASED_MARK: &str = "erased_since_compaction";

/// What [`compact`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compacted {
    pub records: u64,
    pub bytes_before: u64,
    pub bytes_after: u64,
}

/// The sibling folder of `path` named `path` + `suffix`.
fn sibling(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

fn dir_bytes(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                dir_bytes(&p)
            } else {
                e.metadata().map_or(0, |m| m.len())
            }
        })
        .sum()
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> NodeError + '_ {
    crate::error::io_at(path)
}

/// Finishes or undoes a compaction of the store at `path` that a crash
/// interrupted, so that exactly one complete store is left at `path`:
/// the new one if it was complete, else the old one.
pub fn finish_interrupted_compaction(path: &Path) -> Result<()> {
    let (new, old) = (sibling(path, ".new"), sibling(path, ".old"));
    if !path.exists() && new.exists() && old.exists() {
        // Between moving the old store aside and moving the new one in:
        // the new one was complete (it is built before the old one moves).
        std::fs::rename(&new, path).map_err(io(path))?;
    }
    if new.exists() {
        std::fs::remove_dir_all(&new).map_err(io(&new))?;
    }
    if old.exists() && path.exists() {
        std::fs::remove_dir_all(&old).map_err(io(&old))?;
    }
    Ok(())
}

/// Rewrites the store at `path` into a new one holding only the current
/// value of every key, and deletes the old one. sled appends each change
/// to its log and keeps earlier versions in it until it reuses the space,
/// so what was erased could still be read from the old files; after this
/// it is in no file of the folder. No process may have the store open.
///
/// The new store is built beside the old (`store.new`), made durable, and
/// then swapped in; a crash at any point leaves one complete store, which
/// [`finish_interrupted_compaction`] (run by every open through the node)
/// puts back in place.
pub fn compact(path: &Path) -> Result<Compacted> {
    finish_interrupted_compaction(path)?;
    let (new, old) = (sibling(path, ".new"), sibling(path, ".old"));
    let bytes_before = dir_bytes(path);
    let mut records = 0;
    {
        let from = sled_config(path).open().map_err(|e| {
            NodeError::Storage(format!(
                "cannot open the store at {}: {e}; stop the node before compacting it",
                path.display()
            ))
        })?;
        let to = sled_config(&new).open()?;
        for name in from.tree_names() {
            let (source, target) = (from.open_tree(&name)?, to.open_tree(&name)?);
            for item in source.iter() {
                let (key, value) = item?;
                target.insert(key, value)?;
                records += 1;
            }
        }
        to.open_tree("meta")?.remove(ERASED_MARK)?;
        to.flush()?;
    }
    std::fs::rename(path, &old).map_err(io(path))?;
    std::fs::rename(&new, path).map_err(io(&new))?;
    std::fs::remove_dir_all(&old).map_err(io(&old))?;
    Ok(Compacted {
        records,
        bytes_before,
        bytes_after: dir_bytes(path),
    })
}

/// What a backup copied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackedUp {
    pub records: u64,
    pub bytes: u64,
}

/// Puts the backup at `from` in place of the store at `path`, for a stopped
/// node. The store it replaces is moved aside, not deleted, and its folder
/// returned: delete it once the restored node runs as it should. When the
/// node starts, it asks its peers for its own log head before it appends,
/// so it continues its log where the federation last saw it.
pub fn restore(path: &Path, from: &Path) -> Result<std::path::PathBuf> {
    drop(Store::open(from).map_err(|e| {
        NodeError::Invalid(format!(
            "{} is not a store this build can open: {e}",
            from.display()
        ))
    })?);
    if path.exists() {
        drop(Store::open(path).map_err(|e| {
            NodeError::Invalid(format!(
                "cannot open the store at {}: {e}; stop the node before restoring",
                path.display()
            ))
        })?);
    }
    let restoring = sibling(path, ".restoring");
    if restoring.exists() {
        std::fs::remove_dir_all(&restoring).map_err(io(&restoring))?;
    }
    copy_dir(from, &restoring)?;
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let replaced = sibling(path, &format!(".replaced-{stamp}"));
    if path.exists() {
        std::fs::rename(path, &replaced).map_err(io(path))?;
    }
    std::fs::rename(&restoring, path).map_err(io(&restoring))?;
    Ok(replaced)
}

fn copy_dir(from: &Path, to: &Path) -> Result<()> {
    std::fs::create_dir_all(to).map_err(io(to))?;
    for entry in std::fs::read_dir(from).map_err(io(from))? {
        let entry = entry.map_err(io(from))?;
        let (source, target) = (entry.path(), to.join(entry.file_name()));
        if source.is_dir() {
            copy_dir(&source, &target)?;
        } else {
            std::fs::copy(&source, &target).map_err(io(&source))?;
        }
    }
    Ok(())
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

fn charter_key(version: u32) -> Vec<u8> {
    let mut key = b"charter/".to_vec();
    key.extend_from_slice(&version.to_be_bytes());
    key
}

fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>> {
    postcard::to_stdvec(value).map_err(|e| NodeError::Storage(format!("encode: {e}")))
}

fn decode<T: DeserializeOwned>(what: &str, bytes: &[u8]) -> Result<T> {
    postcard::from_bytes(bytes)
        .map_err(|e| NodeError::Storage(format!("stored {what} is unreadable: {e}")))
}

/// Writes of one batch, readable before they are applied.
struct Pending<'a> {
    data: &'a sled::Tree,
    batch: sled::Batch,
    /// What the batch writes so far by key; `None` when it removes the key.
    written: HashMap<Vec<u8>, Option<Vec<u8>>>,
    /// How the batch changes the number of records of counted spaces.
    counted: HashMap<u8, isize>,
}

impl<'a> Pending<'a> {
    fn new(data: &'a sled::Tree) -> Pending<'a> {
        Pending {
            data,
            batch: sled::Batch::default(),
            written: HashMap::new(),
            counted: HashMap::new(),
        }
    }

    /// The value at the whole key `key`, with this batch's writes applied.
    fn get(&self, key: &[u8]) -> Result<Option<Vec<u8>>> {
        match self.written.get(key) {
            Some(v) => Ok(v.clone()),
            None => Ok(self.data.get(key)?.map(|v| v.to_vec())),
        }
    }

    fn insert(&mut self, space: Space, key: Vec<u8>, value: Vec<u8>) -> Result<()> {
        if space.counted && self.get(&key)?.is_none() {
            *self.counted.entry(space.prefix).or_default() += 1;
        }
        self.batch.insert(key.as_slice(), value.as_slice());
        self.written.insert(key, Some(value));
        Ok(())
    }

    fn remove(&mut self, space: Space, key: Vec<u8>) -> Result<()> {
        if space.counted && self.get(&key)?.is_some() {
            *self.counted.entry(space.prefix).or_default() -= 1;
        }
        self.batch.remove(key.as_slice());
        self.written.insert(key, None);
        Ok(())
    }

    fn add(&mut self, batch: Batch) -> Result<()> {
        for op in batch.ops {
            match op {
                Op::Put { space, key, value } => self.insert(space, key, value)?,
                Op::Remove { space, key } => self.remove(space, key)?,
            }
        }
        Ok(())
    }
}

impl Store {
    /// Opens (or creates) the store at `path`. What older builds wrote in
    /// a form this one no longer reads is brought up to date by the areas
    /// that own it, where the node opens its store (`launch::open_store` in unionfed-core).
    pub fn open(path: &Path) -> Result<Store> {
        let db = sled_config(path).open().map_err(|e| {
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
        Ok(Store {
            meta,
            data,
            db,
            write_lock: Arc::default(),
            counts: Arc::new([const { AtomicUsize::new(UNCOUNTED) }; 256]),
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

    /// Copies the whole store into a new store at `dest`, which must not
    /// exist: a consistent copy of a running node, because writers wait
    /// while it copies (a file copy under writes is not one). Only current
    /// values are copied, so nothing erased is in the copy. A failed copy
    /// leaves no folder behind. Blocking: run it off the async threads.
    pub fn backup_to(&self, dest: &Path) -> Result<BackedUp> {
        if dest.exists() {
            return Err(NodeError::Invalid(format!(
                "{} exists already; a backup goes into a new folder",
                dest.display()
            )));
        }
        let copy = || -> Result<u64> {
            let _writer = self.writer()?;
            let to = sled_config(dest).open()?;
            let mut records = 0;
            for (name, tree) in [("meta", &self.meta), ("data", &self.data)] {
                let target = to.open_tree(name)?;
                for item in tree.iter() {
                    let (key, value) = item?;
                    target.insert(key, value)?;
                    records += 1;
                }
            }
            to.flush()?;
            Ok(records)
        };
        match copy() {
            Ok(records) => Ok(BackedUp {
                records,
                bytes: dir_bytes(dest),
            }),
            Err(e) => {
                let _ = std::fs::remove_dir_all(dest);
                Err(e)
            }
        }
    }

    /// Bytes the store takes on disk.
    pub fn size_on_disk(&self) -> Result<u64> {
        Ok(self.db.size_on_disk()?)
    }

    fn writer(&self) -> Result<MutexGuard<'_, ()>> {
        self.write_lock
            .lock()
            .map_err(|_| NodeError::Storage("a writer panicked; restart the node".into()))
    }

    /// Applies `pending`; the caller holds the write lock.
    fn commit(&self, pending: Pending<'_>) -> Result<()> {
        self.data.apply_batch(pending.batch)?;
        for (prefix, delta) in pending.counted {
            // A space not counted yet is counted when it is first asked for.
            let _ = self.counts[usize::from(prefix)].fetch_update(
                Ordering::Relaxed,
                Ordering::Relaxed,
                |n| (n != UNCOUNTED).then(|| n.saturating_add_signed(delta)),
            );
        }
        Ok(())
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

    // --- migrations ------------------------------------------------------

    /// Runs `migrate` unless the migration named `mark` was done before,
    /// then marks it done (in `meta`, under `mark`).
    pub fn once(&self, mark: &str, migrate: impl FnOnce(&Store) -> Result<()>) -> Result<()> {
        if self.meta.get(mark)?.is_some() {
            return Ok(());
        }
        migrate(self)?;
        self.meta.insert(mark, &[1u8])?;
        Ok(())
    }

    /// Records that personal data was erased or purged: until the store is
    /// compacted, earlier versions of it remain in sled's files. Called
    /// before the erasing write, so that a crash between the two costs at
    /// most a compaction that finds nothing to drop.
    pub fn note_erasure(&self) -> Result<()> {
        self.meta.insert(ERASED_MARK, &[1u8])?;
        Ok(())
    }

    /// Whether something was erased since the store was last compacted.
    pub fn erasure_pending(&self) -> Result<bool> {
        Ok(self.meta.get(ERASED_MARK)?.is_some())
    }

    /// Forgets that the migration `mark` was done, as an older build would
    /// have left the store: for the tests of each area's migrations.
    #[doc(hidden)]
    pub fn forget_migration(&self, mark: &str) -> Result<()> {
        self.meta.remove(mark)?;
        Ok(())
    }

    // --- records ---------------------------------------------------------

    /// The record under `key`.
    pub fn get<T: DeserializeOwned>(&self, space: Space, key: &[u8]) -> Result<Option<T>> {
        self.data
            .get(space.key(key))?
            .map(|v| space.decode(&v))
            .transpose()
    }

    /// The bytes under `key`, as stored.
    pub fn get_raw(&self, space: Space, key: &[u8]) -> Result<Option<Vec<u8>>> {
        Ok(self.data.get(space.key(key))?.map(|v| v.to_vec()))
    }

    /// The records whose keys start with `prefix`, in key order.
    pub fn scan<T: DeserializeOwned>(&self, space: Space, prefix: &[u8]) -> Result<Vec<T>> {
        self.iter(space, prefix)
            .map(|r| r.map(|(_, v)| v))
            .collect()
    }

    /// The records whose keys start with `prefix`, with their keys, in key
    /// order (or backwards, `.rev()`), read as the iterator goes.
    pub fn iter<T: DeserializeOwned>(
        &self,
        space: Space,
        prefix: &[u8],
    ) -> impl DoubleEndedIterator<Item = Result<(Vec<u8>, T)>> + '_ {
        self.data.scan_prefix(space.key(prefix)).map(move |item| {
            let (key, value) = item?;
            Ok((own_key(&key), space.decode(&value)?))
        })
    }

    /// The keys that start with `prefix`, in key order: an index.
    pub fn keys(
        &self,
        space: Space,
        prefix: &[u8],
    ) -> impl DoubleEndedIterator<Item = Result<Vec<u8>>> + '_ {
        self.data
            .scan_prefix(space.key(prefix))
            .map(|item| Ok(own_key(&item?.0)))
    }

    /// The keys of `space` that sort before `end`, in key order.
    pub fn keys_before(
        &self,
        space: Space,
        end: &[u8],
    ) -> impl DoubleEndedIterator<Item = Result<Vec<u8>>> + '_ {
        self.data
            .range(space.key(&[])..space.key(end))
            .map(|item| Ok(own_key(&item?.0)))
    }

    /// The records in `space`: kept up to date for a counted space, so
    /// O(1); counted by a scan otherwise.
    pub fn count(&self, space: Space) -> usize {
        let count_now = || self.data.scan_prefix([space.prefix]).count();
        if !space.counted {
            return count_now();
        }
        let slot = &self.counts[usize::from(space.prefix)];
        let n = slot.load(Ordering::Relaxed);
        if n != UNCOUNTED {
            return n;
        }
        // Counted under the write lock, so that no write is missed.
        let _writer = self
            .write_lock
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let n = slot.load(Ordering::Relaxed);
        if n != UNCOUNTED {
            return n;
        }
        let n = count_now();
        slot.store(n, Ordering::Relaxed);
        n
    }

    /// Writes one record.
    pub fn put<T: Serialize>(&self, space: Space, key: &[u8], value: &T) -> Result<()> {
        let mut batch = Batch::default();
        batch.put(space, key, value)?;
        self.write(batch)
    }

    /// Writes `bytes` as they are.
    pub fn put_raw(&self, space: Space, key: &[u8], bytes: &[u8]) -> Result<()> {
        let mut batch = Batch::default();
        batch.put_raw(space, key, bytes);
        self.write(batch)
    }

    /// Removes what is under `key`; `true` when something was.
    pub fn remove(&self, space: Space, key: &[u8]) -> Result<bool> {
        let key = space.key(key);
        let _writer = self.writer()?;
        if self.data.get(&key)?.is_none() {
            return Ok(false);
        }
        let mut pending = Pending::new(&self.data);
        pending.remove(space, key)?;
        self.commit(pending)?;
        Ok(true)
    }

    /// Applies `batch`, atomically.
    pub fn write(&self, batch: Batch) -> Result<()> {
        self.write_checked(|_| Ok(true), batch).map(|_| ())
    }

    /// Applies `batch` only if nothing is stored under `key` yet, checked
    /// under the write lock; `false` (and nothing written) otherwise.
    pub fn write_if_absent(&self, space: Space, key: &[u8], batch: Batch) -> Result<bool> {
        let key = space.key(key);
        self.write_checked(|data| Ok(data.get(&key)?.is_none()), batch)
    }

    /// Applies `batch` only if none of `keys` holds a record, checked under
    /// the write lock; `false` (and nothing written) otherwise.
    pub fn write_if_all_absent(&self, keys: &[(Space, &[u8])], batch: Batch) -> Result<bool> {
        let keys: Vec<Vec<u8>> = keys.iter().map(|(s, k)| s.key(k)).collect();
        self.write_checked(
            |data| {
                for key in &keys {
                    if data.get(key)?.is_some() {
                        return Ok(false);
                    }
                }
                Ok(true)
            },
            batch,
        )
    }

    /// Applies `batch` only if the record under `key` is still `held`,
    /// checked under the write lock; `false` (and nothing written) otherwise.
    pub fn write_if_still<T: Serialize>(
        &self,
        space: Space,
        key: &[u8],
        held: &T,
        batch: Batch,
    ) -> Result<bool> {
        let (key, held) = (space.key(key), space.encode(held)?);
        self.write_checked(
            |data| Ok(data.get(&key)?.as_deref() == Some(held.as_slice())),
            batch,
        )
    }

    /// Applies `batch` only if `space` holds no record yet, checked under
    /// the write lock; `false` (and nothing written) otherwise.
    pub fn write_if_empty(&self, space: Space, batch: Batch) -> Result<bool> {
        self.write_checked(
            |data| {
                Ok(data
                    .scan_prefix([space.prefix])
                    .next()
                    .transpose()?
                    .is_none())
            },
            batch,
        )
    }

    fn write_checked(
        &self,
        check: impl FnOnce(&sled::Tree) -> Result<bool>,
        batch: Batch,
    ) -> Result<bool> {
        let _writer = self.writer()?;
        if !check(&self.data)? {
            return Ok(false);
        }
        let mut pending = Pending::new(&self.data);
        pending.add(batch)?;
        self.commit(pending)?;
        Ok(true)
    }
}

/// A key made of `parts`, one after the other.
pub fn key(parts: &[&[u8]]) -> Vec<u8> {
    parts.concat()
}

/// A key of the `data` tree without its space's prefix.
fn own_key(key: &[u8]) -> Vec<u8> {
    key.get(1..).unwrap_or_default().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_two_spaces_share_a_prefix_and_the_table_lists_every_one() {
        let mut prefixes: Vec<u8> = SPACES.iter().map(|(p, _)| *p).collect();
        prefixes.sort_unstable();
        let before = prefixes.len();
        prefixes.dedup();
        assert_eq!(prefixes.len(), before, "two rows of SPACES share a prefix");
        let mut documented: Vec<u8> = include_str!("storage.rs")
            .lines()
            .filter_map(|l| l.strip_prefix("//! | `"))
            .filter_map(|rest| rest.bytes().next())
            .collect();
        documented.sort_unstable();
        assert_eq!(
            documented, prefixes,
            "the table at the top and SPACES differ"
        );
        // A space is one row: its prefix with that row's name.
        assert!(registered(b'm', "member record"));
        assert!(!registered(b'm', "transfer"));
        assert!(!registered(b'Z', "anything"));
    }

    const THINGS: Space = Space::json(b'v', "directory entry");
    const COUNTED: Space = Space::postcard(b'o', "outbox item").counted();
    const INDEX: Space = Space::raw(b'T', "transfer index entry");

    #[test]
    fn records_are_written_read_and_counted_through_their_space() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open(dir.path()).unwrap();
        store.put(THINGS, b"b", &"second").unwrap();
        store.put(THINGS, b"a", &"first").unwrap();
        assert_eq!(
            store.get::<String>(THINGS, b"a").unwrap().as_deref(),
            Some("first")
        );
        assert_eq!(store.get_raw(THINGS, b"b").unwrap().unwrap(), b"\"second\"");
        assert_eq!(
            store.scan::<String>(THINGS, &[]).unwrap(),
            vec!["first", "second"]
        );
        let newest = store
            .iter::<String>(THINGS, &[])
            .next_back()
            .unwrap()
            .unwrap();
        assert_eq!(newest, (b"b".to_vec(), "second".to_owned()));

        // Counted before and after it is first asked for, by every kind of write.
        store.put(COUNTED, b"1", &1u32).unwrap();
        assert_eq!(store.count(COUNTED), 1);
        let mut batch = Batch::default();
        batch.put(COUNTED, b"1", &2u32).unwrap();
        batch.put(COUNTED, b"2", &2u32).unwrap();
        batch.put(COUNTED, b"3", &3u32).unwrap();
        batch.remove(COUNTED, b"3");
        store.write(batch).unwrap();
        assert_eq!(store.count(COUNTED), 2);
        assert!(store.remove(COUNTED, b"2").unwrap());
        assert!(!store.remove(COUNTED, b"2").unwrap());
        assert_eq!(store.count(COUNTED), 1);
        assert_eq!(store.count(THINGS), 2);

        let mut batch = Batch::default();
        for k in [b"3", b"1", b"2"] {
            batch.index(INDEX, k);
        }
        store.write(batch).unwrap();
        let below: Vec<Vec<u8>> = store.keys_before(INDEX, b"3").map(Result::unwrap).collect();
        assert_eq!(below, vec![b"1".to_vec(), b"2".to_vec()]);
        assert!(
            store.get::<String>(INDEX, b"1").is_err(),
            "raw bytes are no record"
        );
    }

    #[test]
    fn a_conditional_write_writes_nothing_when_its_condition_fails() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let put = |key: &[u8], value: &str| {
            let mut batch = Batch::default();
            batch.put(THINGS, key, &value).unwrap();
            batch.index(INDEX, key);
            batch
        };
        assert!(store.write_if_empty(THINGS, put(b"a", "first")).unwrap());
        assert!(!store.write_if_empty(THINGS, put(b"b", "second")).unwrap());
        assert!(!store
            .write_if_absent(THINGS, b"a", put(b"a", "again"))
            .unwrap());
        assert!(store
            .write_if_absent(THINGS, b"c", put(b"c", "third"))
            .unwrap());
        assert!(!store
            .write_if_still(THINGS, b"a", &"not this", put(b"a", "changed"))
            .unwrap());
        assert!(store
            .write_if_still(THINGS, b"a", &"first", put(b"a", "changed"))
            .unwrap());
        assert_eq!(
            store.scan::<String>(THINGS, &[]).unwrap(),
            vec!["changed", "third"]
        );
        assert_eq!(store.keys(INDEX, &[]).count(), 2);
    }

    #[test]
    fn a_migration_runs_once() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let runs = std::cell::Cell::new(0);
        for _ in 0..2 {
            store
                .once("test_migration", |_| {
                    runs.set(runs.get() + 1);
                    Ok(())
                })
                .unwrap();
        }
        assert_eq!(runs.get(), 1);
        store.forget_migration("test_migration").unwrap();
        store.once("test_migration", |_| Ok(())).unwrap();
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

    fn holds(dir: &Path, needle: &[u8]) -> bool {
        std::fs::read_dir(dir).unwrap().flatten().any(|e| {
            let p = e.path();
            if p.is_dir() {
                holds(&p, needle)
            } else {
                std::fs::read(&p)
                    .unwrap()
                    .windows(needle.len())
                    .any(|w| w == needle)
            }
        })
    }

    const SECRET: Space = Space::raw(b'f', "case attachment");

    #[test]
    fn a_backup_of_a_store_under_writes_holds_each_batch_whole_or_not_at_all() {
        let dir = tempfile::TempDir::new().unwrap();
        let store = Store::open(&dir.path().join("store")).unwrap();
        let writer = {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0u32..2000 {
                    let mut batch = Batch::default();
                    batch.put_raw(SECRET, &[b"a".as_slice(), &i.to_be_bytes()].concat(), b"1");
                    batch.put_raw(SECRET, &[b"b".as_slice(), &i.to_be_bytes()].concat(), b"1");
                    store.write(batch).unwrap();
                }
            })
        };
        while store.count(SECRET) < 200 {
            std::thread::yield_now();
        }
        let dest = dir.path().join("backup");
        let done = store.backup_to(&dest).unwrap();
        writer.join().unwrap();
        let err = store.backup_to(&dest).unwrap_err().to_string();
        assert!(err.contains("exists already"), "{err}");

        let copy = Store::open(&dest).unwrap();
        let a = copy.keys(SECRET, b"a").count();
        let b = copy.keys(SECRET, b"b").count();
        assert_eq!(a, b, "a batch was split by the backup");
        assert!((100..=2000).contains(&a), "{a}");
        assert!(done.records >= 2 * a as u64);
        drop(copy);

        // Restoring over a store that is open (a running node) is refused.
        let err = restore(&dir.path().join("store"), &dest)
            .unwrap_err()
            .to_string();
        assert!(err.contains("stop the node"), "{err}");
        drop(store);
        let replaced = restore(&dir.path().join("store"), &dest).unwrap();
        assert!(replaced.exists());
        let back = Store::open(&dir.path().join("store")).unwrap();
        assert_eq!(back.count(SECRET), 2 * a);
    }

    #[test]
    fn compaction_leaves_no_erased_value_in_any_file_and_keeps_the_rest() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("store");
        {
            let store = Store::open(&path).unwrap();
            store
                .put_raw(SECRET, b"a", b"Wati Susanti +62 812 5555 0101")
                .unwrap();
            store.put_raw(SECRET, b"b", b"kept record").unwrap();
            store.flush_blocking().unwrap();
            store.note_erasure().unwrap();
            store.remove(SECRET, b"a").unwrap();
            store.flush_blocking().unwrap();
            assert!(store.erasure_pending().unwrap());
        }
        assert!(holds(&path, b"Wati Susanti"), "sled keeps the old version");
        let done = compact(&path).unwrap();
        assert!(done.records >= 2, "{done:?}");
        assert!(!holds(dir.path(), b"Wati Susanti"), "gone from every file");
        let store = Store::open(&path).unwrap();
        assert_eq!(
            store.get_raw(SECRET, b"b").unwrap().unwrap(),
            b"kept record"
        );
        assert!(store.get_raw(SECRET, b"a").unwrap().is_none());
        assert!(!store.erasure_pending().unwrap());
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no store.new or store.old left"
        );
    }

    #[test]
    fn an_interrupted_compaction_leaves_one_complete_store() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("store");
        let make = |p: &Path, value: &[u8]| {
            let store = Store::open(p).unwrap();
            store.put_raw(SECRET, b"k", value).unwrap();
            store.flush_blocking().unwrap();
        };
        // Crashed while building the new one: the old one stays.
        make(&path, b"old");
        make(&sibling(&path, ".new"), b"half");
        finish_interrupted_compaction(&path).unwrap();
        assert!(!sibling(&path, ".new").exists());
        let read = |p: &Path| {
            Store::open(p)
                .unwrap()
                .get_raw(SECRET, b"k")
                .unwrap()
                .unwrap()
        };
        assert_eq!(read(&path), b"old");
        // Crashed after moving the old one aside: the complete new one moves in.
        make(&sibling(&path, ".new"), b"new");
        std::fs::rename(&path, sibling(&path, ".old")).unwrap();
        finish_interrupted_compaction(&path).unwrap();
        assert_eq!(read(&path), b"new");
        assert!(!sibling(&path, ".old").exists() && !sibling(&path, ".new").exists());
        // Crashed before deleting the old one: it goes.
        make(&sibling(&path, ".old"), b"stale");
        finish_interrupted_compaction(&path).unwrap();
        assert!(!sibling(&path, ".old").exists());
        assert_eq!(read(&path), b"new");
    }
}
