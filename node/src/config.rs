//! The node's configuration: one struct, read from `unionfed.toml` in the
//! data folder, every field documented with its default, checked at start-up.

use crate::error::{io_at, NodeError, Result};
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use unionfed_protocol::{AffiliateId, CountryCode};

/// File name of the configuration inside the data folder.
pub const CONFIG_FILE: &str = "unionfed.toml";

/// A node's settings. Secrets are not here: keys live in `keys/`, and the
/// admin token only as its SHA-256.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// This node's affiliate code, as in the charter (e.g. `KSPI`).
    pub affiliate: AffiliateId,
    /// The affiliate's name, shown to staff and other affiliates.
    pub name: String,
    /// ISO 3166-1 alpha-2 country the affiliate works in (e.g. `ID`).
    pub country: CountryCode,
    /// libp2p listen addresses. Default: TCP and QUIC on port 4100.
    #[serde(default = "defaults::p2p_listen")]
    pub p2p_listen: Vec<String>,
    /// Addresses other affiliates should dial, written into this node's
    /// record. Default: none (then `p2p_listen` is used).
    #[serde(default)]
    pub p2p_announce: Vec<String>,
    /// HTTP listen address for the API and pages. Default `127.0.0.1:8100`.
    /// Override with `UNIONFED_HTTP_LISTEN`.
    #[serde(default = "defaults::http_listen")]
    pub http_listen: SocketAddr,
    /// Extra peer addresses, for peers whose node record has none that work
    /// from here. Default: none.
    #[serde(default)]
    pub peers: Vec<PeerAddress>,
    /// SHA-256 (hex) of the admin API token, printed once by `unionfed init`.
    /// Override with `UNIONFED_ADMIN_TOKEN_SHA256`.
    pub admin_token_sha256: String,
    /// The charter file read on first start. Default `charter.ufc` in the data folder.
    #[serde(default = "defaults::charter_file")]
    pub charter_file: PathBuf,
    /// Seconds between heads exchanges with each peer (jittered). Default 30.
    #[serde(default = "defaults::heads_interval_secs")]
    pub heads_interval_secs: u64,
    /// Longest wait between redials of an unreachable peer. Default 60.
    #[serde(default = "defaults::redial_max_backoff_secs")]
    pub redial_max_backoff_secs: u64,
    /// Seconds an idle connection stays open. Default 3600.
    #[serde(default = "defaults::idle_timeout_secs")]
    pub idle_timeout_secs: u64,
    /// Most connections in total. Default 128.
    #[serde(default = "defaults::max_connections")]
    pub max_connections: u32,
    /// Seconds to wait at start for a peer to confirm this node's own log head
    /// before appending anyway (a node alone in the network must still work).
    /// Default 10.
    #[serde(default = "defaults::startup_sync_grace_secs")]
    pub startup_sync_grace_secs: u64,
    /// Days a newly issued card is valid, capped by the membership's own
    /// validity. Default 365.
    #[serde(default = "defaults::card_validity_days")]
    pub card_validity_days: u32,
    /// Days a new membership is valid before renewal. Default 365.
    #[serde(default = "defaults::membership_validity_days")]
    pub membership_validity_days: u32,
    /// Requests per minute per client address on the public endpoints.
    /// Default 120.
    #[serde(default = "defaults::public_rate_limit_per_minute")]
    pub public_rate_limit_per_minute: u32,
    /// Largest HTTP request body in bytes. Default 65536.
    #[serde(default = "defaults::max_body_bytes")]
    pub max_body_bytes: usize,
}

/// A known address of a peer.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PeerAddress {
    /// The peer's libp2p id (base58, starts with `12D3KooW`).
    pub peer_id: String,
    /// A multiaddr, e.g. `/ip4/203.0.113.7/tcp/4100`.
    pub address: String,
}

mod defaults {
    use std::net::SocketAddr;
    use std::path::PathBuf;

    pub(super) fn p2p_listen() -> Vec<String> {
        vec![
            "/ip4/0.0.0.0/tcp/4100".into(),
            "/ip4/0.0.0.0/udp/4100/quic-v1".into(),
        ]
    }
    pub(super) fn http_listen() -> SocketAddr {
        SocketAddr::from(([127, 0, 0, 1], 8100))
    }
    pub(super) fn charter_file() -> PathBuf {
        PathBuf::from("charter.ufc")
    }
    pub(super) fn heads_interval_secs() -> u64 {
        30
    }
    pub(super) fn redial_max_backoff_secs() -> u64 {
        60
    }
    pub(super) fn idle_timeout_secs() -> u64 {
        3600
    }
    pub(super) fn max_connections() -> u32 {
        128
    }
    pub(super) fn startup_sync_grace_secs() -> u64 {
        10
    }
    pub(super) fn card_validity_days() -> u32 {
        365
    }
    pub(super) fn membership_validity_days() -> u32 {
        365
    }
    pub(super) fn public_rate_limit_per_minute() -> u32 {
        120
    }
    pub(super) fn max_body_bytes() -> usize {
        64 * 1024
    }
}

impl Config {
    /// A configuration with every default, for `unionfed init` and tests.
    pub fn new(
        affiliate: AffiliateId,
        name: String,
        country: CountryCode,
        admin_token_sha256: String,
    ) -> Config {
        Config {
            affiliate,
            name,
            country,
            p2p_listen: defaults::p2p_listen(),
            p2p_announce: Vec::new(),
            http_listen: defaults::http_listen(),
            peers: Vec::new(),
            admin_token_sha256,
            charter_file: defaults::charter_file(),
            heads_interval_secs: defaults::heads_interval_secs(),
            redial_max_backoff_secs: defaults::redial_max_backoff_secs(),
            idle_timeout_secs: defaults::idle_timeout_secs(),
            max_connections: defaults::max_connections(),
            startup_sync_grace_secs: defaults::startup_sync_grace_secs(),
            card_validity_days: defaults::card_validity_days(),
            membership_validity_days: defaults::membership_validity_days(),
            public_rate_limit_per_minute: defaults::public_rate_limit_per_minute(),
            max_body_bytes: defaults::max_body_bytes(),
        }
    }

    /// Reads `unionfed.toml` from `data_dir`, applies environment overrides
    /// and validates.
    pub fn load(data_dir: &Path) -> Result<Config> {
        let path = data_dir.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            NodeError::Config(format!(
                "cannot read {}: {e}; run `unionfed init --data-dir {}` first",
                path.display(),
                data_dir.display()
            ))
        })?;
        let mut config: Config = toml::from_str(&text)
            .map_err(|e| NodeError::Config(format!("{}: {e}", path.display())))?;
        config.apply_env()?;
        config.validate()?;
        Ok(config)
    }

    fn apply_env(&mut self) -> Result<()> {
        if let Ok(hash) = std::env::var("UNIONFED_ADMIN_TOKEN_SHA256") {
            self.admin_token_sha256 = hash;
        }
        if let Ok(listen) = std::env::var("UNIONFED_HTTP_LISTEN") {
            self.http_listen = listen.parse().map_err(|_| {
                NodeError::Config(format!(
                    "UNIONFED_HTTP_LISTEN={listen:?} is not an address like 127.0.0.1:8100"
                ))
            })?;
        }
        Ok(())
    }

    /// Checks everything that can be checked without starting.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(NodeError::Config(m));
        if self.name.trim().is_empty() {
            return bad("name is empty; set the affiliate's name".into());
        }
        if self.p2p_listen.is_empty() {
            return bad(
                "p2p_listen is empty; list at least one address such as /ip4/0.0.0.0/tcp/4100"
                    .into(),
            );
        }
        for a in self.p2p_listen.iter().chain(&self.p2p_announce) {
            if a.parse::<libp2p::Multiaddr>().is_err() {
                return bad(format!(
                    "{a:?} is not a multiaddr such as /ip4/0.0.0.0/tcp/4100"
                ));
            }
        }
        for p in &self.peers {
            if p.peer_id.parse::<libp2p::PeerId>().is_err() {
                return bad(format!("peers: {:?} is not a libp2p peer id", p.peer_id));
            }
            if p.address.parse::<libp2p::Multiaddr>().is_err() {
                return bad(format!("peers: {:?} is not a multiaddr", p.address));
            }
        }
        let hash_ok = self.admin_token_sha256.len() == 64
            && self
                .admin_token_sha256
                .bytes()
                .all(|b| b.is_ascii_hexdigit());
        if !hash_ok {
            return bad(
                "admin_token_sha256 must be 64 hex digits (the SHA-256 of the admin token)".into(),
            );
        }
        for (name, value) in [
            ("heads_interval_secs", self.heads_interval_secs),
            ("redial_max_backoff_secs", self.redial_max_backoff_secs),
            ("idle_timeout_secs", self.idle_timeout_secs),
        ] {
            if value == 0 {
                return bad(format!("{name} must be at least 1"));
            }
        }
        if self.max_connections < 4 {
            return bad("max_connections must be at least 4".into());
        }
        if self.card_validity_days == 0 || self.membership_validity_days == 0 {
            return bad(
                "card_validity_days and membership_validity_days must be at least 1".into(),
            );
        }
        if self.public_rate_limit_per_minute == 0 {
            return bad("public_rate_limit_per_minute must be at least 1".into());
        }
        if !(1024..=16 * 1024 * 1024).contains(&self.max_body_bytes) {
            return bad("max_body_bytes must be between 1024 and 16777216".into());
        }
        Ok(())
    }

    /// Writes the configuration with a header that explains it.
    pub fn write(&self, data_dir: &Path) -> Result<()> {
        let path = data_dir.join(CONFIG_FILE);
        let body = toml::to_string_pretty(self)
            .map_err(|e| NodeError::Config(format!("cannot encode the configuration: {e}")))?;
        let text = format!("{CONFIG_HEADER}\n{body}");
        std::fs::write(&path, text).map_err(io_at(&path))
    }
}

const CONFIG_HEADER: &str = "\
# unionfed node configuration. Every field and its default is documented in
# node/src/config.rs and in docs/operations.md. Secrets are not kept here:
# the keys are in keys/, the admin token only as its SHA-256.
# Environment overrides: UNIONFED_HTTP_LISTEN, UNIONFED_ADMIN_TOKEN_SHA256.
";

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config::new(
            "KSPI".parse().unwrap(),
            "Konfederasi Serikat Pekerja Indonesia".into(),
            "ID".parse().unwrap(),
            "ab".repeat(32),
        )
    }

    #[test]
    fn the_example_configuration_is_valid() {
        let text = include_str!("../../deploy/unionfed.example.toml");
        let parsed: Config = toml::from_str(text).unwrap();
        parsed.validate().unwrap();
    }

    #[test]
    fn a_written_configuration_loads_back() {
        let dir = tempfile::TempDir::new().unwrap();
        let c = config();
        c.write(dir.path()).unwrap();
        let back = Config::load(dir.path()).unwrap();
        assert_eq!(back.affiliate, c.affiliate);
        assert_eq!(back.http_listen, c.http_listen);
        assert_eq!(back.p2p_listen, c.p2p_listen);
    }

    #[test]
    fn validation_says_what_is_wrong() {
        let mut c = config();
        c.admin_token_sha256 = "not a hash".into();
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("admin_token_sha256"));
        let mut c = config();
        c.p2p_listen = vec!["localhost:4100".into()];
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("not a multiaddr"));
        let mut c = config();
        c.heads_interval_secs = 0;
        assert!(c
            .validate()
            .unwrap_err()
            .to_string()
            .contains("heads_interval_secs"));
        let unknown = format!(
            "{}\nfavourite_colour = \"red\"\n",
            toml::to_string(&config()).unwrap()
        );
        assert!(toml::from_str::<Config>(&unknown).is_err());
    }

    #[test]
    fn a_missing_configuration_says_to_run_init() {
        let dir = tempfile::TempDir::new().unwrap();
        let err = Config::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("unionfed init"), "{err}");
    }
}
