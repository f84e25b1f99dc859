//! The staff pages for the tasks between unions, over real HTTP on real
//! nodes: consents and transfers from the member page, requests for a file,
//! case files, the contract comparison and directory referrals on the case
//! page, the staff card check, and personal API tokens limited to their
//! user's role.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod staffweb;
mod testnet;

use reqwest::Method;
use serde_json::{json, Value};
use staffweb::{add_user_at, admin_session_at, csrf_of, send_at};
use testnet::{wait_for, TestNet};

/// The value of the first `<option>` of the select with id `select`.
fn first_option(html: &str, select: &str) -> String {
    let at = html
        .find(&format!(r#"id="{select}""#))
        .unwrap_or_else(|| panic!("no select {select}"));
    let rest = &html[at..];
    let at = rest.find(r#"<option value=""#).unwrap() + r#"<option value=""#.len();
    rest[at..at + rest[at..].find('"').unwrap()].to_owned()
}

async fn enrol(net: &TestNet, i: usize, name: &str) -> String {
    let (status, m) = net
        .call(
            i,
            Method::POST,
            "/api/v1/members",
            Some(json!({
                "holder_name": name, "date_of_birth": "1996-02-14", "contact": "+62 812 0000 1111",
                "sector": "construction", "employer": "PT Contoh", "origin_country": "ID",
                "destination_country": "MY"
            })),
        )
        .await;
    assert_eq!(status, 201, "{m}");
    m["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn consents_transfers_and_requests_for_a_file_work_from_the_pages() {
    let net = TestNet::new(2).await;
    net.wait_connected().await;
    let admin = admin_session_at(&net, 0).await;
    let org = add_user_at(&net, 0, &admin, "olga", "organiser").await;
    let viewer = add_user_at(&net, 0, &admin, "vic", "viewer").await;
    let admin_my = admin_session_at(&net, 1).await;
    let org_my = add_user_at(&net, 1, &admin_my, "omar", "organiser").await;
    let member = enrol(&net, 0, "Siti Rahma").await;
    let page_path = format!("/members/{member}");

    let page = send_at(&net, 0, Method::GET, &page_path, Some(&org), None).await;
    assert!(page.body.contains("Record a consent"), "{}", page.body);
    assert!(!page.body.contains("Send the file to another union"));
    let csrf = csrf_of(&page.body);
    let consent_form = |data: &'static str, csrf: &str| {
        vec![
            ("recipient".to_owned(), "MTUC".to_owned()),
            ("given".to_owned(), "in_person".to_owned()),
            (
                "purpose".to_owned(),
                "representation at the workplace".to_owned(),
            ),
            ("data".to_owned(), data.to_owned()),
            (
                "legal_basis".to_owned(),
                "the worker's explicit consent".to_owned(),
            ),
            ("csrf".to_owned(), csrf.to_owned()),
        ]
    };
    let post = |i: usize, path: String, who: String, form: Vec<(String, String)>| {
        let net = &net;
        async move {
            let form: Vec<(&str, &str)> =
                form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            send_at(net, i, Method::POST, &path, Some(&who), Some(&form)).await
        }
    };
    let consents = format!("/members/{member}/consents");
    // Refused: no CSRF token, a viewer, a data category the node does not know.
    let a = post(
        0,
        consents.clone(),
        org.clone(),
        consent_form("contact", "x"),
    )
    .await;
    assert_eq!(a.status, 403);
    let viewer_csrf = csrf_of(
        &send_at(&net, 0, Method::GET, "/", Some(&viewer), None)
            .await
            .body,
    );
    let a = post(
        0,
        consents.clone(),
        viewer.clone(),
        consent_form("contact", &viewer_csrf),
    )
    .await;
    assert_eq!(a.status, 403);
    let a = post(
        0,
        consents.clone(),
        org.clone(),
        consent_form("bank account", &csrf),
    )
    .await;
    assert_eq!(a.status, 422);
    assert!(a.body.contains("is not one of"), "{}", a.body);
    // The refused form comes back as it was filled in.
    assert!(
        a.body
            .contains(r#"value="representation at the workplace""#),
        "{}",
        a.body
    );
    assert!(
        a.body.contains(r#"<option value="MTUC" selected>"#),
        "{}",
        a.body
    );
    let a = post(
        0,
        consents.clone(),
        org.clone(),
        consent_form("contact", &csrf),
    )
    .await;
    assert_eq!(
        (a.status, a.location.as_str()),
        (303, page_path.as_str()),
        "{}",
        a.body
    );

    let page = send_at(&net, 0, Method::GET, &page_path, Some(&org), None).await;
    assert!(page.body.contains("name, contact"), "{}", page.body);
    assert!(page.body.contains("Send the file to another union"));
    let consent = first_option(&page.body, "transfer-consent");
    let transfer = format!("/members/{member}/transfer");
    let send_form = |until: &'static str| {
        vec![
            ("consent".to_owned(), consent.clone()),
            ("until".to_owned(), until.to_owned()),
            ("csrf".to_owned(), csrf.clone()),
        ]
    };
    let a = post(0, transfer.clone(), org.clone(), send_form("2027-13-01")).await;
    assert_eq!(a.status, 422);
    assert!(a.body.contains("YYYY-MM-DD"), "{}", a.body);
    let a = post(0, transfer.clone(), org.clone(), send_form("2001-01-01")).await;
    assert_eq!(a.status, 422);
    assert!(a.body.contains("until is in the past"), "{}", a.body);
    let a = post(0, transfer.clone(), org.clone(), send_form("2099-06-30")).await;
    assert_eq!(a.status, 303, "{}", a.body);

    // MTUC receives only what the worker agreed to share.
    let (_, outgoing) = net
        .call(0, Method::GET, "/api/v1/transfers?direction=outgoing", None)
        .await;
    let id = outgoing[0]["id"].as_str().unwrap().to_owned();
    let arrived: Value = wait_for(60, "the file at MTUC", || async {
        let (status, t) = net
            .call(1, Method::GET, &format!("/api/v1/transfers/{id}"), None)
            .await;
        (status == 200).then_some(t)
    })
    .await;
    let file = &arrived["file"];
    assert_eq!(file["holder_name"], "Siti Rahma");
    assert_eq!(file["contact"], "+62 812 0000 1111");
    assert_eq!(file["date_of_birth"], Value::Null, "{file}");
    assert_eq!(file["employer"], Value::Null, "{file}");
    assert_eq!(arrived["until"].as_u64().unwrap() % 86_400, 86_399);
    let waiting = send_at(&net, 1, Method::GET, "/transfers", Some(&org_my), None).await;
    assert!(waiting.body.contains("Siti Rahma"), "{}", waiting.body);
    let sent = send_at(&net, 0, Method::GET, "/transfers", Some(&org), None).await;
    assert!(
        sent.body.contains("member&#39;s file") || sent.body.contains("member's file"),
        "{}",
        sent.body
    );
    assert!(sent.body.contains("MTUC"));
    assert!(
        sent.body
            .contains(&format!(r#"<a href="/members/{member}">"#)),
        "the row links to the member"
    );

    // The consent is withdrawn from the page; it can no longer carry a transfer.
    let a = post(
        0,
        format!("/members/{member}/consents/{consent}/withdraw"),
        org.clone(),
        vec![("csrf".to_owned(), csrf.clone())],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let page = send_at(&net, 0, Method::GET, &page_path, Some(&org), None).await;
    assert!(page.body.contains("withdrawn"));
    assert!(!page.body.contains("Send the file to another union"));

    // On arrival: MTUC asks KSPI for another worker's file, from its transfers page.
    let second = enrol(&net, 0, "Budi Santoso").await;
    let csrf_my = csrf_of(&waiting.body);
    let request = |member: &str| {
        vec![
            ("member".to_owned(), member.to_owned()),
            ("origin".to_owned(), "KSPI".to_owned()),
            ("given".to_owned(), "in_person".to_owned()),
            ("purpose".to_owned(), "representation".to_owned()),
            ("data".to_owned(), "employer".to_owned()),
            ("legal_basis".to_owned(), "consent".to_owned()),
            ("csrf".to_owned(), csrf_my.clone()),
        ]
    };
    let a = post(
        1,
        "/transfers/request".into(),
        org_my.clone(),
        request("12345"),
    )
    .await;
    assert_eq!(a.status, 422);
    assert!(a.body.contains("32 characters"), "{}", a.body);
    assert!(
        a.body.contains(r#"value="12345""#),
        "what was entered is kept"
    );
    let a = post(
        1,
        "/transfers/request".into(),
        org_my.clone(),
        request(&second),
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let asked = wait_for(60, "the request at KSPI", || async {
        let page = send_at(&net, 0, Method::GET, "/transfers", Some(&org), None).await;
        page.body.contains("Budi Santoso").then_some(page.body)
    })
    .await;
    assert!(asked.contains("Requests for a member") && asked.contains("Send the file"));
    let at = asked.find("/accept\"").unwrap();
    let request_id = &asked[at - 32..at];
    let a = post(
        0,
        format!("/transfers/{request_id}/accept"),
        org.clone(),
        vec![("csrf".to_owned(), csrf.clone())],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    wait_for(60, "Budi's file at MTUC", || async {
        let page = send_at(&net, 1, Method::GET, "/transfers", Some(&org_my), None).await;
        page.body.contains("Budi Santoso").then_some(())
    })
    .await;
    net.shutdown().await;
}

/// A `multipart/form-data` body with the CSRF token and one file, as a
/// browser sends the case page's upload form.
fn upload_body(csrf: &str, name: &str, kind: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----unionfedtestboundary7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n{csrf}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
             Content-Type: {kind}\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn case_files_the_contract_comparison_and_directory_referrals_work_from_the_case_page() {
    let net = TestNet::new(2).await;
    let admin = admin_session_at(&net, 0).await;
    let officer = add_user_at(&net, 0, &admin, "cora", "case_officer").await;
    let viewer = add_user_at(&net, 0, &admin, "vic", "viewer").await;
    let shelter = net
        .create(
            0,
            "/api/v1/directory",
            json!({ "country": "MY", "kind": "shelter", "name": "Harbour shelter",
                "contact": "+60 3 0000 0000" }),
        )
        .await;
    let (_, case) = net
        .call(
            0,
            Method::POST,
            "/api/v1/cases",
            Some(json!({
                "kind": "complaint", "how": "walk_in",
                "categories": ["contract_substitution"], "worker_name": "Lina",
                "origin_country": "ID", "destination_country": "MY",
                "description": "The contract in Malaysia is not the one signed in Jakarta." })),
        )
        .await;
    let id = case["id"].as_str().unwrap().to_owned();
    let path = format!("/cases/{id}");
    let page = send_at(&net, 0, Method::GET, &path, Some(&officer), None).await;
    assert!(page.body.contains("No file yet.") && page.body.contains("No contract recorded."));
    assert!(page.body.contains("Harbour shelter"), "{}", page.body);
    let csrf = csrf_of(&page.body);

    // Files: refused without the CSRF token, or when not an image or PDF;
    // a photo is stored without its location data.
    let upload = |csrf: &str, name: &str, kind: &str, bytes: &[u8]| {
        let (content_type, body) = upload_body(csrf, name, kind, bytes);
        let client = staffweb::client();
        let request = client
            .post(net.url(0, &format!("/cases/{id}/files")))
            .header("cookie", format!("uf_session={officer}"))
            .header("content-type", content_type)
            .body(body);
        async move {
            let r = request.send().await.unwrap();
            (r.status().as_u16(), r.text().await.unwrap())
        }
    };
    let photo = include_bytes!("fixtures/photo-with-gps.jpg");
    assert_eq!(
        upload("not-the-token", "payslip.jpg", "image/jpeg", photo)
            .await
            .0,
        403
    );
    let (status, body) = upload(&csrf, "notes.txt", "text/plain", b"just text").await;
    assert_eq!(status, 422);
    assert!(body.contains("Check what you entered"), "{body}");
    let (status, body) = upload(&csrf, "payslip.jpg", "image/jpeg", photo).await;
    assert_eq!(status, 303, "{body}");
    let page = send_at(&net, 0, Method::GET, &path, Some(&officer), None).await;
    assert!(
        page.body.contains("payslip.jpg") && page.body.contains("location and camera data removed")
    );
    let at = page.body.find(&format!("/cases/{id}/files/")).unwrap();
    let link = page.body[at..at + page.body[at..].find('"').unwrap()].to_owned();
    let file = staffweb::client()
        .get(net.url(0, &link))
        .header("cookie", format!("uf_session={officer}"))
        .send()
        .await
        .unwrap();
    assert_eq!(file.status(), 200);
    assert_eq!(file.headers()["content-type"], "image/jpeg");
    let stored = file.bytes().await.unwrap();
    assert!(stored.starts_with(&[0xFF, 0xD8]) && stored.len() < photo.len());
    assert!(
        !stored.windows(4).any(|w| w == b"Exif"),
        "the stored photo keeps its EXIF"
    );
    let seen = send_at(&net, 0, Method::GET, &link, Some(&viewer), None).await;
    assert_eq!(seen.status, 403);
    let hidden = send_at(&net, 0, Method::GET, &path, Some(&viewer), None).await;
    assert!(!hidden.body.contains("payslip.jpg"));
    assert!(
        !hidden.body.contains("No file yet."),
        "a viewer is not told there is no file"
    );

    // The contract comparison: a wrong number is named; a lower wage and
    // longer hours are flagged as substitution.
    let post = |step: &str, form: Vec<(&'static str, String)>| {
        let net = &net;
        let officer = officer.clone();
        let step = format!("/cases/{id}/{step}");
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            send_at(net, 0, Method::POST, &step, Some(&officer), Some(&form)).await
        }
    };
    let contract = |wage: &str| {
        vec![
            ("signed_employer", "Sdn Bhd Contoh".to_owned()),
            ("signed_monthly_wage", "1,700".to_owned()),
            ("signed_currency", "myr".to_owned()),
            ("signed_hours_per_week", "48".to_owned()),
            ("experienced_employer", "Sdn Bhd Contoh".to_owned()),
            ("experienced_monthly_wage", wage.to_owned()),
            ("experienced_currency", "MYR".to_owned()),
            ("experienced_hours_per_week", "72".to_owned()),
            ("csrf", csrf.clone()),
        ]
    };
    let a = post("contract", contract("about 1200")).await;
    assert_eq!(a.status, 422);
    assert!(a.body.contains("experienced monthly_wage"), "{}", a.body);
    let a = post("contract", contract("1200")).await;
    assert_eq!(a.status, 303, "{}", a.body);
    let page = send_at(&net, 0, Method::GET, &path, Some(&officer), None).await;
    assert!(
        page.body.contains("The contract was substituted"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("pay is 29% lower than the contract"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Hours a week") && page.body.contains("To the worker"));
    let hidden = send_at(&net, 0, Method::GET, &path, Some(&viewer), None).await;
    assert!(hidden.body.contains("The contract was substituted"));
    assert!(!hidden.body.contains("1700") && !hidden.body.contains("Sdn Bhd Contoh"));

    // A referral to the shelter needs the worker's consent, or a legal basis.
    let refer = |basis: &str| {
        vec![
            ("target", format!("s:{shelter}")),
            ("note", "needs a safe place tonight".to_owned()),
            ("override_basis", basis.to_owned()),
            ("csrf", csrf.clone()),
        ]
    };
    let a = post("refer", refer("")).await;
    assert_eq!(a.status, 422);
    assert!(
        a.body.contains("verify it before referring it"),
        "{}",
        a.body
    );
    let verified = vec![("to", "verified".to_owned()), ("csrf", csrf.clone())];
    assert_eq!(post("move", verified).await.status, 303);
    let a = post("refer", refer("")).await;
    assert_eq!(a.status, 422);
    assert!(a.body.contains("has not consented"), "{}", a.body);
    let a = post(
        "consent",
        vec![
            ("given", "in_person".to_owned()),
            ("service", shelter.clone()),
            ("field", "worker_name".to_owned()),
            ("purpose", "a safe place to stay".to_owned()),
            ("csrf", csrf.clone()),
        ],
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let a = post("refer", refer("")).await;
    assert_eq!(a.status, 303, "{}", a.body);
    let a = post(
        "refer",
        vec![("target", "s:nonsense".to_owned()), ("csrf", csrf.clone())],
    )
    .await;
    assert_eq!(a.status, 422);
    let page = send_at(&net, 0, Method::GET, &path, Some(&officer), None).await;
    assert!(page.body.contains("Harbour shelter · "), "{}", page.body);
    assert!(page.body.contains("referred"), "{}", page.body);
    // A case within one country offers each of its services once.
    net.create(
        0,
        "/api/v1/directory",
        json!({ "country": "MY", "kind": "legal_aid", "name": "Legal aid centre" }),
    )
    .await;
    let domestic = net
        .create(
            0,
            "/api/v1/cases",
            json!({ "kind": "inquiry", "how": "walk_in",
                "categories": ["unpaid_wages"], "origin_country": "MY",
                "destination_country": "MY", "description": "Wages late twice." }),
        )
        .await;
    let page = send_at(
        &net,
        0,
        Method::GET,
        &format!("/cases/{domestic}"),
        Some(&officer),
        None,
    )
    .await;
    let option = format!(r#"<option value="s:{shelter}">"#);
    assert_eq!(page.body.matches(&option).count(), 1, "{}", page.body);
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn staff_check_cards_and_personal_api_tokens_act_only_within_their_role() {
    let net = TestNet::new(2).await;
    net.wait_connected().await;
    let admin = admin_session_at(&net, 0).await;
    let org = add_user_at(&net, 0, &admin, "olga", "organiser").await;
    let officer = add_user_at(&net, 0, &admin, "cora", "case_officer").await;
    let admin_my = admin_session_at(&net, 1).await;
    let member = enrol(&net, 0, "Siti Rahma").await;
    let card = net.card(0, &member).await;

    // The card check for staff: the verdict, the member id, and what next.
    let form = send_at(&net, 1, Method::GET, "/cards", Some(&admin_my), None).await;
    assert_eq!(form.status, 200);
    let csrf_my = csrf_of(&form.body);
    let check = |i: usize, who: &str, csrf: &str, card: &str| {
        let net = &net;
        let (who, csrf, card) = (who.to_owned(), csrf.to_owned(), card.to_owned());
        async move {
            let form = [("card", card.as_str()), ("csrf", csrf.as_str())];
            send_at(net, i, Method::POST, "/cards", Some(&who), Some(&form)).await
        }
    };
    let verdict = wait_for(60, "the attestation at MTUC", || async {
        let a = check(1, &admin_my, &csrf_my, &card).await;
        a.body.contains("This card is valid").then_some(a.body)
    })
    .await;
    assert!(
        verdict.contains(&member) && verdict.contains("KSPI"),
        "{verdict}"
    );
    assert!(
        verdict.contains("holds no record of the member"),
        "{verdict}"
    );
    // The link to ask for the file fills in the request form.
    let link = format!("/transfers?member={member}&amp;origin=KSPI#rq-member");
    assert!(verdict.contains(&link), "{verdict}");
    let path = format!("/transfers?member={member}&origin=KSPI");
    let form = send_at(&net, 1, Method::GET, &path, Some(&admin_my), None).await;
    assert!(
        form.body.contains(&format!(r#"value="{member}""#)),
        "{}",
        form.body
    );
    assert!(
        form.body.contains(r#"<option value="KSPI" selected>"#),
        "{}",
        form.body
    );
    let csrf = csrf_of(
        &send_at(&net, 0, Method::GET, "/cards", Some(&org), None)
            .await
            .body,
    );
    let home = check(0, &org, &csrf, &card).await;
    assert!(
        home.body.contains(&format!("/members/{member}")),
        "{}",
        home.body
    );
    // A code that cannot be read is said to be unreadable, not false, and
    // the form comes back with it to correct.
    let unreadable = check(0, &org, &csrf, "UF1:not-a-card").await;
    assert_eq!(unreadable.status, 200);
    assert!(
        unreadable.body.contains("This code could not be read.")
            && !unreadable.body.contains("This card is not valid")
            && unreadable.body.contains(">UF1:not-a-card</textarea>"),
        "{}",
        unreadable.body
    );
    assert_eq!(check(0, &org, "wrong", &card).await.status, 403);

    // A personal token: shown once, acts with its user's role, revocable.
    let make = |who: &str, label: &str| {
        let net = &net;
        let (who, label) = (who.to_owned(), label.to_owned());
        async move {
            let csrf = csrf_of(
                &send_at(net, 0, Method::GET, "/account", Some(&who), None)
                    .await
                    .body,
            );
            let form = [("label", label.as_str()), ("csrf", csrf.as_str())];
            send_at(
                net,
                0,
                Method::POST,
                "/account/tokens",
                Some(&who),
                Some(&form),
            )
            .await
        }
    };
    let a = make(&org, " ").await;
    assert_eq!(a.status, 422);
    assert!(a.body.contains("give the token a label"), "{}", a.body);
    let a = make(&org, "enrolment spreadsheet").await;
    assert_eq!(a.status, 200);
    let at = a.body.find("uft_").expect("the new token on the page");
    let token = a.body[at..at + 68].to_owned();
    let again = send_at(&net, 0, Method::GET, "/account", Some(&org), None).await;
    assert!(again.body.contains("enrolment spreadsheet") && !again.body.contains(&token));
    let api = |method: Method, path: &'static str, token: &str, body: Option<Value>| {
        let net = &net;
        let token = token.to_owned();
        async move {
            let mut r = reqwest::Client::new()
                .request(method, net.url(0, path))
                .bearer_auth(token);
            if let Some(b) = body {
                r = r.json(&b);
            }
            let r = r.send().await.unwrap();
            (
                r.status().as_u16(),
                r.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    let enrolment = json!({ "holder_name": "Rudi Hartono" });
    let (status, body) = api(
        Method::POST,
        "/api/v1/members",
        &token,
        Some(enrolment.clone()),
    )
    .await;
    assert_eq!(status, 201, "{body}");
    // An organiser sees the case queue as the pages show it, without the
    // worker or the narrative, and may not open a case.
    let (status, body) = api(Method::GET, "/api/v1/cases", &token, None).await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = api(
        Method::POST,
        "/api/v1/cases",
        &token,
        Some(json!({ "kind": "inquiry", "how": "walk_in", "categories": ["unpaid_wages"], "description": "x" })),
    )
    .await;
    assert_eq!(status, 403);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("olga (organiser) may not open a case"),
        "{body}"
    );
    let (status, _) = api(
        Method::POST,
        "/api/v1/charter",
        &token,
        Some(json!({ "charter": "00" })),
    )
    .await;
    assert_eq!(status, 403);

    let a = make(&officer, "case export").await;
    let at = a.body.find("uft_").unwrap();
    let officer_token = a.body[at..at + 68].to_owned();
    assert_eq!(
        api(Method::GET, "/api/v1/cases", &officer_token, None)
            .await
            .0,
        200
    );
    let (status, _) = api(
        Method::POST,
        "/api/v1/members",
        &officer_token,
        Some(enrolment.clone()),
    )
    .await;
    assert_eq!(status, 403);
    // A disabled account's tokens stop working.
    let csrf = csrf_of(
        &send_at(&net, 0, Method::GET, "/users", Some(&admin), None)
            .await
            .body,
    );
    let a = send_at(
        &net,
        0,
        Method::POST,
        "/users/cora/disable",
        Some(&admin),
        Some(&[("csrf", csrf.as_str())]),
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let (status, body) = api(Method::GET, "/api/v1/cases", &officer_token, None).await;
    assert_eq!(status, 401, "{body}");

    // An admin sees every account's tokens on /users and may revoke any.
    let a = make(&org, "second script").await;
    let at = a.body.find("uft_").unwrap();
    let second = a.body[at..at + 68].to_owned();
    let users = send_at(&net, 0, Method::GET, "/users", Some(&admin), None).await;
    assert!(users.body.contains("enrolment spreadsheet") && users.body.contains("second script"));
    let label = users.body.find("second script").unwrap();
    let at = users.body[label..].find("/users/olga/tokens/").unwrap()
        + label
        + "/users/olga/tokens/".len();
    let second_id = users.body[at..at + 8].to_owned();
    let csrf = csrf_of(&users.body);
    let org_csrf = csrf_of(
        &send_at(&net, 0, Method::GET, "/account", Some(&org), None)
            .await
            .body,
    );
    // Someone else's token only an admin revokes.
    let at = users.body.find("/users/cora/tokens/").unwrap() + "/users/cora/tokens/".len();
    let cora_id = users.body[at..at + 8].to_owned();
    let a = send_at(
        &net,
        0,
        Method::POST,
        &format!("/users/cora/tokens/{cora_id}"),
        Some(&org),
        Some(&[("csrf", org_csrf.as_str())]),
    )
    .await;
    assert_eq!(a.status, 403, "only an admin revokes others' tokens");
    assert!(
        a.body.contains("Your role does not allow this."),
        "{}",
        a.body
    );
    let a = send_at(
        &net,
        0,
        Method::POST,
        &format!("/users/olga/tokens/{second_id}"),
        Some(&admin),
        Some(&[("csrf", csrf.as_str())]),
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(
        api(Method::GET, "/api/v1/federation", &second, None)
            .await
            .0,
        401
    );

    // Revoked from the account page, the organiser's token is refused.
    let page = send_at(&net, 0, Method::GET, "/account", Some(&org), None).await;
    let at = page.body.find("/account/tokens/").unwrap() + "/account/tokens/".len();
    let id = page.body[at..at + 8].to_owned();
    let csrf = csrf_of(&page.body);
    let a = send_at(
        &net,
        0,
        Method::POST,
        &format!("/account/tokens/{id}/revoke"),
        Some(&org),
        Some(&[("csrf", csrf.as_str())]),
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let (status, _) = api(Method::POST, "/api/v1/members", &token, Some(enrolment)).await;
    assert_eq!(status, 401);

    // The trail names the person behind each token.
    let audit = send_at(
        &net,
        0,
        Method::GET,
        "/audit?q=API+token",
        Some(&admin),
        None,
    )
    .await;
    assert!(audit.body.contains("olga (API token"), "{}", audit.body);
    let audit = send_at(
        &net,
        0,
        Method::GET,
        "/audit?q=api_token",
        Some(&admin),
        None,
    )
    .await;
    assert!(audit.body.contains("create_api_token") && audit.body.contains("revoke_api_token"));
    net.shutdown().await;
}
