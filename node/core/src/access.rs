//! Who may do what: the one access policy of a node, and the audit of every
//! use of it. A door (an API route, a staff page, a handoff, a background
//! job) resolves who is asking into a [`Principal`] and hands it to the
//! domain; the domain asks [`NodeState::allow`] before it reads or changes
//! anything and records the use once it is done. No door decides a role's
//! reach or what goes in the audit trail itself.
//!
//! `docs/access.md` is [`table_markdown`]; a test keeps the two the same.

use crate::error::{NodeError, Result};
use crate::node::NodeState;
use serde::{Deserialize, Serialize};
use unionfed_protocol::{AffiliateId, HandoffId};
use utoipa::ToSchema;

/// Who is asking, as the door resolved it from a credential. Never from a
/// name the request itself carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// No credential: a worker at the public pages, a card check.
    Public,
    /// A staff member, signed in (`token` is `None`) or through one of
    /// their personal API tokens (its id).
    Staff {
        username: String,
        display_name: String,
        role: Role,
        token: Option<String>,
    },
    /// The node's own admin API token, printed by `unionfed init`.
    AdminToken,
    /// A partner organisation's API token.
    Partner { id: HandoffId, name: String },
    /// Another affiliate, over a signed handoff.
    Affiliate(AffiliateId),
    /// The node itself: retention, expiry and other timers.
    Node,
}

/// The columns of the policy table: what a principal counts as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holder {
    Admin,
    CaseOfficer,
    Organiser,
    Viewer,
    AdminToken,
    Partner,
    Affiliate,
    Public,
}

impl Holder {
    pub const ALL: [Holder; 8] = [
        Holder::Admin,
        Holder::CaseOfficer,
        Holder::Organiser,
        Holder::Viewer,
        Holder::AdminToken,
        Holder::Partner,
        Holder::Affiliate,
        Holder::Public,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Holder::Admin => "admin",
            Holder::CaseOfficer => "case officer",
            Holder::Organiser => "organiser",
            Holder::Viewer => "viewer",
            Holder::AdminToken => "admin token",
            Holder::Partner => "partner token",
            Holder::Affiliate => "affiliate",
            Holder::Public => "public",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Users, settings, charter, partner tokens; everything.
    Admin,
    /// Cases and referrals.
    CaseOfficer,
    /// Members, cards and transfers.
    Organiser,
    /// Reads everything except personal fields.
    Viewer,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::CaseOfficer => "case_officer",
            Role::Organiser => "organiser",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        [
            Role::Admin,
            Role::CaseOfficer,
            Role::Organiser,
            Role::Viewer,
        ]
        .into_iter()
        .find(|r| r.as_str() == s)
    }
}

impl Principal {
    pub fn holder(&self) -> Holder {
        match self {
            Principal::Staff { role, .. } => match role {
                Role::Admin => Holder::Admin,
                Role::CaseOfficer => Holder::CaseOfficer,
                Role::Organiser => Holder::Organiser,
                Role::Viewer => Holder::Viewer,
            },
            // The node's own jobs act with its operator's reach.
            Principal::AdminToken | Principal::Node => Holder::AdminToken,
            Principal::Partner { .. } => Holder::Partner,
            Principal::Affiliate(_) => Holder::Affiliate,
            Principal::Public => Holder::Public,
        }
    }

    /// How the audit trail names this principal: a user name (with the id of
    /// the token they used), `admin token`, `partner <id> (<name>)`,
    /// `affiliate <code>`, `public` or `node`. Each names one credential.
    pub fn audit_name(&self) -> String {
        match self {
            Principal::Staff {
                username,
                token: None,
                ..
            } => username.clone(),
            Principal::Staff {
                username,
                token: Some(id),
                ..
            } => format!("{username} (API token {id})"),
            Principal::AdminToken => "admin token".to_owned(),
            Principal::Partner { id, name } => format!("partner {id} ({name})"),
            Principal::Affiliate(a) => format!("affiliate {a}"),
            Principal::Public => "public".to_owned(),
            Principal::Node => "node".to_owned(),
        }
    }

    /// How a case's timeline and a consent's record name who acted.
    pub fn display_name(&self) -> String {
        match self {
            Principal::Staff { display_name, .. } => display_name.clone(),
            Principal::Partner { name, .. } => name.clone(),
            Principal::AdminToken => "admin token".to_owned(),
            Principal::Affiliate(a) => a.to_string(),
            Principal::Public => "public form".to_owned(),
            Principal::Node => "node".to_owned(),
        }
    }

    /// The user name of a staff principal.
    pub fn username(&self) -> Option<&str> {
        match self {
            Principal::Staff { username, .. } => Some(username),
            _ => None,
        }
    }

    /// What the table gives this principal for `action`; no record is made.
    /// Pages ask it to decide which forms to show.
    pub fn reach(&self, action: Action) -> Reach {
        reach(self.holder(), action)
    }

    pub fn may(&self, action: Action) -> bool {
        self.reach(action) != Reach::None
    }

    /// Whether this principal sees `action`'s data with the personal fields
    /// taken out.
    pub fn masked(&self, action: Action) -> bool {
        self.reach(action) == Reach::Masked
    }

    fn describe(&self) -> String {
        match self {
            Principal::Staff { username, .. } => {
                format!("{username} ({})", self.holder().title())
            }
            other => other.holder().title().to_owned(),
        }
    }
}

/// What a principal gets for an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// All of it.
    Full,
    /// Allowed, with names, contacts, employers, countries, narratives,
    /// notes and files taken out.
    Masked,
    /// Refused.
    None,
}

/// Every kind of thing done to a node's data: the rows of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ReadMember,
    ListMembers,
    ChangeMember,
    ExportMember,
    EraseMember,
    IssueCard,
    CheckCard,
    ReadTransfers,
    ChangeTransfers,
    ReadCase,
    ListCases,
    ChangeCase,
    ReadCaseFile,
    ExportCases,
    EraseCases,
    ReadFigures,
    ReadDirectory,
    ChangeDirectory,
    ReadPartners,
    ChangePartners,
    PartnerReferrals,
    ManageAccounts,
    ReadAudit,
    ManageBreaches,
    ReadFederation,
    ReadMetrics,
    ChangeCharter,
    BackupStore,
    FileComplaint,
    FollowCase,
    DeliverHandoff,
}

impl Action {
    pub const ALL: [Action; 31] = [
        Action::ReadMember,
        Action::ListMembers,
        Action::ChangeMember,
        Action::ExportMember,
        Action::EraseMember,
        Action::IssueCard,
        Action::CheckCard,
        Action::ReadTransfers,
        Action::ChangeTransfers,
        Action::ReadCase,
        Action::ListCases,
        Action::ChangeCase,
        Action::ReadCaseFile,
        Action::ExportCases,
        Action::EraseCases,
        Action::ReadFigures,
        Action::ReadDirectory,
        Action::ChangeDirectory,
        Action::ReadPartners,
        Action::ChangePartners,
        Action::PartnerReferrals,
        Action::ManageAccounts,
        Action::ReadAudit,
        Action::ManageBreaches,
        Action::ReadFederation,
        Action::ReadMetrics,
        Action::ChangeCharter,
        Action::BackupStore,
        Action::FileComplaint,
        Action::FollowCase,
        Action::DeliverHandoff,
    ];

    /// What it covers, for `docs/access.md` and refusals.
    pub fn what(self) -> &'static str {
        match self {
            Action::ReadMember => "read a member's record, consents and transfer log",
            Action::ListMembers => "list and search members",
            Action::ChangeMember => "enrol a member, change their fields or status, record their dues",
            Action::ExportMember => {
                "export everything this node holds about a member (their access request)"
            }
            Action::EraseMember => {
                "erase a member at their request: personal fields, received files, the card revoked"
            }
            Action::IssueCard => "issue and print a member's card",
            Action::CheckCard => "check a card",
            Action::ReadTransfers => "read transfers and the files that arrived",
            Action::ChangeTransfers => {
                "record or withdraw a transfer consent, send, request, accept, decline or end a transfer"
            }
            Action::ReadCase => "read a case: narrative, worker, timeline, printable report",
            Action::ListCases => "list and search cases, export the register (no personal field in it)",
            Action::ChangeCase => {
                "open a case, move, assign or act on it, message the worker, consent, refer, attach"
            }
            Action::ReadCaseFile => "download a case's file",
            Action::ExportCases => "export a whole case, or print it",
            Action::EraseCases => "erase a case's personal fields, run retention",
            Action::ReadFigures => "read statistics and reports",
            Action::ReadDirectory => "read the referral directory",
            Action::ChangeDirectory => "add or import directory services",
            Action::ReadPartners => "list partner organisations",
            Action::ChangePartners => "add or revoke a partner's token",
            Action::PartnerReferrals => {
                "a partner's own referrals and the cases referred to it"
            }
            Action::ManageAccounts => "list, add, disable accounts; revoke others' tokens",
            Action::ReadAudit => "read the audit trail",
            Action::ManageBreaches => "read and keep the register of personal-data breaches",
            Action::ReadFederation => "read the federation's state",
            Action::ReadMetrics => "read the node's operational metrics (`/metrics`)",
            Action::ChangeCharter => "submit a charter version",
            Action::BackupStore => "copy the node's whole store into a backup on its disk",
            Action::FileComplaint => "file a complaint on the public form",
            Action::FollowCase => "follow one's own case with its receipt code",
            Action::DeliverHandoff => "hand a member or a case over to this node",
        }
    }

    /// The name an audit record of it carries.
    pub fn audit_name(self) -> &'static str {
        match self {
            Action::ReadMember => "view_member",
            Action::ListMembers => "list_members",
            Action::ChangeMember => "change_member",
            Action::ExportMember => "export_member",
            Action::EraseMember => "erase_member",
            Action::IssueCard => "issue_card",
            Action::CheckCard => "check_card",
            Action::ReadTransfers => "view_transfers",
            Action::ChangeTransfers => "change_transfer",
            Action::ReadCase => "view_case",
            Action::ListCases => "list_cases",
            Action::ChangeCase => "change_case",
            Action::ReadCaseFile => "download_case_file",
            Action::ExportCases => "export_cases",
            Action::EraseCases => "erase_case",
            Action::ReadFigures => "view_figures",
            Action::ReadDirectory => "view_directory",
            Action::ChangeDirectory => "change_directory",
            Action::ReadPartners => "view_partners",
            Action::ChangePartners => "change_partner",
            Action::PartnerReferrals => "partner_referrals",
            Action::ManageAccounts => "manage_accounts",
            Action::ReadAudit => "view_audit",
            Action::ManageBreaches => "breach_register",
            Action::ReadFederation => "view_federation",
            Action::ReadMetrics => "view_metrics",
            Action::ChangeCharter => "change_charter",
            Action::BackupStore => "backup_store",
            Action::FileComplaint => "file_complaint",
            Action::FollowCase => "follow_case",
            Action::DeliverHandoff => "deliver_handoff",
        }
    }

    /// Whether its data holds personal fields: each use is recorded, and so
    /// is each refusal.
    pub fn personal(self) -> bool {
        matches!(
            self,
            Action::ReadMember
                | Action::ListMembers
                | Action::ChangeMember
                | Action::ExportMember
                | Action::EraseMember
                | Action::IssueCard
                | Action::ReadTransfers
                | Action::ChangeTransfers
                | Action::ReadCase
                | Action::ListCases
                | Action::ChangeCase
                | Action::ReadCaseFile
                | Action::ExportCases
                | Action::EraseCases
                | Action::PartnerReferrals
                | Action::ManageAccounts
                | Action::ReadAudit
                | Action::FollowCase
                | Action::DeliverHandoff
                | Action::BackupStore
        )
    }

    /// Whether it changes something: each change is recorded.
    pub fn changes(self) -> bool {
        matches!(
            self,
            Action::ChangeMember
                | Action::EraseMember
                | Action::ChangeTransfers
                | Action::ChangeCase
                | Action::EraseCases
                | Action::ChangeDirectory
                | Action::ChangePartners
                | Action::ManageAccounts
                | Action::ManageBreaches
                | Action::ChangeCharter
                | Action::FileComplaint
                | Action::DeliverHandoff
        )
    }

    /// Whether a use of it goes in the audit trail.
    pub fn audited(self) -> bool {
        self.personal() || self.changes()
    }
}

/// The policy: what `holder` gets for `action`. The only place a role's
/// reach is written down.
pub fn reach(holder: Holder, action: Action) -> Reach {
    use Action as A;
    use Holder as H;
    use Reach::{Full, Masked, None};
    match action {
        // Anyone may check a card, file a complaint, or follow the case
        // whose receipt code they hold.
        A::CheckCard | A::FileComplaint | A::FollowCase => Full,
        A::DeliverHandoff => match holder {
            H::Affiliate => Full,
            _ => None,
        },
        A::PartnerReferrals => match holder {
            H::Partner => Full,
            _ => None,
        },
        // Members: organisers' work; a case officer may need the member a
        // case is about; a viewer sees that they exist, not who they are.
        A::ReadMember | A::ListMembers => match holder {
            H::Admin | H::AdminToken | H::Organiser | H::CaseOfficer => Full,
            H::Viewer => Masked,
            _ => None,
        },
        A::ChangeMember | A::IssueCard | A::ChangeTransfers | A::ExportMember => match holder {
            H::Admin | H::AdminToken | H::Organiser => Full,
            _ => None,
        },
        // Erasure cannot be undone: the node's administrators only, as for cases.
        A::EraseMember => match holder {
            H::Admin | H::AdminToken => Full,
            _ => None,
        },
        A::ReadTransfers => match holder {
            H::Admin | H::AdminToken | H::Organiser => Full,
            H::Viewer => Masked,
            _ => None,
        },
        // Cases: case officers' work; an organiser and a viewer see the
        // queue and the figures, not the worker or the narrative.
        A::ReadCase | A::ListCases => match holder {
            H::Admin | H::AdminToken | H::CaseOfficer => Full,
            H::Organiser | H::Viewer => Masked,
            _ => None,
        },
        A::ChangeCase | A::ReadCaseFile | A::ExportCases | A::ChangeDirectory => match holder {
            H::Admin | H::AdminToken | H::CaseOfficer => Full,
            _ => None,
        },
        A::EraseCases => match holder {
            H::Admin | H::AdminToken => Full,
            _ => None,
        },
        // The directory's services are public (the rights pages list their
        // contacts); staff notes and partner links are for staff.
        A::ReadDirectory => match holder {
            H::Admin | H::AdminToken | H::CaseOfficer | H::Organiser | H::Viewer => Full,
            _ => Masked,
        },
        A::ReadFigures | A::ReadFederation => match holder {
            H::Admin | H::AdminToken | H::CaseOfficer | H::Organiser | H::Viewer => Full,
            _ => None,
        },
        A::ReadPartners
        | A::ChangePartners
        | A::ManageAccounts
        | A::ReadAudit
        | A::ManageBreaches
        | A::ReadMetrics
        | A::ChangeCharter
        | A::BackupStore => match holder {
            H::Admin | H::AdminToken => Full,
            _ => None,
        },
    }
}

/// The policy as a Markdown table: `docs/access.md`.
pub fn table_markdown() -> String {
    let mut out = String::from(
        "# Who may do what\n\n\
         This table is the access policy of a unionfed node, generated from\n\
         `node/core/src/access.rs` (`unionfed audit policy` prints it; a test checks\n\
         that this file is the same). Every door (the staff pages, the API, a\n\
         handoff, a timer) asks the same table, so a page cannot show more\n\
         than its API.\n\n\
         - **full**: allowed;\n\
         - **masked**: allowed, with names, dates of birth, contacts,\n\
         \x20 employers, sectors, countries, narratives, notes and files\n\
         \x20 taken out;\n\
         - **—**: refused (403; the refusal of an *audited* action is\n\
         \x20 recorded as `refused_<action>`, naming who asked).\n\n\
         Each use of an action marked *audited* is recorded in the audit\n\
         trail, naming the credential that was used: a user name (and the id\n\
         of the personal API token), `admin token`, `partner <id> (<name>)`,\n\
         `affiliate <code>`, `public` or `node`. A list or a search is one\n\
         record; a masked read is recorded as \"without personal fields\".\n\n",
    );
    out.push_str("| action | audited |");
    for h in Holder::ALL {
        out.push_str(&format!(" {} |", h.title()));
    }
    out.push_str("\n|---|---|");
    for _ in Holder::ALL {
        out.push_str("---|");
    }
    out.push('\n');
    for a in Action::ALL {
        out.push_str(&format!(
            "| {} (`{}`) | {} |",
            a.what(),
            a.audit_name(),
            if a.audited() { "yes" } else { "no" }
        ));
        for h in Holder::ALL {
            out.push_str(match reach(h, a) {
                Reach::Full => " full |",
                Reach::Masked => " masked |",
                Reach::None => " — |",
            });
        }
        out.push('\n');
    }
    out.push_str(
        "\nA principal's own account (its password, second factor and personal\n\
         API tokens) is always its own to change, and each change is recorded.\n",
    );
    out
}

/// Leave to go ahead with an action, from [`NodeState::allow`]. Recording
/// its use once done is [`Grant::done`].
#[derive(Debug)]
#[must_use = "a use of personal data is recorded with Grant::done"]
pub struct Grant {
    action: Action,
    actor: String,
    reach: Reach,
}

impl Grant {
    pub fn masked(&self) -> bool {
        self.reach == Reach::Masked
    }

    /// `value` as this grant lets it be seen: through `mask` when masked.
    pub fn shown<T>(&self, value: T, mask: impl FnOnce(T) -> T) -> T {
        if self.masked() {
            mask(value)
        } else {
            value
        }
    }

    /// Each of `values` as this grant lets it be seen.
    pub fn shown_all<T>(&self, values: Vec<T>, mask: impl FnMut(T) -> T) -> Vec<T> {
        if self.masked() {
            values.into_iter().map(mask).collect()
        } else {
            values
        }
    }

    /// Records the use of `target` (a member or case id, "members", a user
    /// name) in the audit trail, when the action is audited.
    pub fn done(&self, state: &NodeState, target: &str, detail: Option<String>) {
        self.done_as(state, self.action.audit_name(), target, detail);
    }

    /// Like [`Grant::done`], under a name that says which change it was
    /// (`enrol_member`, `member_status`).
    pub fn done_as(&self, state: &NodeState, name: &str, target: &str, detail: Option<String>) {
        if !self.action.audited() {
            return;
        }
        let detail = match (self.masked(), detail) {
            (false, d) => d,
            (true, None) => Some("without personal fields".to_owned()),
            (true, Some(d)) => Some(format!("{d}; without personal fields")),
        };
        state.audit(&self.actor, name, target, detail);
    }
}

impl NodeState {
    /// Runs `work` if `who` may do `action`, and records it as `name` once
    /// it has succeeded. `work` does nothing until it is awaited, after the
    /// policy said yes.
    pub(crate) async fn guarded<T>(
        &self,
        who: &Principal,
        action: Action,
        target: &str,
        name: &str,
        work: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        let grant = self.allow(who, action, target)?;
        let value = work.await?;
        grant.done_as(self, name, target, None);
        Ok(value)
    }

    /// Like [`NodeState::guarded`], for work that names who did it (a case
    /// event's actor, a consent's recorder): `work` is given the
    /// principal's display name, never a name from the request.
    pub(crate) async fn guarded_by<T, Fut>(
        &self,
        who: &Principal,
        action: Action,
        target: &str,
        name: &str,
        work: impl FnOnce(String) -> Fut,
    ) -> Result<T>
    where
        Fut: std::future::Future<Output = Result<T>>,
    {
        self.guarded(who, action, target, name, work(who.display_name()))
            .await
    }

    /// Whether `who` may do `action`. A refusal of personal data or of a
    /// change is recorded, naming `target`, and comes back as `Forbidden`
    /// with what the principal may not do.
    pub fn allow(&self, who: &Principal, action: Action, target: &str) -> Result<Grant> {
        let reach = who.reach(action);
        if reach == Reach::None {
            if action.audited() {
                self.audit(
                    &who.audit_name(),
                    &format!("refused_{}", action.audit_name()),
                    target,
                    None,
                );
            }
            return Err(NodeError::Forbidden(format!(
                "{} may not {}; docs/access.md says who may",
                who.describe(),
                action.what()
            )));
        }
        Ok(Grant {
            action,
            actor: who.audit_name(),
            reach,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn docs_access_md_is_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/access.md");
        let written = std::fs::read_to_string(path).unwrap_or_default();
        assert!(
            written == table_markdown(),
            "docs/access.md differs from the policy in node/core/src/access.rs; \
             write it anew with `cargo run -p unionfed-node --bin unionfed -- audit policy > docs/access.md`"
        );
    }

    #[test]
    fn the_roles_reach_what_union_staff_expect() {
        use Action as A;
        use Holder as H;
        assert_eq!(reach(H::CaseOfficer, A::ReadMember), Reach::Full);
        assert_eq!(reach(H::CaseOfficer, A::ChangeMember), Reach::None);
        assert_eq!(reach(H::Organiser, A::ReadCase), Reach::Masked);
        assert_eq!(reach(H::Organiser, A::ReadCaseFile), Reach::None);
        assert_eq!(reach(H::Viewer, A::ReadMember), Reach::Masked);
        assert_eq!(reach(H::Viewer, A::ChangeCase), Reach::None);
        assert_eq!(reach(H::Partner, A::ReadCase), Reach::None);
        assert_eq!(reach(H::Public, A::ListMembers), Reach::None);
        for a in Action::ALL {
            assert_eq!(reach(H::Admin, a), reach(H::AdminToken, a), "{a:?}");
        }
    }

    #[test]
    fn the_trail_names_the_credential() {
        let staff = Principal::Staff {
            username: "olga".into(),
            display_name: "Olga".into(),
            role: Role::Organiser,
            token: Some("ab12".into()),
        };
        assert_eq!(staff.audit_name(), "olga (API token ab12)");
        assert_eq!(staff.describe(), "olga (organiser)");
    }
}
