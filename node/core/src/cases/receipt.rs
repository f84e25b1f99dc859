//! Receipt codes: how a worker who filed a complaint, named or not, follows
//! it. The code is 16 digits: the first 6 find the case, the last 10 are the
//! secret. Only an Argon2id hash of the whole code (and the passphrase, if
//! the worker chose one) is stored.

use crate::error::{NodeError, Result};
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::Rng;
use serde::{Deserialize, Serialize};

/// Digits of the code that locate the case (not secret).
pub const LOCATOR_DIGITS: usize = 6;
pub const CODE_DIGITS: usize = 16;
pub const MAX_PASSPHRASE: usize = 200;

/// What the store keeps of a receipt code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLock {
    pub locator: String,
    /// PHC string of the Argon2id hash.
    pub hash: String,
}

/// A fresh code, as digits only.
pub fn new_code() -> String {
    let mut rng = rand::thread_rng();
    (0..CODE_DIGITS)
        .map(|_| char::from(b'0' + rng.gen_range(0..10u8)))
        .collect()
}

/// `1234 5678 9012 3456`: easy to read aloud and to copy from a phone.
pub fn display(code: &str) -> String {
    code.as_bytes()
        .chunks(4)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The digits of a code as a worker typed it (spaces and dashes allowed).
pub fn normalise(typed: &str) -> Result<String> {
    let digits: String = typed
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.'))
        .collect();
    if digits.len() != CODE_DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(NodeError::Invalid(
            "a receipt code is 16 digits, like 1234 5678 9012 3456".into(),
        ));
    }
    Ok(digits)
}

fn secret(code: &str, passphrase: Option<&str>) -> Vec<u8> {
    let mut s = code.as_bytes().to_vec();
    s.push(b'\n');
    s.extend_from_slice(passphrase.unwrap_or_default().as_bytes());
    s
}

pub fn check_passphrase(passphrase: Option<&str>) -> Result<()> {
    if passphrase.is_some_and(|p| p.len() > MAX_PASSPHRASE) {
        return Err(NodeError::Invalid(format!(
            "the passphrase is longer than {MAX_PASSPHRASE} bytes"
        )));
    }
    Ok(())
}

/// Hashes a code (and passphrase) with Argon2id and a random salt. Slow on
/// purpose: run it off the async workers.
pub fn lock(code: &str, passphrase: Option<&str>) -> Result<ReceiptLock> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    let hash = Argon2::default()
        .hash_password(&secret(code, passphrase), &salt)
        .map_err(|e| NodeError::Storage(format!("cannot hash the receipt code: {e}")))?
        .to_string();
    Ok(ReceiptLock {
        locator: code[..LOCATOR_DIGITS].to_owned(),
        hash,
    })
}

/// Whether `code` and `passphrase` open `lock`.
pub fn opens(lock: &ReceiptLock, code: &str, passphrase: Option<&str>) -> bool {
    PasswordHash::new(&lock.hash).is_ok_and(|h| {
        Argon2::default()
            .verify_password(&secret(code, passphrase), &h)
            .is_ok()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_opens_its_lock_and_nothing_else_does() {
        let code = new_code();
        assert_eq!(code.len(), 16);
        let lock = lock(&code, Some("melati")).unwrap();
        assert!(lock.hash.starts_with("$argon2id$"));
        assert!(!lock.hash.contains(&code));
        assert!(opens(&lock, &code, Some("melati")));
        assert!(!opens(&lock, &code, None));
        assert!(!opens(&lock, &code, Some("melati ")));
        let mut other = code.clone().into_bytes();
        other[15] = if other[15] == b'0' { b'1' } else { b'0' };
        assert!(!opens(
            &lock,
            &String::from_utf8(other).unwrap(),
            Some("melati")
        ));
        assert_eq!(normalise(&display(&code)).unwrap(), code);
        assert!(normalise("1234").is_err());
        assert!(normalise("123456789012345x").is_err());
    }
}
