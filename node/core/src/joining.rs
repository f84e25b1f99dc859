//! The charter a node starts from. A founder's node starts from the genesis
//! (v1) every founder signed. A node that joins a running federation is
//! given the version that lists it and the hash of the genesis, which its
//! operator confirmed out of band; it fetches every version from the peers
//! that version lists and accepts the chain only if each step verifies from
//! that genesis. Nothing is written to the store until the charter is known
//! good and lists this node, so a failed first start changes nothing for
//! the next one.

use crate::config::Config;
use crate::error::{NodeError, Result};
use crate::network::{Client, Event};
use crate::node::HeldCharter;
use crate::storage::Store;
use libp2p::gossipsub::MessageAcceptance;
use libp2p::PeerId;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;
use tokio::sync::mpsc;
use unionfed_protocol::wire::{SyncRequest, SyncResponse};
use unionfed_protocol::{Charter, CharterDocument};

/// Most versions a joining node takes from one peer.
const MAX_CHAIN: usize = 10_000;

/// Where the node's charter comes from on this start.
#[derive(Debug)]
pub(crate) enum FirstCharter {
    /// The store holds the chain already (every start after the first).
    Held(HeldCharter),
    /// A founder's first start: the genesis from the charter file, to be
    /// stored once the node is known to be listed in it.
    Genesis(CharterDocument, Charter),
    /// A joining node's first start: the version it was given, not yet
    /// verified, naming the peers to fetch the chain from.
    Join {
        offered: CharterDocument,
        charter: Charter,
        genesis: [u8; 32],
    },
}

impl FirstCharter {
    /// The charter whose listing and peers count until the chain is known.
    pub(crate) fn charter(&self) -> &Charter {
        match self {
            FirstCharter::Held(h) => &h.charter,
            FirstCharter::Genesis(_, c) | FirstCharter::Join { charter: c, .. } => c,
        }
    }
}

fn hex_hash(h: &[u8; 32]) -> String {
    hex::encode(h)
}

/// Reads the charter this start begins from: the store's, else the charter
/// file's. On a later start, a charter file holding the direct successor of
/// the version stored is adopted (the operator copied a newly signed version
/// into the folder).
pub(crate) fn first_charter(
    store: &Store,
    data_dir: &Path,
    config: &Config,
) -> Result<FirstCharter> {
    let genesis = config.genesis_hash()?;
    let path = data_dir.join(&config.charter_file);
    if let Some(doc) = store.charter()? {
        if let (Some(want), Some(v1)) = (genesis, store.charters_after(0, 1)?.first()) {
            if v1.hash() != want {
                return Err(NodeError::Config(format!(
                    "the store's genesis charter has hash {}, but genesis_charter_sha256 in {} is {}; this data folder belongs to another federation, or the setting is mistyped",
                    hex_hash(&v1.hash()),
                    crate::config::CONFIG_FILE,
                    hex_hash(&want)
                )));
            }
        }
        let mut held = HeldCharter::new(doc.clone(), doc.charter()?);
        if let Ok(bytes) = std::fs::read(&path) {
            if let Ok(file) = CharterDocument::from_file(&bytes) {
                held = adopt_file_successor(store, held, file, &path)?;
            }
        }
        return Ok(FirstCharter::Held(held));
    }
    let bytes = std::fs::read(&path).map_err(|e| {
        NodeError::Config(format!(
            "no charter yet: cannot read {}: {e}. A founding affiliate builds one with `unionfed charter draft` and `unionfed charter sign`; an affiliate joining a running federation runs `unionfed charter join` with the version that lists it",
            path.display()
        ))
    })?;
    let doc = CharterDocument::from_file(&bytes)
        .map_err(|e| NodeError::Config(format!("{} is not a charter file: {e}", path.display())))?;
    let charter = doc
        .charter()
        .map_err(|e| NodeError::Config(format!("{}: {e}", path.display())))?;
    if charter.version == 1 {
        let charter = doc.verify_genesis().map_err(|e| {
            NodeError::Config(format!(
                "{}: {e}; every founder signs v1 with `unionfed charter sign` before any node starts",
                path.display()
            ))
        })?;
        if let Some(want) = genesis {
            if doc.hash() != want {
                return Err(NodeError::Config(format!(
                    "{} has hash {}, not the confirmed genesis {} (genesis_charter_sha256); ask the federation for the right file",
                    path.display(),
                    hex_hash(&doc.hash()),
                    hex_hash(&want)
                )));
            }
        }
        return Ok(FirstCharter::Genesis(doc, charter));
    }
    let Some(genesis) = genesis else {
        return Err(NodeError::Config(format!(
            "{} is v{} of the charter. To join a running federation this node also needs the hash of its genesis charter, confirmed with the federation out of band: run `unionfed charter join --data-dir {} --charter {} --genesis <hash>`",
            path.display(),
            charter.version,
            data_dir.display(),
            path.display()
        )));
    };
    Ok(FirstCharter::Join {
        offered: doc,
        charter,
        genesis,
    })
}

/// Stores `file` if it is the direct successor of the version held.
fn adopt_file_successor(
    store: &Store,
    held: HeldCharter,
    file: CharterDocument,
    path: &Path,
) -> Result<HeldCharter> {
    let Ok(version) = file.charter().map(|c| c.version) else {
        return Ok(held);
    };
    if version <= held.charter.version {
        return Ok(held);
    }
    match file.verify_successor(&held.charter, &held.hash) {
        Ok(next) => {
            store.put_charter(next.version, &file)?;
            store.flush_blocking()?;
            tracing::info!(version = next.version, file = %path.display(), "adopted the charter in the data folder");
            Ok(HeldCharter::new(file, next))
        }
        Err(e) => {
            tracing::warn!(
                file = %path.display(),
                held = held.charter.version,
                %e,
                "the charter file is newer than the version held but does not follow it; the node fetches the versions between from its peers"
            );
            Ok(held)
        }
    }
}

/// Checks that `docs` (v1, v2, ... in order) is a chain from the confirmed
/// `genesis`, each version signed by the threshold of the one before, and
/// that it holds `offered` at its version. Returns each version decoded.
pub fn verify_chain(
    docs: &[CharterDocument],
    genesis: &[u8; 32],
    offered: &CharterDocument,
) -> Result<Vec<Charter>> {
    let bad = |m: String| Err(NodeError::Invalid(m));
    let Some(first) = docs.first() else {
        return bad("it sent no charter versions".into());
    };
    if &first.hash() != genesis {
        return bad(format!(
            "its genesis charter has hash {}, not the confirmed {}: it belongs to another federation, or the hash was mistyped",
            hex_hash(&first.hash()),
            hex_hash(genesis)
        ));
    }
    let mut chain = vec![first
        .verify_genesis()
        .map_err(|e| NodeError::Invalid(format!("its v1 does not verify: {e}")))?];
    for doc in &docs[1..] {
        let held = &chain[chain.len() - 1];
        let prev_hash = docs[chain.len() - 1].hash();
        let next = doc.verify_successor(held, &prev_hash).map_err(|e| {
            NodeError::Invalid(format!("its v{} does not follow: {e}", held.version + 1))
        })?;
        chain.push(next);
    }
    let wanted = offered.charter()?.version;
    match docs.get(wanted as usize - 1) {
        Some(d) if d.hash() == offered.hash() => Ok(chain),
        Some(d) => bad(format!(
            "its v{wanted} has hash {}, but the charter file's v{wanted} has hash {}: the file is not the version the federation adopted",
            hex_hash(&d.hash()),
            hex_hash(&offered.hash())
        )),
        None => bad(format!(
            "it holds v{} only and has not adopted v{wanted} yet",
            chain.len()
        )),
    }
}

/// Fetches the chain of charter versions from the first peer that sends a
/// good one, waiting for peers to connect, and gives up when each of the
/// `peers_listed` peers sent a bad one or `timeout` passed. Meanwhile this
/// node answers no one: it holds no charter to answer with.
pub(crate) async fn fetch_chain(
    client: &Client,
    events: &mut mpsc::Receiver<Event>,
    offered: &CharterDocument,
    genesis: &[u8; 32],
    peers_listed: usize,
    timeout: Duration,
) -> Result<Vec<(CharterDocument, Charter)>> {
    let deadline = tokio::time::Instant::now() + timeout;
    let mut failed: BTreeMap<PeerId, String> = BTreeMap::new();
    let mut retry = tokio::time::interval(Duration::from_secs(2));
    let refused = |failed: &BTreeMap<PeerId, String>, when: String| {
        let why = if failed.is_empty() {
            "no peer listed in the charter connected".to_owned()
        } else {
            failed
                .iter()
                .map(|(p, e)| format!("{p}: {e}"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        NodeError::Config(format!(
            "could not get the federation's charter versions {when} ({why}). Check the genesis hash with the federation, that the addresses in the charter are reachable from here, and that the other affiliates have adopted the version that lists this node; then start again"
        ))
    };
    loop {
        if peers_listed > 0 && failed.len() >= peers_listed {
            return Err(refused(&failed, "from any peer".into()));
        }
        let peer = tokio::select! {
            () = tokio::time::sleep_until(deadline) => {
                return Err(refused(&failed, format!("within {}s", timeout.as_secs())));
            }
            _ = retry.tick() => None,
            event = events.recv() => match event {
                None => return Err(NodeError::NetworkStopped),
                Some(Event::Connected(peer)) => Some(peer),
                Some(Event::SyncRequest { channel, .. }) => {
                    let refused = SyncResponse::Refused {
                        message: "this node is joining and holds no charter yet".into(),
                    };
                    let _ = client.respond_sync(channel, refused).await;
                    None
                }
                Some(Event::Gossip { source, id, .. }) => {
                    let _ = client
                        .report_validation(id, source, MessageAcceptance::Ignore)
                        .await;
                    None
                }
                Some(_) => None,
            },
        };
        let peers = match peer {
            Some(p) => vec![p],
            None => client
                .connected_peers()
                .await?
                .into_iter()
                .filter(|p| !failed.contains_key(p))
                .collect(),
        };
        for peer in peers {
            match chain_from(client, peer, offered, genesis).await {
                Ok(chain) => {
                    tracing::info!(%peer, versions = chain.len(), "fetched and verified the charter chain");
                    return Ok(chain);
                }
                Err(e) => {
                    tracing::warn!(%peer, %e, "charter chain refused");
                    failed.insert(peer, e.to_string());
                }
            }
        }
    }
}

async fn chain_from(
    client: &Client,
    peer: PeerId,
    offered: &CharterDocument,
    genesis: &[u8; 32],
) -> Result<Vec<(CharterDocument, Charter)>> {
    let mut docs: Vec<CharterDocument> = Vec::new();
    loop {
        let after = u32::try_from(docs.len()).unwrap_or(u32::MAX);
        match client
            .sync(peer, SyncRequest::GetCharters { after })
            .await?
        {
            SyncResponse::Charters(page) if page.is_empty() => break,
            SyncResponse::Charters(page) => docs.extend(page),
            SyncResponse::Refused { message } => {
                return Err(NodeError::Invalid(format!("it refused: {message}")))
            }
            _ => return Err(NodeError::Invalid("it answered with something else".into())),
        }
        if docs.len() > MAX_CHAIN {
            return Err(NodeError::Invalid(format!(
                "it sent more than {MAX_CHAIN} versions"
            )));
        }
    }
    let chain = verify_chain(&docs, genesis, offered)?;
    Ok(docs.into_iter().zip(chain).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use unionfed_protocol::charter::{AffiliateStatus, CharterAffiliate};
    use unionfed_protocol::{AffiliateSigningKey, EncryptionSecretKey, KeyPeriod, Timestamp};

    fn affiliate(code: &str, key: &AffiliateSigningKey) -> CharterAffiliate {
        CharterAffiliate {
            id: code.parse().unwrap(),
            name: code.into(),
            country: "MY".parse().unwrap(),
            status: AffiliateStatus::Active,
            signing_keys: vec![KeyPeriod {
                key: key.public(),
                valid_from: Timestamp(0),
                valid_until: None,
            }],
            encryption_key: EncryptionSecretKey::generate().public(),
            nodes: vec![],
        }
    }

    /// v1 by A and B (threshold 2), v2 adds C signed by A and B, v3 signed
    /// by `v3_signers`.
    fn chain(keys: &[AffiliateSigningKey; 3], v3_signers: &[usize]) -> Vec<CharterDocument> {
        let codes = ["AA", "BB", "CC"];
        let mut c = Charter {
            federation: "F".into(),
            version: 1,
            previous: None,
            threshold: 2,
            issued_at: Timestamp(100),
            affiliates: vec![affiliate("AA", &keys[0]), affiliate("BB", &keys[1])],
        };
        let mut docs: Vec<CharterDocument> = Vec::new();
        for (version, signers) in [(1, &[0, 1][..]), (2, &[0, 1][..]), (3, v3_signers)] {
            if version > 1 {
                c.version = version;
                c.previous = Some(docs[docs.len() - 1].hash());
                c.issued_at = Timestamp(100 + u64::from(version));
            }
            if version == 2 {
                c.affiliates.push(affiliate("CC", &keys[2]));
            }
            let mut doc = CharterDocument::draft(&c).unwrap();
            for &i in signers {
                doc.sign(&codes[i].parse().unwrap(), &keys[i]);
            }
            docs.push(doc);
        }
        docs
    }

    #[test]
    fn a_chain_verifies_from_the_confirmed_genesis_only() {
        let keys = [
            AffiliateSigningKey::generate(),
            AffiliateSigningKey::generate(),
            AffiliateSigningKey::generate(),
        ];
        let docs = chain(&keys, &[1, 2]);
        let genesis = docs[0].hash();
        let ok = verify_chain(&docs, &genesis, &docs[1]).unwrap();
        assert_eq!(ok.len(), 3);
        assert_eq!(ok[2].affiliates.len(), 3);

        let err = verify_chain(&docs, &[7; 32], &docs[1])
            .unwrap_err()
            .to_string();
        assert!(err.contains("not the confirmed"), "{err}");

        // A version one signature short breaks the chain where it is.
        let short = chain(&keys, &[2]);
        let err = verify_chain(&short, &short[0].hash(), &short[1])
            .unwrap_err()
            .to_string();
        assert!(err.contains("its v3 does not follow"), "{err}");

        // The file given to the operator must be the version adopted.
        let other = chain(&keys, &[0, 1]);
        let err = verify_chain(&docs, &genesis, &other[2])
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("not the version the federation adopted"),
            "{err}"
        );

        // A peer that has not adopted the offered version yet.
        let err = verify_chain(&docs[..1], &genesis, &docs[1])
            .unwrap_err()
            .to_string();
        assert!(err.contains("holds v1 only"), "{err}");
    }
}
