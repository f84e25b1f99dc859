//! The federation as this node sees it, the status snapshot for offline
//! verifiers, charter submission, and the operator endpoints.

use super::{ApiError, AppState, Body, Caller};
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use axum::Json;
use serde::{Deserialize, Serialize};
use unionfed_core::access::Action;
use unionfed_core::node::{affiliate_of, now};
use unionfed_protocol::wire::{StatusSnapshot, WireMessage};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct AffiliateView {
    pub id: String,
    pub name: String,
    pub country: String,
    pub status: String,
    /// Whether a node of this affiliate is connected to this node now.
    pub connected: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HeadView {
    pub author: String,
    /// Contiguous entries held.
    pub seq: u64,
    pub hash: String,
    /// Entries some peer holds that this node does not yet.
    pub lag: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Federation {
    pub federation: String,
    pub charter_version: u32,
    pub charter_hash: String,
    pub threshold: u16,
    pub this_affiliate: String,
    pub peer_id: String,
    pub affiliates: Vec<AffiliateView>,
    pub peers_connected: Vec<String>,
    pub heads: Vec<HeadView>,
    pub equivocations: usize,
}

/// The charter, peers, heads and lag per author.
#[utoipa::path(get, path = "/api/v1/federation", responses((status = 200, body = Federation), (status = 401, body = super::ErrorBody)),
    security(("token" = [])))]
pub(crate) async fn federation(
    Caller(who): Caller,
    State(state): State<AppState>,
) -> Result<Json<Federation>, ApiError> {
    let _ = state.allow(&who, Action::ReadFederation, "federation")?;
    let held = state.charter();
    let peers = state.connected_peers().await?;
    let connected: Vec<_> = peers
        .iter()
        .filter_map(|p| affiliate_of(&held.charter, p))
        .collect();
    let mut heads: Vec<HeadView> = state
        .author_heads()?
        .into_iter()
        .map(|h| HeadView {
            lag: state.lag(&h.author),
            author: h.author.to_string(),
            seq: h.seq.get(),
            hash: h.hash.to_string(),
        })
        .collect();
    heads.sort_by(|a, b| a.author.cmp(&b.author));
    Ok(Json(Federation {
        federation: held.charter.federation.clone(),
        charter_version: held.charter.version,
        charter_hash: hex::encode(held.hash),
        threshold: held.charter.threshold,
        this_affiliate: state.config.affiliate.to_string(),
        peer_id: state.peer_id().to_string(),
        affiliates: held
            .charter
            .affiliates
            .iter()
            .map(|a| AffiliateView {
                id: a.id.to_string(),
                name: a.name.clone(),
                country: a.country.to_string(),
                status: format!("{:?}", a.status).to_lowercase(),
                connected: connected.contains(&a.id),
            })
            .collect(),
        peers_connected: connected.iter().map(|a| a.to_string()).collect(),
        heads,
        equivocations: state.equivocation_count(),
    }))
}

/// Every member's latest attestation and the representation entries, each
/// signed by its author (postcard `StatusSnapshot`), for offline verifiers:
/// `unionfed card verify UF1:... --charter F --status-snapshot S`.
#[utoipa::path(get, path = "/api/v1/status-snapshot",
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 429, body = super::ErrorBody)))]
pub(crate) async fn status_snapshot(
    State(state): State<AppState>,
) -> Result<impl IntoResponse, ApiError> {
    let snapshot = StatusSnapshot {
        charter_version: state.charter().charter.version,
        generated_at: now(),
        entries: state.status_snapshot_entries()?,
    };
    let bytes = snapshot
        .encode()
        .map_err(unionfed_core::error::NodeError::from)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"status-snapshot.ufs\"",
            ),
        ],
        bytes,
    ))
}

/// One version of the charter this node adopted, as a charter file
/// (postcard `CharterDocument`): `latest` or a version number. For offline
/// card checks and for the operator of a joining node, who confirms the
/// hash of version 1 with the federation (`unionfed charter fetch`).
#[utoipa::path(get, path = "/api/v1/charters/{version}",
    params(("version" = String, Path, description = "`latest` or a version number, e.g. 1")),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = super::ErrorBody)))]
pub(crate) async fn charter_file(
    State(state): State<AppState>,
    axum::extract::Path(version): axum::extract::Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    use axum::http::StatusCode;
    let wanted = match version.as_str() {
        "latest" => None,
        v => Some(v.parse::<u32>().map_err(|_| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_version",
                format!("{v:?} is not a charter version: give `latest` or a number such as 1"),
            )
        })?),
    };
    let doc = state.charter_document(wanted)?.ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "no_such_version",
            format!(
                "this node holds charter versions 1 to {}",
                state.charter().charter.version
            ),
        )
    })?;
    let version = doc
        .charter()
        .map_err(unionfed_core::error::NodeError::from)?
        .version;
    let bytes = doc
        .to_file()
        .map_err(unionfed_core::error::NodeError::from)?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"charter-v{version}.ufc\""),
            ),
        ],
        bytes,
    ))
}

/// A charter version, as the hex of its postcard `CharterDocument`.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CharterSubmission {
    pub charter: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CharterOutcome {
    pub adopted: bool,
    pub version: u32,
}

/// Submits the next charter version, signed by the threshold; the node
/// adopts it and gossips it to every peer.
#[utoipa::path(post, path = "/api/v1/charter", request_body = CharterSubmission,
    responses((status = 200, body = CharterOutcome), (status = 422, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn submit_charter(
    Caller(who): Caller,
    State(state): State<AppState>,
    submission: Body<CharterSubmission>,
) -> Result<Json<CharterOutcome>, ApiError> {
    let submission = submission.allowed(&state, &who, Action::ChangeCharter)?;
    let adopted = state.submit_charter(&who, &submission.charter).await?;
    Ok(Json(CharterOutcome {
        adopted,
        version: state.charter().charter.version,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BackupMade {
    /// The backup's folder on the node's machine.
    pub path: String,
    pub records: u64,
    pub bytes: u64,
}

/// Makes a consistent copy of the whole store while the node runs, into
/// `backups/` in the data folder (`unionfed backup` calls this).
#[utoipa::path(post, path = "/api/v1/backup",
    responses((status = 200, body = BackupMade), (status = 403, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn backup(
    Caller(who): Caller,
    State(state): State<AppState>,
) -> Result<Json<BackupMade>, ApiError> {
    let made = state.backup(&who).await?;
    Ok(Json(BackupMade {
        path: made.path.display().to_string(),
        records: made.records,
        bytes: made.bytes,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub affiliate: String,
    pub charter_version: u32,
    pub peers_connected: usize,
}

/// Liveness and a little state, for operators and load balancers.
#[utoipa::path(get, path = "/healthz", responses((status = 200, body = Health)))]
pub(crate) async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    let peers = state.connected_peers().await?;
    Ok(Json(Health {
        status: "ok",
        affiliate: state.config.affiliate.to_string(),
        charter_version: state.charter().charter.version,
        peers_connected: peers.len(),
    }))
}

/// Prometheus text exposition, for the node's admin token or an admin's
/// personal token: its counters move with every complaint filed, so an
/// open `/metrics` beside a proxy's access log would date a complaint to
/// the second and tie it to an address.
#[utoipa::path(get, path = "/metrics", responses((status = 200, content_type = "text/plain", body = String),
    (status = 401, body = super::ErrorBody), (status = 403, body = super::ErrorBody)), security(("token" = [])))]
pub(crate) async fn metrics(
    Caller(who): Caller,
    State(state): State<AppState>,
) -> Result<impl IntoResponse, ApiError> {
    let _ = state.allow(&who, Action::ReadMetrics, "metrics")?;
    Ok((
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics.render(),
    ))
}
