//! A federation of real nodes in one process: real sled stores in temporary
//! folders, real libp2p swarms on loopback port 0, real HTTP servers.

// Each test target uses a different part of the TestNet.
#![allow(dead_code)]

use std::future::Future;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;
use unionfed_node::setup::{self, LocalAffiliate};
use unionfed_node::{Config, NodeHandle};
use unionfed_protocol::CharterDocument;

pub(crate) const CODES: [&str; 5] = ["KSPI", "MTUC", "NTUC-PHL", "KSBSI", "CLC"];
const COUNTRIES: [&str; 5] = ["ID", "MY", "PH", "ID", "KH"];

/// Waits until `check` returns `Some`, polling, or panics with `what` after
/// `secs` seconds.
pub(crate) async fn wait_for<T, F, Fut>(secs: u64, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let deadline = tokio::time::Instant::now() + Duration::from_secs(secs);
    loop {
        if let Some(v) = check().await {
            return v;
        }
        if tokio::time::Instant::now() > deadline {
            panic!("timed out after {secs}s waiting for: {what}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub(crate) struct TestNet {
    pub(crate) nodes: Vec<Option<NodeHandle>>,
    pub(crate) configs: Vec<Config>,
    pub(crate) tokens: Vec<String>,
    pub(crate) charter: CharterDocument,
    dirs: Vec<PathBuf>,
    _root: TempDir,
}

impl TestNet {
    /// `n` affiliates with a genesis charter (threshold 2) signed by all, all started and connected.
    pub(crate) async fn new(n: usize) -> TestNet {
        let mut net = TestNet::prepare(n);
        for i in 0..n {
            net.start(i).await;
        }
        net.connect_all().await;
        net
    }

    /// Creates the data folders and the charter without starting anything.
    pub(crate) fn prepare(n: usize) -> TestNet {
        let root = TempDir::new().unwrap();
        let affiliates: Vec<LocalAffiliate> = (0..n)
            .map(|i| LocalAffiliate {
                code: CODES[i].into(),
                name: format!("Union {}", CODES[i]),
                country: COUNTRIES[i].into(),
                p2p_listen: "/ip4/127.0.0.1/tcp/0".into(),
                http_listen: "127.0.0.1:0".parse().unwrap(),
            })
            .collect();
        let made =
            setup::create_federation(root.path(), "Test Federation", 2, &affiliates).unwrap();
        let mut configs = Vec::new();
        let mut tokens = Vec::new();
        let mut dirs = Vec::new();
        for (dir, init) in made {
            let mut config = init.config;
            config.heads_interval_secs = 2;
            config.startup_sync_grace_secs = 1;
            config.redial_max_backoff_secs = 1;
            configs.push(config);
            tokens.push(init.admin_token.to_string());
            dirs.push(dir);
        }
        let charter = setup::read_charter(&dirs[0].join("charter.ufc")).unwrap();
        TestNet {
            nodes: (0..n).map(|_| None).collect(),
            configs,
            tokens,
            charter,
            dirs,
            _root: root,
        }
    }

    pub(crate) fn dir(&self, i: usize) -> &Path {
        &self.dirs[i]
    }

    pub(crate) fn node(&self, i: usize) -> &NodeHandle {
        self.nodes[i].as_ref().expect("node is running")
    }

    pub(crate) fn url(&self, i: usize, path: &str) -> String {
        format!("http://{}{path}", self.node(i).http_addr())
    }

    pub(crate) async fn start(&mut self, i: usize) {
        let handle = unionfed_node::start(&self.dirs[i], self.configs[i].clone())
            .await
            .unwrap();
        self.nodes[i] = Some(handle);
    }

    pub(crate) async fn stop(&mut self, i: usize) {
        if let Some(h) = self.nodes[i].take() {
            h.shutdown().await.unwrap();
        }
    }

    /// Tells every running node where every other running node listens.
    pub(crate) async fn connect_all(&self) {
        let mut addresses = Vec::new();
        for node in self.nodes.iter().flatten() {
            let listen = wait_for(10, "listen address", || async {
                let a = node.state().network.listen_addresses().await.ok()?;
                (!a.is_empty()).then_some(a)
            })
            .await;
            addresses.push((node.peer_id(), listen));
        }
        for node in self.nodes.iter().flatten() {
            for (peer, listen) in &addresses {
                if *peer != node.peer_id() {
                    for a in listen {
                        node.state()
                            .network
                            .add_address(*peer, a.clone())
                            .await
                            .unwrap();
                    }
                }
            }
        }
    }

    /// Waits until every running node is connected to every other.
    pub(crate) async fn wait_connected(&self) {
        let running = self.nodes.iter().flatten().count();
        for node in self.nodes.iter().flatten() {
            wait_for(20, "full mesh", || async {
                let peers = node.state().network.connected_peers().await.ok()?;
                (peers.len() + 1 >= running).then_some(())
            })
            .await;
        }
    }

    /// Heads of node `i` as (author, seq) pairs.
    pub(crate) fn heads(&self, i: usize) -> Vec<(String, u64)> {
        let mut h: Vec<(String, u64)> = self
            .node(i)
            .state()
            .store
            .heads()
            .unwrap()
            .into_iter()
            .map(|h| (h.author.to_string(), h.seq.get()))
            .collect();
        h.sort();
        h
    }

    /// Waits until every running node holds the same heads.
    pub(crate) async fn wait_converged(&self, secs: u64) -> Vec<(String, u64)> {
        let running: Vec<usize> = (0..self.nodes.len())
            .filter(|i| self.nodes[*i].is_some())
            .collect();
        wait_for(secs, "all nodes hold the same heads", || async {
            let first = self.heads(running[0]);
            running
                .iter()
                .all(|i| self.heads(*i) == first)
                .then_some(first)
        })
        .await
    }

    pub(crate) async fn shutdown(mut self) {
        for i in 0..self.nodes.len() {
            self.stop(i).await;
        }
    }
}
