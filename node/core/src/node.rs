//! The floor of the domain: `NodeState`, what every part of a running
//! node shares (configuration, keys, store, network client, metrics, the
//! charter held), the clock, and the own log's append. It names no area:
//! members, transfers, the case desk and accounts reach it through their
//! handles; `launch` builds it and starts the tasks.

use crate::config::Config;
use crate::error::{NodeError, Result};
use crate::identity::NodeKeys;
use crate::metrics::Metrics;
use crate::network::Client;
use crate::storage::{Applied, Batch, Store};
use libp2p::{Multiaddr, PeerId};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};
use tokio::sync::watch;
use tokio_util::task::TaskTracker;
use unionfed_protocol::entry::{Body, Head};
use unionfed_protocol::wire::{GossipMessage, WireMessage};
use unionfed_protocol::{
    AffiliateId, Charter, CharterDocument, Entry, Equivocation, Seq, SignedEntry, Timestamp,
};

/// Seconds since the Unix epoch, now.
pub fn now() -> Timestamp {
    Timestamp(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
    )
}

/// The start (00:00 UTC) of the day `at` falls in: what the public does is
/// kept to this precision.
pub fn day_of(at: Timestamp) -> Timestamp {
    Timestamp(at.secs() / 86_400 * 86_400)
}

/// A backup made by [`NodeState::backup`].
#[derive(Debug, Clone)]
pub struct Backup {
    pub path: PathBuf,
    pub records: u64,
    pub bytes: u64,
}

/// The charter a node holds, decoded once.
#[derive(Debug, Clone)]
pub struct HeldCharter {
    pub doc: CharterDocument,
    pub charter: Arc<Charter>,
    pub hash: [u8; 32],
}

impl HeldCharter {
    pub(crate) fn new(doc: CharterDocument, charter: Charter) -> HeldCharter {
        HeldCharter {
            hash: doc.hash(),
            charter: Arc::new(charter),
            doc,
        }
    }
}

/// Everything a running node shares between its tasks.
pub struct NodeState {
    pub config: Config,
    pub data_dir: PathBuf,
    pub keys: NodeKeys,
    pub(crate) store: Store,
    pub network: Client,
    pub metrics: Metrics,
    pub(crate) charter: RwLock<Arc<HeldCharter>>,
    /// Highest head each author has been reported at by any peer.
    pub(crate) remote_heads: Mutex<HashMap<AffiliateId, u64>>,
    pub(crate) own_head_ready: watch::Sender<bool>,
    pub(crate) append_lock: tokio::sync::Mutex<()>,
    pub(crate) member_lock: tokio::sync::Mutex<()>,
    pub(crate) syncing: Mutex<std::collections::HashSet<PeerId>>,
    /// Wakes the handoff delivery task.
    pub(crate) handoff_wakeup: tokio::sync::Notify,
    /// Set when a peer connects: undelivered handoffs are retried at once.
    pub(crate) handoff_peer_arrived: std::sync::atomic::AtomicBool,
    /// What acts on each kind of received handoff.
    pub(crate) handoff_router: crate::handoffs::HandoffRouter,
    /// Held while an area acts on a received handoff: handoffs delivered
    /// at once (several status updates of one case) are applied one after
    /// another, so one cannot lose a compare-and-swap to another after
    /// both were receipted.
    pub(crate) handoff_acting: tokio::sync::Mutex<()>,
    /// Counts entries stored from peers; watch it to see replication happen.
    pub stored: watch::Sender<u64>,
    /// Every task of the node, so that shutdown can wait for all of them.
    pub(crate) tasks: TaskTracker,
}

impl std::fmt::Debug for NodeState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeState")
            .field("affiliate", &self.config.affiliate)
            .finish_non_exhaustive()
    }
}

impl NodeState {
    /// The head of every author's log this node holds: public, replicated
    /// state that every door may show.
    pub fn author_heads(&self) -> Result<Vec<unionfed_protocol::wire::AuthorHead>> {
        self.store.heads()
    }

    /// The head of `author`'s log as this node holds it.
    pub fn head_of(&self, author: &AffiliateId) -> Result<Option<Head>> {
        self.store.head(author)
    }

    /// One entry of `author`'s log, if this node holds it.
    pub fn log_entry(&self, author: &AffiliateId, seq: Seq) -> Result<Option<SignedEntry>> {
        self.store.entry(author, seq)
    }

    /// The evidence of a split view this node keeps: two entries signed
    /// for one position of one log.
    pub fn equivocations(&self) -> Result<Vec<Equivocation>> {
        self.store.equivocations()
    }

    /// Writes everything to disk before it returns, for shutdown.
    pub fn flush_blocking(&self) -> Result<()> {
        self.store.flush_blocking()
    }

    /// This node's libp2p peer id, public in its node record.
    pub fn peer_id(&self) -> PeerId {
        self.network.local_peer_id()
    }

    /// The peers connected now.
    pub async fn connected_peers(&self) -> Result<Vec<PeerId>> {
        Ok(self.network.connected_peers().await?)
    }

    /// How many pieces of evidence of a split view this node keeps.
    pub fn equivocation_count(&self) -> usize {
        self.store.equivocation_count()
    }

    /// Every attestation and representation entry, signed by its author:
    /// the public status snapshot offline checkers use.
    pub fn status_snapshot_entries(&self) -> Result<Vec<unionfed_protocol::SignedEntry>> {
        self.store.snapshot_entries()
    }

    /// One version of the charter as adopted here (`None`: the latest), for
    /// offline verifiers and for operators of a joining node. Public: every
    /// peer holds the same bytes.
    pub fn charter_document(&self, version: Option<u32>) -> Result<Option<CharterDocument>> {
        match version {
            None => Ok(Some(self.charter().doc.clone())),
            Some(0) => Ok(None),
            Some(v) => Ok(self
                .store
                .charters_after(v - 1, 1)?
                .into_iter()
                .next()
                .filter(|d| d.charter().is_ok_and(|c| c.version == v))),
        }
    }

    /// The charter held now (cheap: a shared pointer).
    pub fn charter(&self) -> Arc<HeldCharter> {
        match self.charter.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Appends an entry to this affiliate's own log, durably, and publishes it.
    pub(crate) async fn append(&self, body: Body) -> Result<SignedEntry> {
        self.append_with(body, |_| Ok(Batch::default())).await
    }

    /// Appends `body` to this affiliate's log and writes the batch
    /// `records(seq)` returns in the same atomic batch, durable before this
    /// returns.
    pub(crate) async fn append_with(
        &self,
        body: Body,
        records: impl FnOnce(Seq) -> Result<Batch>,
    ) -> Result<SignedEntry> {
        self.wait_own_head().await;
        let _guard = self.append_lock.lock().await;
        let author = self.config.affiliate.clone();
        let head = self.store.head(&author)?;
        let seq = match &head {
            Some(h) => h.seq.next()?,
            None => Seq::FIRST,
        };
        let entry = Entry {
            author,
            seq,
            prev: head.map(|h| h.hash),
            time: now(),
            body,
        };
        let signed = SignedEntry::sign(&entry, &self.keys.signing)?;
        let outcome = self
            .store
            .apply_with(&[(signed.clone(), entry)], records(seq)?)?;
        if outcome.first() != Some(&Applied::Stored) {
            return Err(NodeError::Storage(format!(
                "own entry #{seq} was not stored ({outcome:?}); the log may have been restored from an old backup"
            )));
        }
        self.store.flush().await?;
        self.metrics.entries_stored.inc();
        self.update_author_metrics(&self.config.affiliate);
        match GossipMessage::Entry(signed.clone()).encode() {
            Ok(bytes) => {
                if let Err(e) = self.network.publish(bytes).await {
                    tracing::warn!(%e, "could not publish entry; peers will pull it");
                }
            }
            Err(e) => tracing::warn!(%e, "could not encode entry for gossip"),
        }
        Ok(signed)
    }

    async fn wait_own_head(&self) {
        let mut ready = self.own_head_ready.subscribe();
        let _ = ready.wait_for(|r| *r).await;
    }

    pub(crate) fn mark_own_head_confirmed(&self) {
        self.own_head_ready.send_replace(true);
    }

    /// Notes that a peer holds `author` up to `seq`.
    pub(crate) fn note_remote_head(&self, author: &AffiliateId, seq: u64) {
        if let Ok(mut heads) = self.remote_heads.lock() {
            let known = heads.entry(author.clone()).or_insert(0);
            *known = (*known).max(seq);
        }
        self.update_author_metrics(author);
    }

    /// Entries peers hold for `author` that this node does not.
    pub fn lag(&self, author: &AffiliateId) -> u64 {
        let ours = self
            .store
            .head(author)
            .ok()
            .flatten()
            .map_or(0, |h| h.seq.get());
        let theirs = self
            .remote_heads
            .lock()
            .map(|h| h.get(author).copied().unwrap_or(0))
            .unwrap_or(0);
        theirs.saturating_sub(ours)
    }

    pub(crate) fn update_author_metrics(&self, author: &AffiliateId) {
        let ours = self
            .store
            .head(author)
            .ok()
            .flatten()
            .map_or(0, |h| h.seq.get());
        self.metrics
            .set_author(author.as_str(), ours, self.lag(author));
    }

    /// Adopts `doc` if it is the valid successor of the charter held.
    /// `Ok(false)` when it is not newer (nothing to do).
    pub(crate) async fn adopt_charter(&self, doc: CharterDocument) -> Result<bool> {
        let held = self.charter();
        let offered = doc.charter()?;
        if offered.version <= held.charter.version {
            return Ok(false);
        }
        let next = doc
            .verify_successor(&held.charter, &held.hash)
            .inspect_err(|_| {
                self.metrics.verify_failures.inc();
            })?;
        self.store.put_charter(next.version, &doc)?;
        self.store.flush().await?;
        tracing::info!(version = next.version, "adopted charter");
        let peers = allowed_peers(&next, &self.config)?;
        if let Ok(mut slot) = self.charter.write() {
            *slot = Arc::new(HeldCharter::new(doc.clone(), next));
        }
        self.network.set_peers(peers).await?;
        Ok(true)
    }

    /// An admin makes a consistent copy of the whole store while the node
    /// runs, into `backups/store-<unix time>` in the data folder (private
    /// to the node's user, like the store); copy it off the machine
    /// encrypted. `unionfed restore` puts it back.
    pub async fn backup(&self, who: &crate::access::Principal) -> Result<Backup> {
        let work = async {
            let dir = self.data_dir.join("backups");
            crate::private_fs::create_dir(&dir)?;
            let stamp = now().secs();
            let path = (1..)
                .map(|n| match n {
                    1 => dir.join(format!("store-{stamp}")),
                    n => dir.join(format!("store-{stamp}-{n}")),
                })
                .find(|p| !p.exists())
                .unwrap_or_else(|| dir.join(format!("store-{stamp}")));
            let store = self.store.clone();
            let target = path.clone();
            let done = tokio::task::spawn_blocking(move || store.backup_to(&target))
                .await
                .map_err(|e| NodeError::Storage(format!("the backup task failed: {e}")))??;
            tracing::info!(path = %path.display(), records = done.records, "backup made");
            Ok(Backup {
                path,
                records: done.records,
                bytes: done.bytes,
            })
        };
        self.guarded(
            who,
            crate::access::Action::BackupStore,
            "store",
            "backup_store",
            work,
        )
        .await
    }

    /// An admin submits the next charter version (signed by the threshold)
    /// as the hex of a charter file; the node adopts it and gossips it to
    /// every peer.
    pub async fn submit_charter(
        &self,
        who: &crate::access::Principal,
        charter_hex: &str,
    ) -> Result<bool> {
        let work = async {
            let doc: CharterDocument = hex::decode(charter_hex.trim())
                .ok()
                .and_then(|b| postcard::from_bytes(&b).ok())
                .ok_or_else(|| {
                    NodeError::Invalid(
                        "charter must be the hex of a charter file made by `unionfed charter`"
                            .into(),
                    )
                })?;
            self.propose_charter(doc).await
        };
        self.guarded(
            who,
            crate::access::Action::ChangeCharter,
            "charter",
            "submit_charter",
            work,
        )
        .await
    }

    /// Adopts a charter version submitted here and gossips it to every peer.
    pub(crate) async fn propose_charter(&self, doc: CharterDocument) -> Result<bool> {
        let adopted = self.adopt_charter(doc.clone()).await?;
        if adopted {
            self.network
                .publish(GossipMessage::Charter(doc).encode()?)
                .await?;
        }
        Ok(adopted)
    }
}

/// The peers a charter lets in: every node of every active affiliate except
/// ourselves, plus configured addresses.
pub(crate) fn allowed_peers(
    charter: &Charter,
    config: &Config,
) -> Result<HashMap<PeerId, Vec<Multiaddr>>> {
    let at = now();
    let mut peers: HashMap<PeerId, Vec<Multiaddr>> = HashMap::new();
    for a in charter.active_affiliates() {
        if a.id == config.affiliate {
            continue;
        }
        for record in a.node_records()? {
            if !record.is_valid_at(at) {
                continue;
            }
            let Ok(peer) = PeerId::from_bytes(&record.peer_id) else {
                tracing::warn!(affiliate = %a.id, "node record has an unreadable peer id");
                continue;
            };
            let addresses = record.addresses.iter().filter_map(|s| s.parse().ok());
            peers.entry(peer).or_default().extend(addresses);
        }
    }
    for p in &config.peers {
        if let (Ok(peer), Ok(address)) = (p.peer_id.parse::<PeerId>(), p.address.parse()) {
            if let Some(list) = peers.get_mut(&peer) {
                list.push(address);
            }
        }
    }
    Ok(peers)
}

/// The affiliate a peer belongs to, by the charter's node records.
pub fn affiliate_of(charter: &Charter, peer: &PeerId) -> Option<AffiliateId> {
    let bytes = peer.to_bytes();
    charter.affiliates.iter().find_map(|a| {
        a.nodes
            .iter()
            .filter_map(|n| n.decode_unverified().ok())
            .any(|r| r.peer_id == bytes)
            .then(|| a.id.clone())
    })
}
