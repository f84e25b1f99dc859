//! A whole node in one process: the domain launched by `unionfed-core`,
//! with the HTTP doors of `unionfed-web` serving it.

use libp2p::PeerId;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use unionfed_core::launch::{launch, Launched};
use unionfed_core::{Config, NodeError, NodeState, Result};
use unionfed_protocol::AffiliateId;

/// A running node.
#[derive(Debug)]
pub struct NodeHandle {
    state: Arc<NodeState>,
    http_addr: SocketAddr,
    shutdown: CancellationToken,
    tasks: TaskTracker,
}

impl NodeHandle {
    pub fn state(&self) -> &Arc<NodeState> {
        &self.state
    }

    pub fn http_addr(&self) -> SocketAddr {
        self.http_addr
    }

    pub fn peer_id(&self) -> PeerId {
        self.state.network.local_peer_id()
    }

    pub fn affiliate(&self) -> &AffiliateId {
        &self.state.config.affiliate
    }

    /// Stops every task and flushes the store.
    pub async fn shutdown(self) -> Result<()> {
        self.shutdown.cancel();
        self.tasks.close();
        self.tasks.wait().await;
        self.state.flush_blocking()
    }

    /// Waits until `shutdown` is called elsewhere or a task ends.
    pub async fn stopped(&self) {
        self.shutdown.cancelled().await;
    }

    pub fn shutdown_token(&self) -> CancellationToken {
        self.shutdown.clone()
    }
}

/// Starts a node from the data folder and configuration. The HTTP address
/// is taken first, so that a port in use stops the start before anything
/// else runs.
pub async fn start(data_dir: &Path, config: Config) -> Result<NodeHandle> {
    config.validate()?;
    let listener = tokio::net::TcpListener::bind(config.http_listen)
        .await
        .map_err(|e| {
            NodeError::Config(format!(
                "cannot listen for HTTP on {}: {e}; change http_listen or stop what uses that port",
                config.http_listen
            ))
        })?;
    let http_addr = listener
        .local_addr()
        .map_err(|e| NodeError::Config(e.to_string()))?;
    let Launched {
        state,
        shutdown,
        tasks,
    } = launch(data_dir, config).await?;
    let router = unionfed_web::api::router(state.clone());
    let limits = unionfed_web::api::ServeLimits {
        max_connections: state.config.http_max_connections,
        client_timeout: Duration::from_secs(state.config.http_client_timeout_secs),
        shutdown_grace: Duration::from_secs(10),
    };
    tasks.spawn(unionfed_web::api::serve(
        listener,
        router,
        limits,
        state.metrics.http_connections.clone(),
        shutdown.clone(),
    ));
    tracing::info!(http = %http_addr, "serving HTTP");
    Ok(NodeHandle {
        state,
        http_addr,
        shutdown,
        tasks,
    })
}
