//! Helpers for tests that use the staff pages over real HTTP: a client that
//! does not follow redirects, form posts with the session cookie, the CSRF
//! token of a page, first-run setup and accounts per node.

#![allow(dead_code)]

use super::testnet::TestNet;
use reqwest::{redirect, Method};

pub(crate) fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(redirect::Policy::none())
        .build()
        .unwrap()
}

pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) location: String,
    pub(crate) cookie: String,
    pub(crate) body: String,
}

/// A request to node 0.
pub(crate) async fn send(
    net: &TestNet,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    form: Option<&[(&str, &str)]>,
) -> Answer {
    send_at(net, 0, method, path, cookie, form).await
}

/// A request to node `i`, with the session cookie and a form when given.
pub(crate) async fn send_at(
    net: &TestNet,
    i: usize,
    method: Method,
    path: &str,
    cookie: Option<&str>,
    form: Option<&[(&str, &str)]>,
) -> Answer {
    let mut r = client().request(method, net.url(i, path));
    if let Some(c) = cookie {
        r = r.header("cookie", format!("uf_session={c}"));
    }
    if let Some(f) = form {
        r = r.form(f);
    }
    let r = r.send().await.unwrap();
    let header = |n: &str| {
        r.headers()
            .get(n)
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (location, cookie) = (header("location"), header("set-cookie"));
    Answer {
        status: r.status().as_u16(),
        location,
        cookie,
        body: r.text().await.unwrap(),
    }
}

pub(crate) fn session_of(a: &Answer) -> String {
    a.cookie
        .strip_prefix("uf_session=")
        .and_then(|c| c.split(';').next())
        .unwrap_or_else(|| panic!("no session cookie in {:?}", a.cookie))
        .to_owned()
}

pub(crate) fn csrf_of(html: &str) -> String {
    let at =
        html.find(r#"name="csrf" value=""#).expect("a csrf field") + r#"name="csrf" value=""#.len();
    html[at..at + 32].to_owned()
}

/// Sets up node 0's first admin and returns the session.
pub(crate) async fn admin_session(net: &TestNet) -> String {
    admin_session_at(net, 0).await
}

/// Sets up node `i`'s first admin and returns the session.
pub(crate) async fn admin_session_at(net: &TestNet, i: usize) -> String {
    let token = net.tokens[i].clone();
    let a = send_at(
        net,
        i,
        Method::POST,
        "/setup",
        None,
        Some(&[
            ("token", &token),
            ("username", "admin"),
            ("display_name", "Admin"),
            ("password", "a long enough password"),
            ("password2", "a long enough password"),
        ]),
    )
    .await;
    session_of(&a)
}

/// Adds an account with `role` at node 0 and returns its session.
pub(crate) async fn add_user(net: &TestNet, admin: &str, name: &str, role: &str) -> String {
    add_user_at(net, 0, admin, name, role).await
}

/// Adds an account with `role` at node `i` and returns its session.
pub(crate) async fn add_user_at(
    net: &TestNet,
    i: usize,
    admin: &str,
    name: &str,
    role: &str,
) -> String {
    let csrf = csrf_of(
        &send_at(net, i, Method::GET, "/", Some(admin), None)
            .await
            .body,
    );
    let a = send_at(
        net,
        i,
        Method::POST,
        "/users",
        Some(admin),
        Some(&[
            ("username", name),
            ("display_name", name),
            ("role", role),
            ("password", "another long password"),
            ("csrf", &csrf),
        ]),
    )
    .await;
    assert_eq!(a.status, 303, "{}", a.body);
    let login = send_at(
        net,
        i,
        Method::POST,
        "/login",
        None,
        Some(&[("username", name), ("password", "another long password")]),
    )
    .await;
    session_of(&login)
}
