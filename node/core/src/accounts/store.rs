//! Staff accounts in the store: users, their sessions and their personal
//! API tokens, the last two only by the SHA-256 of their secret.

use super::{ApiToken, Session, User};
use crate::error::{NodeError, Result};
use crate::storage::{Batch, Space, Store};

/// By user name.
const USERS: Space = Space::json(b'u', "user");
/// By the SHA-256 of the session id.
const SESSIONS: Space = Space::json(b's', "session");
/// By the SHA-256 of the token.
const API_TOKENS: Space = Space::json(b'w', "API token");

pub(crate) fn put_user(store: &Store, user: &User) -> Result<()> {
    store.put(USERS, user.username.as_bytes(), user)
}

pub(crate) fn user(store: &Store, username: &str) -> Result<Option<User>> {
    store.get(USERS, username.as_bytes())
}

pub(crate) fn users(store: &Store) -> Result<Vec<User>> {
    store.scan(USERS, &[])
}

/// Creates the first user only if there is none, atomically.
pub(crate) fn put_first_user(store: &Store, user: &User) -> Result<bool> {
    let mut batch = Batch::default();
    batch.put(USERS, user.username.as_bytes(), user)?;
    store.write_if_empty(USERS, batch)
}

pub(crate) fn put_session(store: &Store, key_hash: &[u8; 32], session: &Session) -> Result<()> {
    store.put(SESSIONS, key_hash, session)
}

pub(crate) fn session(store: &Store, key_hash: &[u8; 32]) -> Result<Option<Session>> {
    store.get(SESSIONS, key_hash)
}

pub(crate) fn remove_session(store: &Store, key_hash: &[u8; 32]) -> Result<()> {
    store.remove(SESSIONS, key_hash).map(|_| ())
}

/// Removes every session of `username` (password change, account disabled).
pub(crate) fn remove_sessions_of(store: &Store, username: &str) -> Result<()> {
    let mut batch = Batch::default();
    for item in store.iter::<Session>(SESSIONS, &[]) {
        let (key_hash, session) = item?;
        if session.username == username {
            batch.remove(SESSIONS, &key_hash);
        }
    }
    store.write(batch)
}

pub(crate) fn put_api_token(store: &Store, token_hash: &[u8; 32], token: &ApiToken) -> Result<()> {
    store.put(API_TOKENS, token_hash, token)
}

pub(crate) fn api_token(store: &Store, token_hash: &[u8; 32]) -> Result<Option<ApiToken>> {
    store.get(API_TOKENS, token_hash)
}

/// Every personal API token with the hash it is stored under.
pub(crate) fn api_tokens(store: &Store) -> Result<Vec<([u8; 32], ApiToken)>> {
    store
        .iter::<ApiToken>(API_TOKENS, &[])
        .map(|item| {
            let (key, token) = item?;
            let hash: [u8; 32] = key
                .try_into()
                .map_err(|_| NodeError::Storage("an API token key is not 33 bytes".into()))?;
            Ok((hash, token))
        })
        .collect()
}

pub(crate) fn remove_api_token(store: &Store, token_hash: &[u8; 32]) -> Result<()> {
    store.remove(API_TOKENS, token_hash).map(|_| ())
}
