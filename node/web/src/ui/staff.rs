//! The staff side: first-run setup, login, the dashboard, users and the
//! audit trail. Every form carries the session's CSRF token; a post
//! without it is refused and changes nothing.

use super::i18n::Tr;
use super::public::lang_of;
use super::{page, FormFields};
use crate::api::AppState;
use unionfed_core::access::Principal;
use unionfed_core::accounts::{same_token, LoginFailure, NewUser, Role, Session, User};
use unionfed_core::audit::AuditQuery;

use askama::Template;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use unionfed_core::error::NodeError;

const COOKIE: &str = "uf_session";

/// The signed-in user as the page header shows them.
pub(crate) struct Me {
    pub(crate) name: String,
    pub(crate) role_key: &'static str,
    pub(crate) admin: bool,
    pub(crate) csrf: String,
    /// Where the language switcher brings them back to.
    pub(crate) here: String,
}

fn role_key(role: Role) -> &'static str {
    match role {
        Role::Admin => "role-admin",
        Role::CaseOfficer => "role-case_officer",
        Role::Organiser => "role-organiser",
        Role::Viewer => "role-viewer",
    }
}

/// A request from a signed-in staff member.
pub(crate) struct Staff {
    pub user: User,
    pub session: Session,
    pub session_id: String,
    pub t: Tr,
    /// The staff member as the domain knows them.
    pub who: Principal,
    /// The page asked for, to come back to after changing the language: a
    /// GET's path and query; after a form, the dashboard.
    pub here: String,
}

/// A form posted by a signed-in staff member, with this session's CSRF
/// token: a form without it is refused (403, "reload the page") before any
/// handler runs.
pub(crate) struct StaffForm {
    pub staff: Staff,
    pub fields: super::Fields,
}

impl axum::extract::FromRequest<AppState> for StaffForm {
    type Rejection = Response;

    async fn from_request(
        req: axum::extract::Request,
        state: &AppState,
    ) -> Result<StaffForm, Response> {
        let (mut parts, body) = req.into_parts();
        let staff = Staff::from_request_parts(&mut parts, state).await?;
        let req = axum::extract::Request::from_parts(parts, body);
        let FormFields(fields) = FormFields::from_request(req, state).await?;
        if let Some(refused) = staff.csrf_refusal(&fields) {
            return Err(refused);
        }
        Ok(StaffForm { staff, fields })
    }
}

impl Staff {
    /// The page for an error the domain returned: one mapping for every
    /// staff page. A refusal is 403, a missing thing 404, refused input
    /// 422 with its reason, anything else 500 (with the cause in the log).
    pub(crate) fn error_page(&self, e: NodeError) -> Response {
        match e {
            NodeError::Forbidden(_) => {
                message_page(self.t, StatusCode::FORBIDDEN, "error-forbidden")
            }
            NodeError::NotFound { .. } => {
                message_page(self.t, StatusCode::NOT_FOUND, "error-heading")
            }
            NodeError::Invalid(m) => super::public::error_page_with(
                self.t,
                StatusCode::UNPROCESSABLE_ENTITY,
                &self.input_error(&m),
                "/",
            ),
            other => {
                tracing::error!(error = %other, "a staff page failed");
                message_page(self.t, StatusCode::INTERNAL_SERVER_ERROR, "error-heading")
            }
        }
    }

    /// The refusal of a form the policy does not give this user, asked
    /// before the form is read (a refusal of personal data is recorded like
    /// any other); `None` when the user may go on.
    pub(crate) fn unless_may(
        &self,
        state: &AppState,
        action: unionfed_core::access::Action,
        target: &str,
    ) -> Option<Response> {
        state
            .allow(&self.who, action, target)
            .err()
            .map(|e| self.error_page(e))
    }

    pub(crate) fn me(&self) -> Option<Me> {
        Some(Me {
            name: self.user.display_name.clone(),
            role_key: role_key(self.user.role),
            admin: self.user.role == Role::Admin,
            csrf: self.session.csrf.clone(),
            here: self.here.clone(),
        })
    }

    /// The refusal of a form whose CSRF token is not this session's.
    pub(crate) fn csrf_refusal(&self, fields: &super::Fields) -> Option<Response> {
        (!same_token(&fields.one("csrf"), &self.session.csrf))
            .then(|| message_page(self.t, StatusCode::FORBIDDEN, "error-csrf"))
    }

    /// The message above a form the domain refused: "Check what you
    /// entered:" and the reason.
    pub(crate) fn input_error(&self, reason: &str) -> String {
        format!("{} {reason}", self.t.get("error-input"))
    }
}

fn cookie_value(headers: &HeaderMap) -> Option<String> {
    super::cookie(headers, COOKIE)
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Staff, Response> {
        let t = lang_of(&parts.headers);
        let here = if parts.method == axum::http::Method::GET {
            parts
                .uri
                .path_and_query()
                .map_or("/dashboard", |p| p.as_str())
                .to_owned()
        } else {
            "/dashboard".to_owned()
        };
        let to_login = || {
            let target = if state.accounts().has_users().unwrap_or(true) {
                "/login"
            } else {
                "/setup"
            };
            Redirect::to(target).into_response()
        };
        let Some(id) = cookie_value(&parts.headers) else {
            return Err(to_login());
        };
        match state.accounts().session_user(&id) {
            Ok(Some((user, session))) => Ok(Staff {
                who: user.principal(None),
                user,
                session,
                session_id: id,
                t,
                here,
            }),
            Ok(None) => Err(to_login()),
            Err(e) => {
                tracing::error!(error = %e, "session lookup failed");
                Err(message_page(
                    t,
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "error-heading",
                ))
            }
        }
    }
}

/// An error page in the reader's language, leading back to the dashboard.
pub(crate) fn message_page(t: Tr, status: StatusCode, key: &str) -> Response {
    super::public::error_page(t, status, key, "/")
}

fn session_cookie(state: &AppState, id: &str) -> HeaderValue {
    let secure = if state.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    let text = format!(
        "{COOKIE}={id}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
        unionfed_core::accounts::ABSOLUTE_SECS
    );
    HeaderValue::from_str(&text).unwrap_or(HeaderValue::from_static(""))
}

fn signed_in(state: &AppState, id: &str) -> Response {
    let mut r = Redirect::to("/").into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(state, id));
    r
}

// --- login and setup ---------------------------------------------------------------

#[derive(Template)]
#[template(path = "s_login.html")]
struct LoginPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    error: Option<String>,
    username: String,
}

pub(crate) async fn login_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !state.accounts().has_users().unwrap_or(true) {
        return Redirect::to("/setup").into_response();
    }
    login_page(
        &state,
        lang_of(&headers),
        StatusCode::OK,
        None,
        String::new(),
    )
}

fn login_page(
    state: &AppState,
    t: Tr,
    status: StatusCode,
    error: Option<String>,
    username: String,
) -> Response {
    page(
        status,
        LoginPage {
            t,
            affiliate: state.config.name.clone(),
            me: None,
            error,
            username,
        }
        .render(),
    )
}

pub(crate) async fn login(
    State(state): State<AppState>,
    headers: HeaderMap,
    FormFields(f): FormFields,
) -> Response {
    let t = lang_of(&headers);
    let username = f.one("username").trim().to_lowercase();
    let code = f.one("code");
    match state
        .accounts()
        .login(&username, &f.one("password"), Some(code.as_str()))
        .await
    {
        Ok(Ok((_, session))) => {
            // A session from before this login ends: ids are never reused.
            if let Some(old) = cookie_value(&headers) {
                let _ = state.accounts().logout(&old).await;
            }
            signed_in(&state, &session.id)
        }
        Ok(Err(LoginFailure::Wrong)) => login_page(
            &state,
            t,
            StatusCode::UNAUTHORIZED,
            Some(t.get("login-wrong")),
            username,
        ),
        Ok(Err(LoginFailure::NeedsCode)) => login_page(
            &state,
            t,
            StatusCode::UNAUTHORIZED,
            Some(t.get("login-code-needed")),
            username,
        ),
        Ok(Err(LoginFailure::Locked { .. })) => login_page(
            &state,
            t,
            StatusCode::TOO_MANY_REQUESTS,
            Some(t.get("login-locked")),
            username,
        ),
        Err(e) => {
            tracing::error!(error = %e, "login failed");
            message_page(t, StatusCode::INTERNAL_SERVER_ERROR, "error-heading")
        }
    }
}

pub(crate) async fn logout(
    State(state): State<AppState>,
    StaffForm { staff, .. }: StaffForm,
) -> Response {
    if let Err(e) = state.accounts().logout(&staff.session_id).await {
        tracing::error!(error = %e, "logout failed");
    }
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("uf_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"),
    );
    r
}

#[derive(Template)]
#[template(path = "s_setup.html")]
struct SetupPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    error: Option<String>,
    username: String,
    display_name: String,
}

pub(crate) async fn setup_form(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if state.accounts().has_users().unwrap_or(true) {
        return Redirect::to("/login").into_response();
    }
    page(
        StatusCode::OK,
        SetupPage {
            t: lang_of(&headers),
            affiliate: state.config.name.clone(),
            me: None,
            error: None,
            username: String::new(),
            display_name: String::new(),
        }
        .render(),
    )
}

pub(crate) async fn setup(
    State(state): State<AppState>,
    headers: HeaderMap,
    FormFields(f): FormFields,
) -> Response {
    let t = lang_of(&headers);
    let username = f.one("username").trim().to_lowercase();
    let display_name = f.one("display_name");
    let again = |error: String, status: StatusCode| {
        page(
            status,
            SetupPage {
                t,
                affiliate: state.config.name.clone(),
                me: None,
                error: Some(error),
                username: username.clone(),
                display_name: display_name.clone(),
            }
            .render(),
        )
    };
    if f.one("password") != f.one("password2") {
        return again(t.get("setup-mismatch"), StatusCode::UNPROCESSABLE_ENTITY);
    }
    let new = NewUser {
        username: username.clone(),
        display_name: display_name.clone(),
        role: Role::Admin,
        password: f.one("password"),
    };
    match state.accounts().first_admin(&f.one("token"), new).await {
        Ok(session) => signed_in(&state, &session.id),
        Err(NodeError::Forbidden(_)) => again(t.get("setup-wrong-token"), StatusCode::FORBIDDEN),
        Err(NodeError::Invalid(m)) => again(
            format!("{} {m}", t.get("error-input")),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => {
            tracing::error!(error = %e, "setup failed");
            message_page(t, StatusCode::INTERNAL_SERVER_ERROR, "error-heading")
        }
    }
}

// --- dashboard ---------------------------------------------------------------------

#[derive(Template)]
#[template(path = "s_dashboard.html")]
struct DashboardPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    urgent: usize,
    high: usize,
    normal: usize,
    overdue: usize,
    incoming_referrals: usize,
    members: usize,
    incoming_transfers: usize,
    charter_version: u32,
    peers: usize,
    equivocations: usize,
}

/// `/`: staff land on their dashboard; a visitor who brings no session
/// at all is a worker or a member of the public, and goes to the public
/// pages (whose footer has the staff sign-in). A stale or ended session
/// still goes to the login page, and a node with no account yet to setup.
pub(crate) async fn home(
    State(state): State<AppState>,
    headers: HeaderMap,
    staff: Result<Staff, Response>,
) -> Response {
    match staff {
        Ok(staff) => dashboard(State(state), staff).await,
        Err(_)
            if cookie_value(&headers).is_none()
                && state.accounts().has_users().unwrap_or(false) =>
        {
            Redirect::to("/p").into_response()
        }
        Err(refusal) => refusal,
    }
}

pub(crate) async fn dashboard(State(state): State<AppState>, staff: Staff) -> Response {
    let f = match state.cases().desk_figures(&staff.who) {
        Ok(f) => f,
        Err(e) => return staff.error_page(e),
    };
    let peers = state.connected_peers().await.map_or(0, |p| p.len());
    page(
        StatusCode::OK,
        DashboardPage {
            t: staff.t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            urgent: f.urgent,
            high: f.high,
            normal: f.normal,
            overdue: f.overdue,
            incoming_referrals: f.incoming_referrals,
            members: f.members,
            incoming_transfers: f.incoming_transfers,
            charter_version: state.charter().charter.version,
            peers,
            equivocations: state.equivocation_count(),
        }
        .render(),
    )
}

// --- users ---------------------------------------------------------------------------

struct UserRow {
    username: String,
    display_name: String,
    role_key: &'static str,
    disabled: bool,
    is_me: bool,
}

#[derive(Template)]
#[template(path = "s_users.html")]
struct UsersPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    error: Option<String>,
    users: Vec<UserRow>,
    roles: Vec<(&'static str, &'static str)>,
    csrf: String,
    /// (user, id, label, created) of every personal API token.
    tokens: Vec<(String, String, String, String)>,
}

fn users_page(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let held = match state.accounts().users(&staff.who) {
        Ok(u) => u,
        Err(e) => return staff.error_page(e),
    };
    let mut tokens = Vec::new();
    let mut users = Vec::with_capacity(held.len());
    for (u, held_tokens) in held {
        for x in held_tokens {
            tokens.push((u.username.clone(), x.id, x.label, clock(x.created_at)));
        }
        users.push(u);
    }
    page(
        status,
        UsersPage {
            t: staff.t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            error,
            users: users
                .into_iter()
                .map(|u| UserRow {
                    is_me: u.username == staff.user.username,
                    username: u.username,
                    display_name: u.display_name,
                    role_key: role_key(u.role),
                    disabled: u.disabled,
                })
                .collect(),
            roles: [
                Role::CaseOfficer,
                Role::Organiser,
                Role::Viewer,
                Role::Admin,
            ]
            .into_iter()
            .map(|r| (r.as_str(), role_key(r)))
            .collect(),
            csrf: staff.session.csrf.clone(),
            tokens,
        }
        .render(),
    )
}

/// An admin revokes anyone's personal API token (`/users/{user}/tokens/{id}`).
pub(crate) async fn revoke_user_token(
    State(state): State<AppState>,
    Path((username, id)): Path<(String, String)>,
    StaffForm { staff, .. }: StaffForm,
) -> Response {
    revoke_token(&state, &staff, &username, &id, "/users").await
}

/// Revokes `owner`'s token `id` and goes back to `back`.
async fn revoke_token(
    state: &AppState,
    staff: &Staff,
    owner: &str,
    id: &str,
    back: &str,
) -> Response {
    match state
        .accounts()
        .revoke_api_token(&staff.who, owner, id)
        .await
    {
        Ok(true) => Redirect::to(back).into_response(),
        Ok(false) => message_page(staff.t, StatusCode::NOT_FOUND, "error-heading"),
        Err(e) => staff.error_page(e),
    }
}

pub(crate) async fn users(State(state): State<AppState>, staff: Staff) -> Response {
    users_page(&state, &staff, StatusCode::OK, None)
}

pub(crate) async fn create_user(
    State(state): State<AppState>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    if let Some(r) = staff.unless_may(
        &state,
        unionfed_core::access::Action::ManageAccounts,
        "accounts",
    ) {
        return r;
    }
    let Some(role) = Role::parse(&f.one("role")) else {
        return users_page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(staff.t.get("error-input")),
        );
    };
    let new = NewUser {
        username: f.one("username").trim().to_lowercase(),
        display_name: f.one("display_name"),
        role,
        password: f.one("password"),
    };
    match state.accounts().create_user(&staff.who, new).await {
        Ok(_) => Redirect::to("/users").into_response(),
        Err(NodeError::Invalid(m)) => users_page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(staff.input_error(&m)),
        ),
        Err(e) => staff.error_page(e),
    }
}

pub(crate) async fn set_user_state(
    State(state): State<AppState>,
    Path((username, change)): Path<(String, String)>,
    StaffForm { staff, .. }: StaffForm,
) -> Response {
    let disabled = match change.as_str() {
        "disable" => true,
        "enable" => false,
        _ => return message_page(staff.t, StatusCode::NOT_FOUND, "error-heading"),
    };
    match state
        .accounts()
        .set_user_disabled(&staff.who, &username, disabled)
        .await
    {
        Ok(_) => Redirect::to("/users").into_response(),
        Err(NodeError::Invalid(m)) => users_page(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(staff.input_error(&m)),
        ),
        Err(e) => staff.error_page(e),
    }
}

// --- audit ------------------------------------------------------------------------------

struct AuditRow {
    seq: u64,
    when: String,
    actor: String,
    action: String,
    target: String,
    detail: Option<String>,
}

#[derive(Template)]
#[template(path = "s_audit.html")]
struct AuditPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    q: String,
    records: Vec<AuditRow>,
    broken: Option<String>,
    count: u64,
    head: String,
    /// "Records up to #N were removed by retention ...", when they were.
    cut: Option<String>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct AuditSearch {
    #[serde(default)]
    q: String,
}

pub(crate) fn clock(t: unionfed_protocol::Timestamp) -> String {
    let s = t.secs() % 86_400;
    format!(
        "{} {:02}:{:02}:{:02}",
        unionfed_core::cases::reports::day_string(t),
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

pub(crate) async fn audit(
    State(state): State<AppState>,
    staff: Staff,
    search: Result<Query<AuditSearch>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let q = search.map(|Query(s)| s.q).unwrap_or_default();
    let query = AuditQuery {
        text: Some(q.clone()).filter(|q| !q.trim().is_empty()),
        limit: 500,
    };
    let (records, report) = match state.audit_records(&staff.who, &query) {
        Ok(found) => found,
        Err(e) => return staff.error_page(e),
    };
    page(
        StatusCode::OK,
        AuditPage {
            t: staff.t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            q,
            records: records
                .into_iter()
                .map(|r| AuditRow {
                    seq: r.seq,
                    when: clock(r.at),
                    actor: r.actor,
                    action: r.action,
                    target: r.target,
                    detail: r.detail,
                })
                .collect(),
            cut: report.cut_through.map(|seq| {
                staff.t.with(
                    "audit-cut",
                    &[
                        ("seq", &seq.to_string()),
                        ("days", &state.config.audit_retention_days.to_string()),
                    ],
                )
            }),
            broken: report.broken,
            count: report.records,
            head: report.head,
        }
        .render(),
    )
}

// --- my account: the second factor ----------------------------------------------------

pub(crate) struct TotpSetup {
    secret: String,
    svg: String,
}

#[derive(Template)]
#[template(path = "s_account.html")]
struct AccountPage {
    t: Tr,
    affiliate: String,
    me: Option<Me>,
    csrf: String,
    error: Option<String>,
    enabled: bool,
    setup: Option<TotpSetup>,
    /// (id, label, created) of the account's API tokens.
    tokens: Vec<(String, String, String)>,
    /// A token just made, shown this once.
    new_token: Option<String>,
    token_error: Option<String>,
}

fn account_page(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    setup: Option<TotpSetup>,
    error: Option<String>,
) -> Response {
    account_page_with(state, staff, status, setup, error, None, None)
}

fn account_page_with(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    setup: Option<TotpSetup>,
    error: Option<String>,
    new_token: Option<String>,
    token_error: Option<String>,
) -> Response {
    let tokens = state
        .accounts()
        .own_api_tokens(&staff.who)
        .unwrap_or_default()
        .into_iter()
        .map(|x| (x.id, x.label, clock(x.created_at)))
        .collect();
    page(
        status,
        AccountPage {
            t: staff.t,
            affiliate: state.config.name.clone(),
            me: staff.me(),
            csrf: staff.session.csrf.clone(),
            error,
            enabled: staff.user.totp_secret.is_some(),
            setup,
            tokens,
            new_token,
            token_error,
        }
        .render(),
    )
}

pub(crate) async fn account(State(state): State<AppState>, staff: Staff) -> Response {
    account_page(&state, &staff, StatusCode::OK, None, None)
}

/// Makes a personal API token (`/account/tokens`), shown on the page once.
pub(crate) async fn create_token(
    State(state): State<AppState>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    match state
        .accounts()
        .create_api_token(&staff.who, &f.one("label"))
        .await
    {
        Ok((token, _)) => account_page_with(
            &state,
            &staff,
            StatusCode::OK,
            None,
            None,
            Some(token),
            None,
        ),
        Err(NodeError::Invalid(m)) => account_page_with(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            None,
            None,
            None,
            Some(staff.input_error(&m)),
        ),
        Err(e) => staff.error_page(e),
    }
}

/// Revokes one of the user's own tokens (`/account/tokens/{id}/revoke`).
pub(crate) async fn revoke_own_token(
    State(state): State<AppState>,
    Path((id, step)): Path<(String, String)>,
    StaffForm { staff, .. }: StaffForm,
) -> Response {
    if step != "revoke" {
        return message_page(staff.t, StatusCode::NOT_FOUND, "error-heading");
    }
    let owner = staff.user.username.clone();
    revoke_token(&state, &staff, &owner, &id, "/account").await
}

fn setup_for(state: &AppState, staff: &Staff, secret: String) -> Option<TotpSetup> {
    let url = unionfed_core::accounts::totp(&secret, &state.config.name, &staff.user.username)
        .ok()?
        .get_url();
    let svg = unionfed_protocol::qr::svg(&url, 200).ok()?;
    Some(TotpSetup { secret, svg })
}

pub(crate) async fn account_totp(
    State(state): State<AppState>,
    Path(step): Path<String>,
    StaffForm { staff, fields: f }: StaffForm,
) -> Response {
    let t = staff.t;
    match step.as_str() {
        "start" => {
            let setup = setup_for(&state, &staff, unionfed_core::accounts::new_totp_secret());
            account_page(&state, &staff, StatusCode::OK, setup, None)
        }
        "on" => {
            let secret = f.one("secret");
            match state
                .accounts()
                .enable_totp(&staff.who, &secret, &f.one("code"))
                .await
            {
                Ok(true) => Redirect::to("/account").into_response(),
                Ok(false) => {
                    let setup = setup_for(&state, &staff, secret);
                    account_page(
                        &state,
                        &staff,
                        StatusCode::UNPROCESSABLE_ENTITY,
                        setup,
                        Some(t.get("totp-wrong")),
                    )
                }
                Err(e) => staff.error_page(e),
            }
        }
        "off" => match state
            .accounts()
            .disable_totp(&staff.who, &f.one("password"))
            .await
        {
            Ok(true) => Redirect::to("/account").into_response(),
            Ok(false) => account_page(
                &state,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                None,
                Some(t.get("login-wrong")),
            ),
            Err(e) => staff.error_page(e),
        },
        _ => message_page(t, StatusCode::NOT_FOUND, "error-heading"),
    }
}
