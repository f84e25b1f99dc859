//! The HTTP API of a real node: every endpoint with good input, and with
//! malformed JSON, no token, a wrong token, an oversized body and unknown ids.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod testnet;

use reqwest::{Client, Method, StatusCode};
use serde_json::{json, Value};
use testnet::TestNet;

struct Api {
    net: TestNet,
    http: Client,
}

impl Api {
    async fn new() -> Api {
        Api {
            net: TestNet::new(2).await,
            http: Client::new(),
        }
    }

    fn url(&self, path: &str) -> String {
        self.net.url(0, path)
    }

    fn token(&self) -> &str {
        &self.net.tokens[0]
    }

    async fn call(&self, method: Method, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        self.net.call(0, method, path, body).await
    }

    async fn enrol(&self) -> Value {
        let (status, body) = self
            .call(
                Method::POST,
                "/api/v1/members",
                Some(json!({
                    "holder_name": "Siti Rahayu",
                    "date_of_birth": "1994-07-21",
                    "contact": "+62 812 0000 0000",
                    "sector": "domestic work",
                    "employer": "private household",
                    "origin_country": "ID",
                    "destination_country": "MY"
                })),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body
    }
}

fn assert_error(status: StatusCode, body: &Value, expected: StatusCode, code: &str) {
    assert_eq!(status, expected, "{body}");
    assert_eq!(body["error"], code, "{body}");
    assert!(!body["message"].as_str().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_can_be_enrolled_read_changed_and_given_cards() {
    let api = Api::new().await;
    let member = api.enrol().await;
    let id = member["id"].as_str().unwrap();
    assert_eq!(member["member_id"], id);
    assert_eq!(member["status"], "active");
    assert_eq!(member["attestation_seq"], 1);

    let (status, read) = api
        .call(Method::GET, &format!("/api/v1/members/{id}"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(read["holder_name"], "Siti Rahayu");
    assert_eq!(read["employer"], "private household");

    let (status, patched) = api
        .call(
            Method::PATCH,
            &format!("/api/v1/members/{id}"),
            Some(json!({ "employer": "PT Contoh" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(patched["employer"], "PT Contoh");
    assert_eq!(
        patched["attestation_seq"], 1,
        "no new attestation without a new name"
    );

    let (status, renamed) = api
        .call(
            Method::PATCH,
            &format!("/api/v1/members/{id}"),
            Some(json!({ "holder_name": "Siti R." })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(renamed["attestation_seq"], 2);
    assert_ne!(renamed["salt"], member["salt"]);

    let (status, card) = api
        .call(Method::GET, &format!("/api/v1/members/{id}/card"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let card = card["card"].as_str().unwrap().to_owned();
    assert!(card.starts_with("UF1:"));
    let (status, verdict) = api
        .call(
            Method::POST,
            "/api/v1/cards/verify",
            Some(json!({ "card": card })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(verdict["valid"], true, "{verdict}");
    assert_eq!(verdict["holder_name"], "Siti R.");

    let svg = api
        .http
        .get(api.url(&format!("/api/v1/members/{id}/card.svg")))
        .bearer_auth(api.token())
        .send()
        .await
        .unwrap();
    assert_eq!(svg.headers()["content-type"], "image/svg+xml");
    assert!(svg.text().await.unwrap().contains("<svg"));
    let png = api
        .http
        .get(api.url(&format!("/api/v1/members/{id}/card.png")))
        .bearer_auth(api.token())
        .send()
        .await
        .unwrap();
    assert_eq!(png.headers()["content-type"], "image/png");
    assert_eq!(&png.bytes().await.unwrap()[..4], b"\x89PNG");

    let (status, suspended) = api
        .call(
            Method::POST,
            &format!("/api/v1/members/{id}/status"),
            Some(json!({ "status": "suspended", "reason": "dues unpaid for six months" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(suspended["status"], "suspended");
    assert_eq!(suspended["attestation_seq"], 3);
    let (status, body) = api
        .call(Method::GET, &format!("/api/v1/members/{id}/card"), None)
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
    );
    let (_, verdict) = api
        .call(
            Method::POST,
            "/api/v1/cards/verify",
            Some(json!({ "card": card })),
        )
        .await;
    assert_eq!(verdict["valid"], false);
    assert_eq!(verdict["status"], "suspended");
    api.net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_get_clear_errors_and_change_nothing() {
    let api = Api::new().await;
    let member = api.enrol().await;
    let id = member["id"].as_str().unwrap().to_owned();
    let member_path = format!("/api/v1/members/{id}");

    // Malformed JSON.
    let response = api
        .http
        .post(api.url("/api/v1/members"))
        .bearer_auth(api.token())
        .header("content-type", "application/json")
        .body("{\"holder_name\": ")
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert_error(
        status,
        &response.json().await.unwrap(),
        StatusCode::BAD_REQUEST,
        "malformed_json",
    );
    // Not JSON at all.
    let response = api
        .http
        .post(api.url("/api/v1/members"))
        .bearer_auth(api.token())
        .body("holder_name=x")
        .send()
        .await
        .unwrap();
    let status = response.status();
    assert_error(
        status,
        &response.json().await.unwrap(),
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "json_content_type",
    );
    // Wrong types, unknown fields, bad values.
    for bad in [
        json!({ "holder_name": 42 }),
        json!({ "holder_name": "A", "passport_number": "X123" }),
        json!({ "holder_name": "A", "origin_country": "Indonesia" }),
    ] {
        let (status, body) = api.call(Method::POST, "/api/v1/members", Some(bad)).await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_json",
        );
    }
    for bad in [
        json!({ "holder_name": "   " }),
        json!({ "holder_name": "A", "date_of_birth": "21/07/1994" }),
        json!({ "holder_name": "A\u{0007}" }),
    ] {
        let (status, body) = api.call(Method::POST, "/api/v1/members", Some(bad)).await;
        assert_error(
            status,
            &body,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
        );
    }
    let (status, body) = api
        .call(
            Method::POST,
            &format!("{member_path}/status"),
            Some(json!({ "status": "expelled", "reason": "x" })),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_json",
    );
    let (status, body) = api
        .call(
            Method::POST,
            &format!("{member_path}/status"),
            Some(json!({ "status": "revoked", "reason": " " })),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_input",
    );

    // Oversized body.
    let huge = json!({ "holder_name": "x".repeat(100_000) });
    let (status, body) = api.call(Method::POST, "/api/v1/members", Some(huge)).await;
    assert_error(
        status,
        &body,
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
    );

    // Unknown and malformed member ids.
    let unknown = "00000000000000000000000000000000";
    for path in [
        format!("/api/v1/members/{unknown}"),
        format!("/api/v1/members/{unknown}/card"),
        format!("/api/v1/members/{unknown}/card.svg"),
    ] {
        let (status, body) = api.call(Method::GET, &path, None).await;
        assert_error(status, &body, StatusCode::NOT_FOUND, "not_found");
    }
    let (status, body) = api
        .call(Method::GET, "/api/v1/members/not-an-id", None)
        .await;
    assert_error(status, &body, StatusCode::BAD_REQUEST, "invalid_member_id");
    let (status, body) = api.call(Method::GET, "/api/v1/nothing-here", None).await;
    assert_error(status, &body, StatusCode::NOT_FOUND, "no_route");
    // A mistyped page address gets a page in the reader's language.
    let page = reqwest::Client::new()
        .get(api.url("/p/cse"))
        .header("accept-language", "id")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
    assert!(page.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let text = page.text().await.unwrap();
    assert!(
        text.contains("Tidak ada halaman di alamat ini") && !text.contains("openapi"),
        "{text}"
    );

    // The member is exactly as enrolled, and the log has only its first entry.
    let (_, after) = api.call(Method::GET, &member_path, None).await;
    assert_eq!(after, member);
    assert_eq!(api.net.heads(0), vec![("KSPI".to_owned(), 1)]);
    api.net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn admin_endpoints_need_the_right_token() {
    let api = Api::new().await;
    let member = api.enrol().await;
    let id = member["id"].as_str().unwrap();
    let endpoints = [
        (Method::POST, "/api/v1/members".to_owned()),
        (Method::GET, format!("/api/v1/members/{id}")),
        (Method::PATCH, format!("/api/v1/members/{id}")),
        (Method::POST, format!("/api/v1/members/{id}/status")),
        (Method::GET, format!("/api/v1/members/{id}/card")),
        (Method::GET, format!("/api/v1/members/{id}/card.svg")),
        (Method::GET, format!("/api/v1/members/{id}/card.png")),
        (Method::GET, "/api/v1/federation".to_owned()),
        (Method::POST, "/api/v1/charter".to_owned()),
        (Method::GET, format!("/api/v1/members/{id}/consents")),
        (Method::POST, format!("/api/v1/members/{id}/consents")),
        (Method::GET, format!("/api/v1/members/{id}/transfers")),
        (Method::GET, "/api/v1/transfers".to_owned()),
        (Method::POST, "/api/v1/transfers".to_owned()),
    ];
    for (method, path) in &endpoints {
        let response = api
            .http
            .request(method.clone(), api.url(path))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert_error(
            status,
            &response.json().await.unwrap(),
            StatusCode::UNAUTHORIZED,
            "missing_token",
        );
        let response = api
            .http
            .request(method.clone(), api.url(path))
            .bearer_auth(&api.net.tokens[1])
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        let status = response.status();
        assert_error(
            status,
            &response.json().await.unwrap(),
            StatusCode::UNAUTHORIZED,
            "wrong_token",
        );
    }
    api.net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_and_operator_endpoints_answer() {
    use unionfed_protocol::wire::{StatusSnapshot, WireMessage};
    let api = Api::new().await;
    let member = api.enrol().await;

    let (status, verdict) = api
        .call(
            Method::POST,
            "/api/v1/cards/verify",
            Some(json!({ "card": "HC1:not ours" })),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(verdict["valid"], false);
    assert_eq!(verdict["problems"][0]["code"], "card_prefix");
    let (status, body) = api
        .call(
            Method::POST,
            "/api/v1/cards/verify",
            Some(json!({ "text": "x" })),
        )
        .await;
    assert_error(
        status,
        &body,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_json",
    );

    let snapshot = reqwest::get(api.url("/api/v1/status-snapshot"))
        .await
        .unwrap();
    assert_eq!(
        snapshot.headers()["content-type"],
        "application/octet-stream"
    );
    let snapshot = StatusSnapshot::decode(&snapshot.bytes().await.unwrap()).unwrap();
    assert_eq!(snapshot.entries.len(), 1);
    assert_eq!(snapshot.charter_version, 1);

    let (status, federation) = api.call(Method::GET, "/api/v1/federation", None).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(federation["this_affiliate"], "KSPI");
    assert_eq!(federation["charter_version"], 1);
    assert_eq!(federation["affiliates"].as_array().unwrap().len(), 2);
    assert_eq!(federation["heads"][0]["author"], "KSPI");

    let health: Value = reqwest::get(api.url("/healthz"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    // Metrics move with every complaint: they are the operator's, not open.
    let anonymous = reqwest::get(api.url("/metrics")).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let metrics = api
        .http
        .get(api.url("/metrics"))
        .bearer_auth(api.token())
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(metrics.contains("unionfed_members 1"), "{metrics}");
    // At least the connection that asked is open.
    let open: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("unionfed_http_connections "))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!(open >= 1, "{metrics}");
    assert!(
        metrics.contains("unionfed_log_entries{author=\"KSPI\"} 1"),
        "{metrics}"
    );

    let openapi: Value = reqwest::get(api.url("/api/v1/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    for path in [
        "/api/v1/members",
        "/api/v1/members/{id}",
        "/api/v1/members/{id}/status",
        "/api/v1/members/{id}/card",
        "/api/v1/members/{id}/card.svg",
        "/api/v1/members/{id}/card.png",
        "/api/v1/cards/verify",
        "/api/v1/federation",
        "/api/v1/status-snapshot",
        "/api/v1/charter",
        "/api/v1/members/{id}/consents",
        "/api/v1/members/{id}/consents/{consent}/withdraw",
        "/api/v1/members/{id}/transfers",
        "/api/v1/transfers",
        "/api/v1/transfers/{id}",
        "/api/v1/transfers/{id}/accept",
        "/api/v1/transfers/{id}/decline",
        "/api/v1/transfers/{id}/end",
        "/api/v1/transfers/requests",
        "/healthz",
        "/metrics",
        "/api/v1/cases",
        "/api/v1/cases/taxonomy",
        "/api/v1/cases/stats",
        "/api/v1/cases/export.csv",
        "/api/v1/cases/retention",
        "/api/v1/cases/{id}",
        "/api/v1/cases/{id}/transition",
        "/api/v1/cases/{id}/actions",
        "/api/v1/cases/{id}/assign",
        "/api/v1/cases/{id}/messages",
        "/api/v1/cases/{id}/consent",
        "/api/v1/cases/{id}/contract",
        "/api/v1/cases/{id}/referrals",
        "/api/v1/cases/{id}/referrals/{referral}",
        "/api/v1/cases/{id}/referral-decision",
        "/api/v1/cases/{id}/attachments",
        "/api/v1/cases/{id}/attachments/{sha256}",
        "/api/v1/cases/{id}/report",
        "/api/v1/cases/{id}/export",
        "/api/v1/cases/{id}/erase",
        "/api/v1/directory",
        "/api/v1/directory/import",
        "/api/v1/partners",
        "/api/v1/partners/{id}/revoke",
        "/api/v1/partner/referrals",
        "/api/v1/partner/referrals/{id}",
        "/api/v1/partner/inbox",
        "/api/v1/partner/inbox/{referral}",
        "/api/v1/public/complaints",
        "/api/v1/public/cases/status",
        "/api/v1/public/cases/messages",
        "/api/v1/public/cases/attachments",
    ] {
        assert!(openapi["paths"][path].is_object(), "openapi lacks {path}");
    }
    // Every schema the document refers to is in it.
    fn refs(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    match (k.as_str(), x.as_str()) {
                        ("$ref", Some(r)) => out.push(r.to_owned()),
                        _ => refs(x, out),
                    }
                }
            }
            Value::Array(a) => a.iter().for_each(|x| refs(x, out)),
            _ => {}
        }
    }
    let mut all = Vec::new();
    refs(&openapi, &mut all);
    assert!(all.len() > 50);
    for r in all {
        let name = r.trim_start_matches("#/components/schemas/");
        assert!(
            openapi["components"]["schemas"][name].is_object(),
            "openapi refers to {r}, which it does not define"
        );
    }
    assert!(member["id"].is_string());
    api.net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_public_card_check_is_rate_limited_per_address() {
    let mut net = TestNet::prepare(2);
    for c in &mut net.configs {
        c.public_rate_limit_per_minute = 5;
    }
    net.start(0).await;
    let http = Client::new();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        let response = http
            .post(net.url(0, "/api/v1/cards/verify"))
            .json(&json!({ "card": "UF1:" }))
            .send()
            .await
            .unwrap();
        statuses.push(response.status());
    }
    assert!(
        statuses[..5].iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(statuses[6], StatusCode::TOO_MANY_REQUESTS);
    // Behind a proxy on this machine, each client has its own bucket...
    assert_eq!(check_from(&net, "203.0.113.7").await, StatusCode::OK);
    // ...and a client cannot escape its own by naming another address first.
    for _ in 0..4 {
        check_from(&net, "203.0.113.7").await;
    }
    assert_eq!(
        check_from(&net, "198.51.100.1, 203.0.113.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Operator endpoints are not limited.
    assert_eq!(
        http.get(net.url(0, "/healthz"))
            .send()
            .await
            .unwrap()
            .status(),
        StatusCode::OK
    );
    net.shutdown().await;

    // A node that trusts no proxy ignores the header.
    let mut net = TestNet::prepare(2);
    for c in &mut net.configs {
        c.public_rate_limit_per_minute = 1;
        c.trusted_proxies = Vec::new();
    }
    net.start(0).await;
    assert_eq!(check_from(&net, "203.0.113.7").await, StatusCode::OK);
    assert_eq!(
        check_from(&net, "203.0.113.8").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    net.shutdown().await;
}

/// A card check at node 0 as a proxy on this machine would send it for `client`.
async fn check_from(net: &TestNet, client: &str) -> StatusCode {
    Client::new()
        .post(net.url(0, "/api/v1/cards/verify"))
        .header("x-forwarded-for", client)
        .json(&json!({ "card": "UF1:" }))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn silent_clients_are_cut_off_and_cannot_hold_every_connection() {
    use tokio::io::AsyncWriteExt;
    let mut net = TestNet::prepare(2);
    for c in &mut net.configs {
        c.http_max_connections = 4;
        c.http_client_timeout_secs = 3;
    }
    net.start(0).await;
    let addr = net.node(0).http_addr();
    // Four clients take every slot: each sends half a request line and stops.
    let mut silent = Vec::new();
    for _ in 0..4 {
        let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
        tcp.write_all(b"GET /healthz HT").await.unwrap();
        silent.push(tcp);
    }
    // A fifth client waits in the listen queue while they hold the slots.
    let fifth = tokio::spawn(async move {
        Client::new()
            .get(format!("http://{addr}/healthz"))
            .send()
            .await
            .map(|r| r.status())
    });
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert!(
        !fifth.is_finished(),
        "a fifth connection was served past the limit of 4"
    );
    // The node hangs up on each silent client once its headers are overdue...
    for tcp in silent {
        assert!(
            hung_up(tcp).await.is_some(),
            "a silent connection was still open after 30 s"
        );
    }
    // ...and the waiting client is then answered.
    assert_eq!(fifth.await.unwrap().unwrap(), StatusCode::OK);
    // A body that stops halfway is refused, not waited for.
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    tcp.write_all(
        b"POST /api/v1/cards/verify HTTP/1.1\r\nHost: node\r\n\
          Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"card\": ",
    )
    .await
    .unwrap();
    let answer = hung_up(tcp)
        .await
        .expect("a stalled body was still waited for after 30 s");
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    assert!(
        answer.contains("\"bad_body\"") && answer.contains("nothing more of the request body"),
        "{answer}"
    );
    net.shutdown().await;
}

/// What the node sent before it closed or reset `tcp`, or `None` if it
/// was still open after 30 s.
async fn hung_up(mut tcp: tokio::net::TcpStream) -> Option<String> {
    use tokio::io::AsyncReadExt;
    let mut answer = Vec::new();
    // Closed or reset, either way the node let go of it.
    let _ended = tokio::time::timeout(
        std::time::Duration::from_secs(30),
        tcp.read_to_end(&mut answer),
    )
    .await
    .ok()?;
    Some(String::from_utf8_lossy(&answer).into_owned())
}
