//! Members: enrolment, personal data kept at home, status changes and cards.
//! Personal fields live only in this node's store; what replicates is the
//! attestation, which carries a salted hash instead of the holder's name.

pub mod dues;
pub mod store;

use crate::access::{Action, Principal};
use crate::error::{NodeError, Result};
use crate::node::{now, NodeState};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use unionfed_protocol::card::{self, CardClaims};
use unionfed_protocol::entry::{Body, HolderCommitment, MemberStatus, MembershipAttestation};
use unionfed_protocol::limits::MAX_HOLDER_NAME_BYTES;
use unionfed_protocol::{CountryCode, MemberId, Timestamp};
use utoipa::ToSchema;

const DAY: u64 = 86_400;
const MAX_FIELD: usize = 200;
const MAX_REASON: usize = 500;

/// A member as this node keeps them. Never leaves the node except inside an
/// encrypted handoff the member consented to.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct MemberRecord {
    #[schema(value_type = String, example = "3f2a9c0e7b5d4e1f8a6b2c3d4e5f6a7b")]
    pub id: MemberId,
    pub holder_name: String,
    /// `YYYY-MM-DD`.
    pub date_of_birth: Option<String>,
    pub contact: Option<String>,
    pub sector: Option<String>,
    pub employer: Option<String>,
    #[serde(flatten)]
    pub work: WorkDetails,
    #[schema(value_type = Option<String>, example = "ID")]
    pub origin_country: Option<CountryCode>,
    #[schema(value_type = Option<String>, example = "MY")]
    pub destination_country: Option<CountryCode>,
    #[schema(value_type = String, example = "active")]
    pub status: MemberStatus,
    pub status_reason: Option<String>,
    #[schema(value_type = u64)]
    pub member_since: Timestamp,
    #[schema(value_type = u64)]
    pub valid_until: Timestamp,
    /// Salt of the holder commitment, hex; also printed on the card.
    pub salt: String,
    #[schema(value_type = u64)]
    pub created_at: Timestamp,
    #[schema(value_type = u64)]
    pub updated_at: Timestamp,
    /// Sequence number of the latest attestation in this node's log; 0 for
    /// a member this node represents for their home affiliate.
    pub attestation_seq: u64,
    /// For a member whose membership is held by another affiliate (a worker
    /// this node represents): that affiliate. `id` is then their id there.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub home: Option<unionfed_protocol::AffiliateId>,
    /// Dues paid, period by period, oldest first.
    #[serde(default)]
    pub dues: Vec<dues::DuesPeriod>,
}

impl MemberRecord {
    /// The record without its personal fields: what a masked reader sees.
    pub fn masked(self) -> MemberRecord {
        MemberRecord {
            holder_name: String::new(),
            date_of_birth: None,
            contact: None,
            employer: None,
            sector: None,
            origin_country: None,
            destination_country: None,
            work: WorkDetails::default(),
            status_reason: None,
            salt: String::new(),
            dues: Vec::new(),
            ..self
        }
    }

    /// The record a destination keeps for a worker it represents for `home`.
    pub(crate) fn linked(
        id: MemberId,
        home: unionfed_protocol::AffiliateId,
        file: &crate::transfers::TransferFile,
        at: Timestamp,
    ) -> MemberRecord {
        MemberRecord {
            id,
            holder_name: file.holder_name.clone(),
            date_of_birth: file.date_of_birth.clone(),
            contact: file.contact.clone(),
            sector: file.sector.clone(),
            employer: file.employer.clone(),
            work: file.work.clone(),
            origin_country: None,
            destination_country: file.consent.destination_country,
            status: MemberStatus::Active,
            status_reason: None,
            member_since: file.member_since,
            valid_until: at,
            salt: String::new(),
            created_at: at,
            updated_at: at,
            attestation_seq: 0,
            home: Some(home),
            dues: Vec::new(),
        }
    }
}

/// What a destination union needs to know about a worker's job, language
/// and dues besides the basics; every field is optional, and all of it
/// travels in a transfer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct WorkDetails {
    /// The worker's contact (phone, messaging) in the destination country.
    #[serde(default)]
    pub destination_contact: Option<String>,
    #[serde(default)]
    pub job: Option<String>,
    /// Where the work is done: site, town, district.
    #[serde(default)]
    pub workplace: Option<String>,
    /// The language the worker prefers to be spoken to in, e.g. "id" or "Bahasa Indonesia".
    #[serde(default)]
    pub language: Option<String>,
    /// `YYYY-MM-DD`: dues are paid up to this day.
    #[serde(default)]
    pub dues_paid_until: Option<String>,
    /// What the employment contract says: wage, hours, duration, rest days.
    #[serde(default)]
    pub contract_summary: Option<String>,
    /// SHA-256 (64 hex digits) of the enrolled contract document, so that a
    /// substituted contract can be told from the one the worker signed.
    #[serde(default)]
    pub contract_sha256: Option<String>,
}

const MAX_SUMMARY: usize = 2000;

impl WorkDetails {
    fn validate(&self) -> Result<()> {
        for (field, value) in [
            ("destination_contact", &self.destination_contact),
            ("job", &self.job),
            ("workplace", &self.workplace),
            ("language", &self.language),
        ] {
            check_optional(field, value)?;
        }
        if let Some(d) = &self.dues_paid_until {
            check_date("dues_paid_until", d)?;
        }
        if let Some(c) = &self.contract_summary {
            crate::text::check_text("contract_summary", c, MAX_SUMMARY)?;
        }
        if let Some(h) = &self.contract_sha256 {
            if h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(NodeError::Invalid(format!(
                    "contract_sha256 {h:?} is not 64 hex digits (a SHA-256 of the contract file)"
                )));
            }
        }
        Ok(())
    }

    /// `patch` over `self`: a field given in the patch replaces this one.
    fn patched(self, patch: WorkDetails) -> WorkDetails {
        WorkDetails {
            destination_contact: patch.destination_contact.or(self.destination_contact),
            job: patch.job.or(self.job),
            workplace: patch.workplace.or(self.workplace),
            language: patch.language.or(self.language),
            dues_paid_until: patch.dues_paid_until.or(self.dues_paid_until),
            contract_summary: patch.contract_summary.or(self.contract_summary),
            contract_sha256: patch
                .contract_sha256
                .map(|h| h.to_ascii_lowercase())
                .or(self.contract_sha256),
        }
    }
}

/// A member's record with who represents them, as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberView {
    /// The same as `id`, under the name card verdicts and transfers use.
    #[schema(value_type = String)]
    pub member_id: MemberId,
    #[serde(flatten)]
    pub record: MemberRecord,
    /// The affiliates whose representation of this member is in force, from
    /// the commitments every node replicates.
    pub represented_by: Vec<RepresentedBy>,
}

impl MemberView {
    fn masked(self) -> MemberView {
        MemberView {
            record: self.record.masked(),
            ..self
        }
    }
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RepresentedBy {
    #[schema(value_type = String, example = "MTUC")]
    pub affiliate: unionfed_protocol::AffiliateId,
    #[schema(value_type = u64)]
    pub since: Timestamp,
    #[schema(value_type = Option<u64>)]
    pub until: Option<Timestamp>,
}

/// A new member, as staff enter them.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    pub holder_name: String,
    pub date_of_birth: Option<String>,
    pub contact: Option<String>,
    pub sector: Option<String>,
    pub employer: Option<String>,
    #[serde(flatten)]
    pub work: WorkDetails,
    #[schema(value_type = Option<String>, example = "ID")]
    pub origin_country: Option<CountryCode>,
    #[schema(value_type = Option<String>, example = "MY")]
    pub destination_country: Option<CountryCode>,
}

/// Changes to a member's personal fields; absent fields stay as they are.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberPatch {
    pub holder_name: Option<String>,
    pub date_of_birth: Option<String>,
    pub contact: Option<String>,
    pub sector: Option<String>,
    pub employer: Option<String>,
    #[serde(flatten)]
    pub work: WorkDetails,
    #[schema(value_type = Option<String>)]
    pub origin_country: Option<CountryCode>,
    #[schema(value_type = Option<String>)]
    pub destination_country: Option<CountryCode>,
}

/// A status change with its reason.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    #[schema(value_type = String, example = "suspended")]
    pub status: MemberStatus,
    pub reason: String,
}

fn check_name(name: &str) -> Result<()> {
    if name.trim().is_empty() {
        return Err(NodeError::Invalid(
            "holder_name is empty; enter the name the member uses".into(),
        ));
    }
    crate::text::check_line("holder_name", name, MAX_HOLDER_NAME_BYTES)
}

fn check_date(field: &str, date: &str) -> Result<()> {
    let parts: Vec<&str> = date.split('-').collect();
    let ok = matches!(parts.as_slice(), [y, m, d]
        if y.len() == 4 && m.len() == 2 && d.len() == 2
        && y.parse::<u32>().is_ok_and(|y| (1900..=2100).contains(&y))
        && m.parse::<u32>().is_ok_and(|m| (1..=12).contains(&m))
        && d.parse::<u32>().is_ok_and(|d| (1..=31).contains(&d)));
    if ok {
        Ok(())
    } else {
        Err(NodeError::Invalid(format!(
            "{field} {date:?} is not a date like 1994-07-21"
        )))
    }
}

fn check_optional(field: &str, value: &Option<String>) -> Result<()> {
    value
        .as_deref()
        .map_or(Ok(()), |v| crate::text::check_line(field, v, MAX_FIELD))
}

/// Checks the personal fields that enrolment and changes share.
fn check_fields(
    holder_name: Option<&str>,
    date_of_birth: Option<&str>,
    others: [(&str, &Option<String>); 3],
) -> Result<()> {
    if let Some(n) = holder_name {
        check_name(n)?;
    }
    if let Some(d) = date_of_birth {
        check_date("date_of_birth", d)?;
    }
    others
        .iter()
        .try_for_each(|(field, value)| check_optional(field, value))
}

impl NewMember {
    fn validate(&self) -> Result<()> {
        check_fields(
            Some(&self.holder_name),
            self.date_of_birth.as_deref(),
            [
                ("contact", &self.contact),
                ("sector", &self.sector),
                ("employer", &self.employer),
            ],
        )?;
        crate::countries::check(self.origin_country, "origin_country")?;
        crate::countries::check(self.destination_country, "destination_country")?;
        self.work.validate()
    }
}

impl MemberPatch {
    fn validate(&self) -> Result<()> {
        check_fields(
            self.holder_name.as_deref(),
            self.date_of_birth.as_deref(),
            [
                ("contact", &self.contact),
                ("sector", &self.sector),
                ("employer", &self.employer),
            ],
        )?;
        crate::countries::check(self.origin_country, "origin_country")?;
        crate::countries::check(self.destination_country, "destination_country")?;
        self.work.validate()
    }
}

impl MemberRecord {
    fn salt(&self) -> Result<[u8; 16]> {
        hex::decode(&self.salt)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| {
                NodeError::Storage(format!("member {}: stored salt is unreadable", self.id))
            })
    }

    fn commitment(&self, state: &NodeState) -> Result<HolderCommitment> {
        Ok(card::holder_commitment(
            &state.config.affiliate,
            &self.id,
            &self.salt()?,
            &self.holder_name,
        ))
    }

    /// Refuses what only the home affiliate may do with a membership.
    pub(crate) fn check_home(&self, what: &str) -> Result<()> {
        match &self.home {
            Some(home) => Err(NodeError::Invalid(format!(
                "member {} belongs to {home}; {what} is done there",
                self.id
            ))),
            None => Ok(()),
        }
    }

    pub(crate) fn attestation(&self, state: &NodeState) -> Result<Body> {
        self.check_home("changing the membership")?;
        Ok(Body::Attestation(MembershipAttestation {
            member: self.id,
            status: self.status,
            member_since: self.member_since,
            valid_until: self.valid_until,
            holder_commitment: self.commitment(state)?,
        }))
    }
}

/// The name an erased member's record keeps.
pub const ERASED_NAME: &str = "(erased)";

impl MemberRecord {
    /// Removes every personal field; a new salt makes any later holder
    /// commitment match no one, and the old salt (printed on the card) is
    /// gone from the node. The status stays as it was.
    fn strip_personal(&mut self) {
        self.holder_name = ERASED_NAME.to_owned();
        self.date_of_birth = None;
        self.contact = None;
        self.sector = None;
        self.employer = None;
        self.work = WorkDetails::default();
        self.origin_country = None;
        self.destination_country = None;
        self.dues.clear();
        self.salt = fresh_salt();
    }
}

fn fresh_salt() -> String {
    let mut salt = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut salt);
    hex::encode(salt)
}

/// A member's request to be erased, as staff took it.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberErasure {
    /// How the member asked, e.g. "in writing at the Batam office, 2026-11-30".
    pub reason: String,
}

/// What erasing a member did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberErased {
    #[schema(value_type = String)]
    pub member: MemberId,
    /// The log position of the attestation that revokes the membership, so
    /// that every card check fails everywhere; `None` at a node that only
    /// held the member for their home affiliate (its copy is deleted).
    pub revoked_at_seq: Option<u64>,
    /// Affiliates that had received the member's file and are told to
    /// delete it (the consent it went under is withdrawn).
    #[schema(value_type = Vec<String>)]
    pub recipients_told: Vec<unionfed_protocol::AffiliateId>,
    /// Files other affiliates sent about the member, deleted here.
    pub received_files_deleted: usize,
}

/// A node's members and their cards: enrolment, records, status changes and card issue.
/// Reach it with [`NodeState::members`]; every `pub` function here decides
/// through the one policy (`access`) and records through the audit trail.
#[derive(Debug, Clone, Copy)]
pub struct Members<'a> {
    state: &'a NodeState,
}

impl std::ops::Deref for Members<'_> {
    type Target = NodeState;
    fn deref(&self) -> &NodeState {
        self.state
    }
}

impl NodeState {
    /// A node's members and their cards: enrolment, records, status changes and card issue.
    pub fn members(&self) -> Members<'_> {
        Members { state: self }
    }
}

impl Members<'_> {
    /// Appends an attestation (or another entry about `record`) to this
    /// affiliate's log and writes the record, its `attestation_seq` set to
    /// the entry's, in the same atomic batch.
    pub(crate) async fn append_attested(
        self,
        body: Body,
        record: &mut MemberRecord,
    ) -> Result<unionfed_protocol::SignedEntry> {
        self.append_with(body, |seq| {
            record.attestation_seq = seq.get();
            let mut batch = crate::storage::Batch::default();
            store::stage_member(&mut batch, record)?;
            Ok(batch)
        })
        .await
    }

    /// Enrols a member: stores the record and appends the first attestation,
    /// both durable before this returns.
    pub async fn enrol(self, who: &Principal, input: NewMember) -> Result<MemberRecord> {
        let grant = self.allow(who, Action::ChangeMember, "new member")?;
        let record = self.enrol_unchecked(input).await?;
        grant.done_as(&self, "enrol_member", &record.id.to_string(), None);
        Ok(record)
    }

    async fn enrol_unchecked(self, input: NewMember) -> Result<MemberRecord> {
        input.validate()?;
        let at = now();
        let mut record = MemberRecord {
            id: MemberId::random(),
            holder_name: input.holder_name.trim().to_owned(),
            date_of_birth: input.date_of_birth,
            contact: input.contact,
            sector: input.sector,
            employer: input.employer,
            work: WorkDetails {
                contract_sha256: input.work.contract_sha256.map(|h| h.to_ascii_lowercase()),
                ..input.work
            },
            origin_country: input.origin_country,
            destination_country: input.destination_country,
            status: MemberStatus::Active,
            status_reason: None,
            member_since: at,
            valid_until: Timestamp(
                at.secs() + u64::from(self.config.membership_validity_days) * DAY,
            ),
            salt: fresh_salt(),
            created_at: at,
            updated_at: at,
            attestation_seq: 0,
            home: None,
            dues: Vec::new(),
        };
        let body = record.attestation(&self)?;
        self.append_attested(body, &mut record).await?;
        self.metrics
            .members
            .set(store::member_count(&self.store) as i64);
        Ok(record)
    }

    /// The record of a worker whose membership moves here from another
    /// affiliate: this node's own member from now on, under the same id,
    /// keeping "member since"; a fresh salt, so only this node's cards match.
    pub(crate) fn moved_in(
        self,
        id: MemberId,
        file: &crate::transfers::TransferFile,
        at: Timestamp,
    ) -> MemberRecord {
        let mut record = MemberRecord::linked(id, self.config.affiliate.clone(), file, at);
        record.home = None;
        record.salt = fresh_salt();
        record.valid_until =
            Timestamp(at.secs() + u64::from(self.config.membership_validity_days) * DAY);
        record
    }

    /// A member's record and who represents them now, as `who` may see it.
    pub fn member_view(self, who: &Principal, id: &MemberId) -> Result<MemberView> {
        let grant = self.allow(who, Action::ReadMember, &id.to_string())?;
        let view = self.view(self.member(id)?)?;
        grant.done(&self, &id.to_string(), None);
        Ok(grant.shown(view, MemberView::masked))
    }

    /// A member's record with their consents and transfer log: what the
    /// member page shows, read and recorded once.
    pub fn member_file(
        self,
        who: &Principal,
        id: &MemberId,
    ) -> Result<(
        MemberView,
        Vec<crate::transfers::Consent>,
        Vec<crate::transfers::Transfer>,
    )> {
        let grant = self.allow(who, Action::ReadMember, &id.to_string())?;
        let view = self.view(self.member(id)?)?;
        // The log without the files that travelled: those are transfers.
        let transfers = self
            .transfers()
            .member_transfers_unchecked(id)?
            .into_iter()
            .map(crate::transfers::Transfer::masked)
            .collect();
        grant.done(&self, &id.to_string(), None);
        if grant.masked() {
            return Ok((view.masked(), Vec::new(), transfers));
        }
        let consents = crate::transfers::store::consents(&self.store, id)?;
        Ok((view, consents, transfers))
    }

    /// Members whose name contains `needle` (all when empty), at most
    /// `limit`: by name for those who see names, by id for the others, who
    /// cannot search by name either.
    pub fn list_members(
        self,
        who: &Principal,
        needle: &str,
        limit: usize,
    ) -> Result<Vec<MemberRecord>> {
        let grant = self.allow(who, Action::ListMembers, "members")?;
        let (members, detail) = self.list_unchecked(&grant, needle, limit)?;
        grant.done(&self, "members", Some(detail));
        Ok(grant.shown_all(members, MemberRecord::masked))
    }

    /// What the members page shows, read and recorded once: the members
    /// [`Self::list_members`] finds and those whose renewal is due at `at`.
    pub fn members_page(
        self,
        who: &Principal,
        needle: &str,
        limit: usize,
        at: Timestamp,
    ) -> Result<(Vec<MemberRecord>, Vec<dues::RenewalDue>)> {
        let grant = self.allow(who, Action::ListMembers, "members")?;
        let (members, detail) = self.list_unchecked(&grant, needle, limit)?;
        let due = self.renewals_due_unchecked(at)?;
        grant.done(
            &self,
            "members",
            Some(format!("{detail}; {} due for renewal", due.len())),
        );
        Ok((
            grant.shown_all(members, MemberRecord::masked),
            grant.shown_all(due, dues::RenewalDue::masked),
        ))
    }

    /// The members a list shows, and what the audit record says of it.
    fn list_unchecked(
        self,
        grant: &crate::access::Grant,
        needle: &str,
        limit: usize,
    ) -> Result<(Vec<MemberRecord>, String)> {
        let mut members = store::members(&self.store)?;
        let needle = needle.trim().to_lowercase();
        if grant.masked() {
            members.sort_by_key(|m| m.id);
        } else {
            if !needle.is_empty() {
                members.retain(|m| m.holder_name.to_lowercase().contains(&needle));
            }
            members.sort_by(|a, b| a.holder_name.cmp(&b.holder_name));
        }
        members.truncate(limit);
        let query = (!needle.is_empty() && !grant.masked()).then(|| format!("search {needle:?}"));
        let detail = match query {
            Some(q) => format!("{q}; {} shown", members.len()),
            None => format!("{} shown", members.len()),
        };
        Ok((members, detail))
    }

    /// `record` with who represents the member now.
    pub fn view(self, mut record: MemberRecord) -> Result<MemberView> {
        // A member of another union: their standing is what their home
        // union last signed, as every node replicates it, not what the
        // file said when it arrived.
        if let Some(home) = &record.home {
            if let Some((_, att)) = self.store.latest_attestation(home, &record.id)? {
                record.status = att.status;
                record.member_since = att.member_since;
                record.valid_until = att.valid_until;
            }
        }
        let id = &record.id;
        let home = record.home.clone().unwrap_or(self.config.affiliate.clone());
        let at = now();
        let represented_by = self
            .store
            .representations(id)?
            .into_iter()
            .filter(|r| r.home == home && r.in_force_at(at))
            .map(|r| RepresentedBy {
                affiliate: r.representing,
                since: r.from,
                until: r.until,
            })
            .collect();
        Ok(MemberView {
            member_id: record.id,
            record,
            represented_by,
        })
    }

    /// Whether this node keeps a record of member `id`, told only to those
    /// who may read members (a staff card check links to the record).
    pub fn holds_member(self, who: &Principal, id: &MemberId) -> bool {
        who.may(Action::ReadMember) && store::member(&self.store, id).is_ok_and(|m| m.is_some())
    }

    pub(crate) fn member(self, id: &MemberId) -> Result<MemberRecord> {
        store::member(&self.store, id)?.ok_or_else(|| NodeError::NotFound {
            what: "member",
            id: id.to_string(),
        })
    }

    /// Changes personal fields. A new holder name means a new salt and a new
    /// attestation, so cards with the old name stop verifying.
    pub async fn update_member(
        self,
        who: &Principal,
        id: &MemberId,
        patch: MemberPatch,
    ) -> Result<MemberRecord> {
        let grant = self.allow(who, Action::ChangeMember, &id.to_string())?;
        let record = self.update_member_unchecked(id, patch).await?;
        grant.done(&self, &id.to_string(), None);
        Ok(record)
    }

    async fn update_member_unchecked(
        self,
        id: &MemberId,
        patch: MemberPatch,
    ) -> Result<MemberRecord> {
        patch.validate()?;
        let _guard = self.member_lock.lock().await;
        let mut record = self.member(id)?;
        let renamed = patch
            .holder_name
            .as_deref()
            .is_some_and(|n| n.trim() != record.holder_name);
        if let Some(n) = patch.holder_name {
            record.holder_name = n.trim().to_owned();
        }
        record.date_of_birth = patch.date_of_birth.or(record.date_of_birth);
        record.contact = patch.contact.or(record.contact);
        record.sector = patch.sector.or(record.sector);
        record.employer = patch.employer.or(record.employer);
        record.work = record.work.patched(patch.work);
        record.origin_country = patch.origin_country.or(record.origin_country);
        record.destination_country = patch.destination_country.or(record.destination_country);
        record.updated_at = now();
        if renamed {
            record.salt = fresh_salt();
            let body = record.attestation(&self)?;
            self.append_attested(body, &mut record).await?;
        } else {
            store::put_member(&self.store, &record)?;
            self.store.flush().await?;
        }
        Ok(record)
    }

    /// Sets the membership status and appends the attestation that says so.
    pub async fn set_status(
        self,
        who: &Principal,
        id: &MemberId,
        change: StatusChange,
    ) -> Result<MemberRecord> {
        let grant = self.allow(who, Action::ChangeMember, &id.to_string())?;
        let status = change.status;
        let record = self.set_status_unchecked(id, change).await?;
        grant.done_as(
            &self,
            "member_status",
            &id.to_string(),
            Some(status.to_string()),
        );
        Ok(record)
    }

    pub(crate) async fn set_status_unchecked(
        self,
        id: &MemberId,
        change: StatusChange,
    ) -> Result<MemberRecord> {
        if change.reason.trim().is_empty() {
            return Err(NodeError::Invalid(
                "reason is empty; say why the status changes".into(),
            ));
        }
        crate::text::check_line("reason", &change.reason, MAX_REASON)?;
        let _guard = self.member_lock.lock().await;
        let mut record = self.member(id)?;
        record.status = change.status;
        record.status_reason = Some(change.reason);
        record.updated_at = now();
        let body = record.attestation(&self)?;
        self.append_attested(body, &mut record).await?;
        Ok(record)
    }

    /// Erases a member at their request: the personal fields go, the
    /// membership is revoked by a new attestation (so that every card
    /// check fails everywhere), every consent still in force is withdrawn
    /// (each affiliate that received the member's file is told to delete
    /// it), and the files other affiliates sent about the member are
    /// deleted. The record stays, as "(erased)", with the reason. Cases the
    /// member is linked to are the case desk's: they are erased on their
    /// own request.
    pub async fn erase(
        self,
        who: &Principal,
        id: &MemberId,
        request: MemberErasure,
    ) -> Result<MemberErased> {
        self.guarded(
            who,
            Action::EraseMember,
            &id.to_string(),
            "erase_member",
            self.erase_unchecked(id, request),
        )
        .await
    }

    async fn erase_unchecked(self, id: &MemberId, request: MemberErasure) -> Result<MemberErased> {
        if request.reason.trim().is_empty() {
            return Err(NodeError::Invalid(
                "reason is empty; say how the member asked to be erased".into(),
            ));
        }
        crate::text::check_line("reason", &request.reason, MAX_REASON)?;
        let record = self.member(id)?;
        if record.holder_name == ERASED_NAME {
            // A node stopped between the revocation and the erasure entry
            // finishes it now.
            if record.home.is_none() && record.status == MemberStatus::Revoked {
                self.announce_erasure(&record).await?;
            }
            return Err(NodeError::Invalid(format!("member {id} is erased already")));
        }
        self.store.note_erasure()?;
        let transfers = self.transfers();
        let mut recipients_told = Vec::new();
        for consent in crate::transfers::store::consents(&self.store, id)? {
            if consent.withdrawn_at.is_none() {
                let recipient = consent.recipient.clone();
                if transfers
                    .withdraw_consent_unchecked(id, &consent.id)
                    .await?
                {
                    recipients_told.push(recipient);
                }
            }
        }
        let received_files_deleted = transfers.delete_received_files(id)?;
        let _guard = self.member_lock.lock().await;
        let mut record = self.member(id)?;
        let revoked_at_seq = if record.home.is_none() {
            record.strip_personal();
            record.status = MemberStatus::Revoked;
            record.status_reason = Some(format!(
                "erased at the member's request: {}",
                request.reason
            ));
            record.updated_at = now();
            let body = record.attestation(&self)?;
            self.append_attested(body, &mut record).await?;
            self.announce_erasure(&record).await?;
            Some(record.attestation_seq)
        } else {
            store::remove_member(&self.store, id)?;
            None
        };
        self.store.flush().await?;
        Ok(MemberErased {
            member: *id,
            revoked_at_seq,
            recipients_told,
            received_files_deleted,
        })
    }

    /// Appends the entry that tells every node the revocation at
    /// `record.attestation_seq` is an erasure, unless the log has it.
    async fn announce_erasure(self, record: &MemberRecord) -> Result<()> {
        let me = &self.config.affiliate;
        let held = self.store.erasure(me, &record.id)?;
        if held.is_some_and(|e| e.revoked_at == record.attestation_seq) {
            return Ok(());
        }
        let revoked_at = unionfed_protocol::Seq::new(record.attestation_seq)?;
        self.append(Body::MemberErasure(
            unionfed_protocol::entry::MemberErasure {
                member: record.id,
                revoked_at,
            },
        ))
        .await?;
        Ok(())
    }

    /// Whether `record` is a member of this union, lapsed or revoked long
    /// enough at `at` for its personal fields to go.
    fn retention_due(self, record: &MemberRecord, at: Timestamp) -> bool {
        let limit = u64::from(self.config.member_retention_days) * DAY;
        record.home.is_none()
            && matches!(record.status, MemberStatus::Lapsed | MemberStatus::Revoked)
            && record.holder_name != ERASED_NAME
            && record.updated_at.secs() + limit <= at.secs()
    }

    /// How many members will be past their retention period at `at`.
    pub(crate) fn lapsed_due(self, at: Timestamp) -> Result<usize> {
        Ok(store::members(&self.store)?
            .iter()
            .filter(|m| self.retention_due(m, at))
            .count())
    }

    /// Removes the personal fields of members lapsed or revoked longer
    /// than `member_retention_days` at `at`. Their status stays, and so
    /// does every attestation in the log: without the salt, now gone, none
    /// of them can be tied to a person.
    pub(crate) async fn purge_lapsed(self, at: Timestamp) -> Result<usize> {
        let due: Vec<MemberRecord> = store::members(&self.store)?
            .into_iter()
            .filter(|m| self.retention_due(m, at))
            .collect();
        if due.is_empty() {
            return Ok(0);
        }
        self.store.note_erasure()?;
        let _guard = self.member_lock.lock().await;
        let mut batch = crate::storage::Batch::default();
        let purged = due.len();
        for mut record in due {
            record.strip_personal();
            record.updated_at = at;
            store::stage_member(&mut batch, &record)?;
        }
        self.store.write(batch)?;
        self.store.flush().await?;
        Ok(purged)
    }

    /// Signs a card for an active member; the name on it comes back too,
    /// for the printed card.
    pub fn issue_card(self, who: &Principal, id: &MemberId) -> Result<(String, String)> {
        let grant = self.allow(who, Action::IssueCard, &id.to_string())?;
        let card = self.issue_card_unchecked(id)?;
        grant.done(&self, &id.to_string(), None);
        Ok(card)
    }

    fn issue_card_unchecked(self, id: &MemberId) -> Result<(String, String)> {
        let record = self.member(id)?;
        record.check_home("issuing the card")?;
        if record.status != MemberStatus::Active {
            return Err(NodeError::Invalid(format!(
                "member {id} is {}; only active members get a card",
                record.status
            )));
        }
        let at = now();
        // The card's own lifetime; the membership's validity is checked
        // against the latest attestation, so a renewal keeps it good.
        let expires = at.secs() + u64::from(self.config.card_validity_days) * DAY;
        let representing = self
            .store
            .representations(id)?
            .into_iter()
            .filter(|r| r.home == self.config.affiliate && r.in_force_at(at))
            .map(|r| r.representing)
            .collect();
        let claims = CardClaims {
            issuer: self.config.affiliate.clone(),
            member: *id,
            holder_name: record.holder_name.clone(),
            salt: record.salt()?,
            issued_at: at,
            expires_at: Timestamp(expires),
            representing,
            membership_valid_until: Some(record.valid_until),
        };
        Ok((
            card::issue(&claims, &self.keys.signing)?,
            record.holder_name,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_details_sit_beside_the_basics_and_typos_are_refused() {
        let input: NewMember = serde_json::from_str(
            r#"{"holder_name":"Siti","job":"welder","dues_paid_until":"2027-01-31"}"#,
        )
        .unwrap();
        assert_eq!(input.work.job.as_deref(), Some("welder"));
        input.validate().unwrap();
        let typo = serde_json::from_str::<NewMember>(r#"{"holder_name":"Siti","jobb":"welder"}"#);
        assert!(typo.unwrap_err().to_string().contains("jobb"));
        let bad_hash: NewMember =
            serde_json::from_str(r#"{"holder_name":"Siti","contract_sha256":"abc"}"#).unwrap();
        assert!(bad_hash
            .validate()
            .unwrap_err()
            .to_string()
            .contains("contract_sha256"));
    }
}
