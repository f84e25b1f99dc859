//! Handoffs between affiliates: sealed to one recipient, kept in a persisted
//! outbox and retried with backoff until the recipient's signed receipt
//! arrives; stored once by the recipient, which signs the receipt only after
//! the handoff is on its disk. At-least-once on the wire, once in effect.

pub(crate) mod store;

use crate::access::{Action, Principal};
use crate::error::{NodeError, Result};
use crate::node::{now, NodeState};
use libp2p::PeerId;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use unionfed_protocol::wire::{HandoffRequest, HandoffResponse};
use unionfed_protocol::{
    AffiliateId, HandoffId, HandoffKind, HandoffSeal, Receipt, SignedHandoff, SignedReceipt,
    Timestamp,
};

/// Longest wait between two delivery attempts of one handoff.
const MAX_BACKOFF_SECS: u64 = 300;
/// Handoffs in flight at once.
const DELIVERIES_AT_ONCE: usize = 32;
/// How often the outbox is looked at even when nothing wakes it.
const SWEEP: Duration = Duration::from_secs(2);

/// A handoff this node sent, until (and after) its receipt arrives.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct OutboxItem {
    pub id: HandoffId,
    pub recipient: AffiliateId,
    pub kind: HandoffKind,
    pub created_at: Timestamp,
    pub handoff: SignedHandoff,
    pub attempts: u32,
    /// Unix seconds of the next attempt.
    pub next_attempt: u64,
    pub last_error: Option<String>,
    pub receipt: Option<SignedReceipt>,
    /// Affiliates holding a copy to pass on while the recipient is away.
    #[serde(default)]
    pub deposited_with: Vec<AffiliateId>,
}

/// A sealed handoff this node holds for another affiliate that was away. It
/// cannot read it; it passes it on, then passes the receipt back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RelayItem {
    pub id: HandoffId,
    pub sender: AffiliateId,
    pub recipient: AffiliateId,
    pub held_at: Timestamp,
    pub handoff: SignedHandoff,
    pub receipt: Option<SignedReceipt>,
}

/// Handoffs a node holds for others at most, so a peer cannot fill its disk.
pub const MAX_RELAYED: usize = 10_000;

/// A failed delivery is deposited with other affiliates from this attempt on.
const DEPOSIT_AFTER_ATTEMPTS: u32 = 1;

/// A handoff this node received, with the receipt it signed for it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InboxItem {
    pub id: HandoffId,
    pub sender: AffiliateId,
    pub kind: HandoffKind,
    pub received_at: Timestamp,
    pub handoff: SignedHandoff,
    pub receipt: SignedReceipt,
}

/// A received handoff that the area it was for has acted on: what the
/// receipt and a repeated delivery need, without the sealed contents.
/// Once applied, the data lives where the area put it (a case, a
/// transfer file), and an erasure there is not undone by a copy kept here
/// that this node's key could still open.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AppliedItem {
    pub id: HandoffId,
    pub sender: AffiliateId,
    pub kind: HandoffKind,
    pub received_at: Timestamp,
    /// SHA-256 of the sealed handoff's signed bytes, as its receipt names it.
    pub envelope_hash: [u8; 32],
    pub receipt: SignedReceipt,
}

impl NodeState {
    /// Seals `plaintext` to `recipient`, keeps it in the outbox (durably) and
    /// starts delivering it.
    pub async fn send_handoff(
        &self,
        recipient: &AffiliateId,
        kind: HandoffKind,
        plaintext: &[u8],
    ) -> Result<HandoffId> {
        let item = self.seal_handoff(recipient, kind, plaintext)?;
        store::put_outbox(&self.store, &item)?;
        self.store.flush().await?;
        self.handoff_wakeup.notify_one();
        Ok(item.id)
    }

    /// Seals a handoff as an outbox item, for the caller to store with what
    /// else belongs to the same step and then [`NodeState::wake_outbox`].
    pub(crate) fn seal_handoff(
        &self,
        recipient: &AffiliateId,
        kind: HandoffKind,
        plaintext: &[u8],
    ) -> Result<OutboxItem> {
        if recipient == &self.config.affiliate {
            return Err(NodeError::Invalid(
                "a handoff goes to another affiliate, not to this one".into(),
            ));
        }
        let held = self.charter();
        let at = now();
        let listed = held.charter.affiliate(recipient).ok_or_else(|| {
            NodeError::Invalid(format!(
                "{recipient} is not an affiliate in charter v{}",
                held.charter.version
            ))
        })?;
        let recipient_key = listed.encryption_key_at(at)?;
        let id = HandoffId::random();
        let handoff = HandoffSeal {
            id,
            sender: self.config.affiliate.clone(),
            recipient: recipient.clone(),
            kind,
            created_at: at,
            recipient_key: &recipient_key,
            plaintext,
        }
        .seal(&self.keys.signing)?;
        self.audit(
            &Principal::Node.audit_name(),
            "handoff_sealed",
            &id.to_string(),
            Some(format!("kind {} to {recipient}", kind.0)),
        );
        Ok(OutboxItem {
            id,
            recipient: recipient.clone(),
            kind,
            created_at: at,
            handoff,
            attempts: 0,
            next_attempt: 0,
            last_error: None,
            receipt: None,
            deposited_with: Vec::new(),
        })
    }

    /// Starts delivering what was put in the outbox.
    pub(crate) fn wake_outbox(&self) {
        self.handoff_wakeup.notify_one();
    }

    /// The plaintext of a received handoff, opened again from the inbox
    /// (for the operator and the tests; receiving opens it once).
    pub fn open_received(&self, id: &HandoffId) -> Result<Vec<u8>> {
        if store::applied(&self.store, id)?.is_some() {
            return Err(NodeError::Invalid(format!(
                "handoff {id} was applied, or kept unapplied until its retention ran out; its sealed contents were not kept"
            )));
        }
        let item = store::inbox(&self.store, id)?.ok_or_else(|| NodeError::NotFound {
            what: "received handoff",
            id: id.to_string(),
        })?;
        let handoff = item.handoff.verify(self.charter().charter.as_ref())?;
        Ok(handoff.open(&self.config.affiliate, &self.keys.encryption)?)
    }

    /// A handoff this node sent, with its receipt once it arrived (for the
    /// operator and the tests).
    pub fn outbox_item(&self, id: &HandoffId) -> Result<Option<OutboxItem>> {
        store::outbox_item(&self.store, id)
    }

    /// Every handoff this node sent, receipted or not.
    pub fn outbox(&self) -> Result<Vec<OutboxItem>> {
        store::outbox(&self.store)
    }

    /// How many handoffs this node has received.
    pub fn inbox_len(&self) -> usize {
        store::inbox_len(&self.store)
    }

    /// A handoff this node holds for an affiliate that was away, if it
    /// still does.
    pub fn relay_item(&self, id: &HandoffId) -> Result<Option<RelayItem>> {
        store::relay_item(&self.store, id)
    }

    /// Answers a handoff request from `peer`.
    pub(crate) async fn answer_handoff(
        &self,
        peer: PeerId,
        request: HandoffRequest,
    ) -> HandoffResponse {
        let outcome = match request {
            HandoffRequest::Deliver(signed) => self.receive(signed).await,
            HandoffRequest::Deposit(signed) => self.hold(signed).await,
            HandoffRequest::Receipt(receipt) => self.note_receipt(receipt).await,
        };
        outcome.unwrap_or_else(|e| {
            self.metrics.handoffs_refused.inc();
            tracing::info!(%peer, %e, "handoff refused");
            HandoffResponse::Refused {
                message: e.to_string(),
            }
        })
    }

    async fn receive(&self, signed: SignedHandoff) -> Result<HandoffResponse> {
        let held = self.charter();
        let handoff = signed.verify(held.charter.as_ref())?;
        let us = &self.config.affiliate;
        if &handoff.recipient != us {
            return Err(NodeError::Invalid(format!(
                "handoff {} is addressed to {}, and this node is {us}",
                handoff.id, handoff.recipient
            )));
        }
        if let Some(applied) = store::applied(&self.store, &handoff.id)? {
            return if applied.envelope_hash == signed.digest() {
                Ok(HandoffResponse::Receipt(applied.receipt))
            } else {
                Err(NodeError::Invalid(format!(
                    "handoff id {} was already used for another handoff",
                    handoff.id
                )))
            };
        }
        if let Some(held) = store::inbox(&self.store, &handoff.id)? {
            return if held.handoff == signed {
                Ok(HandoffResponse::Receipt(held.receipt))
            } else {
                Err(NodeError::Invalid(format!(
                    "handoff id {} was already used for another handoff",
                    handoff.id
                )))
            };
        }
        // Receipt only what this node can open: a receipt says "we have it".
        // The plaintext goes on to the area that acts on it, opened once.
        let plain = handoff.open(us, &self.keys.encryption)?;
        let receipt = SignedReceipt::sign(
            &Receipt::for_handoff(&signed, &handoff, now()),
            &self.keys.signing,
        )?;
        let item = InboxItem {
            id: handoff.id,
            sender: handoff.sender.clone(),
            kind: handoff.kind,
            received_at: now(),
            handoff: signed,
            receipt,
        };
        let stored = store::insert_inbox(&self.store, &item)?;
        self.store.flush().await?;
        if stored.is_none() {
            self.metrics.handoffs_received.inc();
            let sender = Principal::Affiliate(item.sender.clone());
            let grant = self.allow(&sender, Action::DeliverHandoff, &item.id.to_string())?;
            grant.done_as(
                self,
                "handoff_received",
                &item.id.to_string(),
                Some(format!("kind {}", item.kind.0)),
            );
            // The receipt stands whatever the content says: it is on disk.
            if let Err(e) = self.act_on(&item, &plain).await {
                tracing::warn!(id = %item.id, %e, "received handoff could not be acted on");
            }
        }
        Ok(HandoffResponse::Receipt(stored.unwrap_or(item.receipt)))
    }

    /// Tries every due handoff of the outbox once, several at a time; right
    /// after a peer connects, every undelivered one, whatever its backoff.
    async fn deliver_due(&self) -> Result<()> {
        use futures::StreamExt;
        let at = now().secs();
        let everything = self
            .handoff_peer_arrived
            .swap(false, std::sync::atomic::Ordering::Relaxed);
        let due: Vec<OutboxItem> = store::outbox(&self.store)?
            .into_iter()
            .filter(|item| item.receipt.is_none() && (item.next_attempt <= at || everything))
            .collect();
        if due.is_empty() {
            return Ok(());
        }
        let attempts = futures::stream::iter(due)
            .map(|mut item| async move {
                match self.deliver(&item.handoff, &item.recipient).await {
                    Ok(receipt) => {
                        item.receipt = Some(receipt);
                        item.last_error = None;
                        self.metrics.handoffs_delivered.inc();
                    }
                    Err(e) => {
                        item.attempts = item.attempts.saturating_add(1);
                        let backoff = 1u64 << item.attempts.min(9);
                        item.next_attempt = at + backoff.min(MAX_BACKOFF_SECS);
                        item.last_error = Some(e.to_string());
                        if item.attempts >= DEPOSIT_AFTER_ATTEMPTS {
                            if let Err(e) = self.deposit(&mut item).await {
                                tracing::debug!(%e, "could not deposit handoff");
                            }
                        }
                    }
                }
                store::put_outbox(&self.store, &item)
            })
            .buffer_unordered(DELIVERIES_AT_ONCE);
        let results: Vec<Result<()>> = attempts.collect().await;
        self.store.flush().await?;
        results.into_iter().collect()
    }

    /// Holds a sealed handoff for an affiliate that is away.
    async fn hold(&self, signed: SignedHandoff) -> Result<HandoffResponse> {
        let held = self.charter();
        let handoff = signed.verify(held.charter.as_ref())?;
        if handoff.recipient == self.config.affiliate {
            return self.receive(signed).await;
        }
        if held.charter.affiliate(&handoff.recipient).is_none() {
            return Err(NodeError::Invalid(format!(
                "{} is not an affiliate of the federation",
                handoff.recipient
            )));
        }
        if store::relay_item(&self.store, &handoff.id)?.is_none() {
            if store::relay_len(&self.store) >= MAX_RELAYED {
                return Err(NodeError::Invalid(format!(
                    "this node already holds {MAX_RELAYED} handoffs for others; try another affiliate"
                )));
            }
            store::put_relay(
                &self.store,
                &RelayItem {
                    id: handoff.id,
                    sender: handoff.sender.clone(),
                    recipient: handoff.recipient.clone(),
                    held_at: now(),
                    handoff: signed,
                    receipt: None,
                },
            )?;
            self.store.flush().await?;
            self.handoff_wakeup.notify_one();
        }
        Ok(HandoffResponse::Held {
            handoff: handoff.id,
        })
    }

    /// A receipt for one of our handoffs, passed back by an affiliate that held it.
    async fn note_receipt(&self, signed: SignedReceipt) -> Result<HandoffResponse> {
        let receipt = signed.verify(self.charter().charter.as_ref())?;
        let Some(mut item) = store::outbox_item(&self.store, &receipt.handoff)? else {
            return Err(NodeError::Invalid(format!(
                "no handoff {} was sent from here",
                receipt.handoff
            )));
        };
        let envelope = item.handoff.decode_unverified()?;
        if receipt.recipient != item.recipient || !receipt.acknowledges(&item.handoff, &envelope) {
            return Err(NodeError::Invalid(format!(
                "the receipt does not acknowledge handoff {}",
                item.id
            )));
        }
        if item.receipt.is_none() {
            item.receipt = Some(signed);
            item.last_error = None;
            store::put_outbox(&self.store, &item)?;
            self.store.flush().await?;
            self.metrics.handoffs_delivered.inc();
        }
        Ok(HandoffResponse::Noted)
    }

    /// A connected node of `affiliate`, if any.
    async fn connected_node(&self, affiliate: &AffiliateId) -> Result<Option<PeerId>> {
        let held = self.charter();
        let connected = self.network.connected_peers().await?;
        let records = match held.charter.affiliate(affiliate) {
            Some(a) => a.node_records()?,
            None => Vec::new(),
        };
        Ok(records
            .into_iter()
            .filter_map(|r| PeerId::from_bytes(&r.peer_id).ok())
            .find(|p| connected.contains(p)))
    }

    /// Delivers `handoff` to its recipient and checks the receipt.
    async fn deliver(
        &self,
        handoff: &SignedHandoff,
        recipient: &AffiliateId,
    ) -> Result<SignedReceipt> {
        let envelope = handoff.decode_unverified()?;
        let Some(peer) = self.connected_node(recipient).await? else {
            return Err(NodeError::Network(format!("{recipient} is not connected")));
        };
        match self
            .network
            .handoff(peer, HandoffRequest::Deliver(handoff.clone()))
            .await?
        {
            HandoffResponse::Receipt(signed) => {
                let receipt = signed.verify(self.charter().charter.as_ref())?;
                if &receipt.recipient != recipient || !receipt.acknowledges(handoff, &envelope) {
                    return Err(NodeError::Network(format!(
                        "{recipient} answered with a receipt for another handoff"
                    )));
                }
                Ok(signed)
            }
            HandoffResponse::Refused { message } => Err(NodeError::Network(format!(
                "{recipient} refused the handoff: {message}"
            ))),
            HandoffResponse::Held { .. } | HandoffResponse::Noted => Err(NodeError::Network(
                format!("{recipient} answered a delivery with something else"),
            )),
        }
    }

    /// Leaves copies of an undeliverable handoff with the other connected
    /// affiliates; they cannot read it.
    async fn deposit(&self, item: &mut OutboxItem) -> Result<()> {
        let others: Vec<AffiliateId> = self
            .charter()
            .charter
            .active_affiliates()
            .map(|a| a.id.clone())
            .filter(|a| {
                a != &self.config.affiliate
                    && a != &item.recipient
                    && !item.deposited_with.contains(a)
            })
            .collect();
        for other in others {
            let Some(peer) = self.connected_node(&other).await? else {
                continue;
            };
            if let Ok(HandoffResponse::Held { .. }) = self
                .network
                .handoff(peer, HandoffRequest::Deposit(item.handoff.clone()))
                .await
            {
                item.deposited_with.push(other);
            }
        }
        Ok(())
    }

    /// Passes on what this node holds for others, and their receipts back.
    async fn relay_due(&self) -> Result<()> {
        for mut item in store::relays(&self.store)? {
            if item.receipt.is_none() {
                match self.deliver(&item.handoff, &item.recipient).await {
                    Ok(receipt) => {
                        item.receipt = Some(receipt);
                        store::put_relay(&self.store, &item)?;
                    }
                    Err(_) => continue,
                }
            }
            let Some(receipt) = item.receipt.clone() else {
                continue;
            };
            let Some(peer) = self.connected_node(&item.sender).await? else {
                continue;
            };
            if let Ok(HandoffResponse::Noted) = self
                .network
                .handoff(peer, HandoffRequest::Receipt(receipt))
                .await
            {
                // The sender has its receipt: the copy has done its work.
                store::remove_relay(&self.store, &item.id)?;
            }
        }
        self.store.flush().await
    }
}

/// What acts on a received handoff of one kind.
pub(crate) type Handler = for<'a> fn(
    &'a NodeState,
    &'a InboxItem,
    &'a [u8],
) -> futures::future::BoxFuture<'a, Result<()>>;

/// The kinds of handoff this node acts on, each registered by the area
/// that owns it (`transfers::register_handoffs`, the case desk's); delivery,
/// receipts and the inbox stay here and know no kind.
#[derive(Default)]
pub struct HandoffRouter {
    handlers: std::collections::HashMap<HandoffKind, Handler>,
}

impl std::fmt::Debug for HandoffRouter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut kinds: Vec<u16> = self.handlers.keys().map(|k| k.0).collect();
        kinds.sort_unstable();
        f.debug_struct("HandoffRouter")
            .field("kinds", &kinds)
            .finish()
    }
}

impl HandoffRouter {
    pub(crate) fn register(&mut self, kind: HandoffKind, handler: Handler) {
        self.handlers.insert(kind, handler);
    }
}

impl NodeState {
    /// Acts on a handoff that has just been stored, through the handler of
    /// its kind; a kind no area handles is kept in the inbox and logged.
    /// What it did is recorded in the audit trail under the sending
    /// affiliate's name, whichever area acted: `handoff_applied`, or
    /// `handoff_not_applied` with the reason.
    async fn act_on(&self, item: &InboxItem, plain: &[u8]) -> Result<()> {
        let Some(handler) = self.handoff_router.handlers.get(&item.kind) else {
            tracing::warn!(id = %item.id, kind = item.kind.0, "no part of this node acts on this kind of handoff");
            return Ok(());
        };
        let sender = Principal::Affiliate(item.sender.clone()).audit_name();
        let target = item.id.to_string();
        let kind = item.kind.name();
        let done = async {
            let _one_at_a_time = self.handoff_acting.lock().await;
            handler(self, item, plain).await?;
            store::move_to_applied(&self.store, item)?;
            self.store.flush().await
        };
        match done.await {
            Ok(()) => {
                self.audit(&sender, "handoff_applied", &target, Some(kind.to_owned()));
                Ok(())
            }
            Err(e) => {
                self.audit(
                    &sender,
                    "handoff_not_applied",
                    &target,
                    Some(format!("{kind}: {e}")),
                );
                Err(e)
            }
        }
    }
}

impl NodeState {
    /// Whether a received handoff that was not applied has been kept past
    /// `unapplied_handoff_retention_days` at `at`.
    fn held_too_long(&self, item: &InboxItem, at: Timestamp) -> bool {
        let limit = u64::from(self.config.unapplied_handoff_retention_days) * 86_400;
        item.received_at.secs() + limit <= at.secs()
    }

    /// How many received handoffs that were not applied will be past their
    /// period at `at`.
    pub(crate) fn unapplied_handoffs_due(&self, at: Timestamp) -> Result<usize> {
        Ok(store::held_inbox(&self.store)?
            .iter()
            .filter(|i| self.held_too_long(i, at))
            .count())
    }

    /// Drops the sealed contents of received handoffs that were not applied
    /// within `unapplied_handoff_retention_days`, keeping what their
    /// receipt and a repeated delivery need (so that a delivery again is
    /// answered with the same receipt and not applied anew).
    pub(crate) async fn purge_unapplied_handoffs(&self, at: Timestamp) -> Result<usize> {
        let _one_at_a_time = self.handoff_acting.lock().await;
        let due: Vec<InboxItem> = store::held_inbox(&self.store)?
            .into_iter()
            .filter(|i| self.held_too_long(i, at))
            .collect();
        if due.is_empty() {
            return Ok(0);
        }
        self.store.note_erasure()?;
        for item in &due {
            store::move_to_applied(&self.store, item)?;
        }
        self.store.flush().await?;
        Ok(due.len())
    }
}

/// Delivers the outbox until shutdown: on every wake-up (a new handoff, a
/// peer connecting) and on a regular sweep.
pub async fn run(state: Arc<NodeState>, shutdown: CancellationToken) {
    loop {
        if let Err(e) = state.deliver_due().await {
            tracing::warn!(%e, "handoff delivery round failed");
        }
        if let Err(e) = state.relay_due().await {
            tracing::warn!(%e, "relaying held handoffs failed");
        }
        tokio::select! {
            () = shutdown.cancelled() => break,
            () = state.handoff_wakeup.notified() => {}
            () = tokio::time::sleep(SWEEP) => {}
        }
    }
}
