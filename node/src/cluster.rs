//! A federation of real nodes in one process, for tests and benchmarks: real
//! sled stores in temporary folders, libp2p on loopback port 0, HTTP servers
//! on port 0, and a genesis charter signed by every affiliate.

use crate::error::{NodeError, Result};
use crate::setup::{self, LocalAffiliate};
use crate::Config;
use crate::NodeHandle;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;
use unionfed_protocol::CharterDocument;

/// Affiliate codes of a local cluster, in order.
pub const CODES: [&str; 10] = [
    "KSPI", "MTUC", "NTUC-PHL", "KSBSI", "CLC", "SBSI", "TUCP", "CTUM", "LFTU", "SERC",
];
const COUNTRIES: [&str; 10] = ["ID", "MY", "PH", "ID", "KH", "ID", "PH", "MM", "LA", "SG"];

/// Nodes that can be started, stopped and connected one by one.
#[derive(Debug)]
pub struct LocalCluster {
    pub nodes: Vec<Option<NodeHandle>>,
    pub configs: Vec<Config>,
    pub tokens: Vec<String>,
    pub charter: CharterDocument,
    dirs: Vec<PathBuf>,
    _root: TempDir,
}

impl LocalCluster {
    /// Creates `n` data folders (at most 10) and a genesis charter with
    /// `threshold`, without starting anything. `tune` adjusts each configuration.
    pub fn prepare(n: usize, threshold: u16, tune: impl Fn(&mut Config)) -> Result<LocalCluster> {
        if n == 0 || n > CODES.len() {
            return Err(NodeError::Invalid(format!(
                "a local cluster has 1 to {} nodes",
                CODES.len()
            )));
        }
        let root = TempDir::new().map_err(crate::error::io_at(&std::env::temp_dir()))?;
        let affiliates: Vec<LocalAffiliate> = (0..n)
            .map(|i| LocalAffiliate {
                code: CODES[i].into(),
                name: format!("Union {}", CODES[i]),
                country: COUNTRIES[i].into(),
                p2p_listen: "/ip4/127.0.0.1/tcp/0".into(),
                http_listen: std::net::SocketAddr::from(([127, 0, 0, 1], 0)),
            })
            .collect();
        let made =
            setup::create_federation(root.path(), "Local federation", threshold, &affiliates)?;
        let mut configs = Vec::new();
        let mut tokens = Vec::new();
        let mut dirs = Vec::new();
        for (dir, init) in made {
            let mut config = init.config;
            config.startup_sync_grace_secs = 1;
            config.redial_max_backoff_secs = 1;
            tune(&mut config);
            configs.push(config);
            tokens.push(init.admin_token.to_string());
            dirs.push(dir);
        }
        let charter = setup::read_charter(&dirs[0].join("charter.ufc"))?;
        Ok(LocalCluster {
            nodes: (0..n).map(|_| None).collect(),
            configs,
            tokens,
            charter,
            dirs,
            _root: root,
        })
    }

    pub fn dir(&self, i: usize) -> &Path {
        &self.dirs[i]
    }

    pub async fn start(&mut self, i: usize) -> Result<()> {
        self.nodes[i] = Some(crate::start(&self.dirs[i], self.configs[i].clone()).await?);
        Ok(())
    }

    pub async fn stop(&mut self, i: usize) -> Result<()> {
        match self.nodes[i].take() {
            Some(h) => h.shutdown().await,
            None => Ok(()),
        }
    }

    pub fn running(&self) -> impl Iterator<Item = &NodeHandle> {
        self.nodes.iter().flatten()
    }

    /// Tells every running node where every other running node listens.
    pub async fn connect_all(&self) -> Result<()> {
        let mut addresses = Vec::new();
        for node in self.running() {
            let mut listen = Vec::new();
            for _ in 0..500 {
                listen = node.state().network.listen_addresses().await?;
                if !listen.is_empty() {
                    break;
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            addresses.push((node.peer_id(), listen));
        }
        for node in self.running() {
            for (peer, listen) in &addresses {
                if *peer != node.peer_id() {
                    for a in listen {
                        node.state().network.add_address(*peer, a.clone()).await?;
                    }
                }
            }
        }
        Ok(())
    }

    /// Waits up to `secs` until every running node is connected to every
    /// other and knows them all as subscribers of the gossip topic.
    pub async fn wait_connected(&self, secs: u64) -> Result<()> {
        let want = self.running().count().saturating_sub(1);
        let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
        for node in self.running() {
            while node.state().network.connected_peers().await?.len() < want
                || node.state().network.gossip_peers().await?.len() < want
            {
                if tokio::time::Instant::now() > deadline {
                    return Err(NodeError::Network(format!(
                        "{} did not connect to all {want} peers within {secs}s",
                        node.affiliate()
                    )));
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
        Ok(())
    }

    /// Stops every node.
    pub async fn shutdown(mut self) -> Result<()> {
        for i in 0..self.nodes.len() {
            self.stop(i).await?;
        }
        Ok(())
    }
}
