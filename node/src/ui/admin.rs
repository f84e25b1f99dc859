//! Staff pages for the case-desk figures and exports, the federation's
//! state, the service directory and partner tokens.

use super::i18n::Tr;
use super::staff::{message_page, Me, Staff};
use super::{page, FormFields};
use crate::accounts::Role;
use crate::api::AppState;
use crate::cases::code_of as code;
use crate::cases::partners::{NewPartner, PartnerKind};
use crate::cases::referrals::{NewService, ServiceKind};
use crate::cases::reports::Cell;
use crate::cases::CaseQuery;
use crate::error::NodeError;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};

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
}

fn shown(n: Option<u64>) -> String {
    n.map_or("—".into(), |n| n.to_string())
}

pub(crate) async fn reports(State(state): State<AppState>, staff: Staff) -> Response {
    let Ok(stats) = state.case_stats() else {
        return message_page(staff.t, StatusCode::INTERNAL_SERVER_ERROR, "error-heading");
    };
    let t = staff.t;
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
        }
        .render(),
    )
}

/// The register as CSV for a signed-in staff member (no names in it).
pub(crate) async fn register_csv(State(state): State<AppState>, staff: Staff) -> Response {
    match state.case_register_csv(&CaseQuery::default()) {
        Ok(csv) => {
            state.audit(&staff.user.username, "export_cases", "case register", None);
            (
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
                .into_response()
        }
        Err(_) => message_page(staff.t, StatusCode::INTERNAL_SERVER_ERROR, "error-heading"),
    }
}

/// One case as a page that prints, for roles that see personal fields.
pub(crate) async fn print_case(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
) -> Response {
    if !staff.user.role.sees_personal_fields() {
        return message_page(staff.t, StatusCode::FORBIDDEN, "error-forbidden");
    }
    let Ok(id) = id.parse() else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "cases-none");
    };
    match state.case_report(&id) {
        Ok(html) => {
            state.audit(&staff.user.username, "print_case", &id.to_string(), None);
            page(StatusCode::OK, Ok(html))
        }
        Err(NodeError::NotFound { .. }) => {
            message_page(staff.t, StatusCode::NOT_FOUND, "cases-none")
        }
        Err(_) => message_page(staff.t, StatusCode::INTERNAL_SERVER_ERROR, "error-heading"),
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
    let t = staff.t;
    let held = state.charter();
    let peers = state.network.connected_peers().await.unwrap_or_default();
    let connected: Vec<_> = peers
        .iter()
        .filter_map(|p| crate::node::affiliate_of(&held.charter, p))
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
                a.country.as_str().to_owned(),
                t.get(if online { "fed-yes" } else { "fed-no" }),
            )
        })
        .collect();
    let heads = state
        .store
        .heads()
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
            equivocations: state.store.equivocation_count(),
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
    kinds: Vec<String>,
}

fn may_edit_directory(role: Role) -> bool {
    matches!(role, Role::Admin | Role::CaseOfficer)
}

fn directory_page(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let Ok(services) = state.services(None, None) else {
        return message_page(staff.t, StatusCode::INTERNAL_SERVER_ERROR, "error-heading");
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
                        s.country.as_str().to_owned(),
                        code(&s.kind),
                        s.name.clone(),
                        dash(&s.contact),
                        dash(&s.languages),
                    )
                })
                .collect(),
            may_edit: may_edit_directory(staff.user.role),
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
            .map(code)
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
    staff: Staff,
    Path(what): Path<String>,
    FormFields(f): FormFields,
) -> Response {
    if let Some(r) = staff.form_refusal(&f, may_edit_directory(staff.user.role)) {
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
                .add_service(NewService {
                    country,
                    kind,
                    name: f.one("name"),
                    contact: optional(f.one("contact")),
                    languages: optional(f.one("languages")),
                    notes: None,
                    partner: None,
                })
                .await
                .map(|_| None)
        }
        "import" => state
            .import_services(&f.one("csv"))
            .await
            .map(|r| Some(format!("{} {}", staff.t.get("dir-imported"), r.imported))),
        _ => return message_page(staff.t, StatusCode::NOT_FOUND, "error-heading"),
    };
    match result {
        Ok(None) => Redirect::to("/directory").into_response(),
        Ok(Some(notice)) => {
            state.audit(
                &staff.user.username,
                "import_directory",
                "directory",
                Some(notice.clone()),
            );
            directory_page(&state, &staff, StatusCode::OK, Some(notice), None)
        }
        Err(NodeError::Invalid(m)) => directory_page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(staff.input_error(&m)),
        ),
        Err(_) => message_page(staff.t, StatusCode::INTERNAL_SERVER_ERROR, "error-heading"),
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
    kinds: Vec<String>,
}

fn partners_page(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    new_token: Option<String>,
    error: Option<String>,
) -> Response {
    if staff.user.role != Role::Admin {
        return message_page(staff.t, StatusCode::FORBIDDEN, "error-forbidden");
    }
    let Ok(partners) = state.partners() else {
        return message_page(staff.t, StatusCode::INTERNAL_SERVER_ERROR, "error-heading");
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
                    kind: code(&p.kind),
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
            .map(code)
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
    staff: Staff,
    FormFields(f): FormFields,
) -> Response {
    if let Some(r) = staff.csrf_refusal(&f) {
        return r;
    }
    if staff.user.role != Role::Admin {
        return message_page(staff.t, StatusCode::FORBIDDEN, "error-forbidden");
    }
    let kind = crate::cases::from_code(&f.one("kind")).unwrap_or(PartnerKind::Other);
    match state
        .add_partner(NewPartner {
            name: f.one("name"),
            kind,
            country: None,
            scopes: None,
        })
        .await
    {
        Ok(created) => {
            state.audit(
                &staff.user.username,
                "add_partner",
                &created.partner.id.to_string(),
                Some(created.partner.name.clone()),
            );
            partners_page(
                &state,
                &staff,
                StatusCode::CREATED,
                Some(created.token),
                None,
            )
        }
        Err(NodeError::Invalid(m)) => partners_page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            Some(staff.input_error(&m)),
        ),
        Err(_) => message_page(staff.t, StatusCode::INTERNAL_SERVER_ERROR, "error-heading"),
    }
}

pub(crate) async fn revoke_partner(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    FormFields(f): FormFields,
) -> Response {
    if let Some(r) = staff.csrf_refusal(&f) {
        return r;
    }
    if staff.user.role != Role::Admin {
        return message_page(staff.t, StatusCode::FORBIDDEN, "error-forbidden");
    }
    let Ok(id) = id.parse() else {
        return message_page(staff.t, StatusCode::NOT_FOUND, "error-heading");
    };
    match state.revoke_partner(&id).await {
        Ok(_) => {
            state.audit(
                &staff.user.username,
                "revoke_partner",
                &id.to_string(),
                None,
            );
            Redirect::to("/partners").into_response()
        }
        Err(NodeError::NotFound { .. }) => {
            message_page(staff.t, StatusCode::NOT_FOUND, "error-heading")
        }
        Err(_) => message_page(staff.t, StatusCode::INTERNAL_SERVER_ERROR, "error-heading"),
    }
}
