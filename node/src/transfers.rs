//! Portable membership: a member's consent, the transfer of their file to a
//! destination affiliate over an encrypted handoff, the destination's
//! decision, and the representation commitment that every node learns.

use crate::error::{NodeError, Result};
use crate::handoffs::InboxItem;
use crate::members::MemberRecord;
use crate::node::{now, NodeState};
use serde::{Deserialize, Serialize};
use unionfed_protocol::entry::{
    Body, MemberStatus, RepresentationCommitment, RepresentationEnd, RepresentationEndReason,
};
use unionfed_protocol::{AffiliateId, CountryCode, HandoffId, HandoffKind, MemberId, Timestamp};
use utoipa::ToSchema;

/// How a worker gave consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentGiven {
    InPerson,
    SignedForm,
    Online,
}

/// What a worker agreed to share, with whom, why and on what legal basis.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Consent {
    #[schema(value_type = String)]
    pub id: HandoffId,
    #[schema(value_type = String)]
    pub member: MemberId,
    pub given: ConsentGiven,
    /// The officer who recorded it.
    pub recorded_by: String,
    #[schema(value_type = u64)]
    pub recorded_at: Timestamp,
    /// The affiliate the data may go to.
    #[schema(value_type = String)]
    pub recipient: AffiliateId,
    pub purposes: Vec<String>,
    pub data_categories: Vec<String>,
    #[schema(value_type = Option<String>)]
    pub destination_country: Option<CountryCode>,
    /// The legal basis for the cross-border transfer, e.g. "consent (PDP Act art. 20)".
    pub legal_basis: String,
    #[schema(value_type = Option<u64>)]
    pub withdrawn_at: Option<Timestamp>,
}

/// A consent as staff record it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewConsent {
    pub given: ConsentGiven,
    pub recorded_by: String,
    #[schema(value_type = String)]
    pub recipient: AffiliateId,
    pub purposes: Vec<String>,
    pub data_categories: Vec<String>,
    #[schema(value_type = Option<String>)]
    pub destination_country: Option<CountryCode>,
    pub legal_basis: String,
}

/// Where a transfer stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum TransferStatus {
    /// Sealed and in the outbox; not yet receipted.
    Sent,
    /// At the destination, waiting for its decision.
    Received,
    Accepted,
    Declined {
        reason: String,
    },
    /// The representation the transfer started has ended.
    Ended {
        #[schema(value_type = String)]
        reason: RepresentationEndReason,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Outgoing,
    Incoming,
}

/// A member transfer as either side keeps it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Transfer {
    /// The id of the handoff that carried it.
    #[schema(value_type = String)]
    pub id: HandoffId,
    pub direction: Direction,
    /// The member's id at the origin (the id on their card).
    #[schema(value_type = String)]
    pub member: MemberId,
    #[schema(value_type = String)]
    pub origin: AffiliateId,
    #[schema(value_type = String)]
    pub destination: AffiliateId,
    pub status: TransferStatus,
    /// At the destination: the worker's file as received.
    pub file: Option<TransferFile>,
    /// A request by the destination for the origin to send the file (flow
    /// "on arrival"), rather than the transfer itself.
    #[serde(default)]
    pub request: bool,
    /// For a request at the origin: the consent the worker gave the destination.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub consent: Option<HandoffId>,
    #[schema(value_type = u64)]
    pub created_at: Timestamp,
    #[schema(value_type = u64)]
    pub updated_at: Timestamp,
}

/// What travels, sealed, from origin to destination: only what the
/// destination needs to represent the worker, and the consent that allows it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct TransferFile {
    pub holder_name: String,
    pub date_of_birth: Option<String>,
    pub contact: Option<String>,
    pub sector: Option<String>,
    pub employer: Option<String>,
    #[schema(value_type = u64)]
    pub member_since: Timestamp,
    pub consent: Consent,
}

/// Payload of a member-transfer handoff.
#[derive(Debug, Serialize, Deserialize)]
struct TransferMessage {
    member: MemberId,
    file: TransferFile,
}

/// Payload of a transfer-decision handoff.
#[derive(Debug, Serialize, Deserialize)]
struct DecisionMessage {
    transfer: HandoffId,
    accepted: bool,
    reason: Option<String>,
}

/// Payload of a representation-end handoff.
#[derive(Debug, Serialize, Deserialize)]
struct EndMessage {
    transfer: HandoffId,
    reason: RepresentationEndReason,
}

/// Payload of a transfer-request handoff.
#[derive(Debug, Serialize, Deserialize)]
struct RequestMessage {
    member: MemberId,
    consent: Consent,
}

/// A destination's request for a worker's file, with the consent the worker
/// gave it in person.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTransferRequest {
    /// The member id on the worker's card.
    #[schema(value_type = String)]
    pub member: MemberId,
    /// The worker's home affiliate (the card's issuer).
    #[schema(value_type = String)]
    pub origin: AffiliateId,
    pub given: ConsentGiven,
    pub recorded_by: String,
    pub purposes: Vec<String>,
    pub data_categories: Vec<String>,
    #[schema(value_type = Option<String>)]
    pub destination_country: Option<CountryCode>,
    pub legal_basis: String,
}

/// Payload of a consent-withdrawal handoff.
#[derive(Debug, Serialize, Deserialize)]
struct WithdrawalMessage {
    consent: HandoffId,
    member: MemberId,
}

/// A request to transfer a member.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTransfer {
    #[schema(value_type = String)]
    pub member: MemberId,
    #[schema(value_type = String)]
    pub destination: AffiliateId,
    #[schema(value_type = String)]
    pub consent: HandoffId,
}

fn required(field: &str, value: &str) -> Result<()> {
    if value.trim().is_empty() {
        return Err(NodeError::Invalid(format!("{field} is empty")));
    }
    if value.len() > 500 || value.chars().any(char::is_control) {
        return Err(NodeError::Invalid(format!(
            "{field} is over 500 bytes or has control characters"
        )));
    }
    Ok(())
}

impl NodeState {
    /// Seals `message` (JSON) as a handoff of `kind` to `to`.
    async fn send_message(
        &self,
        to: &AffiliateId,
        kind: HandoffKind,
        message: &impl Serialize,
    ) -> Result<HandoffId> {
        let bytes = serde_json::to_vec(message).map_err(|e| NodeError::Invalid(e.to_string()))?;
        self.send_handoff(to, kind, &bytes).await
    }

    /// Records a member's consent to share their file with one affiliate.
    pub async fn record_consent(&self, member: &MemberId, input: NewConsent) -> Result<Consent> {
        self.member(member)?;
        required("recorded_by", &input.recorded_by)?;
        required("legal_basis", &input.legal_basis)?;
        if input.purposes.is_empty() || input.data_categories.is_empty() {
            return Err(NodeError::Invalid(
                "name at least one purpose and one data category".into(),
            ));
        }
        for item in input.purposes.iter().chain(&input.data_categories) {
            required("purposes and data_categories", item)?;
        }
        if self.charter().charter.affiliate(&input.recipient).is_none() {
            return Err(NodeError::Invalid(format!(
                "{} is not an affiliate of the federation",
                input.recipient
            )));
        }
        let consent = Consent {
            id: HandoffId::random(),
            member: *member,
            given: input.given,
            recorded_by: input.recorded_by,
            recorded_at: now(),
            recipient: input.recipient,
            purposes: input.purposes,
            data_categories: input.data_categories,
            destination_country: input.destination_country,
            legal_basis: input.legal_basis,
            withdrawn_at: None,
        };
        self.store.put_consent(&consent)?;
        self.store.flush().await?;
        Ok(consent)
    }

    pub fn consents(&self, member: &MemberId) -> Result<Vec<Consent>> {
        self.member(member)?;
        self.store.consents(member)
    }

    /// Withdraws a consent: no new transfer may use it, and the affiliate it
    /// named is told to delete what it received under it (its receipt is
    /// signed only after it has).
    pub async fn withdraw_consent(&self, member: &MemberId, id: &HandoffId) -> Result<Consent> {
        let mut consent = self
            .consents(member)?
            .into_iter()
            .find(|c| &c.id == id)
            .ok_or_else(|| NodeError::NotFound {
                what: "consent",
                id: id.to_string(),
            })?;
        if consent.withdrawn_at.is_some() {
            return Err(NodeError::Invalid(format!(
                "consent {id} was already withdrawn"
            )));
        }
        consent.withdrawn_at = Some(now());
        self.store.put_consent(&consent)?;
        self.store.flush().await?;
        let used = self
            .member_transfers(member)?
            .iter()
            .any(|t| t.direction == Direction::Outgoing && t.destination == consent.recipient);
        if used {
            let message = WithdrawalMessage {
                consent: consent.id,
                member: *member,
            };
            self.send_message(
                &consent.recipient,
                HandoffKind::CONSENT_WITHDRAWAL,
                &message,
            )
            .await?;
        }
        Ok(consent)
    }

    /// At the recipient: deletes what was received from `sender` about
    /// `member`, ending any representation first.
    async fn forget(&self, sender: &AffiliateId, member: &MemberId) -> Result<()> {
        for mut transfer in self.transfers(Some(Direction::Incoming))? {
            if &transfer.member != member || &transfer.origin != sender {
                continue;
            }
            if transfer.status == TransferStatus::Accepted {
                self.end_representation(&transfer.id, RepresentationEndReason::ConsentWithdrawn)
                    .await?;
                transfer = self.transfer(&transfer.id)?;
            }
            transfer.file = None;
            transfer.updated_at = now();
            self.store.put_transfer(&transfer)?;
        }
        if self
            .store
            .member(member)?
            .is_some_and(|m| m.home.as_ref() == Some(sender))
        {
            self.store.remove_member(member)?;
        }
        self.store.flush().await
    }

    /// Sends a member's file to a destination affiliate, under a consent
    /// recorded for that affiliate.
    pub async fn start_transfer(&self, input: NewTransfer) -> Result<Transfer> {
        let record = self.member(&input.member)?;
        if record.status != MemberStatus::Active {
            return Err(NodeError::Invalid(format!(
                "member {} is {}; only active members transfer",
                record.id, record.status
            )));
        }
        let consent = self
            .store
            .consents(&input.member)?
            .into_iter()
            .find(|c| c.id == input.consent)
            .ok_or_else(|| {
                NodeError::Invalid(format!(
                    "no consent {} is recorded for member {}; record the worker's consent first",
                    input.consent, input.member
                ))
            })?;
        if consent.withdrawn_at.is_some() {
            return Err(NodeError::Invalid(format!(
                "consent {} was withdrawn",
                consent.id
            )));
        }
        if consent.recipient != input.destination {
            return Err(NodeError::Invalid(format!(
                "consent {} allows sharing with {}, not {}",
                consent.id, consent.recipient, input.destination
            )));
        }
        let message = TransferMessage {
            member: record.id,
            file: TransferFile {
                holder_name: record.holder_name.clone(),
                date_of_birth: record.date_of_birth.clone(),
                contact: record.contact.clone(),
                sector: record.sector.clone(),
                employer: record.employer.clone(),
                member_since: record.member_since,
                consent,
            },
        };
        let id = self
            .send_message(&input.destination, HandoffKind::MEMBER_TRANSFER, &message)
            .await?;
        let at = now();
        let transfer = Transfer {
            id,
            direction: Direction::Outgoing,
            member: record.id,
            origin: self.config.affiliate.clone(),
            destination: input.destination,
            status: TransferStatus::Sent,
            file: None,
            request: false,
            consent: None,
            created_at: at,
            updated_at: at,
        };
        self.store.put_transfer(&transfer)?;
        self.store.flush().await?;
        self.mark_request(
            &transfer.member,
            &transfer.destination,
            TransferStatus::Accepted,
        )?;
        Ok(transfer)
    }

    /// The destination asks the origin for a worker's file: the worker, who
    /// showed their card, gave the destination their consent in person.
    pub async fn request_transfer(&self, input: NewTransferRequest) -> Result<Transfer> {
        required("recorded_by", &input.recorded_by)?;
        required("legal_basis", &input.legal_basis)?;
        if input.purposes.is_empty() || input.data_categories.is_empty() {
            return Err(NodeError::Invalid(
                "name at least one purpose and one data category".into(),
            ));
        }
        if input.origin == self.config.affiliate
            || self.charter().charter.affiliate(&input.origin).is_none()
        {
            return Err(NodeError::Invalid(format!(
                "{} is not another affiliate of the federation",
                input.origin
            )));
        }
        let consent = Consent {
            id: HandoffId::random(),
            member: input.member,
            given: input.given,
            recorded_by: input.recorded_by,
            recorded_at: now(),
            recipient: self.config.affiliate.clone(),
            purposes: input.purposes,
            data_categories: input.data_categories,
            destination_country: input.destination_country,
            legal_basis: input.legal_basis,
            withdrawn_at: None,
        };
        self.store.put_consent(&consent)?;
        let message = RequestMessage {
            member: input.member,
            consent,
        };
        let id = self
            .send_message(&input.origin, HandoffKind::TRANSFER_REQUEST, &message)
            .await?;
        let at = now();
        let transfer = Transfer {
            id,
            direction: Direction::Outgoing,
            member: input.member,
            origin: input.origin,
            destination: self.config.affiliate.clone(),
            status: TransferStatus::Sent,
            file: None,
            request: true,
            consent: Some(message.consent.id),
            created_at: at,
            updated_at: at,
        };
        self.store.put_transfer(&transfer)?;
        self.store.flush().await?;
        Ok(transfer)
    }

    /// Sets the status of the open request (if any) about `member` between
    /// this node and `other`.
    fn mark_request(
        &self,
        member: &MemberId,
        other: &AffiliateId,
        status: TransferStatus,
    ) -> Result<()> {
        for mut t in self.store.transfers()? {
            let open = matches!(t.status, TransferStatus::Sent | TransferStatus::Received);
            let between = &t.origin == other || &t.destination == other;
            if t.request && open && &t.member == member && between {
                t.status = status.clone();
                t.updated_at = now();
                self.store.put_transfer(&t)?;
            }
        }
        Ok(())
    }

    pub fn transfer(&self, id: &HandoffId) -> Result<Transfer> {
        self.store.transfer(id)?.ok_or_else(|| NodeError::NotFound {
            what: "transfer",
            id: id.to_string(),
        })
    }

    pub fn transfers(&self, direction: Option<Direction>) -> Result<Vec<Transfer>> {
        let mut all = self.store.transfers()?;
        all.retain(|t| direction.is_none_or(|d| t.direction == d));
        all.sort_by_key(|t| std::cmp::Reverse(t.updated_at));
        Ok(all)
    }

    /// The destination accepts: it keeps the worker's file as a local record
    /// linked to the origin membership, commits to represent them in its log,
    /// and tells the origin.
    pub async fn accept_transfer(&self, id: &HandoffId) -> Result<Transfer> {
        let mut transfer = self.incoming_pending(id)?;
        if transfer.request {
            // The origin approves a request by sending the transfer itself.
            let consent = transfer
                .consent
                .ok_or_else(|| NodeError::Storage("transfer request without its consent".into()))?;
            self.start_transfer(NewTransfer {
                member: transfer.member,
                destination: transfer.destination.clone(),
                consent,
            })
            .await?;
            return self.transfer(id);
        }
        let _guard = self.member_lock.lock().await;
        let file = transfer
            .file
            .clone()
            .ok_or_else(|| NodeError::Storage("incoming transfer without its file".into()))?;
        let at = now();
        let mut local = MemberRecord::linked(transfer.member, transfer.origin.clone(), &file, at);
        self.append(
            Body::Representation(RepresentationCommitment {
                member: transfer.member,
                home: transfer.origin.clone(),
                from: at,
                until: None,
            }),
            None,
        )
        .await?;
        local.updated_at = at;
        self.store.put_member(&local)?;
        transfer.status = TransferStatus::Accepted;
        transfer.updated_at = at;
        self.store.put_transfer(&transfer)?;
        self.store.flush().await?;
        self.send_decision(&transfer, true, None).await?;
        Ok(transfer)
    }

    /// The destination declines, with a reason the origin will see.
    pub async fn decline_transfer(&self, id: &HandoffId, reason: String) -> Result<Transfer> {
        required("reason", &reason)?;
        let mut transfer = self.incoming_pending(id)?;
        transfer.status = TransferStatus::Declined {
            reason: reason.clone(),
        };
        transfer.updated_at = now();
        self.store.put_transfer(&transfer)?;
        self.store.flush().await?;
        self.send_decision(&transfer, false, Some(reason)).await?;
        Ok(transfer)
    }

    /// Ends the representation an accepted transfer started; either side may.
    /// The end is an entry in this affiliate's log, so every node learns it.
    pub async fn end_representation(
        &self,
        id: &HandoffId,
        reason: RepresentationEndReason,
    ) -> Result<Transfer> {
        let mut transfer = self.transfer(id)?;
        if transfer.status != TransferStatus::Accepted {
            return Err(NodeError::Invalid(format!(
                "transfer {id} is not in force (it is {:?}); only an accepted transfer can end",
                transfer.status
            )));
        }
        let at = now();
        self.append(
            Body::RepresentationEnd(RepresentationEnd {
                member: transfer.member,
                home: transfer.origin.clone(),
                representing: transfer.destination.clone(),
                ended: at,
                reason,
            }),
            None,
        )
        .await?;
        transfer.status = TransferStatus::Ended { reason };
        transfer.updated_at = at;
        self.store.put_transfer(&transfer)?;
        self.store.flush().await?;
        // The entry tells every node; the other party also gets a notice so
        // that its own record of the transfer says so.
        let other = if transfer.origin == self.config.affiliate {
            &transfer.destination
        } else {
            &transfer.origin
        };
        let message = EndMessage {
            transfer: transfer.id,
            reason,
        };
        self.send_message(other, HandoffKind::REPRESENTATION_END, &message)
            .await?;
        Ok(transfer)
    }

    /// The transfers of one member, newest first: the member's transfer log.
    pub fn member_transfers(&self, member: &MemberId) -> Result<Vec<Transfer>> {
        self.member(member)?;
        let mut all = self.transfers(None)?;
        all.retain(|t| &t.member == member);
        Ok(all)
    }

    fn incoming_pending(&self, id: &HandoffId) -> Result<Transfer> {
        let transfer = self.transfer(id)?;
        if transfer.direction != Direction::Incoming {
            return Err(NodeError::Invalid(format!(
                "transfer {id} is outgoing; the destination decides"
            )));
        }
        if transfer.status != TransferStatus::Received {
            return Err(NodeError::Invalid(format!(
                "transfer {id} was already decided"
            )));
        }
        Ok(transfer)
    }

    async fn send_decision(
        &self,
        transfer: &Transfer,
        accepted: bool,
        reason: Option<String>,
    ) -> Result<()> {
        let message = DecisionMessage {
            transfer: transfer.id,
            accepted,
            reason,
        };
        // A transfer's decision goes back to its origin; a request's to the
        // destination that asked.
        let to = if transfer.request {
            &transfer.destination
        } else {
            &transfer.origin
        };
        self.send_message(to, HandoffKind::TRANSFER_DECISION, &message)
            .await
            .map(|_| ())
    }

    /// Acts on a handoff that has just been stored: records an incoming
    /// transfer, or a decision on an outgoing one.
    pub(crate) async fn act_on(&self, item: &InboxItem) -> Result<()> {
        let plain = self.open_received(&item.id)?;
        let malformed = |e: serde_json::Error| {
            NodeError::Invalid(format!("handoff {} from {}: {e}", item.id, item.sender))
        };
        if item.kind == HandoffKind::MEMBER_TRANSFER {
            let message: TransferMessage = serde_json::from_slice(&plain).map_err(malformed)?;
            let transfer = Transfer {
                id: item.id,
                direction: Direction::Incoming,
                member: message.member,
                origin: item.sender.clone(),
                destination: self.config.affiliate.clone(),
                status: TransferStatus::Received,
                file: Some(message.file),
                request: false,
                consent: None,
                created_at: item.received_at,
                updated_at: item.received_at,
            };
            self.store.put_transfer(&transfer)?;
            self.mark_request(&transfer.member, &item.sender, TransferStatus::Accepted)?;
        } else if item.kind == HandoffKind::TRANSFER_REQUEST {
            let message: RequestMessage = serde_json::from_slice(&plain).map_err(malformed)?;
            if message.consent.recipient != item.sender || message.consent.member != message.member
            {
                return Err(NodeError::Invalid(format!(
                    "transfer request {} from {} carries a consent for someone else",
                    item.id, item.sender
                )));
            }
            self.member(&message.member)?;
            self.store.put_consent(&message.consent)?;
            let transfer = Transfer {
                id: item.id,
                direction: Direction::Incoming,
                member: message.member,
                origin: self.config.affiliate.clone(),
                destination: item.sender.clone(),
                status: TransferStatus::Received,
                file: None,
                request: true,
                consent: Some(message.consent.id),
                created_at: item.received_at,
                updated_at: item.received_at,
            };
            self.store.put_transfer(&transfer)?;
        } else if item.kind == HandoffKind::TRANSFER_DECISION {
            let message: DecisionMessage = serde_json::from_slice(&plain).map_err(malformed)?;
            let mut transfer = self.transfer(&message.transfer)?;
            // The destination decides a transfer; the origin decides a request.
            let decider = if transfer.request {
                &transfer.origin
            } else {
                &transfer.destination
            };
            if decider != &item.sender || transfer.direction != Direction::Outgoing {
                return Err(NodeError::Invalid(format!(
                    "{} sent a decision on transfer {} that is not theirs to decide",
                    item.sender, message.transfer
                )));
            }
            transfer.status = if message.accepted {
                TransferStatus::Accepted
            } else {
                TransferStatus::Declined {
                    reason: message.reason.unwrap_or_default(),
                }
            };
            transfer.updated_at = now();
            self.store.put_transfer(&transfer)?;
        } else if item.kind == HandoffKind::REPRESENTATION_END {
            let message: EndMessage = serde_json::from_slice(&plain).map_err(malformed)?;
            let mut transfer = self.transfer(&message.transfer)?;
            if transfer.origin != item.sender && transfer.destination != item.sender {
                return Err(NodeError::Invalid(format!(
                    "{} ended transfer {}, which is not theirs",
                    item.sender, message.transfer
                )));
            }
            if transfer.status == TransferStatus::Accepted {
                transfer.status = TransferStatus::Ended {
                    reason: message.reason,
                };
                transfer.updated_at = now();
                self.store.put_transfer(&transfer)?;
            }
        } else if item.kind == HandoffKind::CONSENT_WITHDRAWAL {
            let message: WithdrawalMessage = serde_json::from_slice(&plain).map_err(malformed)?;
            self.forget(&item.sender, &message.member).await?;
        }
        self.store.flush().await
    }
}
