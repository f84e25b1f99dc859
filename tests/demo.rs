//! The README's first command: `unionfed demo` starts three nodes, a card
//! issued at one verifies at another over HTTP and shows the transfer the
//! demo made, and Ctrl-C stops everything.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use serde_json::{json, Value};
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_starts_verifies_a_card_across_affiliates_and_stops_cleanly() {
    let dir = tempfile::TempDir::new().unwrap();
    // Ports away from the demo's default so a running demo does not clash,
    // and below Linux's ephemeral range (32768-60999), where an outgoing
    // connection may hold any port.
    let base = 10_000 + (std::process::id() % 220) as u16 * 100;
    let mut child = Command::new(env!("CARGO_BIN_EXE_unionfed"))
        .args(["demo", "--dir"])
        .arg(dir.path().join("demo"))
        .args(["--base-port", &base.to_string()])
        .stdout(std::process::Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut printed = Vec::new();
    let ready = tokio::time::timeout(Duration::from_secs(180), async {
        while let Some(line) = lines.next_line().await.unwrap() {
            let done = line.contains("DEMO READY");
            printed.push(line);
            if done {
                return;
            }
        }
        panic!("the demo ended before it was ready: {printed:#?}");
    })
    .await;
    assert!(ready.is_ok(), "the demo was not ready in time");

    // The printed curl line names MTUC's URL and KSPI's card.
    let curl = printed.iter().find(|l| l.contains("cards/verify")).unwrap();
    let url = curl
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap();
    let card = curl
        .split("\"card\":\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    assert!(url.contains(&(base + 2).to_string()), "{url} is not MTUC's");
    let verdict: Value = reqwest::Client::new()
        .post(url)
        .json(&json!({ "card": card }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(verdict["issuer"], "KSPI");
    // The demo moved this member's representation to MTUC.
    assert_eq!(verdict["representing"], json!(["MTUC"]), "{verdict}");
    assert!(printed.iter().any(|l| l.contains("admin token: uf_")));
    // The printed login works.
    let login = printed.iter().find(|l| l.contains("staff login:")).unwrap();
    let words: Vec<&str> = login.split_whitespace().collect();
    let login_url = words[words.iter().position(|w| *w == "login:").unwrap() + 1];
    let password = words[words.iter().position(|w| *w == "password:").unwrap() + 1];
    let answer = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .post(login_url)
        .form(&[("username", "admin"), ("password", password)])
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 303, "the printed login was refused");
    let cookie = answer.headers()["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("uf_session=") && !cookie.contains("Secure"),
        "{cookie}"
    );
    // The printed receipt code opens the anonymous sample case.
    let status_line = printed
        .iter()
        .find(|l| l.contains("public/cases/status"))
        .unwrap();
    let status_url = status_line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap();
    let body = status_line
        .split(" -d '")
        .nth(1)
        .unwrap()
        .trim_end_matches('\'');
    let view: Value = reqwest::Client::new()
        .post(status_url)
        .header("content-type", "application/json")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"], "new", "{view}");
    // MTUC's queue holds the case from across the border and the partner's referral, danger first.
    let queue_line = printed
        .iter()
        .find(|l| l.contains("/api/v1/cases -H"))
        .unwrap();
    let queue_url = queue_line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap();
    let token = queue_line
        .split("Bearer ")
        .nth(1)
        .unwrap()
        .trim_end_matches('\'');
    let queue: Value = reqwest::Client::new()
        .get(queue_url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let channels: Vec<&str> = queue
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["channel"].as_str().unwrap())
        .collect();
    assert_eq!(channels, ["partner", "affiliate"], "{queue}");

    let pid = Pid::from_raw(i32::try_from(child.id().unwrap()).unwrap());
    kill(pid, Signal::SIGINT).unwrap();
    let status = tokio::time::timeout(Duration::from_secs(60), child.wait())
        .await
        .expect("the demo stops")
        .unwrap();
    assert!(status.success(), "{status}");
    let mut rest = Vec::new();
    while let Some(line) = lines.next_line().await.unwrap() {
        rest.push(line);
    }
    assert!(rest.iter().any(|l| l == "Stopped."), "{rest:#?}");
    // Every node is gone: nothing answers on their ports.
    for offset in 1..=3 {
        let answer = reqwest::get(format!("http://127.0.0.1:{}/healthz", base + offset)).await;
        assert!(
            answer.is_err(),
            "a demo node still answers on {}",
            base + offset
        );
    }
}
