//! Per-client-address token buckets for the public endpoints. Addresses are
//! kept in memory only, only as long as their bucket is not full, and never
//! logged. Behind a reverse proxy every request comes from the proxy, so
//! for peers in `trusted_proxies` the client is read from the
//! `X-Forwarded-For` header the proxy adds.

use super::ApiError;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, StatusCode};
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
    trusted_proxies: Vec<IpAddr>,
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl RateLimiter {
    pub(crate) fn new(per_minute: u32, trusted_proxies: Vec<IpAddr>) -> RateLimiter {
        RateLimiter {
            per_minute: f64::from(per_minute),
            trusted_proxies,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The client a request counts against: the connection's peer, or, when
    /// the peer is a trusted proxy, the nearest address in
    /// `X-Forwarded-For` that is not one of ours. Addresses further left
    /// were written by the client itself and prove nothing.
    fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusted_proxies.contains(&peer) {
            return peer;
        }
        let mut client = peer;
        let hops = headers
            .get_all("x-forwarded-for")
            .iter()
            .flat_map(|v| v.to_str().unwrap_or("").split(','))
            .collect::<Vec<_>>();
        for hop in hops.iter().rev() {
            let Some(ip) = forwarded_ip(hop) else {
                // Not an address: stop at the last one we could read.
                break;
            };
            client = ip;
            if !self.trusted_proxies.contains(&ip) {
                break;
            }
        }
        client
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
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip());
    if !limiter.take(limiter.client(peer, request.headers())) {
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

/// One `X-Forwarded-For` entry: `203.0.113.7`, `2001:db8::1`, or either
/// with a port (`203.0.113.7:5555`, `[2001:db8::1]:5555`).
fn forwarded_ip(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .ok()
        .or_else(|| hop.parse::<SocketAddr>().ok().map(|a| a.ip()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", v.parse().unwrap());
        }
        headers
    }

    #[test]
    fn the_client_behind_a_trusted_proxy_is_the_nearest_untrusted_hop() {
        let proxy = IpAddr::from([127, 0, 0, 1]);
        let inner = IpAddr::from([10, 0, 0, 5]);
        let limiter = RateLimiter::new(3, vec![proxy, inner]);
        let client = IpAddr::from([203, 0, 113, 7]);
        // A direct client's header is its own word and is ignored.
        let stranger = IpAddr::from([198, 51, 100, 1]);
        assert_eq!(
            limiter.client(stranger, &forwarded(&["203.0.113.7"])),
            stranger
        );
        assert_eq!(limiter.client(proxy, &HeaderMap::new()), proxy);
        assert_eq!(limiter.client(proxy, &forwarded(&["203.0.113.7"])), client);
        // The client cannot hide behind an address it wrote itself.
        assert_eq!(
            limiter.client(proxy, &forwarded(&["192.0.2.1, 203.0.113.7"])),
            client
        );
        // Two proxies of ours, headers split over two lines, ports.
        assert_eq!(
            limiter.client(
                proxy,
                &forwarded(&["192.0.2.1, 203.0.113.7:4444", "10.0.0.5"])
            ),
            client
        );
        assert_eq!(
            limiter.client(proxy, &forwarded(&["[2001:db8::7]:443"])),
            IpAddr::from([0x2001, 0xdb8, 0, 0, 0, 0, 0, 7])
        );
        // Garbage stops the walk at the last address read.
        assert_eq!(limiter.client(proxy, &forwarded(&["unknown"])), proxy);
        assert_eq!(
            limiter.client(proxy, &forwarded(&["203.0.113.7, junk, 10.0.0.5"])),
            inner
        );
    }

    #[test]
    fn a_bucket_empties_and_other_addresses_are_unaffected() {
        let limiter = RateLimiter::new(3, Vec::new());
        let a = IpAddr::from([10, 0, 0, 1]);
        assert!((0..3).all(|_| limiter.take(a)));
        assert!(!limiter.take(a));
        assert!(limiter.take(IpAddr::from([10, 0, 0, 2])));
    }
}
