//! Setting up an affiliate: a data folder with keys, configuration and a
//! public identity; and a genesis charter built from identities.

use crate::config::Config;
use crate::error::{io_at, NodeError, Result};
use crate::identity::{identity_path, Identity, NodeKeys};
use crate::node::now;
use rand::RngCore;
use sha2::{Digest, Sha256};
use std::net::SocketAddr;
use std::path::Path;
use unionfed_protocol::{AffiliateId, Charter, CharterDocument, CountryCode};
use zeroize::Zeroizing;

/// What `unionfed init` asks for.
#[derive(Debug, Clone)]
pub struct InitOptions {
    pub affiliate: AffiliateId,
    pub name: String,
    pub country: CountryCode,
    pub p2p_listen: Vec<String>,
    pub p2p_announce: Vec<String>,
    pub http_listen: SocketAddr,
}

/// What `unionfed init` made. The token is shown once and never stored.
#[derive(Debug)]
pub struct Initialised {
    pub config: Config,
    pub identity: Identity,
    pub admin_token: Zeroizing<String>,
}

/// A new random API token and its SHA-256 (hex).
pub fn new_token() -> (Zeroizing<String>, String) {
    let mut bytes = Zeroizing::new([0u8; 32]);
    rand::thread_rng().fill_bytes(bytes.as_mut());
    let token = Zeroizing::new(format!("uf_{}", hex::encode(bytes.as_ref())));
    let hash = hex::encode(Sha256::digest(token.as_bytes()));
    (token, hash)
}

/// Creates keys, the configuration and the identity file in `data_dir`.
/// Refuses a folder that already holds a node.
pub fn init(data_dir: &Path, options: InitOptions) -> Result<Initialised> {
    if data_dir.join(crate::config::CONFIG_FILE).exists() {
        return Err(NodeError::Config(format!(
            "{} already holds a node; choose another --data-dir",
            data_dir.display()
        )));
    }
    let (token, hash) = new_token();
    let mut config = Config::new(options.affiliate, options.name, options.country, hash);
    if !options.p2p_listen.is_empty() {
        config.p2p_listen = options.p2p_listen;
    }
    config.p2p_announce = options.p2p_announce;
    config.http_listen = options.http_listen;
    // Refused options leave no folder behind.
    config.validate()?;
    unionfed_core::private_fs::create_dir(data_dir)?;
    let keys = NodeKeys::generate();
    keys.write(data_dir)?;
    config.write(data_dir)?;
    let identity = Identity::new(&config, &keys, now())?;
    identity.write(&identity_path(data_dir))?;
    Ok(Initialised {
        config,
        identity,
        admin_token: token,
    })
}

/// A genesis charter (v1, unsigned) listing the affiliates of `identities`.
pub fn draft_genesis(
    federation: &str,
    threshold: u16,
    identities: &[Identity],
) -> Result<CharterDocument> {
    let issued_at = now();
    let affiliates = identities
        .iter()
        .map(|i| i.charter_affiliate(issued_at))
        .collect::<Result<Vec<_>>>()?;
    let charter = Charter {
        federation: federation.to_owned(),
        version: 1,
        previous: None,
        threshold,
        issued_at,
        affiliates,
    };
    Ok(CharterDocument::draft(&charter)?)
}

/// Writes a fresh identity file for the node in `data_dir`, with the same
/// keys and a new node record: for an identity too old to go into a charter,
/// or after the node's addresses changed.
pub fn refresh_identity(data_dir: &Path) -> Result<Identity> {
    let config = Config::load(data_dir)?;
    let keys = NodeKeys::load(data_dir)?;
    let identity = Identity::new(&config, &keys, now())?;
    identity.write(&identity_path(data_dir))?;
    Ok(identity)
}

pub fn read_charter(path: &Path) -> Result<CharterDocument> {
    let bytes = std::fs::read(path).map_err(io_at(path))?;
    CharterDocument::from_file(&bytes)
        .map_err(|e| NodeError::Invalid(format!("{} is not a charter file: {e}", path.display())))
}

pub fn write_charter(path: &Path, doc: &CharterDocument) -> Result<()> {
    unionfed_core::private_fs::write(path, doc.to_file()?)
}

/// One affiliate of a federation made on this machine (demo, tests, benchmarks).
#[derive(Debug, Clone)]
pub struct LocalAffiliate {
    pub code: String,
    pub name: String,
    pub country: String,
    pub p2p_listen: String,
    pub http_listen: SocketAddr,
}

/// Creates one data folder per affiliate under `root` (named after the code,
/// lower case), a genesis charter signed by all of them with `threshold`, and
/// a copy of it in each folder.
pub fn create_federation(
    root: &Path,
    federation: &str,
    threshold: u16,
    affiliates: &[LocalAffiliate],
) -> Result<Vec<(std::path::PathBuf, Initialised)>> {
    let mut made = Vec::new();
    for a in affiliates {
        let dir = root.join(a.code.to_lowercase());
        let init = init(
            &dir,
            InitOptions {
                affiliate: a.code.parse()?,
                name: a.name.clone(),
                country: a.country.parse()?,
                p2p_listen: vec![a.p2p_listen.clone()],
                p2p_announce: vec![],
                http_listen: a.http_listen,
            },
        )?;
        made.push((dir, init));
    }
    let identities: Vec<Identity> = made.iter().map(|(_, m)| m.identity.clone()).collect();
    let mut charter = draft_genesis(federation, threshold, &identities)?;
    for (dir, m) in &made {
        charter.sign(&m.config.affiliate, &NodeKeys::load(dir)?.signing);
    }
    for (dir, _) in &made {
        write_charter(&dir.join("charter.ufc"), &charter)?;
    }
    Ok(made)
}
