//! The node's configuration: one struct, read from `unionfed.toml` in the
//! data folder, every field documented with its default, checked at start-up.

use crate::error::{NodeError, Result};
use serde::{Deserialize, Serialize};
use std::net::{IpAddr, SocketAddr};
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
    /// libp2p listen addresses. Default: TCP and QUIC on port 4100. Empty
    /// for a node that can only dial out (an office machine behind NAT with
    /// no inbound port): it takes part over the connections it makes, and
    /// handoffs for it wait at a peer it reaches.
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
    /// SHA-256 (hex) of the federation's genesis charter (v1), as the
    /// federation confirmed it out of band (`unionfed charter show` prints
    /// it). A node that joins a running federation needs it: it fetches
    /// every version from its peers and accepts the chain only if it leads
    /// back to this genesis. When set, every start checks the charter held
    /// against it too. Default: none (a founder's node starts from v1).
    #[serde(default)]
    pub genesis_charter_sha256: Option<String>,
    /// Seconds a joining node waits on its first start for a peer to send
    /// the federation's charter versions. Default 120.
    #[serde(default = "defaults::join_timeout_secs")]
    pub join_timeout_secs: u64,
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
    /// Days a newly issued card is valid. The membership's own validity is
    /// checked apart, against the latest attestation, so that a renewal
    /// keeps the card the member carries good. Default 1095 (three years).
    #[serde(default = "defaults::card_validity_days")]
    pub card_validity_days: u32,
    /// Days a new membership is valid before renewal. Default 365.
    #[serde(default = "defaults::membership_validity_days")]
    pub membership_validity_days: u32,
    /// Days after a membership's validity ends before it lapses, when no
    /// dues were recorded to renew it. Default 60.
    #[serde(default = "defaults::membership_grace_days")]
    pub membership_grace_days: u32,
    /// Requests per minute per client address on the public endpoints.
    /// Default 120.
    #[serde(default = "defaults::public_rate_limit_per_minute")]
    pub public_rate_limit_per_minute: u32,
    /// Addresses of the reverse proxies in front of this node. A request
    /// from one of them counts against the client named in its
    /// `X-Forwarded-For` header. Default `["127.0.0.1", "::1"]`, a proxy on
    /// this machine; `[]` when clients connect to the node directly.
    #[serde(default = "defaults::trusted_proxies")]
    pub trusted_proxies: Vec<IpAddr>,
    /// Largest HTTP request body in bytes. Default 65536.
    #[serde(default = "defaults::max_body_bytes")]
    pub max_body_bytes: usize,
    /// Most HTTP connections open at once; more wait until one closes.
    /// Default 1000 (keep it under the process's open-file limit).
    #[serde(default = "defaults::http_max_connections")]
    pub http_max_connections: usize,
    /// Seconds an HTTP client may keep the node waiting: to send a
    /// request's headers, between requests on an open connection, and
    /// between pieces of a request body. Default 30.
    #[serde(default = "defaults::http_client_timeout_secs")]
    pub http_client_timeout_secs: u64,
    /// Days after a case is closed (or rejected) before its personal fields
    /// are erased; the anonymous statistics remain. Default 730.
    #[serde(default = "defaults::case_retention_days")]
    pub case_retention_days: u32,
    /// Days after a member lapsed or was revoked before their personal
    /// fields are removed (the record and its status stay). Default 730.
    #[serde(default = "defaults::member_retention_days")]
    pub member_retention_days: u32,
    /// Days after a transfer was declined or its representation ended
    /// before the file another affiliate sent is deleted. Default 180.
    #[serde(default = "defaults::transfer_file_retention_days")]
    pub transfer_file_retention_days: u32,
    /// Days a received handoff that could not be applied is kept as it
    /// came, for an operator to look at, before its sealed contents are
    /// dropped. Default 30.
    #[serde(default = "defaults::unapplied_handoff_retention_days")]
    pub unapplied_handoff_retention_days: u32,
    /// Days an audit record is kept; older records are removed and the
    /// chain verifies from the last one removed. Default 1095.
    #[serde(default = "defaults::audit_retention_days")]
    pub audit_retention_days: u32,
    /// How a worker reaches the union (phone, address, opening hours),
    /// shown under its name at the top of every public page. Default: none.
    #[serde(default)]
    pub public_contact: Option<String>,
    /// How a worker reaches the affiliate's data-protection contact (a
    /// name, an e-mail address, a phone number), shown in the privacy
    /// notice of the public pages. Default: none (the notice says to ask
    /// at the union office).
    #[serde(default)]
    pub privacy_contact: Option<String>,
    /// Smallest count a case statistic shows; smaller cells are suppressed.
    /// Default 5.
    #[serde(default = "defaults::stats_min_cell")]
    pub stats_min_cell: u32,
    /// Largest file attached to a case, in bytes. Default 5242880 (5 MiB).
    #[serde(default = "defaults::max_attachment_bytes")]
    pub max_attachment_bytes: usize,
    /// Mark the staff login cookie `Secure` (sent over HTTPS only). Leave
    /// on behind a TLS proxy; only a node used on this machine alone (the
    /// demo) turns it off. Default true.
    #[serde(default = "defaults::secure_cookies")]
    pub secure_cookies: bool,
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
    use std::net::{IpAddr, Ipv6Addr, SocketAddr};
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
    pub(super) fn join_timeout_secs() -> u64 {
        120
    }
    pub(super) fn startup_sync_grace_secs() -> u64 {
        10
    }
    pub(super) fn card_validity_days() -> u32 {
        1095
    }
    pub(super) fn membership_validity_days() -> u32 {
        365
    }
    pub(super) fn membership_grace_days() -> u32 {
        60
    }
    pub(super) fn public_rate_limit_per_minute() -> u32 {
        120
    }
    pub(super) fn case_retention_days() -> u32 {
        730
    }
    pub(super) fn member_retention_days() -> u32 {
        730
    }
    pub(super) fn transfer_file_retention_days() -> u32 {
        180
    }
    pub(super) fn unapplied_handoff_retention_days() -> u32 {
        30
    }
    pub(super) fn audit_retention_days() -> u32 {
        1095
    }
    pub(super) fn stats_min_cell() -> u32 {
        5
    }
    pub(super) fn secure_cookies() -> bool {
        true
    }
    pub(super) fn max_attachment_bytes() -> usize {
        5 * 1024 * 1024
    }
    pub(super) fn trusted_proxies() -> Vec<IpAddr> {
        vec![
            IpAddr::from([127, 0, 0, 1]),
            IpAddr::from(Ipv6Addr::LOCALHOST),
        ]
    }
    pub(super) fn http_max_connections() -> usize {
        1000
    }
    pub(super) fn http_client_timeout_secs() -> u64 {
        30
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
            genesis_charter_sha256: None,
            join_timeout_secs: defaults::join_timeout_secs(),
            heads_interval_secs: defaults::heads_interval_secs(),
            redial_max_backoff_secs: defaults::redial_max_backoff_secs(),
            idle_timeout_secs: defaults::idle_timeout_secs(),
            max_connections: defaults::max_connections(),
            startup_sync_grace_secs: defaults::startup_sync_grace_secs(),
            card_validity_days: defaults::card_validity_days(),
            membership_validity_days: defaults::membership_validity_days(),
            membership_grace_days: defaults::membership_grace_days(),
            public_rate_limit_per_minute: defaults::public_rate_limit_per_minute(),
            trusted_proxies: defaults::trusted_proxies(),
            max_body_bytes: defaults::max_body_bytes(),
            http_max_connections: defaults::http_max_connections(),
            http_client_timeout_secs: defaults::http_client_timeout_secs(),
            case_retention_days: defaults::case_retention_days(),
            member_retention_days: defaults::member_retention_days(),
            transfer_file_retention_days: defaults::transfer_file_retention_days(),
            unapplied_handoff_retention_days: defaults::unapplied_handoff_retention_days(),
            audit_retention_days: defaults::audit_retention_days(),
            public_contact: None,
            privacy_contact: None,
            stats_min_cell: defaults::stats_min_cell(),
            max_attachment_bytes: defaults::max_attachment_bytes(),
            secure_cookies: defaults::secure_cookies(),
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
        if !crate::countries::is_country(self.country) {
            return bad(format!(
                "country {} is not a country of ISO 3166-1; set the affiliate's country code, e.g. MY",
                self.country
            ));
        }
        if let Some(contact) = &self.privacy_contact {
            crate::text::check_line("privacy_contact", contact, 300)
                .map_err(|e| NodeError::Config(e.to_string()))?;
        }
        self.genesis_hash()?;
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
        if !(4..=100_000).contains(&self.http_max_connections) {
            return bad("http_max_connections must be between 4 and 100000".into());
        }
        if !(1..=3600).contains(&self.http_client_timeout_secs) {
            return bad("http_client_timeout_secs must be between 1 and 3600".into());
        }
        if !(1024..=64 * 1024 * 1024).contains(&self.max_attachment_bytes) {
            return bad("max_attachment_bytes must be between 1024 and 67108864".into());
        }
        if self.stats_min_cell == 0 {
            return bad(
                "stats_min_cell must be at least 1 (5 is what statistical offices use)".into(),
            );
        }
        Ok(())
    }

    /// The confirmed hash of the genesis charter, if one is set.
    pub fn genesis_hash(&self) -> Result<Option<[u8; 32]>> {
        let Some(text) = &self.genesis_charter_sha256 else {
            return Ok(None);
        };
        hex::decode(text.trim())
            .ok()
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .map(Some)
            .ok_or_else(|| {
                NodeError::Config(format!(
                    "genesis_charter_sha256 {text:?} is not a SHA-256 (64 hex digits, as `unionfed charter show` prints the hash)"
                ))
            })
    }

    /// Writes the configuration, each field with a comment that says what it
    /// is and its default.
    pub fn write(&self, data_dir: &Path) -> Result<()> {
        let path = data_dir.join(CONFIG_FILE);
        let encode_error = |e: &dyn std::fmt::Display| {
            NodeError::Config(format!("cannot encode the configuration: {e}"))
        };
        let value = toml::Value::try_from(self).map_err(|e| encode_error(&e))?;
        let table = value
            .as_table()
            .ok_or_else(|| encode_error(&"not a table"))?;
        let mut text = String::from(CONFIG_HEADER);
        let mut arrays_of_tables = String::new();
        for (key, value) in table {
            let doc = FIELD_DOCS
                .iter()
                .find(|(k, _)| k == key)
                .map_or("", |(_, d)| *d);
            let mut one = toml::map::Map::new();
            one.insert(key.clone(), value.clone());
            let rendered = toml::to_string(&one).map_err(|e| encode_error(&e))?;
            let block = format!("\n# {doc}\n{rendered}");
            // Arrays of tables must come after every plain key.
            if rendered.starts_with("[[") {
                arrays_of_tables.push_str(&block);
            } else {
                text.push_str(&block);
            }
        }
        text.push_str(&arrays_of_tables);
        crate::private_fs::write(&path, text)
    }
}

/// One line about each field, written above it in `unionfed.toml`.
const FIELD_DOCS: &[(&str, &str)] = &[
    ("affiliate", "This node's affiliate code, as in the charter."),
    ("name", "The affiliate's name."),
    ("country", "ISO 3166-1 alpha-2 country the affiliate works in."),
    ("p2p_listen", "libp2p listen addresses. Default: TCP and QUIC on port 4100. [] for a node that can only dial out."),
    ("p2p_announce", "Addresses other affiliates should dial, if not the listen addresses. Default: none."),
    ("http_listen", "HTTP address of the API and pages. Default 127.0.0.1:8100; env UNIONFED_HTTP_LISTEN."),
    ("peers", "Extra addresses of peers: [[peers]] peer_id = \"12D3KooW...\" address = \"/ip4/.../tcp/4100\". Default: none."),
    ("admin_token_sha256", "SHA-256 of the admin API token printed by `unionfed init`; env UNIONFED_ADMIN_TOKEN_SHA256."),
    ("charter_file", "Charter read on first start (the genesis, or for a joining node the version that lists it), relative to this folder. Default charter.ufc."),
    ("genesis_charter_sha256", "SHA-256 of the federation's genesis charter, confirmed out of band; a joining node needs it (`unionfed charter join` sets it). Default: none."),
    ("join_timeout_secs", "Seconds a joining node waits on first start for a peer to send the charter versions. Default 120."),
    ("heads_interval_secs", "Seconds between heads exchanges with each peer (jittered). Default 30."),
    ("redial_max_backoff_secs", "Longest wait between redials of an unreachable peer. Default 60."),
    ("idle_timeout_secs", "Seconds an idle connection stays open. Default 3600."),
    ("max_connections", "Most connections in total. Default 128."),
    ("startup_sync_grace_secs", "Seconds to wait at start for a peer to confirm this node's log head before appending. Default 10."),
    ("card_validity_days", "Days a new card is valid; the membership's own validity is checked apart, so a renewal keeps the card good. Default 1095."),
    ("membership_validity_days", "Days a new membership runs before renewal. Default 365."),
    ("membership_grace_days", "Days after a membership's validity ends before it lapses when no dues renewed it. Default 60."),
    ("public_rate_limit_per_minute", "Requests per minute per address on the public endpoints. Default 120."),
    ("trusted_proxies", "Reverse proxies whose X-Forwarded-For names the client for rate limits. Default [\"127.0.0.1\", \"::1\"]; [] if clients connect directly."),
    ("max_body_bytes", "Largest HTTP request body in bytes. Default 65536."),
    ("http_max_connections", "Most HTTP connections open at once; more wait. Keep under the open-file limit. Default 1000."),
    ("http_client_timeout_secs", "Seconds a client may keep the node waiting: for request headers, between requests, and between pieces of a body. Default 30."),
    ("case_retention_days", "Days after a case closes before its personal fields are erased; statistics remain. Default 730."),
    ("member_retention_days", "Days after a member lapsed or was revoked before their personal fields are removed; the record and its status stay. Default 730."),
    ("transfer_file_retention_days", "Days after a transfer was declined or its representation ended before the file another affiliate sent is deleted. Default 180."),
    ("unapplied_handoff_retention_days", "Days a received handoff that could not be applied is kept as it came, for an operator to look at, before its sealed contents are dropped. Default 30."),
    ("audit_retention_days", "Days an audit record is kept; older records are removed and the rest of the chain verifies from the last one removed. Default 1095."),
    ("public_contact", "How a worker reaches the union, shown under its name at the top of every public page, e.g. \"+60 3 0000 0000, Jalan Example 1, Mon-Fri 9-17\". Default: none."),
    ("privacy_contact", "How a worker reaches the affiliate's data-protection contact, shown in the public pages' privacy notice, e.g. \"Data protection officer, dpo@example.org, +60 3 0000 0000\". Default: none."),
    ("stats_min_cell", "Smallest count a case statistic shows; smaller cells are suppressed. Default 5."),
    ("max_attachment_bytes", "Largest file attached to a case, in bytes. Default 5242880."),
    ("secure_cookies", "Send the staff login cookie over HTTPS only; turn off only for a node used on this machine alone. Default true."),
];

const CONFIG_HEADER: &str = "\
# unionfed node configuration (docs/operations.md explains every field).
# Secrets are not kept here: the keys are in keys/, the admin token only as
# its SHA-256. Environment overrides: UNIONFED_HTTP_LISTEN,
# UNIONFED_ADMIN_TOKEN_SHA256, UNIONFED_SIGNING_KEY, UNIONFED_ENCRYPTION_KEY.
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
        let text = include_str!("../../../deploy/unionfed.example.toml");
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
    fn every_field_is_documented_in_the_written_file() {
        let dir = tempfile::TempDir::new().unwrap();
        let mut c = config();
        c.peers = vec![PeerAddress {
            peer_id: "12D3KooWSi78hfmKrmTjqiLHze3Z3H324DEbHrHn25Mofk7dxCvv".into(),
            address: "/ip4/203.0.113.20/tcp/4100".into(),
        }];
        c.write(dir.path()).unwrap();
        let text = std::fs::read_to_string(dir.path().join(CONFIG_FILE)).unwrap();
        let value = toml::Value::try_from(&c).unwrap();
        for key in value.as_table().unwrap().keys() {
            let doc = FIELD_DOCS.iter().find(|(k, _)| k == key).map(|(_, d)| *d);
            assert!(
                doc.is_some_and(|d| text.contains(d)),
                "{key} has no comment"
            );
        }
        assert_eq!(Config::load(dir.path()).unwrap().peers.len(), 1);
    }

    #[test]
    fn a_missing_configuration_says_to_run_init() {
        let dir = tempfile::TempDir::new().unwrap();
        let err = Config::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("unionfed init"), "{err}");
    }
}
