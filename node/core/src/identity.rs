//! The node's keys on disk and its public identity file.
//!
//! `keys/` holds three secrets, each hex in its own file with mode 0600: the
//! affiliate signing key, the affiliate encryption key and the node's libp2p
//! key. `identity.json` is public: what other affiliates need to put this
//! affiliate into a charter.

use crate::config::Config;
use crate::error::{io_at, NodeError, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use unionfed_protocol::charter::{AffiliateStatus, CharterAffiliate};
use unionfed_protocol::{
    AffiliateId, AffiliateSigningKey, CountryCode, EncryptionPublicKey, EncryptionSecretKey,
    KeyPeriod, NodeRecord, PublicKey, SignedNodeRecord, Timestamp,
};
use zeroize::Zeroizing;

pub const KEYS_DIR: &str = "keys";
pub const IDENTITY_FILE: &str = "identity.json";
/// Days an identity file can go into a charter after it was made: long
/// enough for founders to send theirs a week before the ceremony, short
/// enough that a forgotten file on a shared drive is not used a year on.
pub const IDENTITY_VALID_DAYS: u64 = 30;
/// Clocks of different machines may be this far apart (seconds).
const CLOCK_SKEW_SECS: u64 = 3600;
const SIGNING_FILE: &str = "affiliate-signing.key";
const ENCRYPTION_FILE: &str = "affiliate-encryption.key";
const P2P_FILE: &str = "node-p2p.key";

/// The secrets a node runs with.
pub struct NodeKeys {
    pub signing: AffiliateSigningKey,
    pub encryption: EncryptionSecretKey,
    pub p2p: libp2p::identity::Keypair,
}

impl std::fmt::Debug for NodeKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NodeKeys")
            .field("signing", &self.signing)
            .field("encryption", &self.encryption)
            .field("peer_id", &self.p2p.public().to_peer_id())
            .finish()
    }
}

impl NodeKeys {
    pub fn generate() -> NodeKeys {
        NodeKeys {
            signing: AffiliateSigningKey::generate(),
            encryption: EncryptionSecretKey::generate(),
            p2p: libp2p::identity::Keypair::generate_ed25519(),
        }
    }

    pub fn peer_id(&self) -> libp2p::PeerId {
        self.p2p.public().to_peer_id()
    }

    /// Writes the three key files; refuses to overwrite existing keys.
    pub fn write(&self, data_dir: &Path) -> Result<()> {
        let dir = data_dir.join(KEYS_DIR);
        crate::private_fs::create_dir(&dir)?;
        let p2p = self
            .p2p
            .to_protobuf_encoding()
            .map_err(|e| NodeError::Invalid(format!("cannot encode the libp2p key: {e}")))?;
        write_secret(&dir.join(SIGNING_FILE), &self.signing.seed()[..])?;
        write_secret(&dir.join(ENCRYPTION_FILE), &self.encryption.to_bytes()[..])?;
        write_secret(&dir.join(P2P_FILE), &Zeroizing::new(p2p))
    }

    /// Reads the keys from `data_dir/keys`; `UNIONFED_SIGNING_KEY` and
    /// `UNIONFED_ENCRYPTION_KEY` (hex) override the files, for deployments
    /// that keep secrets outside the data folder.
    pub fn load(data_dir: &Path) -> Result<NodeKeys> {
        let dir = data_dir.join(KEYS_DIR);
        let signing: [u8; 32] = fixed(
            read_secret(&dir.join(SIGNING_FILE), "UNIONFED_SIGNING_KEY")?,
            "signing key",
        )?;
        let encryption: [u8; 32] = fixed(
            read_secret(&dir.join(ENCRYPTION_FILE), "UNIONFED_ENCRYPTION_KEY")?,
            "encryption key",
        )?;
        let p2p_bytes = read_secret(&dir.join(P2P_FILE), "UNIONFED_P2P_KEY")?;
        let p2p = libp2p::identity::Keypair::from_protobuf_encoding(&p2p_bytes).map_err(|e| {
            NodeError::Config(format!(
                "{}: not a libp2p key: {e}",
                dir.join(P2P_FILE).display()
            ))
        })?;
        Ok(NodeKeys {
            signing: AffiliateSigningKey::from_seed(&signing),
            encryption: EncryptionSecretKey::from_bytes(encryption),
            p2p,
        })
    }
}

fn fixed(bytes: Zeroizing<Vec<u8>>, what: &str) -> Result<[u8; 32]> {
    bytes
        .as_slice()
        .try_into()
        .map_err(|_| NodeError::Config(format!("the {what} must be 32 bytes (64 hex digits)")))
}

fn write_secret(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    #[cfg(unix)]
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    options.mode(0o600);
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => NodeError::Config(format!(
            "{} already exists; refusing to overwrite a key (move the data folder away to start over)",
            path.display()
        )),
        _ => io_at(path)(e),
    })?;
    let text = Zeroizing::new(hex::encode(bytes));
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(io_at(path))
}

fn read_secret(path: &Path, env: &str) -> Result<Zeroizing<Vec<u8>>> {
    let text = match std::env::var(env) {
        Ok(value) => Zeroizing::new(value),
        Err(_) => Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            NodeError::Config(format!(
                "cannot read {}: {e}; run `unionfed init` or set {env}",
                path.display()
            ))
        })?),
    };
    hex::decode(text.trim())
        .map(Zeroizing::new)
        .map_err(|_| NodeError::Config(format!("{} (or {env}) is not hex", path.display())))
}

/// The public half of an affiliate: what goes into a charter.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    pub affiliate: AffiliateId,
    pub name: String,
    pub country: CountryCode,
    /// Ed25519 public key, hex.
    pub signing_key: String,
    /// X25519 public key, hex.
    pub encryption_key: String,
    /// The node record, signed by the affiliate key: postcard, hex.
    pub node_record: String,
}

impl Identity {
    /// The identity of the node configured by `config`, with a fresh node record.
    pub fn new(config: &Config, keys: &NodeKeys, now: Timestamp) -> Result<Identity> {
        let addresses = if config.p2p_announce.is_empty() {
            config.p2p_listen.clone()
        } else {
            config.p2p_announce.clone()
        };
        let record = NodeRecord {
            affiliate: config.affiliate.clone(),
            serial: now.secs(),
            peer_id: keys.peer_id().to_bytes(),
            addresses,
            encryption_key: keys.encryption.public(),
            issued_at: now,
            valid_from: now,
            valid_until: None,
        };
        let signed = SignedNodeRecord::sign(&record, &keys.signing)?;
        Ok(Identity {
            affiliate: config.affiliate.clone(),
            name: config.name.clone(),
            country: config.country,
            signing_key: keys.signing.public().to_string(),
            encryption_key: keys.encryption.public().to_string(),
            node_record: hex::encode(
                postcard::to_stdvec(&signed).map_err(|e| NodeError::Invalid(e.to_string()))?,
            ),
        })
    }

    pub fn read(path: &Path) -> Result<Identity> {
        let text = std::fs::read_to_string(path).map_err(io_at(path))?;
        serde_json::from_str(&text).map_err(|e| {
            NodeError::Invalid(format!("{} is not an identity file: {e}", path.display()))
        })
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let text =
            serde_json::to_string_pretty(self).map_err(|e| NodeError::Invalid(e.to_string()))?;
        crate::private_fs::write(path, text + "\n")
    }

    /// The charter entry for this affiliate, active. Its signing key counts
    /// from when the identity was made (less the clock skew between
    /// machines), so that its node record, signed then, verifies. Refuses an
    /// identity made more than [`IDENTITY_VALID_DAYS`] before `now`, or
    /// after it.
    pub fn charter_affiliate(&self, now: Timestamp) -> Result<CharterAffiliate> {
        let bad =
            |what: &str| NodeError::Invalid(format!("identity of {}: {what}", self.affiliate));
        let key: [u8; 32] = hex::decode(&self.signing_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| bad("signing_key is not 32 bytes of hex"))?;
        let enc: [u8; 32] = hex::decode(&self.encryption_key)
            .ok()
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| bad("encryption_key is not 32 bytes of hex"))?;
        let record: SignedNodeRecord = hex::decode(&self.node_record)
            .ok()
            .and_then(|b| postcard::from_bytes(&b).ok())
            .ok_or_else(|| bad("node_record is not a signed node record"))?;
        let signing_key = PublicKey::from_bytes(&key)?;
        let made = record.verify_with(&signing_key)?.issued_at;
        let refresh = format!(
            "ask {} for a fresh one: `unionfed identity --data-dir <their data folder>` writes it",
            self.affiliate
        );
        if made.secs() > now.secs().saturating_add(CLOCK_SKEW_SECS) {
            return Err(bad(&format!(
                "it was made on {}, later than this machine's clock ({}); check the clocks, or {refresh}",
                crate::text::day_string(made),
                crate::text::day_string(now)
            )));
        }
        if now.secs().saturating_sub(made.secs()) > IDENTITY_VALID_DAYS * 86_400 {
            return Err(bad(&format!(
                "it was made on {}, more than {IDENTITY_VALID_DAYS} days ago; {refresh}",
                crate::text::day_string(made)
            )));
        }
        Ok(CharterAffiliate {
            id: self.affiliate.clone(),
            name: self.name.clone(),
            country: self.country,
            status: AffiliateStatus::Active,
            signing_keys: vec![KeyPeriod {
                key: signing_key,
                valid_from: Timestamp(made.secs().saturating_sub(CLOCK_SKEW_SECS)),
                valid_until: None,
            }],
            encryption_key: EncryptionPublicKey(enc),
            nodes: vec![record],
        })
    }
}

/// Where the identity file of a data folder is.
pub fn identity_path(data_dir: &Path) -> PathBuf {
    data_dir.join(IDENTITY_FILE)
}
