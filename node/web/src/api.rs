//! The HTTP API: `/api/v1/...` JSON for scripts and partners, `/healthz` and
//! `/metrics` for operators. Every failure is a JSON body
//! `{ "error": code, "message": ... }`; bad input never gets a 500.

pub mod breaches;
pub mod cards;
pub mod cases;
pub mod federation;
pub mod members;
mod rate_limit;
mod serve;
pub mod transfers;

use axum::extract::rejection::JsonRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Serialize;
use std::sync::Arc;
use unionfed_core::access::{Action, Principal};
use unionfed_core::error::NodeError;
use unionfed_core::node::NodeState;
use utoipa::OpenApi;

pub use serve::{serve, ServeLimits};

pub type AppState = Arc<NodeState>;

/// A JSON error with an HTTP status.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    code: &'static str,
    message: String,
}

/// The body of every error response.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// A stable code, e.g. `not_found`, `invalid_input`, `missing_token`.
    pub error: &'static str,
    /// What was wrong, and what to do.
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (
            self.status,
            Json(ErrorBody {
                error: self.code,
                message: self.message,
            }),
        )
            .into_response()
    }
}

impl From<NodeError> for ApiError {
    fn from(e: NodeError) -> ApiError {
        match e {
            NodeError::NotFound { .. } => {
                ApiError::new(StatusCode::NOT_FOUND, "not_found", e.to_string())
            }
            NodeError::NoReceiptMatch => {
                ApiError::new(StatusCode::NOT_FOUND, "receipt_not_found", e.to_string())
            }
            NodeError::Forbidden(_) => {
                ApiError::new(StatusCode::FORBIDDEN, "forbidden", e.to_string())
            }
            NodeError::Invalid(m) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", m)
            }
            NodeError::Protocol(p) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, p.code(), p.to_string())
            }
            NodeError::NetworkStopped => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "shutting_down",
                e.to_string(),
            ),
            other => {
                tracing::error!(error = %other, "request failed");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "the node could not complete the request; nothing was changed. The operator can find the cause in the node's log",
                )
            }
        }
    }
}

impl From<JsonRejection> for ApiError {
    fn from(r: JsonRejection) -> ApiError {
        let (code, status) = match &r {
            JsonRejection::JsonDataError(_) => ("invalid_json", StatusCode::UNPROCESSABLE_ENTITY),
            JsonRejection::JsonSyntaxError(_) => ("malformed_json", StatusCode::BAD_REQUEST),
            JsonRejection::MissingJsonContentType(_) => {
                ("json_content_type", StatusCode::UNSUPPORTED_MEDIA_TYPE)
            }
            _ if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                ("body_too_large", StatusCode::PAYLOAD_TOO_LARGE)
            }
            _ => ("bad_body", r.status()),
        };
        ApiError::new(status, code, r.body_text())
    }
}

/// `axum::Json` whose rejections are [`ApiError`]s.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct ApiJson<T>(pub T);

/// A staff route's JSON body, read only once the policy has let the caller
/// in: a caller refused the route's action is answered 403, and the
/// refusal recorded, whatever its body holds, rather than a parse error
/// that tells it the route's schema. A caller allowed gets the parse
/// error as [`ApiJson`] gives it.
#[derive(Debug)]
pub struct Body<T>(Result<T, ApiError>);

impl<T, S> FromRequest<S> for Body<T>
where
    ApiJson<T>: FromRequest<S, Rejection = ApiError>,
    S: Send + Sync,
{
    type Rejection = std::convert::Infallible;

    async fn from_request(
        req: axum::extract::Request,
        state: &S,
    ) -> Result<Body<T>, Self::Rejection> {
        Ok(Body(
            ApiJson::<T>::from_request(req, state)
                .await
                .map(|ApiJson(v)| v),
        ))
    }
}

impl<T> Body<T> {
    /// The body, or why it could not be read, once `who` is known to be
    /// allowed `action`. The domain function it goes to decides again, as
    /// it does for every door.
    pub fn allowed(
        self,
        state: &NodeState,
        who: &Principal,
        action: Action,
    ) -> Result<T, ApiError> {
        self.0.or_else(|e| {
            let _refused_or_allowed = state.allow(who, action, "a request")?;
            Err(e)
        })
    }
}

/// Who made an API request, from its bearer token: the node's admin
/// token, a personal API token of an enabled account, or a partner's
/// token. A request without a token, or with one this node does not know,
/// is refused here (401); what the principal may do is the domain's to
/// decide (`unionfed_core::access`).
#[derive(Debug)]
pub struct Caller(pub Principal);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Caller, ApiError> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "missing_token",
                    "this endpoint needs the header `Authorization: Bearer <token>`",
                )
            })?;
        let token = header.strip_prefix("Bearer ").unwrap_or_default().trim();
        unionfed_core::credentials::principal_of_token(state, token)?
            .map(Caller)
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "wrong_token",
                    "the token is not valid for this node (revoked, or its account is disabled?)",
                )
            })
    }
}

/// A member id from the path.
pub(crate) fn parse_member_id(id: &str) -> Result<unionfed_protocol::MemberId, ApiError> {
    id.parse().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_member_id",
            format!("{id:?} is not a member id (32 hexadecimal digits)"),
        )
    })
}

#[derive(OpenApi)]
#[openapi(
    info(title = "unionfed node API", version = "1", description = "A unionfed node's JSON API. Endpoints marked with a lock need `Authorization: Bearer <token>`."),
    paths(
        members::create, members::read, members::update, members::set_status, members::record_dues, members::renewals, members::export, members::erase, members::card,
        members::card_svg, members::card_png, cards::verify, federation::federation,
        federation::status_snapshot, federation::charter_file, federation::submit_charter, federation::backup, federation::healthz, federation::metrics,
        transfers::record_consent, transfers::consents, transfers::create, transfers::list, transfers::read,
        transfers::accept, transfers::decline, transfers::end, transfers::member_log,
        transfers::withdraw_consent, transfers::request,
        cases::create, cases::list, cases::taxonomy, cases::read, cases::transition, cases::action,
        cases::assign, cases::message, cases::file_complaint, cases::public_status, cases::public_message,
        cases::add_partner, cases::partners, cases::revoke_partner, cases::partner_refer,
        cases::partner_referrals, cases::partner_referral, cases::consent, cases::refer,
        cases::update_referral, cases::decide_referral, cases::directory, cases::add_service,
        cases::import_directory, cases::partner_inbox, cases::partner_update, cases::contract,
        cases::stats, cases::export_csv, cases::retention, cases::retention_due, cases::retention_run, cases::report, cases::export_case, cases::erase,
        cases::attach, cases::attachment, cases::public_attach, breaches::list, breaches::record, breaches::told
    ),
    components(schemas(
        ErrorBody, unionfed_core::members::MemberRecord, unionfed_core::members::MemberView, unionfed_core::members::RepresentedBy, unionfed_core::members::WorkDetails, unionfed_core::members::NewMember, unionfed_core::members::MemberPatch,
        unionfed_core::members::StatusChange, unionfed_core::members::dues::DuesPayment,
        unionfed_core::members::dues::DuesPeriod, unionfed_core::members::dues::RenewalDue, unionfed_core::card_check::CardVerdict, unionfed_core::card_check::Problem,
        members::CardText, cards::VerifyRequest, federation::Federation, federation::AffiliateView,
        federation::HeadView, federation::CharterSubmission, federation::CharterOutcome, federation::Health,
        unionfed_core::transfers::Consent, unionfed_core::transfers::NewConsent, unionfed_core::transfers::ConsentGiven,
        unionfed_core::transfers::Transfer, unionfed_core::transfers::TransferStatus, unionfed_core::transfers::Direction,
        unionfed_core::transfers::TransferFile, unionfed_core::transfers::NewTransfer, transfers::Decline,
        transfers::EndRepresentation, unionfed_core::transfers::NewTransferRequest,
        unionfed_core::cases::Case, unionfed_core::cases::NewCase, unionfed_core::cases::StaffIntake, unionfed_core::cases::Transition,
        unionfed_core::cases::NewAction, unionfed_core::cases::Assignment, unionfed_core::cases::StaffMessage, unionfed_core::cases::CaseEvent,
        unionfed_core::cases::EventKind, unionfed_core::cases::CaseKind, unionfed_core::cases::CaseStatus, unionfed_core::cases::Channel,
        unionfed_core::cases::StaffChannel, unionfed_core::cases::Rejection, unionfed_core::cases::Outcome, unionfed_core::cases::Priority,
        unionfed_core::cases::Worker, unionfed_core::cases::ActionKind, unionfed_core::cases::taxonomy::Category,
        unionfed_core::cases::taxonomy::RiskFlag, unionfed_core::cases::taxonomy::CategoryInfo, unionfed_core::cases::taxonomy::Taxonomy,
        unionfed_core::cases::public::PublicComplaint, unionfed_core::cases::public::FiledComplaint,
        unionfed_core::cases::public::ReceiptQuery, unionfed_core::cases::public::WorkerMessage,
        unionfed_core::cases::public::PublicMessage, unionfed_core::cases::public::PublicCaseView,
        unionfed_core::cases::partners::Partner, unionfed_core::cases::partners::NewPartner,
        unionfed_core::cases::partners::CreatedPartner, unionfed_core::cases::partners::OwnReferral,
        unionfed_core::cases::partners::PartnerKind, unionfed_core::cases::partners::PartnerScope,
        unionfed_core::cases::referrals::Service, unionfed_core::cases::referrals::NewService,
        unionfed_core::cases::referrals::ServiceKind, unionfed_core::cases::referrals::ImportReport,
        unionfed_core::cases::referrals::SharedField, unionfed_core::cases::referrals::CaseConsent,
        unionfed_core::cases::referrals::NewCaseConsent, unionfed_core::cases::referrals::ReferralStatus,
        unionfed_core::cases::referrals::ReferralTarget, unionfed_core::cases::referrals::Referral,
        unionfed_core::cases::referrals::ConsentOverride, unionfed_core::cases::referrals::NewReferral,
        unionfed_core::cases::referrals::ReferralUpdate, unionfed_core::cases::referrals::ReferralDecision,
        unionfed_core::cases::referrals::ReferredFrom, unionfed_core::cases::referrals::HandledElsewhere,
        unionfed_core::cases::referrals::PartnerReferral, cases::PartnerUpdate,
        unionfed_core::cases::contract::ContractTerms, unionfed_core::cases::contract::ContractEvidence,
        unionfed_core::cases::contract::Difference, unionfed_core::cases::contract::NewContractEvidence,
        unionfed_core::cases::reports::Cell, unionfed_core::cases::reports::CaseStats,
        unionfed_core::cases::reports::EraseRequest, unionfed_core::cases::reports::RetentionReport,
        unionfed_core::cases::attachments::Attachment
    )),
    modifiers(&BearerAuth)
)]
struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "token",
            SecurityScheme::Http(Http::new(HttpAuthScheme::Bearer)),
        );
    }
}

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

/// An address that names nothing: a JSON error for the API, a page in the
/// reader's language for anyone else (a link mistyped on a phone).
async fn not_found(
    uri: axum::http::Uri,
    headers: axum::http::HeaderMap,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        return ApiError::new(
            StatusCode::NOT_FOUND,
            "no_route",
            "there is no such endpoint; see /api/v1/openapi.json",
        )
        .into_response();
    }
    let t = crate::ui::public::lang_of(&headers);
    crate::ui::public::error_page(t, StatusCode::NOT_FOUND, "error-no-page", "/p")
}

/// The whole HTTP surface of a node.
pub fn router(state: AppState) -> Router {
    let limiter = Arc::new(rate_limit::RateLimiter::new(
        state.config.public_rate_limit_per_minute,
        state.config.trusted_proxies.clone(),
    ));
    let rate_limited = || axum::middleware::from_fn_with_state(limiter.clone(), rate_limit::limit);
    let card_checks = Router::new()
        .route("/api/v1/cards/verify", post(cards::verify))
        .route_layer(rate_limited());
    let public = Router::new()
        .route("/api/v1/status-snapshot", get(federation::status_snapshot))
        .route("/api/v1/charters/{version}", get(federation::charter_file))
        .route("/api/v1/public/complaints", post(cases::file_complaint))
        .route("/api/v1/public/cases/status", post(cases::public_status))
        .route("/api/v1/public/cases/messages", post(cases::public_message))
        .route(
            "/api/v1/public/cases/attachments",
            post(cases::public_attach)
                .layer(DefaultBodyLimit::max(state.config.max_attachment_bytes)),
        )
        .merge(crate::ui::public_routes())
        .merge(crate::ui::sign_in_routes())
        .route_layer(rate_limited());
    Router::new()
        .route("/api/v1/members", post(members::create))
        .route(
            "/api/v1/members/{id}",
            get(members::read).patch(members::update),
        )
        .route("/api/v1/members/renewals", get(members::renewals))
        .route("/api/v1/members/{id}/status", post(members::set_status))
        .route("/api/v1/members/{id}/dues", post(members::record_dues))
        .route("/api/v1/members/{id}/export", get(members::export))
        .route("/api/v1/members/{id}/erase", post(members::erase))
        .route("/api/v1/members/{id}/card", get(members::card))
        .route("/api/v1/members/{id}/card.svg", get(members::card_svg))
        .route("/api/v1/members/{id}/card.png", get(members::card_png))
        .route(
            "/api/v1/members/{id}/consents",
            get(transfers::consents).post(transfers::record_consent),
        )
        .route(
            "/api/v1/transfers",
            get(transfers::list).post(transfers::create),
        )
        .route("/api/v1/transfers/requests", post(transfers::request))
        .route("/api/v1/transfers/{id}", get(transfers::read))
        .route("/api/v1/transfers/{id}/accept", post(transfers::accept))
        .route("/api/v1/transfers/{id}/decline", post(transfers::decline))
        .route("/api/v1/transfers/{id}/end", post(transfers::end))
        .route("/api/v1/members/{id}/transfers", get(transfers::member_log))
        .route(
            "/api/v1/members/{id}/consents/{consent}/withdraw",
            post(transfers::withdraw_consent),
        )
        .route("/api/v1/cases", get(cases::list).post(cases::create))
        .route("/api/v1/cases/taxonomy", get(cases::taxonomy))
        .route("/api/v1/cases/stats", get(cases::stats))
        .route("/api/v1/cases/export.csv", get(cases::export_csv))
        .route("/api/v1/cases/retention", post(cases::retention))
        .route(
            "/api/v1/breaches",
            get(breaches::list).post(breaches::record),
        )
        .route("/api/v1/breaches/{id}/told", post(breaches::told))
        .route(
            "/api/v1/retention",
            get(cases::retention_due).post(cases::retention_run),
        )
        .route("/api/v1/cases/{id}/report", get(cases::report))
        .route("/api/v1/cases/{id}/export", get(cases::export_case))
        .route("/api/v1/cases/{id}/erase", post(cases::erase))
        .route("/api/v1/cases/{id}", get(cases::read))
        .route("/api/v1/cases/{id}/transition", post(cases::transition))
        .route("/api/v1/cases/{id}/actions", post(cases::action))
        .route("/api/v1/cases/{id}/assign", post(cases::assign))
        .route("/api/v1/cases/{id}/messages", post(cases::message))
        .route("/api/v1/cases/{id}/consent", post(cases::consent))
        .route("/api/v1/cases/{id}/contract", post(cases::contract))
        .route(
            "/api/v1/cases/{id}/attachments",
            post(cases::attach).layer(DefaultBodyLimit::max(state.config.max_attachment_bytes)),
        )
        .route(
            "/api/v1/cases/{id}/attachments/{sha256}",
            get(cases::attachment),
        )
        .route("/api/v1/cases/{id}/referrals", post(cases::refer))
        .route(
            "/api/v1/cases/{id}/referrals/{referral}",
            post(cases::update_referral),
        )
        .route(
            "/api/v1/cases/{id}/referral-decision",
            post(cases::decide_referral),
        )
        .route(
            "/api/v1/directory",
            get(cases::directory).post(cases::add_service),
        )
        .route("/api/v1/directory/import", post(cases::import_directory))
        .route("/api/v1/partner/inbox", get(cases::partner_inbox))
        .route(
            "/api/v1/partner/inbox/{referral}",
            post(cases::partner_update),
        )
        .route(
            "/api/v1/partners",
            get(cases::partners).post(cases::add_partner),
        )
        .route("/api/v1/partners/{id}/revoke", post(cases::revoke_partner))
        .route(
            "/api/v1/partner/referrals",
            get(cases::partner_referrals).post(cases::partner_refer),
        )
        .route(
            "/api/v1/partner/referrals/{id}",
            get(cases::partner_referral),
        )
        .route("/api/v1/federation", get(federation::federation))
        .route("/api/v1/charter", post(federation::submit_charter))
        .route("/api/v1/backup", post(federation::backup))
        .route("/api/v1/openapi.json", get(openapi))
        .route("/healthz", get(federation::healthz))
        .route("/metrics", get(federation::metrics))
        .merge(public)
        .merge(crate::ui::static_routes())
        .merge(crate::ui::staff_routes(state.config.max_attachment_bytes))
        .merge(card_checks)
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .with_state(state)
}
