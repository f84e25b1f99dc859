//! Staff pages for the case-desk figures and exports, the federation's
//! state, the service directory and partner tokens.

use super::i18n::Tr;
use super::page;
use super::staff::{message_page, Me, Staff, StaffForm};
use crate::api::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use unionfed_core::access::Action;
use unionfed_core::cases::code_of as code;
use unionfed_core::cases::partners::{NewPartner, PartnerKind};
use unionfed_core::cases::referrals::{NewService, ServiceKind};
use unionfed_core::cases::reports::Cell;
use unionfed_core::cases::CaseQuery;
use unionfed_core::error::NodeError;

// --- reports --------------------------------------------------------------------------

struct Group {
    title: String,
    cells: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "s_reports.html")]
struct ReportsPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    min_cell: u32,
    suppressed: u64,
    total: String,
    overdue: String,
    median_first: String,
    median_resolution: String,
    groups: Vec<Group>,
    /// (kind, kept for days, due within 30 days) of each kind of data.
    retention: Vec<(String, u32, usize)>,
}

fn shown(n: Option<u64>) -> String {
    n.map_or("—".into(), |n| n.to_string())
}

pub(crate) async fn reports(State(state): State<AppState>, staff: Staff) -> Response {
    let stats = match state.cases().case_stats(&staff.who) {
        Ok(s) => s,
        Err(e) => return staff.error_page(e),
    };
    let t = staff.t;
    let retention = match unionfed_core::retention::due(&state, &staff.who) {
        Ok(r) => r
            .kinds
            .into_iter()
            .map(|k| {
                (
                    t.get(&format!("retention-{}", k.kind)),
                    k.keep_days,
                    k.due_soon,
                )
            })
            .collect(),
        Err(e) => return staff.error_page(e),
    };
    let group = |key: &str, cells: &[Cell], label: &dyn Fn(&str) -> String| Group {
        title: t.get(key),
        cells: cells
            .iter()
            .map(|c| (label(&c.key), shown(c.count)))
            .collect(),
    };
    let plain = |k: &str| k.to_owned();
    let category = |k: &str| t.get(&format!("cat-{k}"));
    let status = |k: &str| t.get(&format!("case-status-{k}"));
    let outcome = |k: &str| t.get(&format!("outcome-{k}"));
    let groups = vec![
        group("reports-by-category", &stats.by_category, &category),
        group("reports-by-corridor", &stats.by_corridor, &plain),
        group("reports-by-sector", &stats.by_sector, &plain),
        group("reports-by-status", &stats.by_status, &status),
        group("reports-by-outcome", &stats.by_outcome, &outcome),
        group("reports-by-channel", &stats.by_channel, &plain),
    ];
    page(
        StatusCode::OK,
        ReportsPage {
            t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            min_cell: stats.min_cell,
            suppressed: stats.suppressed_cells,
            total: shown(stats.total),
            overdue: shown(stats.overdue),
            median_first: stats
                .median_hours_to_first_action
                .map_or("—".into(), |h| format!("{h:.1}")),
            median_resolution: stats
                .median_days_to_resolution
                .map_or("—".into(), |d| format!("{d:.1}")),
            groups,
            retention,
        }
        .render(),
    )
}

/// The register as CSV for a signed-in staff member (no names in it).
pub(crate) async fn register_csv(State(state): State<AppState>, staff: Staff) -> Response {
    match state
        .cases()
        .case_register_csv(&staff.who, &CaseQuery::default())
    {
        Ok(csv) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (
                    header::CONTENT_DISPOSITION,
                    "attachment; filename=\"case-register.csv\"",
                ),
                (header::CACHE_CONTROL, "no-store"),
            ],
            csv,
        )
            .into_response(),
        Err(e) => staff.error_page(e),
    }
}

/// One case as a page that prints, for roles that see personal fields.
pub(crate) async fn print_case(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Response {
    let Ok(id) = id.parse::<unionfed_core::cases::CaseId>() else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "cases-none");
    };
    match state.cases().case_report(&staff.who, &id) {
        Ok(html) => page(StatusCode::OK, Ok(html)),
        Err(NodeError::NotFound { .. }) => {
            message_page(staff.t, StatusCode::NOT_FOUND, "cases-none")
        }
        Err(e) => staff.error_page(e),
    }
}

// --- federation ---------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "s_federation.html")]
struct FederationPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    charter_version: u32,
    equivocations: usize,
    affiliates: Vec<(String, String, String, String)>,
    heads: Vec<(String, u64, u64)>,
}

pub(crate) async fn federation(State(state): State<AppState>, staff: Staff) -> Response {
    if let Some(r) = staff.unless_may(&state, Action::ReadFederation, "federation") {
        return r;
    }
    let t = staff.t;
    let held = state.charter();
    let peers = state.connected_peers().await.unwrap_or_default();
    let connected: Vec<_> = peers
        .iter()
        .filter_map(|p| unionfed_core::node::affiliate_of(&held.charter, p))
        .collect();
    let affiliates = held
        .charter
        .affiliates
        .iter()
        .map(|a| {
            let online = a.id == state.config.affiliate || connected.contains(&a.id);
            (
                a.id.to_string(),
                a.name.clone(),
                t.country(a.country.as_str()),
                t.get(if online { "fed-yes" } else { "fed-no" }),
            )
        })
        .collect();
    let heads = state
        .author_heads()
        .unwrap_or_default()
        .into_iter()
        .map(|h| (h.author.to_string(), h.seq.get(), state.lag(&h.author)))
        .collect();
    page(
        StatusCode::OK,
        FederationPage {
            t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            charter_version: held.charter.version,
            equivocations: state.equivocation_count(),
            affiliates,
            heads,
        }
        .render(),
    )
}

// --- directory ------------------------------------------------------------------------------

#[derive(Template)]
#[template(path = "s_directory.html")]
struct DirectoryPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    csrf: String,
    notice: Option<String>,
    error: Option<String>,
    rows: Vec<(String, String, String, String, String)>,
    may_edit: bool,
    /// (code, name in the reader's language) of each kind.
    kinds: Vec<(String, String)>,
}

fn directory_page(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let services = match state.cases().directory(&staff.who, None, None) {
        Ok(s) => s,
        Err(e) => return staff.error_page(e),
    };
    let dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "—".into());
    page(
        status,
        DirectoryPage {
            t: staff.t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            csrf: staff.session.csrf.clone(),
            notice,
            error,
            rows: services
                .iter()
                .map(|s| {
                    (
                        staff.t.country(s.country.as_str()),
                        staff.t.get(&format!("org-kind-{}", code(&s.kind))),
                        s.name.clone(),
                        dash(&s.contact),
                        dash(&s.languages),
                    )
                })
                .collect(),
            may_edit: staff.who.may(Action::ChangeDirectory),
            kinds: [
                ServiceKind::GovernmentAgency,
                ServiceKind::LabourAttache,
                ServiceKind::Embassy,
                ServiceKind::Ngo,
                ServiceKind::Shelter,
                ServiceKind::LegalAid,
                ServiceKind::Other,
            ]
            .iter()
            .map(|k| {
                let c = code(k);
                let label = staff.t.get(&format!("org-kind-{c}"));
                (c, label)
            })
            .collect(),
        }
        .render(),
    )
}

pub(crate) async fn directory(State(state): State<AppState>, staff: Staff) -> Response {
    directory_page(&state, &staff, StatusCode::OK, None, None)
}

pub(crate) async fn directory_change(
    State(state): State<AppState>,
    Path(what): Path<String>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    if let Some(r) = staff.unless_may(&state, Action::ChangeDirectory, "directory") {
        return r;
    }
    let result = match what.as_str() {
        "add" => {
            let country = f.one("country").trim().to_uppercase();
            let Ok(country) = country.parse() else {
                return directory_page(
                    &state,
                    &staff,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                    Some(staff.t.get("error-country")),
                );
            };
            let Ok(kind) = f.one("kind").parse::<ServiceKind>() else {
                return directory_page(
                    &state,
                    &staff,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    None,
                    Some(staff.t.get("error-input")),
                );
            };
            let optional = |s: String| Some(s).filter(|s| !s.trim().is_empty());
            state
                .cases()
                .add_service(
                    &staff.who,
                    NewService {
                        country,
                        kind,
                        name: f.one("name"),
                        contact: optional(f.one("contact")),
                        languages: optional(f.one("languages")),
                        notes: None,
                        partner: None,
                    },
                )
                .await
                .map(|_| None)
        }
        "import" => state
            .cases()
            .import_services(&staff.who, &f.one("csv"))
            .await
            .map(|r| Some(format!("{} {}", staff.t.get("dir-imported"), r.imported))),
        _ => return message_page(staff.t, StatusCode::NOT_FOUND, "error-heading"),
    };
    match result {
        Ok(None) => Redirect::to("/directory").into_response(),
        Ok(Some(notice)) => directory_page(&state, &staff, StatusCode::OK, Some(notice), None),
        Err(NodeError::Invalid(m)) => directory_page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(staff.input_error(&m)),
        ),
        Err(e) => staff.error_page(e),
    }
}

// --- partners -----------------------------------------------------------------------------

struct PartnerRow {
    id: String,
    name: String,
    kind: String,
    revoked: bool,
}

#[derive(Template)]
#[template(path = "s_partners.html")]
struct PartnersPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    csrf: String,
    error: Option<String>,
    new_token: Option<String>,
    rows: Vec<PartnerRow>,
    /// (code, name in the reader's language) of each kind.
    kinds: Vec<(String, String)>,
}

fn partners_page(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    new_token: Option<String>,
    error: Option<String>,
) -> Response {
    let partners = match state.cases().list_partners(&staff.who) {
        Ok(p) => p,
        Err(e) => return staff.error_page(e),
    };
    page(
        status,
        PartnersPage {
            t: staff.t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            csrf: staff.session.csrf.clone(),
            error,
            new_token,
            rows: partners
                .iter()
                .map(|p| PartnerRow {
                    id: p.id.to_string(),
                    name: p.name.clone(),
                    kind: staff.t.get(&format!("org-kind-{}", code(&p.kind))),
                    revoked: p.revoked_at.is_some(),
                })
                .collect(),
            kinds: [
                PartnerKind::LabourMinistry,
                PartnerKind::Embassy,
                PartnerKind::LabourAttache,
                PartnerKind::Shelter,
                PartnerKind::Ngo,
                PartnerKind::LegalAid,
                PartnerKind::Other,
            ]
            .iter()
            .map(|k| {
                let c = code(k);
                let label = staff.t.get(&format!("org-kind-{c}"));
                (c, label)
            })
            .collect(),
        }
        .render(),
    )
}

pub(crate) async fn partners(State(state): State<AppState>, staff: Staff) -> Response {
    partners_page(&state, &staff, StatusCode::OK, None, None)
}

pub(crate) async fn add_partner(
    State(state): State<AppState>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    let kind = unionfed_core::cases::from_code(&f.one("kind")).unwrap_or(PartnerKind::Other);
    match state
        .cases()
        .add_partner(
            &staff.who,
            NewPartner {
                name: f.one("name"),
                kind,
                country: None,
                scopes: None,
            },
        )
        .await
    {
        Ok(created) => partners_page(
            &state,
            &staff,
            StatusCode::CREATED,
            Some(created.token),
            None,
        ),
        Err(NodeError::Invalid(m)) => partners_page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(staff.input_error(&m)),
        ),
        Err(e) => staff.error_page(e),
    }
}

pub(crate) async fn revoke_partner(
    State(state): State<AppState>,
    Path(id): Path<String>,
    StaffForm { staff, .. }: StaffForm,
) -> Response {
    let Ok(id) = id.parse() else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "error-heading");
    };
    match state.cases().revoke_partner(&staff.who, &id).await {
        Ok(_) => Redirect::to("/partners").into_response(),
        Err(e) => staff.error_page(e),
    }
}

// --- the breach register --------------------------------------------------------------

struct BreachRow {
    id: String,
    found: String,
    happened: String,
    data: String,
    people: u32,
    measures: String,
    /// The authority's deadline, and whether it has passed untold.
    due: String,
    late: bool,
    authority_told: Option<String>,
    people_told: Option<String>,
}

#[derive(Template)]
#[template(path = "s_breaches.html")]
struct BreachesPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    csrf: String,
    error: Option<String>,
    notice: Option<String>,
    authority: &'static str,
    hours: String,
    law: &'static str,
    rows: Vec<BreachRow>,
}

fn breaches_page(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let breaches = match unionfed_core::breaches::list(state, &staff.who) {
        Ok(b) => b,
        Err(e) => return staff.error_page(e),
    };
    let country = state.config.country;
    let rule = unionfed_core::breaches::deadline(country);
    let day = unionfed_core::cases::reports::day_string;
    let at = unionfed_core::node::now();
    let hour = |ts| format!("{} UTC", super::staff::clock(ts));
    let rows = breaches
        .iter()
        .map(|b| {
            let due = b.due_at(country);
            BreachRow {
                id: b.id.to_string(),
                found: day(b.found_at),
                happened: b.happened.clone(),
                data: b.data.clone(),
                people: b.people,
                measures: b.measures.clone().unwrap_or_else(|| "—".into()),
                due: due.map_or_else(|| "—".into(), hour),
                late: b.authority_told_at.is_none() && due.is_some_and(|d| d.secs() < at.secs()),
                authority_told: b.authority_told_at.map(day),
                people_told: b.people_told_at.map(day),
            }
        })
        .collect();
    page(
        status,
        BreachesPage {
            t: staff.t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            csrf: staff.session.csrf.clone(),
            error,
            notice,
            authority: rule.authority,
            hours: rule.hours.map_or_else(|| "—".into(), |h| h.to_string()),
            law: rule.law,
            rows,
        }
        .render(),
    )
}

pub(crate) async fn breaches(State(state): State<AppState>, staff: Staff) -> Response {
    breaches_page(&state, &staff, StatusCode::OK, None, None)
}

pub(crate) async fn record_breach(
    State(state): State<AppState>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    if let Some(r) = staff.unless_may(&state, Action::ManageBreaches, "breach register") {
        return r;
    }
    let Ok(people) = f.one("people").trim().parse::<u32>() else {
        return breaches_page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(staff.t.get("breach-people-number")),
        );
    };
    let input = unionfed_core::breaches::NewBreach {
        happened: f.one("happened"),
        data: f.one("data"),
        people,
        found_on: Some(f.one("found_on")),
        measures: Some(f.one("measures")),
    };
    match unionfed_core::breaches::record(&state, &staff.who, input).await {
        Ok(_) => breaches_page(
            &state,
            &staff,
            StatusCode::CREATED,
            Some(staff.t.get("breach-recorded")),
            None,
        ),
        Err(NodeError::Invalid(m)) => breaches_page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(staff.input_error(&m)),
        ),
        Err(e) => staff.error_page(e),
    }
}

pub(crate) async fn breach_told(
    State(state): State<AppState>,
    Path((id, whom)): Path<(String, String)>,
    StaffForm { staff, .. }: StaffForm,
) -> Response {
    let Some(whom) = unionfed_core::cases::from_code::<unionfed_core::breaches::Told>(&whom) else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "error-heading");
    };
    let Ok(id) = id.parse() else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "error-heading");
    };
    match unionfed_core::breaches::told(&state, &staff.who, &id, whom).await {
        Ok(_) => Redirect::to("/breaches").into_response(),
        Err(NodeError::Invalid(m)) => breaches_page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(staff.input_error(&m)),
        ),
        Err(NodeError::NotFound { .. }) => {
            message_page(staff.t, StatusCode::NOT_FOUND, "error-heading")
        }
        Err(e) => staff.error_page(e),
    }
}
