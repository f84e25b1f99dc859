//! Referrals out of a case: to an entry of the service directory
//! (government agencies, labour attachés, embassies, NGOs, shelters, legal
//! aid), or to another affiliate over a case-referral handoff that carries
//! only what the worker agreed to share. Status comes back from staff, from
//! the partner's token, or over case-status handoffs.

use super::partners::{Partner, PartnerScope};
use super::taxonomy::{Category, RiskFlag};
use super::CaseDesk;
use super::{
    check_required, check_text, Case, CaseEvent, CaseId, CaseKind, CaseStatus, Channel, EventKind,
    NewCase, Outcome, MAX_FIELD, MAX_NOTE,
};
use crate::access::{Action, Principal};
use crate::error::{NodeError, Result};
use crate::handoffs::InboxItem;
use crate::node::now;
use crate::transfers::ConsentGiven;
use serde::{Deserialize, Serialize};
use unionfed_protocol::{AffiliateId, CountryCode, HandoffId, HandoffKind, Timestamp};
use utoipa::ToSchema;

/// Entries of the directory a node holds at most.
pub const MAX_SERVICES: usize = 10_000;
/// Referrals one case holds at most.
pub const MAX_REFERRALS: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ServiceKind {
    GovernmentAgency,
    LabourAttache,
    Embassy,
    Ngo,
    Shelter,
    LegalAid,
    Other,
}

impl std::str::FromStr for ServiceKind {
    type Err = NodeError;
    fn from_str(s: &str) -> Result<Self> {
        super::from_code(s.trim()).ok_or_else(|| {
            NodeError::Invalid(format!(
                "kind {s:?} is not one of government_agency, labour_attache, embassy, ngo, shelter, legal_aid, other"
            ))
        })
    }
}

/// An entry of the service directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Service {
    #[schema(value_type = String)]
    pub id: HandoffId,
    #[schema(value_type = String, example = "MY")]
    pub country: CountryCode,
    pub kind: ServiceKind,
    pub name: String,
    /// Phone, e-mail, address: how to reach them.
    pub contact: Option<String>,
    pub languages: Option<String>,
    pub notes: Option<String>,
    /// The partner whose token may update referrals to this service.
    #[schema(value_type = Option<String>)]
    pub partner: Option<HandoffId>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewService {
    #[schema(value_type = String)]
    pub country: CountryCode,
    pub kind: ServiceKind,
    pub name: String,
    pub contact: Option<String>,
    pub languages: Option<String>,
    pub notes: Option<String>,
    #[schema(value_type = Option<String>)]
    pub partner: Option<HandoffId>,
}

/// The result of a CSV import: all rows, or none.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportReport {
    pub imported: usize,
}

/// What a worker may share, and with whom.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SharedField {
    WorkerName,
    WorkerContact,
    Employer,
    RecruitmentAgency,
    Sector,
    Description,
}

/// The worker's consent for a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct CaseConsent {
    pub given: ConsentGiven,
    pub recorded_by: String,
    #[schema(value_type = u64)]
    pub recorded_at: Timestamp,
    /// May the union contact the worker directly?
    pub contact_allowed: bool,
    /// Affiliates the case may be handed to.
    #[schema(value_type = Vec<String>)]
    pub affiliates: Vec<AffiliateId>,
    /// Directory entries the case may be referred to.
    #[schema(value_type = Vec<String>)]
    pub services: Vec<HandoffId>,
    pub purposes: Vec<String>,
    /// The fields that may go with a referral; the categories, corridor and
    /// risk flags always go.
    pub fields: Vec<SharedField>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCaseConsent {
    pub given: ConsentGiven,
    #[serde(skip)]
    pub recorded_by: String,
    pub contact_allowed: bool,
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub affiliates: Vec<AffiliateId>,
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub services: Vec<HandoffId>,
    pub purposes: Vec<String>,
    pub fields: Vec<SharedField>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReferralStatus {
    Sent,
    Accepted,
    Declined,
    Done,
}

/// Where a referral went.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case", tag = "to")]
pub enum ReferralTarget {
    Service {
        #[schema(value_type = String)]
        service: HandoffId,
        name: String,
    },
    Affiliate {
        #[schema(value_type = String)]
        affiliate: AffiliateId,
    },
}

/// A referral out of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Referral {
    /// For a referral to an affiliate, the id of the handoff that carried it.
    #[schema(value_type = String)]
    pub id: HandoffId,
    #[serde(flatten)]
    pub target: ReferralTarget,
    pub status: ReferralStatus,
    /// The fields that went with it.
    pub fields: Vec<SharedField>,
    /// Set when it went without consent, under a documented legal basis.
    pub override_basis: Option<String>,
    /// The other side's latest word: a reason, the case's state there.
    pub remark: Option<String>,
    #[schema(value_type = u64)]
    pub created_at: Timestamp,
    #[schema(value_type = u64)]
    pub updated_at: Timestamp,
    /// Changes sent after it to the affiliate it went to: a consent that
    /// narrowed or was withdrawn, an erasure.
    #[serde(default)]
    pub changes: Vec<SentChange>,
}

/// A change that followed a referral to the affiliate that holds the case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SentChange {
    /// The handoff that carries it.
    #[schema(value_type = String)]
    pub handoff: HandoffId,
    /// `narrowed` (keep only `fields`) or `erased`.
    pub change: String,
    pub fields: Vec<SharedField>,
    #[schema(value_type = u64)]
    pub sent_at: Timestamp,
    /// When the recipient receipted it, having applied it; `None` while
    /// it is pending (the recipient is down, or it is on its way).
    #[schema(value_type = Option<u64>)]
    pub applied_at: Option<Timestamp>,
}

/// Sending the case without consent, which the law allows in a few cases
/// (danger to life, a court order). Audited.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentOverride {
    /// The legal basis, e.g. "danger to life (PDP Act s. 45(2)(b))".
    pub legal_basis: String,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReferral {
    /// A directory entry id, or ...
    #[schema(value_type = Option<String>)]
    pub service: Option<HandoffId>,
    /// ... an affiliate code.
    #[schema(value_type = Option<String>)]
    pub affiliate: Option<AffiliateId>,
    #[serde(skip)]
    pub actor: String,
    pub note: Option<String>,
    #[serde(rename = "override")]
    pub consent_override: Option<ConsentOverride>,
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralUpdate {
    pub status: ReferralStatus,
    #[serde(skip)]
    pub actor: String,
    pub note: Option<String>,
}

/// The other affiliate's answer to a case it received.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralDecision {
    pub accept: bool,
    #[serde(skip)]
    pub actor: String,
    /// Required when declining.
    pub reason: Option<String>,
}

/// A case as it arrived from another affiliate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReferredFrom {
    #[schema(value_type = String)]
    pub affiliate: AffiliateId,
    /// The case's reference there, to quote in calls and letters.
    pub reference: String,
    /// The handoff that carried it, which status updates name.
    #[schema(value_type = String)]
    pub handoff: HandoffId,
    /// `None` until this affiliate accepts or declines.
    pub accepted: Option<bool>,
}

/// What a case-referral handoff carries: the fields the worker agreed to
/// share, and nothing else.
#[derive(Debug, Serialize, Deserialize)]
struct CaseReferralMessage {
    reference: String,
    kind: CaseKind,
    categories: Vec<Category>,
    risk_flags: Vec<RiskFlag>,
    origin_country: Option<CountryCode>,
    destination_country: Option<CountryCode>,
    sector: Option<String>,
    employer: Option<String>,
    recruitment_agency: Option<String>,
    worker_name: Option<String>,
    worker_contact: Option<String>,
    description: Option<String>,
    consent: Option<CaseConsent>,
    override_basis: Option<String>,
}

/// What a case-change handoff carries to an affiliate a case was referred
/// to, when the worker's consent narrows or their data is erased.
#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "change", rename_all = "snake_case")]
enum CaseChangeMessage {
    /// Keep only these fields of what was shared.
    Narrowed {
        referral: HandoffId,
        fields: Vec<SharedField>,
    },
    /// Erase the worker's data.
    Erased { referral: HandoffId },
}

/// What a case-status handoff carries back to the referring affiliate.
#[derive(Debug, Serialize, Deserialize)]
struct CaseStatusMessage {
    /// The referral handoff this answers.
    referral: HandoffId,
    /// `Some` for the decision to take the case or not.
    accepted: Option<bool>,
    status: CaseStatus,
    outcome: Option<Outcome>,
    remark: Option<String>,
}

impl NewService {
    fn validate(&self) -> Result<()> {
        check_required("name", &self.name, MAX_FIELD)?;
        crate::countries::check(Some(self.country), "country")?;
        for (field, value) in [("contact", &self.contact), ("languages", &self.languages)] {
            if let Some(v) = value {
                check_text(field, v, MAX_FIELD)?;
            }
        }
        if let Some(n) = &self.notes {
            check_text("notes", n, MAX_NOTE)?;
        }
        Ok(())
    }

    fn into_service(self) -> Service {
        Service {
            id: HandoffId::random(),
            country: self.country,
            kind: self.kind,
            name: self.name.trim().to_owned(),
            contact: self.contact.filter(|c| !c.trim().is_empty()),
            languages: self.languages.filter(|c| !c.trim().is_empty()),
            notes: self.notes.filter(|c| !c.trim().is_empty()),
            partner: self.partner,
        }
    }
}

/// Reads the directory CSV: a header row naming `country`, `kind`, `name`
/// and optionally `contact`, `languages`, `notes`; every problem is
/// reported with its line.
pub fn parse_directory_csv(text: &str) -> Result<Vec<NewService>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers = reader
        .headers()
        .map_err(|e| NodeError::Invalid(format!("the CSV header row is unreadable: {e}")))?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (Some(country), Some(kind), Some(name)) =
        (column("country"), column("kind"), column("name"))
    else {
        return Err(NodeError::Invalid(
            "the CSV header must name the columns country, kind and name (contact, languages and notes are optional)".into(),
        ));
    };
    let (contact, languages, notes) = (column("contact"), column("languages"), column("notes"));
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = match row {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("line {line}: {e}"));
                continue;
            }
        };
        let get = |c: Option<usize>| c.and_then(|c| row.get(c)).map(str::to_owned);
        let parsed = (|| -> Result<NewService> {
            let service = NewService {
                country: get(Some(country))
                    .unwrap_or_default()
                    .parse()
                    .map_err(|e| NodeError::Invalid(format!("country: {e}")))?,
                kind: get(Some(kind)).unwrap_or_default().parse()?,
                name: get(Some(name)).unwrap_or_default(),
                contact: get(contact),
                languages: get(languages),
                notes: get(notes),
                partner: None,
            };
            service.validate()?;
            Ok(service)
        })();
        match parsed {
            Ok(s) => out.push(s),
            Err(e) => problems.push(format!("line {line}: {e}")),
        }
        if problems.len() >= 20 {
            problems.push("(stopped after 20 problems)".into());
            break;
        }
    }
    if !problems.is_empty() {
        return Err(NodeError::Invalid(format!(
            "nothing was imported; fix these and import again: {}",
            problems.join("; ")
        )));
    }
    if out.is_empty() {
        return Err(NodeError::Invalid("the CSV has no rows".into()));
    }
    Ok(out)
}

impl Case {
    fn consent_allows(&self, target: &ReferralTarget) -> bool {
        self.consent.as_ref().is_some_and(|c| match target {
            ReferralTarget::Service { service, .. } => c.services.contains(service),
            ReferralTarget::Affiliate { affiliate } => c.affiliates.contains(affiliate),
        })
    }

    fn referral_mut(&mut self, id: &HandoffId) -> Result<&mut Referral> {
        let reference = self.reference.clone();
        self.referrals
            .iter_mut()
            .find(|r| &r.id == id)
            .ok_or_else(|| NodeError::NotFound {
                what: "referral",
                id: format!("{id} of case {reference}"),
            })
    }
}

impl CaseDesk<'_> {
    pub async fn add_service(self, who: &Principal, input: NewService) -> Result<Service> {
        let work = self.add_service_unchecked(input);
        self.guarded(
            who,
            Action::ChangeDirectory,
            "directory",
            "add_service",
            work,
        )
        .await
    }

    async fn add_service_unchecked(self, input: NewService) -> Result<Service> {
        input.validate()?;
        if let Some(p) = &input.partner {
            if !self.partners()?.iter().any(|x| &x.id == p) {
                return Err(NodeError::Invalid(format!("partner {p} is not known here")));
            }
        }
        if super::store::services(&self.store)?.len() >= MAX_SERVICES {
            return Err(NodeError::Invalid(format!(
                "the directory holds {MAX_SERVICES} entries, the most it may"
            )));
        }
        let service = input.into_service();
        super::store::put_services(&self.store, std::slice::from_ref(&service))?;
        self.store.flush().await?;
        Ok(service)
    }

    /// Imports directory entries from CSV: every row, or none.
    pub async fn import_services(self, who: &Principal, csv: &str) -> Result<ImportReport> {
        let work = self.import_services_unchecked(csv);
        self.guarded(
            who,
            Action::ChangeDirectory,
            "directory",
            "import_services",
            work,
        )
        .await
    }

    async fn import_services_unchecked(self, csv: &str) -> Result<ImportReport> {
        let rows = parse_directory_csv(csv)?;
        if super::store::services(&self.store)?.len() + rows.len() > MAX_SERVICES {
            return Err(NodeError::Invalid(format!(
                "the directory would hold more than {MAX_SERVICES} entries; nothing was imported"
            )));
        }
        let services: Vec<Service> = rows.into_iter().map(NewService::into_service).collect();
        super::store::put_services(&self.store, &services)?;
        self.store.flush().await?;
        Ok(ImportReport {
            imported: services.len(),
        })
    }

    /// The directory, by country and name.
    /// The referral directory, for staff.
    pub fn directory(
        self,
        who: &Principal,
        country: Option<CountryCode>,
        kind: Option<ServiceKind>,
    ) -> Result<Vec<Service>> {
        let grant = self.allow(who, Action::ReadDirectory, "directory")?;
        let mut found = self.services(country, kind)?;
        grant.done(&self, "directory", None);
        if grant.masked() {
            for s in &mut found {
                s.notes = None;
                s.partner = None;
            }
        }
        Ok(found)
    }

    pub(crate) fn services(
        self,
        country: Option<CountryCode>,
        kind: Option<ServiceKind>,
    ) -> Result<Vec<Service>> {
        let mut all = super::store::services(&self.store)?;
        all.retain(|s| country.is_none_or(|c| c == s.country) && kind.is_none_or(|k| k == s.kind));
        all.sort_by(|a, b| (a.country.as_str(), &a.name).cmp(&(b.country.as_str(), &b.name)));
        Ok(all)
    }

    fn service(self, id: &HandoffId) -> Result<Service> {
        super::store::services(&self.store)?
            .into_iter()
            .find(|s| &s.id == id)
            .ok_or_else(|| NodeError::NotFound {
                what: "directory entry",
                id: id.to_string(),
            })
    }

    /// Records (or replaces) the worker's consent for a case.
    pub async fn record_case_consent(
        self,
        who: &Principal,
        id: &CaseId,
        input: NewCaseConsent,
    ) -> Result<Case> {
        self.guarded_by(
            who,
            Action::ChangeCase,
            &id.to_string(),
            "case_consent",
            |actor| {
                self.record_case_consent_unchecked(
                    id,
                    NewCaseConsent {
                        recorded_by: actor,
                        ..input
                    },
                )
            },
        )
        .await
    }

    async fn record_case_consent_unchecked(
        self,
        id: &CaseId,
        input: NewCaseConsent,
    ) -> Result<Case> {
        check_required("recorded_by", &input.recorded_by, MAX_FIELD)?;
        if input.purposes.is_empty() {
            return Err(NodeError::Invalid("name at least one purpose".into()));
        }
        for p in &input.purposes {
            check_required("purposes", p, MAX_FIELD)?;
        }
        let charter = self.charter();
        for a in &input.affiliates {
            if charter.charter.affiliate(a).is_none() || a == &self.config.affiliate {
                return Err(NodeError::Invalid(format!(
                    "{a} is not another affiliate of the federation"
                )));
            }
        }
        for s in &input.services {
            self.service(s)?;
        }
        let before = self.case(id)?;
        let mut case = before.clone();
        let at = now();
        let consent = CaseConsent {
            given: input.given,
            recorded_by: input.recorded_by.clone(),
            recorded_at: at,
            contact_allowed: input.contact_allowed,
            affiliates: input.affiliates,
            services: input.services,
            purposes: input.purposes,
            fields: input.fields,
        };
        let summary = format!(
            "consent recorded: share {:?} with {} affiliate(s) and {} service(s); contact {}",
            consent.fields,
            consent.affiliates.len(),
            consent.services.len(),
            if consent.contact_allowed {
                "allowed"
            } else {
                "not allowed"
            }
        );
        let sent = self.narrow_referrals(&mut case, &consent, at)?;
        case.consent = Some(consent);
        case.push(CaseEvent {
            at,
            actor: input.recorded_by,
            kind: EventKind::Consent,
            note: Some(summary),
        })?;
        self.save_case_sending(&before, &case, &sent).await?;
        Ok(case)
    }

    /// Where a new consent allows less than a referral took, the referral
    /// keeps only what is still allowed: a partner's inbox shows no more
    /// than that at once, and each affiliate that holds the case is sent a
    /// change to apply to its copy. A referral made under a legal basis
    /// rather than consent is left as it is.
    fn narrow_referrals(
        self,
        case: &mut Case,
        consent: &CaseConsent,
        at: Timestamp,
    ) -> Result<Vec<crate::handoffs::OutboxItem>> {
        let mut sent = Vec::new();
        for r in &mut case.referrals {
            if r.override_basis.is_some() || r.status == ReferralStatus::Declined {
                continue;
            }
            let still = match &r.target {
                ReferralTarget::Service { service, .. } => consent.services.contains(service),
                ReferralTarget::Affiliate { affiliate } => consent.affiliates.contains(affiliate),
            };
            let fields: Vec<SharedField> = r
                .fields
                .iter()
                .copied()
                .filter(|f| still && consent.fields.contains(f))
                .collect();
            if fields == r.fields {
                continue;
            }
            r.fields = fields.clone();
            r.updated_at = at;
            if let ReferralTarget::Affiliate { affiliate } = &r.target {
                let message = CaseChangeMessage::Narrowed {
                    referral: r.id,
                    fields: fields.clone(),
                };
                let item = self.seal_change(affiliate, &message)?;
                r.changes.push(SentChange {
                    handoff: item.id,
                    change: "narrowed".into(),
                    fields,
                    sent_at: at,
                    applied_at: None,
                });
                sent.push(item);
            }
        }
        Ok(sent)
    }

    /// Tells every affiliate a case went to that the worker's data is
    /// erased here, so that it erases its copy; the handoffs go in the
    /// erasure's own batch.
    pub(crate) fn erase_referrals(
        self,
        case: &mut Case,
        at: Timestamp,
    ) -> Result<Vec<crate::handoffs::OutboxItem>> {
        let mut sent = Vec::new();
        for r in &mut case.referrals {
            let ReferralTarget::Affiliate { affiliate } = &r.target else {
                continue;
            };
            let item =
                self.seal_change(affiliate, &CaseChangeMessage::Erased { referral: r.id })?;
            r.changes.push(SentChange {
                handoff: item.id,
                change: "erased".into(),
                fields: Vec::new(),
                sent_at: at,
                applied_at: None,
            });
            sent.push(item);
        }
        Ok(sent)
    }

    fn seal_change(
        self,
        to: &AffiliateId,
        message: &CaseChangeMessage,
    ) -> Result<crate::handoffs::OutboxItem> {
        let bytes = serde_json::to_vec(message).map_err(|e| NodeError::Invalid(e.to_string()))?;
        self.seal_handoff(to, HandoffKind::CASE_CHANGE, &bytes)
    }

    /// Fills in, for the changes a case's referrals sent, whether the
    /// recipient has receipted them: what the case page shows per
    /// recipient, applied or pending.
    pub(crate) fn with_delivery(self, mut case: Case) -> Case {
        for r in &mut case.referrals {
            for c in &mut r.changes {
                if c.applied_at.is_none() {
                    c.applied_at = self
                        .outbox_item(&c.handoff)
                        .ok()
                        .flatten()
                        .and_then(|item| item.receipt)
                        // Verified when it arrived, and kept as it came.
                        .and_then(|r| r.decode_unverified().ok())
                        .map(|r| r.received_at);
                }
            }
        }
        case
    }

    /// Refers a case to a directory entry or to another affiliate: only with
    /// the worker's consent for that recipient, or under a documented legal
    /// basis, which is audited.
    pub async fn refer_case(
        self,
        who: &Principal,
        id: &CaseId,
        input: NewReferral,
    ) -> Result<Case> {
        self.guarded_by(
            who,
            Action::ChangeCase,
            &id.to_string(),
            "refer_case",
            |actor| self.refer_case_unchecked(id, NewReferral { actor, ..input }),
        )
        .await
    }

    async fn refer_case_unchecked(self, id: &CaseId, input: NewReferral) -> Result<Case> {
        check_required("actor", &input.actor, MAX_FIELD)?;
        if let Some(n) = &input.note {
            check_text("note", n, MAX_NOTE)?;
        }
        let target = match (&input.service, &input.affiliate) {
            (Some(s), None) => ReferralTarget::Service {
                service: *s,
                name: self.service(s)?.name,
            },
            (None, Some(a)) => {
                if self.charter().charter.affiliate(a).is_none() || a == &self.config.affiliate {
                    return Err(NodeError::Invalid(format!(
                        "{a} is not another affiliate of the federation"
                    )));
                }
                ReferralTarget::Affiliate {
                    affiliate: a.clone(),
                }
            }
            _ => {
                return Err(NodeError::Invalid(
                    "name either a service (directory entry id) or an affiliate".into(),
                ))
            }
        };
        let before = self.case(id)?;
        if !matches!(
            before.status,
            CaseStatus::Verified | CaseStatus::InProgress | CaseStatus::Referred
        ) {
            return Err(NodeError::Invalid(format!(
                "case {} is {}; verify it before referring it",
                before.reference,
                before.status.as_str()
            )));
        }
        if before.referrals.len() >= MAX_REFERRALS {
            return Err(NodeError::Invalid(format!(
                "case {} has {MAX_REFERRALS} referrals, the most one case holds",
                before.reference
            )));
        }
        let override_basis = match (&input.consent_override, before.consent_allows(&target)) {
            (_, true) => None,
            (Some(o), false) => {
                check_required("override.legal_basis", &o.legal_basis, MAX_NOTE)?;
                Some(o.legal_basis.trim().to_owned())
            }
            (None, false) => {
                return Err(NodeError::Invalid(format!(
                    "the worker has not consented to sharing case {} with this recipient; record their consent, or give the legal basis for an override",
                    before.reference
                )))
            }
        };
        // Without consent only what the legal basis needs goes: no name, no contact.
        let fields = match (&before.consent, &override_basis) {
            (Some(c), None) => c.fields.clone(),
            _ => vec![
                SharedField::Employer,
                SharedField::Sector,
                SharedField::Description,
            ],
        };
        let at = now();
        let mut case = before.clone();
        let referral_id = match &target {
            ReferralTarget::Affiliate { affiliate } => {
                let message = self.referral_message(&before, &fields, override_basis.clone());
                let bytes =
                    serde_json::to_vec(&message).map_err(|e| NodeError::Invalid(e.to_string()))?;
                let sealed = self.seal_handoff(affiliate, HandoffKind::CASE_REFERRAL, &bytes)?;
                let id = sealed.id;
                case.referrals.push(Referral {
                    id,
                    target: target.clone(),
                    status: ReferralStatus::Sent,
                    fields: fields.clone(),
                    override_basis: override_basis.clone(),
                    remark: None,
                    created_at: at,
                    updated_at: at,
                    changes: Vec::new(),
                });
                self.finish_referral(
                    &before,
                    &mut case,
                    &input,
                    &target,
                    override_basis.as_deref(),
                    at,
                )?;
                self.save_case_sending(&before, &case, std::slice::from_ref(&sealed))
                    .await?;
                return Ok(case);
            }
            ReferralTarget::Service { .. } => HandoffId::random(),
        };
        case.referrals.push(Referral {
            id: referral_id,
            target: target.clone(),
            status: ReferralStatus::Sent,
            fields,
            override_basis: override_basis.clone(),
            remark: None,
            created_at: at,
            updated_at: at,
            changes: Vec::new(),
        });
        self.finish_referral(
            &before,
            &mut case,
            &input,
            &target,
            override_basis.as_deref(),
            at,
        )?;
        self.save_case(&before, &case).await?;
        Ok(case)
    }

    /// The events and state change of a new referral.
    fn finish_referral(
        self,
        before: &Case,
        case: &mut Case,
        input: &NewReferral,
        target: &ReferralTarget,
        override_basis: Option<&str>,
        at: Timestamp,
    ) -> Result<()> {
        if let Some(basis) = override_basis {
            self.metrics.consent_overrides.inc();
            case.push(CaseEvent {
                at,
                actor: input.actor.clone(),
                kind: EventKind::ConsentOverride,
                note: Some(basis.to_owned()),
            })?;
        }
        let to = match target {
            ReferralTarget::Service { name, .. } => name.clone(),
            ReferralTarget::Affiliate { affiliate } => affiliate.to_string(),
        };
        case.push(CaseEvent {
            at,
            actor: input.actor.clone(),
            kind: EventKind::Referred { to },
            note: input.note.clone(),
        })?;
        if before.status != CaseStatus::Referred {
            case.status = CaseStatus::Referred;
            case.push(CaseEvent {
                at,
                actor: input.actor.clone(),
                kind: EventKind::Transition {
                    from: before.status,
                    to: CaseStatus::Referred,
                    rejection: None,
                    outcome: None,
                },
                note: None,
            })?;
        }
        Ok(())
    }

    fn referral_message(
        self,
        case: &Case,
        fields: &[SharedField],
        override_basis: Option<String>,
    ) -> CaseReferralMessage {
        let has = |f: SharedField| fields.contains(&f);
        CaseReferralMessage {
            reference: case.reference.clone(),
            kind: case.kind,
            categories: case.categories.clone(),
            risk_flags: case.risk_flags.clone(),
            origin_country: case.origin_country,
            destination_country: case.destination_country,
            sector: case.sector.clone().filter(|_| has(SharedField::Sector)),
            employer: case.employer.clone().filter(|_| has(SharedField::Employer)),
            recruitment_agency: case
                .recruitment_agency
                .clone()
                .filter(|_| has(SharedField::RecruitmentAgency)),
            worker_name: case
                .worker
                .name
                .clone()
                .filter(|_| has(SharedField::WorkerName)),
            worker_contact: case
                .worker
                .contact
                .clone()
                .filter(|_| has(SharedField::WorkerContact)),
            description: Some(case.description.clone()).filter(|_| has(SharedField::Description)),
            consent: case.consent.clone(),
            override_basis,
        }
    }

    /// Staff record what a service did with a referral.
    pub async fn update_referral(
        self,
        who: &Principal,
        case_id: &CaseId,
        referral: &HandoffId,
        update: ReferralUpdate,
    ) -> Result<Case> {
        self.guarded_by(
            who,
            Action::ChangeCase,
            &case_id.to_string(),
            "update_referral",
            |actor| {
                self.update_referral_unchecked(
                    case_id,
                    referral,
                    ReferralUpdate { actor, ..update },
                )
            },
        )
        .await
    }

    async fn update_referral_unchecked(
        self,
        case_id: &CaseId,
        referral: &HandoffId,
        update: ReferralUpdate,
    ) -> Result<Case> {
        check_required("actor", &update.actor, MAX_FIELD)?;
        let before = self.case(case_id)?;
        if matches!(
            before
                .referrals
                .iter()
                .find(|r| &r.id == referral)
                .map(|r| &r.target),
            Some(ReferralTarget::Affiliate { .. })
        ) {
            return Err(NodeError::Invalid(
                "the affiliate a case went to reports its status itself".into(),
            ));
        }
        self.set_referral_status(before, referral, update).await
    }

    async fn set_referral_status(
        self,
        before: Case,
        referral: &HandoffId,
        update: ReferralUpdate,
    ) -> Result<Case> {
        if let Some(n) = &update.note {
            check_text("note", n, MAX_NOTE)?;
        }
        let mut case = before.clone();
        let at = now();
        let r = case.referral_mut(referral)?;
        r.status = update.status;
        r.remark = update.note.clone().or(r.remark.take());
        r.updated_at = at;
        let to = match &r.target {
            ReferralTarget::Service { name, .. } => name.clone(),
            ReferralTarget::Affiliate { affiliate } => affiliate.to_string(),
        };
        case.push(CaseEvent {
            at,
            actor: update.actor,
            kind: EventKind::ReferralUpdate {
                to,
                status: update.status,
            },
            note: update.note,
        })?;
        self.save_case(&before, &case).await?;
        Ok(case)
    }

    /// Referrals to the services a partner stands for, with what was shared.
    pub fn partner_inbox(self, who: &Principal) -> Result<Vec<PartnerReferral>> {
        let (grant, partner) = self.partner_for(who, PartnerScope::UpdateReferralsToUs)?;
        let found = self.partner_inbox_of(&partner)?;
        grant.done(&self, "partner inbox", None);
        Ok(found)
    }

    fn partner_inbox_of(self, partner: &Partner) -> Result<Vec<PartnerReferral>> {
        partner.may(PartnerScope::UpdateReferralsToUs)?;
        let services: Vec<HandoffId> = super::store::services(&self.store)?
            .into_iter()
            .filter(|s| s.partner == Some(partner.id))
            .map(|s| s.id)
            .collect();
        let mut out = Vec::new();
        for case in super::store::cases(&self.store)? {
            for r in &case.referrals {
                if let ReferralTarget::Service { service, .. } = &r.target {
                    if services.contains(service) {
                        out.push(PartnerReferral::of(&case, r));
                    }
                }
            }
        }
        out.sort_by_key(|r| std::cmp::Reverse(r.created_at));
        Ok(out)
    }

    /// A partner reports what it did with a referral to one of its services.
    pub async fn partner_update_referral(
        self,
        who: &Principal,
        referral: &HandoffId,
        status: ReferralStatus,
        note: Option<String>,
    ) -> Result<PartnerReferral> {
        let (grant, partner) = self.partner_for(who, PartnerScope::UpdateReferralsToUs)?;
        let updated = self
            .partner_update_of(&partner, referral, status, note)
            .await?;
        grant.done_as(
            &self,
            "partner_update_referral",
            &referral.to_string(),
            None,
        );
        Ok(updated)
    }

    async fn partner_update_of(
        self,
        partner: &Partner,
        referral: &HandoffId,
        status: ReferralStatus,
        note: Option<String>,
    ) -> Result<PartnerReferral> {
        let own = self
            .partner_inbox_of(partner)?
            .into_iter()
            .find(|r| &r.referral == referral)
            .ok_or_else(|| NodeError::NotFound {
                what: "referral",
                id: referral.to_string(),
            })?;
        let before = self.case(&own.case)?;
        let update = ReferralUpdate {
            status,
            actor: format!("partner {}", partner.name),
            note,
        };
        let case = self.set_referral_status(before, referral, update).await?;
        let r = case
            .referrals
            .iter()
            .find(|r| &r.id == referral)
            .ok_or_else(|| NodeError::Storage("a referral vanished while updated".into()))?;
        Ok(PartnerReferral::of(&case, r))
    }

    /// The receiving affiliate takes a referred case, or declines it with a
    /// reason; the referring affiliate hears either way.
    pub async fn decide_referral(
        self,
        who: &Principal,
        id: &CaseId,
        d: ReferralDecision,
    ) -> Result<Case> {
        self.guarded_by(
            who,
            Action::ChangeCase,
            &id.to_string(),
            "decide_referral",
            |actor| self.decide_referral_unchecked(id, ReferralDecision { actor, ..d }),
        )
        .await
    }

    async fn decide_referral_unchecked(self, id: &CaseId, d: ReferralDecision) -> Result<Case> {
        check_required("actor", &d.actor, MAX_FIELD)?;
        let before = self.case(id)?;
        let Some(from) = before.referred_from.clone() else {
            return Err(NodeError::Invalid(format!(
                "case {} was not referred by another affiliate",
                before.reference
            )));
        };
        if from.accepted.is_some() {
            return Err(NodeError::Invalid(format!(
                "the referral of case {} was already decided",
                before.reference
            )));
        }
        if !d.accept {
            match &d.reason {
                Some(r) => check_required("reason", r, MAX_NOTE)?,
                None => {
                    return Err(NodeError::Invalid(
                        "declining needs a reason the referring union will see".into(),
                    ))
                }
            }
        }
        let at = now();
        let mut case = before.clone();
        if let Some(f) = case.referred_from.as_mut() {
            f.accepted = Some(d.accept);
        }
        case.push(CaseEvent {
            at,
            actor: d.actor.clone(),
            kind: EventKind::ReferralDecision { accepted: d.accept },
            note: d.reason.clone(),
        })?;
        if d.accept {
            case.status = CaseStatus::Verified;
            case.due_at = Some(Timestamp(at.secs() + case.priority.resolution_secs()));
        } else {
            case.status = CaseStatus::Rejected;
            case.due_at = None;
        }
        case.push(CaseEvent {
            at,
            actor: d.actor,
            kind: EventKind::Transition {
                from: before.status,
                to: case.status,
                rejection: (!d.accept).then_some(super::Rejection::OutOfScope),
                outcome: None,
            },
            note: None,
        })?;
        let message = CaseStatusMessage {
            referral: from.handoff,
            accepted: Some(d.accept),
            status: case.status,
            outcome: None,
            remark: d.reason,
        };
        self.save_case_and_tell(&before, &case, &from.affiliate, &message)
            .await?;
        Ok(case)
    }

    /// Saves `case` and, in the same batch, the status update for the
    /// affiliate that referred it.
    async fn save_case_and_tell(
        self,
        before: &Case,
        case: &Case,
        to: &AffiliateId,
        message: &CaseStatusMessage,
    ) -> Result<()> {
        let bytes = serde_json::to_vec(message).map_err(|e| NodeError::Invalid(e.to_string()))?;
        let sealed = self.seal_handoff(to, HandoffKind::CASE_STATUS_UPDATE, &bytes)?;
        self.save_case_sending(before, case, std::slice::from_ref(&sealed))
            .await
    }

    /// After a transition of a case another affiliate referred here: tells
    /// that affiliate where the case stands.
    pub(crate) async fn report_back(self, before: &Case, case: &Case) -> Result<bool> {
        let Some(from) = &case.referred_from else {
            return Ok(false);
        };
        if from.accepted != Some(true) {
            return Ok(false);
        }
        let message = CaseStatusMessage {
            referral: from.handoff,
            accepted: None,
            status: case.status,
            outcome: case.outcome,
            remark: None,
        };
        self.save_case_and_tell(before, case, &from.affiliate, &message)
            .await?;
        Ok(true)
    }

    /// Acts on a case-referral or case-status handoff just stored.
    async fn act_on_case_handoff(self, item: &InboxItem, plain: &[u8]) -> Result<()> {
        let malformed = |e: serde_json::Error| {
            NodeError::Invalid(format!("handoff {} from {}: {e}", item.id, item.sender))
        };
        if item.kind == HandoffKind::CASE_REFERRAL {
            let m: CaseReferralMessage = serde_json::from_slice(plain).map_err(malformed)?;
            let input = NewCase {
                kind: m.kind,
                categories: m.categories,
                risk_flags: m.risk_flags,
                origin_country: m.origin_country,
                destination_country: m.destination_country,
                sector: m.sector,
                employer: m.employer,
                recruitment_agency: m.recruitment_agency,
                member: None,
                worker_name: m.worker_name,
                worker_contact: m.worker_contact,
                description: m.description.unwrap_or_else(|| {
                    "(the referring union did not share the description)".into()
                }),
            };
            let actor = format!("affiliate {}", item.sender);
            let from = ReferredFrom {
                affiliate: item.sender.clone(),
                reference: m.reference,
                handoff: item.id,
                accepted: None,
            };
            let (consent, override_basis) = (m.consent, m.override_basis);
            let at = item.received_at;
            let event_actor = actor.clone();
            self.open_case_from(
                input,
                Channel::Affiliate {
                    from: item.sender.clone(),
                },
                &actor,
                at,
                CaseId::from_bytes(*item.id.as_bytes()),
                move |case| {
                    case.referred_from = Some(from);
                    case.consent = consent;
                    if let Some(basis) = override_basis {
                        case.push(CaseEvent {
                            at,
                            actor: event_actor,
                            kind: EventKind::ConsentOverride,
                            note: Some(basis),
                        })?;
                    }
                    Ok(())
                },
            )
            .await?;
        } else if item.kind == HandoffKind::CASE_STATUS_UPDATE {
            let m: CaseStatusMessage = serde_json::from_slice(plain).map_err(malformed)?;
            let before = super::store::cases(&self.store)?
                .into_iter()
                .find(|c| c.referrals.iter().any(|r| r.id == m.referral))
                .ok_or_else(|| NodeError::NotFound {
                    what: "referral",
                    id: m.referral.to_string(),
                })?;
            let mut case = before.clone();
            let r = case.referral_mut(&m.referral)?;
            if r.target
                != (ReferralTarget::Affiliate {
                    affiliate: item.sender.clone(),
                })
            {
                return Err(NodeError::Invalid(format!(
                    "{} sent a status for a referral that went elsewhere",
                    item.sender
                )));
            }
            r.status = match (m.accepted, m.status) {
                (Some(false), _) => ReferralStatus::Declined,
                (_, CaseStatus::Resolved | CaseStatus::Closed) => ReferralStatus::Done,
                _ => ReferralStatus::Accepted,
            };
            let status = r.status;
            r.remark = Some(match (&m.remark, m.outcome) {
                (Some(text), _) => format!("{}: {text}", m.status.as_str()),
                (None, Some(o)) => format!("{}: {}", m.status.as_str(), super::code_of(&o)),
                (None, None) => m.status.as_str().to_owned(),
            });
            r.updated_at = item.received_at;
            let note = r.remark.clone();
            case.push(CaseEvent {
                at: item.received_at,
                actor: format!("affiliate {}", item.sender),
                kind: EventKind::ReferralUpdate {
                    to: item.sender.to_string(),
                    status,
                },
                note,
            })?;
            case.handled_elsewhere = Some(HandledElsewhere {
                affiliate: item.sender.clone(),
                status: m.status,
                outcome: m.outcome,
            });
            self.save_case(&before, &case).await?;
        } else if item.kind == HandoffKind::CASE_CHANGE {
            let m: CaseChangeMessage = serde_json::from_slice(plain).map_err(malformed)?;
            self.apply_change(item, m).await?;
        }
        Ok(())
    }

    /// Applies to this node's copy of a referred case what the referring
    /// affiliate's worker changed: fields no longer shared are dropped, or
    /// the worker's data is erased. Only the affiliate that referred the
    /// case may change it.
    async fn apply_change(self, item: &InboxItem, m: CaseChangeMessage) -> Result<()> {
        let referral = match &m {
            CaseChangeMessage::Narrowed { referral, .. }
            | CaseChangeMessage::Erased { referral } => *referral,
        };
        let before = self.case(&CaseId::from_bytes(*referral.as_bytes()))?;
        if before
            .referred_from
            .as_ref()
            .is_none_or(|f| f.affiliate != item.sender || f.handoff != referral)
        {
            return Err(NodeError::Invalid(format!(
                "{} sent a change for case {} it did not refer here",
                item.sender, before.reference
            )));
        }
        let actor = format!("affiliate {}", item.sender);
        let mut case = before.clone();
        match m {
            CaseChangeMessage::Narrowed { fields, .. } => {
                let keeps = |f: SharedField| fields.contains(&f);
                if !keeps(SharedField::WorkerName) {
                    case.worker.name = None;
                }
                if !keeps(SharedField::WorkerContact) {
                    case.worker.contact = None;
                }
                if !keeps(SharedField::Employer) {
                    case.employer = None;
                }
                if !keeps(SharedField::RecruitmentAgency) {
                    case.recruitment_agency = None;
                }
                if !keeps(SharedField::Sector) {
                    case.sector = None;
                }
                if !keeps(SharedField::Description) {
                    case.description = super::reports::ERASED.to_owned();
                }
                if let Some(c) = &mut case.consent {
                    c.fields.retain(|f| fields.contains(f));
                }
                case.push(CaseEvent {
                    at: item.received_at,
                    actor,
                    kind: EventKind::Consent,
                    note: Some(format!(
                        "the worker narrowed their consent at {}: only {fields:?} may be kept",
                        item.sender
                    )),
                })?;
                self.save_case(&before, &case).await
            }
            CaseChangeMessage::Erased { .. } => {
                if before.erased {
                    return Ok(());
                }
                case.erase_personal();
                case.push(CaseEvent {
                    at: item.received_at,
                    actor,
                    kind: EventKind::Erased,
                    note: Some(format!(
                        "erased at the worker's request, made at {}",
                        item.sender
                    )),
                })?;
                if !super::store::replace_case_erasing(&self.store, &before, &case, &[])? {
                    return Err(NodeError::Invalid(format!(
                        "case {} changed while it was being erased; the handoff is retried",
                        before.reference
                    )));
                }
                self.store.flush().await
            }
        }
    }
}

/// Where a case referred to another affiliate stands there, as the worker
/// (with their receipt code at the referring union) may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct HandledElsewhere {
    #[schema(value_type = String)]
    pub affiliate: AffiliateId,
    pub status: CaseStatus,
    pub outcome: Option<Outcome>,
}

/// What a partner sees of a referral to one of its services: what the
/// worker agreed to share, and its status.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PartnerReferral {
    #[schema(value_type = String)]
    pub referral: HandoffId,
    #[schema(value_type = String)]
    pub case: CaseId,
    pub reference: String,
    pub kind: CaseKind,
    pub categories: Vec<Category>,
    pub risk_flags: Vec<RiskFlag>,
    pub worker_name: Option<String>,
    pub worker_contact: Option<String>,
    pub employer: Option<String>,
    pub description: Option<String>,
    pub status: ReferralStatus,
    #[schema(value_type = u64)]
    pub created_at: Timestamp,
}

impl PartnerReferral {
    fn of(case: &Case, r: &Referral) -> PartnerReferral {
        let has = |f: SharedField| r.fields.contains(&f);
        PartnerReferral {
            referral: r.id,
            case: case.id,
            reference: case.reference.clone(),
            kind: case.kind,
            categories: case.categories.clone(),
            risk_flags: case.risk_flags.clone(),
            worker_name: case
                .worker
                .name
                .clone()
                .filter(|_| has(SharedField::WorkerName)),
            worker_contact: case
                .worker
                .contact
                .clone()
                .filter(|_| has(SharedField::WorkerContact)),
            employer: case.employer.clone().filter(|_| has(SharedField::Employer)),
            description: Some(case.description.clone()).filter(|_| has(SharedField::Description)),
            status: r.status,
            created_at: r.created_at,
        }
    }
}

/// The handoff kinds of the case desk, and what acts on each.
pub(crate) fn register_handoffs(router: &mut crate::handoffs::HandoffRouter) {
    for kind in [
        HandoffKind::CASE_REFERRAL,
        HandoffKind::CASE_STATUS_UPDATE,
        HandoffKind::CASE_CHANGE,
    ] {
        router.register(kind, |s, i, p| {
            Box::pin(s.cases().act_on_case_handoff(i, p))
        });
    }
}
