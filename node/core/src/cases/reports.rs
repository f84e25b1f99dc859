//! Reports on the case desk: the register as CSV, a printable report of one
//! case, counts and times with small cells suppressed, and retention: the
//! personal fields of cases closed long ago are erased, the statistics stay.

use super::CaseDesk;
use super::{
    code_of as code, Case, CaseEvent, CaseId, CaseQuery, CaseStatus, Channel, EventKind, MAX_FIELD,
};
use crate::access::{Action, Principal};
use crate::error::{NodeError, Result};
use crate::node::now;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use unionfed_protocol::Timestamp;
use utoipa::ToSchema;

const DAY: u64 = 86_400;

pub use crate::text::{day_string, parse_day};

/// One count; `None` when it is below the smallest cell shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Cell {
    pub key: String,
    pub count: Option<u64>,
}

/// Figures about the cases of this node. No cell smaller than `min_cell`
/// is shown: it is `null`, and counted in `suppressed_cells`.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CaseStats {
    pub min_cell: u32,
    pub total: Option<u64>,
    pub by_category: Vec<Cell>,
    /// Origin → destination, e.g. `ID→MY`.
    pub by_corridor: Vec<Cell>,
    pub by_sector: Vec<Cell>,
    pub by_status: Vec<Cell>,
    pub by_outcome: Vec<Cell>,
    pub by_channel: Vec<Cell>,
    pub overdue: Option<u64>,
    /// Median hours from intake to the first thing staff did.
    pub median_hours_to_first_action: Option<f64>,
    /// Median days from intake to resolution.
    pub median_days_to_resolution: Option<f64>,
    pub suppressed_cells: u64,
}

fn channel_name(c: &Channel) -> &'static str {
    match c {
        Channel::Staff { .. } => "staff",
        Channel::PublicForm => "public_form",
        Channel::Partner { .. } => "partner",
        Channel::Affiliate { .. } => "affiliate",
    }
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

fn is_staff_step(e: &CaseEvent) -> bool {
    matches!(
        e.kind,
        EventKind::Transition { .. }
            | EventKind::Action { .. }
            | EventKind::Assigned { .. }
            | EventKind::MessageToWorker
            | EventKind::Referred { .. }
            | EventKind::ReferralDecision { .. }
    )
}

/// The figures for `cases`, suppressing cells under `k`.
pub fn stats(cases: &[Case], k: u32, at: Timestamp) -> CaseStats {
    let k64 = u64::from(k);
    let mut suppressed = 0;
    let mut shown = |n: u64| {
        if n >= k64 {
            Some(n)
        } else {
            if n > 0 {
                suppressed += 1;
            }
            None
        }
    };
    let tally = |keys: &mut dyn Iterator<Item = String>| -> BTreeMap<String, u64> {
        let mut m = BTreeMap::new();
        for key in keys {
            *m.entry(key).or_insert(0) += 1;
        }
        m
    };
    let categories = tally(&mut cases.iter().flat_map(|c| c.categories.iter().map(code)));
    let corridors = tally(&mut cases.iter().map(|c| {
        let country = |x: &Option<unionfed_protocol::CountryCode>| {
            x.map_or("?".to_owned(), |c| c.as_str().to_owned())
        };
        format!(
            "{}→{}",
            country(&c.origin_country),
            country(&c.destination_country)
        )
    }));
    let sectors = tally(&mut cases.iter().map(|c| {
        c.sector
            .as_deref()
            .map_or("(not given)".to_owned(), |s| s.trim().to_lowercase())
    }));
    let statuses = tally(&mut cases.iter().map(|c| c.status.as_str().to_owned()));
    let outcomes = tally(&mut cases.iter().filter_map(|c| c.outcome.map(|o| code(&o))));
    let channels = tally(&mut cases.iter().map(|c| channel_name(&c.channel).to_owned()));
    let mut cells = |m: BTreeMap<String, u64>| -> Vec<Cell> {
        m.into_iter()
            .map(|(key, n)| Cell {
                key,
                count: shown(n),
            })
            .collect()
    };
    let by_category = cells(categories);
    let by_corridor = cells(corridors);
    let by_sector = cells(sectors);
    let by_status = cells(statuses);
    let by_outcome = cells(outcomes);
    let by_channel = cells(channels);
    let first_actions: Vec<f64> = cases
        .iter()
        .filter_map(|c| {
            c.events
                .iter()
                .find(|e| is_staff_step(e))
                .map(|e| e.at.secs().saturating_sub(c.created_at.secs()) as f64 / 3600.0)
        })
        .collect();
    let resolutions: Vec<f64> = cases
        .iter()
        .filter_map(|c| {
            c.events
                .iter()
                .find(|e| {
                    matches!(
                        e.kind,
                        EventKind::Transition {
                            to: CaseStatus::Resolved,
                            ..
                        }
                    )
                })
                .map(|e| e.at.secs().saturating_sub(c.created_at.secs()) as f64 / DAY as f64)
        })
        .collect();
    let enough = |v: &Vec<f64>| v.len() as u64 >= k64;
    let median_hours_to_first_action = enough(&first_actions)
        .then(|| median(first_actions))
        .flatten();
    let median_days_to_resolution = enough(&resolutions).then(|| median(resolutions)).flatten();
    let overdue = cases.iter().filter(|c| c.is_overdue(at)).count() as u64;
    let total = cases.len() as u64;
    let overdue = shown(overdue);
    let total = shown(total);
    CaseStats {
        min_cell: k,
        total,
        by_category,
        by_corridor,
        by_sector,
        by_status,
        by_outcome,
        by_channel,
        overdue,
        median_hours_to_first_action,
        median_days_to_resolution,
        suppressed_cells: suppressed,
    }
}

/// The case register as CSV: no worker name, contact or narrative, so the
/// file can be shared inside the union without exposing anyone.
pub fn register_csv(cases: &[Case], at: Timestamp) -> Result<String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let csv_error = |e: csv::Error| NodeError::Storage(format!("CSV: {e}"));
    w.write_record([
        "reference",
        "kind",
        "status",
        "outcome",
        "priority",
        "categories",
        "risk_flags",
        "origin_country",
        "destination_country",
        "sector",
        "channel",
        "assigned_to",
        "opened",
        "updated",
        "due",
        "overdue",
        "referrals",
    ])
    .map_err(csv_error)?;
    for c in cases {
        let list = |items: Vec<String>| items.join(";");
        let row = [
            c.reference.clone(),
            code(&c.kind),
            c.status.as_str().to_owned(),
            c.outcome.map(|o| code(&o)).unwrap_or_default(),
            code(&c.priority),
            list(c.categories.iter().map(code).collect()),
            list(c.risk_flags.iter().map(code).collect()),
            c.origin_country
                .map(|x| x.as_str().to_owned())
                .unwrap_or_default(),
            c.destination_country
                .map(|x| x.as_str().to_owned())
                .unwrap_or_default(),
            c.sector.clone().unwrap_or_default(),
            channel_name(&c.channel).to_owned(),
            c.assigned_to.clone().unwrap_or_default(),
            day_string(c.created_at),
            day_string(c.updated_at),
            c.due_at.map(day_string).unwrap_or_default(),
            if c.is_overdue(at) { "yes" } else { "no" }.to_owned(),
            c.referrals.len().to_string(),
        ];
        w.write_record(row.map(crate::text::csv_cell))
            .map_err(csv_error)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| NodeError::Storage(format!("CSV: {e}")))?;
    String::from_utf8(bytes).map_err(|e| NodeError::Storage(e.to_string()))
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// One case as a page that prints well on A4: the facts, the worker (as
/// far as known), the contract evidence, referrals and every event.
pub fn case_report_html(case: &Case, affiliate: &str) -> String {
    let opt = |v: &Option<String>| escape(v.as_deref().unwrap_or("—"));
    let mut rows = String::new();
    let mut row = |k: &str, v: String| {
        rows.push_str(&format!("<tr><th>{}</th><td>{v}</td></tr>\n", escape(k)));
    };
    row("Reference", escape(&case.reference));
    row("Kind", code(&case.kind));
    row("Status", escape(case.status.as_str()));
    row(
        "Outcome",
        case.outcome.map(|o| code(&o)).unwrap_or("—".into()),
    );
    row("Priority", code(&case.priority));
    row(
        "Categories",
        case.categories
            .iter()
            .map(|c| escape(c.info().label))
            .collect::<Vec<_>>()
            .join(", "),
    );
    row(
        "Risk flags",
        if case.risk_flags.is_empty() {
            "none".into()
        } else {
            case.risk_flags
                .iter()
                .map(code)
                .collect::<Vec<_>>()
                .join(", ")
        },
    );
    let country = |c: &Option<unionfed_protocol::CountryCode>| {
        c.map_or("?".to_owned(), |c| c.as_str().to_owned())
    };
    row(
        "Corridor",
        format!(
            "{} → {}",
            country(&case.origin_country),
            country(&case.destination_country)
        ),
    );
    row("Sector", opt(&case.sector));
    row("Employer", opt(&case.employer));
    row("Recruitment agency", opt(&case.recruitment_agency));
    row(
        "Worker",
        if case.worker.anonymous {
            "anonymous".into()
        } else {
            opt(&case.worker.name)
        },
    );
    row("Contact", opt(&case.worker.contact));
    row("Assigned to", opt(&case.assigned_to));
    row("Opened", day_string(case.created_at));
    row("Due", case.due_at.map_or("—".into(), day_string));
    let mut contract = String::new();
    if let Some(c) = &case.contract {
        contract.push_str("<h2>Contract</h2>\n<table><tr><th>Term</th><th>Signed</th><th>Experienced</th><th></th></tr>\n");
        for d in &c.differences {
            contract.push_str(&format!(
                "<tr{}><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                if d.substitution {
                    " class=\"harm\""
                } else {
                    ""
                },
                escape(&d.term),
                escape(&d.signed),
                escape(&d.experienced),
                escape(&d.explanation)
            ));
        }
        contract.push_str(&format!(
            "</table>\n<p>{}</p>\n",
            if c.substitution {
                "<strong>Contract substitution indicated.</strong>"
            } else {
                "No substitution found."
            }
        ));
    }
    let mut referrals = String::new();
    if !case.referrals.is_empty() {
        referrals.push_str("<h2>Referrals</h2>\n<ul>\n");
        for r in &case.referrals {
            let to = match &r.target {
                super::referrals::ReferralTarget::Service { name, .. } => name.clone(),
                super::referrals::ReferralTarget::Affiliate { affiliate } => affiliate.to_string(),
            };
            referrals.push_str(&format!(
                "<li>{} — {} ({}){}</li>\n",
                day_string(r.created_at),
                escape(&to),
                code(&r.status),
                r.remark
                    .as_deref()
                    .map(|m| format!(": {}", escape(m)))
                    .unwrap_or_default()
            ));
        }
        referrals.push_str("</ul>\n");
    }
    let mut events = String::new();
    for e in &case.events {
        let what = e.kind.name();
        events.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            day_string(e.at),
            escape(&e.actor),
            escape(&what.replace('_', " ")),
            opt(&e.note)
        ));
    }
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Case {reference}</title>
<style>
body {{ font: 11pt/1.4 system-ui, sans-serif; margin: 2em; color: #111; }}
table {{ border-collapse: collapse; width: 100%; margin-bottom: 1em; }}
th, td {{ border: 1px solid #999; padding: 4px 6px; text-align: left; vertical-align: top; }}
th {{ width: 12em; background: #eee; }}
tr.harm td {{ font-weight: bold; }}
.confidential {{ border: 2px solid #000; padding: 4px; font-weight: bold; }}
@media print {{ body {{ margin: 0; }} @page {{ size: A4; margin: 15mm; }} tr {{ break-inside: avoid; }} }}
</style></head>
<body>
<p class="confidential">Confidential: personal data of a worker, held by {affiliate}. Do not copy or forward.</p>
<h1>Case {reference}</h1>
<table>
{rows}</table>
<h2>Description</h2>
<p>{description}</p>
{contract}{referrals}<h2>Events</h2>
<table><tr><th>Day</th><th>By</th><th>What</th><th>Note</th></tr>
{events}</table>
</body></html>
"#,
        reference = escape(&case.reference),
        affiliate = escape(affiliate),
        description = escape(&case.description).replace('\n', "<br>"),
    )
}

/// A request to erase a worker's data from a case.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EraseRequest {
    #[serde(skip)]
    pub actor: String,
    /// How the worker asked, e.g. "in person at the hub, 2026-11-20".
    pub reason: String,
}

/// What a retention run did.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct RetentionReport {
    pub erased: usize,
}

pub(crate) const ERASED: &str = "(erased)";

impl Case {
    /// Removes every personal field and free text, keeping what the
    /// statistics need: categories, corridor, sector, channel, status,
    /// outcome and the times of events.
    pub(crate) fn erase_personal(&mut self) {
        self.worker.name = None;
        self.worker.contact = None;
        self.worker.member = None;
        self.employer = None;
        self.recruitment_agency = None;
        self.description = ERASED.to_owned();
        for e in &mut self.events {
            if e.note.is_some() {
                e.note = Some(ERASED.to_owned());
            }
        }
        for r in &mut self.referrals {
            r.remark = None;
        }
        if let Some(c) = &mut self.consent {
            c.recorded_by = ERASED.to_owned();
        }
        if let Some(c) = &mut self.contract {
            c.signed.employer = None;
            c.experienced.employer = None;
        }
        self.receipt_code = false;
        self.attachments.clear();
        self.erased = true;
    }
}

/// The dashboard's counts: no personal field.
#[derive(Debug, Clone, Default)]
pub struct DeskFigures {
    pub urgent: usize,
    pub high: usize,
    pub normal: usize,
    pub overdue: usize,
    pub incoming_referrals: usize,
    pub members: usize,
    pub incoming_transfers: usize,
}

impl CaseDesk<'_> {
    /// The figures of the staff dashboard.
    pub fn desk_figures(self, who: &Principal) -> Result<DeskFigures> {
        let _ = self.allow(who, Action::ReadFigures, "dashboard")?;
        let open = self.matching_cases(&CaseQuery {
            open: true,
            ..Default::default()
        })?;
        let at = now();
        let count = |p: super::Priority| open.iter().filter(|c| c.priority == p).count();
        let incoming = self
            .transfers()
            .find_transfers(&crate::transfers::TransferQuery {
                direction: Some(crate::transfers::Direction::Incoming),
                state: Some("received".into()),
                ..Default::default()
            })?;
        Ok(DeskFigures {
            urgent: count(super::Priority::Urgent),
            high: count(super::Priority::High),
            normal: count(super::Priority::Normal),
            overdue: open.iter().filter(|c| c.is_overdue(at)).count(),
            incoming_referrals: open
                .iter()
                .filter(|c| {
                    c.referred_from
                        .as_ref()
                        .is_some_and(|f| f.accepted.is_none())
                })
                .count(),
            members: crate::members::store::member_count(&self.store),
            incoming_transfers: incoming.len(),
        })
    }

    pub fn case_stats(self, who: &Principal) -> Result<CaseStats> {
        let grant = self.allow(who, Action::ReadFigures, "figures")?;
        let value = stats(
            &super::store::cases(&self.store)?,
            self.config.stats_min_cell,
            now(),
        );
        grant.done(&self, "figures", None);
        Ok(value)
    }

    /// The case register as CSV. It holds no personal field, so whoever
    /// may list cases, masked or not, may export it.
    pub fn case_register_csv(self, who: &Principal, query: &CaseQuery) -> Result<String> {
        let grant = self.allow(who, Action::ListCases, "case register")?;
        let value = register_csv(&self.matching_cases(query)?, now())?;
        grant.done_as(&self, "export_register", "case register", None);
        Ok(value)
    }

    pub fn case_report(self, who: &Principal, id: &CaseId) -> Result<String> {
        let grant = self.allow(who, Action::ExportCases, &id.to_string())?;
        let value = case_report_html(&self.case(id)?, self.config.name.as_str());
        grant.done_as(&self, "print_case", &id.to_string(), None);
        Ok(value)
    }

    /// Erases the personal fields of one case at the worker's request; the
    /// request itself stays on the case as an event.
    pub async fn erase_case(
        self,
        who: &Principal,
        id: &CaseId,
        request: EraseRequest,
    ) -> Result<Case> {
        self.guarded_by(
            who,
            Action::EraseCases,
            &id.to_string(),
            "erase_case",
            |actor| self.erase_case_unchecked(id, EraseRequest { actor, ..request }),
        )
        .await
    }

    async fn erase_case_unchecked(self, id: &CaseId, request: EraseRequest) -> Result<Case> {
        super::check_required("actor", &request.actor, MAX_FIELD)?;
        super::check_required("reason", &request.reason, MAX_FIELD)?;
        let before = self.case(id)?;
        let mut case = before.clone();
        let at = now();
        let told = self.erase_referrals(&mut case, at)?;
        case.erase_personal();
        case.push(CaseEvent {
            at,
            actor: request.actor,
            kind: EventKind::Erased,
            note: Some(format!(
                "erased at the worker's request: {}",
                request.reason
            )),
        })?;
        if !super::store::replace_case_erasing(&self.store, &before, &case, &told)? {
            return Err(NodeError::Invalid(format!(
                "case {} was changed by someone else just now; try the erasure again",
                before.reference
            )));
        }
        self.store.flush().await?;
        if !told.is_empty() {
            self.wake_outbox();
        }
        Ok(case)
    }

    /// Erases the personal fields of every case closed or rejected more than
    /// `case_retention_days` ago.
    /// The hourly run records itself only when it erased something; a run
    /// someone asked for is always recorded.
    pub async fn run_retention(self, who: &Principal) -> Result<RetentionReport> {
        let grant = self.allow(who, Action::EraseCases, "closed cases")?;
        let report = self.run_retention_unchecked().await?;
        if report.erased > 0 || *who != Principal::Node {
            let detail = Some(format!("{} erased", report.erased));
            grant.done_as(&self, "run_retention", "closed cases", detail);
        }
        Ok(report)
    }

    async fn run_retention_unchecked(self) -> Result<RetentionReport> {
        self.purge_closed_cases(now()).await
    }

    /// Whether `case` is past its retention period at `at`.
    fn retention_due(self, case: &Case, at: Timestamp) -> bool {
        let limit = u64::from(self.config.case_retention_days) * DAY;
        let finished = matches!(case.status, CaseStatus::Closed | CaseStatus::Rejected);
        !case.erased && finished && case.updated_at.secs() + limit <= at.secs()
    }

    /// How many cases will be past their retention period at `at`.
    pub(crate) fn closed_cases_due(self, at: Timestamp) -> Result<usize> {
        Ok(super::store::cases(&self.store)?
            .iter()
            .filter(|c| self.retention_due(c, at))
            .count())
    }

    /// Erases the personal fields of every case past its retention period
    /// at `at`.
    pub(crate) async fn purge_closed_cases(self, at: Timestamp) -> Result<RetentionReport> {
        let mut erased = 0;
        for before in super::store::cases(&self.store)? {
            if !self.retention_due(&before, at) {
                continue;
            }
            let mut case = before.clone();
            case.erase_personal();
            case.push(CaseEvent {
                at,
                actor: "retention".into(),
                kind: EventKind::Erased,
                note: Some(format!(
                    "closed more than {} days ago",
                    self.config.case_retention_days
                )),
            })?;
            if super::store::replace_case_erasing(&self.store, &before, &case, &[])? {
                erased += 1;
            }
        }
        if erased > 0 {
            self.store.flush().await?;
            tracing::info!(
                erased,
                "retention erased the personal fields of closed cases"
            );
        }
        Ok(RetentionReport { erased })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_written_as_calendar_dates() {
        assert_eq!(day_string(Timestamp(0)), "1970-01-01");
        assert_eq!(day_string(Timestamp(951_782_400)), "2000-02-29");
        assert_eq!(day_string(Timestamp(1_795_824_000)), "2026-11-28");
    }

    #[test]
    fn calendar_dates_are_read_back() {
        for secs in [0, 951_782_400, 1_795_824_000, 4_102_444_800] {
            let t = Timestamp(secs);
            assert_eq!(parse_day(&day_string(t)), Some(t));
        }
        for bad in [
            "2026-02-30",
            "2025-02-29",
            "2026-13-01",
            "2026-1-01",
            "26-11-28",
            "1969-12-31",
            "2026-11-28-",
            "2026/11/28",
            "",
            "abcd-ef-gh",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
    }

    #[test]
    fn html_is_escaped() {
        assert_eq!(escape("<script>&\"'"), "&lt;script&gt;&amp;&quot;&#39;");
    }

    #[test]
    fn medians() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
