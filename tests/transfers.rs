//! Portable membership across three real nodes: consent, transfer, the
//! destination's decision, and the card verdict everywhere.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod datadir;
mod testnet;

use reqwest::Method;
use serde_json::{json, Value};
use testnet::{wait_for, TestNet};

/// Enrols a member at KSPI, records consent for MTUC and sends the transfer.
async fn transfer_to_mtuc(net: &TestNet) -> (String, String, String) {
    let member = net.create(0, "/api/v1/members", json!({ "holder_name": "Siti Rahayu", "employer": "PT Contoh", "destination_country": "MY" })).await;
    let consent = net
        .create(
            0,
            &format!("/api/v1/members/{member}/consents"),
            json!({
                "given": "in_person",
                "recipient": "MTUC",
                "purposes": ["representation at the workplace"],
                "data_categories": ["name", "contact", "employer"],
                "destination_country": "MY",
                "legal_basis": "the worker's explicit consent"
            }),
        )
        .await;
    let (status, transfer) = net
        .call(
            0,
            Method::POST,
            "/api/v1/transfers",
            Some(json!({ "member": member, "destination": "MTUC", "consent": consent })),
        )
        .await;
    assert_eq!(status, 201, "{transfer}");
    assert_eq!(transfer["status"]["state"], "sent");
    (member, consent, transfer["id"].as_str().unwrap().to_owned())
}

/// KSPI sets the member's status; MTUC's record shows it once replicated.
async fn status_at_kspi_reaches_mtuc(net: &TestNet, member: &str, status: &str, reason: &str) {
    let (answer, _) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/members/{member}/status"),
            Some(json!({ "status": status, "reason": reason })),
        )
        .await;
    assert_eq!(answer, 200);
    wait_for(60, &format!("{status} at MTUC"), || async {
        let (_, m) = net
            .call(1, Method::GET, &format!("/api/v1/members/{member}"), None)
            .await;
        (m["status"] == status).then_some(())
    })
    .await;
}

/// `unionfed card verify` with the charter and a status snapshot downloaded
/// from node `i`, as a verifier with no network would run it.
async fn offline_verdict(net: &TestNet, i: usize, card: &str) -> Value {
    let dir = tempfile::TempDir::new().unwrap();
    let charter = dir.path().join("charter.ufc");
    unionfed_node::setup::write_charter(&charter, &net.charter).unwrap();
    let snapshot = reqwest::get(net.url(i, "/api/v1/status-snapshot"))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let snapshot_path = dir.path().join("status.ufs");
    std::fs::write(&snapshot_path, &snapshot).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_unionfed"))
        .args(["card", "verify", card, "--charter"])
        .arg(&charter)
        .arg("--status-snapshot")
        .arg(&snapshot_path)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let json = &stdout[stdout.find('{').unwrap()..];
    serde_json::from_str(json).unwrap()
}

async fn incoming(net: &TestNet, i: usize, id: &str) -> Value {
    wait_for(60, "the transfer at the destination", || async {
        let (status, t) = net
            .call(i, Method::GET, &format!("/api/v1/transfers/{id}"), None)
            .await;
        (status == 200).then_some(t)
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_transfer_accepted_by_the_destination_shows_on_the_card_everywhere() {
    let net = TestNet::new(3).await;
    net.wait_connected().await;
    let (member, _, id) = transfer_to_mtuc(&net).await;
    let card = net.card(0, &member).await;

    let arrived = incoming(&net, 1, &id).await;
    assert_eq!(arrived["direction"], "incoming");
    assert_eq!(arrived["status"]["state"], "received");
    assert_eq!(arrived["file"]["holder_name"], "Siti Rahayu");
    assert_eq!(arrived["file"]["consent"]["recipient"], "MTUC");
    let (_, listed) = net
        .call(1, Method::GET, "/api/v1/transfers?direction=incoming", None)
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 1);
    // MTUC's trail says which affiliate wrote the file into its store.
    let applied: Vec<_> = net
        .node(1)
        .state()
        .audit_newest_first()
        .map(|r| r.unwrap())
        .filter(|r| r.action == "handoff_applied" && r.target == id)
        .collect();
    assert_eq!(applied.len(), 1, "{applied:?}");
    assert_eq!(applied[0].actor, "affiliate KSPI");
    assert_eq!(applied[0].detail.as_deref(), Some("member transfer"));

    let (status, accepted) = net
        .call(
            1,
            Method::POST,
            &format!("/api/v1/transfers/{id}/accept"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{accepted}");
    assert_eq!(accepted["status"]["state"], "accepted");
    // MTUC keeps a record linked to KSPI's membership ...
    let (_, local) = net
        .call(1, Method::GET, &format!("/api/v1/members/{member}"), None)
        .await;
    assert_eq!(local["home"], "KSPI");
    // Her standing there is what KSPI signed, not the day the file came;
    // a renewal or a suspension at KSPI shows at MTUC once replicated.
    let (_, at_home) = net
        .call(0, Method::GET, &format!("/api/v1/members/{member}"), None)
        .await;
    assert_eq!(local["valid_until"], at_home["valid_until"], "{local}");
    assert_eq!(local["member_since"], at_home["member_since"]);
    status_at_kspi_reaches_mtuc(&net, &member, "suspended", "dues unpaid").await;
    status_at_kspi_reaches_mtuc(&net, &member, "active", "dues paid").await;
    // ... but the membership stays KSPI's: MTUC cannot issue its card or change it.
    let (status, body) = net
        .call(
            1,
            Method::GET,
            &format!("/api/v1/members/{member}/card"),
            None,
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("belongs to KSPI"),
        "{body}"
    );
    let (status, _) = net
        .call(
            1,
            Method::POST,
            &format!("/api/v1/members/{member}/status"),
            Some(json!({ "status": "revoked", "reason": "not ours to revoke" })),
        )
        .await;
    assert_eq!(status, 422);
    // ... the origin hears the decision ...
    wait_for(60, "the decision at the origin", || async {
        let (_, t) = net
            .call(0, Method::GET, &format!("/api/v1/transfers/{id}"), None)
            .await;
        (t["status"]["state"] == "accepted").then_some(())
    })
    .await;
    // ... and NTUC-PHL, which saw none of it, lists MTUC on the card issued before.
    wait_for(60, "the representation at the third node", || async {
        let v = net.verdict(2, &card).await;
        (v["valid"] == true && v["representing"] == json!(["MTUC"])).then_some(())
    })
    .await;
    // The offline check from a status snapshot says the same.
    assert_eq!(
        offline_verdict(&net, 2, &card).await["representing"],
        json!(["MTUC"])
    );
    // A decided transfer cannot be decided again.
    let (status, body) = net
        .call(
            1,
            Method::POST,
            &format!("/api/v1/transfers/{id}/decline"),
            Some(json!({ "reason": "x" })),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    // The member's transfer log at the origin.
    let (status, log) = net
        .call(
            0,
            Method::GET,
            &format!("/api/v1/members/{member}/transfers"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(log[0]["destination"], "MTUC");

    // The worker comes home: KSPI ends the representation, and every node learns it.
    let (status, ended) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/transfers/{id}/end"),
            Some(json!({ "reason": "returned_home" })),
        )
        .await;
    assert_eq!(status, 200, "{ended}");
    assert_eq!(ended["status"]["state"], "ended");
    wait_for(60, "the end at the third node", || async {
        let v = net.verdict(2, &card).await;
        (v["valid"] == true && v["representing"] == json!([])).then_some(())
    })
    .await;
    let offline = offline_verdict(&net, 2, &card).await;
    assert_eq!(offline["representing"], json!([]), "{offline}");
    assert_eq!(offline["valid"], true, "{offline}");
    // MTUC's own record of the transfer says so too.
    wait_for(60, "the end noted at MTUC", || async {
        let (_, t) = net
            .call(1, Method::GET, &format!("/api/v1/transfers/{id}"), None)
            .await;
        (t["status"]["state"] == "ended" && t["status"]["reason"] == "returned_home").then_some(())
    })
    .await;
    // An ended transfer cannot end twice.
    let (status, _) = net
        .call(
            1,
            Method::POST,
            &format!("/api/v1/transfers/{id}/end"),
            Some(json!({ "reason": "moved_on" })),
        )
        .await;
    assert_eq!(status, 422);
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_declined_transfer_carries_its_reason_back_to_the_origin() {
    let net = TestNet::new(2).await;
    net.wait_connected().await;
    let (_, _, id) = transfer_to_mtuc(&net).await;
    incoming(&net, 1, &id).await;
    let (status, declined) = net.call(1,
        Method::POST,
        &format!("/api/v1/transfers/{id}/decline"),
        Some(json!({ "reason": "the employer is outside our sector; contact the construction union" })),
    )
    .await;
    assert_eq!(status, 200, "{declined}");
    let decided = wait_for(60, "the decision at the origin", || async {
        let (_, t) = net
            .call(0, Method::GET, &format!("/api/v1/transfers/{id}"), None)
            .await;
        (t["status"]["state"] == "declined").then_some(t)
    })
    .await;
    assert_eq!(
        decided["status"]["reason"],
        "the employer is outside our sector; contact the construction union"
    );
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nothing_is_sent_without_a_matching_consent() {
    let net = TestNet::new(3).await;
    net.wait_connected().await;
    let (member, consent, _) = transfer_to_mtuc(&net).await;
    // A consent for MTUC does not cover NTUC-PHL.
    let (status, body) = net
        .call(
            0,
            Method::POST,
            "/api/v1/transfers",
            Some(json!({ "member": member, "destination": "NTUC-PHL", "consent": consent })),
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("allows sharing with MTUC"),
        "{body}"
    );
    // No consent at all.
    let (status, body) = net.call(0,
        Method::POST,
        "/api/v1/transfers",
        Some(json!({ "member": member, "destination": "MTUC", "consent": "00000000000000000000000000000000" })),
    )
    .await;
    assert_eq!(status, 422);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("record the worker's consent first"),
        "{body}"
    );
    let (status, body) = net
        .call(0, Method::GET, "/api/v1/transfers?direction=sideways", None)
        .await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["error"], "invalid_query");
    // A consent names data categories the node knows, so that it can be honoured.
    let (status, body) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/members/{member}/consents"),
            Some(json!({
                "given": "in_person", "recipient": "MTUC",
                "purposes": ["representation"], "data_categories": ["name", "bank account"],
                "legal_basis": "consent"
            })),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("\"bank account\" is not one of"),
        "{body}"
    );
    // Only the one transfer left KSPI.
    let (_, outgoing) = net
        .call(0, Method::GET, "/api/v1/transfers?direction=outgoing", None)
        .await;
    assert_eq!(outgoing.as_array().unwrap().len(), 1);
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withdrawing_consent_deletes_the_file_at_the_recipient() {
    let net = TestNet::new(3).await;
    net.wait_connected().await;
    let (member, consent, id) = transfer_to_mtuc(&net).await;
    let card = net.card(0, &member).await;
    incoming(&net, 1, &id).await;
    let (status, _) = net
        .call(
            1,
            Method::POST,
            &format!("/api/v1/transfers/{id}/accept"),
            None,
        )
        .await;
    assert_eq!(status, 200);

    let (status, withdrawn) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/members/{member}/consents/{consent}/withdraw"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{withdrawn}");
    assert!(withdrawn["withdrawn_at"].is_u64());
    // MTUC deletes the worker's file and its record, and ends the representation ...
    wait_for(60, "the file deleted at MTUC", || async {
        let (status, _) = net
            .call(1, Method::GET, &format!("/api/v1/members/{member}"), None)
            .await;
        (status == 404).then_some(())
    })
    .await;
    let (_, transfer) = net
        .call(1, Method::GET, &format!("/api/v1/transfers/{id}"), None)
        .await;
    assert!(transfer["file"].is_null(), "{transfer}");
    assert_eq!(transfer["status"]["reason"], "consent_withdrawn");
    // ... the withdrawal was receipted ...
    wait_for(60, "the withdrawal receipted", || async {
        let state = net.node(0).state();
        let items = state.outbox().unwrap();
        items
            .iter()
            .filter(|i| i.kind == unionfed_protocol::HandoffKind::CONSENT_WITHDRAWAL)
            .all(|i| i.receipt.is_some())
            .then_some(())
    })
    .await;
    // ... every node learns the representation is over ...
    wait_for(60, "the end at the third node", || async {
        let v = net.verdict(2, &card).await;
        (v["representing"] == json!([])).then_some(())
    })
    .await;
    // ... and the withdrawn consent cannot carry a new transfer.
    let (status, body) = net
        .call(
            0,
            Method::POST,
            "/api/v1/transfers",
            Some(json!({ "member": member, "destination": "MTUC", "consent": consent })),
        )
        .await;
    assert_eq!(status, 422);
    assert!(
        body["message"].as_str().unwrap().contains("withdrawn"),
        "{body}"
    );
    net.shutdown().await;
}

async fn request_from_kspi(net: &TestNet, member: &str) -> String {
    let (status, request) = net
        .call(
            1,
            Method::POST,
            "/api/v1/transfers/requests",
            Some(json!({
                "member": member,
                "origin": "KSPI",
                "given": "in_person",
                "purposes": ["representation at the workplace"],
                "data_categories": ["name", "contact", "employer"],
                "destination_country": "MY",
                "legal_basis": "the worker's explicit consent"
            })),
        )
        .await;
    assert_eq!(status, 201, "{request}");
    assert_eq!(request["request"], true);
    request["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_arrival_the_destination_requests_and_the_origin_sends_the_file() {
    let net = TestNet::new(3).await;
    net.wait_connected().await;
    let member = net
        .create(
            0,
            "/api/v1/members",
            json!({ "holder_name": "Agus Santoso" }),
        )
        .await;
    let card = net.card(0, &member).await;
    // The worker shows the card at MTUC, which checks it ...
    let verdict = wait_for(60, "the card valid at MTUC", || async {
        let v = net.verdict(1, &card).await;
        (v["valid"] == true).then_some(v)
    })
    .await;
    assert_eq!(verdict["issuer"], "KSPI");
    // ... and asks KSPI for the file.
    let request = request_from_kspi(&net, &member).await;
    let at_origin = incoming(&net, 0, &request).await;
    assert_eq!(at_origin["direction"], "incoming");
    assert_eq!(at_origin["request"], true);
    let (status, approved) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/transfers/{request}/accept"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{approved}");
    assert_eq!(approved["status"]["state"], "accepted");
    // KSPI's transfer reaches MTUC, which accepts it like any other.
    let transfer = wait_for(60, "the transfer at MTUC", || async {
        let (_, list) = net
            .call(1, Method::GET, "/api/v1/transfers?direction=incoming", None)
            .await;
        list.as_array()?
            .iter()
            .find(|t| t["request"] == false && t["member"] == member.as_str())
            .map(|t| t["id"].as_str().unwrap().to_owned())
    })
    .await;
    let (_, mtuc_request) = net
        .call(
            1,
            Method::GET,
            &format!("/api/v1/transfers/{request}"),
            None,
        )
        .await;
    assert_eq!(mtuc_request["status"]["state"], "accepted");
    let (status, _) = net
        .call(
            1,
            Method::POST,
            &format!("/api/v1/transfers/{transfer}/accept"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    wait_for(60, "MTUC on the card at NTUC-PHL", || async {
        let v = net.verdict(2, &card).await;
        (v["representing"] == json!(["MTUC"])).then_some(())
    })
    .await;
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_origin_can_decline_a_request_with_a_reason() {
    let net = TestNet::new(2).await;
    net.wait_connected().await;
    let member = net
        .create(
            0,
            "/api/v1/members",
            json!({ "holder_name": "Dewi Lestari" }),
        )
        .await;
    let request = request_from_kspi(&net, &member).await;
    incoming(&net, 0, &request).await;
    let (status, _) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/transfers/{request}/decline"),
            Some(json!({ "reason": "the member asked us to wait until her contract is signed" })),
        )
        .await;
    assert_eq!(status, 200);
    let decided = wait_for(60, "the decision at MTUC", || async {
        let (_, t) = net
            .call(
                1,
                Method::GET,
                &format!("/api/v1/transfers/{request}"),
                None,
            )
            .await;
        (t["status"]["state"] == "declined").then_some(t)
    })
    .await;
    assert_eq!(
        decided["status"]["reason"],
        "the member asked us to wait until her contract is signed"
    );
    net.shutdown().await;
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Records KSPI's consent for `to` and sends the member's file there with
/// the transfer options in `options`; returns the transfer id.
async fn send_from_kspi(net: &TestNet, member: &str, to: &str, options: Value) -> String {
    let (status, consent) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/members/{member}/consents"),
            Some(json!({
                "given": "signed_form",
                "recipient": to,
                "purposes": ["representation at the workplace"],
                "data_categories": ["name", "contact", "employer", "job", "workplace", "language", "dues", "contract"],
                "legal_basis": "the worker's explicit consent"
            })),
        )
        .await;
    assert_eq!(status, 201, "{consent}");
    let mut body = json!({ "member": member, "destination": to, "consent": consent["id"] });
    for (k, v) in options.as_object().unwrap() {
        body[k] = v.clone();
    }
    let (status, transfer) = net
        .call(0, Method::POST, "/api/v1/transfers", Some(body))
        .await;
    assert_eq!(status, 201, "{transfer}");
    transfer["id"].as_str().unwrap().to_owned()
}

async fn accept_at(net: &TestNet, i: usize, id: &str) {
    incoming(net, i, id).await;
    let (status, body) = net
        .call(
            i,
            Method::POST,
            &format!("/api/v1/transfers/{id}/accept"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

async fn wait_state(net: &TestNet, i: usize, id: &str, state: &str) -> Value {
    wait_for(
        60,
        &format!("transfer {id} {state} at node {i}"),
        || async {
            let (_, t) = net
                .call(i, Method::GET, &format!("/api/v1/transfers/{id}"), None)
                .await;
            (t["status"]["state"] == state).then_some(t)
        },
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_moving_on_to_a_third_country_is_represented_there_and_no_longer_at_the_first() {
    let net = TestNet::new(3).await;
    net.wait_connected().await;
    let hash = "9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08";
    let member = net
        .create(
            0,
            "/api/v1/members",
            json!({
                "holder_name": "Ayu Lestari",
                "date_of_birth": "1998-04-12",
                "sector": "manufacturing",
                "employer": "Sdn Bhd Contoh",
                "job": "machine operator",
                "workplace": "Shah Alam, Selangor",
                "language": "Bahasa Indonesia",
                "dues_paid_until": "2027-06-30",
                "destination_contact": "+60 12 345 6789",
                "contract_summary": "24 months, RM 1,700 a month, 8 hours a day, Sunday off",
                "contract_sha256": hash
            }),
        )
        .await;
    let card = net.card(0, &member).await;

    let until = unix_now() + 365 * 86_400;
    let first = send_from_kspi(&net, &member, "MTUC", json!({ "until": until })).await;
    let arrived = incoming(&net, 1, &first).await;
    // Everything the destination needs travels: job, place, language, dues, contract.
    let file = &arrived["file"];
    assert_eq!(file["job"], "machine operator");
    assert_eq!(file["workplace"], "Shah Alam, Selangor");
    assert_eq!(file["language"], "Bahasa Indonesia");
    assert_eq!(file["dues_paid_until"], "2027-06-30");
    assert_eq!(file["destination_contact"], "+60 12 345 6789");
    assert_eq!(file["contract_sha256"], hash.to_ascii_lowercase());
    // ... and nothing the worker did not agree to share.
    assert_eq!(file["date_of_birth"], Value::Null, "{file}");
    assert_eq!(file["sector"], Value::Null, "{file}");
    assert_eq!(arrived["until"], until);
    accept_at(&net, 1, &first).await;
    wait_state(&net, 0, &first, "accepted").await;
    // The origin's record says who represents the member, and until when.
    let (_, record) = net
        .call(0, Method::GET, &format!("/api/v1/members/{member}"), None)
        .await;
    assert_eq!(record["represented_by"][0]["affiliate"], "MTUC", "{record}");
    assert_eq!(record["represented_by"][0]["until"], until);

    // A `replaces` that is not a representation in force is refused.
    let (status, consents) = net
        .call(
            0,
            Method::GET,
            &format!("/api/v1/members/{member}/consents"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let mtuc_consent = consents[0]["id"].clone();
    let (status, body) = net
        .call(
            0,
            Method::POST,
            "/api/v1/transfers",
            Some(
                json!({ "member": member, "destination": "MTUC", "consent": mtuc_consent,
                "replaces": first }),
            ),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("already represents"),
        "{body}"
    );
    let (status, body) = net
        .call(
            0,
            Method::POST,
            "/api/v1/transfers",
            Some(
                json!({ "member": member, "destination": "MTUC", "consent": mtuc_consent,
                "until": 1_000_000 }),
            ),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("until"),
        "{body}"
    );

    // The worker moves on to the Philippines' neighbour: a new transfer that replaces the first.
    let second = send_from_kspi(&net, &member, "NTUC-PHL", json!({ "replaces": first })).await;
    accept_at(&net, 2, &second).await;
    let ended = wait_state(&net, 0, &first, "ended").await;
    assert_eq!(ended["status"]["reason"], "moved_on");
    wait_state(&net, 1, &first, "ended").await;
    wait_for(60, "the card verdict naming only the new union", || async {
        let v = net.verdict(1, &card).await;
        (v["valid"] == true && v["representing"] == json!(["NTUC-PHL"])).then_some(())
    })
    .await;

    // The list filters.
    let list = |query: String| {
        let net = &net;
        async move {
            net.call(0, Method::GET, &format!("/api/v1/transfers{query}"), None)
                .await
        }
    };
    let (_, ended) = list("?state=ended&affiliate=MTUC".into()).await;
    assert_eq!(ended.as_array().unwrap().len(), 1, "{ended}");
    assert_eq!(ended[0]["id"], first.as_str());
    let (_, accepted) = list("?state=accepted&kind=transfer&direction=outgoing".into()).await;
    assert_eq!(accepted.as_array().unwrap().len(), 1, "{accepted}");
    assert_eq!(accepted[0]["id"], second.as_str());
    let (_, mine) = list(format!("?member={member}")).await;
    assert_eq!(mine.as_array().unwrap().len(), 2);
    let (_, none) = list("?kind=request".into()).await;
    assert_eq!(none, json!([]));
    // Each bad filter is refused with a message naming what was wrong.
    for (bad, named) in [
        ("?kind=parcel", "parcel"),
        ("?state=lost", "lost"),
        ("?member=42", "42"),
        ("?affiliate=not%20one", "not one"),
        ("?colour=red", "colour"),
    ] {
        let (status, body) = list(bad.into()).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert!(
            body["message"].as_str().unwrap().contains(named),
            "{bad}: {body}"
        );
    }
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_membership_that_moves_keeps_member_since_and_the_old_card_stops_verifying() {
    let net = TestNet::new(3).await;
    net.wait_connected().await;
    let (_, member) = net
        .call(
            0,
            Method::POST,
            "/api/v1/members",
            Some(json!({ "holder_name": "Rina Marlina", "dues_paid_until": "2027-01-31" })),
        )
        .await;
    let since = member["member_since"].clone();
    let member = member["id"].as_str().unwrap().to_owned();
    let (_, card) = net
        .call(
            0,
            Method::GET,
            &format!("/api/v1/members/{member}/card"),
            None,
        )
        .await;
    let old_card = card["card"].as_str().unwrap().to_owned();

    // First represented by MTUC, then the worker joins MTUC for good.
    let visit = send_from_kspi(&net, &member, "MTUC", json!({})).await;
    accept_at(&net, 1, &visit).await;
    wait_state(&net, 0, &visit, "accepted").await;
    let (status, body) = net
        .call(
            0,
            Method::POST,
            "/api/v1/transfers",
            Some(json!({ "member": member, "destination": "MTUC", "consent": "00000000000000000000000000000001",
                "membership_move": true, "replaces": visit })),
        )
        .await;
    assert!(status == 422, "{status} {body}");
    let moved = send_from_kspi(&net, &member, "MTUC", json!({ "membership_move": true })).await;
    let arrived = incoming(&net, 1, &moved).await;
    assert_eq!(arrived["membership_move"], true);
    accept_at(&net, 1, &moved).await;

    // MTUC now holds the membership, with the seniority earned at KSPI.
    let (_, record) = net
        .call(1, Method::GET, &format!("/api/v1/members/{member}"), None)
        .await;
    assert_eq!(record["home"], Value::Null, "{record}");
    assert_eq!(record["member_since"], since);
    assert_eq!(record["status"], "active");
    assert_eq!(record["dues_paid_until"], "2027-01-31");
    let (status, card) = net
        .call(
            1,
            Method::GET,
            &format!("/api/v1/members/{member}/card"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{card}");
    let new_card = card["card"].as_str().unwrap().to_owned();
    // The visit's representation is over: MTUC is the home union now.
    wait_state(&net, 1, &visit, "ended").await;
    let ended = wait_state(&net, 0, &visit, "ended").await;
    assert_eq!(ended["status"]["reason"], "membership_moved");

    // KSPI's membership lapses, so its card stops verifying; MTUC's verifies everywhere.
    let lapsed = wait_for(60, "the lapse at KSPI", || async {
        let (_, r) = net
            .call(0, Method::GET, &format!("/api/v1/members/{member}"), None)
            .await;
        (r["status"] == "lapsed").then_some(r)
    })
    .await;
    assert!(
        lapsed["status_reason"]
            .as_str()
            .unwrap()
            .contains("moved to MTUC"),
        "{lapsed}"
    );
    wait_for(60, "both verdicts at the third node", || async {
        let old = net.verdict(2, &old_card).await;
        let new = net.verdict(2, &new_card).await;
        (old["valid"] == false
            && old["status"] == "lapsed"
            && new["valid"] == true
            && new["issuer"] == "MTUC"
            && new["representing"] == json!([]))
        .then_some(())
    })
    .await;
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_representation_ends_by_itself_at_its_end_date() {
    let net = TestNet::new(3).await;
    net.wait_connected().await;
    let member = net
        .create(0, "/api/v1/members", json!({ "holder_name": "Dian Sari" }))
        .await;
    let card = net.card(0, &member).await;
    let until = unix_now() + 3;
    let id = send_from_kspi(&net, &member, "MTUC", json!({ "until": until })).await;
    accept_at(&net, 1, &id).await;
    // MTUC ends it with an entry once the day has come, and tells KSPI.
    let ended = wait_state(&net, 1, &id, "ended").await;
    assert_eq!(ended["status"]["reason"], "expired");
    wait_state(&net, 0, &id, "ended").await;
    assert!(unix_now() >= until);
    let v = net.verdict(2, &card).await;
    assert_eq!(v["valid"], true, "{v}");
    assert_eq!(v["representing"], json!([]), "{v}");
    net.shutdown().await;
}

/// A member whose file went to MTUC asks KSPI for everything it holds and
/// then to be erased: the export holds the record, consent, transfer and
/// who read the record; the erasure revokes the card everywhere, and MTUC
/// deletes the file it received.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_member_exports_their_data_and_is_erased_everywhere_it_went() {
    let mut net = TestNet::new(3).await;
    net.wait_connected().await;
    let (member, consent, id) = transfer_to_mtuc(&net).await;
    let card = net.card(0, &member).await;
    incoming(&net, 1, &id).await;
    let (status, _) = net
        .call(
            1,
            Method::POST,
            &format!("/api/v1/transfers/{id}/accept"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    net.call(0, Method::GET, &format!("/api/v1/members/{member}"), None)
        .await;

    let (status, export) = net
        .call(
            0,
            Method::GET,
            &format!("/api/v1/members/{member}/export"),
            None,
        )
        .await;
    assert_eq!(status, 200, "{export}");
    assert_eq!(export["member"]["holder_name"], "Siti Rahayu");
    assert_eq!(export["consents"][0]["id"], consent.as_str());
    assert_eq!(export["transfers"][0]["id"], id.as_str());
    let trail: Vec<&str> = export["trail"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["action"].as_str().unwrap())
        .collect();
    assert!(
        trail.contains(&"view_member"),
        "who read the record: {trail:?}"
    );
    assert!(trail.contains(&"send_transfer"), "{trail:?}");
    for i in [0, 1] {
        net.node(i).state().flush_blocking().unwrap();
        let dir = net.node(i).state().data_dir.clone();
        assert!(
            !datadir::files_holding(&dir, b"Siti Rahayu").is_empty(),
            "node {i}: the check can see the name"
        );
    }

    let (status, body) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/members/{member}/erase"),
            Some(json!({ "reason": " " })),
        )
        .await;
    assert_eq!(status, 422, "a reason is needed: {body}");
    let (status, erased) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/members/{member}/erase"),
            Some(json!({ "reason": "asked in writing at the Batam office" })),
        )
        .await;
    assert_eq!(status, 200, "{erased}");
    assert_eq!(erased["recipients_told"], json!(["MTUC"]));
    assert!(erased["revoked_at_seq"].is_u64(), "{erased}");
    let (_, record) = net
        .call(0, Method::GET, &format!("/api/v1/members/{member}"), None)
        .await;
    assert_eq!(record["holder_name"], "(erased)");
    assert_eq!(record["status"], "revoked");
    assert!(!record.to_string().contains("PT Contoh"), "{record}");
    // MTUC deletes the file it received, and the card fails at every node.
    wait_for(60, "the file deleted at MTUC", || async {
        let (_, t) = net
            .call(1, Method::GET, &format!("/api/v1/transfers/{id}"), None)
            .await;
        t["file"].is_null().then_some(())
    })
    .await;
    for i in 0..3 {
        let v = wait_for(60, "the revocation everywhere", || async {
            let v = net.verdict(i, &card).await;
            (v["valid"] == false).then_some(v)
        })
        .await;
        assert_eq!(v["status"], "revoked", "node {i}: {v}");
        let v = wait_for(60, "the erasure everywhere", || async {
            let v = net.verdict(i, &card).await;
            (v["reason"] == "erased").then_some(v)
        })
        .await;
        assert_eq!(v["valid"], false, "node {i}: {v}");
    }
    // The public page at another union says why, in words.
    let page = reqwest::Client::new()
        .post(net.url(2, "/p/card"))
        .header("accept-language", "en")
        .form(&[("card", card.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("data was erased at their request"), "{page}");
    // Erased once: a second request says so and changes nothing.
    let (status, body) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/members/{member}/erase"),
            Some(json!({ "reason": "asked again" })),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    // Gone from every file of both data folders once each node has
    // compacted its store (at its next start).
    for i in [0, 1] {
        net.stop(i).await;
        net.start(i).await;
        let dir = net.node(i).state().data_dir.clone();
        for secret in ["Siti Rahayu", "PT Contoh"] {
            let hits = datadir::files_holding(&dir, secret.as_bytes());
            assert!(hits.is_empty(), "node {i}: {secret:?} is still in {hits:?}");
        }
    }
    net.shutdown().await;
}

/// Retention on a clock moved ahead: a lapsed member's personal details
/// and the file of a declined transfer are kept for their periods, show
/// as due on the way, and are purged once the periods are over; what is
/// still within its period stays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_purges_each_kind_of_data_when_its_period_is_over() {
    use unionfed_node::access::Principal;
    use unionfed_protocol::Timestamp;
    let net = TestNet::new(2).await;
    net.wait_connected().await;
    // A transfer MTUC declines: MTUC keeps the file for 180 days.
    let (_, _, id) = transfer_to_mtuc(&net).await;
    incoming(&net, 1, &id).await;
    let (status, _) = net
        .call(
            1,
            Method::POST,
            &format!("/api/v1/transfers/{id}/decline"),
            Some(json!({ "reason": "outside our sector" })),
        )
        .await;
    assert_eq!(status, 200);
    // A member of KSPI who lapsed, and one still active.
    let lapsed = net
        .create(
            0,
            "/api/v1/members",
            json!({ "holder_name": "Dewi Lestari", "contact": "+62 811 3333 4444" }),
        )
        .await;
    let (status, _) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/members/{lapsed}/status"),
            Some(json!({ "status": "lapsed", "reason": "dues unpaid for a year" })),
        )
        .await;
    assert_eq!(status, 200);
    let active = net
        .create(0, "/api/v1/members", json!({ "holder_name": "Rina Wati" }))
        .await;

    let now = unionfed_node::node::now().secs();
    let day = 86_400;
    let run = |i: usize, days: u64| {
        let state = net.node(i).state().clone();
        async move {
            unionfed_node::retention::run_as_of(
                &state,
                &Principal::AdminToken,
                Timestamp(now + days * day),
            )
            .await
            .unwrap()
        }
    };
    let kind = |r: &unionfed_node::retention::RetentionRun, k: &str| {
        r.kinds.iter().find(|x| x.kind == k).unwrap().clone()
    };
    // 170 days on: nothing is purged; the file is due within 30 days.
    let r = run(1, 170).await;
    assert_eq!(r.purged(), 0, "{r:?}");
    assert_eq!(kind(&r, "received_transfer_files").due_soon, 1, "{r:?}");
    let (_, t) = net
        .call(1, Method::GET, &format!("/api/v1/transfers/{id}"), None)
        .await;
    assert_eq!(t["file"]["holder_name"], "Siti Rahayu");
    // 181 days on: MTUC deletes the file and keeps the transfer's record.
    let r = run(1, 181).await;
    assert_eq!(kind(&r, "received_transfer_files").purged, 1, "{r:?}");
    let (status, t) = net
        .call(1, Method::GET, &format!("/api/v1/transfers/{id}"), None)
        .await;
    assert_eq!(status, 200);
    assert!(t["file"].is_null(), "{t}");
    assert_eq!(t["status"]["state"], "declined");
    // 731 days on at KSPI: the lapsed member's details go; the active one stays.
    let r = run(0, 700).await;
    assert_eq!(kind(&r, "lapsed_members").due_soon, 1, "{r:?}");
    assert_eq!(kind(&r, "lapsed_members").purged, 0);
    let r = run(0, 731).await;
    assert_eq!(kind(&r, "lapsed_members").purged, 1, "{r:?}");
    let (_, m) = net
        .call(0, Method::GET, &format!("/api/v1/members/{lapsed}"), None)
        .await;
    assert_eq!(m["holder_name"], "(erased)");
    assert_eq!(m["status"], "lapsed", "the status stays");
    assert!(!m.to_string().contains("+62 811"), "{m}");
    let (_, a) = net
        .call(0, Method::GET, &format!("/api/v1/members/{active}"), None)
        .await;
    assert_eq!(a["holder_name"], "Rina Wati");
    // The report through the API: periods and what is due, counts only.
    let (status, due) = net.call(0, Method::GET, "/api/v1/retention", None).await;
    assert_eq!(status, 200, "{due}");
    assert_eq!(due["kinds"][1]["kind"], "lapsed_members");
    assert_eq!(due["kinds"][1]["keep_days"], 730);
    // Each run a person asked for is in the trail with what it purged.
    let runs: Vec<String> = net
        .node(0)
        .state()
        .audit_newest_first()
        .map(|r| r.unwrap())
        .filter(|r| r.action == "run_retention")
        .map(|r| r.detail.unwrap_or_default())
        .collect();
    assert!(runs[0].contains("1 lapsed_members"), "{runs:?}");

    // Three years on, the audit records of today go, and the trail that is
    // left still checks out from where retention cut it.
    let state = net.node(0).state().clone();
    let trail = |s: &unionfed_node::node::NodeState| {
        s.audit_records(
            &Principal::AdminToken,
            &unionfed_node::audit::AuditQuery {
                text: None,
                limit: 100_000,
            },
        )
        .unwrap()
    };
    let (before, chain) = trail(&state);
    assert_eq!(
        (chain.broken.clone(), chain.cut_through),
        (None, None),
        "{chain:?}"
    );
    let r = run(0, 1070).await;
    assert_eq!(kind(&r, "audit_records").purged, 0, "{r:?}");
    assert!(kind(&r, "audit_records").due_soon > 0, "{r:?}");
    let r = run(0, 1096).await;
    let purged = kind(&r, "audit_records").purged;
    assert!(
        purged + 2 >= before.len(),
        "{purged} of {}: {r:?}",
        before.len()
    );
    let (after, chain) = trail(&state);
    assert_eq!(chain.broken, None, "{chain:?}");
    let cut = chain.cut_through.expect("the cut is recorded");
    assert!(after.iter().all(|r| r.seq > cut), "{after:?}");
    assert!(
        after.iter().any(|r| r.action == "run_retention"
            && r.detail
                .as_deref()
                .unwrap_or_default()
                .contains("audit_records")),
        "the run that cut the trail is the first record after it: {after:?}"
    );
    // A record written after the cut links up, and so does a restart.
    net.call(0, Method::GET, "/api/v1/members", None).await;
    let (_, chain) = trail(&state);
    assert_eq!(chain.broken, None, "{chain:?}");
    net.shutdown().await;
}
