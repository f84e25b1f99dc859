//! Consents and member transfers. Every endpoint needs the admin token.

use super::{parse_member_id, ApiError, AppState, Body, Caller};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use unionfed_core::access::Action;
use unionfed_core::transfers::{
    Consent, Direction, NewConsent, NewTransfer, NewTransferRequest, Transfer, TransferQuery,
};
use unionfed_protocol::HandoffId;
use utoipa::{IntoParams, ToSchema};

fn parse_transfer_id(id: &str) -> Result<HandoffId, ApiError> {
    id.parse().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_transfer_id",
            format!("{id:?} is not a transfer id (32 hexadecimal digits)"),
        )
    })
}

/// Records a member's consent to share their file with one affiliate.
#[utoipa::path(post, path = "/api/v1/members/{id}/consents", request_body = NewConsent, params(("id" = String, Path)),
    responses((status = 201, body = Consent), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn record_consent(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Body<NewConsent>,
) -> Result<(StatusCode, Json<Consent>), ApiError> {
    let input = input.allowed(&state, &who, Action::ChangeTransfers)?;
    let consent = state
        .transfers()
        .record_consent(&who, &parse_member_id(&id)?, input)
        .await?;
    Ok((StatusCode::CREATED, Json(consent)))
}

/// A member's consents.
#[utoipa::path(get, path = "/api/v1/members/{id}/consents", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Consent>), (status = 404, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn consents(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<Consent>>, ApiError> {
    Ok(Json(
        state.transfers().consents(&who, &parse_member_id(&id)?)?,
    ))
}

/// Sends a member's file to a destination affiliate under a recorded consent.
#[utoipa::path(post, path = "/api/v1/transfers", request_body = NewTransfer,
    responses((status = 201, body = Transfer), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn create(
    Caller(who): Caller,
    State(state): State<AppState>,
    input: Body<NewTransfer>,
) -> Result<(StatusCode, Json<Transfer>), ApiError> {
    let input = input.allowed(&state, &who, Action::ChangeTransfers)?;
    Ok((
        StatusCode::CREATED,
        Json(state.transfers().start_transfer(&who, input).await?),
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub(crate) struct TransferFilter {
    /// `incoming` or `outgoing`; both when absent.
    direction: Option<Direction>,
    /// `sent`, `received`, `accepted`, `declined` or `ended`.
    state: Option<String>,
    /// The member id (at the origin).
    member: Option<String>,
    /// The other affiliate: origin or destination.
    affiliate: Option<String>,
    /// `transfer` for files sent, `request` for requests for a file.
    kind: Option<String>,
}

impl TransferFilter {
    fn into_query(self) -> Result<TransferQuery, ApiError> {
        let bad = |what: &str, value: &str, hint: &str| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                format!("{what}={value:?} is not valid; {hint}"),
            )
        };
        const STATES: [&str; 5] = ["sent", "received", "accepted", "declined", "ended"];
        if let Some(s) = &self.state {
            if !STATES.contains(&s.as_str()) {
                return Err(bad(
                    "state",
                    s,
                    "use sent, received, accepted, declined or ended",
                ));
            }
        }
        let request = match self.kind.as_deref() {
            None => None,
            Some("transfer") => Some(false),
            Some("request") => Some(true),
            Some(k) => return Err(bad("kind", k, "use transfer or request")),
        };
        let member = match &self.member {
            Some(m) => Some(parse_member_id(m)?),
            None => None,
        };
        let affiliate = match &self.affiliate {
            Some(a) => Some(
                a.parse()
                    .map_err(|_| bad("affiliate", a, "use an affiliate code such as MTUC"))?,
            ),
            None => None,
        };
        Ok(TransferQuery {
            direction: self.direction,
            state: self.state,
            member,
            affiliate,
            request,
        })
    }
}

/// Transfers, newest first.
#[utoipa::path(get, path = "/api/v1/transfers", params(TransferFilter),
    responses((status = 200, body = Vec<Transfer>)), security(("token" = [])))]
pub(crate) async fn list(
    Caller(who): Caller,
    State(state): State<AppState>,
    filter: Result<Query<TransferFilter>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<Vec<Transfer>>, ApiError> {
    let Query(filter) = filter.map_err(|e| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_query",
            format!("{e}; filter with direction, state, member, affiliate and kind"),
        )
    })?;
    Ok(Json(
        state
            .transfers()
            .list_transfers(&who, &filter.into_query()?)?,
    ))
}

/// One transfer.
#[utoipa::path(get, path = "/api/v1/transfers/{id}", params(("id" = String, Path)),
    responses((status = 200, body = Transfer), (status = 404, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn read(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Transfer>, ApiError> {
    Ok(Json(
        state
            .transfers()
            .read_transfer(&who, &parse_transfer_id(&id)?)?,
    ))
}

/// The destination accepts an incoming transfer and commits to represent the member.
#[utoipa::path(post, path = "/api/v1/transfers/{id}/accept", params(("id" = String, Path)),
    responses((status = 200, body = Transfer), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn accept(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Transfer>, ApiError> {
    Ok(Json(
        state
            .transfers()
            .accept_transfer(&who, &parse_transfer_id(&id)?)
            .await?,
    ))
}

/// Why a transfer is declined.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Decline {
    pub reason: String,
}

/// The destination declines an incoming transfer; the reason goes back to the origin.
#[utoipa::path(post, path = "/api/v1/transfers/{id}/decline", request_body = Decline, params(("id" = String, Path)),
    responses((status = 200, body = Transfer), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn decline(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Body<Decline>,
) -> Result<Json<Transfer>, ApiError> {
    let input = input.allowed(&state, &who, Action::ChangeTransfers)?;
    Ok(Json(
        state
            .transfers()
            .decline_transfer(&who, &parse_transfer_id(&id)?, input.reason)
            .await?,
    ))
}

/// Why a representation ends.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndRepresentation {
    /// returned_home, moved_on, membership_moved, consent_withdrawn, expired or other.
    #[schema(value_type = String)]
    pub reason: unionfed_protocol::entry::RepresentationEndReason,
}

/// Ends the representation an accepted transfer started (either side).
#[utoipa::path(post, path = "/api/v1/transfers/{id}/end", request_body = EndRepresentation, params(("id" = String, Path)),
    responses((status = 200, body = Transfer), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn end(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Body<EndRepresentation>,
) -> Result<Json<Transfer>, ApiError> {
    let input = input.allowed(&state, &who, Action::ChangeTransfers)?;
    Ok(Json(
        state
            .transfers()
            .end_transfer(&who, &parse_transfer_id(&id)?, input.reason)
            .await?,
    ))
}

/// A member's transfer log: what went where, when, and what came back.
#[utoipa::path(get, path = "/api/v1/members/{id}/transfers", params(("id" = String, Path)),
    responses((status = 200, body = Vec<Transfer>), (status = 404, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn member_log(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Vec<Transfer>>, ApiError> {
    Ok(Json(
        state
            .transfers()
            .member_transfers(&who, &parse_member_id(&id)?)?,
    ))
}

/// Withdraws a consent; the affiliate it named deletes what it received under it.
#[utoipa::path(post, path = "/api/v1/members/{id}/consents/{consent}/withdraw",
    params(("id" = String, Path), ("consent" = String, Path)),
    responses((status = 200, body = Consent), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn withdraw_consent(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path((id, consent)): Path<(String, String)>,
) -> Result<Json<Consent>, ApiError> {
    let consent = parse_transfer_id(&consent)?;
    Ok(Json(
        state
            .transfers()
            .withdraw_consent(&who, &parse_member_id(&id)?, &consent)
            .await?,
    ))
}

/// The destination asks the worker's home affiliate for their file, with the
/// consent the worker gave in person; the origin accepts (by sending the
/// transfer) or declines.
#[utoipa::path(post, path = "/api/v1/transfers/requests", request_body = NewTransferRequest,
    responses((status = 201, body = Transfer), (status = 422, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn request(
    Caller(who): Caller,
    State(state): State<AppState>,
    input: Body<NewTransferRequest>,
) -> Result<(StatusCode, Json<Transfer>), ApiError> {
    let input = input.allowed(&state, &who, Action::ChangeTransfers)?;
    Ok((
        StatusCode::CREATED,
        Json(state.transfers().request_transfer(&who, input).await?),
    ))
}
