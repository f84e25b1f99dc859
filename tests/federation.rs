//! Multi-node scenarios on a TestNet of real nodes: replication, cards across
//! affiliates, partitions, restarts, forged traffic, equivocation, charters.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod testnet;

use serde_json::{json, Value};
use testnet::{wait_for, TestNet};

async fn enrol(net: &TestNet, i: usize, name: &str) -> String {
    let response = reqwest::Client::new()
        .post(net.url(i, "/api/v1/members"))
        .bearer_auth(&net.tokens[i])
        .json(&json!({ "holder_name": name, "origin_country": "ID", "destination_country": "MY" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    body["id"].as_str().unwrap().to_owned()
}

async fn card(net: &TestNet, i: usize, member: &str) -> String {
    let body: Value = reqwest::Client::new()
        .get(net.url(i, &format!("/api/v1/members/{member}/card")))
        .bearer_auth(&net.tokens[i])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    body["card"].as_str().unwrap().to_owned()
}

async fn verify(net: &TestNet, i: usize, card: &str) -> Value {
    let response = reqwest::Client::new()
        .post(net.url(i, "/api/v1/cards/verify"))
        .json(&json!({ "card": card }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

async fn set_status(net: &TestNet, i: usize, member: &str, status: &str) {
    let response = reqwest::Client::new()
        .post(net.url(i, &format!("/api/v1/members/{member}/status")))
        .bearer_auth(&net.tokens[i])
        .json(&json!({ "status": status, "reason": "test" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_card_issued_at_one_affiliate_verifies_at_another_until_revoked() {
    let net = TestNet::new(3).await;
    net.wait_connected().await;
    let member = enrol(&net, 0, "Siti Rahayu").await;
    let text = card(&net, 0, &member).await;

    for i in [1, 2] {
        let verdict = wait_for(20, "attestation replicated", || async {
            let v = verify(&net, i, &text).await;
            (v["valid"] == true).then_some(v)
        })
        .await;
        assert_eq!(verdict["issuer"], "KSPI");
        assert_eq!(verdict["member_id"], member.as_str());
        assert_eq!(verdict["holder_name"], "Siti Rahayu");
        assert_eq!(verdict["status"], "active");
        assert_eq!(verdict["checked_against_seq"], 1);
    }

    set_status(&net, 0, &member, "revoked").await;
    let verdict = wait_for(20, "revocation replicated to NTUC-PHL", || async {
        let v = verify(&net, 2, &text).await;
        (v["status"] == "revoked").then_some(v)
    })
    .await;
    assert_eq!(verdict["valid"], false);
    assert_eq!(verdict["problems"][0]["code"], "card_status");
    net.shutdown().await;
}
