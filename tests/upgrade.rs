//! Upgrades: a data folder written by an earlier release, committed under
//! `tests/fixtures/`, opens in this build (migrated where the layout
//! changed) and serves the same members, cards, cases and audit trail.
//!
//! One fixture per release whose store layout differs; never regenerate an
//! old one. To write the fixture of the current release (once, at release):
//! `UNIONFED_WRITE_FIXTURE=node-0.1 cargo test -p unionfed-node --test upgrade`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod testnet;

use reqwest::Method;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use testnet::TestNet;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A federation of two (only the first runs) with a member, its card, a staff case and a
/// complaint from the public form, stopped; its folder and what a later
/// build must find in it.
async fn write_fixture(name: &str) {
    let mut net = TestNet::prepare_tuned(2, |c| {
        // Valid for a century, so that the test does not expire.
        c.membership_validity_days = 36_500;
        c.card_validity_days = 36_500;
    });
    net.start(0).await;
    let member = net
        .create(
            0,
            "/api/v1/members",
            json!({ "holder_name": "Siti Rahayu", "origin_country": "ID", "destination_country": "MY" }),
        )
        .await;
    let card = net.card(0, &member).await;
    let case = net
        .create(
            0,
            "/api/v1/cases",
            json!({ "kind": "complaint", "how": "walk_in", "categories": ["unpaid_wages"],
                "origin_country": "ID", "destination_country": "MY", "worker_name": "Budi Santoso",
                "description": "Three months of wages not paid since March." }),
        )
        .await;
    let (status, filed) = net
        .call(
            0,
            Method::POST,
            "/api/v1/public/complaints",
            Some(
                json!({ "kind": "complaint", "categories": ["document_retention"],
                "destination_country": "MY", "description": "My employer keeps my passport.",
                "passphrase": "melati putih" }),
            ),
        )
        .await;
    assert_eq!(status, 201, "{filed}");
    let mut config = net.configs[0].clone();
    config.http_listen = "127.0.0.1:0".parse().unwrap();
    net.stop(0).await;
    let out = fixtures().join(name);
    assert!(
        !out.exists(),
        "{} exists; fixtures are never rewritten",
        out.display()
    );
    copy_dir(net.dir(0), &out.join("data"));
    config.write(&out.join("data")).unwrap();
    let expect = json!({
        "admin_token": net.tokens[0],
        "member": member,
        "holder_name": "Siti Rahayu",
        "card": card,
        "case": case,
        "receipt_code": filed["receipt_code"],
        "passphrase": "melati putih",
    });
    std::fs::write(
        out.join("expect.json"),
        serde_json::to_string_pretty(&expect).unwrap(),
    )
    .unwrap();
    net.shutdown().await;
}

async fn call(
    base: &str,
    token: &str,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .request(method, format!("{base}{path}"))
        .bearer_auth(token);
    if let Some(b) = body {
        request = request.json(&b);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_folders_of_earlier_releases_open_and_serve_the_same_data() {
    if let Ok(name) = std::env::var("UNIONFED_WRITE_FIXTURE") {
        write_fixture(&name).await;
    }
    let mut releases: Vec<PathBuf> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("expect.json").exists())
        .collect();
    releases.sort();
    assert!(
        !releases.is_empty(),
        "no release fixture under tests/fixtures"
    );
    for release in releases {
        let expect: Value =
            serde_json::from_str(&std::fs::read_to_string(release.join("expect.json")).unwrap())
                .unwrap();
        // Never run on the committed folder itself.
        let tmp = tempfile::TempDir::new().unwrap();
        let dir = tmp.path().join("data");
        copy_dir(&release.join("data"), &dir);
        let config = unionfed_node::Config::load(&dir).unwrap();
        let node = unionfed_node::start(&dir, config)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", release.display()));
        let base = format!("http://{}", node.http_addr());
        let token = expect["admin_token"].as_str().unwrap();
        let what = release.display().to_string();

        let member = expect["member"].as_str().unwrap();
        let (status, record) = call(
            &base,
            token,
            Method::GET,
            &format!("/api/v1/members/{member}"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{what}: {record}");
        assert_eq!(record["holder_name"], expect["holder_name"], "{what}");

        let (status, verdict) = call(
            &base,
            token,
            Method::POST,
            "/api/v1/cards/verify",
            Some(json!({ "card": expect["card"] })),
        )
        .await;
        assert_eq!(status, 200, "{what}");
        assert_eq!(verdict["valid"], true, "{what}: {verdict}");
        assert_eq!(verdict["holder_name"], expect["holder_name"], "{what}");

        let case = expect["case"].as_str().unwrap();
        let (status, read) = call(
            &base,
            token,
            Method::GET,
            &format!("/api/v1/cases/{case}"),
            None,
        )
        .await;
        assert_eq!(status, 200, "{what}: {read}");
        assert_eq!(
            read["description"], "Three months of wages not paid since March.",
            "{what}: {read}"
        );

        let (status, view) = call(
            &base,
            "",
            Method::POST,
            "/api/v1/public/cases/status",
            Some(json!({ "receipt_code": expect["receipt_code"], "passphrase": expect["passphrase"] })),
        )
        .await;
        assert_eq!(
            status, 200,
            "{what}: the worker follows the complaint: {view}"
        );

        // The trail the earlier release kept still verifies, and this build
        // appends to it.
        node.shutdown().await.unwrap();
        let store = unionfed_node::storage::Store::open(&dir.join("store")).unwrap();
        let report = unionfed_node::audit::verify_store(&store).unwrap();
        assert!(report.broken.is_none(), "{what}: {:?}", report.broken);
        assert!(report.records > 4, "{what}: {report:?}");
    }
}
