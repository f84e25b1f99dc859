//! Handoffs between affiliates: sealed to one recipient, kept in a persisted
//! outbox and retried with backoff until the recipient's signed receipt
//! arrives; stored once by the recipient, which signs the receipt only after
//! the handoff is on its disk. At-least-once on the wire, once in effect.

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
}

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

impl NodeState {
    /// Seals `plaintext` to `recipient`, keeps it in the outbox (durably) and
    /// starts delivering it.
    pub async fn send_handoff(
        &self,
        recipient: &AffiliateId,
        kind: HandoffKind,
        plaintext: &[u8],
    ) -> Result<HandoffId> {
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
        self.store.put_outbox(&OutboxItem {
            id,
            recipient: recipient.clone(),
            kind,
            created_at: at,
            handoff,
            attempts: 0,
            next_attempt: 0,
            last_error: None,
            receipt: None,
        })?;
        self.store.flush().await?;
        self.handoff_wakeup.notify_one();
        Ok(id)
    }

    /// The plaintext of a received handoff.
    pub fn open_received(&self, id: &HandoffId) -> Result<Vec<u8>> {
        let item = self.store.inbox(id)?.ok_or_else(|| NodeError::NotFound {
            what: "received handoff",
            id: id.to_string(),
        })?;
        let handoff = item.handoff.verify(self.charter().charter.as_ref())?;
        Ok(handoff.open(&self.config.affiliate, &self.keys.encryption)?)
    }

    /// Answers a handoff request from `peer`.
    pub(crate) async fn answer_handoff(
        &self,
        peer: PeerId,
        request: HandoffRequest,
    ) -> HandoffResponse {
        let outcome = match request {
            HandoffRequest::Deliver(signed) => self.receive(signed).await,
            HandoffRequest::Deposit(_) | HandoffRequest::Receipt(_) => Err(NodeError::Invalid(
                "this node does not hold handoffs for other affiliates yet".into(),
            )),
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
        if let Some(held) = self.store.inbox(&handoff.id)? {
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
        handoff.open(us, &self.keys.encryption)?;
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
        let stored = self.store.insert_inbox(&item)?;
        self.store.flush().await?;
        if stored.is_none() {
            self.metrics.handoffs_received.inc();
            // The receipt stands whatever the content says: it is on disk.
            if let Err(e) = self.act_on(&item).await {
                tracing::warn!(id = %item.id, %e, "received handoff could not be acted on");
            }
        }
        Ok(HandoffResponse::Receipt(stored.unwrap_or(item).receipt))
    }

    /// Tries every due handoff of the outbox once, several at a time; right
    /// after a peer connects, every undelivered one, whatever its backoff.
    async fn deliver_due(&self) -> Result<()> {
        use futures::StreamExt;
        let at = now().secs();
        let everything = self
            .handoff_peer_arrived
            .swap(false, std::sync::atomic::Ordering::Relaxed);
        let due: Vec<OutboxItem> = self
            .store
            .outbox()?
            .into_iter()
            .filter(|item| item.receipt.is_none() && (item.next_attempt <= at || everything))
            .collect();
        if due.is_empty() {
            return Ok(());
        }
        let attempts = futures::stream::iter(due)
            .map(|mut item| async move {
                match self.deliver(&item).await {
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
                    }
                }
                self.store.put_outbox(&item)
            })
            .buffer_unordered(DELIVERIES_AT_ONCE);
        let results: Vec<Result<()>> = attempts.collect().await;
        self.store.flush().await?;
        results.into_iter().collect()
    }

    async fn deliver(&self, item: &OutboxItem) -> Result<SignedReceipt> {
        let held = self.charter();
        let envelope = item.handoff.decode_unverified()?;
        let connected = self.network.connected_peers().await?;
        let peers: Vec<PeerId> = held
            .charter
            .affiliate(&item.recipient)
            .map(|a| a.node_records())
            .transpose()?
            .unwrap_or_default()
            .into_iter()
            .filter_map(|r| PeerId::from_bytes(&r.peer_id).ok())
            .filter(|p| connected.contains(p))
            .collect();
        let Some(peer) = peers.first() else {
            return Err(NodeError::Network(format!(
                "{} is not connected",
                item.recipient
            )));
        };
        match self
            .network
            .handoff(*peer, HandoffRequest::Deliver(item.handoff.clone()))
            .await?
        {
            HandoffResponse::Receipt(signed) => {
                let receipt = signed.verify(held.charter.as_ref())?;
                if receipt.recipient != item.recipient
                    || !receipt.acknowledges(&item.handoff, &envelope)
                {
                    return Err(NodeError::Network(format!(
                        "{} answered with a receipt for another handoff",
                        item.recipient
                    )));
                }
                Ok(signed)
            }
            HandoffResponse::Refused { message } => Err(NodeError::Network(format!(
                "{} refused the handoff: {message}",
                item.recipient
            ))),
            HandoffResponse::Held { .. } | HandoffResponse::Noted => Err(NodeError::Network(
                format!("{} answered a delivery with something else", item.recipient),
            )),
        }
    }
}

/// Delivers the outbox until shutdown: on every wake-up (a new handoff, a
/// peer connecting) and on a regular sweep.
pub async fn run(state: Arc<NodeState>, shutdown: CancellationToken) {
    loop {
        if let Err(e) = state.deliver_due().await {
            tracing::warn!(%e, "handoff delivery round failed");
        }
        tokio::select! {
            () = shutdown.cancelled() => break,
            () = state.handoff_wakeup.notified() => {}
            () = tokio::time::sleep(SWEEP) => {}
        }
    }
}
