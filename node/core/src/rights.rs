//! A member's rights over what this node holds about them, across the
//! areas that hold it: the member record and cards (members), consents and
//! transfers (transfers), the cases they are linked to (the case desk) and
//! who read their record (the audit trail). Above the areas, because it
//! reads all of them; each area still decides and records through the one
//! policy.

use crate::access::{Action, Principal};
use crate::audit::AuditRecord;
use crate::cases::Case;
use crate::error::Result;
use crate::members::MemberView;
use crate::node::{now, NodeState};
use crate::transfers::{Consent, Transfer};
use serde::Serialize;
use unionfed_protocol::{MemberId, Timestamp};
use utoipa::ToSchema;

/// Everything this node holds about one member: the answer to their
/// request for access.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct MemberExport {
    #[schema(value_type = String)]
    pub affiliate: unionfed_protocol::AffiliateId,
    #[schema(value_type = u64)]
    pub exported_at: Timestamp,
    pub member: MemberView,
    pub consents: Vec<Consent>,
    pub transfers: Vec<Transfer>,
    /// The cases of this node that name the member.
    pub cases: Vec<Case>,
    /// Every audit record about the member's record: who read or changed
    /// it, when, with which credential.
    pub trail: Vec<AuditRecord>,
}

/// Everything this node holds about member `id`, for `who`; recorded once,
/// as an export.
pub fn export_member(state: &NodeState, who: &Principal, id: &MemberId) -> Result<MemberExport> {
    let grant = state.allow(who, Action::ExportMember, &id.to_string())?;
    let members = state.members();
    let member = members.view(members.member(id)?)?;
    let transfers = state.transfers();
    let export = MemberExport {
        affiliate: state.config.affiliate.clone(),
        exported_at: now(),
        member,
        consents: transfers.consents_unchecked(id)?,
        transfers: transfers.member_transfers_unchecked(id)?,
        cases: state.cases().cases_of_member(id)?,
        trail: state.audit_records_about(&id.to_string())?,
    };
    grant.done_as(state, "export_member", &id.to_string(), None);
    Ok(export)
}
