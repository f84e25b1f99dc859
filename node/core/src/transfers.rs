//! Portable membership: a member's consent, the transfer of their file to a
//! destination affiliate over an encrypted handoff, the destination's
//! decision, and the representation commitment that every node learns.

pub(crate) mod store;

use crate::access::{Action, Principal};
use crate::error::{NodeError, Result};
use crate::handoffs::InboxItem;
use crate::members::store as member_store;
use crate::members::{MemberRecord, WorkDetails};
use crate::node::{now, NodeState};
use crate::storage::Batch;
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
    /// Who recorded it: the signed-in officer or the token's owner.
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
    #[schema(value_type = String)]
    pub recipient: AffiliateId,
    pub purposes: Vec<String>,
    /// What may go with a transfer: any of name, date_of_birth, contact,
    /// employer, workplace, sector, job, language, dues, contract. The name
    /// and "member since" always go.
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
    /// When the representation ends by itself (seconds since 1970), e.g. the
    /// contract's end; open-ended when absent.
    #[serde(default)]
    #[schema(value_type = Option<u64>)]
    pub until: Option<Timestamp>,
    /// At the origin: the transfer whose representation ends once this one
    /// is accepted (a worker moving on to a third country).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub replaces: Option<HandoffId>,
    /// A permanent change of home union: the destination takes over the
    /// membership itself, keeping "member since", and the origin's lapses.
    #[serde(default)]
    pub membership_move: bool,
    #[schema(value_type = u64)]
    pub created_at: Timestamp,
    #[schema(value_type = u64)]
    pub updated_at: Timestamp,
}

/// The transfers page's data, from [`Transfers::transfer_desk`].
#[derive(Debug, Default)]
pub struct TransferDesk {
    pub transfers: Vec<Transfer>,
    /// The consents requests came under, by id.
    pub consents: std::collections::HashMap<HandoffId, Consent>,
    /// The members this node keeps, with their names (empty when masked).
    pub names: std::collections::HashMap<MemberId, String>,
}

impl Transfer {
    /// Without the worker's file and the other union's free text: what a
    /// masked reader sees.
    pub fn masked(self) -> Transfer {
        let status = match self.status {
            TransferStatus::Declined { .. } => TransferStatus::Declined {
                reason: String::new(),
            },
            other => other,
        };
        Transfer {
            file: None,
            status,
            ..self
        }
    }
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
    #[serde(flatten)]
    pub work: WorkDetails,
    #[schema(value_type = u64)]
    pub member_since: Timestamp,
    pub consent: Consent,
}

/// Payload of a member-transfer handoff.
#[derive(Debug, Serialize, Deserialize)]
struct TransferMessage {
    member: MemberId,
    file: TransferFile,
    #[serde(default)]
    until: Option<Timestamp>,
    #[serde(default)]
    membership_move: bool,
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
    pub purposes: Vec<String>,
    /// What may go with a transfer: any of name, date_of_birth, contact,
    /// employer, workplace, sector, job, language, dues, contract. The name
    /// and "member since" always go.
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
    /// The affiliate the file goes to; the consent's recipient when absent
    /// (and when given, it must be that recipient).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub destination: Option<AffiliateId>,
    #[schema(value_type = String)]
    pub consent: HandoffId,
    /// When the representation is to end by itself (seconds since 1970),
    /// e.g. the contract's end; open-ended when absent.
    #[serde(default)]
    #[schema(value_type = Option<u64>)]
    pub until: Option<Timestamp>,
    /// For a worker moving on to a third country: the accepted transfer
    /// whose representation ends once this one is accepted.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub replaces: Option<HandoffId>,
    /// A permanent change of home union: the destination takes over the
    /// membership, keeping "member since"; this affiliate's membership lapses
    /// once it accepts.
    #[serde(default)]
    pub membership_move: bool,
}

/// Filters for a list of transfers; each one given must match.
#[derive(Debug, Clone, Default)]
pub struct TransferQuery {
    pub direction: Option<Direction>,
    /// `sent`, `received`, `accepted`, `declined` or `ended`.
    pub state: Option<String>,
    pub member: Option<MemberId>,
    /// The other party, origin or destination.
    pub affiliate: Option<AffiliateId>,
    /// Requests for a file (`true`) or files sent (`false`).
    pub request: Option<bool>,
}

impl TransferStatus {
    pub fn name(&self) -> &'static str {
        match self {
            TransferStatus::Sent => "sent",
            TransferStatus::Received => "received",
            TransferStatus::Accepted => "accepted",
            TransferStatus::Declined { .. } => "declined",
            TransferStatus::Ended { .. } => "ended",
        }
    }
}

impl TransferQuery {
    fn matches(&self, t: &Transfer, me: &AffiliateId) -> bool {
        let other = if &t.origin == me {
            &t.destination
        } else {
            &t.origin
        };
        self.state.as_deref().is_none_or(|s| s == t.status.name())
            && self.member.is_none_or(|m| m == t.member)
            && self.affiliate.as_ref().is_none_or(|a| a == other)
            && self.request.is_none_or(|r| r == t.request)
    }
}

/// The data categories a consent may name, and what each lets go with a
/// transfer. The name and "member since" always go: without them the
/// destination cannot represent the worker.
pub const DATA_CATEGORIES: [&str; 10] = [
    "name",
    "date_of_birth",
    "contact",
    "employer",
    "workplace",
    "sector",
    "job",
    "language",
    "dues",
    "contract",
];

fn check_categories(categories: &[String]) -> Result<()> {
    if categories.is_empty() {
        return Err(NodeError::Invalid("name at least one data category".into()));
    }
    for c in categories {
        if !DATA_CATEGORIES.contains(&c.as_str()) {
            return Err(NodeError::Invalid(format!(
                "data category {c:?} is not one of {}",
                DATA_CATEGORIES.join(", ")
            )));
        }
    }
    Ok(())
}

impl TransferFile {
    /// What of the member's record the consent lets go, and nothing else.
    fn under_consent(record: &MemberRecord, consent: Consent) -> TransferFile {
        let allowed = |c: &str| consent.data_categories.iter().any(|x| x == c);
        let keep = |c: &str, v: &Option<String>| v.clone().filter(|_| allowed(c));
        let w = &record.work;
        TransferFile {
            holder_name: record.holder_name.clone(),
            date_of_birth: keep("date_of_birth", &record.date_of_birth),
            contact: keep("contact", &record.contact),
            sector: keep("sector", &record.sector),
            employer: keep("employer", &record.employer),
            work: WorkDetails {
                destination_contact: keep("contact", &w.destination_contact),
                job: keep("job", &w.job),
                workplace: keep("workplace", &w.workplace),
                language: keep("language", &w.language),
                dues_paid_until: keep("dues", &w.dues_paid_until),
                contract_summary: keep("contract", &w.contract_summary),
                contract_sha256: keep("contract", &w.contract_sha256),
            },
            member_since: record.member_since,
            consent,
        }
    }
}

/// A node's member transfers: consents, transfer files sent and received, and representation commitments.
/// Reach it with [`NodeState::transfers`]; every `pub` function here decides
/// through the one policy (`access`) and records through the audit trail.
#[derive(Debug, Clone, Copy)]
pub struct Transfers<'a> {
    state: &'a NodeState,
}

impl std::ops::Deref for Transfers<'_> {
    type Target = NodeState;
    fn deref(&self) -> &NodeState {
        self.state
    }
}

impl NodeState {
    /// A node's member transfers: consents, transfer files sent and received, and representation commitments.
    pub fn transfers(&self) -> Transfers<'_> {
        Transfers { state: self }
    }
}

impl Transfers<'_> {
    /// Seals `message` (JSON) as a handoff of `kind` to `to`.
    async fn send_message(
        self,
        to: &AffiliateId,
        kind: HandoffKind,
        message: &impl Serialize,
    ) -> Result<HandoffId> {
        let bytes = serde_json::to_vec(message).map_err(|e| NodeError::Invalid(e.to_string()))?;
        self.send_handoff(to, kind, &bytes).await
    }

    /// Seals `message` (JSON) as an outbox item, for the caller to store in
    /// one batch with the records of the same step.
    fn seal_message(
        self,
        to: &AffiliateId,
        kind: HandoffKind,
        message: &impl Serialize,
    ) -> Result<crate::handoffs::OutboxItem> {
        let bytes = serde_json::to_vec(message).map_err(|e| NodeError::Invalid(e.to_string()))?;
        self.seal_handoff(to, kind, &bytes)
    }

    /// Records a member's consent to share their file with one affiliate.
    pub async fn record_consent(
        self,
        who: &Principal,
        member: &MemberId,
        input: NewConsent,
    ) -> Result<Consent> {
        self.guarded_by(
            who,
            Action::ChangeTransfers,
            &member.to_string(),
            "record_consent",
            |recorded_by| self.record_consent_by(member, input, recorded_by),
        )
        .await
    }

    async fn record_consent_by(
        self,
        member: &MemberId,
        input: NewConsent,
        recorded_by: String,
    ) -> Result<Consent> {
        self.members().member(member)?;
        crate::text::required_line("legal_basis", &input.legal_basis, 500)?;
        if input.purposes.is_empty() {
            return Err(NodeError::Invalid("name at least one purpose".into()));
        }
        check_categories(&input.data_categories)?;
        crate::countries::check(input.destination_country, "destination_country")?;
        for item in input.purposes.iter().chain(&input.data_categories) {
            crate::text::required_line("purposes and data_categories", item, 500)?;
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
            recorded_by,
            recorded_at: now(),
            recipient: input.recipient,
            purposes: input.purposes,
            data_categories: input.data_categories,
            destination_country: input.destination_country,
            legal_basis: input.legal_basis,
            withdrawn_at: None,
        };
        store::put_consent(&self.store, &consent)?;
        self.store.flush().await?;
        Ok(consent)
    }

    /// A member's consents; part of reading their record.
    /// Every consent recorded for `member`, withdrawn ones too.
    pub(crate) fn consents_unchecked(self, member: &MemberId) -> Result<Vec<Consent>> {
        store::consents(&self.store, member)
    }

    pub fn consents(self, who: &Principal, member: &MemberId) -> Result<Vec<Consent>> {
        let grant = self.allow(who, Action::ReadMember, &member.to_string())?;
        self.members().member(member)?;
        let found = if grant.masked() {
            Vec::new()
        } else {
            store::consents(&self.store, member)?
        };
        grant.done(&self, &member.to_string(), Some("consents".into()));
        Ok(found)
    }

    /// A member's transfer log; part of reading their record. The files
    /// that travelled are not in it: they are read as transfers
    /// (`Action::ReadTransfers`).
    pub fn member_transfers(self, who: &Principal, member: &MemberId) -> Result<Vec<Transfer>> {
        let grant = self.allow(who, Action::ReadMember, &member.to_string())?;
        let found = self.member_transfers_unchecked(member)?;
        grant.done(&self, &member.to_string(), Some("transfers".into()));
        Ok(found.into_iter().map(Transfer::masked).collect())
    }

    /// Withdraws a consent: no new transfer may use it, and the affiliate it
    /// named is told to delete what it received under it (its receipt is
    /// signed only after it has).
    pub async fn withdraw_consent(
        self,
        who: &Principal,
        member: &MemberId,
        id: &HandoffId,
    ) -> Result<Consent> {
        let work = async {
            self.withdraw_consent_unchecked_for(member, id)
                .await
                .map(|(consent, _)| consent)
        };
        self.guarded(
            who,
            Action::ChangeTransfers,
            &member.to_string(),
            "withdraw_consent",
            work,
        )
        .await
    }

    /// Withdraws a consent in force; says whether its recipient had been
    /// sent the member's file and is now told to delete it.
    pub(crate) async fn withdraw_consent_unchecked(
        self,
        member: &MemberId,
        id: &HandoffId,
    ) -> Result<bool> {
        Ok(self.withdraw_consent_unchecked_for(member, id).await?.1)
    }

    async fn withdraw_consent_unchecked_for(
        self,
        member: &MemberId,
        id: &HandoffId,
    ) -> Result<(Consent, bool)> {
        self.members().member(member)?;
        let mut consent = store::consents(&self.store, member)?
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
        store::put_consent(&self.store, &consent)?;
        self.store.flush().await?;
        let used = self
            .member_transfers_unchecked(member)?
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
        Ok((consent, used))
    }

    /// Whether `t` holds a file another affiliate sent, kept past
    /// `transfer_file_retention_days` after it was declined or ended.
    fn file_retention_due(self, t: &Transfer, at: Timestamp) -> bool {
        let limit = u64::from(self.config.transfer_file_retention_days) * 86_400;
        t.direction == Direction::Incoming
            && t.file.is_some()
            && matches!(
                t.status,
                TransferStatus::Declined { .. } | TransferStatus::Ended { .. }
            )
            && t.updated_at.secs() + limit <= at.secs()
    }

    /// How many received files will be past their retention period at `at`.
    pub(crate) fn files_due(self, at: Timestamp) -> Result<usize> {
        Ok(self
            .transfers_in(Some(Direction::Incoming))?
            .iter()
            .filter(|t| self.file_retention_due(t, at))
            .count())
    }

    /// Deletes the files of declined and ended transfers kept past their
    /// retention period at `at`; the transfer's record stays.
    pub(crate) async fn purge_received_files(self, at: Timestamp) -> Result<usize> {
        let due: Vec<Transfer> = self
            .transfers_in(Some(Direction::Incoming))?
            .into_iter()
            .filter(|t| self.file_retention_due(t, at))
            .collect();
        if due.is_empty() {
            return Ok(0);
        }
        self.store.note_erasure()?;
        for mut transfer in due.iter().cloned() {
            transfer.file = None;
            store::put_transfer(&self.store, &transfer)?;
        }
        self.store.flush().await?;
        Ok(due.len())
    }

    /// Deletes the files other affiliates sent about `member`; how many.
    pub(crate) fn delete_received_files(self, member: &MemberId) -> Result<usize> {
        let mut deleted = 0;
        for mut transfer in store::member_transfers(&self.store, member)? {
            if transfer.direction == Direction::Incoming && transfer.file.is_some() {
                transfer.file = None;
                transfer.updated_at = now();
                store::put_transfer(&self.store, &transfer)?;
                deleted += 1;
            }
        }
        Ok(deleted)
    }

    /// At the recipient: deletes what was received from `sender` about
    /// `member`, ending any representation first.
    async fn forget(self, sender: &AffiliateId, member: &MemberId) -> Result<()> {
        self.store.note_erasure()?;
        for mut transfer in store::member_transfers(&self.store, member)? {
            if transfer.direction != Direction::Incoming || &transfer.origin != sender {
                continue;
            }
            if transfer.status == TransferStatus::Accepted {
                self.end_representation(&transfer.id, RepresentationEndReason::ConsentWithdrawn)
                    .await?;
                transfer = self.transfer(&transfer.id)?;
            }
            transfer.file = None;
            transfer.updated_at = now();
            store::put_transfer(&self.store, &transfer)?;
        }
        if member_store::member(&self.store, member)?
            .is_some_and(|m| m.home.as_ref() == Some(sender))
        {
            member_store::remove_member(&self.store, member)?;
        }
        self.store.flush().await
    }

    /// Sends a member's file to a destination affiliate, under a consent
    /// recorded for that affiliate.
    pub async fn start_transfer(self, who: &Principal, input: NewTransfer) -> Result<Transfer> {
        let target = input.member.to_string();
        let work = self.start_transfer_unchecked(input);
        self.guarded(who, Action::ChangeTransfers, &target, "send_transfer", work)
            .await
    }

    async fn start_transfer_unchecked(self, input: NewTransfer) -> Result<Transfer> {
        let record = self.members().member(&input.member)?;
        record.check_home("a transfer of the member's file")?;
        if record.status != MemberStatus::Active {
            return Err(NodeError::Invalid(format!(
                "member {} is {}; only active members transfer",
                record.id, record.status
            )));
        }
        let consent = store::consents(&self.store, &input.member)?
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
        let destination = input
            .destination
            .clone()
            .unwrap_or_else(|| consent.recipient.clone());
        if consent.recipient != destination {
            return Err(NodeError::Invalid(format!(
                "consent {} allows sharing with {}, not {}",
                consent.id, consent.recipient, destination
            )));
        }
        self.check_new_transfer(&input, &destination)?;
        let message = TransferMessage {
            member: record.id,
            file: TransferFile::under_consent(&record, consent),
            until: input.until,
            membership_move: input.membership_move,
        };
        let sealed = self.seal_message(&destination, HandoffKind::MEMBER_TRANSFER, &message)?;
        let at = now();
        let transfer = Transfer {
            id: sealed.id,
            direction: Direction::Outgoing,
            member: record.id,
            origin: self.config.affiliate.clone(),
            destination,
            status: TransferStatus::Sent,
            file: None,
            request: false,
            consent: None,
            until: input.until,
            replaces: input.replaces,
            membership_move: input.membership_move,
            created_at: at,
            updated_at: at,
        };
        let mut batch = Batch::default();
        store::stage_transfer(&mut batch, &transfer)?;
        crate::handoffs::store::stage_outbox(&mut batch, &sealed)?;
        for answered in self.answered_request(&transfer.member, &transfer.destination)? {
            store::stage_transfer(&mut batch, &answered)?;
        }
        self.store.write(batch)?;
        self.store.flush().await?;
        self.wake_outbox();
        Ok(transfer)
    }

    /// Refuses an end date in the past, a `replaces` that names no
    /// representation in force, and a membership move combined with one.
    fn check_new_transfer(self, input: &NewTransfer, destination: &AffiliateId) -> Result<()> {
        if input.until.is_some_and(|u| u <= now()) {
            return Err(NodeError::Invalid(
                "until is in the past; give the day the representation should end, or leave it out"
                    .into(),
            ));
        }
        if let Some(old) = &input.replaces {
            if input.membership_move {
                return Err(NodeError::Invalid(
                    "a membership move ends every representation by itself; leave out replaces"
                        .into(),
                ));
            }
            let previous = self.transfer(old)?;
            let in_force = previous.direction == Direction::Outgoing
                && !previous.request
                && previous.member == input.member
                && previous.status == TransferStatus::Accepted;
            if !in_force {
                return Err(NodeError::Invalid(format!(
                    "replaces names transfer {old}, which is not a representation of member {} in force",
                    input.member
                )));
            }
            if &previous.destination == destination {
                return Err(NodeError::Invalid(format!(
                    "{destination} already represents member {}",
                    input.member
                )));
            }
        }
        Ok(())
    }

    /// The destination asks the origin for a worker's file: the worker, who
    /// showed their card, gave the destination their consent in person.
    pub async fn request_transfer(
        self,
        who: &Principal,
        input: NewTransferRequest,
    ) -> Result<Transfer> {
        self.guarded_by(
            who,
            Action::ChangeTransfers,
            &input.member.to_string(),
            "request_transfer",
            |recorded_by| self.request_transfer_by(input, recorded_by),
        )
        .await
    }

    async fn request_transfer_by(
        self,
        input: NewTransferRequest,
        recorded_by: String,
    ) -> Result<Transfer> {
        crate::text::required_line("legal_basis", &input.legal_basis, 500)?;
        if input.purposes.is_empty() {
            return Err(NodeError::Invalid("name at least one purpose".into()));
        }
        check_categories(&input.data_categories)?;
        crate::countries::check(input.destination_country, "destination_country")?;
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
            recorded_by,
            recorded_at: now(),
            recipient: self.config.affiliate.clone(),
            purposes: input.purposes,
            data_categories: input.data_categories,
            destination_country: input.destination_country,
            legal_basis: input.legal_basis,
            withdrawn_at: None,
        };
        store::put_consent(&self.store, &consent)?;
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
            until: None,
            replaces: None,
            membership_move: false,
            created_at: at,
            updated_at: at,
        };
        store::put_transfer(&self.store, &transfer)?;
        self.store.flush().await?;
        Ok(transfer)
    }

    /// The open requests about `member` between this node and `other`,
    /// marked accepted: a transfer of that member between the two answers them.
    fn answered_request(self, member: &MemberId, other: &AffiliateId) -> Result<Vec<Transfer>> {
        let mut answered = store::member_transfers(&self.store, member)?;
        answered.retain(|t| {
            let open = matches!(t.status, TransferStatus::Sent | TransferStatus::Received);
            let between = &t.origin == other || &t.destination == other;
            t.request && open && &t.member == member && between
        });
        for t in &mut answered {
            t.status = TransferStatus::Accepted;
            t.updated_at = now();
        }
        Ok(answered)
    }

    /// One transfer, as `who` may see it.
    pub fn read_transfer(self, who: &Principal, id: &HandoffId) -> Result<Transfer> {
        let grant = self.allow(who, Action::ReadTransfers, &id.to_string())?;
        let found = self.transfer(id)?;
        grant.done(&self, &id.to_string(), None);
        Ok(grant.shown(found, Transfer::masked))
    }

    /// The transfers that match every filter given, newest first, as `who`
    /// may see them.
    pub fn list_transfers(self, who: &Principal, query: &TransferQuery) -> Result<Vec<Transfer>> {
        let grant = self.allow(who, Action::ReadTransfers, "transfers")?;
        let found = self.find_transfers(query)?;
        grant.done(&self, "transfers", Some(format!("{} shown", found.len())));
        Ok(grant.shown_all(found, Transfer::masked))
    }

    /// What the transfers page shows: every transfer, with the consent an
    /// incoming request came under and the names of the members this node
    /// keeps (none for a masked reader); one record.
    pub fn transfer_desk(self, who: &Principal) -> Result<TransferDesk> {
        let grant = self.allow(who, Action::ReadTransfers, "transfers")?;
        let all = self.transfers_in(None)?;
        let mut desk = TransferDesk::default();
        for t in &all {
            if let std::collections::hash_map::Entry::Vacant(slot) = desk.names.entry(t.member) {
                if let Some(m) = member_store::member(&self.store, &t.member)? {
                    slot.insert(grant.shown(m.holder_name, |_| String::new()));
                }
            }
            let asked_here = t.request && t.direction == Direction::Incoming;
            if let Some(c) = t.consent.filter(|_| asked_here && !grant.masked()) {
                if let Some(found) = store::consents(&self.store, &t.member)?
                    .into_iter()
                    .find(|k| k.id == c)
                {
                    desk.consents.insert(c, found);
                }
            }
        }
        grant.done(&self, "transfers", Some(format!("{} shown", all.len())));
        desk.transfers = grant.shown_all(all, Transfer::masked);
        Ok(desk)
    }

    pub(crate) fn transfer(self, id: &HandoffId) -> Result<Transfer> {
        store::transfer(&self.store, id)?.ok_or_else(|| NodeError::NotFound {
            what: "transfer",
            id: id.to_string(),
        })
    }

    /// The transfers that match every filter given, newest first.
    pub(crate) fn find_transfers(self, query: &TransferQuery) -> Result<Vec<Transfer>> {
        let mut found = self.transfers_in(query.direction)?;
        found.retain(|t| query.matches(t, &self.config.affiliate));
        Ok(found)
    }

    pub(crate) fn transfers_in(self, direction: Option<Direction>) -> Result<Vec<Transfer>> {
        let mut all = store::transfers(&self.store)?;
        all.retain(|t| direction.is_none_or(|d| t.direction == d));
        all.sort_by_key(|t| std::cmp::Reverse(t.updated_at));
        Ok(all)
    }

    /// The destination accepts: it keeps the worker's file as a local record
    /// linked to the origin membership, commits to represent them in its log,
    /// and tells the origin.
    pub async fn accept_transfer(self, who: &Principal, id: &HandoffId) -> Result<Transfer> {
        let work = self.accept_transfer_unchecked(id);
        self.guarded(
            who,
            Action::ChangeTransfers,
            &id.to_string(),
            "accept_transfer",
            work,
        )
        .await
    }

    async fn accept_transfer_unchecked(self, id: &HandoffId) -> Result<Transfer> {
        let mut transfer = self.incoming_pending(id)?;
        if transfer.request {
            // The origin approves a request by sending the transfer itself.
            let consent = transfer
                .consent
                .ok_or_else(|| NodeError::Storage("transfer request without its consent".into()))?;
            self.start_transfer_unchecked(NewTransfer {
                member: transfer.member,
                destination: Some(transfer.destination.clone()),
                consent,
                until: None,
                replaces: None,
                membership_move: false,
            })
            .await?;
            return self.transfer(id);
        }
        let guard = self.member_lock.lock().await;
        let file = transfer
            .file
            .clone()
            .ok_or_else(|| NodeError::Storage("incoming transfer without its file".into()))?;
        let at = now();
        transfer.status = TransferStatus::Accepted;
        transfer.updated_at = at;
        let decision = self.seal_decision(&transfer, true, None)?;
        // The entry, the member record, the transfer's status and the
        // decision for the origin are written in one batch: a crash leaves
        // either all of them or none.
        if transfer.membership_move {
            let mut record = self.members().moved_in(transfer.member, &file, at);
            let body = record.attestation(&self)?;
            self.append_with(body, |seq| {
                record.attestation_seq = seq.get();
                accepted(&record, &transfer, &decision)
            })
            .await?;
            self.metrics
                .members
                .set(member_store::member_count(&self.store) as i64);
            drop(guard);
            self.wake_outbox();
            // A worker this node represented for the origin is now its own member.
            for earlier in store::member_transfers(&self.store, &transfer.member)? {
                let same =
                    earlier.direction == Direction::Incoming && earlier.origin == transfer.origin;
                if same && earlier.status == TransferStatus::Accepted && earlier.id != transfer.id {
                    self.end_representation(&earlier.id, RepresentationEndReason::MembershipMoved)
                        .await?;
                }
            }
        } else {
            let local = MemberRecord::linked(transfer.member, transfer.origin.clone(), &file, at);
            let commitment = Body::Representation(RepresentationCommitment {
                member: transfer.member,
                home: transfer.origin.clone(),
                from: at,
                until: transfer.until,
            });
            self.append_with(commitment, |_| accepted(&local, &transfer, &decision))
                .await?;
            self.metrics
                .members
                .set(member_store::member_count(&self.store) as i64);
            drop(guard);
            self.wake_outbox();
        }
        Ok(transfer)
    }

    /// The destination declines, with a reason the origin will see.
    pub async fn decline_transfer(
        self,
        who: &Principal,
        id: &HandoffId,
        reason: String,
    ) -> Result<Transfer> {
        let work = self.decline_transfer_unchecked(id, reason);
        self.guarded(
            who,
            Action::ChangeTransfers,
            &id.to_string(),
            "decline_transfer",
            work,
        )
        .await
    }

    async fn decline_transfer_unchecked(self, id: &HandoffId, reason: String) -> Result<Transfer> {
        crate::text::required_line("reason", &reason, 500)?;
        let mut transfer = self.incoming_pending(id)?;
        transfer.status = TransferStatus::Declined {
            reason: reason.clone(),
        };
        transfer.updated_at = now();
        let decision = self.seal_decision(&transfer, false, Some(reason))?;
        let mut batch = Batch::default();
        store::stage_transfer(&mut batch, &transfer)?;
        crate::handoffs::store::stage_outbox(&mut batch, &decision)?;
        self.store.write(batch)?;
        self.store.flush().await?;
        self.wake_outbox();
        Ok(transfer)
    }

    /// Ends the representation an accepted transfer started; either side may.
    /// The end is an entry in this affiliate's log, so every node learns it.
    pub async fn end_transfer(
        self,
        who: &Principal,
        id: &HandoffId,
        reason: RepresentationEndReason,
    ) -> Result<Transfer> {
        let work = self.end_representation(id, reason);
        self.guarded(
            who,
            Action::ChangeTransfers,
            &id.to_string(),
            "end_representation",
            work,
        )
        .await
    }

    pub(crate) async fn end_representation(
        self,
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
        self.append(Body::RepresentationEnd(RepresentationEnd {
            member: transfer.member,
            home: transfer.origin.clone(),
            representing: transfer.destination.clone(),
            ended: at,
            reason,
        }))
        .await?;
        transfer.status = TransferStatus::Ended { reason };
        transfer.updated_at = at;
        store::put_transfer(&self.store, &transfer)?;
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
    pub(crate) fn member_transfers_unchecked(self, member: &MemberId) -> Result<Vec<Transfer>> {
        self.members().member(member)?;
        let mut found = store::member_transfers(&self.store, member)?;
        found.sort_by_key(|t| std::cmp::Reverse(t.updated_at));
        Ok(found)
    }

    fn incoming_pending(self, id: &HandoffId) -> Result<Transfer> {
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

    fn seal_decision(
        self,
        transfer: &Transfer,
        accepted: bool,
        reason: Option<String>,
    ) -> Result<crate::handoffs::OutboxItem> {
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
        self.seal_message(to, HandoffKind::TRANSFER_DECISION, &message)
    }

    /// At the origin, once a destination accepted: a worker moving on leaves
    /// the representation they had; a membership that moved lapses here.
    async fn after_acceptance(self, transfer: &Transfer) -> Result<()> {
        if let Some(old) = &transfer.replaces {
            if self.transfer(old)?.status == TransferStatus::Accepted {
                self.end_representation(old, RepresentationEndReason::MovedOn)
                    .await?;
            }
        }
        if transfer.membership_move {
            self.members()
                .set_status_unchecked(
                    &transfer.member,
                    crate::members::StatusChange {
                        status: MemberStatus::Lapsed,
                        reason: format!(
                            "membership moved to {} (transfer {})",
                            transfer.destination, transfer.id
                        ),
                    },
                )
                .await?;
            // The new home union decides who else represents the worker.
            for other in self.member_transfers_unchecked(&transfer.member)? {
                let in_force = other.direction == Direction::Outgoing
                    && other.status == TransferStatus::Accepted
                    && !other.request
                    && other.destination != transfer.destination;
                if in_force {
                    self.end_representation(&other.id, RepresentationEndReason::MembershipMoved)
                        .await?;
                }
            }
        }
        Ok(())
    }

    /// Ends, with an entry every node learns, the representations this
    /// affiliate committed to whose end date has passed.
    pub async fn end_expired(self, who: &Principal) -> Result<()> {
        let at = now();
        for transfer in store::transfers_due(&self.store, at)? {
            if transfer.status == TransferStatus::Accepted && !transfer.membership_move {
                self.end_transfer(who, &transfer.id, RepresentationEndReason::Expired)
                    .await?;
            }
        }
        Ok(())
    }

    /// An incoming member's file: the destination keeps it until it accepts
    /// or declines.
    async fn receive_transfer(self, item: &InboxItem, plain: &[u8]) -> Result<()> {
        let message: TransferMessage = serde_json::from_slice(plain).map_err(malformed(item))?;
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
            until: message.until,
            replaces: None,
            membership_move: message.membership_move,
            created_at: item.received_at,
            updated_at: item.received_at,
        };
        let mut batch = Batch::default();
        store::stage_transfer(&mut batch, &transfer)?;
        for answered in self.answered_request(&transfer.member, &item.sender)? {
            store::stage_transfer(&mut batch, &answered)?;
        }
        self.store.write(batch)
    }

    /// A destination asks this origin for a member's file.
    async fn receive_request(self, item: &InboxItem, plain: &[u8]) -> Result<()> {
        let message: RequestMessage = serde_json::from_slice(plain).map_err(malformed(item))?;
        if message.consent.recipient != item.sender || message.consent.member != message.member {
            return Err(NodeError::Invalid(format!(
                "transfer request {} from {} carries a consent for someone else",
                item.id, item.sender
            )));
        }
        self.members().member(&message.member)?;
        store::put_consent(&self.store, &message.consent)?;
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
            until: None,
            replaces: None,
            membership_move: false,
            created_at: item.received_at,
            updated_at: item.received_at,
        };
        store::put_transfer(&self.store, &transfer)
    }

    /// The other side's decision on a transfer or request this node sent.
    async fn receive_decision(self, item: &InboxItem, plain: &[u8]) -> Result<()> {
        let message: DecisionMessage = serde_json::from_slice(plain).map_err(malformed(item))?;
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
        if transfer.status != TransferStatus::Sent {
            // Decided already: a repeated decision changes nothing.
            return Ok(());
        }
        transfer.status = if message.accepted {
            TransferStatus::Accepted
        } else {
            TransferStatus::Declined {
                reason: message.reason.unwrap_or_default(),
            }
        };
        transfer.updated_at = now();
        store::put_transfer(&self.store, &transfer)?;
        self.store.flush().await?;
        if message.accepted && !transfer.request {
            self.after_acceptance(&transfer).await?;
        }
        Ok(())
    }

    /// The other side ended a representation.
    async fn receive_end(self, item: &InboxItem, plain: &[u8]) -> Result<()> {
        let message: EndMessage = serde_json::from_slice(plain).map_err(malformed(item))?;
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
            store::put_transfer(&self.store, &transfer)?;
        }
        Ok(())
    }

    /// The origin withdrew the consent a file came under: forget it.
    async fn receive_withdrawal(self, item: &InboxItem, plain: &[u8]) -> Result<()> {
        let message: WithdrawalMessage = serde_json::from_slice(plain).map_err(malformed(item))?;
        self.forget(&item.sender, &message.member).await
    }
}

/// What an accepted transfer writes with the entry that says so: the
/// member record, the transfer's status and the decision for the origin.
fn accepted(
    record: &MemberRecord,
    transfer: &Transfer,
    decision: &crate::handoffs::OutboxItem,
) -> Result<Batch> {
    let mut batch = Batch::default();
    member_store::stage_member(&mut batch, record)?;
    store::stage_transfer(&mut batch, transfer)?;
    crate::handoffs::store::stage_outbox(&mut batch, decision)?;
    Ok(batch)
}

/// The refusal of a handoff whose content does not parse.
fn malformed(item: &InboxItem) -> impl FnOnce(serde_json::Error) -> NodeError + '_ {
    move |e| NodeError::Invalid(format!("handoff {} from {}: {e}", item.id, item.sender))
}

/// The handoff kinds of members and transfers, and what acts on each.
pub(crate) fn register_handoffs(router: &mut crate::handoffs::HandoffRouter) {
    router.register(HandoffKind::MEMBER_TRANSFER, |s, i, p| {
        Box::pin(s.transfers().receive_transfer(i, p))
    });
    router.register(HandoffKind::TRANSFER_REQUEST, |s, i, p| {
        Box::pin(s.transfers().receive_request(i, p))
    });
    router.register(HandoffKind::TRANSFER_DECISION, |s, i, p| {
        Box::pin(s.transfers().receive_decision(i, p))
    });
    router.register(HandoffKind::REPRESENTATION_END, |s, i, p| {
        Box::pin(s.transfers().receive_end(i, p))
    });
    router.register(HandoffKind::CONSENT_WITHDRAWAL, |s, i, p| {
        Box::pin(s.transfers().receive_withdrawal(i, p))
    });
}
