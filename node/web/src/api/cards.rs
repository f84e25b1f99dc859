//! Public card checks: no token, answered from this node's replica, so the
//! issuing affiliate never learns that a card was checked.

use super::{ApiError, ApiJson, AppState};
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use unionfed_core::card_check::CardVerdict;
use utoipa::ToSchema;

/// A card to check.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The card text, `UF1:...`, as read from the QR code.
    pub card: String,
}

/// Checks a membership card. A card that is not good still gets 200, with
/// `valid: false` and the problems; only a malformed request is an error.
#[utoipa::path(post, path = "/api/v1/cards/verify", request_body = VerifyRequest,
    responses((status = 200, body = CardVerdict), (status = 400, body = super::ErrorBody), (status = 429, body = super::ErrorBody)))]
pub(crate) async fn verify(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<VerifyRequest>,
) -> Result<Json<CardVerdict>, ApiError> {
    Ok(Json(state.check_card(&request.card)))
}
