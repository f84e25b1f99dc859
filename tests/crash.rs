//! Crash test in the style of sled's own: a real `unionfed run` process
//! enrols members for concurrent clients and is killed with SIGKILL at random
//! moments. After every restart the store must open cleanly and every write
//! that was acknowledged (HTTP 201) must be there.
//!
//! `CRASH_CYCLES` sets the number of kills (default 200).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod datadir;

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::process::{Child, Command};
use unionfed_node::setup::{self, LocalAffiliate};
use unionfed_node::Config;

const WRITERS: usize = 4;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(exe: &str, dir: &std::path::Path) -> Child {
    Command::new(exe)
        .arg("run")
        .arg("--data-dir")
        .arg(dir)
        .env("RUST_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .unwrap()
}

async fn wait_healthy(http: &reqwest::Client, base: &str, child: &mut Child) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Ok(r) = http.get(format!("{base}/healthz")).send().await {
            if r.status().is_success() {
                return;
            }
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("the node exited on restart ({status}): the store did not open cleanly");
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the node did not come up"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_enrolments_survive_sigkill() {
    let cycles: usize = std::env::var("CRASH_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let exe = env!("CARGO_BIN_EXE_unionfed");
    let dir = tempfile::TempDir::new().unwrap();
    let port = free_port();
    let mut made = setup::create_federation(
        dir.path(),
        "Crash test",
        1,
        &[LocalAffiliate {
            code: "KSPI".into(),
            name: "Crash test".into(),
            country: "ID".into(),
            p2p_listen: "/ip4/127.0.0.1/tcp/0".into(),
            http_listen: format!("127.0.0.1:{port}").parse().unwrap(),
        }],
    )
    .unwrap();
    let (data, made) = made.remove(0);
    // Alone in its federation: no peer to wait for before appending.
    let mut config: Config = made.config;
    config.startup_sync_grace_secs = 0;
    config.write(&data).unwrap();

    let token = made.admin_token.to_string();
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let acknowledged: Arc<Mutex<Vec<String>>> = Arc::default();
    let mut checked = 0;

    for cycle in 0..cycles {
        let mut child = start(exe, &data);
        wait_healthy(&http, &base, &mut child).await;

        // Everything acknowledged before the last kill is still there.
        let acked = acknowledged.lock().unwrap().clone();
        for id in &acked[checked..] {
            let r = http
                .get(format!("{base}/api/v1/members/{id}"))
                .bearer_auth(&token)
                .send()
                .await
                .unwrap();
            assert_eq!(
                r.status(),
                200,
                "cycle {cycle}: acknowledged member {id} was lost"
            );
        }
        checked = acked.len();
        let federation: Value = http
            .get(format!("{base}/api/v1/federation"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let head = federation["heads"][0]["seq"].as_u64().unwrap_or(0);
        assert!(
            head >= acked.len() as u64,
            "cycle {cycle}: log head {head} is behind {} acknowledged",
            acked.len()
        );

        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                let (http, base, token, acknowledged) = (
                    http.clone(),
                    base.clone(),
                    token.clone(),
                    acknowledged.clone(),
                );
                tokio::spawn(async move {
                    for n in 0.. {
                        let response = http
                            .post(format!("{base}/api/v1/members"))
                            .bearer_auth(&token)
                            .json(&json!({ "holder_name": format!("Member {cycle}-{w}-{n}") }))
                            .send()
                            .await;
                        let Ok(response) = response else { return };
                        if response.status() != 201 {
                            return;
                        }
                        let Ok(body) = response.json::<Value>().await else {
                            return;
                        };
                        acknowledged
                            .lock()
                            .unwrap()
                            .push(body["id"].as_str().unwrap().to_owned());
                    }
                })
            })
            .collect();
        let delay = 20 + rand::random::<u64>() % 250;
        tokio::time::sleep(Duration::from_millis(delay)).await;
        kill(
            Pid::from_raw(i32::try_from(child.id().unwrap()).unwrap()),
            Signal::SIGKILL,
        )
        .unwrap();
        child.wait().await.unwrap();
        for w in writers {
            w.await.unwrap();
        }
    }
    let total = acknowledged.lock().unwrap().len();
    assert!(
        total > cycles,
        "only {total} writes were acknowledged in {cycles} cycles"
    );
    println!("{cycles} SIGKILL cycles, {total} acknowledged enrolments, none lost");
    // What the node wrote (the store's files among them) is its user's alone.
    datadir::assert_private(&data);
}
