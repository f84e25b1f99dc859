//! A federation of real nodes in one process: real sled stores in temporary
//! folders, real libp2p swarms on loopback port 0, real HTTP servers.

// Each test target uses a different part of the TestNet.
#![allow(dead_code)]

use std::future::Future;
use std::time::Duration;
use unionfed_node::cluster::LocalCluster;
use unionfed_node::NodeHandle;

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

/// A [`LocalCluster`] whose methods panic instead of returning errors, with
/// helpers for the scenarios.
pub(crate) struct TestNet(LocalCluster);

impl std::ops::Deref for TestNet {
    type Target = LocalCluster;
    fn deref(&self) -> &LocalCluster {
        &self.0
    }
}

impl std::ops::DerefMut for TestNet {
    fn deref_mut(&mut self) -> &mut LocalCluster {
        &mut self.0
    }
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
        TestNet::prepare_tuned(n, |_| {})
    }

    /// Like [`TestNet::prepare`], with `tune` applied to every node's config.
    pub(crate) fn prepare_tuned(
        n: usize,
        tune: impl Fn(&mut unionfed_node::config::Config),
    ) -> TestNet {
        TestNet(
            LocalCluster::prepare(n, 2, |c| {
                c.heads_interval_secs = 2;
                tune(c);
            })
            .unwrap(),
        )
    }

    pub(crate) fn node(&self, i: usize) -> &NodeHandle {
        self.0.nodes[i].as_ref().expect("node is running")
    }

    pub(crate) fn url(&self, i: usize, path: &str) -> String {
        format!("http://{}{path}", self.node(i).http_addr())
    }

    pub(crate) async fn start(&mut self, i: usize) {
        self.0.start(i).await.unwrap();
    }

    pub(crate) async fn stop(&mut self, i: usize) {
        self.0.stop(i).await.unwrap();
    }

    pub(crate) async fn connect_all(&self) {
        self.0.connect_all().await.unwrap();
    }

    pub(crate) async fn wait_connected(&self) {
        self.0.wait_connected(60).await.unwrap();
    }

    /// Heads of node `i` as (author, seq) pairs.
    pub(crate) fn heads(&self, i: usize) -> Vec<(String, u64)> {
        let mut h: Vec<(String, u64)> = self
            .node(i)
            .state()
            .author_heads()
            .unwrap()
            .into_iter()
            .map(|h| (h.author.to_string(), h.seq.get()))
            .collect();
        h.sort();
        h
    }

    /// Waits until every running node holds the same heads.
    pub(crate) async fn wait_converged(&self, secs: u64) -> Vec<(String, u64)> {
        let running: Vec<usize> = (0..self.0.nodes.len())
            .filter(|i| self.0.nodes[*i].is_some())
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

    /// Calls node `i`'s API with its admin token; the body as JSON (or as a
    /// string when it is not JSON).
    pub(crate) async fn call(
        &self,
        i: usize,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (reqwest::StatusCode, serde_json::Value) {
        let token = self.0.tokens[i].clone();
        self.call_as(i, &token, method, path, body).await
    }

    /// A staff account at node `i` (made through the node's accounts, as an
    /// admin would) and a personal API token of it: the trail and the case
    /// timelines name this person for what the token does.
    pub(crate) async fn staff_token(
        &self,
        i: usize,
        username: &str,
        display_name: &str,
        role: unionfed_node::accounts::Role,
    ) -> String {
        use unionfed_node::access::Principal;
        let state = self.node(i).state();
        let user = state
            .accounts()
            .create_user(
                &Principal::AdminToken,
                unionfed_node::accounts::NewUser {
                    username: username.into(),
                    display_name: display_name.into(),
                    role,
                    password: "a long enough password".into(),
                },
            )
            .await
            .unwrap();
        let me = user.principal(None);
        state
            .accounts()
            .create_api_token(&me, "tests")
            .await
            .unwrap()
            .0
    }

    /// Calls node `i`'s API with `token`.
    pub(crate) async fn call_as(
        &self,
        i: usize,
        token: &str,
        method: reqwest::Method,
        path: &str,
        body: Option<serde_json::Value>,
    ) -> (reqwest::StatusCode, serde_json::Value) {
        let mut request = reqwest::Client::new()
            .request(method, self.url(i, path))
            .bearer_auth(token);
        if let Some(b) = body {
            request = request.json(&b);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        (status, value)
    }

    /// POSTs `body` to `path` at node `i`, expects 201 Created and returns
    /// the new object's `id`.
    pub(crate) async fn create(&self, i: usize, path: &str, body: serde_json::Value) -> String {
        let (status, created) = self.call(i, reqwest::Method::POST, path, Some(body)).await;
        assert_eq!(status, 201, "POST {path}: {created}");
        created["id"].as_str().unwrap().to_owned()
    }

    /// The `UF1:` card node `i` issues for `member`.
    pub(crate) async fn card(&self, i: usize, member: &str) -> String {
        let path = format!("/api/v1/members/{member}/card");
        let (status, card) = self.call(i, reqwest::Method::GET, &path, None).await;
        assert_eq!(status, 200, "GET {path}: {card}");
        card["card"].as_str().unwrap().to_owned()
    }

    /// Node `i`'s verdict on a card (`POST /api/v1/cards/verify`).
    pub(crate) async fn verdict(&self, i: usize, card: &str) -> serde_json::Value {
        let body = serde_json::json!({ "card": card });
        let (status, verdict) = self
            .call(i, reqwest::Method::POST, "/api/v1/cards/verify", Some(body))
            .await;
        assert_eq!(status, 200, "{verdict}");
        verdict
    }

    /// A counter or gauge from node `i`'s `/metrics`.
    pub(crate) async fn metric(&self, i: usize, name: &str) -> u64 {
        let text = reqwest::Client::new()
            .get(self.url(i, "/metrics"))
            .bearer_auth(&self.0.tokens[i])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{name} ")))
            .map_or(0, |v| v.trim().parse::<f64>().unwrap() as u64)
    }

    pub(crate) async fn shutdown(self) {
        self.0.shutdown().await.unwrap();
    }
}
