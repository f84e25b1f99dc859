//! Public card checks: no token, answered from this node's replica, so the
//! issuing affiliate never learns that a card was checked.

use super::{ApiError, ApiJson, AppState};
use crate::card_check::{self, CardVerdict, Replica};
use crate::node::{now, NodeState};
use crate::storage::Representation;
use axum::extract::State;
use axum::Json;
use serde::Deserialize;
use unionfed_protocol::{AffiliateId, MemberId, MembershipAttestation};
use utoipa::ToSchema;

/// A card to check.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyRequest {
    /// The card text, `UF1:...`, as read from the QR code.
    pub card: String,
}

impl Replica for NodeState {
    fn latest_attestation(
        &self,
        issuer: &AffiliateId,
        member: &MemberId,
    ) -> Option<(u64, MembershipAttestation)> {
        match self.store.latest_attestation(issuer, member) {
            Ok(found) => found,
            Err(e) => {
                tracing::error!(%e, "attestation lookup failed");
                None
            }
        }
    }

    fn representations(&self, member: &MemberId) -> Vec<Representation> {
        self.store.representations(member).unwrap_or_else(|e| {
            tracing::error!(%e, "representation lookup failed");
            Vec::new()
        })
    }
}

/// Checks a membership card. A card that is not good still gets 200, with
/// `valid: false` and the problems; only a malformed request is an error.
#[utoipa::path(post, path = "/api/v1/cards/verify", request_body = VerifyRequest,
    responses((status = 200, body = CardVerdict), (status = 400, body = super::ErrorBody), (status = 429, body = super::ErrorBody)))]
pub(crate) async fn verify(
    State(state): State<AppState>,
    ApiJson(request): ApiJson<VerifyRequest>,
) -> Result<Json<CardVerdict>, ApiError> {
    state.metrics.card_checks.inc();
    let held = state.charter();
    let verdict = card_check::check(&request.card, &held.charter, state.as_ref(), now());
    if verdict.problems.iter().any(|p| p.code == "bad_signature") {
        state.metrics.verify_failures.inc();
    }
    Ok(Json(verdict))
}
