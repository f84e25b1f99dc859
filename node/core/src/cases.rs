//! The case desk: inquiries and complaints from migrant workers, from intake
//! to resolution. A case never leaves this node except inside a case-referral
//! handoff the worker consented to.
//!
//! Intake comes from staff (walk-ins, hotline, hub visits, outreach), from the
//! public form (named or anonymous, followed with a receipt code), and from
//! partners holding a scoped token. Every transition and every action is an
//! event with its time and actor.

pub mod attachments;
pub mod contract;
pub mod partners;
pub mod public;
pub mod receipt;
pub mod referrals;
pub mod reports;
pub(crate) mod store;
pub mod taxonomy;

use crate::access::{Action, Principal};
use crate::error::{NodeError, Result};
use crate::node::{now, NodeState};
use serde::{Deserialize, Serialize};
use taxonomy::{Category, RiskFlag};
use unionfed_protocol::{CountryCode, HandoffId, MemberId, Timestamp};
use utoipa::ToSchema;

/// The snake_case name serde gives a unit variant (`unpaid_wages`), as the
/// API, the forms, the catalogs' keys and the reports spell it.
pub fn code_of<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

/// The variant named `code`, as [`code_of`] spells it.
pub fn from_code<T: serde::de::DeserializeOwned>(code: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(code.to_owned())).ok()
}

/// A case's id: random 128 bits, written as 32 hex digits.
pub type CaseId = HandoffId;

const HOUR: u64 = 3600;
const DAY: u64 = 86_400;
/// Limits on what a case holds, so that one case cannot fill the store.
pub const MAX_DESCRIPTION: usize = 10_000;
pub const MAX_NOTE: usize = 4_000;
pub const MAX_FIELD: usize = 200;
pub const MAX_EVENTS: usize = 5_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseKind {
    /// A question: rights, procedures, where to go.
    Inquiry,
    /// Something went wrong and the worker wants it put right.
    Complaint,
}

/// How staff received a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StaffChannel {
    WalkIn,
    Hotline,
    HubVisit,
    Outreach,
}

/// Where a case came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", tag = "channel")]
pub enum Channel {
    /// Entered by staff.
    Staff { how: StaffChannel },
    /// The public complaint form.
    PublicForm,
    /// Referred by a partner (ministry, embassy, shelter, NGO) through its token.
    Partner {
        #[schema(value_type = String)]
        partner: HandoffId,
    },
    /// Referred by another affiliate over a case-referral handoff.
    Affiliate {
        #[schema(value_type = String)]
        from: unionfed_protocol::AffiliateId,
    },
}

/// Why a case is rejected at verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rejection {
    Spam,
    Duplicate,
    OutOfScope,
}

/// How a resolved case ended for the worker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Remedied,
    PartlyRemedied,
    NotRemedied,
    Withdrawn,
}

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    New,
    Verified,
    Rejected,
    InProgress,
    Referred,
    Resolved,
    Closed,
}

impl CaseStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::New => "new",
            CaseStatus::Verified => "verified",
            CaseStatus::Rejected => "rejected",
            CaseStatus::InProgress => "in_progress",
            CaseStatus::Referred => "referred",
            CaseStatus::Resolved => "resolved",
            CaseStatus::Closed => "closed",
        }
    }

    /// Open cases are worked on and can be overdue.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            CaseStatus::Rejected | CaseStatus::Resolved | CaseStatus::Closed
        )
    }

    /// The states a case may move to from this one ("reopen" is a move to
    /// `in_progress` from resolved or closed, or to `new` from rejected).
    pub fn next(self) -> &'static [CaseStatus] {
        use CaseStatus::*;
        match self {
            New => &[Verified, Rejected],
            Verified => &[InProgress, Referred, Resolved],
            InProgress => &[Referred, Resolved],
            Referred => &[InProgress, Resolved],
            Resolved => &[Closed, InProgress],
            Closed => &[InProgress],
            Rejected => &[New],
        }
    }
}

/// How urgent a case is; it sets the due dates and the order of every queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    /// A risk flag is raised: danger to life, liberty or health.
    Urgent,
    /// A category that is a forced-labour indicator.
    High,
    Normal,
}

impl Priority {
    /// Hours within which the union promises a first response: what the
    /// receipt page tells a worker.
    pub fn first_response_hours(self) -> u64 {
        self.first_response() / HOUR
    }

    /// Time allowed to the first response (verification).
    fn first_response(self) -> u64 {
        match self {
            Priority::Urgent => 24 * HOUR,
            Priority::High => 3 * DAY,
            Priority::Normal => 7 * DAY,
        }
    }

    /// Time allowed from verification to resolution.
    pub(crate) fn resolution_secs(self) -> u64 {
        match self {
            Priority::Urgent => 7 * DAY,
            Priority::High => 30 * DAY,
            Priority::Normal => 60 * DAY,
        }
    }

    pub fn of(categories: &[Category], flags: &[RiskFlag]) -> Priority {
        if !flags.is_empty() {
            Priority::Urgent
        } else if categories
            .iter()
            .any(|c| c.info().forced_labour_indicator.is_some())
        {
            Priority::High
        } else {
            Priority::Normal
        }
    }
}

/// The worker a case is about: a member of this node, or named in free
/// text, or nobody at all (anonymous).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Worker {
    #[schema(value_type = Option<String>)]
    pub member: Option<MemberId>,
    pub name: Option<String>,
    pub contact: Option<String>,
    /// True when the worker did not give their name.
    pub anonymous: bool,
}

/// What staff do on a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    Call,
    Visit,
    Letter,
    Meeting,
    LegalFiling,
    Note,
}

/// One thing that happened on a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", tag = "event")]
pub enum EventKind {
    Created,
    Transition {
        from: CaseStatus,
        to: CaseStatus,
        rejection: Option<Rejection>,
        outcome: Option<Outcome>,
    },
    Action {
        action: ActionKind,
    },
    Assigned {
        to: String,
    },
    /// A message the worker can read with their receipt code.
    MessageToWorker,
    /// A message the worker sent with their receipt code.
    MessageFromWorker,
    /// The worker's consent was recorded or replaced.
    Consent,
    /// The case went somewhere without the worker's consent, under the
    /// legal basis in the note.
    ConsentOverride,
    Referred {
        to: String,
    },
    ReferralUpdate {
        to: String,
        status: referrals::ReferralStatus,
    },
    /// This affiliate took (or declined) a case another affiliate referred.
    ReferralDecision {
        accepted: bool,
    },
    /// Contract evidence was attached, and whether it shows substitution.
    Contract {
        substitution: bool,
    },
    /// The personal fields were erased (on request, or by retention).
    Erased,
    /// A file was attached; the note is its name.
    Attached {
        sha256: String,
    },
}

impl EventKind {
    /// The event's tag as the API writes it (`transition`, `referral_update`).
    pub fn name(&self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.get("event").and_then(|x| x.as_str()).map(str::to_owned))
            .unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CaseEvent {
    #[schema(value_type = u64)]
    pub at: Timestamp,
    /// Who did it: a staff member's name, `worker`, `public form`, or a partner.
    pub actor: String,
    #[serde(flatten)]
    pub kind: EventKind,
    pub note: Option<String>,
}

/// An inquiry or complaint as this node keeps it.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Case {
    #[schema(value_type = String)]
    pub id: CaseId,
    /// A short reference to say on the phone, e.g. `KSPI-2026-4821`.
    pub reference: String,
    pub kind: CaseKind,
    pub categories: Vec<Category>,
    pub risk_flags: Vec<RiskFlag>,
    pub priority: Priority,
    #[schema(value_type = Option<String>, example = "ID")]
    pub origin_country: Option<CountryCode>,
    #[schema(value_type = Option<String>, example = "MY")]
    pub destination_country: Option<CountryCode>,
    pub sector: Option<String>,
    pub employer: Option<String>,
    pub recruitment_agency: Option<String>,
    pub worker: Worker,
    pub description: String,
    #[serde(flatten)]
    pub channel: Channel,
    pub status: CaseStatus,
    pub outcome: Option<Outcome>,
    pub assigned_to: Option<String>,
    /// When the next step is due: verification while new, resolution after.
    #[schema(value_type = Option<u64>)]
    pub due_at: Option<Timestamp>,
    #[schema(value_type = u64)]
    pub created_at: Timestamp,
    #[schema(value_type = u64)]
    pub updated_at: Timestamp,
    pub events: Vec<CaseEvent>,
    /// What the worker agreed to share, with whom.
    #[serde(default)]
    pub consent: Option<referrals::CaseConsent>,
    #[serde(default)]
    pub referrals: Vec<referrals::Referral>,
    /// For a case another affiliate handed here.
    #[serde(default)]
    pub referred_from: Option<referrals::ReferredFrom>,
    /// For a case handed to another affiliate: where it stands there.
    #[serde(default)]
    pub handled_elsewhere: Option<referrals::HandledElsewhere>,
    /// The contract signed beside the work as it is.
    #[serde(default)]
    pub contract: Option<contract::ContractEvidence>,
    /// True once the personal fields are erased; what remains feeds the
    /// statistics only.
    #[serde(default)]
    pub erased: bool,
    #[serde(default)]
    pub attachments: Vec<attachments::Attachment>,
    /// Whether the worker holds a receipt code, and so can read messages
    /// and write to the case officer. The code's hash is kept apart and
    /// never shown.
    pub receipt_code: bool,
}

impl Case {
    /// Without the worker, the narrative, notes, files and contract: what
    /// an organiser or a viewer sees of a case.
    pub fn masked(self) -> Case {
        Case {
            worker: Worker {
                member: None,
                name: None,
                contact: None,
                anonymous: self.worker.anonymous,
            },
            employer: None,
            recruitment_agency: None,
            description: String::new(),
            consent: self.consent.map(|c| referrals::CaseConsent {
                purposes: Vec::new(),
                ..c
            }),
            events: self
                .events
                .into_iter()
                .map(|e| CaseEvent { note: None, ..e })
                .collect(),
            referrals: self
                .referrals
                .into_iter()
                .map(|r| referrals::Referral {
                    remark: None,
                    override_basis: None,
                    ..r
                })
                .collect(),
            // Whether a contract was recorded and shows substitution stays;
            // its terms go.
            contract: self.contract.map(|c| contract::ContractEvidence {
                signed: Default::default(),
                experienced: Default::default(),
                document_sha256: None,
                differences: Vec::new(),
                substitution: c.substitution,
            }),
            attachments: Vec::new(),
            ..self
        }
    }

    pub fn is_overdue(&self, at: Timestamp) -> bool {
        self.status.is_open() && self.due_at.is_some_and(|d| d < at)
    }

    fn push(&mut self, event: CaseEvent) -> Result<()> {
        if self.events.len() >= MAX_EVENTS {
            return Err(NodeError::Invalid(format!(
                "case {} has {MAX_EVENTS} events, the most one case holds; open a new case that refers to it",
                self.reference
            )));
        }
        self.updated_at = event.at;
        self.events.push(event);
        Ok(())
    }
}

/// A case as staff enter it, or as a channel delivers it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCase {
    pub kind: CaseKind,
    /// One or more categories from `GET /api/v1/cases/taxonomy`.
    pub categories: Vec<Category>,
    #[serde(default)]
    pub risk_flags: Vec<RiskFlag>,
    #[schema(value_type = Option<String>)]
    pub origin_country: Option<CountryCode>,
    #[schema(value_type = Option<String>)]
    pub destination_country: Option<CountryCode>,
    pub sector: Option<String>,
    pub employer: Option<String>,
    pub recruitment_agency: Option<String>,
    /// A member of this node the case is about.
    #[schema(value_type = Option<String>)]
    pub member: Option<MemberId>,
    pub worker_name: Option<String>,
    pub worker_contact: Option<String>,
    pub description: String,
}

/// A case entered by staff: the case, how it came in, and who entered it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffIntake {
    #[serde(flatten)]
    pub case: NewCase,
    pub how: StaffChannel,
    /// Set by the node to whoever is signed in or owns the token.
    #[serde(skip)]
    pub actor: String,
}

/// A move of a case to another state.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transition {
    pub to: CaseStatus,
    #[serde(skip)]
    pub actor: String,
    /// Required when rejecting.
    pub rejection: Option<Rejection>,
    /// Required when resolving.
    pub outcome: Option<Outcome>,
    /// Why; required when rejecting or reopening.
    pub note: Option<String>,
}

/// Something staff did on a case.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAction {
    pub action: ActionKind,
    #[serde(skip)]
    pub actor: String,
    pub note: String,
}

/// Who handles a case.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub to: String,
    #[serde(skip)]
    pub actor: String,
}

/// A message for the worker, who reads it with their receipt code.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StaffMessage {
    #[serde(skip)]
    pub actor: String,
    pub text: String,
}

/// Filters for the case list; each one given must match.
#[derive(Debug, Clone, Default)]
pub struct CaseQuery {
    pub status: Option<CaseStatus>,
    pub category: Option<Category>,
    pub assigned_to: Option<String>,
    pub overdue: bool,
    pub risk: bool,
    pub open: bool,
}

pub(crate) use crate::text::{check_required, check_text};

fn check_optional(field: &str, value: &Option<String>) -> Result<()> {
    value
        .as_deref()
        .map_or(Ok(()), |v| check_text(field, v, MAX_FIELD))
}

impl NewCase {
    fn validate(&self) -> Result<()> {
        if self.categories.is_empty() {
            return Err(NodeError::Invalid(
                "name at least one category; GET /api/v1/cases/taxonomy lists them".into(),
            ));
        }
        if self.categories.len() > 10 || self.risk_flags.len() > 10 {
            return Err(NodeError::Invalid(
                "at most 10 categories and 10 risk flags".into(),
            ));
        }
        check_required("description", &self.description, MAX_DESCRIPTION)?;
        crate::countries::check(self.origin_country, "origin_country")?;
        crate::countries::check(self.destination_country, "destination_country")?;
        for (field, value) in [
            ("sector", &self.sector),
            ("employer", &self.employer),
            ("recruitment_agency", &self.recruitment_agency),
            ("worker_name", &self.worker_name),
            ("worker_contact", &self.worker_contact),
        ] {
            check_optional(field, value)?;
        }
        Ok(())
    }
}

fn dedup<T: PartialEq + Copy>(items: &[T]) -> Vec<T> {
    let mut out = Vec::with_capacity(items.len());
    for i in items {
        if !out.contains(i) {
            out.push(*i);
        }
    }
    out
}

/// A node's case desk: intake, the queue, case work, complaints and receipts, partners, referrals, files and reports.
/// Reach it with [`NodeState::cases`]; every `pub` function here decides
/// through the one policy (`access`) and records through the audit trail.
#[derive(Debug, Clone, Copy)]
pub struct CaseDesk<'a> {
    state: &'a NodeState,
}

impl std::ops::Deref for CaseDesk<'_> {
    type Target = NodeState;
    fn deref(&self) -> &NodeState {
        self.state
    }
}

impl NodeState {
    /// A node's case desk: intake, the queue, case work, complaints and receipts, partners, referrals, files and reports.
    pub fn cases(&self) -> CaseDesk<'_> {
        CaseDesk { state: self }
    }
}

impl CaseDesk<'_> {
    /// Opens a case from any channel. `at` is the time to record (coarse for
    /// the public channels).
    pub(crate) async fn open_case(
        self,
        input: NewCase,
        channel: Channel,
        actor: &str,
        at: Timestamp,
        receipt: Option<receipt::ReceiptLock>,
    ) -> Result<Case> {
        let case = self.build_case(
            input,
            channel,
            actor,
            at,
            CaseId::random(),
            receipt.is_some(),
        )?;
        self.store_new_case(case, receipt.as_ref()).await
    }

    /// Opens a case under a given id: a case referred by another affiliate
    /// takes the id of the handoff that carried it, so it is opened once.
    /// `complete` adds what the channel knows (where the case came from)
    /// before the case is first written, so no reader sees it half made.
    pub(crate) async fn open_case_from(
        self,
        input: NewCase,
        channel: Channel,
        actor: &str,
        at: Timestamp,
        id: CaseId,
        complete: impl FnOnce(&mut Case) -> Result<()>,
    ) -> Result<Case> {
        if let Some(held) = store::case(&self.store, &id)? {
            return Ok(held);
        }
        let mut case = self.build_case(input, channel, actor, at, id, false)?;
        complete(&mut case)?;
        self.store_new_case(case, None).await
    }

    /// Stores a new case (and the hash of its receipt code) durably.
    async fn store_new_case(
        self,
        case: Case,
        receipt: Option<&receipt::ReceiptLock>,
    ) -> Result<Case> {
        store::put_case(&self.store, &case, receipt)?;
        self.store.flush().await?;
        self.metrics.cases_opened.inc();
        Ok(case)
    }

    /// A new case from `input`, checked, with its first event; not stored.
    fn build_case(
        self,
        input: NewCase,
        channel: Channel,
        actor: &str,
        at: Timestamp,
        id: CaseId,
        receipt_code: bool,
    ) -> Result<Case> {
        input.validate()?;
        if let Some(m) = &input.member {
            self.members().member(m)?;
        }
        let categories = dedup(&input.categories);
        let risk_flags = dedup(&input.risk_flags);
        let priority = Priority::of(&categories, &risk_flags);
        let anonymous = input.worker_name.is_none() && input.member.is_none();
        let mut case = Case {
            id,
            reference: self.case_reference(&id, at),
            kind: input.kind,
            categories,
            risk_flags,
            priority,
            origin_country: input.origin_country,
            destination_country: input.destination_country,
            sector: input.sector,
            employer: input.employer,
            recruitment_agency: input.recruitment_agency,
            worker: Worker {
                member: input.member,
                name: input.worker_name,
                contact: input.worker_contact,
                anonymous,
            },
            description: input.description,
            channel,
            status: CaseStatus::New,
            outcome: None,
            assigned_to: None,
            due_at: Some(Timestamp(at.secs() + priority.first_response())),
            created_at: at,
            updated_at: at,
            events: Vec::new(),
            consent: None,
            referrals: Vec::new(),
            referred_from: None,
            handled_elsewhere: None,
            contract: None,
            erased: false,
            attachments: Vec::new(),
            receipt_code,
        };
        case.push(CaseEvent {
            at,
            actor: actor.to_owned(),
            kind: EventKind::Created,
            note: None,
        })?;
        Ok(case)
    }

    /// `KSPI-2026-4821`: the affiliate, the year, and four digits of the id.
    fn case_reference(self, id: &CaseId, at: Timestamp) -> String {
        let day = reports::day_string(at);
        let year = day.split('-').next().unwrap_or("0000");
        let digits = u16::from_be_bytes([id.as_bytes()[0], id.as_bytes()[1]]) % 10_000;
        format!("{}-{year}-{digits:04}", self.config.affiliate)
    }

    /// A case entered by staff.
    pub async fn intake(self, who: &Principal, input: StaffIntake) -> Result<Case> {
        let grant = self.allow(who, Action::ChangeCase, "new case")?;
        let mut input = input;
        input.actor = who.display_name();
        let case = self.intake_unchecked(input).await?;
        grant.done_as(&self, "open_case", &case.id.to_string(), None);
        Ok(case)
    }

    async fn intake_unchecked(self, input: StaffIntake) -> Result<Case> {
        check_required("actor", &input.actor, MAX_FIELD)?;
        self.open_case(
            input.case,
            Channel::Staff { how: input.how },
            &input.actor,
            now(),
            None,
        )
        .await
    }

    /// One case, as `who` may see it.
    pub fn read_case(self, who: &Principal, id: &CaseId) -> Result<Case> {
        let grant = self.allow(who, Action::ReadCase, &id.to_string())?;
        let case = self.with_delivery(self.case(id)?);
        grant.done(&self, &id.to_string(), None);
        Ok(grant.shown(case, Case::masked))
    }

    /// A whole case as a file to keep (the worker's access request).
    pub fn export_case(self, who: &Principal, id: &CaseId) -> Result<Case> {
        let grant = self.allow(who, Action::ExportCases, &id.to_string())?;
        let case = self.with_delivery(self.case(id)?);
        grant.done_as(&self, "export_case", &id.to_string(), None);
        Ok(case)
    }

    /// The cases matching `query`, as `who` may see them; one record.
    pub fn list_cases(self, who: &Principal, query: &CaseQuery) -> Result<Vec<Case>> {
        let grant = self.allow(who, Action::ListCases, "cases")?;
        let found = self.matching_cases(query)?;
        grant.done(&self, "cases", Some(format!("{} shown", found.len())));
        Ok(grant.shown_all(found, Case::masked))
    }

    /// The cases that name member `id`.
    pub(crate) fn cases_of_member(self, id: &unionfed_protocol::MemberId) -> Result<Vec<Case>> {
        Ok(store::cases(&self.store)?
            .into_iter()
            .filter(|c| c.worker.member.as_ref() == Some(id))
            .map(|c| self.with_delivery(c))
            .collect())
    }

    pub(crate) fn case(self, id: &CaseId) -> Result<Case> {
        store::case(&self.store, id)?.ok_or_else(|| NodeError::NotFound {
            what: "case",
            id: id.to_string(),
        })
    }

    /// Cases matching `query`: risk-flagged first, then by priority, then
    /// the earliest due.
    pub(crate) fn matching_cases(self, query: &CaseQuery) -> Result<Vec<Case>> {
        let at = now();
        let mut cases = store::cases(&self.store)?;
        cases.retain(|c| {
            query.status.is_none_or(|s| s == c.status)
                && query.category.is_none_or(|k| c.categories.contains(&k))
                && query
                    .assigned_to
                    .as_ref()
                    .is_none_or(|a| c.assigned_to.as_ref() == Some(a))
                && (!query.overdue || c.is_overdue(at))
                && (!query.risk || !c.risk_flags.is_empty())
                && (!query.open || c.status.is_open())
        });
        cases.sort_by_key(|c| {
            (
                c.risk_flags.is_empty(),
                c.priority,
                c.due_at.map_or(u64::MAX, |d| d.secs()),
                std::cmp::Reverse(c.updated_at),
            )
        });
        Ok(cases)
    }

    /// Writes a changed case, refusing the change if the case changed
    /// meanwhile (two officers at once): the second is told to reload.
    pub(crate) async fn save_case(self, before: &Case, after: &Case) -> Result<()> {
        self.save_case_sending(before, after, &[]).await
    }

    /// Like [`CaseDesk::save_case`], with `handoff` (a message about the
    /// case to another affiliate) put in the outbox in the same batch.
    pub(crate) async fn save_case_sending(
        self,
        before: &Case,
        after: &Case,
        handoffs: &[crate::handoffs::OutboxItem],
    ) -> Result<()> {
        if !store::replace_case_with(&self.store, before, after, handoffs)? {
            return Err(NodeError::Invalid(format!(
                "case {} was changed by someone else just now; reload it and try again",
                before.reference
            )));
        }
        self.store.flush().await?;
        if !handoffs.is_empty() {
            self.wake_outbox();
        }
        Ok(())
    }

    /// Moves a case along its workflow.
    pub async fn transition(self, who: &Principal, id: &CaseId, t: Transition) -> Result<Case> {
        self.guarded_by(
            who,
            Action::ChangeCase,
            &id.to_string(),
            "transition_case",
            |actor| self.transition_unchecked(id, Transition { actor, ..t }),
        )
        .await
    }

    async fn transition_unchecked(self, id: &CaseId, t: Transition) -> Result<Case> {
        check_required("actor", &t.actor, MAX_FIELD)?;
        if let Some(n) = &t.note {
            check_text("note", n, MAX_NOTE)?;
        }
        let before = self.case(id)?;
        if before
            .referred_from
            .as_ref()
            .is_some_and(|f| f.accepted.is_none())
        {
            return Err(NodeError::Invalid(format!(
                "case {} was referred by another union; take it or decline it first",
                before.reference
            )));
        }
        let from = before.status;
        if !from.next().contains(&t.to) {
            let allowed: Vec<&str> = from.next().iter().map(|s| s.as_str()).collect();
            return Err(NodeError::Invalid(format!(
                "case {} is {}; it can move to {} but not to {}",
                before.reference,
                from.as_str(),
                allowed.join(" or "),
                t.to.as_str()
            )));
        }
        let noted = t.note.as_deref().is_some_and(|n| !n.trim().is_empty());
        let reopening = !from.is_open() && t.to.is_open();
        match t.to {
            CaseStatus::Rejected if t.rejection.is_none() || !noted => {
                return Err(NodeError::Invalid(
                    "a rejection needs its reason (spam, duplicate or out_of_scope) and a note"
                        .into(),
                ))
            }
            CaseStatus::Resolved if t.outcome.is_none() => return Err(NodeError::Invalid(
                "resolving needs the outcome: remedied, partly_remedied, not_remedied or withdrawn"
                    .into(),
            )),
            _ if reopening && !noted => {
                return Err(NodeError::Invalid(
                    "reopening a case needs a note saying why".into(),
                ))
            }
            _ => {}
        }
        if t.rejection.is_some() && t.to != CaseStatus::Rejected {
            return Err(NodeError::Invalid(
                "rejection is only for a move to rejected".into(),
            ));
        }
        if t.outcome.is_some() && t.to != CaseStatus::Resolved {
            return Err(NodeError::Invalid(
                "outcome is only for a move to resolved".into(),
            ));
        }
        let at = now();
        let mut case = before.clone();
        case.status = t.to;
        case.outcome = match t.to {
            CaseStatus::Resolved => t.outcome,
            CaseStatus::Closed => case.outcome,
            _ => None,
        };
        case.due_at = match t.to {
            CaseStatus::New => Some(Timestamp(at.secs() + case.priority.first_response())),
            CaseStatus::Verified | CaseStatus::InProgress
                if from == CaseStatus::New || reopening =>
            {
                Some(Timestamp(at.secs() + case.priority.resolution_secs()))
            }
            s if s.is_open() => case.due_at,
            _ => None,
        };
        case.push(CaseEvent {
            at,
            actor: t.actor,
            kind: EventKind::Transition {
                from,
                to: t.to,
                rejection: t.rejection,
                outcome: t.outcome,
            },
            note: t.note,
        })?;
        // A case another affiliate referred here: it hears of every move.
        if !self.report_back(&before, &case).await? {
            self.save_case(&before, &case).await?;
        }
        Ok(case)
    }

    /// Records a call, visit, letter, meeting, legal filing or note.
    pub async fn add_action(self, who: &Principal, id: &CaseId, action: NewAction) -> Result<Case> {
        self.guarded_by(
            who,
            Action::ChangeCase,
            &id.to_string(),
            "case_action",
            |actor| self.add_action_unchecked(id, NewAction { actor, ..action }),
        )
        .await
    }

    async fn add_action_unchecked(self, id: &CaseId, action: NewAction) -> Result<Case> {
        check_required("actor", &action.actor, MAX_FIELD)?;
        check_required("note", &action.note, MAX_NOTE)?;
        let before = self.case(id)?;
        let mut case = before.clone();
        case.push(CaseEvent {
            at: now(),
            actor: action.actor,
            kind: EventKind::Action {
                action: action.action,
            },
            note: Some(action.note),
        })?;
        self.save_case(&before, &case).await?;
        Ok(case)
    }

    /// Gives a case to a case officer.
    pub async fn assign(self, who: &Principal, id: &CaseId, a: Assignment) -> Result<Case> {
        self.guarded_by(
            who,
            Action::ChangeCase,
            &id.to_string(),
            "assign_case",
            |actor| self.assign_unchecked(id, Assignment { actor, ..a }),
        )
        .await
    }

    async fn assign_unchecked(self, id: &CaseId, a: Assignment) -> Result<Case> {
        check_required("actor", &a.actor, MAX_FIELD)?;
        check_required("to", &a.to, MAX_FIELD)?;
        let before = self.case(id)?;
        let mut case = before.clone();
        case.assigned_to = Some(a.to.trim().to_owned());
        case.push(CaseEvent {
            at: now(),
            actor: a.actor,
            kind: EventKind::Assigned {
                to: a.to.trim().to_owned(),
            },
            note: None,
        })?;
        self.save_case(&before, &case).await?;
        Ok(case)
    }

    /// Writes to the worker, who reads it with their receipt code.
    pub async fn message_worker(
        self,
        who: &Principal,
        id: &CaseId,
        m: StaffMessage,
    ) -> Result<Case> {
        self.guarded_by(
            who,
            Action::ChangeCase,
            &id.to_string(),
            "message_worker",
            |actor| self.message_worker_unchecked(id, StaffMessage { actor, ..m }),
        )
        .await
    }

    async fn message_worker_unchecked(self, id: &CaseId, m: StaffMessage) -> Result<Case> {
        check_required("actor", &m.actor, MAX_FIELD)?;
        check_required("text", &m.text, MAX_NOTE)?;
        let before = self.case(id)?;
        if !before.receipt_code {
            return Err(NodeError::Invalid(format!(
                "case {} has no receipt code, so the worker cannot read messages; contact them directly",
                before.reference
            )));
        }
        let mut case = before.clone();
        case.push(CaseEvent {
            at: now(),
            actor: m.actor,
            kind: EventKind::MessageToWorker,
            note: Some(m.text),
        })?;
        self.save_case(&before, &case).await?;
        Ok(case)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_follows_risk_then_forced_labour_indicators() {
        use Category::*;
        assert_eq!(
            Priority::of(&[Other], &[RiskFlag::ChildLabour]),
            Priority::Urgent
        );
        assert_eq!(Priority::of(&[Other, DebtBondage], &[]), Priority::High);
        assert_eq!(Priority::of(&[UnfairDismissal], &[]), Priority::Normal);
    }

    #[test]
    fn only_open_cases_past_their_due_date_are_overdue() {
        let mut case: Case = serde_json::from_value(serde_json::json!({
            "id": "00000000000000000000000000000001", "reference": "KSPI-2026-0001",
            "kind": "complaint", "categories": ["other"], "risk_flags": [], "priority": "normal",
            "origin_country": null, "destination_country": null, "sector": null, "employer": null,
            "recruitment_agency": null, "worker": { "member": null, "name": null, "contact": null, "anonymous": true },
            "description": "x", "channel": "public_form", "status": "new", "outcome": null,
            "assigned_to": null, "due_at": 1000, "created_at": 0, "updated_at": 0, "events": [],
            "receipt_code": false
        }))
        .unwrap();
        assert!(!case.is_overdue(Timestamp(999)));
        assert!(case.is_overdue(Timestamp(1001)));
        case.status = CaseStatus::Resolved;
        assert!(!case.is_overdue(Timestamp(1001)));
    }

    #[test]
    fn every_state_can_be_left_and_closed_cases_only_reopen() {
        for s in [
            CaseStatus::New,
            CaseStatus::Verified,
            CaseStatus::Rejected,
            CaseStatus::InProgress,
            CaseStatus::Referred,
            CaseStatus::Resolved,
            CaseStatus::Closed,
        ] {
            assert!(!s.next().is_empty(), "{s:?} is a dead end");
            assert!(!s.next().contains(&s));
        }
        assert_eq!(CaseStatus::Closed.next(), &[CaseStatus::InProgress]);
    }
}
