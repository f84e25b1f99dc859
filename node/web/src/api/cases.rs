//! The case desk for staff (admin token), the public complaint form and
//! receipt-code lookups (no token, rate limited, nothing about the client
//! kept), and the partner API (partner tokens).

use super::{ApiError, ApiJson, AppState, Body, Caller};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Deserialize;
use unionfed_core::access::{Action, Principal};
use unionfed_core::cases::contract::NewContractEvidence;
use unionfed_core::cases::partners::{CreatedPartner, NewPartner, OwnReferral, Partner};
use unionfed_core::cases::public::{
    FiledComplaint, PublicCaseView, PublicComplaint, ReceiptQuery, WorkerMessage,
};
use unionfed_core::cases::referrals::{
    ImportReport, NewCaseConsent, NewReferral, NewService, PartnerReferral, ReferralDecision,
    ReferralUpdate, Service, ServiceKind,
};
use unionfed_core::cases::reports::{CaseStats, EraseRequest, RetentionReport};
use unionfed_core::cases::taxonomy::{self, Category, Taxonomy};
use unionfed_core::cases::{
    Assignment, Case, CaseId, CaseQuery, CaseStatus, NewAction, NewCase, StaffIntake, StaffMessage,
    Transition,
};
use utoipa::IntoParams;

pub(crate) fn parse_case_id(id: &str) -> Result<CaseId, ApiError> {
    id.parse().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_case_id",
            format!("{id:?} is not a case id (32 hexadecimal digits)"),
        )
    })
}

/// Opens a case entered by staff (walk-in, hotline, hub visit, outreach).
#[utoipa::path(post, path = "/api/v1/cases", request_body = StaffIntake,
    responses((status = 201, body = Case), (status = 422, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn create(
    Caller(who): Caller,
    State(state): State<AppState>,
    input: Body<StaffIntake>,
) -> Result<(StatusCode, Json<Case>), ApiError> {
    let input = input.allowed(&state, &who, Action::ChangeCase)?;
    Ok((
        StatusCode::CREATED,
        Json(state.cases().intake(&who, input).await?),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct CaseFilter {
    /// new, verified, rejected, in_progress, referred, resolved or closed.
    status: Option<CaseStatus>,
    /// A category code from the taxonomy.
    category: Option<Category>,
    /// The case officer's name.
    assigned_to: Option<String>,
    /// Only open cases past their due date.
    #[serde(default)]
    overdue: bool,
    /// Only cases with a risk flag.
    #[serde(default)]
    risk: bool,
    /// Only open cases.
    #[serde(default)]
    open: bool,
}

/// Cases, risk-flagged first, then by priority and due date.
#[utoipa::path(get, path = "/api/v1/cases", params(CaseFilter),
    responses((status = 200, body = Vec<Case>), (status = 400, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn list(
    Caller(who): Caller,
    State(state): State<AppState>,
    filter: Result<Query<CaseFilter>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<Case>>, ApiError> {
    Ok(Json(state.cases().list_cases(&who, &case_query(filter)?)?))
}

fn case_query(
    filter: Result<Query<CaseFilter>, axum::extract::rejection::QueryRejection>,
) -> Result<CaseQuery, ApiError> {
    let Query(f) = filter.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            format!("{e}; filter with status, category, assigned_to, overdue, risk and open"),
        )
    })?;
    Ok(CaseQuery {
        status: f.status,
        category: f.category,
        assigned_to: f.assigned_to,
        overdue: f.overdue,
        risk: f.risk,
        open: f.open,
    })
}

/// The case categories (with the ILO forced-labour indicator each stands for) and the risk flags.
#[utoipa::path(get, path = "/api/v1/cases/taxonomy", responses((status = 200, body = Taxonomy)))]
pub(crate) async fn taxonomy() -> Json<Taxonomy> {
    Json(taxonomy::taxonomy())
}

/// One case, with every event.
#[utoipa::path(get, path = "/api/v1/cases/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Case), (status = 404, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn read(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Case>, ApiError> {
    Ok(Json(state.cases().read_case(&who, &parse_case_id(&id)?)?))
}

/// Moves a case along new → verified (or rejected) → in progress → referred → resolved → closed, or reopens it.
#[utoipa::path(post, path = "/api/v1/cases/{id}/transition", request_body = Transition, params(("id" = String, Path)),
    responses((status = 200, body = Case), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn transition(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    t: Body<Transition>,
) -> Result<Json<Case>, ApiError> {
    let t = t.allowed(&state, &who, Action::ChangeCase)?;
    Ok(Json(
        state
            .cases()
            .transition(&who, &parse_case_id(&id)?, t)
            .await?,
    ))
}

/// Records a call, visit, letter, meeting, legal filing or note.
#[utoipa::path(post, path = "/api/v1/cases/{id}/actions", request_body = NewAction, params(("id" = String, Path)),
    responses((status = 200, body = Case), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn action(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    a: Body<NewAction>,
) -> Result<Json<Case>, ApiError> {
    let a = a.allowed(&state, &who, Action::ChangeCase)?;
    Ok(Json(
        state
            .cases()
            .add_action(&who, &parse_case_id(&id)?, a)
            .await?,
    ))
}

/// Gives the case to a case officer.
#[utoipa::path(post, path = "/api/v1/cases/{id}/assign", request_body = Assignment, params(("id" = String, Path)),
    responses((status = 200, body = Case), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn assign(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    a: Body<Assignment>,
) -> Result<Json<Case>, ApiError> {
    let a = a.allowed(&state, &who, Action::ChangeCase)?;
    Ok(Json(
        state.cases().assign(&who, &parse_case_id(&id)?, a).await?,
    ))
}

/// Writes to the worker, who reads it with their receipt code.
#[utoipa::path(post, path = "/api/v1/cases/{id}/messages", request_body = StaffMessage, params(("id" = String, Path)),
    responses((status = 200, body = Case), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn message(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    m: Body<StaffMessage>,
) -> Result<Json<Case>, ApiError> {
    let m = m.allowed(&state, &who, Action::ChangeCase)?;
    Ok(Json(
        state
            .cases()
            .message_worker(&who, &parse_case_id(&id)?, m)
            .await?,
    ))
}

// --- public -----------------------------------------------------------------

/// Files a complaint or inquiry, named or anonymous; the answer holds the receipt code, shown only once.
#[utoipa::path(post, path = "/api/v1/public/complaints", request_body = PublicComplaint,
    responses((status = 201, body = FiledComplaint), (status = 422, body = super::ErrorBody), (status = 429, body = super::ErrorBody)))]
pub(crate) async fn file_complaint(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<PublicComplaint>,
) -> Result<(StatusCode, Json<FiledComplaint>), ApiError> {
    let (case, code) = state
        .cases()
        .file_complaint(&Principal::Public, input)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(FiledComplaint {
            reference: case.reference,
            receipt_code: code,
            message: "Keep this receipt code. With it you can see what the union is doing and write to your case officer. It cannot be recovered if lost.".into(),
        }),
    ))
}

/// A case's state and messages, for the worker holding its receipt code.
#[utoipa::path(post, path = "/api/v1/public/cases/status", request_body = ReceiptQuery,
    responses((status = 200, body = PublicCaseView), (status = 404, body = super::ErrorBody), (status = 429, body = super::ErrorBody)))]
pub(crate) async fn public_status(
    State(state): State<AppState>,
    ApiJson(query): ApiJson<ReceiptQuery>,
) -> Result<Json<PublicCaseView>, ApiError> {
    Ok(Json(
        state
            .cases()
            .follow_case(&Principal::Public, &query)
            .await?,
    ))
}

/// A message from the worker to their case officer.
#[utoipa::path(post, path = "/api/v1/public/cases/messages", request_body = WorkerMessage,
    responses((status = 201, body = PublicCaseView), (status = 404, body = super::ErrorBody), (status = 429, body = super::ErrorBody)))]
pub(crate) async fn public_message(
    State(state): State<AppState>,
    ApiJson(input): ApiJson<WorkerMessage>,
) -> Result<(StatusCode, Json<PublicCaseView>), ApiError> {
    let case = state
        .cases()
        .message_from_worker(&Principal::Public, input)
        .await?;
    Ok((StatusCode::CREATED, Json(case)))
}

// --- partners ---------------------------------------------------------------

/// Adds a partner and returns its token, shown this once.
#[utoipa::path(post, path = "/api/v1/partners", request_body = NewPartner,
    responses((status = 201, body = CreatedPartner), (status = 422, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn add_partner(
    Caller(who): Caller,
    State(state): State<AppState>,
    input: Body<NewPartner>,
) -> Result<(StatusCode, Json<CreatedPartner>), ApiError> {
    let input = input.allowed(&state, &who, Action::ChangePartners)?;
    Ok((
        StatusCode::CREATED,
        Json(state.cases().add_partner(&who, input).await?),
    ))
}

/// The partners and their scopes (never their tokens).
#[utoipa::path(get, path = "/api/v1/partners", responses((status = 200, body = Vec<Partner>)), security(("token" = [])))]
pub(crate) async fn partners(
    Caller(who): Caller,
    State(state): State<AppState>,
) -> Result<Json<Vec<Partner>>, ApiError> {
    Ok(Json(state.cases().list_partners(&who)?))
}

/// Revokes a partner's token at once.
#[utoipa::path(post, path = "/api/v1/partners/{id}/revoke", params(("id" = String, Path)),
    responses((status = 200, body = Partner), (status = 404, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn revoke_partner(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Partner>, ApiError> {
    let id = id.parse().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_partner_id",
            format!("{id:?} is not a partner id (32 hexadecimal digits)"),
        )
    })?;
    Ok(Json(state.cases().revoke_partner(&who, &id).await?))
}

/// A partner refers a worker to the union.
#[utoipa::path(post, path = "/api/v1/partner/referrals", request_body = NewCase,
    responses((status = 201, body = OwnReferral), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn partner_refer(
    Caller(who): Caller,
    State(state): State<AppState>,
    input: Body<NewCase>,
) -> Result<(StatusCode, Json<OwnReferral>), ApiError> {
    let input = input.allowed(&state, &who, Action::PartnerReferrals)?;
    let case = state.cases().partner_referral(&who, input).await?;
    Ok((StatusCode::CREATED, Json(case.referral_status())))
}

/// The referrals this partner made, with their status.
#[utoipa::path(get, path = "/api/v1/partner/referrals",
    responses((status = 200, body = Vec<OwnReferral>), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn partner_referrals(
    Caller(who): Caller,
    State(state): State<AppState>,
) -> Result<Json<Vec<OwnReferral>>, ApiError> {
    Ok(Json(state.cases().partner_referrals(&who)?))
}

/// One referral this partner made.
#[utoipa::path(get, path = "/api/v1/partner/referrals/{id}", params(("id" = String, Path)),
    responses((status = 200, body = OwnReferral), (status = 404, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn partner_referral(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<OwnReferral>, ApiError> {
    Ok(Json(
        state
            .cases()
            .partner_referral_status(&who, &parse_case_id(&id)?)?,
    ))
}

// --- consent, referrals and the directory -----------------------------------

/// Records (or replaces) the worker's consent for the case: contact, who it may be shared with, which fields.
#[utoipa::path(post, path = "/api/v1/cases/{id}/consent", request_body = NewCaseConsent, params(("id" = String, Path)),
    responses((status = 200, body = Case), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn consent(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Body<NewCaseConsent>,
) -> Result<Json<Case>, ApiError> {
    let input = input.allowed(&state, &who, Action::ChangeCase)?;
    Ok(Json(
        state
            .cases()
            .record_case_consent(&who, &parse_case_id(&id)?, input)
            .await?,
    ))
}

/// Refers the case to a directory entry or to another affiliate (a case-referral handoff), with consent or a documented override.
#[utoipa::path(post, path = "/api/v1/cases/{id}/referrals", request_body = NewReferral, params(("id" = String, Path)),
    responses((status = 200, body = Case), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn refer(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Body<NewReferral>,
) -> Result<Json<Case>, ApiError> {
    let input = input.allowed(&state, &who, Action::ChangeCase)?;
    Ok(Json(
        state
            .cases()
            .refer_case(&who, &parse_case_id(&id)?, input)
            .await?,
    ))
}

/// Records what a service did with a referral: accepted, declined or done.
#[utoipa::path(post, path = "/api/v1/cases/{id}/referrals/{referral}", request_body = ReferralUpdate,
    params(("id" = String, Path), ("referral" = String, Path)),
    responses((status = 200, body = Case), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn update_referral(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path((id, referral)): Path<(String, String)>,
    update: Body<ReferralUpdate>,
) -> Result<Json<Case>, ApiError> {
    let update = update.allowed(&state, &who, Action::ChangeCase)?;
    Ok(Json(
        state
            .cases()
            .update_referral(
                &who,
                &parse_case_id(&id)?,
                &parse_case_id(&referral)?,
                update,
            )
            .await?,
    ))
}

/// Takes, or declines with a reason, a case another affiliate referred here.
#[utoipa::path(post, path = "/api/v1/cases/{id}/referral-decision", request_body = ReferralDecision, params(("id" = String, Path)),
    responses((status = 200, body = Case), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn decide_referral(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    d: Body<ReferralDecision>,
) -> Result<Json<Case>, ApiError> {
    let d = d.allowed(&state, &who, Action::ChangeCase)?;
    Ok(Json(
        state
            .cases()
            .decide_referral(&who, &parse_case_id(&id)?, d)
            .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct DirectoryFilter {
    /// ISO country code, e.g. MY.
    country: Option<String>,
    kind: Option<ServiceKind>,
}

/// The service directory: government agencies, labour attachés, embassies, NGOs, shelters, legal aid.
#[utoipa::path(get, path = "/api/v1/directory", params(DirectoryFilter),
    responses((status = 200, body = Vec<Service>), (status = 400, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn directory(
    Caller(who): Caller,
    State(state): State<AppState>,
    filter: Result<Query<DirectoryFilter>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<Service>>, ApiError> {
    let bad = |m: String| ApiError::new(StatusCode::BAD_REQUEST, "invalid_query", m);
    let Query(f) = filter.map_err(|e| bad(format!("{e}; filter with country and kind")))?;
    let country = match f.country {
        Some(c) => Some(c.parse().map_err(|e| bad(format!("country: {e}")))?),
        None => None,
    };
    Ok(Json(state.cases().directory(&who, country, f.kind)?))
}

/// Adds one directory entry.
#[utoipa::path(post, path = "/api/v1/directory", request_body = NewService,
    responses((status = 201, body = Service), (status = 422, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn add_service(
    Caller(who): Caller,
    State(state): State<AppState>,
    input: Body<NewService>,
) -> Result<(StatusCode, Json<Service>), ApiError> {
    let input = input.allowed(&state, &who, Action::ChangeDirectory)?;
    Ok((
        StatusCode::CREATED,
        Json(state.cases().add_service(&who, input).await?),
    ))
}

/// Imports directory entries from CSV (header: country,kind,name[,contact,languages,notes]); every row or none.
#[utoipa::path(post, path = "/api/v1/directory/import", request_body(content = String, content_type = "text/csv"),
    responses((status = 201, body = ImportReport), (status = 422, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn import_directory(
    Caller(who): Caller,
    State(state): State<AppState>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<ImportReport>), ApiError> {
    let text = std::str::from_utf8(&body).map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            "the CSV is not UTF-8 text; save it as CSV UTF-8 and import again",
        )
    })?;
    Ok((
        StatusCode::CREATED,
        Json(state.cases().import_services(&who, text).await?),
    ))
}

/// The cases the union referred to this partner's services, with what the worker agreed to share.
#[utoipa::path(get, path = "/api/v1/partner/inbox",
    responses((status = 200, body = Vec<PartnerReferral>), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn partner_inbox(
    Caller(who): Caller,
    State(state): State<AppState>,
) -> Result<Json<Vec<PartnerReferral>>, ApiError> {
    Ok(Json(state.cases().partner_inbox(&who)?))
}

/// What the partner did with a referral to it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PartnerUpdate {
    pub status: unionfed_core::cases::referrals::ReferralStatus,
    pub note: Option<String>,
}

/// The partner reports what it did with a referral: accepted, declined or done.
#[utoipa::path(post, path = "/api/v1/partner/inbox/{referral}", request_body = PartnerUpdate, params(("referral" = String, Path)),
    responses((status = 200, body = PartnerReferral), (status = 404, body = super::ErrorBody), (status = 403, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn partner_update(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(referral): Path<String>,
    update: Body<PartnerUpdate>,
) -> Result<Json<PartnerReferral>, ApiError> {
    let update = update.allowed(&state, &who, Action::PartnerReferrals)?;
    Ok(Json(
        state
            .cases()
            .partner_update_referral(&who, &parse_case_id(&referral)?, update.status, update.note)
            .await?,
    ))
}

/// Attaches the contract's key terms beside the terms experienced; the answer shows the differences and flags substitution.
#[utoipa::path(post, path = "/api/v1/cases/{id}/contract", request_body = NewContractEvidence, params(("id" = String, Path)),
    responses((status = 200, body = Case), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn contract(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Body<NewContractEvidence>,
) -> Result<Json<Case>, ApiError> {
    let input = input.allowed(&state, &who, Action::ChangeCase)?;
    Ok(Json(
        state
            .cases()
            .set_contract(&who, &parse_case_id(&id)?, input)
            .await?,
    ))
}

// --- reports ------------------------------------------------------------------

/// Counts by category, corridor, sector, status, outcome and channel, median times and overdue cases; cells under `stats_min_cell` are null.
#[utoipa::path(get, path = "/api/v1/cases/stats", responses((status = 200, body = CaseStats)), security(("token" = [])))]
pub(crate) async fn stats(
    Caller(who): Caller,
    State(state): State<AppState>,
) -> Result<Json<CaseStats>, ApiError> {
    Ok(Json(state.cases().case_stats(&who)?))
}

/// The case register as CSV (no names, contacts or narratives), with the filters of the case list.
#[utoipa::path(get, path = "/api/v1/cases/export.csv", params(CaseFilter),
    responses((status = 200, content_type = "text/csv", body = String)), security(("token" = [])))]
pub(crate) async fn export_csv(
    Caller(who): Caller,
    State(state): State<AppState>,
    filter: Result<Query<CaseFilter>, axum::extract::rejection::QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let query = case_query(filter)?;
    let csv = state.cases().case_register_csv(&who, &query)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"case-register.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        csv,
    ))
}

/// One case as a page that prints well.
#[utoipa::path(get, path = "/api/v1/cases/{id}/report", params(("id" = String, Path)),
    responses((status = 200, content_type = "text/html", body = String), (status = 404, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn report(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let html = state.cases().case_report(&who, &parse_case_id(&id)?)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
            (
                header::HeaderName::from_static("content-security-policy"),
                "default-src 'none'; style-src 'unsafe-inline'",
            ),
        ],
        html,
    ))
}

/// Everything held on one case, as JSON, for a worker who asks for their data.
#[utoipa::path(get, path = "/api/v1/cases/{id}/export", params(("id" = String, Path)),
    responses((status = 200, body = Case), (status = 404, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn export_case(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let case = state.cases().export_case(&who, &parse_case_id(&id)?)?;
    let disposition = format!("attachment; filename=\"case-{}.json\"", case.reference);
    Ok((
        [
            (header::CONTENT_DISPOSITION, disposition),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        Json(case),
    ))
}

/// Erases the worker's personal data from a case at their request; the request stays as an event.
#[utoipa::path(post, path = "/api/v1/cases/{id}/erase", request_body = EraseRequest, params(("id" = String, Path)),
    responses((status = 200, body = Case), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn erase(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Body<EraseRequest>,
) -> Result<Json<Case>, ApiError> {
    let request = request.allowed(&state, &who, Action::EraseCases)?;
    Ok(Json(
        state
            .cases()
            .erase_case(&who, &parse_case_id(&id)?, request)
            .await?,
    ))
}

/// Runs retention now: erases the personal fields of cases closed longer than `case_retention_days`.
#[utoipa::path(post, path = "/api/v1/cases/retention", responses((status = 200, body = RetentionReport)), security(("token" = [])))]
pub(crate) async fn retention(
    Caller(who): Caller,
    State(state): State<AppState>,
) -> Result<Json<RetentionReport>, ApiError> {
    Ok(Json(state.cases().run_retention(&who).await?))
}

/// What is kept for how long, and how much of each kind will be purged in
/// the next 30 days: counts only.
#[utoipa::path(get, path = "/api/v1/retention", responses((status = 200, body = unionfed_core::retention::RetentionRun),
    (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn retention_due(
    Caller(who): Caller,
    State(state): State<AppState>,
) -> Result<Json<unionfed_core::retention::RetentionRun>, ApiError> {
    Ok(Json(unionfed_core::retention::due(&state, &who)?))
}

/// Runs retention now for every kind of data: closed cases, lapsed or
/// revoked members, files of declined or ended transfers.
#[utoipa::path(post, path = "/api/v1/retention", responses((status = 200, body = unionfed_core::retention::RetentionRun),
    (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn retention_run(
    Caller(who): Caller,
    State(state): State<AppState>,
) -> Result<Json<unionfed_core::retention::RetentionRun>, ApiError> {
    Ok(Json(unionfed_core::retention::run(&state, &who).await?))
}

// --- attachments ----------------------------------------------------------------

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct FileName {
    /// The file's name, e.g. `payslip-march.jpg`.
    name: String,
}

fn file_name(
    q: Result<Query<FileName>, axum::extract::rejection::QueryRejection>,
) -> Result<String, ApiError> {
    q.map(|Query(f)| f.name).map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            format!("{e}; name the file with ?name=payslip.jpg"),
        )
    })
}

fn content_type(headers: &axum::http::HeaderMap) -> &str {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream")
}

/// Attaches a file (JPEG, PNG or PDF; the body is the file) to a case; image metadata is removed first.
#[utoipa::path(post, path = "/api/v1/cases/{id}/attachments", params(("id" = String, Path), FileName),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 200, body = Case), (status = 413, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn attach(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    name: Result<Query<FileName>, axum::extract::rejection::QueryRejection>,
    headers: axum::http::HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Json<Case>, ApiError> {
    let body = body.map_err(too_large)?;
    let name = file_name(name)?;
    Ok(Json(
        state
            .cases()
            .attach(
                &who,
                &parse_case_id(&id)?,
                &name,
                content_type(&headers),
                &body,
            )
            .await?,
    ))
}

fn too_large(e: axum::extract::rejection::BytesRejection) -> ApiError {
    ApiError::new(
        e.status(),
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE { "body_too_large" } else { "bad_body" },
        format!("{}; a file may be at most max_attachment_bytes (5 MiB unless the operator set otherwise)", e.body_text()),
    )
}

/// A file attached to a case.
#[utoipa::path(get, path = "/api/v1/cases/{id}/attachments/{sha256}", params(("id" = String, Path), ("sha256" = String, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn attachment(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path((id, sha256)): Path<(String, String)>,
) -> Result<impl IntoResponse, ApiError> {
    let (meta, bytes) = state
        .cases()
        .attachment(&who, &parse_case_id(&id)?, &sha256)?;
    Ok(file_download(meta.content_type, &meta.name, bytes))
}

/// A case file as a download: never cached, never sniffed as another type.
/// The API and the case page both answer with it.
pub(crate) fn file_download(
    content_type: String,
    file_name: &str,
    bytes: Vec<u8>,
) -> axum::response::Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition(file_name)),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        bytes,
    )
        .into_response()
}

/// `Content-Disposition` for a download of `name`: the exact name as
/// `filename*` (RFC 6266 and 8187), so a photo named in Burmese or Thai
/// keeps its name, and a plain-ASCII `filename` for clients that know only
/// that. Nothing in a stored name can break the header.
fn disposition(name: &str) -> String {
    use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
    // RFC 8187 attr-char: what may stand unencoded in `filename*`.
    const ATTR_CHAR: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'!')
        .remove(b'#')
        .remove(b'$')
        .remove(b'&')
        .remove(b'+')
        .remove(b'-')
        .remove(b'.')
        .remove(b'^')
        .remove(b'_')
        .remove(b'`')
        .remove(b'|')
        .remove(b'~');
    let ascii: String = name
        .chars()
        .map(|c| match c {
            '"' | '\\' => '_',
            ' ' => ' ',
            c if c.is_ascii_graphic() => c,
            _ => '_',
        })
        .collect();
    format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{}",
        utf8_percent_encode(name, ATTR_CHAR)
    )
}

/// A worker adds a photo or screenshot (JPEG or PNG) to their case; the receipt code goes in the `x-receipt-code` header (and `x-receipt-passphrase`).
#[utoipa::path(post, path = "/api/v1/public/cases/attachments", params(FileName),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = PublicCaseView), (status = 404, body = super::ErrorBody), (status = 413, body = super::ErrorBody), (status = 422, body = super::ErrorBody)))]
pub(crate) async fn public_attach(
    State(state): State<AppState>,
    name: Result<Query<FileName>, axum::extract::rejection::QueryRejection>,
    headers: axum::http::HeaderMap,
    body: Result<axum::body::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<(StatusCode, Json<PublicCaseView>), ApiError> {
    let body = body.map_err(too_large)?;
    let name = file_name(name)?;
    let header_text = |h: &str| {
        headers
            .get(h)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let query = ReceiptQuery {
        receipt_code: header_text("x-receipt-code").ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "missing_receipt_code",
                "send the receipt code in the header x-receipt-code",
            )
        })?,
        passphrase: header_text("x-receipt-passphrase"),
    };
    let case = state
        .cases()
        .attach_by_receipt(
            &Principal::Public,
            &query,
            &name,
            content_type(&headers),
            &body,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(case)))
}
