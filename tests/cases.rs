//! The case desk over the real HTTP API of real nodes: staff intake and the
//! workflow, anonymous complaints followed with a receipt code, and partner
//! referrals.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod datadir;
mod staffweb;
mod testnet;

use reqwest::Method;
use serde_json::{json, Value};
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use testnet::TestNet;

/// Everything the nodes in this test binary log, at debug level.
fn captured_log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let sink = buffer.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .init();
        buffer
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn staff_case(extra: Value) -> Value {
    let mut body = json!({
        "kind": "complaint",
        "how": "walk_in",
        "categories": ["unpaid_wages"],
        "origin_country": "ID",
        "destination_country": "MY",
        "sector": "construction",
        "employer": "Sdn Bhd Contoh",
        "worker_name": "Budi Santoso",
        "worker_contact": "+60 11 2233 4455",
        "description": "Three months of wages not paid since March."
    });
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

async fn open(net: &TestNet, extra: Value) -> Value {
    open_as(net, &net.tokens[0], extra).await
}

/// Opens a staff case at node 0 with `token` (the admin token, or a
/// person's own API token).
async fn open_as(net: &TestNet, token: &str, extra: Value) -> Value {
    let (status, case) = net
        .call_as(
            0,
            token,
            Method::POST,
            "/api/v1/cases",
            Some(staff_case(extra)),
        )
        .await;
    assert_eq!(status, 201, "{case}");
    case
}

async fn step(net: &TestNet, id: &str, body: Value) -> (u16, Value) {
    step_as(net, &net.tokens[0], id, body).await
}

async fn step_as(net: &TestNet, token: &str, id: &str, body: Value) -> (u16, Value) {
    let (status, case) = net
        .call_as(
            0,
            token,
            Method::POST,
            &format!("/api/v1/cases/{id}/transition"),
            Some(body),
        )
        .await;
    (status.as_u16(), case)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_take_a_case_from_intake_to_closure_and_every_step_is_recorded() {
    let net = TestNet::new(2).await;
    // Each person acts with their own token: the timeline names them, not
    // anything the requests say.
    use unionfed_node::accounts::Role;
    let rina = net
        .staff_token(0, "rina", "officer Rina", Role::CaseOfficer)
        .await;
    let hadi = net
        .staff_token(0, "hadi", "officer Hadi", Role::CaseOfficer)
        .await;
    let wages = open_as(&net, &rina, json!({})).await;
    assert_eq!(wages["status"], "new");
    assert_eq!(
        wages["priority"], "high",
        "unpaid wages is a forced-labour indicator"
    );
    assert_eq!(wages["channel"], "staff");
    assert!(wages["reference"].as_str().unwrap().starts_with("KSPI-20"));
    let question = open(
        &net,
        json!({ "kind": "inquiry", "categories": ["social_security_and_compensation"] }),
    )
    .await;
    assert_eq!(question["priority"], "normal");
    let danger = open(
        &net,
        json!({ "categories": ["document_retention", "restricted_movement"], "risk_flags": ["trafficking"] }),
    )
    .await;
    assert_eq!(danger["priority"], "urgent");

    // The risk-flagged case heads the queue, then by priority.
    let (_, queue) = net.call(0, Method::GET, "/api/v1/cases", None).await;
    let order: Vec<&Value> = queue.as_array().unwrap().iter().map(|c| &c["id"]).collect();
    assert_eq!(order, vec![&danger["id"], &wages["id"], &question["id"]]);
    let (_, flagged) = net
        .call(0, Method::GET, "/api/v1/cases?risk=true", None)
        .await;
    assert_eq!(flagged.as_array().unwrap().len(), 1);
    let (_, overdue) = net
        .call(0, Method::GET, "/api/v1/cases?overdue=true", None)
        .await;
    assert_eq!(overdue, json!([]), "nothing is due yet");

    // Two letters that name no country are refused, whichever door they come through.
    let (status, body) = net
        .call(
            0,
            Method::POST,
            "/api/v1/cases",
            Some(staff_case(json!({ "destination_country": "XX" }))),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("destination_country: XX is not a country of ISO 3166-1"),
        "{body}"
    );
    let (_, all) = net.call(0, Method::GET, "/api/v1/cases", None).await;
    assert_eq!(all.as_array().unwrap().len(), 3, "nothing was opened");

    // The workflow refuses skipped steps and missing reasons, saying what is allowed.
    let id = wages["id"].as_str().unwrap();
    let (status, body) = step_as(&net, &rina, id, json!({ "to": "in_progress" })).await;
    assert_eq!(status, 422);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("verified or rejected"),
        "{body}"
    );
    let (status, verified) = step_as(&net, &rina, id, json!({ "to": "verified" })).await;
    assert_eq!(status, 200, "{verified}");
    assert!(verified["due_at"].as_u64().unwrap() > wages["due_at"].as_u64().unwrap());
    let (status, _) = net
        .call_as(
            0,
            &rina,
            Method::POST,
            &format!("/api/v1/cases/{id}/assign"),
            Some(json!({ "to": "officer Hadi" })),
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = net
        .call_as(
            0,
            &hadi,
            Method::POST,
            &format!("/api/v1/cases/{id}/actions"),
            Some(json!({ "action": "call", "note": "Called the employer; payment promised by Friday." })),
        )
        .await;
    assert_eq!(status, 200);
    let (_, mine) = net
        .call(
            0,
            Method::GET,
            "/api/v1/cases?assigned_to=officer%20Hadi",
            None,
        )
        .await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(
        step_as(&net, &hadi, id, json!({ "to": "in_progress" }))
            .await
            .0,
        200
    );
    let (status, body) = step_as(&net, &hadi, id, json!({ "to": "resolved" })).await;
    assert_eq!(status, 422);
    assert!(
        body["message"].as_str().unwrap().contains("outcome"),
        "{body}"
    );
    let (status, resolved) = step_as(
        &net,
        &hadi,
        id,
        json!({ "to": "resolved", "outcome": "partly_remedied", "note": "Two of three months paid." }),
    )
    .await;
    assert_eq!(status, 200, "{resolved}");
    assert_eq!(resolved["outcome"], "partly_remedied");
    assert_eq!(resolved["due_at"], Value::Null);
    assert_eq!(
        step_as(&net, &hadi, id, json!({ "to": "closed" })).await.0,
        200
    );
    let (status, body) = step_as(&net, &hadi, id, json!({ "to": "in_progress" })).await;
    assert_eq!(status, 422, "reopening needs a note: {body}");
    let (status, reopened) = step_as(
        &net,
        &hadi,
        id,
        json!({ "to": "in_progress", "note": "The third month is still unpaid." }),
    )
    .await;
    assert_eq!(status, 200, "{reopened}");
    assert!(reopened["due_at"].is_u64());

    // Every step is an event with its actor, in order.
    let (_, case) = net
        .call(0, Method::GET, &format!("/api/v1/cases/{id}"), None)
        .await;
    let events: Vec<String> = case["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            format!(
                "{} {} {}",
                e["event"].as_str().unwrap(),
                e["to"].as_str().unwrap_or(""),
                e["actor"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        events,
        vec![
            "created  officer Rina",
            "transition verified officer Rina",
            "assigned officer Hadi officer Rina",
            "action  officer Hadi",
            "transition in_progress officer Hadi",
            "transition resolved officer Hadi",
            "transition closed officer Hadi",
            "transition in_progress officer Hadi",
        ]
    );

    // Rejection needs its reason and a note.
    let qid = question["id"].as_str().unwrap();
    assert_eq!(step(&net, qid, json!({ "to": "rejected" })).await.0, 422);
    let (status, rejected) = step(
        &net,
        qid,
        json!({ "to": "rejected", "rejection": "duplicate", "note": "Same as the hotline call on Monday." }),
    )
    .await;
    assert_eq!(status, 200, "{rejected}");

    // Bad input is refused and changes nothing.
    for (body, code) in [
        (staff_case(json!({ "categories": [] })), "invalid_input"),
        (
            staff_case(json!({ "categories": ["stolen_bicycle"] })),
            "invalid_json",
        ),
        (staff_case(json!({ "description": " " })), "invalid_input"),
        (
            staff_case(json!({ "description": "x".repeat(10_001) })),
            "invalid_input",
        ),
        (
            staff_case(json!({ "member": "00000000000000000000000000000001" })),
            "not_found",
        ),
        (staff_case(json!({ "password": "x" })), "invalid_json"),
    ] {
        let (status, error) = net.call(0, Method::POST, "/api/v1/cases", Some(body)).await;
        assert!(status.is_client_error(), "{error}");
        assert_eq!(error["error"], code, "{error}");
    }
    let (status, _) = net
        .call(0, Method::GET, "/api/v1/cases/nonsense", None)
        .await;
    assert_eq!(status, 400);
    let (status, _) = net
        .call(
            0,
            Method::GET,
            "/api/v1/cases/00000000000000000000000000000001",
            None,
        )
        .await;
    assert_eq!(status, 404);
    let (status, body) = net
        .call(0, Method::GET, "/api/v1/cases?status=lost", None)
        .await;
    assert_eq!(status, 400, "{body}");
    let response = reqwest::get(net.url(0, "/api/v1/cases")).await.unwrap();
    assert_eq!(response.status(), 401);
    let (_, all) = net.call(0, Method::GET, "/api/v1/cases", None).await;
    assert_eq!(all.as_array().unwrap().len(), 3);

    // The taxonomy names each category's forced-labour indicator.
    let taxonomy: Value = reqwest::get(net.url(0, "/api/v1/cases/taxonomy"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let retention = taxonomy["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["code"] == "document_retention")
        .unwrap();
    assert_eq!(
        retention["forced_labour_indicator"],
        "retention of identity documents"
    );
    net.shutdown().await;
}

const PHONE: &str = "Mozilla/5.0 (Linux; Android 8.1; CheapPhone-3000) unionfed-test-agent";
const FORWARDED: &str = "203.0.113.77";

async fn public(net: &TestNet, path: &str, body: Value) -> (u16, Value) {
    let response = reqwest::Client::new()
        .post(net.url(0, path))
        .header("user-agent", PHONE)
        .header("x-forwarded-for", FORWARDED)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_anonymous_complaint_is_followed_with_its_receipt_code_and_nothing_about_the_sender_is_kept(
) {
    let log = captured_log();
    let mut net = TestNet::prepare_tuned(2, |c| c.public_rate_limit_per_minute = 12);
    net.start(0).await;
    let (status, filed) = public(
        &net,
        "/api/v1/public/complaints",
        json!({
            "kind": "complaint",
            "categories": ["document_retention", "excessive_hours"],
            "destination_country": "MY",
            "sector": "domestic work",
            "description": "My employer keeps my passport and I work 16 hours a day.",
            "passphrase": "melati putih"
        }),
    )
    .await;
    assert_eq!(status, 201, "{filed}");
    let code = filed["receipt_code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 19, "16 digits in groups of four: {code}");
    let reference = filed["reference"].as_str().unwrap().to_owned();

    // Staff see an anonymous case from the public form, dated to the day.
    let (_, cases) = net.call(0, Method::GET, "/api/v1/cases", None).await;
    let case = &cases[0];
    assert_eq!(case["reference"], reference.as_str());
    assert_eq!(case["channel"], "public_form");
    assert_eq!(case["worker"]["anonymous"], true);
    assert_eq!(case["created_at"].as_u64().unwrap() % 86_400, 0);
    assert!(
        case.get("receipt").is_none(),
        "the hash is never shown: {case}"
    );
    let id = case["id"].as_str().unwrap().to_owned();
    let (status, _) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/cases/{id}/messages"),
            Some(json!({ "text": "We can meet you at the hub on Sunday at 10." })),
        )
        .await;
    assert_eq!(status, 200);

    // The worker reads it and answers, with the code as they typed it.
    let typed = code.replace(' ', "-");
    let (status, view) = public(
        &net,
        "/api/v1/public/cases/status",
        json!({ "receipt_code": typed, "passphrase": "melati putih" }),
    )
    .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["status"], "new");
    assert_eq!(view["messages"][0]["from"], "union");
    assert!(view.get("events").is_none() && view.get("description").is_none());
    let (status, view) = public(
        &net,
        "/api/v1/public/cases/messages",
        json!({ "receipt_code": code, "passphrase": "melati putih", "text": "Sunday is fine. Please do not call me." }),
    )
    .await;
    assert_eq!(status, 201, "{view}");
    assert_eq!(view["messages"][1]["from"], "worker");
    let (_, case) = net
        .call(0, Method::GET, &format!("/api/v1/cases/{id}"), None)
        .await;
    let last = case["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["event"], "message_from_worker");
    assert_eq!(last["at"].as_u64().unwrap() % 86_400, 0);

    // A wrong digit, a wrong passphrase or no passphrase opens nothing.
    let mut wrong = code.clone().into_bytes();
    wrong[18] = if wrong[18] == b'0' { b'1' } else { b'0' };
    for (code, passphrase) in [
        (String::from_utf8(wrong).unwrap(), Some("melati putih")),
        (code.clone(), Some("melati")),
        (code.clone(), None),
    ] {
        let (status, body) = public(
            &net,
            "/api/v1/public/cases/status",
            json!({ "receipt_code": code, "passphrase": passphrase }),
        )
        .await;
        assert_eq!(status, 404, "{body}");
        assert_eq!(body["error"], "receipt_not_found");
    }
    let (status, body) = public(
        &net,
        "/api/v1/public/cases/status",
        json!({ "receipt_code": "1234" }),
    )
    .await;
    assert_eq!(status, 422, "{body}");
    assert!(net.metric(0, "unionfed_receipt_failures_total").await >= 3);

    // Guessing is slowed down: the public endpoints are rate limited.
    let mut limited = false;
    for _ in 0..20 {
        let (status, _) = public(
            &net,
            "/api/v1/public/cases/status",
            json!({ "receipt_code": "0000 0000 0000 0000" }),
        )
        .await;
        if status == 429 {
            limited = true;
            break;
        }
    }
    assert!(limited, "the rate limit never kicked in");

    // Neither the store nor the log holds the sender's address, their
    // browser, or the receipt code itself.
    let data_dir = net.node(0).state().data_dir.clone();
    net.stop(0).await;
    let db = sled::open(data_dir.join("store")).unwrap();
    let digits = code.replace(' ', "");
    let mut stored = Vec::new();
    for name in db.tree_names() {
        for item in db.open_tree(name).unwrap().iter() {
            let (k, v) = item.unwrap();
            stored.extend_from_slice(&k);
            stored.extend_from_slice(&v);
        }
    }
    let stored = String::from_utf8_lossy(&stored);
    assert!(
        stored.contains("16 hours a day"),
        "the complaint itself is stored"
    );
    for secret in [PHONE, FORWARDED, "CheapPhone", digits.as_str(), "melati"] {
        assert!(!stored.contains(secret), "the store holds {secret:?}");
    }
    let logged = String::from_utf8_lossy(&log.lock().unwrap()).into_owned();
    assert!(
        logged.contains("DEBUG") || logged.contains("INFO"),
        "the log was captured"
    );
    for secret in [PHONE, FORWARDED, "CheapPhone", digits.as_str(), "melati"] {
        assert!(!logged.contains(secret), "the log holds {secret:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_partner_refers_workers_and_sees_only_its_own_referrals() {
    let net = TestNet::new(2).await;
    let add = |body: Value| {
        let net = &net;
        async move {
            let (status, created) = net
                .call(0, Method::POST, "/api/v1/partners", Some(body))
                .await;
            assert_eq!(status, 201, "{created}");
            created
        }
    };
    let embassy = add(
        json!({ "name": "Embassy of Indonesia, Kuala Lumpur", "kind": "embassy", "country": "MY" }),
    )
    .await;
    let shelter = add(
        json!({ "name": "Tenaganita shelter", "kind": "shelter", "scopes": ["create_referrals"] }),
    )
    .await;
    assert!(embassy["partner"].get("token_sha256").is_none());
    let embassy_token = embassy["token"].as_str().unwrap().to_owned();
    let shelter_token = shelter["token"].as_str().unwrap().to_owned();
    let partner_call = |token: String, method: Method, path: String, body: Option<Value>| {
        let net = &net;
        async move {
            let mut request = reqwest::Client::new()
                .request(method, net.url(0, &path))
                .bearer_auth(token);
            if let Some(b) = body {
                request = request.json(&b);
            }
            let response = request.send().await.unwrap();
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let referral = json!({
        "kind": "complaint",
        "categories": ["physical_or_sexual_abuse"],
        "risk_flags": ["violence"],
        "destination_country": "MY",
        "sector": "domestic work",
        "worker_name": "Sri Wahyuni",
        "description": "Came to the embassy with bruises; wants to leave the employer."
    });
    let (status, mine) = partner_call(
        embassy_token.clone(),
        Method::POST,
        "/api/v1/partner/referrals".into(),
        Some(referral.clone()),
    )
    .await;
    assert_eq!(status, 201, "{mine}");
    assert_eq!(mine["status"], "new");
    let (status, theirs) = partner_call(
        shelter_token.clone(),
        Method::POST,
        "/api/v1/partner/referrals".into(),
        Some(referral.clone()),
    )
    .await;
    assert_eq!(status, 201, "{theirs}");

    // The embassy sees its own referral and nothing else.
    let (status, list) = partner_call(
        embassy_token.clone(),
        Method::GET,
        "/api/v1/partner/referrals".into(),
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["id"], mine["id"]);
    assert!(list[0].get("description").is_none() && list[0].get("worker").is_none());
    let theirs_path = format!(
        "/api/v1/partner/referrals/{}",
        theirs["id"].as_str().unwrap()
    );
    let (status, _) = partner_call(embassy_token.clone(), Method::GET, theirs_path, None).await;
    assert_eq!(status, 404);
    // A partner token opens no staff endpoint; the shelter may refer but not read.
    let (status, _) = partner_call(
        embassy_token.clone(),
        Method::GET,
        "/api/v1/cases".into(),
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, body) = partner_call(
        shelter_token.clone(),
        Method::GET,
        "/api/v1/partner/referrals".into(),
        None,
    )
    .await;
    assert_eq!(status, 403, "{body}");
    assert_eq!(body["error"], "forbidden");
    let (status, _) = partner_call(
        "ufp_guess".into(),
        Method::GET,
        "/api/v1/partner/referrals".into(),
        None,
    )
    .await;
    assert_eq!(status, 401);
    let (status, _) = partner_call(
        net.tokens[0].clone(),
        Method::GET,
        "/api/v1/partner/referrals".into(),
        None,
    )
    .await;
    assert_eq!(status, 403, "the admin token is not a partner token");

    // Staff work the case; the embassy sees the status move.
    let (_, cases) = net.call(0, Method::GET, "/api/v1/cases", None).await;
    assert_eq!(cases.as_array().unwrap().len(), 2);
    assert_eq!(cases[0]["priority"], "urgent");
    let id = mine["id"].as_str().unwrap();
    let (_, case) = net
        .call(0, Method::GET, &format!("/api/v1/cases/{id}"), None)
        .await;
    assert_eq!(case["channel"], "partner");
    assert_eq!(
        case["events"][0]["actor"],
        "partner Embassy of Indonesia, Kuala Lumpur"
    );
    assert_eq!(step(&net, id, json!({ "to": "verified" })).await.0, 200);
    let (_, status_now) = partner_call(
        embassy_token.clone(),
        Method::GET,
        format!("/api/v1/partner/referrals/{id}"),
        None,
    )
    .await;
    assert_eq!(status_now["status"], "verified");

    // A revoked token stops working at once.
    let pid = embassy["partner"]["id"].as_str().unwrap();
    let (status, _) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/partners/{pid}/revoke"),
            None,
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = partner_call(
        embassy_token,
        Method::GET,
        "/api/v1/partner/referrals".into(),
        None,
    )
    .await;
    assert_eq!(status, 401);
    net.shutdown().await;
}

async fn verified_case(net: &TestNet, i: usize, extra: Value) -> String {
    let (status, case) = net
        .call(i, Method::POST, "/api/v1/cases", Some(staff_case(extra)))
        .await;
    assert_eq!(status, 201, "{case}");
    let id = case["id"].as_str().unwrap().to_owned();
    let (status, body) = net
        .call(
            i,
            Method::POST,
            &format!("/api/v1/cases/{id}/transition"),
            Some(json!({ "to": "verified" })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn referrals_to_the_directory_need_consent_and_the_partner_reports_back() {
    let net = TestNet::new(2).await;
    // A partner whose token may see referrals to its shelter.
    let (_, partner) = net
        .call(
            0,
            Method::POST,
            "/api/v1/partners",
            Some(json!({ "name": "Tenaganita", "kind": "ngo", "country": "MY" })),
        )
        .await;
    let token = partner["token"].as_str().unwrap().to_owned();
    let pid = partner["partner"]["id"].as_str().unwrap().to_owned();
    let shelter = net
        .create(
            0,
            "/api/v1/directory",
            json!({ "country": "MY", "kind": "shelter", "name": "Tenaganita shelter",
                "contact": "+60 3 0000 0000", "partner": pid }),
        )
        .await;

    // The directory imports from CSV, all rows or none, naming the bad line.
    let csv = "country,kind,name,contact,languages\nMY,labour_attache,Labour attaché of Indonesia,+60 3 1111 1111,\"id,en\"\nMY,legal_aid,Bar Council Legal Aid Centre,+60 3 2222 2222,en\n";
    let import = |body: &'static str| {
        let net = &net;
        async move {
            let response = reqwest::Client::new()
                .post(net.url(0, "/api/v1/directory/import"))
                .bearer_auth(&net.tokens[0])
                .header("content-type", "text/csv")
                .body(body)
                .send()
                .await
                .unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap(),
            )
        }
    };
    let (status, body) = import("country,kind,name\nMY,shelter,One\nXX1,spa,Two\n").await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("line 3"),
        "{body}"
    );
    let (status, body) = import("name\nOne\n").await;
    assert_eq!(status, 422, "{body}");
    let (_, listed) = net.call(0, Method::GET, "/api/v1/directory", None).await;
    assert_eq!(
        listed.as_array().unwrap().len(),
        1,
        "a failed import adds nothing"
    );
    let (status, body) = import(csv).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["imported"], 2);
    let (_, legal) = net
        .call(
            0,
            Method::GET,
            "/api/v1/directory?country=MY&kind=legal_aid",
            None,
        )
        .await;
    assert_eq!(legal.as_array().unwrap().len(), 1);
    assert_eq!(legal[0]["name"], "Bar Council Legal Aid Centre");
    let legal = legal[0]["id"].as_str().unwrap().to_owned();

    let id = verified_case(&net, 0, json!({})).await;
    // No consent, no referral.
    let refer = |body: Value| {
        let net = &net;
        let id = id.clone();
        async move {
            net.call(
                0,
                Method::POST,
                &format!("/api/v1/cases/{id}/referrals"),
                Some(body),
            )
            .await
        }
    };
    let (status, body) = refer(json!({ "service": shelter })).await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("not consented"),
        "{body}"
    );
    // The worker agrees to the shelter, with their name and the description only.
    let (status, body) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/cases/{id}/consent"),
            Some(json!({ "given": "in_person", "contact_allowed": true,
                "services": [shelter], "purposes": ["safe accommodation"],
                "fields": ["worker_name", "description"] })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, referred) =
        refer(json!({ "service": shelter, "note": "Needs a bed tonight." })).await;
    assert_eq!(status, 200, "{referred}");
    assert_eq!(referred["status"], "referred");
    assert_eq!(referred["referrals"][0]["status"], "sent");
    // Legal aid is not covered: only an override with its legal basis sends it, and it is audited.
    let (status, _) = refer(json!({ "service": legal })).await;
    assert_eq!(status, 422);
    let (status, overridden) = refer(json!({ "service": legal,
        "override": { "legal_basis": "danger to life (PDP Act s. 45(2)(b))" } }))
    .await;
    assert_eq!(status, 200, "{overridden}");
    assert!(overridden["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["event"] == "consent_override" && e["actor"] == "admin token"));
    assert_eq!(
        overridden["referrals"][1]["override_basis"],
        "danger to life (PDP Act s. 45(2)(b))"
    );
    assert_eq!(net.metric(0, "unionfed_consent_overrides_total").await, 1);

    // The partner sees the referral to its shelter, with only what was consented.
    let client = reqwest::Client::new();
    let inbox: Value = client
        .get(net.url(0, "/api/v1/partner/inbox"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(inbox.as_array().map(Vec::len), Some(1), "{inbox}");
    assert_eq!(inbox[0]["worker_name"], "Budi Santoso");
    assert_eq!(inbox[0]["worker_contact"], Value::Null);
    assert_eq!(inbox[0]["employer"], Value::Null);
    let rid = inbox[0]["referral"].as_str().unwrap().to_owned();
    let response = client
        .post(net.url(0, &format!("/api/v1/partner/inbox/{rid}")))
        .bearer_auth(&token)
        .json(&json!({ "status": "accepted", "note": "Bed reserved." }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let legal_rid = overridden["referrals"][1]["id"].as_str().unwrap();
    let response = client
        .post(net.url(0, &format!("/api/v1/partner/inbox/{legal_rid}")))
        .bearer_auth(&token)
        .json(&json!({ "status": "done" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404, "not this partner's referral");
    // Staff record the legal aid centre's answer themselves.
    let (status, case) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/cases/{id}/referrals/{legal_rid}"),
            Some(json!({ "status": "declined", "note": "No lawyer free this month." })),
        )
        .await;
    assert_eq!(status, 200, "{case}");
    assert_eq!(case["referrals"][0]["status"], "accepted");
    assert_eq!(case["referrals"][0]["remark"], "Bed reserved.");
    assert_eq!(case["referrals"][1]["status"], "declined");
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_handed_across_the_border_reports_back_and_the_receipt_code_keeps_working() {
    let net = TestNet::new(2).await;
    net.wait_connected().await;
    // A worker files at home (KSPI) from the public form, then meets the officer.
    let (status, filed) = public(
        &net,
        "/api/v1/public/complaints",
        json!({ "kind": "complaint", "categories": ["unpaid_wages"], "name": "Wati",
            "destination_country": "MY", "employer": "Sdn Bhd Contoh",
            "description": "Four months unpaid at a factory in Johor." }),
    )
    .await;
    assert_eq!(status, 201, "{filed}");
    let code = filed["receipt_code"].as_str().unwrap().to_owned();
    let (_, cases) = net.call(0, Method::GET, "/api/v1/cases", None).await;
    let id = cases[0]["id"].as_str().unwrap().to_owned();
    net.call(
        0,
        Method::POST,
        &format!("/api/v1/cases/{id}/transition"),
        Some(json!({ "to": "verified" })),
    )
    .await;
    // Consent for MTUC covers the employer and the description, not the name.
    let (status, _) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/cases/{id}/referrals"),
            Some(json!({ "affiliate": "MTUC" })),
        )
        .await;
    assert_eq!(status, 422, "no consent yet");
    let (status, body) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/cases/{id}/consent"),
            Some(json!({ "given": "online", "contact_allowed": false,
                "affiliates": ["MTUC"], "purposes": ["recover unpaid wages"],
                "fields": ["employer", "description"] })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, sent) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/cases/{id}/referrals"),
            Some(json!({ "affiliate": "MTUC", "note": "Please take this up with the employer." })),
        )
        .await;
    assert_eq!(status, 200, "{sent}");
    let referral = sent["referrals"][0]["id"].as_str().unwrap().to_owned();

    // MTUC receives it as a new case, without the worker's name.
    let there = testnet::wait_for(60, "the referred case at MTUC", || async {
        let (_, cases) = net.call(1, Method::GET, "/api/v1/cases", None).await;
        cases.as_array().and_then(|c| c.first().cloned())
    })
    .await;
    assert_eq!(there["channel"], "affiliate");
    assert_eq!(there["from"], "KSPI");
    assert_eq!(there["referred_from"]["reference"], cases[0]["reference"]);
    assert_eq!(there["worker"]["name"], Value::Null);
    assert_eq!(there["employer"], "Sdn Bhd Contoh");
    let there_id = there["id"].as_str().unwrap().to_owned();
    // Until MTUC decides, the case does not move.
    let (status, body) = net
        .call(
            1,
            Method::POST,
            &format!("/api/v1/cases/{there_id}/transition"),
            Some(json!({ "to": "verified" })),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("take it or decline it first"),
        "{body}"
    );
    let (status, body) = net
        .call(
            1,
            Method::POST,
            &format!("/api/v1/cases/{there_id}/referral-decision"),
            Some(json!({ "accept": false })),
        )
        .await;
    assert_eq!(status, 422, "declining needs a reason: {body}");
    let (status, body) = net
        .call(
            1,
            Method::POST,
            &format!("/api/v1/cases/{there_id}/referral-decision"),
            Some(json!({ "accept": true })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let accepted = |want: &'static str| {
        let net = &net;
        let id = id.clone();
        async move {
            testnet::wait_for(60, &format!("the referral {want} at KSPI"), || async {
                let (_, case) = net
                    .call(0, Method::GET, &format!("/api/v1/cases/{id}"), None)
                    .await;
                (case["referrals"][0]["status"] == want).then_some(case)
            })
            .await
        }
    };
    accepted("accepted").await;
    // MTUC works the case; each move flows back.
    for body in [
        json!({ "to": "in_progress" }),
        json!({ "to": "resolved", "outcome": "remedied", "note": "Wages paid in full." }),
    ] {
        let (status, r) = net
            .call(
                1,
                Method::POST,
                &format!("/api/v1/cases/{there_id}/transition"),
                Some(body),
            )
            .await;
        assert_eq!(status, 200, "{r}");
    }
    let home = accepted("done").await;
    assert_eq!(home["handled_elsewhere"]["status"], "resolved");
    assert_eq!(home["handled_elsewhere"]["outcome"], "remedied");
    assert!(home["events"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["event"] == "referral_update"));
    // The worker, with the code KSPI gave, sees where the case stands across the border.
    let (status, view) = public(
        &net,
        "/api/v1/public/cases/status",
        json!({ "receipt_code": code }),
    )
    .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(view["status"], "referred");
    assert_eq!(view["handled_by"]["affiliate"], "MTUC");
    assert_eq!(view["handled_by"]["status"], "resolved");
    assert_eq!(referral.len(), 32);

    // A case MTUC cannot take comes back declined, with MTUC's reason.
    let second = verified_case(&net, 0, json!({ "destination_country": "SG" })).await;
    net.call(0, Method::POST, &format!("/api/v1/cases/{second}/consent"),
        Some(json!({ "given": "in_person", "contact_allowed": true,
            "affiliates": ["MTUC"], "purposes": ["recover unpaid wages"], "fields": ["description"] })))
        .await;
    let (status, body) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/cases/{second}/referrals"),
            Some(json!({ "affiliate": "MTUC" })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let there = testnet::wait_for(60, "the second case at MTUC", || async {
        let (_, cases) = net
            .call(1, Method::GET, "/api/v1/cases?status=new", None)
            .await;
        cases.as_array().and_then(|c| c.first().cloned())
    })
    .await;
    let there_id = there["id"].as_str().unwrap();
    let (status, body) = net
        .call(1, Method::POST, &format!("/api/v1/cases/{there_id}/referral-decision"),
            Some(json!({ "accept": false, "reason": "The worker is in Singapore; refer to the Singapore affiliate." })))
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["status"], "rejected");
    let declined = testnet::wait_for(60, "the decline at KSPI", || async {
        let (_, case) = net
            .call(0, Method::GET, &format!("/api/v1/cases/{second}"), None)
            .await;
        (case["referrals"][0]["status"] == "declined").then_some(case)
    })
    .await;
    assert!(
        declined["referrals"][0]["remark"]
            .as_str()
            .unwrap()
            .contains("Singapore affiliate"),
        "{declined}"
    );
    // A decided referral is not decided again.
    let (status, _) = net
        .call(
            1,
            Method::POST,
            &format!("/api/v1/cases/{there_id}/referral-decision"),
            Some(json!({ "accept": true })),
        )
        .await;
    assert_eq!(status, 422);
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_substituted_contract_is_shown_side_by_side_and_flagged() {
    let net = TestNet::new(2).await;
    let id = verified_case(&net, 0, json!({ "categories": ["contract_substitution"] })).await;
    let signed = json!({ "employer": "Sdn Bhd Contoh", "position": "Machine operator",
        "monthly_wage": 1700, "currency": "MYR", "hours_per_week": 48,
        "rest_days_per_month": 4, "duration_months": 24 });
    let experienced = json!({ "employer": "Sdn Bhd Contoh", "position": "Cleaner",
        "monthly_wage": 1100, "currency": "MYR", "hours_per_week": 72,
        "rest_days_per_month": 0 });
    let (status, case) = net
        .call(0, Method::POST, &format!("/api/v1/cases/{id}/contract"),
            Some(json!({ "signed": signed, "experienced": experienced,
                "document_sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" })))
        .await;
    assert_eq!(status, 200, "{case}");
    let contract = &case["contract"];
    assert_eq!(contract["substitution"], true);
    let terms: Vec<&str> = contract["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["term"].as_str().unwrap())
        .collect();
    assert_eq!(
        terms,
        [
            "position",
            "monthly_wage",
            "hours_per_week",
            "rest_days_per_month"
        ]
    );
    assert_eq!(contract["differences"][1]["signed"], "1700");
    assert_eq!(contract["differences"][1]["experienced"], "1100");
    let last = case["events"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["event"], "contract");
    assert_eq!(last["substitution"], true);
    // Impossible terms are refused and the evidence stays as it was.
    let (status, body) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/cases/{id}/contract"),
            Some(json!({ "signed": signed, "experienced": { "hours_per_week": 200 } })),
        )
        .await;
    assert_eq!(status, 422, "{body}");
    assert!(body["message"].as_str().unwrap().contains("hours_per_week"));
    let (_, after) = net
        .call(0, Method::GET, &format!("/api/v1/cases/{id}"), None)
        .await;
    assert_eq!(after["contract"], case["contract"]);
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn statistics_suppress_small_cells_and_survive_the_retention_purge() {
    let mut net = TestNet::prepare_tuned(2, |c| {
        c.stats_min_cell = 2;
        c.case_retention_days = 0;
    });
    net.start(0).await;
    net.start(1).await;
    let mut ids = Vec::new();
    for i in 0..3 {
        // What the public form lets anyone type must not run in a spreadsheet.
        let extra = if i == 2 {
            json!({ "sector": "=HYPERLINK(\"http://evil.example\",\"open\")" })
        } else {
            json!({})
        };
        ids.push(verified_case(&net, 0, extra).await);
    }
    let odd = verified_case(
        &net,
        0,
        json!({ "categories": ["excessive_hours"], "sector": "Fishing",
            "description": "<script>alert('x')</script> sixteen hours a day" }),
    )
    .await;
    let (status, stats) = net.call(0, Method::GET, "/api/v1/cases/stats", None).await;
    assert_eq!(status, 200, "{stats}");
    assert_eq!(stats["min_cell"], 2);
    assert_eq!(stats["total"], 4);
    let cell = |group: &str, key: &str| {
        stats[group]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == key)
            .unwrap_or_else(|| panic!("no {key} in {group}: {stats}"))["count"]
            .clone()
    };
    assert_eq!(cell("by_category", "unpaid_wages"), 3);
    assert_eq!(
        cell("by_category", "excessive_hours"),
        Value::Null,
        "one case is too few to show"
    );
    assert_eq!(cell("by_sector", "fishing"), Value::Null);
    assert_eq!(cell("by_corridor", "ID→MY"), 4);
    assert!(stats["suppressed_cells"].as_u64().unwrap() >= 2);
    assert!(stats["median_hours_to_first_action"].is_number(), "{stats}");

    // The register: one row per case, and no names.
    let response = reqwest::Client::new()
        .get(net.url(0, "/api/v1/cases/export.csv?category=unpaid_wages"))
        .bearer_auth(&net.tokens[0])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = response.text().await.unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    assert!(csv.starts_with("reference,kind,status"));
    assert!(
        csv.contains(r#""'=HYPERLINK(""http://evil.example"",""open"")""#),
        "a formula cell is kept as text: {csv}"
    );
    assert!(
        !csv.contains("Budi Santoso") && !csv.contains("wages not paid"),
        "{csv}"
    );
    // The printable report escapes what people typed.
    let html = reqwest::Client::new()
        .get(net.url(0, &format!("/api/v1/cases/{odd}/report")))
        .bearer_auth(&net.tokens[0])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        html.contains("&lt;script&gt;") && !html.contains("<script>"),
        "{html}"
    );
    assert!(html.contains("Excessive hours") && html.contains("@media print"));

    // Resolve and close two cases; retention (0 days here) erases them, and
    // the figures stay the same.
    for id in &ids[..2] {
        for body in [
            json!({ "to": "resolved", "outcome": "remedied" }),
            json!({ "to": "closed" }),
        ] {
            assert_eq!(step(&net, id, body).await.0, 200);
        }
    }
    let (_, before) = net.call(0, Method::GET, "/api/v1/cases/stats", None).await;
    let (status, run) = net
        .call(0, Method::POST, "/api/v1/cases/retention", None)
        .await;
    assert_eq!(status, 200, "{run}");
    assert_eq!(run["erased"], 2);
    let (_, after) = net.call(0, Method::GET, "/api/v1/cases/stats", None).await;
    for group in [
        "total",
        "by_category",
        "by_corridor",
        "by_sector",
        "by_status",
        "by_outcome",
        "by_channel",
        "median_days_to_resolution",
    ] {
        assert_eq!(before[group], after[group], "{group} changed");
    }
    let (_, erased) = net
        .call(0, Method::GET, &format!("/api/v1/cases/{}", ids[0]), None)
        .await;
    assert_eq!(erased["erased"], true);
    assert_eq!(erased["worker"]["name"], Value::Null);
    assert_eq!(erased["description"], "(erased)");
    assert_eq!(erased["categories"], json!(["unpaid_wages"]));
    assert_eq!(
        erased["events"].as_array().unwrap().last().unwrap()["event"],
        "erased"
    );
    let (_, again) = net
        .call(0, Method::POST, "/api/v1/cases/retention", None)
        .await;
    assert_eq!(again["erased"], 0);

    // A worker asks for their data, then for its erasure: the receipt code stops working.
    let (_, filed) = public(
        &net,
        "/api/v1/public/complaints",
        json!({ "kind": "inquiry", "categories": ["other"], "name": "Nur", "description": "How do I renew my permit?" }),
    )
    .await;
    let code = filed["receipt_code"].as_str().unwrap().to_owned();
    let (_, all) = net
        .call(0, Method::GET, "/api/v1/cases?status=new", None)
        .await;
    let id = all[0]["id"].as_str().unwrap().to_owned();
    let (status, export) = net
        .call(0, Method::GET, &format!("/api/v1/cases/{id}/export"), None)
        .await;
    assert_eq!(status, 200);
    assert_eq!(export["worker"]["name"], "Nur");
    let (status, body) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/cases/{id}/erase"),
            Some(json!({})),
        )
        .await;
    assert_eq!(status, 422, "the reason is required: {body}");
    let (status, erased) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/cases/{id}/erase"),
            Some(json!({ "reason": "asked in person at the hub" })),
        )
        .await;
    assert_eq!(status, 200, "{erased}");
    assert_eq!(erased["worker"]["name"], Value::Null);
    let (status, _) = public(
        &net,
        "/api/v1/public/cases/status",
        json!({ "receipt_code": code }),
    )
    .await;
    assert_eq!(status, 404, "an erased case opens to no code");
    net.shutdown().await;
}

/// A one-page PDF saying `text`, with an information dictionary naming
/// `author` and the software that wrote it, as an office suite leaves it.
fn pdf_saying(text: &str, author: &str) -> Vec<u8> {
    let content = format!("BT /F1 12 Tf ({text}) Tj ET");
    format!(
        "%PDF-1.4\n1 0 obj\n<</Type/Catalog/Pages 2 0 R>>\nendobj\n\
         2 0 obj\n<</Type/Pages/Kids[3 0 R]/Count 1>>\nendobj\n\
         3 0 obj\n<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Contents 4 0 R>>\nendobj\n\
         4 0 obj\n<</Length {}>>\nstream\n{content}\nendstream\nendobj\n\
         5 0 obj\n<</Author ({author})/Producer (WriterApp 7)/CreationDate (D:20260115093000)>>\nendobj\n\
         trailer\n<</Root 1 0 R/Info 5 0 R>>\n%%EOF\n",
        content.len()
    )
    .into_bytes()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_adds_a_photo_and_its_location_never_reaches_the_store() {
    let mut net = TestNet::prepare_tuned(2, |c| c.max_attachment_bytes = 64 * 1024);
    net.start(0).await;
    net.start(1).await;
    let photo = include_bytes!("fixtures/photo-with-gps.jpg");
    let (_, filed) = public(
        &net,
        "/api/v1/public/complaints",
        json!({ "kind": "complaint", "categories": ["document_retention"], "description": "This is my passport in the employer's drawer." }),
    )
    .await;
    let code = filed["receipt_code"].as_str().unwrap().to_owned();
    let upload = |code: Option<&str>, kind: &str, body: Vec<u8>| {
        let net = &net;
        let code = code.map(str::to_owned);
        let kind = kind.to_owned();
        async move {
            let mut request = reqwest::Client::new()
                .post(net.url(0, "/api/v1/public/cases/attachments?name=passport.jpg"))
                .header("content-type", kind)
                .body(body);
            if let Some(c) = code {
                request = request.header("x-receipt-code", c);
            }
            let response = request.send().await.unwrap();
            (
                response.status().as_u16(),
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let (status, _) = upload(None, "image/jpeg", photo.to_vec()).await;
    assert_eq!(status, 401, "no receipt code");
    let (status, body) = upload(Some(&code), "image/jpeg", b"GIF89a not a jpeg".to_vec()).await;
    assert_eq!(status, 422, "{body}");
    let (status, body) = upload(Some(&code), "image/jpeg", vec![0xFF; 100 * 1024]).await;
    assert_eq!(status, 413, "{body}");
    let (status, body) = upload(Some(&code), "image/jpeg", photo.to_vec()).await;
    assert_eq!(status, 201, "{body}");

    let (_, cases) = net.call(0, Method::GET, "/api/v1/cases", None).await;
    let case = &cases[0];
    let attached = &case["attachments"][0];
    assert_eq!(attached["name"], "passport.jpg");
    assert_eq!(attached["content_type"], "image/jpeg");
    assert_eq!(attached["metadata_removed"], true);
    assert_eq!(attached["added_by"], "worker");
    // Dated to the day, as the complaint is, in the case and in the trail.
    assert_eq!(
        attached["added_at"].as_u64().unwrap() % 86_400,
        0,
        "{attached}"
    );
    let public_records: Vec<_> = net
        .node(0)
        .state()
        .audit_newest_first()
        .map(|r| r.unwrap())
        .filter(|r| r.actor == "public")
        .collect();
    assert!(public_records.len() >= 2, "{public_records:?}");
    assert!(
        public_records.iter().all(|r| r.at.secs() % 86_400 == 0),
        "{public_records:?}"
    );
    let id = case["id"].as_str().unwrap();
    let download = |sha: &str| {
        reqwest::Client::new()
            .get(net.url(0, &format!("/api/v1/cases/{id}/attachments/{sha}")))
            .bearer_auth(&net.tokens[0])
            .send()
    };
    let file = download(attached["sha256"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["x-content-type-options"], "nosniff");
    let bytes = file.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xFF, 0xD8]));
    assert!(bytes.len() < photo.len());
    let text = String::from_utf8_lossy(&bytes);
    assert!(!text.contains("CheapPhone") && !text.contains("Jalan Contoh"));
    // Staff may attach the scanned contract as a PDF.
    let response = reqwest::Client::new()
        .post(net.url(
            0,
            &format!("/api/v1/cases/{id}/attachments?name=contract.pdf"),
        ))
        .bearer_auth(&net.tokens[0])
        .header("content-type", "application/pdf")
        .body(pdf_saying(
            "Contract: 1500 MYR a month",
            "Agen Contoh Recruitment",
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let case: Value = response.json().await.unwrap();
    // Added by whoever holds the token, whatever a header says.
    assert_eq!(case["attachments"][1]["added_by"], "admin token");
    assert_eq!(case["attachments"][1]["metadata_removed"], true);
    // The page is there; who wrote it with what is not.
    let stored = download(case["attachments"][1]["sha256"].as_str().unwrap())
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let text = String::from_utf8_lossy(&stored);
    assert!(text.contains("Contract: 1500 MYR a month"), "{text}");
    assert!(
        !text.contains("Agen Contoh") && !text.contains("WriterApp"),
        "{text}"
    );
    // A file keeps a name in the worker's own script when downloaded...
    let pdf = pdf_saying("Payslip, March", "Finance office");
    let attach = |name: &'static str| {
        reqwest::Client::new()
            .post(net.url(0, &format!("/api/v1/cases/{id}/attachments")))
            .query(&[("name", name)])
            .bearer_auth(&net.tokens[0])
            .header("content-type", "application/pdf")
            .body(pdf.clone())
            .send()
    };
    let response = attach("စာချုပ် \"2024\".pdf").await.unwrap();
    assert_eq!(response.status(), 200);
    let case: Value = response.json().await.unwrap();
    let file = download(case["attachments"][2]["sha256"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(
        file.headers()["content-disposition"],
        "attachment; filename=\"_______ _2024_.pdf\"; \
         filename*=UTF-8''%E1%80%85%E1%80%AC%E1%80%81%E1%80%BB%E1%80%AF%E1%80%95%E1%80%BA%20_2024_.pdf"
    );
    // ...and a name that would break the answer's headers is refused by name.
    let response = attach("contract\r\nSet-Cookie: x=1.pdf").await.unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().contains("name"), "{body}");

    // The store holds no trace of the phone or the place.
    let data_dir = net.node(0).state().data_dir.clone();
    net.stop(0).await;
    let db = sled::open(data_dir.join("store")).unwrap();
    let tree = db.open_tree("data").unwrap();
    for item in tree.iter() {
        let (_, v) = item.unwrap();
        let v = String::from_utf8_lossy(&v);
        assert!(!v.contains("CheapPhone") && !v.contains("Jalan Contoh"));
    }
}

/// KSPI hands Wati Susanti's case to MTUC; then she narrows her consent
/// while MTUC is down, and later has her data erased: each change reaches
/// MTUC's copy, and KSPI's case shows, per recipient, pending or applied.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_narrowed_consent_and_an_erasure_follow_the_case_across_the_border() {
    let mut net = TestNet::new(2).await;
    net.wait_connected().await;
    let (status, case) = net
        .call(
            0,
            Method::POST,
            "/api/v1/cases",
            Some(json!({
                "kind": "complaint", "how": "walk_in", "categories": ["unpaid_wages"],
                "origin_country": "ID", "destination_country": "MY", "sector": "manufacturing",
                "employer": "Sdn Bhd Contoh", "worker_name": "Wati Susanti",
                "worker_contact": "+62 812 5555 0101",
                "description": "Four months unpaid at a factory in Johor."
            })),
        )
        .await;
    assert_eq!(status, 201, "{case}");
    let id = case["id"].as_str().unwrap().to_owned();
    net.call(
        0,
        Method::POST,
        &format!("/api/v1/cases/{id}/transition"),
        Some(json!({ "to": "verified" })),
    )
    .await;
    let consent = |fields: Value, affiliates: Value| {
        json!({ "given": "in_person", "contact_allowed": true, "affiliates": affiliates,
            "purposes": ["recover unpaid wages"], "fields": fields })
    };
    let (status, body) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/cases/{id}/consent"),
            Some(consent(
                json!(["worker_name", "worker_contact", "employer", "description"]),
                json!(["MTUC"]),
            )),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let (status, sent) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/cases/{id}/referrals"),
            Some(json!({ "affiliate": "MTUC" })),
        )
        .await;
    assert_eq!(status, 200, "{sent}");
    let there = testnet::wait_for(60, "the referred case at MTUC", || async {
        let (_, cases) = net.call(1, Method::GET, "/api/v1/cases", None).await;
        cases.as_array().and_then(|c| c.first().cloned())
    })
    .await;
    assert_eq!(there["worker"]["name"], "Wati Susanti");
    assert_eq!(there["worker"]["contact"], "+62 812 5555 0101");
    let there_path = format!("/api/v1/cases/{}", there["id"].as_str().unwrap());

    // She narrows it to the employer and the description while MTUC is down.
    net.stop(1).await;
    let (status, narrowed) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/cases/{id}/consent"),
            Some(consent(json!(["employer", "description"]), json!(["MTUC"]))),
        )
        .await;
    assert_eq!(status, 200, "{narrowed}");
    let referral = &narrowed["referrals"][0];
    assert_eq!(referral["fields"], json!(["employer", "description"]));
    assert_eq!(referral["changes"][0]["change"], "narrowed");
    let (_, at_kspi) = net
        .call(0, Method::GET, &format!("/api/v1/cases/{id}"), None)
        .await;
    assert_eq!(
        at_kspi["referrals"][0]["changes"][0]["applied_at"],
        Value::Null,
        "pending while MTUC is down: {at_kspi}"
    );
    // The officer's case page says so, per recipient.
    let admin = staffweb::admin_session_at(&net, 0).await;
    let page = staffweb::send_at(
        &net,
        0,
        Method::GET,
        &format!("/cases/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert!(
        page.body.contains("Consent narrowed, sent ")
            && page.body.contains("pending: MTUC has not received it yet"),
        "{}",
        page.body
    );

    // MTUC comes back and applies it; KSPI sees it applied.
    net.start(1).await;
    net.connect_all().await;
    testnet::wait_for(60, "the narrowed consent applied at MTUC", || async {
        let (_, case) = net.call(1, Method::GET, &there_path, None).await;
        (case["worker"]["name"].is_null() && case["worker"]["contact"].is_null()).then_some(case)
    })
    .await;
    let (_, case) = net.call(1, Method::GET, &there_path, None).await;
    assert_eq!(
        case["employer"], "Sdn Bhd Contoh",
        "what is still allowed stays"
    );
    testnet::wait_for(60, "KSPI sees the change applied", || async {
        let (_, case) = net
            .call(0, Method::GET, &format!("/api/v1/cases/{id}"), None)
            .await;
        (!case["referrals"][0]["changes"][0]["applied_at"].is_null()).then_some(())
    })
    .await;
    let page = staffweb::send_at(
        &net,
        0,
        Method::GET,
        &format!("/cases/{id}"),
        Some(&admin),
        None,
    )
    .await;
    assert!(page.body.contains("to MTUC: applied "), "{}", page.body);

    // She asks KSPI to erase her data: MTUC's copy is erased too.
    let (status, erased) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/cases/{id}/erase"),
            Some(json!({ "reason": "the worker asked for erasure" })),
        )
        .await;
    assert_eq!(status, 200, "{erased}");
    assert_eq!(erased["referrals"][0]["changes"][1]["change"], "erased");
    let gone = testnet::wait_for(60, "the erasure applied at MTUC", || async {
        let (_, case) = net.call(1, Method::GET, &there_path, None).await;
        (case["erased"] == true).then_some(case)
    })
    .await;
    let text = gone.to_string();
    assert!(
        !text.contains("Sdn Bhd Contoh") && !text.contains("Johor"),
        "{text}"
    );
    // MTUC's trail says who changed its copy: KSPI, over a handoff.
    let applied = net
        .node(1)
        .state()
        .audit_newest_first()
        .map(|r| r.unwrap())
        .filter(|r| r.action == "handoff_applied" && r.detail.as_deref() == Some("case change"))
        .count();
    assert_eq!(applied, 2);
    // Nothing of her is left in MTUC's data folder once it has compacted
    // its store: not the case, and not the sealed referral it received,
    // which MTUC's own key could otherwise still open.
    let referral: unionfed_protocol::HandoffId = sent["referrals"][0]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let opened = net.node(1).state().open_received(&referral);
    assert!(
        opened
            .as_ref()
            .is_err_and(|e| e.to_string().contains("sealed contents were not kept")),
        "{opened:?}"
    );
    let mtuc_dir = net.node(1).state().data_dir.clone();
    net.stop(1).await;
    net.start(1).await;
    for secret in [
        "Wati Susanti",
        "+62 812 5555 0101",
        "Sdn Bhd Contoh",
        "factory in Johor",
    ] {
        let hits = datadir::files_holding(&mtuc_dir, secret.as_bytes());
        assert!(hits.is_empty(), "{secret:?} is still in {hits:?}");
    }
    net.shutdown().await;
}

/// After an erasure and the store's compaction (which the node runs when
/// it next starts), no file of the data folder holds the worker's name,
/// contact, narrative or the bytes of her file.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn erased_means_gone_from_every_file_of_the_data_folder() {
    let mut net = TestNet::new(2).await;
    let (status, case) = net
        .call(
            0,
            Method::POST,
            "/api/v1/cases",
            Some(json!({
                "kind": "complaint", "how": "walk_in", "categories": ["document_retention"],
                "worker_name": "Zulaikha Rahmawati", "worker_contact": "+62 899 7777 2121",
                "employer": "PT Penahan Paspor",
                "description": "The agent keeps her passport in a locked drawer in Bekasi."
            })),
        )
        .await;
    assert_eq!(status, 201, "{case}");
    let id = case["id"].as_str().unwrap().to_owned();
    let png = include_bytes!("fixtures/screenshot-with-text.png");
    let attached: Value = reqwest::Client::new()
        .post(net.url(
            0,
            &format!("/api/v1/cases/{id}/attachments?name=passport.png"),
        ))
        .bearer_auth(&net.tokens[0])
        .header("content-type", "image/png")
        .body(png.to_vec())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let sha = attached["attachments"][0]["sha256"]
        .as_str()
        .unwrap()
        .to_owned();
    let stored = reqwest::Client::new()
        .get(net.url(0, &format!("/api/v1/cases/{id}/attachments/{sha}")))
        .bearer_auth(&net.tokens[0])
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    // The pixels' compressed bytes: what the file is, not its header.
    let idat = stored.windows(4).position(|w| w == b"IDAT").unwrap();
    let file_bytes = stored[idat..stored.len().min(idat + 48)].to_vec();
    let dir = net.node(0).state().data_dir.clone();
    let secrets: Vec<Vec<u8>> = vec![
        b"Zulaikha Rahmawati".to_vec(),
        b"+62 899 7777 2121".to_vec(),
        b"PT Penahan Paspor".to_vec(),
        b"locked drawer in Bekasi".to_vec(),
        file_bytes,
    ];
    net.node(0).state().flush_blocking().unwrap();
    assert!(
        !datadir::files_holding(&dir, &secrets[0]).is_empty(),
        "the check can see a name"
    );

    let (status, body) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/cases/{id}/erase"),
            Some(json!({ "reason": "asked in person at the office" })),
        )
        .await;
    assert_eq!(status, 200, "{body}");
    // The node compacts its store when it starts after an erasure.
    net.stop(0).await;
    net.start(0).await;
    for secret in &secrets {
        let hits = datadir::files_holding(&dir, secret);
        assert!(
            hits.is_empty(),
            "{:?} is still in {hits:?}",
            String::from_utf8_lossy(secret)
        );
    }
    // What was not erased is all there.
    let (status, after) = net
        .call(0, Method::GET, &format!("/api/v1/cases/{id}"), None)
        .await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["erased"], true);
    assert_eq!(after["reference"], case["reference"]);
    let erasures = net
        .node(0)
        .state()
        .audit_newest_first()
        .map(|r| r.unwrap())
        .filter(|r| r.action == "erase_case" && r.target == id)
        .count();
    assert_eq!(erasures, 1, "the trail survives the compaction");
    net.shutdown().await;
}
