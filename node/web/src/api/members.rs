//! Members and their cards. Every endpoint needs the admin token.

use super::{parse_member_id, ApiError, AppState, Body, Caller};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::Json;
use serde::Serialize;
use unionfed_core::access::Action;
use unionfed_core::members::dues::{DuesPayment, RenewalDue};
use unionfed_core::members::{
    MemberErased, MemberErasure, MemberPatch, MemberView, NewMember, StatusChange,
};
use utoipa::ToSchema;

/// A card as text.
#[derive(Debug, Serialize, ToSchema)]
pub struct CardText {
    /// `UF1:` followed by base45; put it in a QR code or check it with `POST /api/v1/cards/verify`.
    pub card: String,
}

/// Enrols a member and appends their first attestation.
#[utoipa::path(post, path = "/api/v1/members", request_body = NewMember,
    responses((status = 201, body = MemberView), (status = 401, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn create(
    Caller(who): Caller,
    State(state): State<AppState>,
    input: Body<NewMember>,
) -> Result<(StatusCode, Json<MemberView>), ApiError> {
    let input = input.allowed(&state, &who, Action::ChangeMember)?;
    let record = state.members().enrol(&who, input).await?;
    Ok((StatusCode::CREATED, Json(state.members().view(record)?)))
}

/// A member's record.
#[utoipa::path(get, path = "/api/v1/members/{id}", params(("id" = String, Path, description = "member id")),
    responses((status = 200, body = MemberView), (status = 404, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn read(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<MemberView>, ApiError> {
    Ok(Json(
        state.members().member_view(&who, &parse_member_id(&id)?)?,
    ))
}

/// Changes a member's personal fields.
#[utoipa::path(patch, path = "/api/v1/members/{id}", request_body = MemberPatch, params(("id" = String, Path)),
    responses((status = 200, body = MemberView), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn update(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    patch: Body<MemberPatch>,
) -> Result<Json<MemberView>, ApiError> {
    let patch = patch.allowed(&state, &who, Action::ChangeMember)?;
    let record = state
        .members()
        .update_member(&who, &parse_member_id(&id)?, patch)
        .await?;
    Ok(Json(state.members().view(record)?))
}

/// Sets the membership status and appends the attestation that says so.
#[utoipa::path(post, path = "/api/v1/members/{id}/status", request_body = StatusChange, params(("id" = String, Path)),
    responses((status = 200, body = MemberView), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn set_status(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    change: Body<StatusChange>,
) -> Result<Json<MemberView>, ApiError> {
    let change = change.allowed(&state, &who, Action::ChangeMember)?;
    let record = state
        .members()
        .set_status(&who, &parse_member_id(&id)?, change)
        .await?;
    Ok(Json(state.members().view(record)?))
}

/// Records dues paid for a period; one that runs past the membership's
/// validity renews it (and makes a lapsed membership active again), with
/// a new attestation.
#[utoipa::path(post, path = "/api/v1/members/{id}/dues", request_body = DuesPayment, params(("id" = String, Path)),
    responses((status = 200, body = MemberView), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn record_dues(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    payment: Body<DuesPayment>,
) -> Result<Json<MemberView>, ApiError> {
    let payment = payment.allowed(&state, &who, Action::ChangeMember)?;
    let record = state
        .members()
        .record_dues(&who, &parse_member_id(&id)?, payment)
        .await?;
    Ok(Json(state.members().view(record)?))
}

/// Active members whose membership runs out within 30 days or already has
/// (in their grace period), soonest first, with when each lapses.
#[utoipa::path(get, path = "/api/v1/members/renewals",
    responses((status = 200, body = Vec<RenewalDue>), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn renewals(
    Caller(who): Caller,
    State(state): State<AppState>,
) -> Result<Json<Vec<RenewalDue>>, ApiError> {
    Ok(Json(
        state
            .members()
            .renewals_due(&who, unionfed_core::node::now())?,
    ))
}

/// Everything this node holds about a member: record, consents, transfers,
/// the cases that name them and every audit record about their record.
#[utoipa::path(get, path = "/api/v1/members/{id}/export", params(("id" = String, Path)),
    responses((status = 200, body = unionfed_core::rights::MemberExport), (status = 400, body = super::ErrorBody),
        (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn export(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<unionfed_core::rights::MemberExport>, ApiError> {
    Ok(Json(unionfed_core::rights::export_member(
        &state,
        &who,
        &parse_member_id(&id)?,
    )?))
}

/// Erases a member at their request: personal fields, received files; the
/// membership is revoked and recipients of their file are told to delete it.
#[utoipa::path(post, path = "/api/v1/members/{id}/erase", request_body = MemberErasure, params(("id" = String, Path)),
    responses((status = 200, body = MemberErased), (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody),
        (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn erase(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    request: Body<MemberErasure>,
) -> Result<Json<MemberErased>, ApiError> {
    let request = request.allowed(&state, &who, Action::EraseMember)?;
    Ok(Json(
        state
            .members()
            .erase(&who, &parse_member_id(&id)?, request)
            .await?,
    ))
}

/// A freshly signed card for an active member.
#[utoipa::path(get, path = "/api/v1/members/{id}/card", params(("id" = String, Path)),
    responses((status = 200, body = CardText), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn card(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CardText>, ApiError> {
    Ok(Json(CardText {
        card: state.members().issue_card(&who, &parse_member_id(&id)?)?.0,
    }))
}

/// The card as an SVG QR code.
#[utoipa::path(get, path = "/api/v1/members/{id}/card.svg", params(("id" = String, Path)),
    responses((status = 200, content_type = "image/svg+xml", body = String), (status = 404, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn card_svg(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let (text, _) = state.members().issue_card(&who, &parse_member_id(&id)?)?;
    let svg =
        unionfed_protocol::qr::svg(&text, 320).map_err(unionfed_core::error::NodeError::from)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        svg,
    ))
}

/// The card as a PNG QR code.
#[utoipa::path(get, path = "/api/v1/members/{id}/card.png", params(("id" = String, Path)),
    responses((status = 200, content_type = "image/png", body = Vec<u8>), (status = 404, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn card_png(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let (text, _) = state.members().issue_card(&who, &parse_member_id(&id)?)?;
    let png =
        unionfed_protocol::qr::png(&text, 6).map_err(unionfed_core::error::NodeError::from)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        png,
    ))
}
