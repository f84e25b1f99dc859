//! Prometheus metrics, served as text at `/metrics`.

use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::Registry;
use std::sync::Arc;

type Labels = Vec<(String, String)>;

/// Handles to every metric; cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    registry: Arc<Registry>,
    pub peers_connected: Gauge,
    pub connections_refused: Counter,
    pub network_events_dropped: Counter,
    pub entries_stored: Counter,
    pub verify_failures: Counter,
    pub gossip_rejected: Counter,
    pub equivocations: Gauge,
    pub members: Gauge,
    pub card_checks: Counter,
    pub http_connections: Gauge,
    pub handoffs_delivered: Counter,
    pub handoffs_received: Counter,
    pub handoffs_refused: Counter,
    pub cases_opened: Counter,
    pub receipt_failures: Counter,
    pub consent_overrides: Counter,
    entries_per_author: Family<Labels, Gauge>,
    lag_per_author: Family<Labels, Gauge>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::with_prefix("unionfed");
        let m = Metrics {
            registry: Arc::new(Registry::default()),
            peers_connected: Gauge::default(),
            connections_refused: Counter::default(),
            network_events_dropped: Counter::default(),
            entries_stored: Counter::default(),
            verify_failures: Counter::default(),
            gossip_rejected: Counter::default(),
            equivocations: Gauge::default(),
            members: Gauge::default(),
            card_checks: Counter::default(),
            http_connections: Gauge::default(),
            handoffs_delivered: Counter::default(),
            handoffs_received: Counter::default(),
            handoffs_refused: Counter::default(),
            cases_opened: Counter::default(),
            receipt_failures: Counter::default(),
            consent_overrides: Counter::default(),
            entries_per_author: Family::default(),
            lag_per_author: Family::default(),
        };
        registry.register(
            "cases_opened",
            "Cases opened since start, from every channel",
            m.cases_opened.clone(),
        );
        registry.register(
            "consent_overrides",
            "Cases referred without the worker's consent, under a documented legal basis",
            m.consent_overrides.clone(),
        );
        registry.register(
            "receipt_failures",
            "Receipt codes (or passphrases) that matched no case: many mean someone is guessing",
            m.receipt_failures.clone(),
        );
        registry.register(
            "peers_connected",
            "Peers with an open connection",
            m.peers_connected.clone(),
        );
        registry.register(
            "connections_refused",
            "Incoming connections refused (not in the charter, over limits, failed handshakes)",
            m.connections_refused.clone(),
        );
        registry.register(
            "network_events_dropped",
            "Network events dropped because the node was busy (recovered by the pull path)",
            m.network_events_dropped.clone(),
        );
        registry.register(
            "entries_stored",
            "Log entries stored since start",
            m.entries_stored.clone(),
        );
        registry.register(
            "verify_failures",
            "Entries, charters or cards refused because a signature or rule failed",
            m.verify_failures.clone(),
        );
        registry.register(
            "gossip_rejected",
            "Gossip messages rejected",
            m.gossip_rejected.clone(),
        );
        registry.register(
            "equivocations",
            "Equivocations detected and kept as evidence",
            m.equivocations.clone(),
        );
        registry.register(
            "members",
            "Members enrolled at this node",
            m.members.clone(),
        );
        registry.register("card_checks", "Cards checked", m.card_checks.clone());
        registry.register(
            "http_connections",
            "HTTP connections open now (at most http_max_connections)",
            m.http_connections.clone(),
        );
        registry.register(
            "handoffs_delivered",
            "Handoffs sent and receipted by their recipient",
            m.handoffs_delivered.clone(),
        );
        registry.register(
            "handoffs_received",
            "Handoffs received and stored",
            m.handoffs_received.clone(),
        );
        registry.register(
            "handoffs_refused",
            "Handoffs refused (forged, tampered, not for this node, unopenable)",
            m.handoffs_refused.clone(),
        );
        registry.register(
            "log_entries",
            "Contiguous log entries held, per author",
            m.entries_per_author.clone(),
        );
        registry.register(
            "log_lag",
            "Entries a peer has reported that this node does not hold yet, per author",
            m.lag_per_author.clone(),
        );
        Metrics {
            registry: Arc::new(registry),
            ..m
        }
    }

    pub fn set_author(&self, author: &str, entries: u64, lag: u64) {
        let labels = vec![("author".to_owned(), author.to_owned())];
        self.entries_per_author
            .get_or_create(&labels)
            .set(entries as i64);
        self.lag_per_author.get_or_create(&labels).set(lag as i64);
    }

    /// The Prometheus text exposition.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}
