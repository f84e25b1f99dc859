//! Staff accounts, roles and sessions. Passwords are hashed with Argon2id;
//! a session is a random id in an HttpOnly, SameSite=Strict cookie, stored
//! only as its SHA-256, replaced at every login, with a CSRF token that
//! every form must send back. Wrong passwords lock the account for longer
//! and longer.

pub(crate) mod store;

use crate::access::{Action, Principal};
use crate::error::{NodeError, Result};
use crate::node::{now, NodeState};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use unionfed_protocol::Timestamp;

/// A session ends after this long without use ...
pub const IDLE_SECS: u64 = 12 * 3600;
/// ... and this long after login, whatever.
pub const ABSOLUTE_SECS: u64 = 7 * 86_400;
/// Wrong passwords in a row before the account locks.
pub const FREE_ATTEMPTS: u32 = 5;
pub const MIN_PASSWORD: usize = 10;

pub use crate::access::Role;

/// A staff account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct User {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password_hash: String,
    pub created_at: Timestamp,
    pub disabled: bool,
    pub failed_logins: u32,
    pub locked_until: Option<Timestamp>,
    /// Base32 secret of the optional second factor (RFC 6238 TOTP).
    #[serde(default)]
    pub totp_secret: Option<String>,
}

impl User {
    /// The staff member behind this account: signed in (`token` is
    /// `None`), or through their personal API token `token`.
    pub fn principal(&self, token: Option<String>) -> Principal {
        Principal::Staff {
            username: self.username.clone(),
            display_name: self.display_name.clone(),
            role: self.role,
            token,
        }
    }
}

/// A logged-in session.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub username: String,
    pub created_at: Timestamp,
    pub last_seen: Timestamp,
    /// Every form posts this back.
    pub csrf: String,
}

/// A personal API token. It acts with its user's role, only while the
/// account is enabled; the token itself is shown once and stored as its
/// SHA-256.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ApiToken {
    /// A short id to name it by (revocation, the audit trail).
    pub id: String,
    pub username: String,
    /// What it is for, e.g. "payroll import script".
    pub label: String,
    pub created_at: Timestamp,
}

/// Tokens one account holds at most.
pub const MAX_API_TOKENS: usize = 10;

/// The first characters of every personal API token.
const API_TOKEN_PREFIX: &str = "uft_";

/// A new account, as an admin enters it.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
}

/// `bytes` random bytes from the OS, as hex: session ids, tokens, secrets.
pub(crate) fn random_hex(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// The SHA-256 a secret (a session id, an API or partner token) is stored
/// and found under; the secret itself is never stored.
pub(crate) fn token_hash(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| NodeError::Storage(format!("cannot hash the password: {e}")))
}

/// A hash to check wrong user names against, made once.
fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("no account has this password").unwrap_or_default())
}

fn password_ok(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

async fn off_thread<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| NodeError::Storage(format!("a hashing task failed: {e}")))
}

/// The account of a signed-in user acting on it themself: the second factor
/// is changed only from a session, never with a token.
fn own_account(who: &Principal) -> Result<&str> {
    match who {
        Principal::Staff {
            username,
            token: None,
            ..
        } => Ok(username),
        other => Err(NodeError::Forbidden(format!(
            "{} may not change a second factor; a signed-in user changes their own",
            other.audit_name()
        ))),
    }
}

/// Names the audit trail gives to principals that are not accounts.
const RESERVED_NAMES: [&str; 3] = ["node", "public", "worker"];

fn check_username(name: &str) -> Result<()> {
    if RESERVED_NAMES.contains(&name) {
        return Err(NodeError::Invalid(format!(
            "the user name {name} is kept for the audit trail's own entries; choose another"
        )));
    }
    let ok = (2..=40).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(NodeError::Invalid(
            "a user name is 2 to 40 of a-z, 0-9, dot, dash and underscore".into(),
        ))
    }
}

fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < MIN_PASSWORD || password.len() > 200 {
        return Err(NodeError::Invalid(format!(
            "a password has {MIN_PASSWORD} to 200 characters; a few words make a good one"
        )));
    }
    Ok(())
}

/// A session's cookie value and its CSRF token.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub id: String,
    pub csrf: String,
}

/// Why a login failed; the same answer for a wrong name and a wrong password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginFailure {
    Wrong,
    Locked {
        until: Timestamp,
    },
    /// The password was right; the account also needs its second-factor code.
    NeedsCode,
}

/// A fresh second-factor secret, base32.
pub fn new_totp_secret() -> String {
    let mut b = vec![0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut b);
    match totp_rs::Secret::Raw(b).to_encoded() {
        totp_rs::Secret::Encoded(s) => s,
        totp_rs::Secret::Raw(_) => String::new(),
    }
}

/// The TOTP (SHA-1, 6 digits, 30 s, one step of clock skew either way,
/// as authenticator apps expect) for a base32 secret.
pub fn totp(secret: &str, issuer: &str, account: &str) -> Result<totp_rs::TOTP> {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .map_err(|_| NodeError::Invalid("the second-factor secret is not base32".into()))?;
    totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        1,
        30,
        bytes,
        Some(issuer.replace(':', " ")),
        account.replace(':', " "),
    )
    .map_err(|e| NodeError::Invalid(format!("the second-factor secret is not usable: {e}")))
}

fn code_ok(secret: &str, code: &str) -> bool {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    totp(secret, "unionfed", "user").is_ok_and(|t| t.check_current(&code).unwrap_or(false))
}

/// A node's staff accounts: users, sessions, second factors and API tokens.
/// Reach it with [`NodeState::accounts`]; every `pub` function here decides
/// through the one policy (`access`) and records through the audit trail.
#[derive(Debug, Clone, Copy)]
pub struct Accounts<'a> {
    state: &'a NodeState,
}

impl std::ops::Deref for Accounts<'_> {
    type Target = NodeState;
    fn deref(&self) -> &NodeState {
        self.state
    }
}

impl NodeState {
    /// A node's staff accounts: users, sessions, second factors and API tokens.
    pub fn accounts(&self) -> Accounts<'_> {
        Accounts { state: self }
    }
}

impl Accounts<'_> {
    /// Whether `token` is this node's admin API token (printed by `unionfed init`).
    pub fn is_admin_token(self, token: &str) -> bool {
        !token.is_empty() && hex::encode(token_hash(token)) == self.config.admin_token_sha256
    }

    /// The account `username`, or NotFound.
    fn user_named(self, username: &str) -> Result<User> {
        store::user(&self.store, username)?.ok_or_else(|| NodeError::NotFound {
            what: "user",
            id: username.to_owned(),
        })
    }

    pub fn has_users(self) -> Result<bool> {
        Ok(!store::users(&self.store)?.is_empty())
    }

    fn new_session(self, username: &str) -> Result<NewSession> {
        let id = random_hex(32);
        let at = now();
        let session = Session {
            username: username.to_owned(),
            created_at: at,
            last_seen: at,
            csrf: random_hex(16),
        };
        store::put_session(&self.store, &token_hash(&id), &session)?;
        Ok(NewSession {
            id,
            csrf: session.csrf,
        })
    }

    /// First run: the holder of the admin token (printed by `unionfed init`)
    /// creates the first admin. Refused once any account exists.
    pub async fn first_admin(self, admin_token: &str, new: NewUser) -> Result<NewSession> {
        if !self.is_admin_token(admin_token.trim()) {
            return Err(NodeError::Forbidden(
                "this is not the node's admin token: the first account needs the one `unionfed init` printed".into(),
            ));
        }
        let user = self
            .make_user(NewUser {
                role: Role::Admin,
                ..new
            })
            .await?;
        if !store::put_first_user(&self.store, &user)? {
            return Err(NodeError::Invalid(
                "this node already has accounts; log in instead".into(),
            ));
        }
        self.audit(
            &Principal::AdminToken.audit_name(),
            "setup_first_admin",
            &user.username,
            None,
        );
        let session = self.new_session(&user.username)?;
        self.store.flush().await?;
        Ok(session)
    }

    async fn make_user(self, new: NewUser) -> Result<User> {
        check_username(&new.username)?;
        check_password(&new.password)?;
        crate::text::required_line("display_name", &new.display_name, 100)?;
        let password = new.password;
        let password_hash = off_thread(move || hash_password(&password)).await??;
        Ok(User {
            username: new.username,
            display_name: new.display_name.trim().to_owned(),
            role: new.role,
            password_hash,
            created_at: now(),
            disabled: false,
            failed_logins: 0,
            locked_until: None,
            totp_secret: None,
        })
    }

    /// An admin creates an account.
    pub async fn create_user(self, who: &Principal, new: NewUser) -> Result<User> {
        let grant = self.allow(who, Action::ManageAccounts, &new.username)?;
        if store::user(&self.store, &new.username)?.is_some() {
            return Err(NodeError::Invalid(format!(
                "the user name {} is taken",
                new.username
            )));
        }
        let user = self.make_user(new).await?;
        store::put_user(&self.store, &user)?;
        grant.done_as(
            &self,
            "create_user",
            &user.username,
            Some(format!("role {}", user.role.as_str())),
        );
        self.store.flush().await?;
        Ok(user)
    }

    /// An admin disables or enables an account; a disabled account's
    /// sessions end at once.
    pub async fn set_user_disabled(
        self,
        who: &Principal,
        username: &str,
        disabled: bool,
    ) -> Result<User> {
        let grant = self.allow(who, Action::ManageAccounts, username)?;
        if who.username() == Some(username) {
            return Err(NodeError::Invalid(
                "you cannot disable your own account".into(),
            ));
        }
        let mut user = self.user_named(username)?;
        user.disabled = disabled;
        store::put_user(&self.store, &user)?;
        if disabled {
            store::remove_sessions_of(&self.store, username)?;
        }
        grant.done_as(
            &self,
            if disabled {
                "disable_user"
            } else {
                "enable_user"
            },
            username,
            None,
        );
        self.store.flush().await?;
        Ok(user)
    }

    /// Checks a password; on success a fresh session (the old one, if any,
    /// is the caller's to end).
    pub async fn login(
        self,
        username: &str,
        password: &str,
        code: Option<&str>,
    ) -> Result<std::result::Result<(User, NewSession), LoginFailure>> {
        let at = now();
        let found = store::user(&self.store, username)?;
        let Some(mut user) = found.filter(|u| !u.disabled) else {
            // Spend the same time as a real check, so names cannot be probed.
            let password = password.to_owned();
            off_thread(move || password_ok(dummy_hash(), &password)).await?;
            self.audit(
                &Principal::Public.audit_name(),
                "login_failed",
                username,
                Some("no such account".into()),
            );
            return Ok(Err(LoginFailure::Wrong));
        };
        if let Some(until) = user.locked_until.filter(|u| *u > at) {
            self.audit(
                &Principal::Public.audit_name(),
                "login_refused",
                username,
                Some("account locked".into()),
            );
            return Ok(Err(LoginFailure::Locked { until }));
        }
        let (hash, pw) = (user.password_hash.clone(), password.to_owned());
        if !off_thread(move || password_ok(&hash, &pw)).await? {
            user.failed_logins += 1;
            if user.failed_logins >= FREE_ATTEMPTS {
                let extra = user.failed_logins - FREE_ATTEMPTS;
                let wait = (60u64 << extra.min(6)).min(3600);
                user.locked_until = Some(Timestamp(at.secs() + wait));
            }
            store::put_user(&self.store, &user)?;
            self.audit(
                &Principal::Public.audit_name(),
                "login_failed",
                username,
                Some(format!("wrong password, {} in a row", user.failed_logins)),
            );
            self.store.flush().await?;
            return Ok(match user.locked_until {
                Some(until) if until > at => Err(LoginFailure::Locked { until }),
                _ => Err(LoginFailure::Wrong),
            });
        }
        if let Some(secret) = user.totp_secret.clone() {
            match code.filter(|c| !c.trim().is_empty()) {
                None => return Ok(Err(LoginFailure::NeedsCode)),
                Some(c) if !code_ok(&secret, c) => {
                    user.failed_logins += 1;
                    store::put_user(&self.store, &user)?;
                    self.audit(
                        &Principal::Public.audit_name(),
                        "login_failed",
                        username,
                        Some("wrong second-factor code".into()),
                    );
                    self.store.flush().await?;
                    return Ok(Err(LoginFailure::NeedsCode));
                }
                Some(_) => {}
            }
        }
        user.failed_logins = 0;
        user.locked_until = None;
        store::put_user(&self.store, &user)?;
        let session = self.new_session(&user.username)?;
        self.audit(&user.username, "login", &user.username, None);
        self.store.flush().await?;
        Ok(Ok((user, session)))
    }

    /// The user and session behind a cookie value, if it is in force.
    pub fn session_user(self, id: &str) -> Result<Option<(User, Session)>> {
        let key = token_hash(id);
        let Some(mut session) = store::session(&self.store, &key)? else {
            return Ok(None);
        };
        let at = now().secs();
        if at > session.last_seen.secs() + IDLE_SECS
            || at > session.created_at.secs() + ABSOLUTE_SECS
        {
            store::remove_session(&self.store, &key)?;
            return Ok(None);
        }
        let Some(user) = store::user(&self.store, &session.username)?.filter(|u| !u.disabled)
        else {
            store::remove_session(&self.store, &key)?;
            return Ok(None);
        };
        if at > session.last_seen.secs() + 300 {
            session.last_seen = Timestamp(at);
            store::put_session(&self.store, &key, &session)?;
        }
        Ok(Some((user, session)))
    }

    pub async fn logout(self, id: &str) -> Result<()> {
        let key = token_hash(id);
        if let Some(s) = store::session(&self.store, &key)? {
            self.audit(&s.username, "logout", &s.username, None);
        }
        store::remove_session(&self.store, &key)?;
        self.store.flush().await
    }

    /// Turns the second factor on once the user proves their app shows
    /// the right code for `secret`.
    pub async fn enable_totp(self, who: &Principal, secret: &str, code: &str) -> Result<bool> {
        let username = own_account(who)?;
        let mut user = self.user_named(username)?;
        if !code_ok(secret, code) {
            return Ok(false);
        }
        user.totp_secret = Some(secret.to_owned());
        store::put_user(&self.store, &user)?;
        self.audit(&who.audit_name(), "totp_on", username, None);
        self.store.flush().await?;
        Ok(true)
    }

    /// Turns the second factor off, with the password as proof.
    pub async fn disable_totp(self, who: &Principal, password: &str) -> Result<bool> {
        let username = own_account(who)?;
        let mut user = self.user_named(username)?;
        let (hash, pw) = (user.password_hash.clone(), password.to_owned());
        if !off_thread(move || password_ok(&hash, &pw)).await? {
            return Ok(false);
        }
        user.totp_secret = None;
        store::put_user(&self.store, &user)?;
        self.audit(&who.audit_name(), "totp_off", username, None);
        self.store.flush().await?;
        Ok(true)
    }

    /// Every account with its personal API tokens, for an admin.
    pub fn users(self, who: &Principal) -> Result<Vec<(User, Vec<ApiToken>)>> {
        let grant = self.allow(who, Action::ManageAccounts, "accounts")?;
        let mut users = store::users(&self.store)?;
        users.sort_by(|a, b| a.username.cmp(&b.username));
        let mut out = Vec::with_capacity(users.len());
        for u in users {
            let tokens = self.api_tokens_of(&u.username)?;
            out.push((u, tokens));
        }
        grant.done_as(&self, "view_users", "accounts", None);
        Ok(out)
    }

    /// The display names of the enabled accounts that may handle cases:
    /// whom a case may be assigned to.
    pub fn case_handlers(self) -> Result<Vec<String>> {
        let mut names: Vec<String> = store::users(&self.store)?
            .into_iter()
            .filter(|u| !u.disabled)
            .filter(|u| u.principal(None).may(Action::ChangeCase))
            .map(|u| u.display_name)
            .collect();
        names.sort();
        Ok(names)
    }

    /// Makes a personal API token for the signed-in user `who`; the token
    /// is returned once, and only its hash is kept.
    pub async fn create_api_token(
        self,
        who: &Principal,
        label: &str,
    ) -> Result<(String, ApiToken)> {
        let Some(username) = who
            .username()
            .filter(|_| matches!(who, Principal::Staff { token: None, .. }))
        else {
            return Err(NodeError::Forbidden(format!(
                "{} may not make personal API tokens; a signed-in user makes their own",
                who.audit_name()
            )));
        };
        let made = self.create_api_token_for(username, label).await?;
        self.audit(
            &who.audit_name(),
            "create_api_token",
            &made.1.id,
            Some(made.1.label.clone()),
        );
        Ok(made)
    }

    async fn create_api_token_for(self, username: &str, label: &str) -> Result<(String, ApiToken)> {
        let label = label.trim();
        crate::text::required_line("label", label, 100).map_err(|_| {
            NodeError::Invalid(
                "give the token a label of 1 to 100 characters, e.g. \"payroll import script\""
                    .into(),
            )
        })?;
        let held = self.api_tokens_of(username)?;
        if held.len() >= MAX_API_TOKENS {
            return Err(NodeError::Invalid(format!(
                "an account holds at most {MAX_API_TOKENS} tokens; revoke one first"
            )));
        }
        let token = format!("{API_TOKEN_PREFIX}{}", random_hex(32));
        let record = ApiToken {
            id: random_hex(4),
            username: username.to_owned(),
            label: label.to_owned(),
            created_at: now(),
        };
        store::put_api_token(&self.store, &token_hash(&token), &record)?;
        self.store.flush().await?;
        Ok((token, record))
    }

    /// The tokens of one account, oldest first.
    pub(crate) fn api_tokens_of(self, username: &str) -> Result<Vec<ApiToken>> {
        let mut held: Vec<ApiToken> = store::api_tokens(&self.store)?
            .into_iter()
            .map(|(_, t)| t)
            .filter(|t| t.username == username)
            .collect();
        held.sort_by_key(|t| t.created_at);
        Ok(held)
    }

    /// The personal API tokens of the signed-in user `who`.
    pub fn own_api_tokens(self, who: &Principal) -> Result<Vec<ApiToken>> {
        match who.username() {
            Some(u) => self.api_tokens_of(u),
            None => Ok(Vec::new()),
        }
    }

    /// Revokes token `id` of `username`: one's own, or anyone's for those
    /// who manage accounts. False when there is no such token.
    pub async fn revoke_api_token(self, who: &Principal, username: &str, id: &str) -> Result<bool> {
        let own = who.username() == Some(username);
        let grant = if own {
            None
        } else {
            Some(self.allow(who, Action::ManageAccounts, username)?)
        };
        let revoked = self.revoke_api_token_of(username, id).await?;
        if revoked {
            let detail = (!own).then(|| format!("of {username}"));
            match grant {
                Some(g) => g.done_as(&self, "revoke_api_token", id, detail),
                None => self.audit(&who.audit_name(), "revoke_api_token", id, detail),
            }
        }
        Ok(revoked)
    }

    async fn revoke_api_token_of(self, username: &str, id: &str) -> Result<bool> {
        let found = store::api_tokens(&self.store)?
            .into_iter()
            .find(|(_, t)| t.username == username && t.id == id);
        let Some((hash, _)) = found else {
            return Ok(false);
        };
        store::remove_api_token(&self.store, &hash)?;
        self.store.flush().await?;
        Ok(true)
    }

    /// The enabled account a personal API token belongs to, and the token.
    pub fn api_token_user(self, token: &str) -> Result<Option<(User, ApiToken)>> {
        if !token.starts_with(API_TOKEN_PREFIX) {
            return Ok(None);
        }
        let Some(record) = store::api_token(&self.store, &token_hash(token))? else {
            return Ok(None);
        };
        Ok(store::user(&self.store, &record.username)?
            .filter(|u| !u.disabled)
            .map(|u| (u, record)))
    }
}

/// Compares two tokens in time that does not depend on where they differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_names() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(password_ok(&h, "correct horse battery"));
        assert!(!password_ok(&h, "correct horse batterY"));
        assert!(check_password("short").is_err());
        assert!(check_username("rina.s").is_ok());
        assert!(check_username("Rina").is_err() && check_username("a").is_err());
        assert!(same_token("abc", "abc") && !same_token("abc", "abd") && !same_token("abc", "ab"));
        assert_eq!(Role::parse("case_officer"), Some(Role::CaseOfficer));
    }
}
