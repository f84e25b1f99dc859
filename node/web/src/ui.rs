//! What people see: server-rendered HTML from the templates in
//! `admin-ui/templates`, in the reader's language (`admin-ui/locales`).
//! Plain forms that work without JavaScript.

pub mod admin;
pub mod case_files;
pub mod desk;
pub mod i18n;
pub mod member_moves;
pub mod members;
pub mod public;
pub mod staff;

use crate::api::AppState;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use i18n::Tr;

const PUBLIC_CSS: &str = include_str!("../../../admin-ui/static/public.css");
const SCAN_JS: &str = include_str!("../../../admin-ui/static/scan.js");

/// The fonts for the scripts many phones lack (`admin-ui/static/fonts`).
const FONTS: [(&str, &[u8]); 6] = [
    (
        "noto-sans-myanmar-400.woff2",
        include_bytes!("../../../admin-ui/static/fonts/noto-sans-myanmar-400.woff2"),
    ),
    (
        "noto-sans-myanmar-700.woff2",
        include_bytes!("../../../admin-ui/static/fonts/noto-sans-myanmar-700.woff2"),
    ),
    (
        "noto-sans-khmer-400.woff2",
        include_bytes!("../../../admin-ui/static/fonts/noto-sans-khmer-400.woff2"),
    ),
    (
        "noto-sans-khmer-700.woff2",
        include_bytes!("../../../admin-ui/static/fonts/noto-sans-khmer-700.woff2"),
    ),
    (
        "noto-sans-lao-400.woff2",
        include_bytes!("../../../admin-ui/static/fonts/noto-sans-lao-400.woff2"),
    ),
    (
        "noto-sans-lao-700.woff2",
        include_bytes!("../../../admin-ui/static/fonts/noto-sans-lao-700.woff2"),
    ),
];

/// The policy of pages without script, and of the one page with a script
/// of ours (the card check, whose scanner uses the camera).
const CSP: &str = "default-src 'none'; style-src 'self'; font-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const CSP_WITH_SCRIPT: &str = "default-src 'none'; script-src 'self'; style-src 'self'; font-src 'self'; img-src 'self' data: blob:; media-src 'self' blob: mediastream:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A rendered page with the headers every page carries: no script runs,
/// nothing is framed or cached, no referrer leaves.
pub(crate) fn page(status: StatusCode, rendered: askama::Result<String>) -> Response {
    page_with_policy(status, rendered, CSP)
}

/// Like [`page`], for the card check, which loads `/static/scan.js`.
pub(crate) fn page_with_scanner(status: StatusCode, rendered: askama::Result<String>) -> Response {
    page_with_policy(status, rendered, CSP_WITH_SCRIPT)
}

fn page_with_policy(
    status: StatusCode,
    rendered: askama::Result<String>,
    csp: &'static str,
) -> Response {
    let html = match rendered {
        Ok(html) => html,
        Err(e) => {
            tracing::error!(error = %e, "a page failed to render");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be shown",
            )
                .into_response();
        }
    };
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    for (name, value) in [
        (header::CONTENT_TYPE, "text/html; charset=utf-8"),
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (header::CONTENT_SECURITY_POLICY, csp),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

async fn scan_js() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        SCAN_JS,
    )
        .into_response()
}

/// A font of [`FONTS`], cached for a year: a changed file gets a new name.
async fn font(axum::extract::Path(name): axum::extract::Path<String>) -> Response {
    match FONTS.iter().find(|(n, _)| *n == name) {
        Some((_, bytes)) => (
            [
                (header::CONTENT_TYPE, "font/woff2"),
                (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
                (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            ],
            *bytes,
        )
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such font").into_response(),
    }
}

async fn public_css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        PUBLIC_CSS,
    )
        .into_response()
}

/// The value of the cookie `name`, if the request carries it.
pub(crate) fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            c.trim()
                .strip_prefix(name)?
                .strip_prefix('=')
                .map(str::to_owned)
        })
}

/// The fields of a posted form, in order; a name may repeat (check boxes).
#[derive(Debug, Default, Clone)]
pub struct Fields(Vec<(String, String)>);

impl Fields {
    pub fn parse(body: &[u8]) -> Fields {
        Fields(
            form_urlencoded::parse(body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    pub fn from_pairs(pairs: Vec<(String, String)>) -> Fields {
        Fields(pairs)
    }

    /// The first value of `name`, or empty.
    pub fn one(&self, name: &str) -> String {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// The first value of `name`, borrowed, or empty.
    pub fn first(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Whether `name` was sent with `value` (a chosen option, a ticked box).
    pub fn has(&self, name: &str, value: &str) -> bool {
        self.0.iter().any(|(k, v)| k == name && v == value)
    }

    /// Every value of `name`.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

/// The federation's other affiliates, as the charter held now lists them:
/// (code, "KSPI · name · Indonesia") for the pages' choices.
pub(crate) fn other_affiliates(state: &AppState, t: Tr) -> Vec<(String, String)> {
    state
        .charter()
        .charter
        .affiliates
        .iter()
        .filter(|a| a.id != state.config.affiliate)
        .map(|a| {
            let label = format!("{} · {} · {}", a.id, a.name, t.country(a.country.as_str()));
            (a.id.to_string(), label)
        })
        .collect()
}

/// A form body (`application/x-www-form-urlencoded`), within the body limit.
#[derive(Debug)]
pub struct FormFields(pub Fields);

impl<S: Send + Sync> FromRequest<S> for FormFields {
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Response> {
        let t = public::lang_of(req.headers());
        let bytes = Bytes::from_request(req, state).await.map_err(|e| {
            let status = e.status();
            (status, t.get("error-heading")).into_response()
        })?;
        Ok(FormFields(Fields::parse(&bytes)))
    }
}

/// The public pages; the caller puts them behind the rate limiter.
pub(crate) fn public_routes() -> Router<AppState> {
    Router::new()
        .route("/p", get(public::home))
        .route("/p/", get(public::home))
        .route("/p/card", get(public::card_form).post(public::card_check))
        .route(
            "/p/complaint",
            get(public::complaint_form).post(public::complaint_submit),
        )
        .route("/p/case", get(public::follow_form).post(public::follow))
        .route("/p/case/message", post(public::follow_message))
        .route("/p/lang", post(public::choose_language))
        .route("/p/rights", get(public::rights))
        .route("/p/privacy", get(public::privacy))
}

/// The staff pages that need no session; the caller rate limits them.
pub(crate) fn sign_in_routes() -> Router<AppState> {
    Router::new()
        .route("/login", get(staff::login_form).post(staff::login))
        .route("/setup", get(staff::setup_form).post(staff::setup))
}

/// The staff pages behind a session.
pub(crate) fn staff_routes(max_file_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/", get(staff::home))
        .route("/dashboard", get(staff::dashboard))
        .route("/logout", post(staff::logout))
        .route("/users", get(staff::users).post(staff::create_user))
        .route("/users/{username}/{change}", post(staff::set_user_state))
        .route(
            "/users/{username}/tokens/{id}",
            post(staff::revoke_user_token),
        )
        .route("/audit", get(staff::audit))
        .route("/account", get(staff::account))
        .route("/account/totp/{step}", post(staff::account_totp))
        .route("/account/tokens", post(staff::create_token))
        .route("/account/tokens/{id}/{step}", post(staff::revoke_own_token))
        .route("/members", get(members::list))
        .route("/members/new", get(members::new_form).post(members::enrol))
        .route("/members/{id}", get(members::show))
        .route("/members/{id}/status", post(members::set_status))
        .route("/members/{id}/dues", post(members::record_dues))
        .route("/members/{id}/export", get(members::export))
        .route("/members/{id}/export/print", get(members::export_print))
        .route("/members/{id}/erase", post(members::erase))
        .route("/members/{id}/edit", post(members::edit))
        .route("/members/{id}/card", get(members::card))
        .route("/cards", get(members::check_form).post(members::check))
        .route("/members/{id}/consents", post(member_moves::record_consent))
        .route(
            "/members/{id}/consents/{consent}/withdraw",
            post(member_moves::withdraw_consent),
        )
        .route("/members/{id}/transfer", post(member_moves::send_transfer))
        .route("/transfers", get(desk::transfers))
        .route("/transfers/request", post(desk::request_file))
        .route("/transfers/{id}/{decision}", post(desk::decide_transfer))
        .route("/cases", get(desk::cases))
        .route("/cases/{id}", get(desk::case))
        .route("/cases/{id}/{step}", post(desk::case_step))
        .route("/cases/{id}/print", get(admin::print_case))
        .route(
            "/cases/{id}/files",
            // The file and the form's other fields.
            post(case_files::upload).layer(axum::extract::DefaultBodyLimit::max(
                max_file_bytes + 64 * 1024,
            )),
        )
        .route("/cases/{id}/files/{sha256}", get(case_files::download))
        .route("/reports", get(admin::reports))
        .route("/reports/cases.csv", get(admin::register_csv))
        .route("/federation", get(admin::federation))
        .route("/directory", get(admin::directory))
        .route("/directory/{what}", post(admin::directory_change))
        .route("/partners", get(admin::partners).post(admin::add_partner))
        .route("/breaches", get(admin::breaches).post(admin::record_breach))
        .route("/breaches/{id}/{whom}", post(admin::breach_told))
        .route("/partners/{id}/revoke", post(admin::revoke_partner))
}

/// Files every page uses.
pub(crate) fn static_routes() -> Router<AppState> {
    Router::new()
        .route("/static/public.css", get(public_css))
        .route("/static/scan.js", get(scan_js))
        .route("/static/fonts/{name}", get(font))
}
