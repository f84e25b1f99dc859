//! A whole node in-process: `start(data_dir, config) -> NodeHandle`. The
//! daemon runs one; tests run several.

use crate::config::Config;
use crate::error::{NodeError, Result};
use crate::identity::NodeKeys;
use crate::members::MemberRecord;
use crate::metrics::Metrics;
use crate::network::{self, Client, NetworkConfig};
use crate::storage::{Applied, Batch, Store};
use libp2p::{Multiaddr, PeerId};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use unionfed_protocol::charter::AffiliateStatus;
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

/// The charter a node holds, decoded once.
#[derive(Debug, Clone)]
pub struct HeldCharter {
    pub doc: CharterDocument,
    pub charter: Arc<Charter>,
    pub hash: [u8; 32],
}

impl HeldCharter {
    fn new(doc: CharterDocument, charter: Charter) -> HeldCharter {
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
    charter: RwLock<Arc<HeldCharter>>,
    /// Highest head each author has been reported at by any peer.
    remote_heads: Mutex<HashMap<AffiliateId, u64>>,
    own_head_ready: watch::Sender<bool>,
    append_lock: tokio::sync::Mutex<()>,
    pub(crate) member_lock: tokio::sync::Mutex<()>,
    pub(crate) syncing: Mutex<std::collections::HashSet<PeerId>>,
    /// Wakes the handoff delivery task.
    pub(crate) handoff_wakeup: tokio::sync::Notify,
    /// Set when a peer connects: undelivered handoffs are retried at once.
    pub(crate) handoff_peer_arrived: std::sync::atomic::AtomicBool,
    /// What acts on each kind of received handoff.
    pub(crate) handoff_router: crate::handoffs::HandoffRouter,
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

    /// The charter held now (cheap: a shared pointer).
    pub fn charter(&self) -> Arc<HeldCharter> {
        match self.charter.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Appends an entry to this affiliate's own log, durably, and publishes it.
    /// When `member` is given, its `attestation_seq` is set and it is written
    /// in the same transaction.
    pub(crate) async fn append(
        &self,
        body: Body,
        member: Option<&mut MemberRecord>,
    ) -> Result<SignedEntry> {
        match member {
            Some(m) => {
                self.append_with(body, |seq| {
                    m.attestation_seq = seq.get();
                    let mut batch = Batch::default();
                    crate::members::store::stage_member(&mut batch, m)?;
                    Ok(batch)
                })
                .await
            }
            None => self.append_with(body, |_| Ok(Batch::default())).await,
        }
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
fn allowed_peers(charter: &Charter, config: &Config) -> Result<HashMap<PeerId, Vec<Multiaddr>>> {
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

/// A node's domain, running: its state, the token that stops it and the
/// tasks shutdown waits for. The HTTP doors join these tasks.
#[derive(Debug)]
pub struct Launched {
    pub state: Arc<NodeState>,
    pub shutdown: CancellationToken,
    pub tasks: TaskTracker,
}

fn load_charter(store: &Store, data_dir: &Path, config: &Config) -> Result<HeldCharter> {
    if let Some(doc) = store.charter()? {
        let charter = doc.charter()?;
        return Ok(HeldCharter::new(doc, charter));
    }
    let path = data_dir.join(&config.charter_file);
    let bytes = std::fs::read(&path).map_err(|e| {
        NodeError::Config(format!(
            "no charter yet: cannot read {}: {e}; build one with `unionfed charter draft` and `unionfed charter sign`",
            path.display()
        ))
    })?;
    let doc: CharterDocument = postcard::from_bytes(&bytes)
        .map_err(|e| NodeError::Config(format!("{} is not a charter file: {e}", path.display())))?;
    let charter = doc.verify_genesis().map_err(|e| {
        NodeError::Config(format!(
            "{}: {e}; collect the missing signatures with `unionfed charter sign`",
            path.display()
        ))
    })?;
    store.put_charter(charter.version, &doc)?;
    store.flush_blocking()?;
    Ok(HeldCharter::new(doc, charter))
}

/// Opens the node's store at `path` and brings up to date what older builds
/// wrote there in a form this one no longer reads, each area its own.
pub(crate) fn open_store(path: &Path) -> Result<Store> {
    let store = Store::open(path)?;
    crate::cases::store::index_partner_tokens(&store)?;
    crate::transfers::store::index_transfers(&store)?;
    Ok(store)
}

/// Starts a node's domain from the data folder and configuration: the
/// store, the charter, the network and the node's own tasks.
pub async fn launch(data_dir: &Path, config: Config) -> Result<Launched> {
    config.validate()?;
    let keys = NodeKeys::load(data_dir)?;
    // Personal data: the folder is the owner's alone, whoever made it.
    if crate::private_fs::tighten_dir(data_dir)? {
        tracing::warn!(
            dir = %data_dir.display(),
            "the data folder was readable by other users; it is now 0700"
        );
    }
    let store = open_store(&data_dir.join("store"))?;
    let held = load_charter(&store, data_dir, &config)?;
    let listed = held.charter.affiliate(&config.affiliate).ok_or_else(|| {
        NodeError::Config(format!(
            "the charter (v{}) does not list {}; this node cannot take part until a charter that lists it is adopted",
            held.charter.version, config.affiliate
        ))
    })?;
    if listed.status != AffiliateStatus::Active {
        tracing::warn!(
            "{} is suspended in the charter; peers will refuse this node",
            config.affiliate
        );
    }
    if !listed
        .signing_keys
        .iter()
        .any(|k| k.key == keys.signing.public())
    {
        return Err(NodeError::Config(format!(
            "the charter lists other signing keys for {} than this node's; is this the right data folder?",
            config.affiliate
        )));
    }
    let metrics = Metrics::new();
    let listen = config
        .p2p_listen
        .iter()
        .map(|a| {
            a.parse()
                .map_err(|_| NodeError::Config(format!("{a:?} is not a multiaddr")))
        })
        .collect::<Result<Vec<Multiaddr>>>()?;
    let net_config = NetworkConfig {
        listen,
        idle_timeout: Duration::from_secs(config.idle_timeout_secs),
        max_connections: config.max_connections,
        redial_max_backoff: Duration::from_secs(config.redial_max_backoff_secs),
    };
    let (client, events, event_loop) = network::new(
        keys.p2p.clone(),
        &net_config,
        network::NetworkCounters {
            events_dropped: metrics.network_events_dropped.clone(),
            connections_refused: metrics.connections_refused.clone(),
            peers_connected: metrics.peers_connected.clone(),
        },
    )?;
    client
        .set_peers(allowed_peers(&held.charter, &config)?)
        .await?;

    let grace = Duration::from_secs(config.startup_sync_grace_secs);
    let tasks = TaskTracker::new();
    let state = Arc::new(NodeState {
        data_dir: data_dir.to_path_buf(),
        keys,
        store,
        network: client,
        metrics,
        charter: RwLock::new(Arc::new(held)),
        remote_heads: Mutex::new(HashMap::new()),
        own_head_ready: watch::channel(false).0,
        append_lock: tokio::sync::Mutex::new(()),
        member_lock: tokio::sync::Mutex::new(()),
        syncing: Mutex::new(Default::default()),
        tasks: tasks.clone(),
        stored: watch::channel(0).0,
        handoff_wakeup: tokio::sync::Notify::new(),
        handoff_peer_arrived: std::sync::atomic::AtomicBool::new(false),
        handoff_router: {
            let mut router = crate::handoffs::HandoffRouter::default();
            crate::transfers::register_handoffs(&mut router);
            crate::cases::referrals::register_handoffs(&mut router);
            router
        },
        config,
    });
    state
        .metrics
        .members
        .set(crate::members::store::member_count(&state.store) as i64);
    state
        .metrics
        .equivocations
        .set(state.store.equivocation_count() as i64);
    for head in state.store.heads()? {
        state.update_author_metrics(&head.author);
    }

    let shutdown = CancellationToken::new();
    tasks.spawn(event_loop.run(shutdown.clone()));
    tasks.spawn(crate::handoffs::run(state.clone(), shutdown.clone()));
    tasks.spawn(crate::timers::expiry(state.clone(), shutdown.clone()));
    tasks.spawn(crate::timers::retention(state.clone(), shutdown.clone()));
    tasks.spawn(crate::replication::run(
        state.clone(),
        events,
        shutdown.clone(),
    ));
    {
        let state = state.clone();
        let shutdown = shutdown.clone();
        tasks.spawn(async move {
            tokio::select! {
                () = tokio::time::sleep(grace) => {
                    if !*state.own_head_ready.borrow() {
                        tracing::info!("no peer confirmed this node's log head in time; appending from the local head");
                    }
                    state.mark_own_head_confirmed();
                }
                () = shutdown.cancelled() => {}
            }
        });
    }
    tracing::info!(
        affiliate = %state.config.affiliate,
        peer_id = %state.network.local_peer_id(),
        "node started"
    );
    Ok(Launched {
        state,
        shutdown,
        tasks,
    })
}
