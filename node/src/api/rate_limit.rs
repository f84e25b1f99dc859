//! Per-client-address token buckets for the public endpoints. Addresses are
//! kept in memory only, only as long as their bucket is not full, and never
//! logged.

use super::ApiError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Addresses tracked at once; beyond this, idle buckets are forgotten first.
const MAX_TRACKED: usize = 100_000;

#[derive(Debug)]
pub(crate) struct RateLimiter {
    per_minute: f64,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimiter {
    pub(crate) fn new(per_minute: u32) -> RateLimiter {
        RateLimiter {
            per_minute: f64::from(per_minute),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes one token for `ip`; `false` when its bucket is empty.
    fn take(&self, ip: IpAddr) -> bool {
        let now = Instant::now();
        let Ok(mut buckets) = self.buckets.lock() else {
            return true;
        };
        let refill = |(tokens, at): (f64, Instant)| {
            (tokens + now.duration_since(at).as_secs_f64() * self.per_minute / 60.0)
                .min(self.per_minute)
        };
        if buckets.len() >= MAX_TRACKED {
            buckets.retain(|_, b| refill(*b) < self.per_minute);
        }
        let bucket = buckets.entry(ip).or_insert((self.per_minute, now));
        let tokens = refill(*bucket);
        if tokens < 1.0 {
            *bucket = (tokens, now);
            return false;
        }
        *bucket = (tokens - 1.0, now);
        true
    }
}

pub(crate) async fn limit(
    State(limiter): State<Arc<RateLimiter>>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let ip = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    if !limiter.take(ip) {
        let path = request.uri().path();
        if path == "/p" || path.starts_with("/p/") || path == "/login" || path == "/setup" {
            return Ok(crate::ui::public::too_many(request.headers()));
        }
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "too many requests from this address; wait a minute and try again",
        ));
    }
    Ok(next.run(request).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_empties_and_other_addresses_are_unaffected() {
        let limiter = RateLimiter::new(3);
        let a = IpAddr::from([10, 0, 0, 1]);
        assert!((0..3).all(|_| limiter.take(a)));
        assert!(!limiter.take(a));
        assert!(limiter.take(IpAddr::from([10, 0, 0, 2])));
    }
}
