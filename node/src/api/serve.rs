//! The HTTP server loop: HTTP/1.1 on each accepted connection, with a bound
//! on how many connections are open and how long a client may keep the node
//! waiting (for headers, between requests, inside a body), so that slow or
//! silent clients cannot hold every connection a node has.

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use prometheus_client::metrics::gauge::Gauge;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;
use tower_http::timeout::TimeoutBody;

/// How the server treats its clients.
#[derive(Debug, Clone, Copy)]
pub struct ServeLimits {
    /// Most HTTP connections open at once; beyond it, new ones wait in the
    /// listen queue until one closes.
    pub max_connections: usize,
    /// Time a client has to send a request's headers, counted from the
    /// connection's start or the end of the previous answer; also the
    /// longest pause allowed while it sends a request body.
    pub client_timeout: Duration,
    /// Time open requests get to finish once the node is stopping.
    pub shutdown_grace: Duration,
}

/// Serves `router` on `listener` until `shutdown` is cancelled, then lets
/// open requests finish (up to `limits.shutdown_grace`). `open` counts the
/// connections open at any moment.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    open: Gauge,
    shutdown: CancellationToken,
) {
    let graceful = GracefulShutdown::new();
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut last_full_warning: Option<Instant> = None;
    loop {
        if slots.available_permits() == 0
            && last_full_warning.is_none_or(|at| at.elapsed() > Duration::from_secs(60))
        {
            tracing::warn!(
                max = limits.max_connections,
                "every HTTP connection slot is in use; new clients wait (raise http_max_connections if this is normal load)"
            );
            last_full_warning = Some(Instant::now());
        }
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            () = shutdown.cancelled() => break,
        };
        let Ok(slot) = slot else { break };
        let (tcp, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors, mostly: wait rather than spin.
                    tracing::warn!(%e, "cannot accept an HTTP connection; retrying in a second");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                    continue;
                }
            },
            () = shutdown.cancelled() => break,
        };
        // Answers are small: send each at once rather than wait to fill a segment.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(%e, "TCP_NODELAY not set");
        }
        let body_timeout = limits.client_timeout;
        let service =
            router
                .clone()
                .map_request(move |mut request: axum::http::Request<Incoming>| {
                    request.extensions_mut().insert(ConnectInfo(remote));
                    // A body that stalls fails its read, and the handler
                    // answers 400 instead of waiting for ever.
                    request.map(|body| axum::body::Body::new(TimeoutBody::new(body_timeout, body)))
                });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.client_timeout)
            .serve_connection(TokioIo::new(tcp), TowerToHyperService::new(service));
        let connection = graceful.watch(connection);
        let open = open.clone();
        open.inc();
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(%e, %remote, "HTTP connection ended with an error");
            }
            open.dec();
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(limits.shutdown_grace, graceful.shutdown())
        .await
        .is_err()
    {
        tracing::warn!(
            "HTTP requests still open after {:?}; stopping anyway",
            limits.shutdown_grace
        );
    }
}
