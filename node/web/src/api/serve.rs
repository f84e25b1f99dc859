//! The HTTP server loop: HTTP/1.1 on each accepted connection, with a bound
//! on how many connections are open and how long a client may keep the node
//! waiting (for headers, between requests, inside a body), so that slow or
//! silent clients cannot hold every connection a node has.

use axum::extract::ConnectInfo;
use axum::Router;
use hyper::body::{Body, Frame, Incoming, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use prometheus_client::metrics::gauge::Gauge;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tower::ServiceExt;

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
                    request.map(|body| axum::body::Body::new(StallLimited::new(body, body_timeout)))
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

/// A request body that fails once the client has sent nothing more of it
/// for `timeout`. The clock runs only while the body waits on the client,
/// so a body that has already arrived, as most do, costs no timer.
struct StallLimited<B> {
    inner: B,
    timeout: Duration,
    waiting: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<B> StallLimited<B> {
    fn new(inner: B, timeout: Duration) -> StallLimited<B> {
        StallLimited {
            inner,
            timeout,
            waiting: None,
        }
    }
}

/// What a stalled body's read fails with; handlers show it as `bad_body`.
#[derive(Debug)]
struct BodyStalled(Duration);

impl std::fmt::Display for BodyStalled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the client sent nothing more of the request body for {} s",
            self.0.as_secs()
        )
    }
}

impl std::error::Error for BodyStalled {}

impl<B> Body for StallLimited<B>
where
    B: Body + Unpin,
    B::Error: Into<axum::BoxError>,
{
    type Data = B::Data;
    type Error = axum::BoxError;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<B::Data>, axum::BoxError>>> {
        let this = self.get_mut();
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(frame) => {
                this.waiting = None;
                Poll::Ready(frame.map(|f| f.map_err(Into::into)))
            }
            Poll::Pending => {
                let timeout = this.timeout;
                let waiting = this
                    .waiting
                    .get_or_insert_with(|| Box::pin(tokio::time::sleep(timeout)));
                match waiting.as_mut().poll(cx) {
                    Poll::Ready(()) => Poll::Ready(Some(Err(BodyStalled(timeout).into()))),
                    Poll::Pending => Poll::Pending,
                }
            }
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Bytes;
    use tokio::sync::mpsc;

    /// A body whose pieces arrive when the test sends them.
    struct Trickle(mpsc::Receiver<Bytes>);

    impl Body for Trickle {
        type Data = Bytes;
        type Error = std::convert::Infallible;
        fn poll_frame(
            mut self: Pin<&mut Self>,
            cx: &mut Context<'_>,
        ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
            self.0.poll_recv(cx).map(|b| b.map(|b| Ok(Frame::data(b))))
        }
    }

    async fn next_piece(body: &mut StallLimited<Trickle>) -> Option<Result<Bytes, String>> {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)).await?;
        Some(
            frame
                .map(|f| f.into_data().unwrap_or_default())
                .map_err(|e| e.to_string()),
        )
    }

    #[tokio::test(start_paused = true)]
    async fn a_slow_steady_body_arrives_and_a_stalled_one_fails() {
        let (send, receive) = mpsc::channel(4);
        let mut body = StallLimited::new(Trickle(receive), Duration::from_secs(3));
        // Ten pieces two seconds apart: twenty seconds in all, no pause of three.
        let sender = tokio::spawn(async move {
            for i in 0..10u8 {
                tokio::time::sleep(Duration::from_secs(2)).await;
                send.send(Bytes::from(vec![i])).await.unwrap();
            }
            // Then nothing more, with the connection still open.
            tokio::time::sleep(Duration::from_secs(60)).await;
            drop(send);
        });
        for i in 0..10u8 {
            assert_eq!(next_piece(&mut body).await, Some(Ok(Bytes::from(vec![i]))));
        }
        let stalled = next_piece(&mut body).await.unwrap().unwrap_err();
        assert!(
            stalled.contains("nothing more of the request body for 3 s"),
            "{stalled}"
        );
        sender.abort();
    }
}
