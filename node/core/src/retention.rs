//! Retention across the areas: each kind of personal data is kept for its
//! configured period and then purged (closed cases and their files,
//! lapsed or revoked members, files of declined or ended transfers, received handoffs
//! that could not be applied, audit records). The
//! node runs it every hour; staff run it at once and read what is due.

use crate::access::{Action, Principal};
use crate::error::Result;
use crate::node::{now, NodeState};
use serde::Serialize;
use unionfed_protocol::Timestamp;
use utoipa::ToSchema;

/// How far ahead "due" looks.
pub const DUE_WITHIN_DAYS: u64 = 30;

/// One kind of data in a retention report.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RetentionKind {
    /// `closed_cases`, `lapsed_members`, `received_transfer_files`,
    /// `unapplied_handoffs` or `audit_records`.
    pub kind: &'static str,
    /// How long it is kept, in days, from when it closed, lapsed or ended.
    pub keep_days: u32,
    /// Purged by this run (0 in a report that purges nothing).
    pub purged: usize,
    /// Will be purged within [`DUE_WITHIN_DAYS`] days.
    pub due_soon: usize,
}

/// What a retention run did, or what is due.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RetentionRun {
    #[schema(value_type = u64)]
    pub as_of: Timestamp,
    pub kinds: Vec<RetentionKind>,
}

impl RetentionRun {
    pub fn purged(&self) -> usize {
        self.kinds.iter().map(|k| k.purged).sum()
    }
}

/// Purges every kind of data past its period now, for `who`.
pub async fn run(state: &NodeState, who: &Principal) -> Result<RetentionRun> {
    run_as_of(state, who, now()).await
}

/// Purges every kind of data that is past its period at `at`, as if the
/// clock said `at`: what the hourly run does with `now()`, and what a test
/// does with a clock moved ahead. No door takes a time from a client.
pub async fn run_as_of(state: &NodeState, who: &Principal, at: Timestamp) -> Result<RetentionRun> {
    let grant = state.allow(who, Action::EraseCases, "retention")?;
    let cases = state.cases().purge_closed_cases(at).await?.erased;
    let members = state.members().purge_lapsed(at).await?;
    let files = state.transfers().purge_received_files(at).await?;
    let handoffs = state.purge_unapplied_handoffs(at).await?;
    let audit = state.purge_audit_records(at).await?;
    let report = report(state, at, [cases, members, files, handoffs, audit])?;
    if report.purged() > 0 || *who != Principal::Node {
        let detail = report
            .kinds
            .iter()
            .map(|k| format!("{} {}", k.purged, k.kind))
            .collect::<Vec<_>>()
            .join(", ");
        grant.done_as(state, "run_retention", "retention", Some(detail));
    }
    Ok(report)
}

/// What is kept for how long and what will be purged soon: counts only.
pub fn due(state: &NodeState, who: &Principal) -> Result<RetentionRun> {
    let _figures = state.allow(who, Action::ReadFigures, "retention")?;
    report(state, now(), [0, 0, 0, 0, 0])
}

fn report(state: &NodeState, at: Timestamp, purged: [usize; 5]) -> Result<RetentionRun> {
    let soon = Timestamp(at.secs() + DUE_WITHIN_DAYS * 86_400);
    let config = &state.config;
    Ok(RetentionRun {
        as_of: at,
        kinds: vec![
            RetentionKind {
                kind: "closed_cases",
                keep_days: config.case_retention_days,
                purged: purged[0],
                due_soon: state.cases().closed_cases_due(soon)?,
            },
            RetentionKind {
                kind: "lapsed_members",
                keep_days: config.member_retention_days,
                purged: purged[1],
                due_soon: state.members().lapsed_due(soon)?,
            },
            RetentionKind {
                kind: "received_transfer_files",
                keep_days: config.transfer_file_retention_days,
                purged: purged[2],
                due_soon: state.transfers().files_due(soon)?,
            },
            RetentionKind {
                kind: "unapplied_handoffs",
                keep_days: config.unapplied_handoff_retention_days,
                purged: purged[3],
                due_soon: state.unapplied_handoffs_due(soon)?,
            },
            RetentionKind {
                kind: "audit_records",
                keep_days: config.audit_retention_days,
                purged: purged[4],
                due_soon: state.audit_records_due(soon)?,
            },
        ],
    })
}
