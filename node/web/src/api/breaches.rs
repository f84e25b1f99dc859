//! The breach register (admins): list, record, and note who was told.

use super::{ApiError, AppState, Body, Caller};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use unionfed_core::access::Action;
use unionfed_core::breaches::{Breach, NewBreach, Told};
use utoipa::ToSchema;

/// The register, newest first, with the deadline of this affiliate's country.
#[derive(Debug, serde::Serialize, ToSchema)]
pub(crate) struct Register {
    pub deadline: unionfed_core::breaches::Deadline,
    pub breaches: Vec<Breach>,
}

#[utoipa::path(get, path = "/api/v1/breaches", responses((status = 200, body = Register),
    (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn list(
    Caller(who): Caller,
    State(state): State<AppState>,
) -> Result<Json<Register>, ApiError> {
    Ok(Json(Register {
        breaches: unionfed_core::breaches::list(&state, &who)?,
        deadline: unionfed_core::breaches::deadline(state.config.country),
    }))
}

#[utoipa::path(post, path = "/api/v1/breaches", request_body = NewBreach, responses((status = 201, body = Breach),
    (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody),
    (status = 422, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn record(
    Caller(who): Caller,
    State(state): State<AppState>,
    input: Body<NewBreach>,
) -> Result<(StatusCode, Json<Breach>), ApiError> {
    let input = input.allowed(&state, &who, Action::ManageBreaches)?;
    Ok((
        StatusCode::CREATED,
        Json(unionfed_core::breaches::record(&state, &who, input).await?),
    ))
}

/// Whom a notification went to.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Notified {
    pub whom: Told,
}

#[utoipa::path(post, path = "/api/v1/breaches/{id}/told", request_body = Notified, params(("id" = String, Path)),
    responses((status = 200, body = Breach), (status = 400, body = super::ErrorBody), (status = 401, body = super::ErrorBody),
    (status = 403, body = super::ErrorBody), (status = 404, body = super::ErrorBody), (status = 422, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn told(
    Caller(who): Caller,
    State(state): State<AppState>,
    Path(id): Path<String>,
    input: Body<Notified>,
) -> Result<Json<Breach>, ApiError> {
    let input = input.allowed(&state, &who, Action::ManageBreaches)?;
    let id = id.parse().map_err(|_| {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            "invalid_breach_id",
            format!("{id:?} is not a breach id (32 hexadecimal digits)"),
        )
    })?;
    Ok(Json(
        unionfed_core::breaches::told(&state, &who, &id, input.whom).await?,
    ))
}
