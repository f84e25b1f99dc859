//! Staff accounts over real HTTP: first-run setup with the admin token,
//! login with lockout, sessions and CSRF, roles, and an audit trail whose
//! chain shows a tampered record.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod staffweb;
mod testnet;

use reqwest::Method;
use serde_json::json;
use staffweb::{add_user, admin_session, csrf_of, send, session_of};
use testnet::TestNet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_admin_sets_up_the_node_and_manages_accounts_with_every_step_audited() {
    let net = TestNet::new(2).await;
    let token = net.tokens[0].clone();
    // A fresh node sends everyone to the setup page, which needs the admin token.
    assert_eq!(
        send(&net, Method::GET, "/", None, None).await.location,
        "/setup"
    );
    assert_eq!(
        send(&net, Method::GET, "/login", None, None).await.location,
        "/setup"
    );
    let setup = |tok: &'static str, pw2: &'static str| {
        let net = &net;
        let token = token.clone();
        async move {
            let tok = if tok == "right" { token.as_str() } else { tok };
            send(
                net,
                Method::POST,
                "/setup",
                None,
                Some(&[
                    ("token", tok),
                    ("username", "dewi"),
                    ("display_name", "Dewi Lestari"),
                    ("password", "sunrise over the harbour"),
                    ("password2", pw2),
                ]),
            )
            .await
        }
    };
    let a = setup("uf_not-the-token", "sunrise over the harbour").await;
    assert_eq!(a.status, 403, "{}", a.body);
    let a = setup("right", "sunrise over the harbor").await;
    assert_eq!(a.status, 422);
    assert!(a.body.contains("The two passwords differ."));
    let a = setup("right", "sunrise over the harbour").await;
    assert_eq!((a.status, a.location.as_str()), (303, "/"), "{}", a.body);
    // Once the node has staff, a visitor with no session is taken to the
    // public pages, whose footer leads staff to the sign-in.
    assert_eq!(
        send(&net, Method::GET, "/", None, None).await.location,
        "/p"
    );
    let public = send(&net, Method::GET, "/p", None, None).await;
    assert!(
        public
            .body
            .contains(r#"<a href="/login">Union staff: sign in</a>"#),
        "{}",
        public.body
    );
    assert!(
        a.cookie.contains("HttpOnly")
            && a.cookie.contains("SameSite=Strict")
            && a.cookie.contains("Secure"),
        "{}",
        a.cookie
    );
    let admin = session_of(&a);
    // Setup is over: it cannot be run again, even with the token.
    assert_eq!(
        send(&net, Method::GET, "/setup", None, None).await.location,
        "/login"
    );
    let a = setup("right", "sunrise over the harbour").await;
    assert_eq!(a.status, 422);

    let dash = send(&net, Method::GET, "/", Some(&admin), None).await;
    assert_eq!(dash.status, 200);
    assert!(dash.body.contains("Dashboard") && dash.body.contains("Dewi Lestari"));
    let csrf = csrf_of(&dash.body);

    // A form without its CSRF token (or with another session's) changes nothing.
    let new_user = [
        ("username", "hadi"),
        ("display_name", "Hadi"),
        ("role", "case_officer"),
        ("password", "a long enough password"),
    ];
    let a = send(&net, Method::POST, "/users", Some(&admin), Some(&new_user)).await;
    assert_eq!(a.status, 403);
    assert!(a.body.contains("This form has expired"));
    let mut with_csrf = new_user.to_vec();
    with_csrf.push(("csrf", &csrf));
    let a = send(&net, Method::POST, "/users", Some(&admin), Some(&with_csrf)).await;
    assert_eq!(
        (a.status, a.location.as_str()),
        (303, "/users"),
        "{}",
        a.body
    );
    let users = send(&net, Method::GET, "/users", Some(&admin), None).await;
    assert!(users.body.contains("hadi") && users.body.contains("Case officer"));
    let a = send(&net, Method::POST, "/users", Some(&admin), Some(&with_csrf)).await;
    assert_eq!(a.status, 422, "a taken name");
    let mut viewer = vec![
        ("username", "vera"),
        ("display_name", "Vera"),
        ("role", "viewer"),
        ("password", "another long password"),
    ];
    viewer.push(("csrf", &csrf));
    send(&net, Method::POST, "/users", Some(&admin), Some(&viewer)).await;

    // Logging in: a wrong password, then the right one; a new session each time.
    let login = |user: &'static str, pw: &'static str| {
        let net = &net;
        async move {
            send(
                net,
                Method::POST,
                "/login",
                None,
                Some(&[("username", user), ("password", pw)]),
            )
            .await
        }
    };
    let a = login("hadi", "wrong password!").await;
    assert_eq!(a.status, 401);
    assert!(a.body.contains("The user name or password is wrong."));
    let unknown = login("nobody", "wrong password!").await;
    assert_eq!(unknown.status, 401, "an unknown name gets the same answer");
    assert!(unknown.body.contains("The user name or password is wrong."));
    let first = session_of(&login("hadi", "a long enough password").await);
    let second = session_of(&login("hadi", "a long enough password").await);
    assert_ne!(first, second);
    // A case officer is no admin; a viewer neither.
    let a = send(&net, Method::GET, "/users", Some(&second), None).await;
    assert_eq!(a.status, 403);
    let vera = session_of(&login("vera", "another long password").await);
    assert_eq!(
        send(&net, Method::GET, "/audit", Some(&vera), None)
            .await
            .status,
        403
    );

    // Five wrong passwords lock the account, even against the right one.
    for _ in 0..5 {
        login("hadi", "guess guess guess").await;
    }
    let a = login("hadi", "a long enough password").await;
    assert_eq!(a.status, 429, "{}", a.body);
    assert!(a.body.contains("Too many wrong passwords"));

    // Logging out ends the session.
    let page = send(&net, Method::GET, "/", Some(&second), None).await;
    let a = send(
        &net,
        Method::POST,
        "/logout",
        Some(&second),
        Some(&[("csrf", &csrf_of(&page.body))]),
    )
    .await;
    assert_eq!(a.location, "/login");
    assert_eq!(
        send(&net, Method::GET, "/", Some(&second), None)
            .await
            .location,
        "/login"
    );
    // Disabling an account ends its sessions at once.
    let a = send(
        &net,
        Method::POST,
        "/users/vera/disable",
        Some(&admin),
        Some(&[("csrf", &csrf)]),
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert_eq!(
        send(&net, Method::GET, "/", Some(&vera), None)
            .await
            .location,
        "/login"
    );

    // API calls are audited with their actor; the audit page shows it all.
    let (status, member) = net
        .call(
            0,
            Method::POST,
            "/api/v1/members",
            Some(json!({ "holder_name": "Siti" })),
        )
        .await;
    assert_eq!(status, 201, "{member}");
    // A card check is public and not personal: it leaves no record.
    let card = net.card(0, member["member_id"].as_str().unwrap()).await;
    assert_eq!(net.verdict(0, &card).await["valid"], true);
    let audit = send(&net, Method::GET, "/audit", Some(&admin), None).await;
    assert_eq!(audit.status, 200);
    assert!(
        !audit.body.contains("cards/verify"),
        "a card check was audited"
    );
    for seen in [
        "setup_first_admin",
        "create_user",
        "login_failed",
        "login_refused",
        "logout",
        "disable_user",
        "enrol_member",
        "admin token",
        "The chain of records is intact.",
    ] {
        assert!(audit.body.contains(seen), "the audit page lacks {seen}");
    }
    let search = send(&net, Method::GET, "/audit?q=disable", Some(&admin), None).await;
    assert!(search.body.contains("disable_user") && !search.body.contains("create_user"));
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tampered_audit_record_is_found_by_the_verify_command() {
    let mut net = TestNet::new(2).await;
    for name in ["Ani", "Budi", "Citra"] {
        net.call(
            0,
            Method::POST,
            "/api/v1/members",
            Some(json!({ "holder_name": name })),
        )
        .await;
    }
    let data_dir = net.node(0).state().data_dir.clone();
    net.stop(0).await;
    let verify = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_unionfed"))
            .args(["audit", "verify", "--data-dir"])
            .arg(&data_dir)
            .output()
            .unwrap()
    };
    let out = verify();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{text}");
    assert!(text.contains("the chain is intact"), "{text}");
    // Someone with the disk rewrites who enrolled the second member.
    {
        let db = sled::open(data_dir.join("store")).unwrap();
        let tree = db.open_tree("data").unwrap();
        let (key, value) = tree
            .scan_prefix(b"y")
            .filter_map(Result::ok)
            .find(|(_, v)| String::from_utf8_lossy(v).contains("enrol_member"))
            .unwrap();
        let forged = String::from_utf8_lossy(&value).replace("admin token", "nobody at all");
        tree.insert(key, forged.as_bytes()).unwrap();
        db.flush().unwrap();
    }
    let out = verify();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert_eq!(out.status.code(), Some(2), "{text}");
    assert!(
        text.contains("BROKEN") && text.contains("altered"),
        "{text}"
    );
}

/// Sets up the first admin and returns the admin's session.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_organiser_enrols_and_prints_a_card_and_a_viewer_sees_no_personal_fields() {
    let net = TestNet::new(2).await;
    let admin = admin_session(&net).await;
    let organiser = add_user(&net, &admin, "ana", "organiser").await;
    let viewer = add_user(&net, &admin, "vic", "viewer").await;
    let officer = add_user(&net, &admin, "cora", "case_officer").await;

    let form = send(&net, Method::GET, "/members/new", Some(&organiser), None).await;
    assert_eq!(form.status, 200);
    let csrf = csrf_of(&form.body);
    let fields = [
        ("holder_name", "Siti Rahayu"),
        ("date_of_birth", "1994-07-21"),
        ("contact", "+62 812 0000 0000"),
        ("sector", "domestic work"),
        ("employer", ""),
        ("origin_country", "id"),
        ("destination_country", "MY"),
    ];
    let a = send(
        &net,
        Method::POST,
        "/members/new",
        Some(&organiser),
        Some(&fields),
    )
    .await;
    assert_eq!(a.status, 403, "no CSRF token, no member");
    let mut with_csrf = fields.to_vec();
    with_csrf.push(("csrf", &csrf));
    let a = send(
        &net,
        Method::POST,
        "/members/new",
        Some(&organiser),
        Some(&with_csrf),
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let member_path = a.location.split('?').next().unwrap().to_owned();
    let page = send(&net, Method::GET, &a.location, Some(&organiser), None).await;
    assert!(
        page.body.contains("The member is enrolled") && page.body.contains("+62 812 0000 0000"),
        "{}",
        page.body
    );
    // A code that names no country is refused beside the form, keeping what was typed.
    let mut bad = with_csrf.clone();
    bad[5] = ("origin_country", "XX");
    let a = send(
        &net,
        Method::POST,
        "/members/new",
        Some(&organiser),
        Some(&bad),
    )
    .await;
    assert_eq!(a.status, 422);
    assert!(
        a.body.contains("XX is not a country of ISO 3166-1")
            && a.body.contains(r#"value="Siti Rahayu""#),
        "{}",
        a.body
    );

    // Everything held about her, as a page to print and hand her: in the
    // language she prefers when the pages have it, or the one chosen.
    let id = member_path.rsplit('/').next().unwrap();
    let (status, _) = net
        .call(
            0,
            Method::PATCH,
            &format!("/api/v1/members/{id}"),
            Some(serde_json::json!({ "language": "Bahasa Indonesia" })),
        )
        .await;
    assert_eq!(status, 200);
    let printout = |path: String| {
        let (net, who) = (&net, organiser.clone());
        async move { send(net, Method::GET, &path, Some(&who), None).await }
    };
    let p = printout(format!("{member_path}/export/print")).await;
    assert_eq!(p.status, 200, "{}", p.body);
    assert!(
        p.body.contains(r#"<html lang="id">"#)
            && p.body.contains("tentang Anda")
            && p.body.contains("+62 812 0000 0000")
            && p.body.contains("membaca catatan Anda"),
        "in Indonesian, with her record and who read it: {}",
        p.body
    );
    let p = printout(format!("{member_path}/export/print?lang=km")).await;
    assert!(p.body.contains(r#"<html lang="km">"#), "{}", p.body);
    let p = printout(format!("{member_path}/export/print?lang=xx")).await;
    assert!(
        p.body.contains(r#"<html lang="id">"#),
        "an unknown choice falls back to hers"
    );
    let p = send(
        &net,
        Method::GET,
        &format!("{member_path}/export/print"),
        Some(&viewer),
        None,
    )
    .await;
    assert_eq!(p.status, 403);
    assert!(!p.body.contains("+62 812"), "{}", p.body);

    // The printable card carries the QR code and the text any union can check.
    let card = send(
        &net,
        Method::GET,
        &format!("{member_path}/card"),
        Some(&organiser),
        None,
    )
    .await;
    assert_eq!(card.status, 200);
    assert!(card.body.contains("<svg") && card.body.contains("UF1:"));
    let text = card
        .body
        .split(r#"<p class="cardtext">"#)
        .nth(1)
        .unwrap()
        .split("</p>")
        .next()
        .unwrap();
    let verdict = net
        .call(
            1,
            Method::POST,
            "/api/v1/cards/verify",
            Some(json!({ "card": text })),
        )
        .await
        .1;
    assert_eq!(verdict["issuer"], "KSPI", "{verdict}");

    // A viewer sees the member but not who they are; a case officer cannot enrol or print.
    let seen = send(&net, Method::GET, &member_path, Some(&viewer), None).await;
    assert_eq!(seen.status, 200);
    for hidden in ["Siti", "+62 812", "1994-07-21", "domestic work"] {
        assert!(!seen.body.contains(hidden), "a viewer sees {hidden}");
    }
    let list = send(&net, Method::GET, "/members?q=siti", Some(&viewer), None).await;
    assert!(!list.body.contains("Siti"));
    assert_eq!(
        send(&net, Method::GET, "/members/new", Some(&officer), None)
            .await
            .status,
        403
    );
    assert_eq!(
        send(
            &net,
            Method::GET,
            &format!("{member_path}/card"),
            Some(&viewer),
            None
        )
        .await
        .status,
        403
    );
    let list = send(&net, Method::GET, "/members?q=siti", Some(&officer), None).await;
    assert!(list.body.contains("Siti Rahayu"));

    // Status change from the member page.
    let csrf = csrf_of(
        &send(&net, Method::GET, &member_path, Some(&organiser), None)
            .await
            .body,
    );
    let a = send(
        &net,
        Method::POST,
        &format!("{member_path}/status"),
        Some(&organiser),
        Some(&[
            ("status", "suspended"),
            ("reason", "dues unpaid for six months"),
            ("csrf", &csrf),
        ]),
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let page = send(&net, Method::GET, &member_path, Some(&organiser), None).await;
    assert!(page.body.contains("suspended"));
    // An organiser changes the details; the consents are listed for roles that see people.
    let csrf = csrf_of(
        &send(&net, Method::GET, &member_path, Some(&organiser), None)
            .await
            .body,
    );
    let a = send(
        &net,
        Method::POST,
        &format!("{member_path}/edit"),
        Some(&organiser),
        Some(&[
            ("holder_name", "Siti Rahayu"),
            ("contact", "+60 11 9999 0000"),
            ("sector", ""),
            ("employer", "Sdn Bhd Baru"),
            ("csrf", &csrf),
        ]),
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let page = send(&net, Method::GET, &member_path, Some(&organiser), None).await;
    assert!(page.body.contains("+60 11 9999 0000") && page.body.contains("Sdn Bhd Baru"));
    assert!(page.body.contains("No consent recorded."));
    let mid = member_path.trim_start_matches("/members/");
    net.call(0, Method::POST, &format!("/api/v1/members/{mid}/consents"), Some(json!({
        "given": "in_person", "recipient": "MTUC",
        "purposes": ["representation at the workplace"], "data_categories": ["name"], "legal_basis": "consent" }))).await;
    let page = send(&net, Method::GET, &member_path, Some(&organiser), None).await;
    assert!(page.body.contains("representation at the workplace"));
    let seen = send(&net, Method::GET, &member_path, Some(&viewer), None).await;
    assert!(
        !seen.body.contains("representation at the workplace")
            && !seen.body.contains("Sdn Bhd Baru")
    );
    assert_eq!(
        send(
            &net,
            Method::POST,
            &format!("{member_path}/edit"),
            Some(&viewer),
            Some(&[("contact", "x"), ("csrf", &csrf_of(&seen.body))])
        )
        .await
        .status,
        403
    );
    // Every view is in the audit trail, the viewer's marked as without personal fields.
    let audit = send(
        &net,
        Method::GET,
        "/audit?q=view_member",
        Some(&admin),
        None,
    )
    .await;
    assert!(audit.body.contains("vic") && audit.body.contains("without personal fields"));
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_case_officer_works_the_queue_and_an_organiser_accepts_a_transfer_from_the_pages() {
    let net = TestNet::new(2).await;
    net.wait_connected().await;
    let admin = admin_session(&net).await;
    let officer = add_user(&net, &admin, "cora", "case_officer").await;
    let viewer = add_user(&net, &admin, "vic", "viewer").await;
    let (_, case) = net
        .call(
            0,
            Method::POST,
            "/api/v1/cases",
            Some(json!({
            "kind": "complaint", "how": "hotline",
            "categories": ["document_retention"], "risk_flags": ["detention"],
            "worker_name": "Lina", "description": "Locked in the house since Monday." })),
        )
        .await;
    let id = case["id"].as_str().unwrap().to_owned();
    let queue = send(&net, Method::GET, "/cases?f=risk", Some(&officer), None).await;
    assert_eq!(queue.status, 200);
    assert!(
        queue.body.contains(case["reference"].as_str().unwrap())
            && queue.body.contains("detention")
    );
    let page = send(
        &net,
        Method::GET,
        &format!("/cases/{id}"),
        Some(&officer),
        None,
    )
    .await;
    assert!(page.body.contains("Locked in the house") && page.body.contains("Lina"));
    let csrf = csrf_of(&page.body);
    // A skipped step is refused on the page with the reason; a valid one goes through.
    let a = send(
        &net,
        Method::POST,
        &format!("/cases/{id}/move"),
        Some(&officer),
        Some(&[("to", "resolved"), ("csrf", &csrf)]),
    )
    .await;
    assert_eq!(a.status, 422, "{}", a.body);
    assert!(a.body.contains("verified or rejected"));
    let a = send(
        &net,
        Method::POST,
        &format!("/cases/{id}/move"),
        Some(&officer),
        Some(&[
            ("to", "verified"),
            ("outcome", ""),
            ("rejection", ""),
            ("note", ""),
            ("csrf", &csrf),
        ]),
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let a = send(
        &net,
        Method::POST,
        &format!("/cases/{id}/action"),
        Some(&officer),
        Some(&[
            ("action", "visit"),
            ("note", "Went with the police; she is at the shelter."),
            ("csrf", &csrf),
        ]),
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let (_, stored) = net
        .call(0, Method::GET, &format!("/api/v1/cases/{id}"), None)
        .await;
    assert_eq!(stored["status"], "verified");
    assert_eq!(
        stored["events"].as_array().unwrap().last().unwrap()["actor"],
        "cora"
    );
    // Without the token nothing moves; a viewer sees the case without the person.
    let a = send(
        &net,
        Method::POST,
        &format!("/cases/{id}/move"),
        Some(&officer),
        Some(&[("to", "in_progress")]),
    )
    .await;
    assert_eq!(a.status, 403);
    let seen = send(
        &net,
        Method::GET,
        &format!("/cases/{id}"),
        Some(&viewer),
        None,
    )
    .await;
    assert_eq!(seen.status, 200);
    assert!(
        !seen.body.contains("Lina")
            && !seen.body.contains("Locked in")
            && !seen.body.contains("shelter")
    );
    let a = send(
        &net,
        Method::POST,
        &format!("/cases/{id}/move"),
        Some(&viewer),
        Some(&[("to", "in_progress"), ("csrf", &csrf_of(&seen.body))]),
    )
    .await;
    assert_eq!(a.status, 403);

    // A transfer from MTUC waits on KSPI's page, and an organiser accepts it.
    let organiser = add_user(&net, &admin, "ana", "organiser").await;
    let (_, member) = net
        .call(
            1,
            Method::POST,
            "/api/v1/members",
            Some(json!({ "holder_name": "Tuan Anh" })),
        )
        .await;
    let mid = member["id"].as_str().unwrap();
    let (_, consent) = net
        .call(
            1,
            Method::POST,
            &format!("/api/v1/members/{mid}/consents"),
            Some(json!({
        "given": "in_person", "recipient": "KSPI",
        "purposes": ["representation"], "data_categories": ["name"], "legal_basis": "consent" })),
        )
        .await;
    let (status, transfer) = net
        .call(
            1,
            Method::POST,
            "/api/v1/transfers",
            Some(json!({ "member": mid, "destination": "KSPI", "consent": consent["id"] })),
        )
        .await;
    assert_eq!(status, 201, "{transfer}");
    let tid = transfer["id"].as_str().unwrap().to_owned();
    let waiting = testnet::wait_for(60, "the transfer on KSPI's page", || async {
        let page = send(&net, Method::GET, "/transfers", Some(&organiser), None).await;
        page.body.contains("Tuan Anh").then_some(page)
    })
    .await;
    let a = send(
        &net,
        Method::POST,
        &format!("/transfers/{tid}/accept"),
        Some(&organiser),
        Some(&[("csrf", &csrf_of(&waiting.body))]),
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let (_, decided) = net
        .call(0, Method::GET, &format!("/api/v1/transfers/{tid}"), None)
        .await;
    assert_eq!(decided["status"]["state"], "accepted");
    assert_eq!(
        send(
            &net,
            Method::POST,
            &format!("/transfers/{tid}/accept"),
            Some(&officer),
            Some(&[("csrf", &csrf)])
        )
        .await
        .status,
        403,
        "a case officer does not decide transfers"
    );
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_federation_directory_and_partner_pages_work_for_the_right_roles() {
    let net = TestNet::new(2).await;
    net.wait_connected().await;
    let admin = admin_session(&net).await;
    let viewer = add_user(&net, &admin, "vic", "viewer").await;
    let officer = add_user(&net, &admin, "cora", "case_officer").await;
    for _ in 0..6 {
        net.call(
            0,
            Method::POST,
            "/api/v1/cases",
            Some(json!({ "kind": "complaint", "how": "walk_in",
            "categories": ["unpaid_wages"], "worker_name": "Budi", "description": "unpaid" })),
        )
        .await;
    }
    let (_, one) = net
        .call(
            0,
            Method::POST,
            "/api/v1/cases",
            Some(json!({ "kind": "inquiry", "how": "walk_in",
        "categories": ["isolation"], "worker_name": "Budi", "description": "alone" })),
        )
        .await;

    // Figures: six is enough to show, one is not.
    let reports = send(&net, Method::GET, "/reports", Some(&viewer), None).await;
    assert_eq!(reports.status, 200);
    assert!(
        reports.body.contains("Wages not paid</td><td>6"),
        "{}",
        reports.body
    );
    assert!(!reports
        .body
        .contains("Cut off from family or others</td><td>1"));
    let csv = send(&net, Method::GET, "/reports/cases.csv", Some(&viewer), None).await;
    assert_eq!(csv.status, 200);
    assert_eq!(csv.body.lines().count(), 8);
    assert!(!csv.body.contains("Budi"));
    // Printing a case needs a role that sees people.
    let id = one["id"].as_str().unwrap();
    assert_eq!(
        send(
            &net,
            Method::GET,
            &format!("/cases/{id}/print"),
            Some(&viewer),
            None
        )
        .await
        .status,
        403
    );
    let printed = send(
        &net,
        Method::GET,
        &format!("/cases/{id}/print"),
        Some(&officer),
        None,
    )
    .await;
    assert!(
        printed.status == 200
            && printed.body.contains("Budi")
            && printed.body.contains("@media print")
    );

    let fed = send(&net, Method::GET, "/federation", Some(&viewer), None).await;
    assert!(
        fed.body.contains("MTUC") && fed.body.contains("Logs held here"),
        "{}",
        fed.body
    );

    // The directory: officers add and import; a bad CSV names its line and adds nothing.
    let page = send(&net, Method::GET, "/directory", Some(&officer), None).await;
    let csrf = csrf_of(&page.body);
    let a = send(
        &net,
        Method::POST,
        "/directory/add",
        Some(&officer),
        Some(&[
            ("country", "my"),
            ("kind", "shelter"),
            ("name", "Shelter of hope"),
            ("contact", "+60 3 0000"),
            ("languages", "ms, id"),
            ("csrf", &csrf),
        ]),
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let a = send(
        &net,
        Method::POST,
        "/directory/import",
        Some(&officer),
        Some(&[
            ("csrf", &csrf),
            (
                "csv",
                "country,kind,name\nMY,legal_aid,Legal aid centre\nXX9,spa,Bad\n",
            ),
        ]),
    )
    .await;
    assert_eq!(a.status, 422);
    assert!(a.body.contains("line 3"));
    let a = send(
        &net,
        Method::POST,
        "/directory/import",
        Some(&officer),
        Some(&[
            ("csrf", &csrf),
            ("csv", "country,kind,name\nMY,legal_aid,Legal aid centre\n"),
        ]),
    )
    .await;
    assert!(a.body.contains("Imported entries: 1"), "{}", a.body);
    let seen = send(&net, Method::GET, "/directory", Some(&viewer), None).await;
    assert!(seen.body.contains("Shelter of hope") && seen.body.contains("Legal aid centre"));
    // Kinds are named in the reader's language, never shown as codes.
    assert!(
        seen.body.contains("<td>Shelter</td>") && seen.body.contains("<td>Legal aid</td>"),
        "{}",
        seen.body
    );
    assert!(!seen.body.contains(">legal_aid<"), "{}", seen.body);
    assert!(
        !seen.body.contains("/directory/add"),
        "a viewer gets no form"
    );

    // Partners: admins only; the token is shown once and works at once.
    assert_eq!(
        send(&net, Method::GET, "/partners", Some(&officer), None)
            .await
            .status,
        403
    );
    let page = send(&net, Method::GET, "/partners", Some(&admin), None).await;
    let csrf = csrf_of(&page.body);
    let a = send(
        &net,
        Method::POST,
        "/partners",
        Some(&admin),
        Some(&[
            ("name", "Embassy desk"),
            ("kind", "embassy"),
            ("csrf", &csrf),
        ]),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let token = a
        .body
        .split(r#"<code id="partner-token">"#)
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap()
        .to_owned();
    let list = reqwest::Client::new()
        .get(net.url(0, "/api/v1/partner/referrals"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), 200);
    let again = send(&net, Method::GET, "/partners", Some(&admin), None).await;
    assert!(!again.body.contains(&token), "the token is shown only once");
    net.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_step_login_needs_the_code_from_the_app_once_turned_on() {
    let net = TestNet::new(2).await;
    let admin = admin_session(&net).await;
    let officer = add_user(&net, &admin, "cora", "case_officer").await;
    let page = send(&net, Method::GET, "/account", Some(&officer), None).await;
    assert!(page.body.contains("Two-step login is off."));
    let csrf = csrf_of(&page.body);
    let started = send(
        &net,
        Method::POST,
        "/account/totp/start",
        Some(&officer),
        Some(&[("csrf", &csrf)]),
    )
    .await;
    assert_eq!(started.status, 200);
    assert!(started.body.contains("<svg"));
    let secret = started
        .body
        .split(r#"<code id="totp-secret">"#)
        .nth(1)
        .unwrap()
        .split("</code>")
        .next()
        .unwrap()
        .to_owned();
    let totp = unionfed_node::accounts::totp(&secret, "test", "cora").unwrap();
    let a = send(
        &net,
        Method::POST,
        "/account/totp/on",
        Some(&officer),
        Some(&[("csrf", &csrf), ("secret", &secret), ("code", "000000")]),
    )
    .await;
    assert_eq!(a.status, 422, "a wrong code does not turn it on");
    let code = totp.generate_current().unwrap();
    let a = send(
        &net,
        Method::POST,
        "/account/totp/on",
        Some(&officer),
        Some(&[("csrf", &csrf), ("secret", &secret), ("code", &code)]),
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    assert!(send(&net, Method::GET, "/account", Some(&officer), None)
        .await
        .body
        .contains("Two-step login is on"));

    let login = |code: &'static str| {
        let net = &net;
        async move {
            send(
                net,
                Method::POST,
                "/login",
                None,
                Some(&[
                    ("username", "cora"),
                    ("password", "another long password"),
                    ("code", code),
                ]),
            )
            .await
        }
    };
    let a = login("").await;
    assert_eq!(a.status, 401);
    assert!(a.body.contains("Enter the 6-digit code"));
    assert_eq!(login("123456").await.status, 401);
    let right = send(
        &net,
        Method::POST,
        "/login",
        None,
        Some(&[
            ("username", "cora"),
            ("password", "another long password"),
            ("code", &totp.generate_current().unwrap()),
        ]),
    )
    .await;
    assert_eq!(right.status, 303, "{}", right.body);
    let session = session_of(&right);
    // Turning it off needs the password.
    let csrf = csrf_of(
        &send(&net, Method::GET, "/account", Some(&session), None)
            .await
            .body,
    );
    let a = send(
        &net,
        Method::POST,
        "/account/totp/off",
        Some(&session),
        Some(&[("csrf", &csrf), ("password", "wrong")]),
    )
    .await;
    assert_eq!(a.status, 422);
    let a = send(
        &net,
        Method::POST,
        "/account/totp/off",
        Some(&session),
        Some(&[("csrf", &csrf), ("password", "another long password")]),
    )
    .await;
    assert_eq!(a.status, 303);
    assert_eq!(login("").await.status, 303);
    let audit = send(&net, Method::GET, "/audit?q=totp", Some(&admin), None).await;
    assert!(audit.body.contains("totp_on") && audit.body.contains("totp_off"));
    net.shutdown().await;
}

/// The breach register: an admin records a breach on the page with the
/// deadline of the affiliate's country, marks the authority told, and the
/// API shows the same; bad input is refused with what was wrong, and a
/// viewer is refused the register.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_breach_register_keeps_each_breach_with_the_deadline_of_the_country() {
    let net = TestNet::new(2).await;
    let admin = admin_session(&net).await;
    let page = send(&net, Method::GET, "/breaches", Some(&admin), None).await;
    assert_eq!(page.status, 200);
    // KSPI is in Indonesia: the PDP Law's 72 hours.
    assert!(
        page.body
            .contains("Law 27/2022 on Personal Data Protection, art. 46"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<strong>72</strong>"), "{}", page.body);
    assert!(page.body.contains("No breach is recorded."));
    let csrf = csrf_of(&page.body);
    let bad = send(
        &net,
        Method::POST,
        "/breaches",
        Some(&admin),
        Some(&[
            ("csrf", &csrf),
            ("happened", "a lost phone"),
            ("data", "members"),
            ("people", "many"),
        ]),
    )
    .await;
    assert_eq!(bad.status, 422);
    assert!(
        bad.body
            .contains("Give the number of people as a whole number"),
        "{}",
        bad.body
    );
    let future = send(
        &net,
        Method::POST,
        "/breaches",
        Some(&admin),
        Some(&[
            ("csrf", &csrf),
            ("happened", "a lost phone"),
            ("data", "members"),
            ("people", "3"),
            ("found_on", "2999-01-01"),
        ]),
    )
    .await;
    assert_eq!(future.status, 422);
    assert!(future.body.contains("is in the future"), "{}", future.body);
    let recorded = send(
        &net,
        Method::POST,
        "/breaches",
        Some(&admin),
        Some(&[
            ("csrf", &csrf),
            (
                "happened",
                "An organiser's phone with the member list was stolen at the market",
            ),
            ("data", "names and phone numbers of members"),
            ("people", "86"),
            (
                "measures",
                "the account was disabled and its sessions ended",
            ),
        ]),
    )
    .await;
    assert_eq!(recorded.status, 201, "{}", recorded.body);
    assert!(recorded.body.contains("stolen at the market"));
    assert!(recorded
        .body
        .contains("The breach is recorded; mind the deadline."));

    let (status, register) = net.call(0, Method::GET, "/api/v1/breaches", None).await;
    assert_eq!(status, 200, "{register}");
    assert_eq!(register["deadline"]["hours"], 72);
    let breach = &register["breaches"][0];
    assert_eq!(breach["people"], 86);
    assert_eq!(breach["recorded_by"], "Admin");
    assert!(breach["authority_told_at"].is_null());
    let id = breach["id"].as_str().unwrap();
    let told = send(
        &net,
        Method::POST,
        &format!("/breaches/{id}/authority"),
        Some(&admin),
        Some(&[("csrf", &csrf)]),
    )
    .await;
    assert_eq!(told.status, 303);
    let (_, register) = net.call(0, Method::GET, "/api/v1/breaches", None).await;
    assert!(
        register["breaches"][0]["authority_told_at"].is_u64(),
        "{register}"
    );
    let (status, again) = net
        .call(
            0,
            Method::POST,
            &format!("/api/v1/breaches/{id}/told"),
            Some(json!({ "whom": "authority" })),
        )
        .await;
    assert_eq!(status, 422, "told once: {again}");
    // A viewer may not read the register, and the refusal is recorded.
    let viewer = add_user(&net, &admin, "vera", "viewer").await;
    let refused = send(&net, Method::GET, "/breaches", Some(&viewer), None).await;
    assert_eq!(refused.status, 403);
    let trail: Vec<String> = net
        .node(0)
        .state()
        .audit_newest_first()
        .map(|r| r.unwrap())
        .map(|r| format!("{} {}", r.actor, r.action))
        .collect();
    assert!(
        trail.contains(&"vera refused_breach_register".to_owned()),
        "{trail:?}"
    );
    assert!(
        trail.contains(&"admin record_breach".to_owned()),
        "{trail:?}"
    );
    net.shutdown().await;
}
