//! The roof of the domain: `launch` opens the store (with each area's
//! migrations), loads the charter, starts the network and spawns the
//! node's tasks (replication, handoff delivery with the handlers each area
//! registers, the timers). Nothing below it starts anything.

use crate::config::Config;
use crate::error::{NodeError, Result};
use crate::identity::NodeKeys;
use crate::joining::FirstCharter;
use crate::metrics::Metrics;
use crate::network::{self, NetworkConfig};
use crate::node::{allowed_peers, HeldCharter, NodeState};
use crate::storage::Store;
use libp2p::Multiaddr;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;
use tokio::sync::watch;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use unionfed_protocol::charter::AffiliateStatus;
use unionfed_protocol::Charter;

/// A node's domain, running: its state, the token that stops it and the
/// tasks shutdown waits for. The HTTP doors join these tasks.
#[derive(Debug)]
pub struct Launched {
    pub state: Arc<NodeState>,
    pub shutdown: CancellationToken,
    pub tasks: TaskTracker,
}

/// Opens the node's store at `path` and brings up to date what older builds
/// wrote there in a form this one no longer reads, each area its own.
///
/// When personal data was erased since the store was last compacted, it
/// is compacted first, so that the erased values leave sled's files (see
/// `storage::compact`); a compaction a crash interrupted is finished.
pub(crate) fn open_store(path: &Path) -> Result<Store> {
    crate::storage::finish_interrupted_compaction(path)?;
    let mut store = Store::open(path)?;
    if store.erasure_pending()? {
        drop(store);
        let done = crate::storage::compact(path)?;
        tracing::info!(
            records = done.records,
            bytes_before = done.bytes_before,
            bytes_after = done.bytes_after,
            "compacted the store: what was erased is in none of its files any more"
        );
        store = Store::open(path)?;
    }
    crate::cases::store::index_partner_tokens(&store)?;
    crate::transfers::store::index_transfers(&store)?;
    store.index_erasures()?;
    Ok(store)
}

/// Refuses to start a node the charter does not list with this node's key.
fn check_listed(charter: &Charter, config: &Config, keys: &NodeKeys) -> Result<()> {
    let listed = charter.affiliate(&config.affiliate).ok_or_else(|| {
        NodeError::Config(format!(
            "the charter (v{}) does not list {}; this node cannot take part until a charter that lists it is adopted. If the federation adopted one, copy it here as charter.ufc and run `unionfed charter join`",
            charter.version, config.affiliate
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
    Ok(())
}

/// The charter this node runs with, stored: on a first start only once it
/// is known good and lists this node, so that a failed start leaves nothing
/// the next one would trip on.
async fn held_charter(
    store: &Store,
    client: &network::Client,
    events: &mut tokio::sync::mpsc::Receiver<network::Event>,
    first: FirstCharter,
    config: &Config,
    keys: &NodeKeys,
) -> Result<HeldCharter> {
    let chain = match first {
        FirstCharter::Held(held) => return Ok(held),
        FirstCharter::Genesis(doc, charter) => vec![(doc, charter)],
        FirstCharter::Join {
            offered, genesis, ..
        } => {
            let timeout = Duration::from_secs(config.join_timeout_secs);
            let peers = allowed_peers(&offered.charter()?, config)?.len();
            crate::joining::fetch_chain(client, events, &offered, &genesis, peers, timeout).await?
        }
    };
    let Some((doc, charter)) = chain.last().cloned() else {
        return Err(NodeError::Invalid(
            "no charter version to start from".into(),
        ));
    };
    check_listed(&charter, config, keys)?;
    for (doc, charter) in &chain {
        store.put_charter(charter.version, doc)?;
    }
    store.flush_blocking()?;
    Ok(HeldCharter::new(doc, charter))
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
    let first = crate::joining::first_charter(&store, data_dir, &config)?;
    check_listed(first.charter(), &config, &keys)?;
    if config.p2p_listen.is_empty() {
        tracing::info!("no p2p_listen address: this node only dials out, and its peers reach it over the connections it makes");
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
        .set_peers(allowed_peers(first.charter(), &config)?)
        .await?;
    let shutdown = CancellationToken::new();
    let tasks = TaskTracker::new();
    tasks.spawn(event_loop.run(shutdown.clone()));
    let mut events = events;
    let held = match held_charter(&store, &client, &mut events, first, &config, &keys).await {
        Ok(held) => held,
        Err(e) => {
            shutdown.cancel();
            tasks.close();
            tasks.wait().await;
            return Err(e);
        }
    };
    client
        .set_peers(allowed_peers(&held.charter, &config)?)
        .await?;

    let grace = Duration::from_secs(config.startup_sync_grace_secs);
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
        handoff_acting: tokio::sync::Mutex::new(()),
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

    tasks.spawn(crate::handoffs::run(state.clone(), shutdown.clone()));
    tasks.spawn(crate::timers::expiry(state.clone(), shutdown.clone()));
    tasks.spawn(crate::timers::retention(state.clone(), shutdown.clone()));
    tasks.spawn(crate::timers::lapses(state.clone(), shutdown.clone()));
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
