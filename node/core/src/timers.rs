//! The node's own periodic jobs, each in its own task so that a slow one
//! (a retention run over many cases) never holds up another (handoff
//! delivery, the end of a representation). Each job acts as
//! [`Principal::Node`] through the same domain functions as every door.

use crate::access::Principal;
use crate::node::NodeState;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;

/// How often representations past their end date are looked for.
pub const EXPIRY_CHECK: Duration = Duration::from_secs(10);
/// How often data past its retention period is purged.
pub const RETENTION_CHECK: Duration = Duration::from_secs(3600);
/// How often memberships past their grace period are lapsed.
pub const LAPSE_CHECK: Duration = Duration::from_secs(3600);

/// Runs `job` now and then every `period` until shutdown; a failure is
/// logged as `what` and the next round comes as planned.
async fn every<F, Fut>(
    period: Duration,
    what: &'static str,
    shutdown: CancellationToken,
    mut job: F,
) where
    F: FnMut() -> Fut,
    Fut: Future<Output = crate::error::Result<()>>,
{
    let mut ticks = tokio::time::interval(period);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            () = shutdown.cancelled() => break,
            _ = ticks.tick() => {
                if let Err(e) = job().await {
                    tracing::warn!(%e, "{what} failed");
                }
            }
        }
    }
}

/// Ends the representations whose end date has passed.
pub async fn expiry(state: Arc<NodeState>, shutdown: CancellationToken) {
    every(
        EXPIRY_CHECK,
        "ending representations past their end date",
        shutdown,
        || state.transfers().end_expired(&Principal::Node),
    )
    .await;
}

/// Purges what is kept past its retention period: closed cases, lapsed
/// members, files of declined or ended transfers.
pub async fn retention(state: Arc<NodeState>, shutdown: CancellationToken) {
    every(
        RETENTION_CHECK,
        "erasing the personal fields of old closed cases",
        shutdown,
        || async {
            crate::retention::run(&state, &Principal::Node)
                .await
                .map(|_| ())
        },
    )
    .await;
}

/// Lapses the memberships whose validity ended longer ago than the grace
/// period, with no dues recorded to renew them.
pub async fn lapses(state: Arc<NodeState>, shutdown: CancellationToken) {
    every(
        LAPSE_CHECK,
        "lapsing memberships past their grace period",
        shutdown,
        || async {
            state
                .members()
                .lapse_overdue(&Principal::Node, crate::node::now())
                .await
                .map(|_| ())
        },
    )
    .await;
}
