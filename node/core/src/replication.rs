//! Replication: push on gossip, pull by heads exchange on connect and on a
//! jittered timer. Any node serves any author's entries; everything is
//! verified against the charter before it is stored.

use crate::error::{NodeError, Result};
use crate::network::Event;
use crate::node::NodeState;
use crate::storage::Applied;
use libp2p::gossipsub::MessageAcceptance;
use libp2p::PeerId;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;
use unionfed_protocol::limits::{MAX_ENTRIES_PER_PAGE, MAX_SYNC_MESSAGE_BYTES};
use unionfed_protocol::wire::{GossipMessage, Heads, SyncRequest, SyncResponse, WireMessage};
use unionfed_protocol::{AffiliateId, Charter, Entry, Seq, SignedEntry};

/// Charter versions sent in one answer.
const CHARTERS_PER_ANSWER: usize = 16;

/// Handles network events until shutdown.
pub async fn run(
    state: Arc<NodeState>,
    mut events: mpsc::Receiver<Event>,
    shutdown: CancellationToken,
) {
    let interval = Duration::from_secs(state.config.heads_interval_secs);
    let mut timer =
        tokio::time::interval_at(tokio::time::Instant::now() + jitter(interval), interval);
    // Peers that connected before this task ran (while a joining node
    // fetched the charter chain) are synced with now, not at the first tick.
    if let Ok(peers) = state.network.connected_peers().await {
        for peer in peers {
            spawn_sync(&state, peer);
        }
    }
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            event = events.recv() => match event {
                Some(event) => on_event(&state, event).await,
                None => break,
            },
            _ = timer.tick() => {
                tokio::time::sleep(jitter(interval) / 5).await;
                if let Ok(peers) = state.network.connected_peers().await {
                    for peer in peers {
                        spawn_sync(&state, peer);
                    }
                }
            }
        }
    }
}

fn jitter(base: Duration) -> Duration {
    let millis = base.as_millis().max(1) as u64;
    Duration::from_millis(millis / 2 + rand::random::<u64>() % millis)
}

async fn on_event(state: &Arc<NodeState>, event: Event) {
    match event {
        Event::Gossip { source, id, data } => {
            let acceptance = on_gossip(state, source, &data).await;
            if matches!(acceptance, MessageAcceptance::Reject) {
                state.metrics.gossip_rejected.inc();
            }
            let _ = state
                .network
                .report_validation(id, source, acceptance)
                .await;
        }
        Event::SyncRequest {
            peer,
            request,
            channel,
        } => {
            let tasks = state.tasks.clone();
            let state = state.clone();
            tasks.spawn(async move {
                let response = answer(&state, request).unwrap_or_else(|e| {
                    tracing::warn!(%peer, %e, "could not answer a sync request");
                    SyncResponse::Refused {
                        message: e.to_string(),
                    }
                });
                let _ = state.network.respond_sync(channel, response).await;
            });
        }
        Event::HandoffRequest {
            peer,
            request,
            channel,
        } => {
            let tasks = state.tasks.clone();
            let state = state.clone();
            tasks.spawn(async move {
                let response = state.answer_handoff(peer, request).await;
                let _ = state.network.respond_handoff(channel, response).await;
            });
        }
        Event::Connected(peer) => {
            state
                .handoff_peer_arrived
                .store(true, std::sync::atomic::Ordering::Relaxed);
            state.handoff_wakeup.notify_one();
            spawn_sync(state, peer);
        }
        Event::Disconnected(_) => {}
    }
}

async fn on_gossip(state: &Arc<NodeState>, source: PeerId, data: &[u8]) -> MessageAcceptance {
    let message = match GossipMessage::decode(data) {
        Ok(m) => m,
        Err(e) => {
            tracing::debug!(%source, %e, "malformed gossip");
            return MessageAcceptance::Reject;
        }
    };
    match message {
        GossipMessage::Entry(signed) => match ingest(state, vec![signed]).await {
            Ok(outcomes) => match outcomes.first() {
                Some(Applied::Stored) | Some(Applied::Equivocation) => MessageAcceptance::Accept,
                Some(Applied::Gap { .. }) => {
                    spawn_sync(state, source);
                    MessageAcceptance::Ignore
                }
                _ => MessageAcceptance::Ignore,
            },
            Err(e) => {
                tracing::debug!(%source, %e, "gossiped entry refused");
                MessageAcceptance::Reject
            }
        },
        GossipMessage::Charter(doc) => match state.adopt_charter(doc).await {
            Ok(true) => MessageAcceptance::Accept,
            Ok(false) => MessageAcceptance::Ignore,
            Err(e) => {
                tracing::warn!(%source, %e, "gossiped charter refused");
                MessageAcceptance::Reject
            }
        },
        GossipMessage::Equivocation(evidence) => {
            let held = state.charter();
            match evidence.verify(held.charter.as_ref()) {
                Ok(_) => {
                    let pair = vec![evidence.first.clone(), evidence.second.clone()];
                    let _ = ingest(state, pair).await;
                    MessageAcceptance::Accept
                }
                Err(_) => MessageAcceptance::Reject,
            }
        }
    }
}

/// Verifies entries against the charter, stores them in one transaction and
/// flushes. Fails on the first entry that does not verify: a peer that sends
/// one bad entry has nothing more to say in that message.
pub async fn ingest(state: &NodeState, entries: Vec<SignedEntry>) -> Result<Vec<Applied>> {
    let verified = verify(state, entries).await?;
    store_verified(state, verified).await
}

/// Verifies entries against the charter held now, counting failures.
async fn verify(state: &NodeState, entries: Vec<SignedEntry>) -> Result<Vec<(SignedEntry, Entry)>> {
    verify_all(state.charter().charter.clone(), entries)
        .await
        .inspect_err(|_| {
            state.metrics.verify_failures.inc();
        })
}

/// Stores verified entries in one batch, flushes, and updates the metrics.
async fn store_verified(
    state: &NodeState,
    verified: Vec<(SignedEntry, Entry)>,
) -> Result<Vec<Applied>> {
    let store = state.store.clone();
    let (verified, outcomes) = tokio::task::spawn_blocking(move || {
        let outcomes = store.apply(&verified);
        (verified, outcomes)
    })
    .await
    .map_err(|e| NodeError::Storage(format!("storage task failed: {e}")))?;
    let outcomes = outcomes.inspect_err(|_| {
        state.metrics.verify_failures.inc();
    })?;
    state.store.flush().await?;
    let mut touched: Vec<&AffiliateId> = Vec::new();
    let mut stored = 0;
    for ((_, entry), outcome) in verified.iter().zip(&outcomes) {
        match outcome {
            Applied::Stored => stored += 1,
            Applied::Equivocation => {
                tracing::warn!(author = %entry.author, seq = %entry.seq, "equivocation: two different entries at one position; both kept");
                state
                    .metrics
                    .equivocations
                    .set(state.store.equivocation_count() as i64);
            }
            _ => {}
        }
        if !touched.contains(&&entry.author) {
            touched.push(&entry.author);
        }
    }
    if stored > 0 {
        // One count and one wake-up per page, not per entry.
        state.metrics.entries_stored.inc_by(stored);
        state.stored.send_modify(|n| *n += stored);
    }
    for author in touched {
        state.update_author_metrics(author);
    }
    Ok(outcomes)
}

/// Pages smaller than this are verified on the calling task.
const PARALLEL_VERIFY_MIN: usize = 64;

/// Verifies every entry strictly, on all cores for a large page.
async fn verify_all(
    charter: Arc<Charter>,
    entries: Vec<SignedEntry>,
) -> Result<Vec<(SignedEntry, Entry)>> {
    fn verify_chunk(
        charter: &Charter,
        chunk: Vec<SignedEntry>,
    ) -> Result<Vec<(SignedEntry, Entry)>> {
        chunk
            .into_iter()
            .map(|signed| {
                let entry = signed.verify(charter)?;
                Ok((signed, entry))
            })
            .collect()
    }
    if entries.len() < PARALLEL_VERIFY_MIN {
        return verify_chunk(&charter, entries);
    }
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let per_chunk = entries.len().div_ceil(threads);
    let mut rest = entries;
    let mut jobs = Vec::new();
    while !rest.is_empty() {
        let tail = rest.split_off(per_chunk.min(rest.len()));
        let chunk = std::mem::replace(&mut rest, tail);
        let charter = charter.clone();
        jobs.push(tokio::task::spawn_blocking(move || {
            verify_chunk(&charter, chunk)
        }));
    }
    let mut verified = Vec::new();
    for job in jobs {
        let part = job
            .await
            .map_err(|e| NodeError::Storage(format!("verification task failed: {e}")))??;
        verified.extend(part);
    }
    Ok(verified)
}

fn answer(state: &NodeState, request: SyncRequest) -> Result<SyncResponse> {
    Ok(match request {
        SyncRequest::Heads(theirs) => {
            for h in &theirs.heads {
                state.note_remote_head(&h.author, h.seq.get());
            }
            SyncResponse::Heads(our_heads(state)?)
        }
        SyncRequest::GetRange {
            author,
            from,
            limit,
        } => {
            let limit = limit.min(MAX_ENTRIES_PER_PAGE) as usize;
            let (entries, more) =
                state
                    .store
                    .range(&author, from, limit, MAX_SYNC_MESSAGE_BYTES - 4096)?;
            SyncResponse::Entries { entries, more }
        }
        SyncRequest::GetCharters { after } => {
            SyncResponse::Charters(state.store.charters_after(after, CHARTERS_PER_ANSWER)?)
        }
    })
}

fn our_heads(state: &NodeState) -> Result<Heads> {
    Ok(Heads {
        charter_version: state.charter().charter.version,
        heads: state.store.heads()?,
    })
}

/// Starts a heads exchange with `peer` unless one is running.
pub fn spawn_sync(state: &Arc<NodeState>, peer: PeerId) {
    let fresh = state
        .syncing
        .lock()
        .map(|mut s| s.insert(peer))
        .unwrap_or(false);
    if !fresh {
        return;
    }
    let tasks = state.tasks.clone();
    let state = state.clone();
    tasks.spawn(async move {
        if let Err(e) = sync_with(&state, peer).await {
            tracing::debug!(%peer, %e, "sync incomplete; will retry on the next round");
        }
        if let Ok(mut s) = state.syncing.lock() {
            s.remove(&peer);
        }
    });
}

/// Exchanges heads with `peer` and pulls everything it has that we lack:
/// newer charters first, then each author's missing entries, page by page.
pub async fn sync_with(state: &NodeState, peer: PeerId) -> Result<()> {
    let theirs = match state
        .network
        .sync(peer, SyncRequest::Heads(our_heads(state)?))
        .await?
    {
        SyncResponse::Heads(h) => h,
        SyncResponse::Refused { message } => {
            return Err(NodeError::Network(format!("{peer} refused: {message}")))
        }
        _ => {
            return Err(NodeError::Network(format!(
                "{peer} answered heads with something else"
            )))
        }
    };
    let held = state.charter().charter.version;
    if theirs.charter_version > held {
        if let SyncResponse::Charters(docs) = state
            .network
            .sync(peer, SyncRequest::GetCharters { after: held })
            .await?
        {
            for doc in docs {
                if let Err(e) = state.adopt_charter(doc).await {
                    tracing::warn!(%peer, %e, "charter from peer refused");
                    break;
                }
            }
        }
    }
    for head in &theirs.heads {
        state.note_remote_head(&head.author, head.seq.get());
        pull(state, peer, &head.author, head.seq.get()).await?;
        let ours = state.store.entry(&head.author, head.seq)?;
        if ours.is_some_and(|e| e.hash() != head.hash) {
            fetch_conflict(state, peer, &head.author, head.seq).await?;
        }
    }
    state.mark_own_head_confirmed();
    Ok(())
}

/// The peer holds a different entry than we do at `author`#`seq`: fetch it,
/// so that the store keeps both as evidence of equivocation.
async fn fetch_conflict(
    state: &NodeState,
    peer: PeerId,
    author: &AffiliateId,
    seq: Seq,
) -> Result<()> {
    let request = SyncRequest::GetRange {
        author: author.clone(),
        from: seq,
        limit: 1,
    };
    if let SyncResponse::Entries { entries, .. } = state.network.sync(peer, request).await? {
        if entries.iter().all(|e| e.signer() == author) {
            ingest(state, entries).await?;
        }
    }
    Ok(())
}

/// Pulls `author`'s entries from `peer` until we hold `target` or the peer
/// has no more. Three pages are in flight at once: one being stored, the
/// next being verified, the one after being fetched.
async fn pull(state: &NodeState, peer: PeerId, author: &AffiliateId, target: u64) -> Result<()> {
    let have = state.store.head(author)?.map_or(0, |h| h.seq.get());
    if have >= target {
        return Ok(());
    }
    let mut page = Some(fetch_page(state, peer, author, have + 1).await?);
    let mut to_store: Option<Vec<(SignedEntry, Entry)>> = None;
    while page.is_some() || to_store.is_some() {
        let mut next_from = None;
        let mut fetched_entries = None;
        if let Some((from, entries, more)) = page.take() {
            if entries.iter().any(|e| e.signer() != author) {
                state.metrics.verify_failures.inc();
                return Err(NodeError::Network(format!(
                    "{peer} sent entries of another author for {author}"
                )));
            }
            let after = from + entries.len() as u64;
            if more && !entries.is_empty() && after <= target {
                next_from = Some(after);
            }
            if !entries.is_empty() {
                fetched_entries = Some(entries);
            }
        }
        let verifying = async {
            match fetched_entries {
                Some(entries) => verify(state, entries).await.map(Some),
                None => Ok(None),
            }
        };
        let storing = async {
            match to_store.take() {
                Some(verified) => store_verified(state, verified).await.map(Some),
                None => Ok(None),
            }
        };
        let fetching = async {
            match next_from {
                Some(from) => fetch_page(state, peer, author, from).await.map(Some),
                None => Ok(None),
            }
        };
        let (verified, stored, fetched) = tokio::join!(verifying, storing, fetching);
        if let Some(outcomes) = stored? {
            if !outcomes.contains(&Applied::Stored) {
                return Ok(());
            }
        }
        to_store = verified?;
        page = fetched?;
    }
    Ok(())
}

/// One `GetRange` page: where it starts, the entries, and whether more follow.
async fn fetch_page(
    state: &NodeState,
    peer: PeerId,
    author: &AffiliateId,
    from: u64,
) -> Result<(u64, Vec<SignedEntry>, bool)> {
    let request = SyncRequest::GetRange {
        author: author.clone(),
        from: Seq::new(from)?,
        limit: MAX_ENTRIES_PER_PAGE,
    };
    match state.network.sync(peer, request).await? {
        SyncResponse::Entries { entries, more } => Ok((from, entries, more)),
        SyncResponse::Refused { message } => Err(NodeError::Network(format!(
            "{peer} refused a range request: {message}"
        ))),
        _ => Err(NodeError::Network(format!(
            "{peer} answered a range request with something else"
        ))),
    }
}
